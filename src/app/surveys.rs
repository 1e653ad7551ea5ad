//! Survey results, as `/results`, `danvan survey results` and the dashboard read them.

use crate::domain::survey::Kind;
use crate::domain::survey_chat::Survey;
use crate::domain::survey_results::{self, Results};
use crate::domain::unit_directory::UnitDirectory;
use crate::store::Tx;

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
