//! Surveys of residents' views: the TOML a committee writes (`danvan survey create FILE.toml`), what a
//! question accepts, and which question comes next (optional ones, `show_if`, going back).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::notice::TargetFile;
use super::text::fold;
use super::vn_time;
use crate::message::{Lang, Msg};

mod answering;
pub use answering::*;

/// Anonymous responses are stored in batches of at least this many, in random order, so that
/// none can be told by when it came…
pub const ANONYMOUS_BATCH: i64 = 20;
/// …or once the oldest has waited this long.
pub const ANONYMOUS_PATIENCE: std::time::Duration = std::time::Duration::from_secs(600);
pub const MAX_QUESTIONS: usize = 30;
/// Days a survey stays open when its file gives no closing time.
pub const DEFAULT_OPEN_DAYS: u32 = 30;
pub const MAX_OPTIONS: usize = 10;
pub const MAX_QUESTION_CHARS: usize = 500;
pub const MAX_LABEL_CHARS: usize = 40;
/// Free-text answers are cut off here unless the question sets less.
pub const MAX_TEXT_ANSWER: usize = 1000;

/// A survey as a committee writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyFile {
    pub title: String,
    pub intro: String,
    /// No link from answers to people; a keyed pseudonym keeps one response each.
    #[serde(default)]
    pub anonymous: bool,
    /// Touches what the data-protection law calls sensitive (political views): a separate consent
    /// comes before the first question.
    #[serde(default)]
    pub sensitive: bool,
    /// "YYYY-MM-DD HH:MM", Vietnam time; left out, the survey opens when `survey open` runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// When it closes, Vietnam time; left out, `open_days` after it opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<String>,
    /// Days it stays open when no `closes_at` is given (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_days: Option<u32>,
    pub target: TargetFile,
    pub questions: Vec<Question>,
    /// Other languages by code; what they leave out falls back to Vietnamese.
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Short and stable: buttons, show_if and the CSV columns name the question by it.
    pub id: String,
    pub kind: Kind,
    pub text: String,
    #[serde(default)]
    pub options: Vec<Choice>,
    #[serde(default)]
    pub optional: bool,
    /// Number questions: the accepted range.
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// Text questions: most characters.
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub show_if: Option<ShowIf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Single,
    Multiple,
    YesNo,
    Rating,
    Number,
    Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

/// Shown only when an earlier question was answered with one of `is` (option ids; "yes"/"no";
/// ratings as "1"…"5").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowIf {
    pub question: String,
    pub is: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    pub title: Option<String>,
    pub intro: Option<String>,
    /// By question id.
    #[serde(default)]
    pub questions: BTreeMap<String, QuestionTranslation>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionTranslation {
    pub text: Option<String>,
    /// Option labels by option id.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

/// What is wrong with a survey file (or form). The `Display` is for the command line; people
/// read [`SurveyError::msg`].
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SurveyError {
    /// Not TOML, or not the fields of a survey: the line (0 when unknown) and the parser's words.
    #[error("not a survey file: {detail}")]
    Toml { line: usize, detail: String },
    #[error("`{0}` must not be empty")]
    Empty(String),
    #[error("`{0}` is too long")]
    TooLong(String),
    #[error("question ids are short letters, digits or _ and unique; {0:?} is not")]
    Id(String),
    #[error("question {0:?}: {1}")]
    Question(String, QuestionFault),
    #[error("question {0:?}: show_if must name an earlier choice question and its options")]
    ShowIf(String),
    #[error(
        "times read like \"YYYY-MM-DD HH:MM\" (Vietnam time), a survey closes after it opens, and \
         `open_days` (1 to 366) stands only where `closes_at` does not"
    )]
    Times,
    #[error("unknown language {0:?} (known: vi, en)")]
    Language(String),
    #[error("between 1 and {MAX_QUESTIONS} questions")]
    Questions,
    #[error(
        "a survey goes to people in every language (its texts fall back to Vietnamese): leave out target.languages"
    )]
    TargetLanguages,
}

/// What is wrong with one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuestionFault {
    #[error("single and multiple questions have options, the others none")]
    Options,
    #[error("at most {MAX_OPTIONS} options")]
    TooManyOptions,
    #[error("only number questions have min and max")]
    MinMaxKind,
    #[error("min is above max")]
    MinAboveMax,
    #[error("only text questions have max_length")]
    MaxLengthKind,
    #[error("max_length is between 1 and {MAX_TEXT_ANSWER}")]
    MaxLengthRange,
}

impl QuestionFault {
    fn code(self) -> &'static str {
        match self {
            QuestionFault::Options => "options",
            QuestionFault::TooManyOptions => "too-many-options",
            QuestionFault::MinMaxKind => "min-max-kind",
            QuestionFault::MinAboveMax => "min-above-max",
            QuestionFault::MaxLengthKind => "max-length-kind",
            QuestionFault::MaxLengthRange => "max-length-range",
        }
    }
}

impl SurveyError {
    /// What a person is told, in their language.
    pub fn msg(&self) -> Msg {
        match self {
            SurveyError::Toml { line, .. } => {
                Msg::new("survey-file-toml").number("line", *line as i64)
            }
            SurveyError::Empty(field) => Msg::new("survey-file-empty").text("field", field),
            SurveyError::TooLong(field) => Msg::new("survey-file-too-long").text("field", field),
            SurveyError::Id(id) => Msg::new("survey-file-id").text("id", id),
            SurveyError::Question(id, fault) => Msg::new("survey-file-question")
                .text("question", id)
                .text("fault", fault.code())
                .number("options", MAX_OPTIONS as i64)
                .number("length", MAX_TEXT_ANSWER as i64),
            SurveyError::ShowIf(id) => Msg::new("survey-file-show-if").text("question", id),
            SurveyError::Times => Msg::new("survey-file-times"),
            SurveyError::Language(code) => Msg::new("survey-file-language").text("code", code),
            SurveyError::Questions => {
                Msg::new("survey-file-questions").number("max", MAX_QUESTIONS as i64)
            }
            SurveyError::TargetLanguages => Msg::new("survey-file-target-languages"),
        }
    }
}

/// A question as the dashboard's form asks for it: its options are labels, one per line.
#[derive(Debug, Clone, PartialEq)]
pub struct FormQuestion {
    pub text: String,
    pub kind: Kind,
    pub options: Vec<String>,
    pub optional: bool,
}

impl SurveyFile {
    /// A survey written on a form rather than in a file: ids from positions (q1, q2…; o1, o2…),
    /// texts trimmed, blank option lines left out, then checked exactly as a file is.
    pub fn from_form(
        title: &str,
        intro: &str,
        (anonymous, sensitive): (bool, bool),
        open_days: u32,
        target: TargetFile,
        questions: &[FormQuestion],
    ) -> Result<SurveyFile, SurveyError> {
        let questions = questions
            .iter()
            .enumerate()
            .map(|(i, q)| Question {
                id: format!("q{}", i + 1),
                kind: q.kind,
                text: q.text.trim().to_owned(),
                options: q
                    .options
                    .iter()
                    .map(|label| label.trim())
                    .filter(|label| !label.is_empty())
                    .enumerate()
                    .map(|(j, label)| Choice {
                        id: format!("o{}", j + 1),
                        label: label.to_owned(),
                    })
                    .collect(),
                optional: q.optional,
                min: None,
                max: None,
                max_length: None,
                show_if: None,
            })
            .collect();
        let file = SurveyFile {
            title: title.trim().to_owned(),
            intro: intro.trim().to_owned(),
            anonymous,
            sensitive,
            opens_at: None,
            closes_at: None,
            open_days: Some(open_days),
            target,
            questions,
            translations: BTreeMap::new(),
        };
        file.check()?;
        Ok(file)
    }

    pub fn parse(text: &str) -> Result<SurveyFile, SurveyError> {
        let file: SurveyFile = toml::from_str(text).map_err(|e| SurveyError::Toml {
            line: e
                .span()
                .map_or(0, |s| text[..s.start].lines().count().max(1)),
            detail: e.to_string(),
        })?;
        file.check()?;
        Ok(file)
    }

    fn check(&self) -> Result<(), SurveyError> {
        let required = |field: &str, value: &str, max: usize| {
            let chars = value.trim().chars().count();
            match chars {
                0 => Err(SurveyError::Empty(field.to_owned())),
                n if n > max => Err(SurveyError::TooLong(field.to_owned())),
                _ => Ok(()),
            }
        };
        required("title", &self.title, 200)?;
        required("intro", &self.intro, 1000)?;
        if self.questions.is_empty() || self.questions.len() > MAX_QUESTIONS {
            return Err(SurveyError::Questions);
        }
        if self.target.units.is_empty() {
            return Err(SurveyError::Empty("target.units".into()));
        }
        if !self.target.languages.is_empty() {
            return Err(SurveyError::TargetLanguages);
        }
        for lang in self.translations.keys() {
            Lang::from_code(lang).ok_or_else(|| SurveyError::Language(lang.clone()))?;
        }
        // Only the times' form and order are checked here; whether a fixed closing time has passed
        // is for the moment it opens.
        let (opens, closes) = self.times(DateTime::<Utc>::MIN_UTC)?;
        if closes <= opens {
            return Err(SurveyError::Times);
        }
        for (i, q) in self.questions.iter().enumerate() {
            let id_ok = |id: &str| {
                !id.is_empty()
                    && id.len() <= 16
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            };
            if !id_ok(&q.id) || self.questions[..i].iter().any(|p| p.id == q.id) {
                return Err(SurveyError::Id(q.id.clone()));
            }
            required(&format!("{}.text", q.id), &q.text, MAX_QUESTION_CHARS)?;
            let bad = |why| Err(SurveyError::Question(q.id.clone(), why));
            let has_options = matches!(q.kind, Kind::Single | Kind::Multiple);
            if has_options == q.options.is_empty() {
                return bad(QuestionFault::Options);
            }
            if q.options.len() > MAX_OPTIONS {
                return bad(QuestionFault::TooManyOptions);
            }
            for (j, o) in q.options.iter().enumerate() {
                if !id_ok(&o.id) || q.options[..j].iter().any(|p| p.id == o.id) {
                    return Err(SurveyError::Id(o.id.clone()));
                }
                required(&format!("{}.{}", q.id, o.id), &o.label, MAX_LABEL_CHARS)?;
            }
            if (q.min.is_some() || q.max.is_some()) && q.kind != Kind::Number {
                return bad(QuestionFault::MinMaxKind);
            }
            if q.min.zip(q.max).is_some_and(|(a, b)| a > b) {
                return bad(QuestionFault::MinAboveMax);
            }
            if q.max_length.is_some() && q.kind != Kind::Text {
                return bad(QuestionFault::MaxLengthKind);
            }
            if q.max_length.is_some_and(|n| n == 0 || n > MAX_TEXT_ANSWER) {
                return bad(QuestionFault::MaxLengthRange);
            }
            if let Some(show_if) = &q.show_if {
                let earlier = self.questions[..i]
                    .iter()
                    .find(|p| p.id == show_if.question);
                let valid = earlier.is_some_and(|p| {
                    !show_if.is.is_empty() && show_if.is.iter().all(|v| p.accepts_value(v))
                });
                if !valid {
                    return Err(SurveyError::ShowIf(q.id.clone()));
                }
            }
        }
        Ok(())
    }

    /// Opening and closing times, for a survey opened at `opened`.
    pub fn times(
        &self,
        opened: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>), SurveyError> {
        vn_time::period(
            self.opens_at.as_deref(),
            self.closes_at.as_deref(),
            self.open_days,
            DEFAULT_OPEN_DAYS,
            opened,
        )
        .ok_or(SurveyError::Times)
    }

    pub fn title(&self, lang: Lang) -> &str {
        self.translated(lang, |t| t.title.as_deref())
            .unwrap_or(&self.title)
    }

    pub fn intro(&self, lang: Lang) -> &str {
        self.translated(lang, |t| t.intro.as_deref())
            .unwrap_or(&self.intro)
    }

    pub fn question_text<'a>(&'a self, q: &'a Question, lang: Lang) -> &'a str {
        self.translated(lang, |t| t.questions.get(&q.id)?.text.as_deref())
            .unwrap_or(&q.text)
    }

    pub fn option_label<'a>(&'a self, q: &Question, option: &'a Choice, lang: Lang) -> &'a str {
        self.translated(lang, |t| {
            t.questions
                .get(&q.id)?
                .options
                .get(&option.id)
                .map(String::as_str)
        })
        .unwrap_or(&option.label)
    }

    fn translated<'a>(
        &'a self,
        lang: Lang,
        pick: impl Fn(&'a Translation) -> Option<&'a str>,
    ) -> Option<&'a str> {
        self.translations.get(lang.code()).and_then(pick)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

impl Question {
    /// A value a button of this question may carry.
    pub fn accepts_value(&self, value: &str) -> bool {
        match self.kind {
            Kind::Single | Kind::Multiple => self.options.iter().any(|o| o.id == value),
            Kind::YesNo => ["yes", "no"].contains(&value),
            Kind::Rating => ["1", "2", "3", "4", "5"].contains(&value),
            Kind::Number | Kind::Text => false,
        }
    }

    pub fn max_length(&self) -> usize {
        self.max_length.unwrap_or(MAX_TEXT_ANSWER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const FILE: &str = include_str!("../../../examples/survey.toml");

    pub(super) fn survey() -> SurveyFile {
        SurveyFile::parse(FILE).unwrap()
    }

    #[test]
    fn a_survey_from_the_form_gets_ids_and_the_files_checks() {
        let target = TargetFile {
            units: vec!["33".into()],
            roles: vec![],
            languages: vec![],
        };
        let question = |text: &str, kind, options: &[&str]| FormQuestion {
            text: text.into(),
            kind,
            options: options.iter().map(|o| o.to_string()).collect(),
            optional: false,
        };
        let file = SurveyFile::from_form(
            " Đường làng ",
            "Hai câu hỏi.",
            (true, false),
            14,
            target.clone(),
            &[
                question("Có nên đổ bê tông?", Kind::YesNo, &[]),
                question("Làm lúc nào?", Kind::Single, &["Mùa khô", " ", "Sau Tết"]),
            ],
        )
        .unwrap();
        assert_eq!(file.title, "Đường làng");
        assert_eq!(file.questions[1].id, "q2");
        assert_eq!(
            file.questions[1].options,
            [
                Choice {
                    id: "o1".into(),
                    label: "Mùa khô".into()
                },
                Choice {
                    id: "o2".into(),
                    label: "Sau Tết".into()
                },
            ]
        );
        // A choice question without options is refused as in a file.
        let refused = SurveyFile::from_form(
            "Đường làng",
            "Một câu hỏi.",
            (true, false),
            14,
            target,
            &[question("Làm lúc nào?", Kind::Single, &[])],
        );
        assert!(matches!(refused, Err(SurveyError::Question(id, _)) if id == "q1"));
    }

    #[test]
    fn the_example_parses_and_bad_files_say_why() {
        let s = survey();
        assert_eq!(s.questions.len(), 5);
        assert!(s.sensitive);
        let broken = FILE.replacen("id = \"agree\"", "id = \"Agree!\"", 1);
        assert!(matches!(
            SurveyFile::parse(&broken),
            Err(SurveyError::Id(_))
        ));
        let backwards = FILE.replacen("question = \"agree\"", "question = \"concerns\"", 1);
        assert!(matches!(
            SurveyFile::parse(&backwards),
            Err(SurveyError::ShowIf(_))
        ));
        let by_language = FILE.replacen(
            "roles = [\"resident\"]",
            "roles = [\"resident\"]\nlanguages = [\"vi\"]",
            1,
        );
        assert_eq!(
            SurveyFile::parse(&by_language),
            Err(SurveyError::TargetLanguages)
        );
        let timed = |times: &str| FILE.replacen("open_days = 30", times, 1);
        let closed_early =
            timed("opens_at = \"2025-11-01 08:00\"\ncloses_at = \"2025-10-01 17:00\"");
        assert_eq!(SurveyFile::parse(&closed_early), Err(SurveyError::Times));
        let both = timed("closes_at = \"2025-10-01 17:00\"\nopen_days = 7");
        assert_eq!(SurveyFile::parse(&both), Err(SurveyError::Times));
        assert_eq!(
            SurveyFile::parse(&timed("open_days = 0")),
            Err(SurveyError::Times)
        );
        let fixed = SurveyFile::parse(&timed(
            "opens_at = \"2025-11-01 08:00\"\ncloses_at = \"2025-12-31 17:00\"",
        ))
        .unwrap();
        let any = DateTime::<Utc>::MIN_UTC;
        let (opens, closes) = fixed.times(any).unwrap();
        assert_eq!(
            (opens, closes),
            (
                vn_time::parse("2025-11-01 08:00").unwrap(),
                vn_time::parse("2025-12-31 17:00").unwrap()
            )
        );
        // Without times, it opens when opened and stays open `open_days`.
        let opened = vn_time::parse("2025-11-01 08:00").unwrap();
        let plain = SurveyFile::parse(FILE).unwrap();
        assert_eq!(
            plain.times(opened).unwrap(),
            (opened, opened + chrono::Duration::days(30))
        );
    }
}
