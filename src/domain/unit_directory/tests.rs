use super::fixtures::namesakes;
use super::*;

fn directory() -> UnitDirectory {
    let unit = Unit::sample;
    UnitDirectory::new(vec![
        unit(1, "33", "Tỉnh Hưng Yên", None),
        unit(2, "01", "Thành phố Hà Nội", None),
        unit(3, "08", "Tỉnh Tuyên Quang", None),
        unit(5, "66", "Tỉnh Đắk Lắk", None),
        unit(10, "12745", "Xã Bắc Đông Quan", Some(1)),
        unit(11, "12364", "Xã Tiên Lữ", Some(1)),
        unit(12, "12700", "Xã Tiên Hoa", Some(1)),
        unit(13, "00175", "Phường Yên Hoà", Some(2)),
        unit(14, "02248", "Xã Yên Hoa", Some(3)),
        unit(15, "11953", "Phường Phố Hiến", Some(1)),
        unit(20, "24181", "Xã Ea Kar", Some(5)),
        unit(21, "24100", "Xã Cư M’gar", Some(5)),
    ])
}

fn codes(found: Found) -> Vec<String> {
    match found {
        Found::One(h) => vec![h.unit.code.clone()],
        Found::Several(hs) | Found::Suggestions(hs) => {
            hs.iter().map(|h| h.unit.code.clone()).collect()
        }
        Found::Widespread(count) => vec![format!("{count} places: ask where")],
        Found::Nothing => vec![],
    }
}

fn passed(codes: &[&str]) -> Vec<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

#[test]
fn typed_names_find_their_commune() {
    let d = directory();
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd("Tiên Lữ").collect();
    let cases: &[(&str, &str)] = &[
        ("bac dong quan", "12745"),
        ("Xã Bắc Đông Quan", "12745"),
        ("XA BAC DONG QUAN", "12745"),
        ("  bắc   đông quan ", "12745"),
        ("bac dong quang", "12745"),
        ("bac dogn quan", "12745"),
        ("tien lu", "12364"),
        (&nfd, "12364"),
        ("pho hien", "11953"),
        ("p. pho hien", "11953"),
        ("Phường Yên Hòa", "00175"),
        ("yên hoà", "00175"),
        ("yen hoa ha noi", "00175"),
        ("Yên Hoa, Tuyên Quang", "02248"),
    ];
    for (query, code) in cases {
        assert_eq!(codes(d.find(query)), vec![code.to_string()], "{query:?}");
    }
}

#[test]
fn telex_and_vni_find_what_the_letters_they_stand_for_find() {
    let d = directory();
    let cases: &[(&str, &[&str])] = &[
        ("tieen luwx", &["12364"]),
        ("tie6n lu74", &["12364"]),
        ("TIEEN LUWX", &["12364"]),
        ("xax tieen luwx", &["12364"]),
        ("tieen lu", &["12364"]),
        ("bawcs ddoong quan", &["12745"]),
        ("ba8c1 d9o6ng quan", &["12745"]),
        // The tone typed tells namesakes apart, as if typed with marks.
        ("yeen hoaf", &["00175"]),
        ("ye6n hoa2", &["00175"]),
        ("yen hoa", &["00175", "02248"]),
        // Words of names ending in a Telex tone key are names, not keys.
        ("ea kar", &["24181"]),
        ("cu mgar", &["24100"]),
        ("cư m'gar", &["24100"]),
        ("Cư M'gar", &["24100"]),
        // So are typos that no input method reads.
        ("tien lux", &["12364"]),
        ("tieen luwx hung yen", &["12364"]),
    ];
    for (query, expected) in cases {
        assert_eq!(codes(d.find(query)), passed(expected), "{query:?}");
    }
}

#[test]
fn a_name_may_be_followed_by_its_province_new_commune_or_former_district() {
    let cases: &[(&str, &str)] = &[
        ("minh khai hung yen", "12586"),
        ("minh khai, hưng hà", "12586"),
        ("minh khai, hung ha", "12586"),
        ("Xã Minh Khai, Xã Hưng Hà", "12586"),
        ("minh khai, hung ha, hung yen", "12586"),
        ("minh khai hung yen hung ha", "12586"),
        ("xa minh khai, ha noi", "09856"),
        ("minh khai, duong hoa", "09856"),
        ("minh khai, hai ba trung", "00292"),
        ("minh khai quan hai ba trung", "00292"),
        ("thong nhat, huyen hung ha", "12586"),
        ("minh khia, hung ha", "12586"),
    ];
    let d = namesakes();
    for (query, code) in cases {
        assert_eq!(codes(d.find(query)), vec![code.to_string()], "{query:?}");
    }
    // Without its type, the name of a ward as well as of a commune.
    assert_eq!(codes(d.find("minh khai, ha noi")), ["00292", "09856"]);
}

#[test]
fn after_a_no_the_other_places_of_that_name_are_offered() {
    let d = namesakes();
    // The current Xã Minh Khai is asked about first; the former ones come after a "no".
    assert_eq!(codes(d.find("xa minh khai")), ["01795"]);
    assert_eq!(
        codes(d.find_except("xa minh khai", &passed(&["01795"]))),
        ["09856", "12586"]
    );
    // Past those, the namesake of another type; then nothing.
    let all_xa = passed(&["01795", "09856", "12586"]);
    assert_eq!(codes(d.find_except("xa minh khai", &all_xa)), ["00292"]);
    let all = passed(&["01795", "09856", "12586", "00292"]);
    assert_eq!(d.find_except("xa minh khai", &all), Found::Nothing);
    // Without its type: the current name first, then every former one at once.
    assert_eq!(codes(d.find("minh khai")), ["01795"]);
    assert_eq!(
        codes(d.find_except("minh khai", &passed(&["01795"]))),
        ["00292", "09856", "12586"]
    );
}

#[test]
fn more_namesakes_than_buttons_ask_where_and_then_offer_those_there() {
    let d = namesakes();
    assert_eq!(codes(d.find("tan thanh")), ["9 places: ask where"]);
    let within = |place: &str| {
        let (found, query) = d.find_within("tan thanh", &[], place).expect("a place");
        (codes(found), query)
    };
    assert_eq!(
        within("hung yen"),
        (
            passed(&["T0", "T3", "T6"]),
            "tan thanh, hung yen".to_owned()
        )
    );
    // A typo in the province; the name said as the directory knows it.
    assert_eq!(
        within("hung yne"),
        (
            passed(&["T0", "T3", "T6"]),
            "tan thanh, Tỉnh Hưng Yên".to_owned()
        )
    );
    // The new commune.
    assert_eq!(within("dien son").0, ["T3"]);
    assert_eq!(d.find_within("tan thanh", &[], "qwxz"), None);
    // The name with its place reads the same when looked up again after a "no".
    assert_eq!(
        codes(d.find_except("tan thanh, hung yen", &passed(&["T0"]))),
        ["T3", "T6"]
    );
}

#[test]
fn the_home_unit_comes_first_among_namesakes() {
    let mut d = namesakes();
    assert_eq!(d.set_home("99"), Err(UnknownUnit("99".into())));
    d.set_home("33").unwrap();
    // The former Xã Minh Khai of Hưng Yên is asked about before Cao Bằng's current one.
    assert_eq!(codes(d.find("xa minh khai")), ["12586"]);
    assert_eq!(
        codes(d.find_except("xa minh khai", &passed(&["12586"]))),
        ["01795"]
    );
    let mut d = directory();
    d.set_home("01").unwrap();
    assert_eq!(codes(d.find("yen hoa")), ["00175"]);
    // Of many namesakes, those at home are offered first.
    let mut d = namesakes();
    d.set_home("08").unwrap();
    assert_eq!(codes(d.find("tan thanh")), ["T2", "T5", "T8"]);
    assert_eq!(
        codes(d.find_except("tan thanh", &passed(&["T2", "T5", "T8"]))),
        ["T1", "T4", "T7", "T0", "T3", "T6"]
    );
}

#[test]
fn namesakes_without_diacritics_offer_a_choice() {
    assert!(matches!(directory().find("yen hoa"), Found::Several(us) if us.len() == 2));
}

#[test]
fn a_first_word_offers_every_place_it_begins() {
    assert_eq!(codes(directory().find("tien")), vec!["12700", "12364"]);
}

#[test]
fn nonsense_finds_nothing_and_near_misses_get_suggestions() {
    assert_eq!(directory().find("qwxz"), Found::Nothing);
    assert!(matches!(directory().find("bac dong"), Found::One(_)));
    let d = directory();
    assert!(
        matches!(d.find("dong quan"), Found::Suggestions(hs) if hs.len() == 1 && hs[0].unit.code == "12745")
    );
}

#[test]
fn scope_follows_the_tree() {
    let d = directory();
    assert!(d.is_within(10, 1));
    assert!(d.is_within(1, 1));
    assert!(!d.is_within(10, 2));
    assert_eq!(d.province_of(d.by_code("12745").unwrap()).code, "33");
}
