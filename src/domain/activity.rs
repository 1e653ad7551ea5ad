//! Activities cadres log from their phones, and the one-message quick form for those who know it:
//! `/log kt | Mô hình nuôi ong | 25 người | 12/4`. Fields in any order where unambiguous; anything that
//! cannot be read is named, with a corrected example, never guessed.

use chrono::{Datelike, NaiveDate};

use super::access::Grant;
use super::text::fold;
use super::unit_directory::UnitDirectory;
use crate::message::Msg;

/// The example every error shows.
pub const EXAMPLE: &str = "/log kt | Mô hình nuôi ong | 25 người | 12/4";
/// Longest title of an activity.
pub const MAX_TITLE_CHARS: usize = 200;

/// A sector of models and activities (data, from the `sectors` table).
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// Folded forms people type: "kt", "kinh te".
    pub aliases: Vec<String>,
}

/// An activity read from the quick form.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickEntry {
    pub sector: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub participants: Option<i32>,
    pub details: Details,
}

/// Fields the quick form takes with a label ("chủ trì: Hội Nông dân"), since nothing else tells
/// them from a name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Details {
    /// An activity's note, or a model's description.
    pub note: Option<String>,
    /// A model's lead organisation.
    pub lead: Option<String>,
    /// People who benefit from an activity.
    pub beneficiaries: Option<i32>,
}

impl Details {
    /// Reads a labeled field: Ok(false) when the field has no known label.
    fn take(&mut self, field: &str) -> Result<bool, QuickError> {
        let Some((label, value)) = field.split_once(':') else {
            return Ok(false);
        };
        let value = value.trim();
        match fold(label).as_str() {
            "ghi chu" | "mo ta" | "note" | "description" => self.note = Some(value.to_owned()),
            "chu tri" | "don vi chu tri" | "lead" => self.lead = Some(value.to_owned()),
            "huong loi" | "nguoi huong loi" | "so nguoi huong loi" | "beneficiaries" => {
                let count = participants_of(&fold(value)).flatten();
                self.beneficiaries =
                    Some(count.ok_or_else(|| QuickError::Beneficiaries(value.to_owned()))?);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// A registered model a cadre can log an activity under, or change the status of.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelChoice {
    pub id: i64,
    pub unit_id: i64,
    pub sector: String,
    pub name: String,
    pub status: ModelStatus,
}

/// Stored as its code (`models.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum ModelStatus {
    Active,
    Maintained,
    Stopped,
}

impl ModelStatus {
    pub const ALL: [ModelStatus; 3] = [
        ModelStatus::Active,
        ModelStatus::Maintained,
        ModelStatus::Stopped,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ModelStatus::Active => "active",
            ModelStatus::Maintained => "maintained",
            ModelStatus::Stopped => "stopped",
        }
    }

    pub fn from_code(code: &str) -> Option<ModelStatus> {
        ModelStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// An activity as its author sees it in `/mylogs`.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedActivity {
    pub id: i64,
    pub sector: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub participants: Option<i32>,
}

/// An activity (or, with `model`, a model) to store, with what the guided flow adds.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLog {
    pub entry: QuickEntry,
    pub model: bool,
    /// The registered model an activity belongs to.
    pub model_id: Option<i64>,
    pub photos: Vec<String>,
    pub location: Option<(f64, f64)>,
}

/// What the quick form could not read.
#[derive(Debug, Clone, PartialEq)]
pub enum QuickError {
    NoSector,
    TwoSectors,
    NoTitle,
    /// Two fields could each be the title.
    TwoTitles(String, String),
    TitleTooLong,
    /// A date that does not exist, or lies in the future.
    Date(String),
    Participants(String),
    Beneficiaries(String),
}

impl QuickError {
    /// The localized reply: what is wrong, and the example.
    pub fn message(&self) -> Msg {
        let msg = match self {
            QuickError::NoSector => Msg::new("log-error-no-sector"),
            QuickError::TwoSectors => Msg::new("log-error-two-sectors"),
            QuickError::NoTitle => Msg::new("log-error-no-title"),
            QuickError::TwoTitles(a, b) => {
                Msg::new("log-error-two-titles").text("a", a).text("b", b)
            }
            QuickError::TitleTooLong => {
                Msg::new("log-error-title-too-long").number("max", MAX_TITLE_CHARS as i64)
            }
            QuickError::Date(text) => Msg::new("log-error-date").text("text", text),
            QuickError::Participants(text) => Msg::new("log-error-participants").text("text", text),
            QuickError::Beneficiaries(text) => {
                Msg::new("log-error-beneficiaries").text("text", text)
            }
        };
        msg.text("example", EXAMPLE)
    }
}

/// The unit a cadre's activity is logged in: where they live if their roles cover it, else the
/// unit of their first role.
pub fn log_unit(home: Option<i64>, grants: &[Grant], units: &UnitDirectory) -> Option<i64> {
    home.filter(|&h| grants.iter().any(|g| units.is_within(h, g.unit_id)))
        .or_else(|| grants.first().map(|g| g.unit_id))
}

/// Reads `kt | Mô hình nuôi ong | 25 người | 12/4` (what follows `/log`), `today` in Vietnam.
pub fn parse_quick(
    text: &str,
    sectors: &[Sector],
    today: NaiveDate,
) -> Result<QuickEntry, QuickError> {
    let mut sector = None;
    let mut title: Option<String> = None;
    let mut held_on = None;
    let mut participants = None;
    let mut details = Details::default();
    for field in text.split('|').map(str::trim).filter(|f| !f.is_empty()) {
        let folded = fold(field);
        if details.take(field)? {
        } else if let Some(s) = find_sector(sectors, field) {
            if sector.replace(s.code.clone()).is_some() {
                return Err(QuickError::TwoSectors);
            }
        } else if looks_like_date(&folded) {
            held_on = Some(parse_date(field, today).ok_or_else(|| QuickError::Date(field.into()))?);
        } else if let Some(count) = participants_of(&folded) {
            participants = Some(count.ok_or_else(|| QuickError::Participants(field.to_owned()))?);
        } else if let Some(first) = title.replace(field.to_owned()) {
            return Err(QuickError::TwoTitles(first, field.to_owned()));
        }
    }
    let title = title.ok_or(QuickError::NoTitle)?;
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(QuickError::TitleTooLong);
    }
    Ok(QuickEntry {
        sector: sector.ok_or(QuickError::NoSector)?,
        title,
        held_on: held_on.unwrap_or(today),
        participants,
        details,
    })
}

/// The sector a typed name or alias means ("kinh te", "KT", "Văn hoá – xã hội").
pub fn find_sector<'a>(sectors: &'a [Sector], typed: &str) -> Option<&'a Sector> {
    let folded = fold(typed);
    sectors.iter().find(|s| is_sector(s, &folded))
}

fn is_sector(sector: &Sector, folded: &str) -> bool {
    fold(&sector.name) == folded
        || fold(&sector.code) == folded
        || sector.aliases.iter().any(|a| a == folded)
}

/// Dates are digits with / - . between, or words for today and yesterday.
fn looks_like_date(folded: &str) -> bool {
    ["hom nay", "hom qua", "today", "yesterday"].contains(&folded)
        || (folded.split(' ').count() >= 2
            && folded
                .split(' ')
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())))
}

/// "hôm nay", "hôm qua", "12/4" (the last 12 April not after today), "12/4/2025".
pub fn parse_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let folded = fold(text);
    match folded.as_str() {
        "hom nay" | "today" => return Some(today),
        "hom qua" | "yesterday" => return today.pred_opt(),
        _ => {}
    }
    let numbers: Vec<u32> = folded
        .split(' ')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let date = match numbers.as_slice() {
        [day, month] => {
            let this_year = NaiveDate::from_ymd_opt(today.year(), *month, *day);
            // Typed in January about December: last year.
            match this_year {
                Some(d) if d > today => NaiveDate::from_ymd_opt(today.year() - 1, *month, *day)?,
                Some(d) => d,
                None => NaiveDate::from_ymd_opt(today.year() - 1, *month, *day)?,
            }
        }
        [day, month, year] => {
            let year = if *year < 100 { 2000 + year } else { *year };
            NaiveDate::from_ymd_opt(year as i32, *month, *day)?
        }
        _ => return None,
    };
    (date <= today).then_some(date)
}

/// "25 người", "25 nguoi", "25ng", "25 ng": Some(count); "người" without a number: Some(None).
fn participants_of(folded: &str) -> Option<Option<i32>> {
    let compact = folded.replace(' ', "");
    let digits: String = compact.chars().take_while(char::is_ascii_digit).collect();
    let unit = &compact[digits.len()..];
    if ![
        "nguoi",
        "ng",
        "nguoi tham gia",
        "nguoithamgia",
        "people",
        "persons",
    ]
    .contains(&unit)
    {
        return (compact.chars().all(|c| c.is_ascii_digit()) && !compact.is_empty())
            .then(|| compact.parse().ok());
    }
    Some(digits.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sectors() -> Vec<Sector> {
        let sector = |code: &str, name: &str, aliases: &[&str]| Sector {
            code: code.into(),
            name: name.into(),
            name_en: String::new(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        vec![
            sector("kt", "Kinh tế", &["kt", "kinh te"]),
            sector("vhxh", "Văn hóa – xã hội", &["vhxh", "van hoa"]),
            sector("qpan", "Quốc phòng – an ninh", &["qpan", "an ninh"]),
        ]
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn labeled_fields_carry_what_has_no_shape_of_its_own() {
        let today = day(2026, 4, 20);
        let entry = parse_quick(
            "kt | Nuôi ong | Chu tri: Hội Nông dân | mô tả: 20 hộ | hưởng lợi: 120 người",
            &sectors(),
            today,
        )
        .unwrap();
        assert_eq!(entry.title, "Nuôi ong");
        assert_eq!(
            entry.details,
            Details {
                note: Some("20 hộ".into()),
                lead: Some("Hội Nông dân".into()),
                beneficiaries: Some(120),
            }
        );
        assert_eq!(
            parse_quick("kt | Nuôi ong | hưởng lợi: nhiều", &sectors(), today),
            Err(QuickError::Beneficiaries("nhiều".into()))
        );
        // A colon in a name is no label.
        assert_eq!(
            parse_quick("kt | Mô hình: nuôi ong", &sectors(), today)
                .unwrap()
                .title,
            "Mô hình: nuôi ong"
        );
    }

    #[test]
    fn the_quick_form_reads_fields_in_any_order() {
        let today = day(2026, 4, 20);
        let entry = |sector: &str, title: &str, on: NaiveDate, n: Option<i32>| QuickEntry {
            sector: sector.into(),
            title: title.into(),
            held_on: on,
            participants: n,
            details: Details::default(),
        };
        let cases: &[(&str, Result<QuickEntry, QuickError>)] = &[
            (
                "kt | Mô hình nuôi ong | 25 người | 12/4",
                Ok(entry("kt", "Mô hình nuôi ong", day(2026, 4, 12), Some(25))),
            ),
            (
                "12/4 | 25 nguoi | Mo hinh nuoi ong | KINH TE",
                Ok(entry("kt", "Mo hinh nuoi ong", day(2026, 4, 12), Some(25))),
            ),
            (
                "Văn hoá – xã hội | Ngày hội đại đoàn kết | hôm qua",
                Ok(entry(
                    "vhxh",
                    "Ngày hội đại đoàn kết",
                    day(2026, 4, 19),
                    None,
                )),
            ),
            (
                "an ninh | Tổ tự quản | 40ng",
                Ok(entry("qpan", "Tổ tự quản", today, Some(40))),
            ),
            ("Mô hình nuôi ong | 25 người", Err(QuickError::NoSector)),
            ("kt | 25 người | 12/4", Err(QuickError::NoTitle)),
            (
                "kt | Nuôi ong | Trồng rau",
                Err(QuickError::TwoTitles("Nuôi ong".into(), "Trồng rau".into())),
            ),
            ("kt | Nuôi ong | 31/4", Err(QuickError::Date("31/4".into()))),
            (
                "kt | Nuôi ong | 12/5",
                Ok(entry("kt", "Nuôi ong", day(2025, 5, 12), None)),
            ),
            (
                "kt | Nuôi ong | 12/5/2026",
                Err(QuickError::Date("12/5/2026".into())),
            ),
            (
                "kt | Nuôi ong | nhiều người",
                Err(QuickError::TwoTitles(
                    "Nuôi ong".into(),
                    "nhiều người".into(),
                )),
            ),
            (
                "kt | Nuôi ong | người",
                Err(QuickError::Participants("người".into())),
            ),
            ("kt | vhxh | Nuôi ong", Err(QuickError::TwoSectors)),
        ];
        for (text, expected) in cases {
            assert_eq!(&parse_quick(text, &sectors(), today), expected, "{text:?}");
        }
    }

    #[test]
    fn dates_without_a_year_are_the_latest_one_not_after_today() {
        let new_year = day(2026, 1, 3);
        assert_eq!(parse_date("30/12", new_year), Some(day(2025, 12, 30)));
        assert_eq!(parse_date("2/1", new_year), Some(day(2026, 1, 2)));
        assert_eq!(parse_date("hôm qua", new_year), Some(day(2026, 1, 2)));
        assert_eq!(parse_date("hom nay", new_year), Some(new_year));
        // 29 February: not in 2026 (ahead anyway) nor in 2025.
        assert_eq!(parse_date("29/2", new_year), None);
        assert_eq!(parse_date("12-4-2025", new_year), Some(day(2025, 4, 12)));
        assert_eq!(parse_date("12.4.25", new_year), Some(day(2025, 4, 12)));
        assert_eq!(parse_date("4/1", new_year), Some(day(2025, 1, 4)));
    }
}
