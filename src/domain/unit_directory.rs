//! The unit tree held in memory: scope checks walk it, residents' typed place names are matched
//! against it, and shared locations are placed in it.
//!
//! A typed name may be a current one or one from before the 2025 merger, with or without marks,
//! in Telex or VNI, and followed by where it is ("minh khai, hưng hà"). [`UnitDirectory::find`]
//! offers what it finds first; when the resident turns that down, [`UnitDirectory::find_except`]
//! offers the other places of that name, or asks the province when they are too many, and
//! [`UnitDirectory::find_within`] offers those of the province named.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::boundaries::Boundaries;
use super::collation;
use super::former::FormerName;
use super::input_method;
use super::text::{first_words, fold, has_diacritics, tone_key, words};
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
/// Type words before where a name is: a province, a commune or ward, or a former district.
const PLACE_TYPES: [&str; 15] = [
    "thanh pho",
    "thi tran",
    "thi xa",
    "dac khu",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "xa",
    "tp",
    "tt",
    "tx",
    "p",
    "q",
    "x",
];
/// Longest "where" read after a name, in words ("thanh pho ho chi minh").
const MAX_PLACE_WORDS: usize = 6;

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
    /// Provinces (tree roots) by folded name without type, for a province typed after a name.
    provinces: HashMap<String, usize>,
    /// What may be typed after a name to say where it is, folded without type: a province, a
    /// current place (the commune a former one became part of) or a former district.
    places_named: HashMap<String, Vec<Within>>,
    /// Former districts named in the merger text, folded without type, numbered.
    districts: HashMap<String, u32>,
    /// Every folded word of every name: a typed word outside it may be Telex or VNI.
    words: HashSet<String>,
    formers: Vec<FormerName>,
    trigrams: HashMap<[char; 3], Vec<u32>>,
    boundaries: Boundaries,
    /// The unit this deployment serves most: places inside it come first among equal matches.
    home: Option<usize>,
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
    /// The former district the merger text names for it, numbered as in `districts`.
    district: Option<u32>,
}

/// Where a name typed with a place after it may be.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Within {
    Province(usize),
    /// The current place itself, by its own name or as a former unit it was formed from.
    Place(usize),
    District(u32),
}

impl Within {
    fn holds(self, name: &Name) -> bool {
        match self {
            Within::Province(p) => name.province == p,
            Within::Place(u) => name.unit == u,
            Within::District(d) => name.district == Some(d),
        }
    }
}

/// What was typed, folded the ways names are compared.
struct Typed {
    folded: String,
    compact: String,
    /// With its marks, when it has any.
    toned: Option<String>,
    kind: Option<&'static str>,
}

impl Typed {
    fn new(text: &str) -> Typed {
        let all = fold(text);
        let folded = strip_type(&all).to_owned();
        Typed {
            compact: folded.chars().filter(|c| *c != ' ').collect(),
            toned: has_diacritics(text).then(|| strip_type_toned(&tone_key(text))),
            kind: type_word(&all),
            folded,
        }
    }
}

/// Where a query says its name is: every part must hold (a place or district, a province), each
/// part through any of its places.
type Scope = Vec<Vec<Within>>;

fn in_scope(scope: &[Vec<Within>], name: &Name) -> bool {
    scope.iter().all(|any| any.iter().any(|w| w.holds(name)))
}

/// One way to read a query: the name in it and where it says the name is.
struct Reading {
    typed: Typed,
    scope: Scope,
}

impl Reading {
    fn holds(&self, name: &Name) -> bool {
        in_scope(&self.scope, name)
    }
}

/// A name matched: how well (1.0 the same name, 0.9 its first words), and for the same name,
/// how many of its tones and type differ from what was typed.
#[derive(Debug, Clone, Copy)]
struct Match {
    name: usize,
    score: f64,
    tier: u8,
}

/// What a typed place name finds.
#[derive(Debug, PartialEq)]
pub enum Found<'a> {
    One(Hit<'a>),
    Several(Vec<Hit<'a>>),
    /// Nothing close enough; these are the nearest names.
    Suggestions(Vec<Hit<'a>>),
    /// More places bear the name than can be offered at once (how many): ask where it is.
    Widespread(usize),
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

/// A home unit code that is no unit's.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("no unit has the code {0} (units are loaded with `danvan units import`)")]
pub struct UnknownUnit(pub String);

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
        let mut directory = UnitDirectory {
            units,
            by_id,
            by_code,
            places,
            names: Vec::new(),
            sorted: Vec::new(),
            provinces: HashMap::new(),
            places_named: HashMap::new(),
            districts: HashMap::new(),
            words: TYPE_PREFIXES
                .iter()
                .chain(&PLACE_TYPES)
                .flat_map(|t| t.split(' '))
                .map(str::to_owned)
                .collect(),
            formers: Vec::new(),
            trigrams: HashMap::new(),
            boundaries: Boundaries::default(),
            home: None,
        };
        for i in 0..directory.units.len() {
            if directory.units[i].parent_id.is_none() {
                let folded = fold(&directory.units[i].name);
                directory.add_words(&folded);
                let name = strip_type(&folded).to_owned();
                directory.provinces.insert(name.clone(), i);
                directory.add_place_named(name, Within::Province(i));
            }
        }
        let mut places: Vec<usize> = directory.places.iter().copied().collect();
        places.sort_unstable();
        for unit in places {
            let name = directory.units[unit].name.clone();
            let kind = fold(&directory.units[unit].division_type);
            directory.add_name(unit, None, &name, kind);
            directory.add_place_named(strip_type(&fold(&name)).to_owned(), Within::Place(unit));
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
            let district = former.district.as_deref().map(|d| self.district(d));
            self.formers.push(former);
            self.add_name(unit, Some(self.formers.len() - 1), &name, kind);
            self.names.last_mut().expect("just added").district = district;
        }
        self.sort_names();
        self
    }

    /// Ranks places inside the unit with this code first when a typed name is ambiguous.
    pub fn set_home(&mut self, code: &str) -> Result<(), UnknownUnit> {
        let home = self.by_code.get(code).copied();
        self.home = Some(home.ok_or_else(|| UnknownUnit(code.to_owned()))?);
        Ok(())
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
        let all = fold(name);
        self.add_words(&all);
        let folded = strip_type(&all).to_owned();
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
            district: None,
        });
    }

    fn add_words(&mut self, folded: &str) {
        for word in folded.split(' ') {
            if !self.words.contains(word) {
                self.words.insert(word.to_owned());
            }
        }
    }

    fn add_place_named(&mut self, name: String, within: Within) {
        let list = self.places_named.entry(name).or_default();
        if !list.contains(&within) {
            list.push(within);
        }
    }

    /// The number of a former district as the merger text names it ("huyện Châu Thành, tỉnh Bến
    /// Tre" is Châu Thành).
    fn district(&mut self, district: &str) -> u32 {
        let folded = fold(district.split(',').next().unwrap_or(district));
        self.add_words(&folded);
        let name = strip_place_type(&folded).to_owned();
        let next = self.districts.len() as u32;
        let number = *self.districts.entry(name.clone()).or_insert(next);
        self.add_place_named(name, Within::District(number));
        number
    }

    pub fn by_code(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).map(|&i| &self.units[i])
    }

    /// Every unit, retired ones too.
    pub fn all(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter()
    }

    pub fn by_id(&self, id: i64) -> Option<&Unit> {
        self.by_id.get(&id).map(|&i| &self.units[i])
    }

    /// The top of the unit's tree (its province today).
    pub fn province_of(&self, unit: &Unit) -> &Unit {
        &self.units[self.root_of(self.by_id[&unit.id])]
    }

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
        self.find_except(query, &[])
    }

    /// What to offer for `query` once the places with the codes `passed` were offered for it and
    /// turned down: the other places of that name, or [`Found::Widespread`] when they are more
    /// than [`MAX_CHOICES`].
    pub fn find_except(&self, query: &str, passed: &[String]) -> Found<'_> {
        self.decide(&self.read(query), passed)
    }

    /// The places named `query` where `place` says (a province, the commune one became part of or
    /// a former district), other than `passed`, and the name with that place, to look for again if
    /// these are turned down; None when `place` names no such place.
    pub fn find_within(
        &self,
        query: &str,
        passed: &[String],
        place: &str,
    ) -> Option<(Found<'_>, String)> {
        let place = self.read_keys(place);
        let folded = fold(&place);
        let words: Vec<&str> = folded.split(' ').collect();
        let (scope, said) = match self.scopes(&words).into_iter().next() {
            Some(scope) => (scope, place.trim().to_owned()),
            None => {
                let province = self.province_misspelt(&folded)?;
                let scope = vec![vec![Within::Province(province)]];
                (scope, self.units[province].name.clone())
            }
        };
        let mut reading = self.read(query);
        reading.scope.extend(scope);
        Some((self.decide(&reading, passed), format!("{query}, {said}")))
    }

    /// Every candidate place for `query`, best first, each place once (through its best name;
    /// its current name when a former one matches as well).
    pub fn rank(&self, query: &str) -> Vec<Hit<'_>> {
        let reading = self.read(query);
        let open = |n: &Name| reading.holds(n);
        let mut matched = self.exact_matches(&reading.typed, &open);
        matched.extend(self.typo_matches(&reading.typed, &open, &matched));
        self.ordered(matched).iter().map(|m| self.hit(m)).collect()
    }

    fn decide(&self, reading: &Reading, passed: &[String]) -> Found<'_> {
        if reading.typed.folded.is_empty() {
            return Found::Nothing;
        }
        let passed: HashSet<usize> = passed
            .iter()
            .filter_map(|c| self.by_code.get(c).copied())
            .collect();
        let open = |n: &Name| !passed.contains(&n.unit) && reading.holds(n);
        let mut matched = self.exact_matches(&reading.typed, &open);
        let exact: Vec<Match> = matched.iter().filter(|m| m.score == 1.0).copied().collect();
        if !exact.is_empty() {
            return self.among_namesakes(exact);
        }
        matched.extend(self.typo_matches(&reading.typed, &open, &matched));
        let ranked: Vec<Hit> = self.ordered(matched).iter().map(|m| self.hit(m)).collect();
        let good: Vec<Hit> = ranked
            .iter()
            .filter(|h| h.score >= FUZZY_MATCH)
            .copied()
            .collect();
        match good.as_slice() {
            [] if ranked.first().is_some_and(|h| h.score >= SUGGESTION_FLOOR) => {
                Found::Suggestions(
                    ranked
                        .iter()
                        .take(3)
                        .filter(|h| h.score >= SUGGESTION_FLOOR)
                        .copied()
                        .collect(),
                )
            }
            [] => Found::Nothing,
            [only] => Found::One(*only),
            [first, second, ..] if first.score - second.score >= 0.08 => Found::One(*first),
            several => Found::Several(several.iter().take(MAX_CHOICES).copied().collect()),
        }
    }

    /// Places bearing the very name typed. Those whose tones or type differ from what was typed
    /// step back; then one alone ahead of the rest (in the home unit, by its current name) is
    /// asked about, all are offered when they fit, or else those in the home unit; beyond that,
    /// where the name is is asked.
    fn among_namesakes(&self, mut exact: Vec<Match>) -> Found<'_> {
        let best = exact.iter().map(|m| m.tier).min().unwrap_or_default();
        exact.retain(|m| m.tier == best);
        let exact = self.ordered(exact);
        let rank = |m: &Match| {
            let name = &self.names[m.name];
            (self.outside_home(name), name.former.is_some())
        };
        let ahead = exact
            .iter()
            .take_while(|m| rank(m) == rank(&exact[0]))
            .count();
        if ahead == 1 {
            return Found::One(self.hit(&exact[0]));
        }
        let hits = |ms: &[Match]| ms.iter().map(|m| self.hit(m)).collect();
        if exact.len() <= MAX_CHOICES {
            return Found::Several(hits(&exact));
        }
        let home: Vec<Match> = exact
            .iter()
            .filter(|m| !self.outside_home(&self.names[m.name]))
            .copied()
            .collect();
        if self.home.is_some() && (1..=MAX_CHOICES).contains(&home.len()) {
            return Found::Several(hits(&home));
        }
        Found::Widespread(exact.len())
    }

    /// Names equal to what was typed (score 1.0, with their tier) or beginning with it as whole
    /// words (0.9). They sit together in name order, from the first name not below the query.
    fn exact_matches(&self, typed: &Typed, open: &dyn Fn(&Name) -> bool) -> Vec<Match> {
        let folded = typed.folded.as_str();
        let start = self
            .sorted
            .partition_point(|&n| self.names[n as usize].folded.as_str() < folded);
        let mut matched = Vec::new();
        for &n in &self.sorted[start..] {
            let (i, name) = (n as usize, &self.names[n as usize]);
            let Some(rest) = name.folded.strip_prefix(folded) else {
                break;
            };
            if !(rest.is_empty() || rest.starts_with(' ')) || !open(name) {
                continue;
            }
            matched.push(match rest.is_empty() {
                true => {
                    let tone_differs = typed.toned.as_ref().is_some_and(|t| *t != name.toned);
                    let kind_differs = typed.kind.is_some_and(|k| k != name.kind);
                    Match {
                        name: i,
                        score: 1.0,
                        tier: tone_differs as u8 + kind_differs as u8,
                    }
                }
                false => Match {
                    name: i,
                    score: 0.9,
                    tier: 0,
                },
            });
        }
        matched
    }

    /// Typos: candidates share trigrams with the query, then edit distance decides.
    fn typo_matches(
        &self,
        typed: &Typed,
        open: &dyn Fn(&Name) -> bool,
        seen: &[Match],
    ) -> Vec<Match> {
        let mut shared = vec![0u16; self.names.len()];
        let mut touched: Vec<u32> = Vec::new();
        for t in trigrams_of(&typed.compact.chars().collect::<Vec<_>>()) {
            for &n in self.trigrams.get(&t).map(Vec::as_slice).unwrap_or_default() {
                if shared[n as usize] == 0 {
                    touched.push(n);
                }
                shared[n as usize] += 1;
            }
        }
        let seen: HashSet<usize> = seen.iter().map(|m| m.name).collect();
        let mut candidates: Vec<(u32, u16)> = touched
            .into_iter()
            .filter(|&n| !seen.contains(&(n as usize)) && open(&self.names[n as usize]))
            .map(|n| (n, shared[n as usize]))
            .collect();
        let rank = |&(n, count): &(u32, u16)| (std::cmp::Reverse(count), n);
        if candidates.len() > MAX_TYPO_CANDIDATES {
            candidates.select_nth_unstable_by_key(MAX_TYPO_CANDIDATES, rank);
            candidates.truncate(MAX_TYPO_CANDIDATES);
        }
        candidates.sort_unstable_by_key(rank);
        candidates
            .into_iter()
            .map(|(n, _)| Match {
                name: n as usize,
                score: similarity(&typed.compact, &self.names[n as usize].compact),
                tier: 0,
            })
            .collect()
    }

    /// Best first, each place once: by score, then tier, then inside the home unit, then current
    /// names before former ones, then in Vietnamese order of province and place.
    fn ordered(&self, mut matched: Vec<Match>) -> Vec<Match> {
        matched.sort_by(|a, b| self.compare(a, b));
        let mut places_seen = HashSet::new();
        matched.retain(|m| places_seen.insert(self.names[m.name].unit));
        matched
    }

    fn compare(&self, a: &Match, b: &Match) -> Ordering {
        let (na, nb) = (&self.names[a.name], &self.names[b.name]);
        b.score
            .total_cmp(&a.score)
            .then(a.tier.cmp(&b.tier))
            .then(self.outside_home(na).cmp(&self.outside_home(nb)))
            .then(na.former.is_some().cmp(&nb.former.is_some()))
            .then_with(|| {
                collation::compare(&self.units[na.province].name, &self.units[nb.province].name)
            })
            .then_with(|| collation::compare(&self.units[na.unit].name, &self.units[nb.unit].name))
    }

    fn outside_home(&self, name: &Name) -> bool {
        self.home
            .is_some_and(|home| !self.is_within(self.units[name.unit].id, self.units[home].id))
    }

    fn hit(&self, m: &Match) -> Hit<'_> {
        let name = &self.names[m.name];
        Hit {
            unit: &self.units[name.unit],
            former: name.former.map(|f| &self.formers[f]),
            score: m.score,
        }
    }

    /// How to read `query`: as a whole when it is a name; otherwise as a name followed by where it
    /// is, when that reads better ("minh khai, hưng hà", "tiên lữ hưng yên").
    fn read(&self, query: &str) -> Reading {
        let query = self.read_keys(query);
        let whole = Reading {
            typed: Typed::new(&query),
            scope: Vec::new(),
        };
        if whole.typed.folded.is_empty() || self.has_name(&whole.typed.folded) {
            return whole;
        }
        let mut best: Option<(f64, Reading)> = None;
        for reading in self.qualified(&query) {
            let score = self.best_score(&reading);
            if score >= 1.0 {
                return reading;
            }
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, reading));
            }
        }
        match best {
            Some((score, reading))
                if score >= FUZZY_MATCH
                    || (score >= SUGGESTION_FLOOR && score >= self.best_score(&whole)) =>
            {
                reading
            }
            _ => whole,
        }
    }

    /// The query read as a name, then where it is in its last words.
    fn qualified(&self, query: &str) -> Vec<Reading> {
        let folded = fold(query);
        let words: Vec<&str> = folded.split(' ').collect();
        let mut readings = Vec::new();
        for k in 1..words.len() {
            if words.len() - k > 2 * MAX_PLACE_WORDS || strip_type(&words[..k].join(" ")).is_empty()
            {
                continue;
            }
            for scope in self.scopes(&words[k..]) {
                readings.push(Reading {
                    typed: Typed::new(&first_words(query, k)),
                    scope,
                });
            }
        }
        readings
    }

    /// What folded words can say about where a place is: one place, province or former district,
    /// or a place or district and its province (either first), where the two meet.
    fn scopes(&self, words: &[&str]) -> Vec<Scope> {
        let mut scopes = Vec::new();
        if let Some(within) = self.place_named(&words.join(" ")) {
            scopes.push(vec![within.clone()]);
        }
        for j in 1..words.len() {
            let (head, tail) = (words[..j].join(" "), words[j..].join(" "));
            let pairs = [(&head, &tail), (&tail, &head)];
            for (place, province) in pairs {
                if let (Some(within), Some(province)) =
                    (self.place_named(place), self.province_named(province))
                {
                    let scope = vec![within.clone(), vec![Within::Province(province)]];
                    if self.names.iter().any(|n| in_scope(&scope, n)) {
                        scopes.push(scope);
                    }
                }
            }
        }
        scopes
    }

    fn place_named(&self, folded: &str) -> Option<&Vec<Within>> {
        if folded.split(' ').count() > MAX_PLACE_WORDS {
            return None;
        }
        self.places_named
            .get(folded)
            .or_else(|| self.places_named.get(strip_place_type(folded)))
    }

    fn province_named(&self, folded: &str) -> Option<usize> {
        let province = self.provinces.get(folded);
        province
            .or_else(|| self.provinces.get(strip_place_type(folded)))
            .copied()
    }

    /// The province a resident meant by a name with a typo ("hung yne").
    fn province_misspelt(&self, folded: &str) -> Option<usize> {
        let compact: String = strip_place_type(folded).replace(' ', "");
        self.provinces
            .iter()
            .map(|(name, &i)| (similarity(&compact, &name.replace(' ', "")), i))
            .filter(|(score, _)| *score >= FUZZY_MATCH)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, i)| i)
    }

    fn best_score(&self, reading: &Reading) -> f64 {
        let open = |n: &Name| reading.holds(n);
        let mut matched = self.exact_matches(&reading.typed, &open);
        if !matched.iter().any(|m| m.score == 1.0) {
            matched.extend(self.typo_matches(&reading.typed, &open, &matched));
        }
        matched.iter().map(|m| m.score).fold(0.0, f64::max)
    }

    /// Whether two texts name the same place name, whatever their marks, keys or type words.
    pub fn same_name(&self, a: &str, b: &str) -> bool {
        Typed::new(&self.read_keys(a)).folded == Typed::new(&self.read_keys(b)).folded
    }

    /// Whether some name is exactly this (folded, without type).
    fn has_name(&self, folded: &str) -> bool {
        let at = self
            .sorted
            .partition_point(|&n| self.names[n as usize].folded.as_str() < folded);
        self.sorted
            .get(at)
            .is_some_and(|&n| self.names[n as usize].folded == folded)
    }

    /// `query` with each word that is no word of any name, but reads as one in Telex or VNI,
    /// written as meant ("tieen luwx" → "tiên lữ"); "ea kar" stays as it is.
    fn read_keys<'q>(&self, query: &'q str) -> Cow<'q, str> {
        let mut read: Option<String> = None;
        let mut copied = 0;
        for (start, word) in words(query) {
            let plain = word.bytes().all(|b| b.is_ascii_alphanumeric());
            if !plain || self.words.contains(&word.to_ascii_lowercase()) {
                continue;
            }
            if let Some(meant) =
                input_method::decode(word).filter(|m| self.words.contains(&fold(m)))
            {
                let out = read.get_or_insert_with(String::new);
                out.push_str(&query[copied..start]);
                out.push_str(&meant);
                copied = start + word.len();
            }
        }
        match read {
            Some(mut out) => {
                out.push_str(&query[copied..]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(query),
        }
    }
}

fn strip_type(folded: &str) -> &str {
    strip_first(folded, &TYPE_PREFIXES)
}

fn strip_place_type(folded: &str) -> &str {
    strip_first(folded, &PLACE_TYPES)
}

fn strip_first<'a>(folded: &'a str, types: &[&str]) -> &'a str {
    for prefix in types {
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

/// Units with namesakes, for the tests of the directory and of the conversation.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::UnitDirectory;
    use crate::domain::former::FormerName;
    use crate::domain::units::Unit;

    fn former(unit_id: i64, name: &str, district: Option<&str>) -> FormerName {
        FormerName {
            unit_id,
            name: name.into(),
            district: district.map(str::to_owned),
            partial: false,
        }
    }

    /// Minh Khai: a commune of Cao Bằng today, and before the merger communes now in Hưng Yên's
    /// Xã Hưng Hà and Hà Nội's Xã Dương Hòa, and a ward of quận Hai Bà Trưng now in Phường Bạch
    /// Mai. And nine places formed from a Xã Tân Thành, T0…T8, in Hưng Yên, Hà Nội and Tuyên
    /// Quang by turns.
    pub fn namesakes() -> UnitDirectory {
        let unit = Unit::sample;
        let mut units = vec![
            unit(1, "33", "Tỉnh Hưng Yên", None),
            unit(2, "01", "Thành phố Hà Nội", None),
            unit(3, "08", "Tỉnh Tuyên Quang", None),
            unit(4, "04", "Tỉnh Cao Bằng", None),
            unit(16, "01795", "Xã Minh Khai", Some(4)),
            unit(17, "12586", "Xã Hưng Hà", Some(1)),
            unit(18, "00292", "Phường Bạch Mai", Some(2)),
            unit(19, "09856", "Xã Dương Hòa", Some(2)),
        ];
        let mut formers = vec![
            former(17, "Xã Minh Khai", None),
            former(17, "Xã Thống Nhất", Some("huyện Hưng Hà")),
            former(18, "Phường Minh Khai", Some("quận Hai Bà Trưng")),
            former(19, "Xã Minh Khai", None),
        ];
        let names = [
            "An", "Bình", "Cát", "Diên", "Đông", "Gia", "Hòa", "Kim", "Lạc",
        ];
        for (i, name) in names.iter().enumerate() {
            let id = 30 + i as i64;
            let province = 1 + i as i64 % 3;
            units.push(unit(
                id,
                &format!("T{i}"),
                &format!("Xã {name} Sơn"),
                Some(province),
            ));
            formers.push(former(id, "Xã Tân Thành", None));
        }
        UnitDirectory::new(units).with_former(formers)
    }
}

#[cfg(test)]
mod tests {
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
}
