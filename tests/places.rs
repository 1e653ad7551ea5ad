//! Finding a resident's commune from a name it had before the July 2025 merger, or from a shared
//! location.

mod common;

use common::{Person, button_labels, demo_engine, ids, national_engine, render};
use danvan::domain::unit_directory::{Found, UnitDirectory};
use danvan::message::InboundKind;
use unicode_normalization::UnicodeNormalization;

/// (codes offered, former name they were found through) for what a resident typed.
fn offered(units: &UnitDirectory, query: &str) -> (Vec<String>, Option<String>) {
    let hits = match units.find(query) {
        Found::One(hit) => vec![hit],
        Found::Several(hits) | Found::Suggestions(hits) => hits,
        Found::Nothing => vec![],
    };
    let mut codes: Vec<String> = hits.iter().map(|h| h.unit.code.clone()).collect();
    codes.sort();
    let former = hits.first().and_then(|h| h.former).map(|f| f.name.clone());
    (codes, former)
}

#[tokio::test]
async fn former_names_lead_to_the_communes_they_became_part_of() {
    let (_db, engine) = national_engine().await;
    let units = engine.units();
    let nfd: String = "Đông Kinh, Hưng Yên".nfd().collect();
    let cases: &[(&str, &[&str], Option<&str>)] = &[
        // Xã Bắc Đông Quan was formed from Xã Hà Giang, Xã Đông Kinh, Xã Đông Vinh.
        ("Xã Đông Kinh, Hưng Yên", &["12745"], Some("Xã Đông Kinh")),
        ("dong kinh hung yen", &["12745"], Some("Xã Đông Kinh")),
        (&nfd, &["12745"], Some("Xã Đông Kinh")),
        ("dong kihn, hung yen", &["12745"], Some("Xã Đông Kinh")),
        // Current names win over former ones that match as well.
        ("dong kinh", &["05977", "18586"], None),
        // Split: part of Phường Cửa Đông went to Ba Đình, the rest to Hoàn Kiếm.
        ("cua dong", &["00004", "00070"], Some("Phường Cửa Đông")),
        // Namesakes in two provinces, told apart by the province.
        ("minh phu", &["00382", "12763"], Some("Xã Minh Phú")),
        ("Minh Phú, Hưng Yên", &["12763"], Some("Xã Minh Phú")),
        // Apostrophes in either form, or none.
        ("Ch'ơm", &["20443"], Some("Xã Ch’ơm")),
        ("chom", &["20443"], Some("Xã Ch’ơm")),
        // Unchanged ("giữ nguyên"): found by its own name only.
        ("ngoc long", &["00859"], None),
    ];
    for (query, codes, former) in cases {
        assert_eq!(
            offered(&units, query),
            (
                codes.iter().map(|c| c.to_string()).collect(),
                former.map(str::to_owned)
            ),
            "{query:?}"
        );
    }
}

#[tokio::test]
async fn reimporting_the_merger_map_replaces_links_instead_of_adding() {
    let (db, _engine) = national_engine().await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM former_units")
            .fetch_one(&sqlx::PgPool::connect(&db.url).await.unwrap())
            .await
            .unwrap()
    };
    let first = count().await;
    assert!(first > 10_000, "{first} links");
    let map = danvan::domain::former::parse_merger_map(danvan::seed::MERGER_MAP_2025).unwrap();
    let plan = db.store.import_former(&map, "again").await.unwrap();
    assert_eq!(plan.codes.len(), 3321);
    assert!(plan.unknown_codes.is_empty());
    assert_eq!(count().await, first);
}

#[tokio::test]
async fn signing_up_with_a_former_name_asks_about_the_new_commune() {
    let (_db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "former");
    p.consent().await;
    let found = p.send("dong kinh").await;
    assert_eq!(
        render(&engine, &found),
        "Xã Đông Kinh (cũ) nay thuộc Xã Bắc Đông Quan, Tỉnh Hưng Yên — đúng không? [Đúng] [Không, tìm lại]"
    );
    // Asking again (an unexpected message) keeps saying how the place was found.
    let again = p.event(InboundKind::Other).await;
    assert!(render(&engine, &again).contains("Xã Đông Kinh (cũ) nay thuộc"));
    let done = p.tap("Đúng").await;
    assert_eq!(ids(&done), ["signup-done"]);
    assert!(render(&engine, &done).contains("Xã Bắc Đông Quan"));
}

#[tokio::test]
async fn a_former_commune_split_in_two_offers_both() {
    let (_db, engine) = national_engine().await;
    let mut p = Person::new(&engine, "split");
    p.consent().await;
    let found = p.send("Phường Cửa Đông").await;
    assert_eq!(ids(&found), ["unit-former-split"]);
    assert!(render(&engine, &found).starts_with("Phường Cửa Đông (cũ) nay thuộc nhiều xã/phường"));
    let labels = button_labels(&engine, &found);
    assert_eq!(
        labels,
        [
            "Phường Ba Đình, Thành phố Hà Nội",
            "Phường Hoàn Kiếm, Thành phố Hà Nội",
            "Gõ lại tên khác"
        ]
    );
    assert_eq!(
        ids(&p.tap("Phường Hoàn Kiếm, Thành phố Hà Nội").await),
        ["signup-done"]
    );
}

#[tokio::test]
async fn namesake_former_communes_are_labelled_with_their_new_place() {
    let (_db, engine) = national_engine().await;
    let mut p = Person::new(&engine, "namesake");
    p.consent().await;
    let found = p.send("minh phu").await;
    assert_eq!(ids(&found), ["unit-several"]);
    assert_eq!(
        button_labels(&engine, &found)[..2],
        [
            "Xã Kim Anh, Thành phố Hà Nội (Xã Minh Phú (cũ))",
            "Xã Nam Tiên Hưng, Tỉnh Hưng Yên (Xã Minh Phú (cũ))"
        ]
    );
}

/// Points in Hưng Yên (latitude, longitude) and the communes whose boundary holds them.
const POINTS: &[((f64, f64), &[&str])] = &[
    // Inside Phường Phố Hiến.
    ((20.6464, 106.0511), &["11953"]),
    // Inside Xã Bắc Đông Quan.
    ((20.535975, 106.395457), &["12745"]),
    // A vertex of the border between Phường Phố Hiến and Xã Hiệp Cường.
    ((20.69525, 106.07908), &["11953", "12322"]),
    // Hà Nội, outside every loaded boundary; and the Gulf of Guinea.
    ((21.0285, 105.8542), &[]),
    ((0.0, 0.0), &[]),
];

#[tokio::test]
async fn a_point_finds_the_commune_whose_boundary_holds_it() {
    let (_db, engine) = demo_engine().await;
    let units = engine.units();
    for ((latitude, longitude), codes) in POINTS {
        let mut found: Vec<&str> = units
            .locate(*latitude, *longitude)
            .iter()
            .map(|u| u.code.as_str())
            .collect();
        found.sort();
        assert_eq!(found, *codes, "({latitude}, {longitude})");
    }
}

#[tokio::test]
async fn sharing_a_location_confirms_the_commune_or_falls_back_to_typing() {
    let (_db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "located");
    p.consent().await;
    let at = |latitude, longitude| InboundKind::Location {
        latitude,
        longitude,
    };

    let outside = p.event(at(21.0285, 105.8542)).await;
    assert_eq!(ids(&outside), ["unit-location-unknown"]);
    let border = p.event(at(20.69525, 106.07908)).await;
    assert_eq!(ids(&border), ["unit-location-border"]);
    assert_eq!(
        button_labels(&engine, &border),
        [
            "Phường Phố Hiến, Tỉnh Hưng Yên",
            "Xã Hiệp Cường, Tỉnh Hưng Yên",
            "Gõ lại tên khác"
        ]
    );
    let inside = p.event(at(20.6464, 106.0511)).await;
    assert_eq!(
        render(&engine, &inside),
        "Vị trí bạn gửi nằm ở Phường Phố Hiến, Tỉnh Hưng Yên — đúng không? [Đúng] [Không, tìm lại]"
    );
    assert_eq!(ids(&p.tap("Đúng").await), ["signup-done"]);
}

#[tokio::test]
async fn the_question_offers_a_location_button_only_where_boundaries_are_loaded() {
    let (_db, demo) = demo_engine().await;
    let mut p = Person::new(&demo, "with-map");
    p.send("/start").await;
    p.press("lang:vi").await;
    let asked = p.press("consent:yes").await;
    assert!(asked.replies[1].location.is_some());

    let (_db, national) = national_engine().await;
    let mut p = Person::new(&national, "without-map");
    p.send("/start").await;
    p.press("lang:vi").await;
    let asked = p.press("consent:yes").await;
    assert_eq!(ids(&asked), ["consent-thanks", "unit-ask"]);
    assert!(asked.replies[1].location.is_none());
    // A location sent anyway is answered, not lost.
    let sent = p
        .event(InboundKind::Location {
            latitude: 20.6464,
            longitude: 106.0511,
        })
        .await;
    assert_eq!(ids(&sent), ["unit-location-unknown"]);
}
