//! Consultations on a draft ("góp ý dự thảo"): a text in numbered parts (articles, clauses), each
//! answered "tán thành", "không tán thành" or "ý kiến khác" with an optional comment. Written by a
//! committee as TOML or as Markdown with a TOML front matter; checked here before it is stored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::notice::TargetFile;
use super::text::fold;
use super::vn_time;
use crate::message::Msg;

pub const MAX_PARTS: usize = 80;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_SUMMARY_CHARS: usize = 2000;
/// A part is split into several messages where a channel's limit is lower.
pub const MAX_PART_CHARS: usize = 8000;
pub const MAX_COMMENT_CHARS: usize = 1000;
/// Days a consultation stays open when its file gives no closing time.
pub const DEFAULT_OPEN_DAYS: u32 = 30;

/// A draft put to the people, as a committee writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationFile {
    pub title: String,
    /// What the draft is, who drafted it and why residents are asked.
    pub summary: String,
    /// "UBND xã Tiên Lữ".
    #[serde(default)]
    pub issuer: String,
    /// "YYYY-MM-DD HH:MM", Vietnam time; left out, it opens when it is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    /// Days it stays open when no `closes_at` is given (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_days: Option<u32>,
    pub target: TargetFile,
    pub parts: Vec<Part>,
}

/// One article or clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// "Điều 3", "Khoản 2 Điều 5".
    pub label: String,
    #[serde(default)]
    pub title: String,
    pub text: String,
    /// The text in force that this part would replace, if it amends one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
}

/// What a resident says of one part.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type,
)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Opinion {
    Agree,
    Disagree,
    Other,
}

impl Opinion {
    pub const ALL: [Opinion; 3] = [Opinion::Agree, Opinion::Disagree, Opinion::Other];

    pub fn code(self) -> &'static str {
        match self {
            Opinion::Agree => "agree",
            Opinion::Disagree => "disagree",
            Opinion::Other => "other",
        }
    }

    /// The one letter a button carries.
    pub fn letter(self) -> &'static str {
        &self.code()[..1]
    }

    pub fn from_letter(letter: &str) -> Option<Opinion> {
        Opinion::ALL.into_iter().find(|o| o.letter() == letter)
    }

    /// The button's words, "Tán thành"….
    pub fn label(self) -> Msg {
        Msg::new(match self {
            Opinion::Agree => "consult-agree",
            Opinion::Disagree => "consult-disagree",
            Opinion::Other => "consult-other",
        })
    }

    /// An opinion typed in words, with or without diacritics ("tan thanh", "khong dong y").
    pub fn typed(text: &str) -> Option<Opinion> {
        match fold(text).as_str() {
            "tan thanh" | "dong y" | "co" | "agree" | "yes" => Some(Opinion::Agree),
            "khong tan thanh" | "khong dong y" | "khong" | "disagree" | "no" => {
                Some(Opinion::Disagree)
            }
            "y kien khac" | "khac" | "other" => Some(Opinion::Other),
            _ => None,
        }
    }
}

/// Whether a consultation can be answered, as `consultations.status` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Status {
    Draft,
    Open,
    Closed,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

/// A stored consultation.
#[derive(Debug, Clone, PartialEq)]
pub struct Consultation {
    pub id: i64,
    /// Never changed once written, so shared by every read of it.
    pub file: std::sync::Arc<ConsultationFile>,
    /// Target units, each with everything below it.
    pub unit_ids: Vec<i64>,
    pub status: Status,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl Consultation {
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Open && self.opens_at <= now && now < self.closes_at
    }

    /// Parts are numbered from 1 in buttons and stored rows.
    pub fn part(&self, number: i16) -> Option<&Part> {
        usize::try_from(number)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| self.file.parts.get(i))
    }

    pub fn part_count(&self) -> i16 {
        i16::try_from(self.file.parts.len()).expect("at most MAX_PARTS parts")
    }
}

/// Why a file is not a consultation; each a Fluent message, in the words of whoever reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Not TOML, or fields missing or unknown: the parser's own words.
    Unreadable(String),
    Empty(&'static str),
    TooLong {
        field: &'static str,
        max: usize,
    },
    NoParts,
    TooManyParts,
    /// The part with this number has no label or no text.
    EmptyPart(usize),
    Times,
    NoUnits,
}

impl Problem {
    pub fn msg(&self) -> Msg {
        match self {
            Problem::Unreadable(why) => Msg::new("consult-file-unreadable").text("why", why),
            Problem::Empty(field) => Msg::new("consult-file-empty").text("field", *field),
            Problem::TooLong { field, max } => Msg::new("consult-file-too-long")
                .text("field", *field)
                .number("max", *max as i64),
            Problem::NoParts => Msg::new("consult-file-no-parts"),
            Problem::TooManyParts => {
                Msg::new("consult-file-too-many-parts").number("max", MAX_PARTS as i64)
            }
            Problem::EmptyPart(n) => Msg::new("consult-file-empty-part").number("part", *n as i64),
            Problem::Times => Msg::new("consult-file-times"),
            Problem::NoUnits => Msg::new("consult-file-no-units"),
        }
    }
}

impl ConsultationFile {
    /// A file as written: Markdown when it starts with a `+++` front matter or a `#` heading, TOML
    /// otherwise; checked.
    pub fn parse(text: &str) -> Result<ConsultationFile, Problem> {
        let start = text.trim_start();
        let file = if start.starts_with("+++") || start.starts_with('#') {
            from_markdown(start)?
        } else {
            toml::from_str(text).map_err(|e| Problem::Unreadable(e.message().to_owned()))?
        };
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> Result<(), Problem> {
        let long = |field, value: &str, max| {
            (value.chars().count() > max).then_some(Problem::TooLong { field, max })
        };
        if self.title.trim().is_empty() {
            return Err(Problem::Empty("title"));
        }
        if self.summary.trim().is_empty() {
            return Err(Problem::Empty("summary"));
        }
        let too_long = long("title", &self.title, MAX_TITLE_CHARS)
            .or_else(|| long("summary", &self.summary, MAX_SUMMARY_CHARS));
        if let Some(problem) = too_long {
            return Err(problem);
        }
        if self.target.units.is_empty() {
            return Err(Problem::NoUnits);
        }
        match self.parts.len() {
            0 => return Err(Problem::NoParts),
            n if n > MAX_PARTS => return Err(Problem::TooManyParts),
            _ => {}
        }
        for (i, part) in self.parts.iter().enumerate() {
            if part.label.trim().is_empty() || part.text.trim().is_empty() {
                return Err(Problem::EmptyPart(i + 1));
            }
            let texts = [Some(&part.text), part.current.as_ref()];
            if texts
                .into_iter()
                .flatten()
                .any(|t| t.chars().count() > MAX_PART_CHARS)
            {
                return Err(Problem::TooLong {
                    field: "parts.text",
                    max: MAX_PART_CHARS,
                });
            }
        }
        // Times that cannot be read are refused now, not when it opens.
        self.times(DateTime::<Utc>::MIN_UTC + chrono::Duration::days(1))
            .map(|_| ())
    }

    /// Opening and closing times, for a consultation opened at `opened`.
    pub fn times(&self, opened: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), Problem> {
        vn_time::period(
            self.opens_at.as_deref(),
            self.closes_at.as_deref(),
            self.open_days,
            DEFAULT_OPEN_DAYS,
            opened,
        )
        .ok_or(Problem::Times)
    }
}

/// Reads the Markdown form:
///
/// ```text
/// +++
/// issuer = "UBND xã Tiên Lữ"
/// target = { units = ["12364"] }
/// +++
/// # Title
/// Summary paragraphs.
/// ## Điều 1. Part title
/// The part's text.
/// > The text in force it replaces.
/// ```
fn from_markdown(text: &str) -> Result<ConsultationFile, Problem> {
    let (front, body) = match text.strip_prefix("+++") {
        Some(rest) => rest
            .split_once("\n+++")
            .map(|(front, body)| (front, body.trim_start_matches(['+', '\r']).trim_start()))
            .ok_or_else(|| Problem::Unreadable("the front matter has no closing +++".into()))?,
        None => ("", text),
    };
    let mut title = String::new();
    let mut summary = Vec::new();
    let mut parts: Vec<(String, Vec<&str>, Vec<&str>)> = Vec::new();
    for line in body.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            parts.push((heading.trim().to_owned(), Vec::new(), Vec::new()));
        } else if let Some(heading) = line.strip_prefix("# ").filter(|_| title.is_empty()) {
            title = heading.trim().to_owned();
        } else if let Some((_, text, current)) = parts.last_mut() {
            match line.strip_prefix('>') {
                Some(quoted) => current.push(quoted.trim_start()),
                None => text.push(line),
            }
        } else {
            summary.push(line);
        }
    }
    let paragraphs = |lines: &[&str]| lines.join("\n").trim().to_owned();
    let parts: Vec<toml::Value> = parts
        .iter()
        .map(|(heading, text, current)| {
            let (label, part_title) = split_heading(heading);
            let mut part = toml::Table::new();
            part.insert("label".into(), label.into());
            part.insert("title".into(), part_title.into());
            part.insert("text".into(), paragraphs(text).into());
            let current = paragraphs(current);
            if !current.is_empty() {
                part.insert("current".into(), current.into());
            }
            toml::Value::Table(part)
        })
        .collect();
    let mut table: toml::Table =
        toml::from_str(front).map_err(|e| Problem::Unreadable(e.message().to_owned()))?;
    table.insert("title".into(), title.into());
    table.insert("summary".into(), paragraphs(&summary).into());
    table.insert("parts".into(), parts.into());
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| Problem::Unreadable(e.message().to_owned()))
}

/// "Điều 1. Phạm vi" → ("Điều 1", "Phạm vi"); a heading without a title is all label.
fn split_heading(heading: &str) -> (&str, &str) {
    [". ", ": ", " – ", " - "]
        .iter()
        .find_map(|sep| heading.split_once(sep))
        .map_or((heading, ""), |(label, title)| (label.trim(), title.trim()))
}

/// Counts of one part (or of the whole draft): opinions of each kind and comments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub agree: i64,
    pub disagree: i64,
    pub other: i64,
    pub comments: i64,
}

impl Tally {
    pub fn opinions(&self) -> i64 {
        self.agree + self.disagree + self.other
    }

    pub fn of(&self, opinion: Opinion) -> i64 {
        match opinion {
            Opinion::Agree => self.agree,
            Opinion::Disagree => self.disagree,
            Opinion::Other => self.other,
        }
    }

    pub fn add(&mut self, opinion: Opinion, n: i64) {
        match opinion {
            Opinion::Agree => self.agree += n,
            Opinion::Disagree => self.disagree += n,
            Opinion::Other => self.other += n,
        }
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.agree += other.agree;
        self.disagree += other.disagree;
        self.other += other.other;
        self.comments += other.comments;
    }
}

/// Opinions gathered at one meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub unit_id: i64,
    pub held_on: NaiveDate,
    pub place: String,
    pub attendance: i32,
    /// (part, tally, summary of what was said).
    pub parts: Vec<(i16, Tally, String)>,
}

/// A meeting's opinions as staff write them down (`danvan consultation meeting ID FILE.toml`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingFile {
    /// The unit's code where it was held.
    pub unit: String,
    /// "YYYY-MM-DD".
    pub held_on: NaiveDate,
    pub place: String,
    pub attendance: i32,
    pub parts: Vec<MeetingPart>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingPart {
    pub part: i16,
    #[serde(default)]
    pub agree: i64,
    #[serde(default)]
    pub disagree: i64,
    #[serde(default)]
    pub other: i64,
    #[serde(default)]
    pub summary: String,
}

impl MeetingFile {
    pub fn parse(text: &str) -> Result<MeetingFile, Problem> {
        toml::from_str(text).map_err(|e| Problem::Unreadable(e.message().to_owned()))
    }

    /// The meeting, held in the unit with this id.
    pub fn meeting(&self, unit_id: i64) -> Meeting {
        Meeting {
            unit_id,
            held_on: self.held_on,
            place: self.place.clone(),
            attendance: self.attendance,
            parts: self
                .parts
                .iter()
                .map(|p| {
                    let tally = Tally {
                        agree: p.agree,
                        disagree: p.disagree,
                        other: p.other,
                        comments: 0,
                    };
                    (p.part, tally, p.summary.clone())
                })
                .collect(),
        }
    }
}

/// A share in whole percent, rounded; 0 of nothing is 0.
pub fn percent(count: i64, of: i64) -> i64 {
    if of == 0 {
        0
    } else {
        (count * 100 + of / 2) / of
    }
}

/// The sentence in the official style: "Tổng hợp được N ý kiến của M người, trong đó X% tán
/// thành, Y% không tán thành, Z% ý kiến khác."
pub fn summary_sentence(total: &Tally, people: i64) -> Msg {
    let opinions = total.opinions();
    Msg::new("consult-summary")
        .number("opinions", opinions)
        .number("people", people)
        .number("agree", percent(total.agree, opinions))
        .number("disagree", percent(total.disagree, opinions))
        .number("other", percent(total.other, opinions))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
title = "Dự thảo Hương ước thôn Đông"
summary = "Bản dự thảo viết cho bản trình diễn."
target = { units = ["12364"] }
open_days = 14

[[parts]]
label = "Điều 1"
title = "Phạm vi"
text = "Hương ước này áp dụng cho mọi hộ trong thôn."

[[parts]]
label = "Điều 2"
text = "Mỗi hộ giữ vệ sinh đoạn đường trước nhà."
current = "Mỗi hộ quét đường một tuần một lần."
"#;

    const MARKDOWN: &str = "+++
target = { units = [\"12364\"] }
open_days = 14
+++
# Dự thảo Hương ước thôn Đông

Bản dự thảo viết cho bản trình diễn.

## Điều 1. Phạm vi
Hương ước này áp dụng cho mọi hộ trong thôn.

## Điều 2
Mỗi hộ giữ vệ sinh đoạn đường trước nhà.
> Mỗi hộ quét đường một tuần một lần.
";

    #[test]
    fn toml_and_markdown_read_as_the_same_draft() {
        let toml = ConsultationFile::parse(TOML).expect("the TOML reads");
        let markdown = ConsultationFile::parse(MARKDOWN).expect("the Markdown reads");
        assert_eq!(toml, markdown);
        assert_eq!(toml.parts[0].title, "Phạm vi");
        assert_eq!(
            toml.parts[1].current.as_deref(),
            Some("Mỗi hộ quét đường một tuần một lần.")
        );
    }

    #[test]
    fn a_file_missing_what_residents_need_is_refused_with_the_reason() {
        let cases = [
            (TOML.replace("title = \"Dự thảo Hương ước thôn Đông\"", "title = \" \""), Problem::Empty("title")),
            (TOML.replace("units = [\"12364\"]", "units = []"), Problem::NoUnits),
            (TOML.replace("open_days = 14", "open_days = 0"), Problem::Times),
            (TOML.replace("label = \"Điều 2\"", "label = \"\""), Problem::EmptyPart(2)),
            (MARKDOWN.replace("## Điều 1. Phạm vi\nHương ước này áp dụng cho mọi hộ trong thôn.\n\n## Điều 2\nMỗi hộ giữ vệ sinh đoạn đường trước nhà.\n> Mỗi hộ quét đường một tuần một lần.\n", ""), Problem::NoParts),
        ];
        for (text, problem) in cases {
            assert_eq!(ConsultationFile::parse(&text), Err(problem), "{text}");
        }
        assert!(matches!(
            ConsultationFile::parse("title = 1"),
            Err(Problem::Unreadable(_))
        ));
        assert!(matches!(
            ConsultationFile::parse("+++\nopen_days = 3\n# no end"),
            Err(Problem::Unreadable(_))
        ));
    }

    #[test]
    fn opinions_typed_without_diacritics_are_read() {
        assert_eq!(Opinion::typed("Tan thanh"), Some(Opinion::Agree));
        assert_eq!(Opinion::typed("không tán thành"), Some(Opinion::Disagree));
        assert_eq!(Opinion::typed("y kien khac"), Some(Opinion::Other));
        assert_eq!(Opinion::typed("nen sua lai dieu nay"), None);
        for o in Opinion::ALL {
            assert_eq!(Opinion::from_letter(o.letter()), Some(o));
        }
    }

    #[test]
    fn shares_are_rounded_and_nothing_is_no_share() {
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
        let tally = Tally {
            agree: 6,
            disagree: 1,
            other: 1,
            comments: 2,
        };
        let sentence = summary_sentence(&tally, 2);
        assert_eq!(sentence.id, "consult-summary");
        assert_eq!(tally.opinions(), 8);
    }
}
