//! Effects about surveys: progress kept or dropped, consent, submission, the list and results.

use anyhow::Context;

use super::{Engine, Scene};
use crate::app;
use crate::domain::access::{Grant, Role};
use crate::domain::dialogue::{self, surveys};
use crate::domain::ids::{PersonId, SurveyId};
use crate::domain::listing::Length;
use crate::domain::report;
use crate::domain::survey_chat::{self, SurveyEffect};
use crate::domain::survey_results;
use crate::store::Tx;
use crate::store::surveys::{Submission, Taker};

impl Engine {
    /// Carries out a survey effect on the survey the dialogue saw; a submit is replied to.
    pub(super) async fn survey_effect(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        effect: &SurveyEffect,
    ) -> anyhow::Result<()> {
        let survey = at.survey.map(|c| &c.survey);
        let survey = survey.context("a survey effect without its survey")?;
        let (person, lang) = (at.person_id()?, at.lang);
        let taker = Taker {
            survey: survey.id,
            person,
        };
        match effect {
            SurveyEffect::Save(draft) => tx.save_survey_progress(taker, draft).await?,
            SurveyEffect::Consent(draft) => {
                tx.record_survey_consent(taker).await?;
                tx.save_survey_progress(taker, draft).await?;
            }
            SurveyEffect::Drop => tx.drop_survey_progress(taker).await?,
            SurveyEffect::Refuse => tx.refuse_survey(taker).await?,
            SurveyEffect::Submit(draft) => {
                let pseudonyms = app::surveys::pseudonyms(
                    tx,
                    self.survey_key(),
                    SurveyId(survey.id),
                    PersonId(person),
                )
                .await?;
                let submission = Submission {
                    survey: survey.id,
                    person,
                    lang,
                    channel: at.channel,
                    draft,
                    pseudonyms: &pseudonyms,
                };
                let reply = if tx.submit_survey(&submission).await? {
                    survey_chat::thanks(&survey.file, &draft.answers, lang)
                } else if !survey.is_open(self.now()) {
                    survey_chat::closed_midway(&survey.file, lang)
                } else {
                    // Someone closed it meanwhile, or another chat of theirs answered first.
                    match tx.response(survey, &pseudonyms).await? {
                        Some(answers) => {
                            survey_chat::already_answered(&survey.file, &answers, lang)
                        }
                        None => survey_chat::closed_midway(&survey.file, lang),
                    }
                };
                at.replies.push(reply);
            }
        }
        Ok(())
    }

    /// `/surveys`: the open surveys the person was invited to.
    pub(super) async fn list_surveys(&self, tx: &mut Tx, at: &mut Scene<'_>) -> anyhow::Result<()> {
        let me = at.me()?;
        let mut open = Vec::new();
        for survey in tx.open_surveys(at.now).await? {
            if survey.targets(me.unit_id, &me.grants, at.units) {
                let answered =
                    app::surveys::response(tx, self.survey_key(), &survey, me.id).await?;
                open.push((survey, answered.is_some()));
            }
        }
        at.replies.push(surveys::survey_list(&open, at.lang));
        Ok(())
    }

    /// `/results ID`: within the broadest unit of the admin's roles, if the survey reaches it.
    pub(super) async fn survey_results(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        id: i64,
    ) -> anyhow::Result<()> {
        let (me, units) = (at.me()?, at.units);
        // Only admin roles widen what an admin sees: a cadre role elsewhere does not.
        let admin_grants: Vec<Grant> = me
            .grants
            .iter()
            .filter(|g| g.role == Role::Admin)
            .cloned()
            .collect();
        let scope = report::report_unit(&admin_grants, units).and_then(|u| units.by_id(u));
        let (Some(survey), Some(scope)) = (tx.survey(id).await?, scope) else {
            at.replies.push(dialogue::not_allowed());
            return Ok(());
        };
        let reaches = survey
            .unit_ids
            .iter()
            .any(|&t| units.is_within(t, scope.id) || units.is_within(scope.id, t));
        if !reaches {
            at.replies.push(dialogue::not_allowed());
            return Ok(());
        }
        let results = app::surveys::results(tx, &survey, scope.id, units).await?;
        at.replies.extend(survey_results::results_replies(
            &survey,
            report::scope_of(scope),
            &results,
            at.lang,
            Length::Chat,
        ));
        Ok(())
    }
}
