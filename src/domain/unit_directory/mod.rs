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

mod find;

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
    /// Each unit's children (retired ones too), so a subtree costs its own units, not the
    /// country's 3,400.
    children: HashMap<i64, Vec<usize>>,
    /// Each unit's place in Vietnamese order of names, so lists of units sort without collating.
    rank: Vec<u32>,
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
        let mut children: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, unit) in units.iter().enumerate() {
            if let Some(parent) = unit.parent_id {
                children.entry(parent).or_default().push(i);
            }
        }
        let parents: HashSet<i64> = children.keys().copied().collect();
        let mut by_name: Vec<usize> = (0..units.len()).collect();
        by_name.sort_by(|&a, &b| collation::compare(&units[a].name, &units[b].name));
        let mut rank = vec![0; units.len()];
        for (place, &i) in by_name.iter().enumerate() {
            rank[i] = place as u32;
        }
        let places = (0..units.len())
            .filter(|&i| !units[i].retired && !parents.contains(&units[i].id))
            .filter(|&i| units[i].parent_id.is_some())
            .collect();
        let mut directory = UnitDirectory {
            units,
            by_id,
            by_code,
            children,
            rank,
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
            .children
            .get(&id)
            .into_iter()
            .flatten()
            .map(|&i| &self.units[i])
            .filter(|u| !u.retired)
            .collect();
        self.sort_by_name(&mut children, |u| u.id);
        children
    }

    /// Sorts `items` in Vietnamese order of the names of their units (`unit` gives an item's unit
    /// id); items of unknown units go last.
    pub fn sort_by_name<T>(&self, items: &mut [T], unit: impl Fn(&T) -> i64) {
        items.sort_by_key(|item| {
            let id = unit(item);
            self.by_id.get(&id).map_or(u32::MAX, |&i| self.rank[i])
        });
    }

    /// The units directly below the unit, retired ones too (old records still count there).
    pub fn below(&self, id: i64) -> Vec<i64> {
        let below = self.children.get(&id).into_iter().flatten();
        below.map(|&i| self.units[i].id).collect()
    }

    /// The unit and every unit below it (retired ones too: old records still point at them);
    /// empty when there is no such unit.
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        let mut within = Vec::new();
        let mut next: Vec<i64> = self
            .by_id
            .contains_key(&id)
            .then_some(id)
            .into_iter()
            .collect();
        while let Some(unit) = next.pop() {
            within.push(unit);
            next.extend(
                self.children
                    .get(&unit)
                    .into_iter()
                    .flatten()
                    .map(|&i| self.units[i].id),
            );
        }
        within
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
mod tests;
