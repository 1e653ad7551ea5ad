//! The unit tree held in memory: scope checks walk it, residents' typed place names (current or
//! from before the 2025 merger) are matched against it, and shared locations are placed in it.

use std::collections::{HashMap, HashSet};

use super::boundaries::Boundaries;
use super::collation;
use super::former::FormerName;
use super::text::{first_words, fold, has_diacritics, tone_key};
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
/// Names sharing the most trigrams with a typo that are compared with it in full.
const MAX_TYPO_CANDIDATES: usize = 64;

pub struct UnitDirectory {
    units: Vec<Unit>,
    by_id: HashMap<i64, usize>,
    by_code: HashMap<String, usize>,
    /// Places a resident can live in: units without children, not retired.
    places: HashSet<usize>,
    /// Names a resident may type: each place's own, then former names of places.
    names: Vec<Name>,
    /// `names` indices in order of their folded form, for exact and prefix lookups.
    sorted: Vec<u32>,
    /// Provinces (tree roots) with their folded names, for a province typed at the end.
    provinces: Vec<(usize, String)>,
    formers: Vec<FormerName>,
    trigrams: HashMap<[char; 3], Vec<u32>>,
    boundaries: Boundaries,
}

struct Name {
    unit: usize,
    /// Index into `formers` when this is a name from before the merger.
    former: Option<usize>,
    folded: String,
    /// Folded without spaces, for edit distance.
    compact: String,
    toned: String,
    /// Folded division type: "xa", "phuong", …
    kind: String,
    province: usize,
}

/// What a typed place name finds.
#[derive(Debug, PartialEq)]
pub enum Found<'a> {
    One(Hit<'a>),
    Several(Vec<Hit<'a>>),
    /// Nothing close enough; these are the nearest names.
    Suggestions(Vec<Hit<'a>>),
    Nothing,
}

/// A place a typed name leads to, through its current name or a former one, with how well the name
/// matched (1.0 = the same name).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit<'a> {
    pub unit: &'a Unit,
    pub former: Option<&'a FormerName>,
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
        let parents: HashSet<i64> = units.iter().filter_map(|u| u.parent_id).collect();
        let places = (0..units.len())
            .filter(|&i| !units[i].retired && !parents.contains(&units[i].id))
            .filter(|&i| units[i].parent_id.is_some())
            .collect();
        let provinces = (0..units.len())
            .filter(|&i| units[i].parent_id.is_none())
            .map(|i| (i, strip_type(&fold(&units[i].name)).to_owned()))
            .collect();
        let mut directory = UnitDirectory {
            units,
            by_id,
            by_code,
            places,
            names: Vec::new(),
            sorted: Vec::new(),
            provinces,
            formers: Vec::new(),
            trigrams: HashMap::new(),
            boundaries: Boundaries::default(),
        };
        let mut places: Vec<usize> = directory.places.iter().copied().collect();
        places.sort_unstable();
        for unit in places {
            let name = directory.units[unit].name.clone();
            let kind = fold(&directory.units[unit].division_type);
            directory.add_name(unit, None, &name, kind);
        }
        directory.sort_names();
        directory
    }

    /// Adds the names places had before the merger; links to units that are no place are ignored.
    pub fn with_former(mut self, formers: Vec<FormerName>) -> Self {
        for former in formers {
            let Some(&unit) = self.by_id.get(&former.unit_id) else {
                continue;
            };
            if !self.places.contains(&unit) {
                continue;
            }
            let kind = type_word(&fold(&former.name))
                .unwrap_or_default()
                .to_owned();
            let name = former.name.clone();
            self.formers.push(former);
            self.add_name(unit, Some(self.formers.len() - 1), &name, kind);
        }
        self.sort_names();
        self
    }

    fn sort_names(&mut self) {
        let mut sorted: Vec<u32> = (0..self.names.len() as u32).collect();
        sorted.sort_by(|&a, &b| {
            self.names[a as usize]
                .folded
                .cmp(&self.names[b as usize].folded)
        });
        self.sorted = sorted;
    }

    pub fn with_boundaries(mut self, boundaries: Boundaries) -> Self {
        self.boundaries = boundaries;
        self
    }

    fn add_name(&mut self, unit: usize, former: Option<usize>, name: &str, kind: String) {
        let folded = strip_type(&fold(name)).to_owned();
        let compact: String = folded.chars().filter(|c| *c != ' ').collect();
        let index = self.names.len() as u32;
        for t in trigrams_of(&compact.chars().collect::<Vec<_>>()) {
            let list = self.trigrams.entry(t).or_default();
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
        self.names.push(Name {
            unit,
            former,
            toned: strip_type_toned(&tone_key(name)),
            folded,
            compact,
            kind,
            province: self.root_of(unit),
        });
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
    /// The unit's current children, in Vietnamese order of their names.
    pub fn children(&self, id: i64) -> Vec<&Unit> {
        let mut children: Vec<&Unit> = self
            .units
            .iter()
            .filter(|u| u.parent_id == Some(id) && !u.retired)
            .collect();
        collation::sort_by_name(&mut children, |u| &u.name);
        children
    }

    /// The unit and every unit below it (retired ones too: old records still point at them).
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        self.units
            .iter()
            .filter(|u| self.is_within(u.id, id))
            .map(|u| u.id)
            .collect()
    }

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
        self.by_id
            .get(&unit.id)
            .is_some_and(|i| self.places.contains(i))
    }

    /// Whether shared locations can be placed: some boundaries are loaded.
    pub fn has_boundaries(&self) -> bool {
        !self.boundaries.is_empty()
    }

    /// The places whose boundary holds the point (two or more on a border).
    pub fn locate(&self, latitude: f64, longitude: f64) -> Vec<&Unit> {
        self.boundaries
            .locate(latitude, longitude)
            .into_iter()
            .filter_map(|id| self.by_id(id))
            .filter(|u| self.is_place(u))
            .collect()
    }

    /// How many former names are loaded.
    pub fn former_count(&self) -> usize {
        self.formers.len()
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
        let exact: Vec<Hit> = ranked.iter().filter(|h| h.score >= 0.99).copied().collect();
        if exact.len() == 1 {
            return Found::One(exact[0]);
        }
        if exact.len() > 1 {
            return Found::Several(exact.into_iter().take(MAX_CHOICES).collect());
        }
        let good: Vec<Hit> = ranked
            .iter()
            .filter(|h| h.score >= FUZZY_MATCH)
            .copied()
            .collect();
        match good.as_slice() {
            [] if best.score >= SUGGESTION_FLOOR => Found::Suggestions(
                ranked
                    .iter()
                    .take(3)
                    .filter(|h| h.score >= SUGGESTION_FLOOR)
                    .copied()
                    .collect(),
            ),
            [] => Found::Nothing,
            [only] => Found::One(*only),
            [first, second, ..] if first.score - second.score >= 0.08 => Found::One(*first),
            several => Found::Several(several.iter().take(MAX_CHOICES).copied().collect()),
        }
    }

    /// Every candidate place for `query`, best first, each place once (through its best name;
    /// its current name when a former one matches as well).
    pub fn rank(&self, query: &str) -> Vec<Hit<'_>> {
        let (query, province) = self.split_province(query);
        let folded = strip_type(&fold(&query)).to_owned();
        if folded.is_empty() {
            return Vec::new();
        }
        let toned = has_diacritics(&query).then(|| strip_type_toned(&tone_key(&query)));
        let compact: String = folded.chars().filter(|c| *c != ' ').collect();
        let in_scope = |n: &Name| province.is_none_or(|prov| n.province == prov);

        let typed_kind = type_word(&fold(&query));
        let mut scored: Vec<(usize, f64)> = Vec::new();
        let mut seen = HashSet::new();
        // Exact and word-prefix matches sit together in name order, from the first name not below
        // the query. Among exact matches, those whose tones or type ("phường") differ from what
        // was typed step back, and former names step back behind current ones.
        let mut exact: Vec<(usize, (u8, bool))> = Vec::new();
        let start = self
            .sorted
            .partition_point(|&n| self.names[n as usize].folded.as_str() < folded.as_str());
        for &n in &self.sorted[start..] {
            let (i, name) = (n as usize, &self.names[n as usize]);
            let Some(rest) = name.folded.strip_prefix(folded.as_str()) else {
                break;
            };
            if !in_scope(name) || !(rest.is_empty() || rest.starts_with(' ')) {
                continue;
            }
            if rest.is_empty() {
                let tone_differs = toned.as_ref().is_some_and(|t| *t != name.toned);
                let kind_differs = typed_kind.is_some_and(|k| k != name.kind);
                let tier = tone_differs as u8 + kind_differs as u8;
                exact.push((i, (tier, name.former.is_some())));
            } else {
                scored.push((i, 0.9));
            }
            seen.insert(n);
        }
        let best_tier = exact.iter().map(|(_, tier)| *tier).min();
        scored.extend(
            exact
                .iter()
                .filter(|(_, tier)| Some(*tier) == best_tier)
                .map(|(i, _)| (*i, 1.0)),
        );
        // Typos: candidates share trigrams with the query, then edit distance decides.
        let mut shared = vec![0u16; self.names.len()];
        let mut touched: Vec<u32> = Vec::new();
        for t in trigrams_of(&compact.chars().collect::<Vec<_>>()) {
            for &n in self.trigrams.get(&t).map(Vec::as_slice).unwrap_or_default() {
                if shared[n as usize] == 0 {
                    touched.push(n);
                }
                shared[n as usize] += 1;
            }
        }
        let mut candidates: Vec<(u32, u16)> = touched
            .into_iter()
            .filter(|n| !seen.contains(n))
            .map(|n| (n, shared[n as usize]))
            .collect();
        let rank = |&(n, count): &(u32, u16)| (std::cmp::Reverse(count), n);
        if candidates.len() > MAX_TYPO_CANDIDATES {
            candidates.select_nth_unstable_by_key(MAX_TYPO_CANDIDATES, rank);
            candidates.truncate(MAX_TYPO_CANDIDATES);
        }
        candidates.sort_unstable_by_key(rank);
        for (n, _) in candidates {
            let name = &self.names[n as usize];
            if in_scope(name) {
                scored.push((n as usize, similarity(&compact, &name.compact)));
            }
        }
        scored.sort_by(|a, b| {
            let (na, nb) = (&self.names[a.0], &self.names[b.0]);
            b.1.total_cmp(&a.1)
                .then_with(|| na.former.is_some().cmp(&nb.former.is_some()))
                .then_with(|| {
                    collation::compare(&self.units[na.province].name, &self.units[nb.province].name)
                        .then_with(|| {
                            collation::compare(&self.units[na.unit].name, &self.units[nb.unit].name)
                        })
                })
        });
        let mut places_seen = HashSet::new();
        scored
            .into_iter()
            .filter(|(n, _)| places_seen.insert(self.names[*n].unit))
            .map(|(n, score)| Hit {
                unit: &self.units[self.names[n].unit],
                former: self.names[n].former.map(|f| &self.formers[f]),
                score,
            })
            .collect()
    }

    /// Recognizes a province named at the end ("tien lu, hung yen", "Tiên Lữ Hưng Yên").
    fn split_province(&self, query: &str) -> (String, Option<usize>) {
        let folded = fold(query);
        for (i, name) in &self.provinces {
            let i = *i;
            if let Some(rest) = folded.strip_suffix(name.as_str())
                && let Some(rest) = rest.strip_suffix(' ')
            {
                let rest = strip_trailing_type(rest.trim_end());
                if !strip_type(rest).is_empty() {
                    return (first_words(query, rest.split(' ').count()), Some(i));
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

/// 1 − (edit distance with adjacent transpositions / longer length), over names without spaces.
fn similarity(a: &str, b: &str) -> f64 {
    let longest = a.chars().count().max(b.chars().count());
    if longest == 0 {
        return 1.0;
    }
    1.0 - strsim::osa_distance(a, b) as f64 / longest as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> UnitDirectory {
        let unit = Unit::sample;
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
            Found::One(h) => vec![h.unit.code.clone()],
            Found::Several(hs) | Found::Suggestions(hs) => {
                hs.iter().map(|h| h.unit.code.clone()).collect()
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
}
