//! Administrative units as data: a tree of any depth (today province → commune/ward), re-imported
//! from the official list whenever it changes.

use std::collections::{HashMap, HashSet};

use crate::message::Msg;

/// One row of the official list, as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub division_type: String,
    pub parent_code: Option<String>,
}

/// A unit as stored, with its database id.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub division_type: String,
    pub parent_id: Option<i64>,
    pub retired: bool,
}

/// A CSV reader (a leading byte-order mark ignored) and the positions of the named columns.
pub fn csv_columns<'a, const N: usize>(
    csv_text: &'a str,
    names: [&str; N],
) -> Result<(csv::Reader<&'a [u8]>, [usize; N]), UnitListError> {
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().map_err(csv_fault)?.clone();
    let mut positions = [0; N];
    for (position, name) in positions.iter_mut().zip(names) {
        *position = headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| UnitListError::MissingColumn(name.to_owned()))?;
    }
    Ok((reader, positions))
}

impl Unit {
    /// The place a document is dated at: the name without its division type ("Tiên Lữ" for
    /// "Xã Tiên Lữ", "Hưng Yên" for "Tỉnh Hưng Yên").
    pub fn place(&self) -> &str {
        let kind = &self.division_type;
        let after = self.name.char_indices().nth(kind.chars().count());
        match after {
            Some((i, _))
                if !kind.is_empty() && self.name[..i].to_lowercase() == kind.to_lowercase() =>
            {
                self.name[i..].trim()
            }
            _ => &self.name,
        }
    }
}

#[cfg(test)]
impl Unit {
    /// A unit for tests: a name and place in the tree, and below a province the division type
    /// its name begins with ("Xã Tiên Lữ" is a xã), as in the official list.
    pub fn sample(id: i64, code: &str, name: &str, parent_id: Option<i64>) -> Unit {
        let division_type = ["Xã", "Phường", "Thị trấn"]
            .into_iter()
            .find(|t| parent_id.is_some() && name.starts_with(&format!("{t} ")))
            .map(str::to_lowercase)
            .unwrap_or_default();
        Unit {
            id,
            code: code.into(),
            name: name.into(),
            name_en: String::new(),
            division_type,
            parent_id,
            retired: false,
        }
    }
}

/// Parses the official list's CSV (`code,name,name_en,division_type,parent_code`).
pub fn parse_unit_list(csv_text: &str) -> Result<Vec<UnitRecord>, UnitListError> {
    let (mut reader, [code, name, name_en, kind, parent]) = csv_columns(
        csv_text,
        ["code", "name", "name_en", "division_type", "parent_code"],
    )?;
    let mut records = Vec::new();
    let mut seen = HashSet::new();
    for (line, row) in reader.records().enumerate() {
        let row = row.map_err(csv_fault)?;
        let field = |i: usize| row.get(i).unwrap_or("").trim().to_owned();
        let record = UnitRecord {
            code: field(code),
            name: field(name),
            name_en: field(name_en),
            division_type: field(kind),
            parent_code: Some(field(parent)).filter(|p| !p.is_empty()),
        };
        if record.code.is_empty() || record.name.is_empty() {
            return Err(UnitListError::EmptyField { line: line + 2 });
        }
        if !seen.insert(record.code.clone()) {
            return Err(UnitListError::DuplicateCode(record.code));
        }
        records.push(record);
    }
    for r in &records {
        if let Some(p) = &r.parent_code
            && !seen.contains(p)
        {
            return Err(UnitListError::UnknownParent {
                code: r.code.clone(),
                parent: p.clone(),
            });
        }
    }
    Ok(parents_first(records))
}

/// Orders records so each parent comes before its children, whatever the depth.
fn parents_first(records: Vec<UnitRecord>) -> Vec<UnitRecord> {
    let mut children: HashMap<Option<String>, Vec<UnitRecord>> = HashMap::new();
    for r in records {
        children.entry(r.parent_code.clone()).or_default().push(r);
    }
    let mut ordered = Vec::new();
    let mut level = children.remove(&None).unwrap_or_default();
    while !level.is_empty() {
        let mut next = Vec::new();
        for r in &level {
            next.extend(children.remove(&Some(r.code.clone())).unwrap_or_default());
        }
        ordered.append(&mut level);
        level = next;
    }
    ordered
}

/// What is wrong with a unit list (or merger map). The `Display` is for the command line; people
/// read [`UnitListError::msg`].
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum UnitListError {
    /// Not CSV: the line (0 when unknown) and the reader's words.
    #[error("not a unit list: {detail}")]
    Csv { line: u64, detail: String },
    #[error("the unit list has no `{0}` column")]
    MissingColumn(String),
    #[error("line {line}: code and name must not be empty")]
    EmptyField { line: usize },
    #[error("code {0} appears twice")]
    DuplicateCode(String),
    #[error("unit {code} names parent {parent}, which is not in the list")]
    UnknownParent { code: String, parent: String },
}

impl UnitListError {
    /// What a person is told, in their language.
    pub fn msg(&self) -> Msg {
        match self {
            UnitListError::Csv { line, .. } => {
                Msg::new("unit-list-csv").number("line", *line as i64)
            }
            UnitListError::MissingColumn(column) => {
                Msg::new("unit-list-missing-column").text("column", column)
            }
            UnitListError::EmptyField { line } => {
                Msg::new("unit-list-empty-field").number("line", *line as i64)
            }
            UnitListError::DuplicateCode(code) => {
                Msg::new("unit-list-duplicate-code").text("code", code)
            }
            UnitListError::UnknownParent { code, parent } => Msg::new("unit-list-unknown-parent")
                .text("code", code)
                .text("parent", parent),
        }
    }
}

/// A CSV reader's error, with its line when it has one.
pub fn csv_fault(e: csv::Error) -> UnitListError {
    UnitListError::Csv {
        line: e.position().map_or(0, |p| p.line()),
        detail: e.to_string(),
    }
}

/// What a re-import changes, by code.
#[derive(Debug, Default, PartialEq)]
pub struct ImportPlan {
    pub added: Vec<UnitRecord>,
    pub changed: Vec<UnitChange>,
    /// In the database but not in the file.
    pub missing: Vec<String>,
    /// In the file but outside the unit the import is limited to: left as they are.
    pub outside: Vec<String>,
}

impl ImportPlan {
    /// A short fingerprint of the plan: what an admin saw, to apply only if it still holds.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{self:?}").as_bytes());
        digest[..16].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[derive(Debug, PartialEq)]
pub struct UnitChange {
    pub code: String,
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

/// Compares the stored units with a newly published list. `current` maps code → record.
pub fn plan_import(current: &HashMap<String, UnitRecord>, incoming: &[UnitRecord]) -> ImportPlan {
    let mut plan = ImportPlan::default();
    for new in incoming {
        let Some(old) = current.get(&new.code) else {
            plan.added.push(new.clone());
            continue;
        };
        let fields: [(&'static str, &str, &str); 4] = [
            ("name", &old.name, &new.name),
            ("name_en", &old.name_en, &new.name_en),
            ("division_type", &old.division_type, &new.division_type),
            (
                "parent_code",
                old.parent_code.as_deref().unwrap_or(""),
                new.parent_code.as_deref().unwrap_or(""),
            ),
        ];
        for (field, before, after) in fields {
            if before != after {
                plan.changed.push(UnitChange {
                    code: new.code.clone(),
                    field,
                    old: before.to_owned(),
                    new: after.to_owned(),
                });
            }
        }
    }
    let incoming_codes: HashSet<&str> = incoming.iter().map(|r| r.code.as_str()).collect();
    plan.missing = current
        .keys()
        .filter(|c| !incoming_codes.contains(c.as_str()))
        .cloned()
        .collect();
    plan.missing.sort();
    plan
}

/// [`plan_import`] limited to the unit with code `scope` and those below it, for the admin of a
/// province who imports the national list: the file's units that are in the scope (by the file's
/// own tree, or the stored one for parents the file lacks) against the stored units in the scope.
/// A stored unit the file moves elsewhere is not missing: it is outside, for the other scope.
pub fn plan_import_within(
    current: &HashMap<String, UnitRecord>,
    incoming: &[UnitRecord],
    scope: &str,
) -> ImportPlan {
    let file: HashMap<&str, &UnitRecord> = incoming.iter().map(|r| (r.code.as_str(), r)).collect();
    let in_file_tree = |code: &str| {
        reaches(code, scope, |c| match file.get(c) {
            Some(r) => r.parent_code.as_deref(),
            None => current.get(c).and_then(|r| r.parent_code.as_deref()),
        })
    };
    let (inside, outside): (Vec<UnitRecord>, Vec<UnitRecord>) = incoming
        .iter()
        .cloned()
        .partition(|r| in_file_tree(&r.code));
    let stored: HashMap<String, UnitRecord> = current
        .iter()
        .filter(|(code, _)| reaches(code, scope, |c| current.get(c)?.parent_code.as_deref()))
        .map(|(code, r)| (code.clone(), r.clone()))
        .collect();
    let mut plan = plan_import(&stored, &inside);
    plan.missing
        .retain(|code| !file.contains_key(code.as_str()));
    plan.outside = outside.into_iter().map(|r| r.code).collect();
    plan
}

/// Whether `code` is `scope` or below it, following `parent` (a cycle in a bad file ends the
/// walk: no tree is that deep).
fn reaches<'a>(code: &'a str, scope: &str, parent: impl Fn(&str) -> Option<&'a str>) -> bool {
    let mut at = Some(code);
    for _ in 0..32 {
        match at {
            Some(c) if c == scope => return true,
            Some(c) => at = parent(c),
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_document_is_dated_at_the_units_name_without_its_kind() {
        let commune = super::Unit::sample(2, "12364", "Xã Tiên Lữ", Some(1));
        assert_eq!(commune.place(), "Tiên Lữ");
        let province = super::Unit {
            division_type: "tỉnh".into(),
            ..super::Unit::sample(1, "33", "Tỉnh Hưng Yên", None)
        };
        assert_eq!(province.place(), "Hưng Yên");
        assert_eq!(
            super::Unit::sample(3, "9", "Hưng Yên", None).place(),
            "Hưng Yên"
        );
    }

    use super::*;

    const LIST: &str = "code,name,name_en,division_type,parent_code\n\
        12745,Xã Bắc Đông Quan,Bac Dong Quan Commune,xã,33\n\
        33,Tỉnh Hưng Yên,Hung Yen Province,tỉnh,\n";

    #[test]
    fn a_list_parses_with_parents_before_children() {
        let units = parse_unit_list(LIST).unwrap();
        assert_eq!(units[0].code, "33");
        assert_eq!(units[1].parent_code.as_deref(), Some("33"));
    }

    #[test]
    fn a_list_with_an_unknown_parent_is_refused() {
        let err = parse_unit_list("code,name,name_en,division_type,parent_code\n1,A,A,xã,9\n")
            .unwrap_err();
        assert_eq!(
            err,
            UnitListError::UnknownParent {
                code: "1".into(),
                parent: "9".into()
            }
        );
    }

    #[test]
    fn a_plan_lists_renames_additions_and_missing_codes() {
        let current: HashMap<_, _> = parse_unit_list(LIST)
            .unwrap()
            .into_iter()
            .map(|r| (r.code.clone(), r))
            .collect();
        assert_eq!(
            plan_import(&current, &parse_unit_list(LIST).unwrap()),
            ImportPlan::default()
        );

        let mut renamed = parse_unit_list(LIST).unwrap();
        renamed[1].name = "Xã Bắc Đông Quan Mới".into();
        let plan = plan_import(&current, &renamed);
        assert_eq!(
            plan.changed,
            vec![UnitChange {
                code: "12745".into(),
                field: "name",
                old: "Xã Bắc Đông Quan".into(),
                new: "Xã Bắc Đông Quan Mới".into()
            }]
        );

        let mut shrunk = parse_unit_list(LIST).unwrap();
        shrunk.pop();
        shrunk.push(UnitRecord {
            code: "12746".into(),
            name: "Xã Mới".into(),
            name_en: "".into(),
            division_type: "xã".into(),
            parent_code: Some("33".into()),
        });
        let plan = plan_import(&current, &shrunk);
        assert_eq!(plan.added.len(), 1);
        assert_eq!(plan.missing, vec!["12745".to_string()]);
    }

    #[test]
    fn a_province_import_touches_only_the_province_and_what_moves_away_is_not_missing() {
        let list = "code,name,name_en,division_type,parent_code\n\
            33,Tỉnh Hưng Yên,Hung Yen,tỉnh,\n\
            01,Thành phố Hà Nội,Ha Noi,thành phố,\n\
            12745,Xã Bắc Đông Quan,Bac Dong Quan,xã,33\n\
            12746,Xã Đông Quan,Dong Quan,xã,33\n\
            00004,Phường Ba Đình,Ba Dinh,phường,01\n";
        let current: HashMap<_, _> = parse_unit_list(list)
            .unwrap()
            .into_iter()
            .map(|r| (r.code.clone(), r))
            .collect();
        // The national list of next year: Hà Nội renames a ward, Hưng Yên renames a commune,
        // moves another to Hà Nội, and gains one.
        let next = "code,name,name_en,division_type,parent_code\n\
            33,Tỉnh Hưng Yên,Hung Yen,tỉnh,\n\
            01,Thành phố Hà Nội,Ha Noi,thành phố,\n\
            12745,Xã Bắc Đông Quan Mới,Bac Dong Quan,xã,33\n\
            12746,Xã Đông Quan,Dong Quan,xã,01\n\
            12747,Xã Tây Quan,Tay Quan,xã,33\n\
            00004,Phường Ba Đình Mới,Ba Dinh,phường,01\n";
        let plan = plan_import_within(&current, &parse_unit_list(next).unwrap(), "33");
        assert_eq!(
            plan.added
                .iter()
                .map(|r| r.code.as_str())
                .collect::<Vec<_>>(),
            ["12747"]
        );
        assert_eq!(
            plan.changed
                .iter()
                .map(|c| (c.code.as_str(), c.field))
                .collect::<Vec<_>>(),
            [("12745", "name")]
        );
        assert!(plan.missing.is_empty(), "{:?}", plan.missing);
        let mut outside = plan.outside.clone();
        outside.sort();
        assert_eq!(outside, ["00004", "01", "12746"]);

        // Without Hưng Yên's communes in the file, they are missing; Hà Nội's are not ours.
        let only_province =
            "code,name,name_en,division_type,parent_code\n33,Tỉnh Hưng Yên,Hung Yen,tỉnh,\n";
        let plan = plan_import_within(&current, &parse_unit_list(only_province).unwrap(), "33");
        assert_eq!(plan.missing, ["12745", "12746"]);
        assert!(plan.outside.is_empty());
    }
}
