//! Finding a resident's commune from a name it had before the July 2025 merger, or from a shared
//! location.

mod common;

use common::{Person, button_labels, demo_engine, ids, national_engine, render};
use danvan::domain::unit_directory::{Found, Hit, UnitDirectory};
use danvan::message::InboundKind;
use unicode_normalization::UnicodeNormalization;

/// The places found, in the order offered.
fn hits(found: Found<'_>) -> Vec<Hit<'_>> {
    match found {
        Found::One(hit) => vec![hit],
        Found::Several(hits) | Found::Suggestions(hits) => hits,
        Found::Widespread(_) | Found::Nothing => vec![],
    }
}

/// (codes offered, former name they were found through) for what a resident typed.
fn offered(units: &UnitDirectory, query: &str) -> (Vec<String>, Option<String>) {
    let hits = hits(units.find(query));
    let mut codes: Vec<String> = hits.iter().map(|h| h.unit.code.clone()).collect();
    codes.sort();
    let former = hits.first().and_then(|h| h.former).map(|f| f.name.clone());
    (codes, former)
}

/// The codes offered in order once the places `passed` were turned down, or how many places
/// bear the name when the resident is asked where it is.
fn offered_after(units: &UnitDirectory, query: &str, passed: &[&str]) -> Vec<String> {
    let passed: Vec<String> = passed.iter().map(|c| c.to_string()).collect();
    match units.find_except(query, &passed) {
        Found::Widespread(count) => vec![format!("{count} places: where?")],
        found => hits(found).iter().map(|h| h.unit.code.clone()).collect(),
    }
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
        // Current namesakes, and the former one, when they fit in one message.
        ("dong kinh", &["05977", "12745", "18586"], None),
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
async fn old_names_typed_plainly_qualified_or_in_telex_reach_their_commune_within_one_retry() {
    let (_db, engine) = national_engine().await;
    let units = engine.units();
    #[rustfmt::skip]
    let cases: &[(&str, &[&str], &[&str])] = &[
        // The former Xã Minh Khai of Hưng Hà (now in Xã Hưng Hà) shares its name with a commune of
        // Cao Bằng today, asked about first; after a "no", every former Xã Minh Khai.
        ("xa minh khai", &[], &["01795"]),
        ("xa minh khai", &["01795"], &["09856", "12586", "13192", "06079"]),
        // Qualified as people speak: by the new commune, the province or the former district.
        ("minh khai, hung ha", &[], &["12586"]),
        ("minh khai, hưng hà", &[], &["12586"]),
        ("Minh Khai, Vũ Thư", &[], &["13192"]),
        ("xa minh khai hung yen", &[], &["12586", "13192"]),
        ("minh khai hung yen", &[], &["11953", "12586", "13192"]),
        ("minh khai, quan hai ba trung", &[], &["00292", "00322"]),
        ("tan thanh, dong thap", &[], &["29938", "30157", "28747", "30226", "28693", "30130", "28426"]),
        // More places were a Tân Thành than fit in one message: where is it?
        ("tan thanh", &[], &["57 places: where?"]),
        // Telex and VNI from phones without a Vietnamese keyboard.
        ("tieen luwx", &[], &["12364", "08842"]),
        ("tie6n lu74", &[], &["12364", "08842"]),
        ("tien lu", &[], &["12364", "08842"]),
        ("tieen luwx, hung yen", &[], &["12364"]),
        ("dduwowngf hao", &[], &["12133"]),
        // Names ending in what would be a Telex tone key stay names.
        ("ea kar", &[], &["24373"]),
        ("cu mgar", &[], &["24280"]),
        ("Cư M'gar", &[], &["24280"]),
    ];
    for (query, passed, expected) in cases {
        assert_eq!(
            offered_after(&units, query, passed),
            *expected,
            "{query:?} after {passed:?}"
        );
    }
    let (found, query) = units
        .find_within("tan thanh", &[], "Đồng Tháp")
        .expect("a province");
    assert_eq!(hits(found).len(), 7);
    assert_eq!(query, "tan thanh, Đồng Tháp");
}

#[tokio::test]
async fn a_resident_of_the_former_minh_khai_turns_down_cao_bang_and_finds_hung_ha() {
    let (_db, engine) = national_engine().await;
    let mut p = Person::new(&engine, "minh-khai");
    p.consent().await;
    let first = p.send("xa minh khai").await;
    assert_eq!(
        render(&engine, &first),
        "Xã Minh Khai, Tỉnh Cao Bằng — đúng không? [Đúng] [Không, tìm lại]"
    );
    let others = p.tap("Không, tìm lại").await;
    assert!(render(&engine, &others).starts_with("Những nơi khác tên “xa minh khai”"));
    assert_eq!(
        button_labels(&engine, &others),
        [
            "Xã Dương Hoà, Thành phố Hà Nội (Xã Minh Khai (cũ))",
            "Xã Hưng Hà, Tỉnh Hưng Yên (Xã Minh Khai (cũ))",
            "Xã Vũ Thư, Tỉnh Hưng Yên (Xã Minh Khai (cũ))",
            "Xã Hồng Phong, Tỉnh Lạng Sơn (Xã Minh Khai (cũ))",
            "Gõ lại tên khác"
        ]
    );
    // Typing the name again goes on to its namesakes of another type, never back to Cao Bằng.
    let again = p.send("xa minh khai").await;
    assert!(render(&engine, &again).starts_with("Có 9 nơi tên “xa minh khai”"));
    let there = p.send("hung yen").await;
    assert!(render(&engine, &there).starts_with("Phường Minh Khai (cũ) nay thuộc Phường Phố Hiến"));
    // Or the name with the new commune, at once.
    let chosen = p.send("minh khai, hung ha").await;
    assert_eq!(
        render(&engine, &chosen),
        "Xã Minh Khai (cũ) nay thuộc Xã Hưng Hà, Tỉnh Hưng Yên — đúng không? [Đúng] [Không, tìm lại]"
    );
    assert_eq!(ids(&p.tap("Đúng").await), ["signup-done"]);
}

#[tokio::test]
async fn more_namesakes_than_buttons_ask_for_the_province_then_offer_its_own() {
    let (_db, engine) = national_engine().await;
    let mut p = Person::new(&engine, "tan-thanh");
    p.consent().await;
    let asked = p.send("tan thanh").await;
    assert!(
        render(&engine, &asked).starts_with("Có 57 nơi tên “tan thanh”"),
        "{}",
        render(&engine, &asked)
    );
    let there = p.send("dong thap").await;
    assert_eq!(ids(&there), ["unit-several"]);
    assert_eq!(
        button_labels(&engine, &there)[2],
        "Xã Gò Công Đông, Tỉnh Đồng Tháp (Xã Tân Thành (cũ, huyện Gò Công Đông))"
    );
    assert_eq!(
        ids(&p
            .tap("Xã Gò Công Đông, Tỉnh Đồng Tháp (Xã Tân Thành (cũ, huyện Gò Công Đông))")
            .await),
        ["signup-done"]
    );
}

#[tokio::test]
async fn a_deployment_for_hung_yen_offers_its_own_namesakes_first() {
    let (_db, engine) = national_engine().await;
    let engine = engine.with_home_unit(Some("33".into())).unwrap();
    let mut p = Person::new(&engine, "home");
    p.consent().await;
    let found = p.send("xa minh khai").await;
    assert_eq!(ids(&found), ["unit-several"]);
    assert_eq!(
        button_labels(&engine, &found)[..3],
        [
            "Xã Hưng Hà, Tỉnh Hưng Yên (Xã Minh Khai (cũ))",
            "Xã Vũ Thư, Tỉnh Hưng Yên (Xã Minh Khai (cũ))",
            "Xã Minh Khai, Tỉnh Cao Bằng"
        ]
    );
    // Without a namesake, the home unit changes nothing.
    assert_eq!(offered(&engine.units(), "ea kar").0, ["24373"]);
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
