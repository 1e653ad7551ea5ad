//! Vietnamese alphabetical order, for every list people read: a ă â b c d đ e ê … with the tones
//! after the base letter ("Ái Quốc" before "Ân Thi" before "Bắc"). CLDR's Vietnamese collation, as
//! ICU4X ships it, rather than rules of our own; sorted here, not by `ORDER BY`, because a database's
//! collation is whatever its cluster was created with (ours: C).

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;

static VIETNAMESE: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    Collator::try_new(locale!("vi").into(), CollatorOptions::default())
        .expect("the Vietnamese collation is compiled in")
});

/// How two names compare in Vietnamese order.
pub fn compare(a: &str, b: &str) -> Ordering {
    VIETNAMESE.compare(a, b)
}

/// Sorts `items` by name in Vietnamese order.
pub fn sort_by_name<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| compare(name(a), name(b)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_sort_in_vietnamese_order() {
        let mut names = vec![
            "Xã Yên Mỹ",
            "Phường Hồng Châu",
            "Xã Đoàn Đào",
            "Xã Ân Thi",
            "Phường Đường Hào",
            "Xã Ái Quốc",
            "Xã Dương Quang",
            "Xã Ăn Phú",
            "Xã An Thi",
            "Phường Hiến Nam",
            "Xã Ô Diên",
            "Xã Ơn Thành",
            "Xã Ông Đình",
        ];
        sort_by_name(&mut names, |n| n);
        assert_eq!(
            names,
            [
                "Phường Đường Hào",
                "Phường Hiến Nam",
                "Phường Hồng Châu",
                "Xã Ái Quốc",
                "Xã An Thi",
                "Xã Ăn Phú",
                "Xã Ân Thi",
                "Xã Dương Quang",
                "Xã Đoàn Đào",
                "Xã Ô Diên",
                "Xã Ông Đình",
                "Xã Ơn Thành",
                "Xã Yên Mỹ",
            ]
        );
    }

    #[test]
    fn tones_come_after_the_base_letter_in_their_order() {
        // Level, grave, hook, tilde, acute, dot below: CLDR's order of the tones.
        let mut tones = vec!["ma", "mạ", "má", "mã", "mả", "mà"];
        sort_by_name(&mut tones, |n| n);
        assert_eq!(tones, ["ma", "mà", "mả", "mã", "má", "mạ"]);
        assert_eq!(compare("Ấp", "Bắc"), Ordering::Less);
        assert_eq!(compare("Đông", "Em"), Ordering::Less);
        assert_eq!(compare("Dũng", "Đa"), Ordering::Less);
    }
}
