//! Survey results, as `/results`, `danvan survey results` and the dashboard read them, and the
//! responses as a spreadsheet.

use crate::domain::collation;
use crate::domain::report::csv_with_bom;
use crate::domain::survey::Kind;
use crate::domain::survey_chat;
use crate::domain::survey_chat::Survey;
use crate::domain::survey_results::{self, Results};
use crate::domain::unit_directory::UnitDirectory;
use crate::i18n::Localizer;
use crate::message::Lang;
use crate::store::Tx;
use crate::store::surveys::ExportRow;

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
