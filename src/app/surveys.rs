//! Surveys: created, changed while a draft, opened (inviting everyone they target), closed and
//! reminded of, as the command line and the dashboard ask; the pseudonyms responses are kept
//! under; results, as `/results`, `danvan survey results` and the dashboard read them, and the
//! responses as a spreadsheet.

use chrono::{DateTime, Utc};

use crate::domain::collation;
use crate::domain::ids::{PersonId, SurveyId};
use crate::domain::report::csv_with_bom;
use crate::domain::survey::{Answer, Kind, SurveyFile};
use crate::domain::survey_chat::{self, Survey, SurveyStatus, Whom};
use crate::domain::survey_results::{self, Results};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::vn_time;
use crate::i18n::Localizer;
use crate::message::{Lang, Msg, Reply};
use crate::store::Tx;
use crate::store::surveys::ExportRow;

/// Why a survey was not changed, opened, closed or reminded of. The `Display` is for the command
/// line (its hints name `danvan` commands); people read [`Refusal::msg`].
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Refusal {
    #[error("no survey {0}")]
    Missing(i64),
    #[error(
        "survey {0} has been opened: its questions cannot change; create a new version with `danvan survey create FILE --replaces {0}`"
    )]
    Opened(i64),
    #[error("survey {0} is {status}, not a draft: only a draft opens", status = .1.code())]
    NotDraft(i64, SurveyStatus),
    #[error(
        "survey {0} closes at {closes} (Vietnam time), which has passed: change closes_at, or use open_days, with `danvan survey update`",
        closes = vn_time::format(*.1)
    )]
    ClosingTimePassed(i64, DateTime<Utc>),
    #[error("survey {0} is not open")]
    NotOpen(i64),
}

impl Refusal {
    /// What a person is told, in their language.
    pub fn msg(&self) -> Msg {
        match self {
            Refusal::Missing(_) => Msg::new("survey-refused-missing"),
            Refusal::Opened(_) => Msg::new("survey-refused-opened"),
            Refusal::NotDraft(_, status) => {
                Msg::new("survey-refused-not-draft").text("state", status.code())
            }
            Refusal::ClosingTimePassed(_, closes) => Msg::new("survey-refused-closing-passed")
                .text("closes", vn_time::format_for_people(*closes)),
            Refusal::NotOpen(_) => Msg::new("survey-refused-not-open"),
        }
    }
}

/// A draft survey of `file` to the units listed (a new version of `replaces`); its id.
pub async fn create(
    tx: &mut Tx,
    file: &SurveyFile,
    unit_ids: &[i64],
    replaces: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    // Provisional until it opens, when a file without fixed times gets them.
    tx.insert_survey(file, unit_ids, replaces, file.times(now)?)
        .await
}

/// Replaces a draft's definition; an opened survey cannot change.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    file: &SurveyFile,
    unit_ids: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(), Refusal>> {
    match tx.lock_survey(id).await? {
        None => return Ok(Err(Refusal::Missing(id))),
        Some(SurveyStatus::Draft) => {}
        Some(_) => return Ok(Err(Refusal::Opened(id))),
    }
    tx.set_survey_definition(id, file, unit_ids, file.times(now)?)
        .await?;
    Ok(Ok(()))
}

/// Opens a draft at `now`: one invitation per targeted person, delivered to the reachable chat
/// they used last that may be messaged, in its language. Returns how many people were invited. A
/// new version closes the one it replaces. A file without fixed times opens now and closes
/// `open_days` later.
pub async fn open(
    tx: &mut Tx,
    id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<u64, Refusal>> {
    let Some(mut survey) = tx.survey(id).await? else {
        return Ok(Err(Refusal::Missing(id)));
    };
    if survey.status != SurveyStatus::Draft {
        return Ok(Err(Refusal::NotDraft(id, survey.status)));
    }
    (survey.opens_at, survey.closes_at) = survey.file.times(now)?;
    if survey.closes_at <= now {
        return Ok(Err(Refusal::ClosingTimePassed(id, survey.closes_at)));
    }
    let times = (survey.opens_at, survey.closes_at);
    if let Some(replaced) = tx.mark_survey_open(id, times).await? {
        tx.close_survey(replaced).await?;
    }
    let invited = tx.invite_targeted(id).await?;
    let messages = per_language(|lang| survey_chat::invitation(&survey, lang));
    tx.deliver_to_invited(id, &messages, None, survey.opens_at)
        .await?;
    Ok(Ok(invited))
}

/// Closes an open survey; answers in progress no longer count.
pub async fn close(tx: &mut Tx, id: i64) -> anyhow::Result<Result<(), Refusal>> {
    Ok(match tx.close_survey(id).await? {
        true => Ok(()),
        false => Err(Refusal::NotOpen(id)),
    })
}

/// One reminder, while the survey is open, to those `whom` names who were not reminded yet;
/// returns how many people.
pub async fn remind(
    tx: &mut Tx,
    id: i64,
    whom: Whom,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<u64, Refusal>> {
    let Some(survey) = tx.survey(id).await?.filter(|s| s.is_open(now)) else {
        return Ok(Err(Refusal::NotOpen(id)));
    };
    let messages = per_language(|lang| survey_chat::reminder(&survey, whom, lang));
    tx.deliver_to_invited(id, &messages, Some(whom), now)
        .await?;
    Ok(Ok(tx.mark_reminded(id, whom).await?))
}

/// The message in each language, Vietnamese first (the fallback).
fn per_language(message: impl Fn(Lang) -> Reply) -> Vec<(Lang, Reply)> {
    Lang::ALL
        .iter()
        .map(|&lang| (lang, message(lang)))
        .collect()
}

/// The pseudonyms the person answers `survey` under: their own, then those of the people merged
/// into them, whose anonymous responses stay as they were.
pub async fn pseudonyms(
    tx: &mut Tx,
    key: &[u8],
    survey: SurveyId,
    person: PersonId,
) -> anyhow::Result<Vec<Vec<u8>>> {
    Ok(tx
        .person_and_formers(person.0)
        .await?
        .into_iter()
        .map(|id| survey_chat::pseudonym(key, survey, PersonId(id)))
        .collect())
}

/// The person's complete response to the survey, if they gave one.
pub async fn response(
    tx: &mut Tx,
    key: &[u8],
    survey: &Survey,
    person: i64,
) -> anyhow::Result<Option<Vec<(String, Answer)>>> {
    let pseudonyms = pseudonyms(tx, key, SurveyId(survey.id), PersonId(person)).await?;
    tx.response(survey, &pseudonyms).await
}

/// A survey's results within `scope` and below, from the tallies kept with each response.
pub async fn results(
    tx: &mut Tx,
    survey: &Survey,
    scope: i64,
    units: &UnitDirectory,
) -> anyhow::Result<Results> {
    let subtree = units.subtree(scope);
    let tallies = tx.survey_tallies(survey.id, &subtree).await?;
    let text_questions: Vec<&str> = survey
        .file
        .questions
        .iter()
        .filter(|q| q.kind == Kind::Text)
        .map(|q| q.id.as_str())
        .collect();
    let texts = tx
        .survey_texts(
            survey.id,
            &text_questions,
            &subtree,
            survey_results::TEXTS_LISTED,
            0,
        )
        .await?;
    Ok(survey_results::compute(
        &survey.file,
        scope,
        &tallies,
        &texts,
        units,
    ))
}

/// One row per response, by unit, with the answers as Vietnamese labels, a multiple choice joined
/// by "; ".
pub fn export_csv(survey: &Survey, rows: &[ExportRow]) -> anyhow::Result<String> {
    let file = &survey.file;
    let localizer = Localizer::new();
    let mut header = vec![
        "response",
        "unit_code",
        "unit",
        "language",
        "channel",
        "submitted_at",
        "person",
    ];
    header.extend(file.questions.iter().map(|q| q.id.as_str()));
    let cell = |question: &str, values: Vec<&str>| -> String {
        let Some(q) = file.question(question) else {
            return values.join("; ");
        };
        values
            .iter()
            .map(|v| match q.kind {
                Kind::YesNo | Kind::Single | Kind::Multiple => {
                    localizer.render(&survey_chat::answer_label(file, q, v, Lang::Vi), Lang::Vi)
                }
                _ => (*v).to_owned(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    // By unit in Vietnamese order (its name is the third field), each unit's responses oldest first.
    let mut rows: Vec<&ExportRow> = rows.iter().collect();
    collation::sort_by_name(&mut rows, |row| &row.fields[2]);
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut out = row.fields.clone();
            out.extend(file.questions.iter().map(|q| {
                let values = row
                    .answers
                    .iter()
                    .filter(|(question, _)| *question == q.id)
                    .map(|(_, v)| v.as_str())
                    .collect();
                cell(&q.id, values)
            }));
            out
        })
        .collect();
    csv_with_bom(&header, &table)
}
