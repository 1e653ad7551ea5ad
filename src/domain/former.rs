//! Communes and wards as they were before the July 2025 merger. Residents still know their place by
//! its old name, so each current unit carries the former units it was formed from, read from the
//! official text ("Xã Hà Giang, Xã Đông Kinh, Xã Đông Vinh").

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::text::fold;
use super::units::{Unit, UnitListError, csv_columns};

/// Type words a former unit's name may start with, as written in the official text.
const TYPES: [&str; 7] = [
    "Thị trấn",
    "Thị xã",
    "Thành phố",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Xã",
];
/// The note saying only part of a former unit is here: the rest went to the units it names.
const REST_WENT_TO: &str = "phan con lai sau khi sap nhap vao ";
/// Notes saying only part of a former unit is here, without naming where the rest went.
const PARTIAL: [&str; 2] = ["phan con lai", "mot phan"];
/// Notes naming the district a former unit was in, to tell namesakes apart.
const DISTRICT_WORDS: [&str; 4] = ["huyen ", "quan ", "thi xa ", "thanh pho "];

/// One former unit as the official text lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerPart {
    /// With its type, capitalized and with ’ for apostrophes: "Xã Đông Kinh".
    pub name: String,
    /// "huyện Đông Anh", when the text names it.
    pub district: Option<String>,
    /// Only part of the former unit is here.
    pub partial: bool,
    /// Current units that took the rest, by name as written ("phường Hoàn Kiếm").
    pub rest_went_to: Vec<String>,
}

/// One row of the merger map: a current unit and what it was formed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormedFrom {
    pub code: String,
    pub province_code: String,
    /// Empty when the unit kept its old shape ("giữ nguyên").
    pub parts: Vec<FormerPart>,
}

/// A former unit linked to a current one, as stored and searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerName {
    pub unit_id: i64,
    pub name: String,
    pub district: Option<String>,
    /// Only part of the former unit went into this one; the rest went elsewhere.
    pub partial: bool,
}

/// A link ready to store: the current unit by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerLink {
    pub code: String,
    pub name: String,
    pub district: Option<String>,
    pub partial: bool,
}

/// What a merger map adds, and what in it could not be placed.
#[derive(Debug, Default, PartialEq)]
pub struct FormerPlan {
    pub links: Vec<FormerLink>,
    /// Current units the map lists, whose links the import replaces.
    pub codes: Vec<String>,
    /// Codes in the map that are not in the unit list.
    pub unknown_codes: Vec<String>,
    /// "the rest went to X" notes whose X is no current unit of the province: (code, X).
    pub unresolved: Vec<(String, String)>,
}

/// Parses the merger map's CSV (`code,name,province_code,formed_from`).
pub fn parse_merger_map(csv_text: &str) -> Result<Vec<FormedFrom>, UnitListError> {
    let (mut reader, [code, province, formed_from]) =
        csv_columns(csv_text, ["code", "province_code", "formed_from"])?;
    let mut rows = Vec::new();
    for (line, row) in reader.records().enumerate() {
        let row = row.map_err(super::units::csv_fault)?;
        let field = |i: usize| row.get(i).unwrap_or("").trim().to_owned();
        if field(code).is_empty() {
            return Err(UnitListError::EmptyField { line: line + 2 });
        }
        rows.push(FormedFrom {
            code: field(code),
            province_code: field(province),
            parts: parse_formed_from(&field(formed_from)),
        });
    }
    Ok(rows)
}

/// Whether a CSV is a merger map rather than a unit list.
pub fn is_merger_map(csv_text: &str) -> bool {
    csv_text
        .lines()
        .next()
        .is_some_and(|header| header.split(',').any(|h| h.trim() == "formed_from"))
}

/// Reads the official text of what one unit was formed from.
pub fn parse_formed_from(text: &str) -> Vec<FormerPart> {
    let text: String = text.nfc().collect::<String>().replace('\'', "’");
    if fold(&text) == "giu nguyen" {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut previous_type: Option<&str> = None;
    for piece in split_outside_parentheses(&text, ',') {
        let (bare, notes) = take_notes(piece);
        let (kind, rest) = match TYPES
            .iter()
            .find_map(|t| strip_word_ci(&bare, t).map(|r| (*t, r)))
        {
            Some((t, r)) => (Some(t), r.to_owned()),
            // "Phường Nguyễn Nghiêm, Phổ Hòa, Phổ Minh": the type carries over the list.
            None => (previous_type, bare.clone()),
        };
        // A first entry with no type ("Trường bắn TB1") is not a place anyone lived in.
        let Some(kind) = kind else { continue };
        previous_type = Some(kind);
        let mut part = FormerPart {
            name: format!("{kind} {}", rest.trim()),
            district: None,
            partial: false,
            rest_went_to: Vec::new(),
        };
        for note in notes {
            let folded = fold(&note);
            if folded.starts_with(REST_WENT_TO) {
                part.partial = true;
                let skip = REST_WENT_TO.split_whitespace().count();
                let targets = note
                    .split_whitespace()
                    .skip(skip)
                    .collect::<Vec<_>>()
                    .join(" ");
                part.rest_went_to = targets
                    .split(',')
                    .flat_map(|t| t.split(" và "))
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect();
            } else if PARTIAL.contains(&folded.as_str()) {
                part.partial = true;
            } else if let Some(district) = district_of(&note) {
                part.district = Some(district);
            }
        }
        parts.push(part);
    }
    parts
}

/// Links each former unit to its current unit and, for "the rest went to" notes, to those units
/// too; `units` is the current list, which the targets are looked up in by name within the province.
pub fn plan_former(map: &[FormedFrom], units: &[Unit]) -> FormerPlan {
    let by_code: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let by_name: HashMap<(Option<i64>, String), &Unit> = units
        .iter()
        .filter(|u| !u.retired)
        .map(|u| ((u.parent_id, fold(&u.name)), u))
        .collect();
    let mut plan = FormerPlan::default();
    let mut seen = HashSet::new();
    let mut add = |plan: &mut FormerPlan, link: FormerLink| {
        if seen.insert((link.code.clone(), link.name.clone(), link.district.clone())) {
            plan.links.push(link);
        }
    };
    for row in map {
        let Some(unit) = by_code.get(row.code.as_str()) else {
            plan.unknown_codes.push(row.code.clone());
            continue;
        };
        plan.codes.push(row.code.clone());
        for part in &row.parts {
            add(
                &mut plan,
                FormerLink {
                    code: row.code.clone(),
                    name: part.name.clone(),
                    district: part.district.clone(),
                    partial: part.partial,
                },
            );
            for target in &part.rest_went_to {
                match by_name.get(&(unit.parent_id, fold(target))) {
                    Some(other) => add(
                        &mut plan,
                        FormerLink {
                            code: other.code.clone(),
                            name: part.name.clone(),
                            district: part.district.clone(),
                            partial: true,
                        },
                    ),
                    None => plan.unresolved.push((row.code.clone(), target.clone())),
                }
            }
        }
    }
    plan
}

fn split_outside_parentheses(text: &str, separator: char) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == separator && depth == 0 => {
                pieces.push(text[start..i].trim());
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    pieces.push(text[start..].trim());
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// "Xã Liên Hà (huyện Đông Anh) (phần còn lại …)" → ("Xã Liên Hà", ["huyện Đông Anh", "phần còn lại …"]).
fn take_notes(piece: &str) -> (String, Vec<String>) {
    let mut bare = String::new();
    let mut notes = Vec::new();
    let mut depth = 0;
    let mut note = String::new();
    for c in piece.chars() {
        match c {
            '(' => {
                if depth > 0 {
                    note.push(c);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    notes.push(note.trim().to_owned());
                    note.clear();
                } else {
                    note.push(c);
                }
            }
            c if depth > 0 => note.push(c),
            c => bare.push(c),
        }
    }
    (bare.split_whitespace().collect::<Vec<_>>().join(" "), notes)
}

/// "huyện Đông Anh", "Quận 10", "thuộc huyện Đăk Hà", "huyện Châu Thành, tỉnh Bến Tre".
fn district_of(note: &str) -> Option<String> {
    let note = note.trim();
    let note = strip_word_ci(note, "thuộc").unwrap_or(note).trim();
    let folded = fold(note);
    DISTRICT_WORDS
        .iter()
        .any(|w| folded.starts_with(w))
        .then(|| note.to_owned())
}

/// `text` without its first words when they are `word`, whatever their case.
fn strip_word_ci<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    let rest = &text[word.len()..];
    (head.to_lowercase() == word.to_lowercase() && rest.starts_with(' ')).then(|| rest.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(parts: &[FormerPart]) -> Vec<&str> {
        parts.iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn plain_lists_split_on_commas() {
        let parts = parse_formed_from("Xã Hà Giang, Xã Đông Kinh, Xã Đông Vinh");
        assert_eq!(
            names(&parts),
            ["Xã Hà Giang", "Xã Đông Kinh", "Xã Đông Vinh"]
        );
        assert!(parts.iter().all(|p| !p.partial && p.district.is_none()));
    }

    #[test]
    fn notes_tell_where_the_rest_went_and_which_district() {
        let parts = parse_formed_from(
            "Phường Giảng Võ, Phường Kim Mã (phần còn lại sau khi sáp nhập vào phường Ba Đình, phường Ngọc Hà), \
             Phường Minh Khai (quận Hai Bà Trưng) (phần còn lại sau khi sáp nhập vào phường Bạch Mai), \
             Xã Đông Thới (phần còn lại), Xã Trần Hợi (một phần), Xã Đăk Long (thuộc huyện Đăk Hà)",
        );
        assert_eq!(
            names(&parts),
            [
                "Phường Giảng Võ",
                "Phường Kim Mã",
                "Phường Minh Khai",
                "Xã Đông Thới",
                "Xã Trần Hợi",
                "Xã Đăk Long"
            ]
        );
        assert_eq!(parts[1].rest_went_to, ["phường Ba Đình", "phường Ngọc Hà"]);
        assert!(parts[1].partial && parts[3].partial && parts[4].partial);
        assert_eq!(parts[2].district.as_deref(), Some("quận Hai Bà Trưng"));
        assert_eq!(parts[2].rest_went_to, ["phường Bạch Mai"]);
        assert_eq!(parts[5].district.as_deref(), Some("huyện Đăk Hà"));
        assert!(!parts[0].partial);
    }

    #[test]
    fn unchanged_untyped_and_apostrophes() {
        assert!(parse_formed_from("giữ nguyên").is_empty());
        assert_eq!(
            names(&parse_formed_from(
                "Phường Nguyễn Nghiêm (thị xã Đức Phổ), Phổ Hòa, xã Bà Gia"
            )),
            ["Phường Nguyễn Nghiêm", "Phường Phổ Hòa", "Xã Bà Gia"]
        );
        assert_eq!(
            names(&parse_formed_from("Xã Ch'ơm, Xã Tr’hy")),
            ["Xã Ch’ơm", "Xã Tr’hy"]
        );
        assert_eq!(
            names(&parse_formed_from(
                "Trường bắn TB1, Xã Biên Sơn (bao gồm cụm đảo Hòn Chuối)"
            )),
            ["Xã Biên Sơn"]
        );
        let nfd: String = "Xã Đông Kinh".nfd().collect();
        assert_eq!(names(&parse_formed_from(&nfd)), ["Xã Đông Kinh"]);
    }

    #[test]
    fn the_rest_links_to_the_unit_named_in_the_same_province() {
        let unit = Unit::sample;
        let units = [
            unit(1, "01", "Thành phố Hà Nội", None),
            unit(2, "00070", "Phường Hoàn Kiếm", Some(1)),
            unit(3, "00004", "Phường Ba Đình", Some(1)),
        ];
        let map = [FormedFrom {
            code: "00004".into(),
            province_code: "01".into(),
            parts: parse_formed_from(
                "Phường Quán Thánh, Phường Cửa Đông (phần còn lại sau khi sáp nhập vào phường Hoàn Kiếm), Phường Cửa Nam (phần còn lại sau khi sáp nhập vào phường Nowhere)",
            ),
        }];
        let plan = plan_former(&map, &units);
        let links: Vec<(&str, &str, bool)> = plan
            .links
            .iter()
            .map(|l| (l.code.as_str(), l.name.as_str(), l.partial))
            .collect();
        assert_eq!(
            links,
            [
                ("00004", "Phường Quán Thánh", false),
                ("00004", "Phường Cửa Đông", true),
                ("00070", "Phường Cửa Đông", true),
                ("00004", "Phường Cửa Nam", true),
            ]
        );
        assert_eq!(
            plan.unresolved,
            [("00004".to_owned(), "phường Nowhere".to_owned())]
        );
    }
}
