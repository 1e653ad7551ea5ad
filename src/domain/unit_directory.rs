//! The unit tree held in memory: scope checks walk it, and residents' typed place names are
//! matched against it.

use std::collections::HashMap;

use super::text::{fold, has_diacritics, tone_key};
use super::units::Unit;

/// Type words people put before a name, folded; longest first so "thanh pho" wins over "tp".
const TYPE_PREFIXES: [&str; 10] = [
    "thanh pho",
    "thi tran",
    "dac khu",
    "phuong",
    "tinh",
    "xa",
    "tp",
    "tt",
    "p",
    "x",
];

/// Most places offered at once as buttons.
pub const MAX_CHOICES: usize = 8;
/// A typo-tolerant match must be at least this similar to count as the place meant.
const FUZZY_MATCH: f64 = 0.8;
/// Below this a name is not even worth suggesting.
const SUGGESTION_FLOOR: f64 = 0.45;

pub struct UnitDirectory {
    units: Vec<Unit>,
    by_id: HashMap<i64, usize>,
    by_code: HashMap<String, usize>,
    /// Places a resident can live in: units without children, not retired.
    places: Vec<Place>,
    trigrams: HashMap<[char; 3], Vec<u32>>,
}

struct Place {
    unit: usize,
    folded: String,
    compact: Vec<char>,
    toned: String,
    /// Folded division type: "xa", "phuong", …
    kind: String,
    province: usize,
}

/// What a typed place name finds.
#[derive(Debug, PartialEq)]
pub enum Found<'a> {
    One(&'a Unit),
    Several(Vec<&'a Unit>),
    /// Nothing close enough; these are the nearest names.
    Suggestions(Vec<&'a Unit>),
    Nothing,
}

/// One candidate with its score, for support tools and benchmarks.
#[derive(Debug, PartialEq)]
pub struct Scored<'a> {
    pub unit: &'a Unit,
    pub score: f64,
}

impl UnitDirectory {
    pub fn new(units: Vec<Unit>) -> Self {
        let by_id: HashMap<i64, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let by_code = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        let parents: std::collections::HashSet<i64> =
            units.iter().filter_map(|u| u.parent_id).collect();
        let mut directory = UnitDirectory {
            units,
            by_id,
            by_code,
            places: Vec::new(),
            trigrams: HashMap::new(),
        };
        let places: Vec<Place> = (0..directory.units.len())
            .filter(|&i| !directory.units[i].retired && !parents.contains(&directory.units[i].id))
            .filter(|&i| directory.units[i].parent_id.is_some())
            .map(|i| {
                let name = strip_type(&fold(&directory.units[i].name)).to_owned();
                Place {
                    unit: i,
                    compact: name.chars().filter(|c| *c != ' ').collect(),
                    toned: strip_type_toned(&tone_key(&directory.units[i].name)),
                    folded: name,
                    kind: fold(&directory.units[i].division_type),
                    province: directory.root_of(i),
                }
            })
            .collect();
        for (p, place) in places.iter().enumerate() {
            for t in trigrams_of(&place.compact) {
                let list = directory.trigrams.entry(t).or_default();
                if list.last() != Some(&(p as u32)) {
                    list.push(p as u32);
                }
            }
        }
        directory.places = places;
        directory
    }

    pub fn by_code(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).map(|&i| &self.units[i])
    }

    pub fn by_id(&self, id: i64) -> Option<&Unit> {
        self.by_id.get(&id).map(|&i| &self.units[i])
    }

    /// The top of the unit's tree (its province today).
    pub fn province_of(&self, unit: &Unit) -> &Unit {
        &self.units[self.root_of(self.by_id[&unit.id])]
    }

    /// Whether `unit` is `scope` or lies anywhere below it.
    pub fn is_within(&self, unit_id: i64, scope_id: i64) -> bool {
        let mut current = Some(unit_id);
        while let Some(id) = current {
            if id == scope_id {
                return true;
            }
            current = self.by_id(id).and_then(|u| u.parent_id);
        }
        false
    }

    /// Whether a resident can live in this unit (it has no units below it).
    pub fn is_place(&self, unit: &Unit) -> bool {
        self.places.iter().any(|p| self.units[p.unit].id == unit.id)
    }

    fn root_of(&self, mut i: usize) -> usize {
        while let Some(parent) = self.units[i].parent_id.and_then(|p| self.by_id.get(&p)) {
            i = *parent;
        }
        i
    }

    /// Decides what to offer a resident who typed `query` as their commune or ward.
    pub fn find(&self, query: &str) -> Found<'_> {
        let ranked = self.rank(query);
        let Some(best) = ranked.first() else {
            return Found::Nothing;
        };
        let exact: Vec<&Scored> = ranked.iter().filter(|s| s.score >= 0.99).collect();
        if exact.len() == 1 {
            return Found::One(exact[0].unit);
        }
        if exact.len() > 1 {
            return Found::Several(exact.iter().take(MAX_CHOICES).map(|s| s.unit).collect());
        }
        let good: Vec<&Scored> = ranked.iter().filter(|s| s.score >= FUZZY_MATCH).collect();
        match good.as_slice() {
            [] if best.score >= SUGGESTION_FLOOR => Found::Suggestions(
                ranked
                    .iter()
                    .take(3)
                    .filter(|s| s.score >= SUGGESTION_FLOOR)
                    .map(|s| s.unit)
                    .collect(),
            ),
            [] => Found::Nothing,
            [only] => Found::One(only.unit),
            [first, second, ..] if first.score - second.score >= 0.08 => Found::One(first.unit),
            several => Found::Several(several.iter().take(MAX_CHOICES).map(|s| s.unit).collect()),
        }
    }

    /// Every candidate place for `query` with its score (1.0 = the same name), best first.
    pub fn rank(&self, query: &str) -> Vec<Scored<'_>> {
        let (query, province) = self.split_province(query);
        let folded = strip_type(&fold(&query)).to_owned();
        if folded.is_empty() {
            return Vec::new();
        }
        let toned = has_diacritics(&query).then(|| strip_type_toned(&tone_key(&query)));
        let compact: Vec<char> = folded.chars().filter(|c| *c != ' ').collect();
        let in_scope = |p: &Place| province.is_none_or(|prov| p.province == prov);

        let typed_kind = type_word(&fold(&query));
        let mut scored: Vec<(usize, f64)> = Vec::new();
        let mut seen = vec![false; self.places.len()];
        // Exact and word-prefix matches are found by scanning: a few thousand short string compares.
        // Among exact matches, those whose tones or type ("phường") differ from what was typed step back.
        let mut exact: Vec<(usize, u8)> = Vec::new();
        for (i, place) in self.places.iter().enumerate() {
            if !in_scope(place) {
                continue;
            }
            if place.folded == folded {
                let tone_differs = toned.as_ref().is_some_and(|t| *t != place.toned);
                let kind_differs = typed_kind.is_some_and(|k| k != place.kind);
                exact.push((i, tone_differs as u8 + kind_differs as u8));
            } else if place.folded.starts_with(&folded)
                && place.folded[folded.len()..].starts_with(' ')
            {
                scored.push((i, 0.9));
            } else {
                continue;
            }
            seen[i] = true;
        }
        let best_tier = exact.iter().map(|(_, tier)| *tier).min();
        scored.extend(
            exact
                .iter()
                .filter(|(_, tier)| Some(*tier) == best_tier)
                .map(|(i, _)| (*i, 1.0)),
        );
        // Typos: candidates share trigrams with the query, then edit distance decides.
        let mut shared = vec![0u16; self.places.len()];
        for t in trigrams_of(&compact) {
            for &p in self.trigrams.get(&t).map(Vec::as_slice).unwrap_or_default() {
                shared[p as usize] += 1;
            }
        }
        let mut candidates: Vec<usize> = (0..self.places.len())
            .filter(|&p| shared[p] > 0 && !seen[p])
            .collect();
        candidates.sort_by_key(|&p| std::cmp::Reverse(shared[p]));
        candidates.truncate(256);
        for p in candidates {
            let place = &self.places[p];
            if in_scope(place) {
                scored.push((p, similarity(&compact, &place.compact)));
            }
        }
        scored.sort_by(|a, b| {
            b.1.total_cmp(&a.1).then_with(|| {
                let (pa, pb) = (&self.places[a.0], &self.places[b.0]);
                self.units[pa.province]
                    .name
                    .cmp(&self.units[pb.province].name)
                    .then_with(|| self.units[pa.unit].name.cmp(&self.units[pb.unit].name))
            })
        });
        scored
            .into_iter()
            .map(|(p, score)| Scored {
                unit: &self.units[self.places[p].unit],
                score,
            })
            .collect()
    }

    /// Recognizes a province named at the end ("tien lu, hung yen", "Tiên Lữ Hưng Yên").
    fn split_province(&self, query: &str) -> (String, Option<usize>) {
        let folded = fold(query);
        for (i, unit) in self
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| u.parent_id.is_none())
        {
            let name = strip_type(&fold(&unit.name)).to_owned();
            if let Some(rest) = folded.strip_suffix(name.as_str())
                && let Some(rest) = rest.strip_suffix(' ')
            {
                let rest = strip_trailing_type(rest.trim_end());
                if !strip_type(rest).is_empty() {
                    let words = rest.split(' ').count();
                    let original: Vec<&str> = query
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .collect();
                    return (original[..words.min(original.len())].join(" "), Some(i));
                }
            }
        }
        (query.to_owned(), None)
    }
}

fn strip_type(folded: &str) -> &str {
    for prefix in TYPE_PREFIXES {
        if let Some(rest) = folded.strip_prefix(prefix)
            && let Some(rest) = rest.strip_prefix(' ')
        {
            return rest;
        }
    }
    folded
}

/// The unit type a query starts with, as a folded division type ("p." → "phuong").
fn type_word(folded: &str) -> Option<&'static str> {
    let first = folded.split(' ').next()?;
    let second = folded.split(' ').nth(1);
    match (first, second) {
        ("xa" | "x", Some(_)) => Some("xa"),
        ("phuong" | "p", Some(_)) => Some("phuong"),
        ("tt", Some(_)) | ("thi", Some("tran")) => Some("thi tran"),
        ("dac", Some("khu")) => Some("dac khu"),
        _ => None,
    }
}

fn strip_trailing_type(folded: &str) -> &str {
    for suffix in TYPE_PREFIXES {
        if let Some(rest) = folded.strip_suffix(suffix)
            && let Some(rest) = rest.strip_suffix(' ')
        {
            return rest;
        }
    }
    folded
}

/// [`strip_type`] for a [`tone_key`]: drops the first word when its folded form is a type word.
fn strip_type_toned(toned: &str) -> String {
    let folded = fold(toned);
    let stripped = strip_type(&folded);
    let dropped_words = folded.split(' ').count() - stripped.split(' ').count();
    toned
        .split(' ')
        .skip(dropped_words)
        .collect::<Vec<_>>()
        .join(" ")
}

fn trigrams_of(chars: &[char]) -> impl Iterator<Item = [char; 3]> + '_ {
    chars.windows(3).map(|w| [w[0], w[1], w[2]])
}

/// 1 − (Damerau–Levenshtein distance / longer length), over names without spaces.
fn similarity(a: &[char], b: &[char]) -> f64 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let distance = strsim::generic_damerau_levenshtein(a, b);
    1.0 - distance as f64 / longest as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, code: &str, name: &str, parent: Option<i64>) -> Unit {
        Unit {
            id,
            code: code.into(),
            name: name.into(),
            name_en: String::new(),
            division_type: String::new(),
            parent_id: parent,
            retired: false,
        }
    }

    fn directory() -> UnitDirectory {
        UnitDirectory::new(vec![
            unit(1, "33", "Tỉnh Hưng Yên", None),
            unit(2, "01", "Thành phố Hà Nội", None),
            unit(3, "08", "Tỉnh Tuyên Quang", None),
            unit(10, "12745", "Xã Bắc Đông Quan", Some(1)),
            unit(11, "12364", "Xã Tiên Lữ", Some(1)),
            unit(12, "12700", "Xã Tiên Hoa", Some(1)),
            unit(13, "00175", "Phường Yên Hoà", Some(2)),
            unit(14, "02248", "Xã Yên Hoa", Some(3)),
            unit(15, "11953", "Phường Phố Hiến", Some(1)),
        ])
    }

    fn codes(found: Found) -> Vec<String> {
        match found {
            Found::One(u) => vec![u.code.clone()],
            Found::Several(us) | Found::Suggestions(us) => {
                us.iter().map(|u| u.code.clone()).collect()
            }
            Found::Nothing => vec![],
        }
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
        assert_eq!(
            directory().find("dong quan"),
            Found::Suggestions(vec![directory().by_code("12745").unwrap()])
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
}
