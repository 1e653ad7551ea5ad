//! The engine: takes one [`Inbound`] event from any channel, runs the dialogue step and its effects
//! in one transaction, and returns what to send back. Exactly once per (channel, event id).

use std::sync::{Arc, RwLock};

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::clock::Clock;

use crate::app;
use crate::domain::access::{Action, Actor, Denied, Grant, Role, authorize};
use crate::domain::activity::{NewLog, Sector};
use crate::domain::dialogue::{self, Chat, Effect, State};
use crate::domain::payload::Payload;
use crate::domain::report::{self, Quarter};
use crate::domain::survey_chat::{self, Survey, SurveyContext, SurveyEffect};
use crate::domain::survey_results;
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::unit_label::unit_label_by_id;
use crate::domain::vn_time::local_date;
use crate::domain::{activity, compose};
use crate::i18n::Localizer;
use crate::message::{Inbound, InboundKind, Lang, Msg, Outbound, Reply};
use crate::store::notices::NewNotice;
use crate::store::surveys::Submission;
use crate::store::{ChatRow, Race, Store, Tx};

/// Who gave a survey answer, and through which chat.
struct SurveyAnswer<'a> {
    person: i64,
    channel: &'a str,
    lang: Lang,
}

/// The registered models of the unit the person logs in.
async fn models_of(
    tx: &mut Tx,
    me: &dialogue::Person,
    units: &UnitDirectory,
) -> anyhow::Result<Vec<activity::ModelChoice>> {
    match activity::log_unit(me.unit_id, &me.grants, units) {
        Some(unit) => tx.unit_models(unit, MODELS_SHOWN).await,
        None => Ok(Vec::new()),
    }
}

/// How long an invitation made in chat stays valid.
const CHAT_INVITE_DAYS: i64 = 7;
/// Most of a unit's models listed in `/models` and offered in the guided log.
const MODELS_SHOWN: i64 = 30;
/// Attempts at a transaction that lost a race with another process.
const ATTEMPTS: usize = 5;

pub struct Engine {
    store: Store,
    /// Sectors of models and activities: data, changed only by migrations.
    sectors: Vec<Sector>,
    units: RwLock<(i64, Arc<UnitDirectory>)>,
    localizer: Localizer,
    /// Key of the survey response pseudonyms.
    survey_key: Vec<u8>,
    /// The time every decision reads (schedules, expiry, what is open, today's date).
    clock: Clock,
}

impl Engine {
    pub async fn new(store: Store) -> anyhow::Result<Engine> {
        Engine::with_clock(store, crate::clock::system()).await
    }

    /// An engine that reads the time from `clock` (tests and benchmarks set it).
    pub async fn with_clock(store: Store, clock: Clock) -> anyhow::Result<Engine> {
        let (revision, units) = store.unit_directory().await?;
        let mut tx = store.begin().await?;
        let sectors = tx.sectors().await?;
        tx.commit().await?;
        let survey_key = store.survey_key().await?;
        Ok(Engine {
            store,
            sectors,
            units: RwLock::new((revision, Arc::new(units))),
            localizer: Localizer::new(),
            survey_key,
            clock,
        })
    }

    /// Now, by the engine's clock.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn localizer(&self) -> &Localizer {
        &self.localizer
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The unit tree as of the last event handled.
    pub fn units(&self) -> Arc<UnitDirectory> {
        self.units.read().expect("unit lock poisoned").1.clone()
    }

    /// Handles one event in its own transaction. `None` when this event was already handled: a
    /// replay changes nothing.
    pub async fn handle(&self, inbound: &Inbound) -> anyhow::Result<Option<Outbound>> {
        retrying(|| async {
            let mut tx = self.store.begin().await?;
            let outbound = self.handle_in(&mut tx, inbound).await?;
            tx.commit().await?;
            Ok(outbound)
        })
        .await
        .with_context(|| format!("handling {} event {}", inbound.channel, inbound.event_id))
    }

    /// Handles one event inside the caller's transaction, so the caller can commit its own writes
    /// (an inbox row done, replies queued) atomically with the conversation.
    pub async fn handle_in(
        &self,
        tx: &mut Tx,
        inbound: &Inbound,
    ) -> anyhow::Result<Option<Outbound>> {
        let Some(revision) = tx.claim_event(&inbound.channel, &inbound.event_id).await? else {
            return Ok(None);
        };
        self.converse(tx, inbound, revision).await.map(Some)
    }

    /// Runs one event that the caller already makes sure is handled only once (an inbox row it
    /// holds locked), seeing the units as of `revision`.
    pub async fn converse(
        &self,
        tx: &mut Tx,
        inbound: &Inbound,
        revision: i64,
    ) -> anyhow::Result<Outbound> {
        let (channel, address) = (inbound.channel.as_str(), inbound.address.as_str());
        let units = self.units_at(revision).await?;
        let row = match tx.lock_chat(channel, address).await? {
            Some(row) => row,
            None => {
                tx.open_chat(channel, address, inbound.traits.can_push)
                    .await?
            }
        };
        let now = self.now();
        let today = local_date(now);
        let kind = self
            .numbered_choice(tx, &row, inbound, &units)
            .await?
            .unwrap_or_else(|| inbound.kind.clone());
        let inbound = &Inbound {
            kind,
            ..inbound.clone()
        };
        // Only the guided log's model step needs the unit's models.
        let models = match (&row.state, row.person.as_ref()) {
            (State::LogActivity { .. }, Some(me)) => models_of(tx, me, &units).await?,
            _ => Vec::new(),
        };
        let survey = self
            .survey_context(tx, &row.state, &inbound.kind, row.person.as_ref(), &units)
            .await?;
        let chat = Chat {
            state: row.state,
            lang: row.lang,
            person: row.person.as_ref(),
            today,
            models: &models,
            survey: survey.as_ref(),
        };
        let mut outcome = dialogue::step(&chat, &inbound.kind, &units, &self.sectors);
        let person = || {
            row.person
                .as_ref()
                .map(|p| p.id)
                .context("effect needs a registered person")
        };
        let actor = || Actor {
            registered: row.person.is_some(),
            grants: row
                .person
                .as_ref()
                .map(|p| p.grants.clone())
                .unwrap_or_default(),
        };
        let mut chat_gone = false;
        for effect in &outcome.effects {
            match effect {
                Effect::Register => {
                    tx.register(channel, address, outcome.lang).await?;
                }
                Effect::Decline => {
                    tx.decline(channel, address).await?;
                    chat_gone = true;
                }
                Effect::SetUnit(unit_id) => tx.set_unit(person()?, *unit_id).await?,
                Effect::SetSubscribed(on) => tx.set_subscribed(person()?, *on).await?,
                Effect::Erase => {
                    tx.erase(person()?).await?;
                    chat_gone = true;
                }
                Effect::RedeemInvite(code) => {
                    let result = tx.redeem_invite(person()?, code, now).await?;
                    outcome
                        .replies
                        .push(dialogue::staff::joined(&units, result));
                }
                Effect::ShowMyData => {
                    let data = tx.person_data(person()?).await?;
                    outcome
                        .replies
                        .push(dialogue::signup::my_data(&units, &data));
                }
                Effect::Acknowledge(notice) => {
                    let found = tx.acknowledge(person()?, *notice).await?;
                    outcome
                        .replies
                        .push(dialogue::done_or_expired(found, "notice-read-thanks"));
                }
                Effect::ShowNotice(notice) => {
                    let reply = match tx.notice_for(person()?, *notice).await? {
                        Some(notice) => notice.reply(outcome.lang),
                        None => dialogue::done_or_expired(false, "notice"),
                    };
                    outcome.replies.push(reply);
                }
                Effect::ListNotices => {
                    let notices = tx
                        .recent_notices(person()?, dialogue::notices::RECENT_NOTICES)
                        .await?;
                    outcome
                        .replies
                        .push(dialogue::notices::notice_list(&notices, outcome.lang));
                }
                Effect::AskAboutNotice { notice, text } => {
                    let question = tx.ask_about_notice(person()?, *notice, text).await?;
                    if let Some(q) = &question
                        && let Some(unit) = q.unit_id
                    {
                        let reply = dialogue::staff::question_for_staff(&units, q, Lang::Vi);
                        tx.message_staff(unit, &reply).await?;
                    }
                    outcome.replies.push(dialogue::done_or_expired(
                        question.is_some(),
                        "notice-question-received",
                    ));
                }
                Effect::PreviewNotice(draft) => {
                    let unit = draft.unit.as_deref().and_then(|c| units.by_code(c));
                    let recipients = tx
                        .count_recipients(&unit.map(|u| u.id).into_iter().collect::<Vec<_>>())
                        .await?;
                    outcome.replies.extend(dialogue::composing::preview(
                        &units,
                        draft,
                        recipients,
                        outcome.lang,
                    ));
                }
                Effect::CreateNotice(draft) => {
                    let unit = draft.unit.as_deref().and_then(|c| units.by_code(c));
                    let allowed = unit.is_some_and(|u| {
                        authorize(&actor(), Action::Notify { unit_id: u.id }, &units).is_ok()
                    });
                    let reply = match unit {
                        Some(unit) if allowed => {
                            let id = tx
                                .create_notice(&NewNotice {
                                    texts: compose::preview(draft).texts,
                                    directive: draft.directive.clone(),
                                    issuer: String::new(),
                                    link: String::new(),
                                    unit_ids: vec![unit.id],
                                    roles: vec![],
                                    languages: vec![],
                                    send_at: draft.send_at,
                                    quiet_hours: true,
                                    urgent: false,
                                    created_by: Some(person()?),
                                    attachment: None,
                                })
                                .await?;
                            let at = tx.schedule_notice(id, now).await?;
                            dialogue::composing::notice_created(id, at.unwrap_or(now))
                        }
                        _ => dialogue::not_allowed(),
                    };
                    outcome.replies.push(reply);
                }
                Effect::ShowStatus(id) => {
                    let actor = actor();
                    let viewer = app::notices::Viewer::Person(&actor);
                    let status = app::notices::status(&self.store, *id, viewer, &units).await?;
                    outcome.replies.push(match status {
                        Some(status) => dialogue::staff::status(&units, *id, &status),
                        None => dialogue::not_allowed(),
                    });
                }
                Effect::Log(log) => {
                    let reply = self
                        .save_log(tx, &units, row.person.as_ref(), log, outcome.lang)
                        .await?;
                    outcome.replies.push(reply);
                }
                Effect::Report(quarter) => {
                    let quarter = match quarter.trim() {
                        "" => Some(Quarter::of(today)),
                        typed => Quarter::parse(typed),
                    };
                    let grants = row
                        .person
                        .as_ref()
                        .map(|p| p.grants.clone())
                        .unwrap_or_default();
                    let unit = report::report_unit(&grants, &units).and_then(|id| units.by_id(id));
                    match (quarter, unit) {
                        (None, _) => outcome.replies.push(Reply::new(Msg::new("report-usage"))),
                        (_, None) => outcome.replies.push(dialogue::not_allowed()),
                        (Some(quarter), Some(unit)) => {
                            let report =
                                app::reports::quarterly(tx, unit, quarter, outcome.lang).await?;
                            outcome.replies.extend(report);
                        }
                    }
                }
                Effect::Survey(effect) => {
                    let asked = survey.as_ref().map(|c| &c.survey);
                    let asked = asked.context("a survey effect without its survey")?;
                    let answer = SurveyAnswer {
                        person: person()?,
                        channel: &inbound.channel,
                        lang: outcome.lang,
                    };
                    if let Some(reply) = self.survey_effect(tx, effect, asked, &answer).await? {
                        outcome.replies.push(reply);
                    }
                }
                Effect::ListSurveys => {
                    let me = row.person.as_ref().context("surveys need a person")?;
                    let mut open = Vec::new();
                    for survey in tx.open_surveys(now).await? {
                        if survey.targets(me.unit_id, &me.grants, &units) {
                            let answered = tx.response(&survey, me.id, &self.survey_key).await?;
                            open.push((survey, answered.is_some()));
                        }
                    }
                    outcome
                        .replies
                        .push(dialogue::surveys::survey_list(&open, outcome.lang));
                }
                Effect::SurveyResults(id) => {
                    let me = row.person.as_ref().context("results need a person")?;
                    let replies = self
                        .survey_results(tx, *id, me, &units, outcome.lang)
                        .await?;
                    outcome.replies.extend(replies);
                }
                Effect::Models => {
                    let me = row.person.as_ref().context("models need a person")?;
                    let models = models_of(tx, me, &units).await?;
                    outcome.replies.push(dialogue::logging::model_list(&models));
                }
                Effect::SetModelStatus { id, status } => {
                    let me = row.person.as_ref().context("models need a person")?;
                    let actor = Actor {
                        registered: true,
                        grants: me.grants.clone(),
                    };
                    let allowed = match tx.model_unit(*id).await? {
                        Some(unit_id) => authorize(&actor, Action::Log { unit_id }, &units).is_ok(),
                        None => false,
                    };
                    let found = allowed && tx.set_model_status(me.id, *id, *status, today).await?;
                    outcome
                        .replies
                        .push(dialogue::done_or_expired(found, "model-status-changed"));
                }
                Effect::MyLogs => {
                    let logs = tx
                        .my_activities(person()?, dialogue::logging::RECENT_LOGS)
                        .await?;
                    outcome.replies.push(dialogue::logging::my_logs(&logs));
                }
                Effect::EditLog { activity, entry } => {
                    let found = tx.edit_activity(person()?, *activity, entry).await?;
                    outcome
                        .replies
                        .push(dialogue::done_or_expired(found, "log-edited"));
                }
                Effect::DeleteLog(id) => {
                    let found = tx.delete_activity(person()?, *id).await?;
                    outcome
                        .replies
                        .push(dialogue::done_or_expired(found, "log-deleted"));
                }
                Effect::AnswerQuestion { question, text } => {
                    let result = match tx.question(*question).await? {
                        None => Err(Denied::OutOfScope),
                        Some(q) => {
                            let actor = Actor {
                                registered: true,
                                grants: row
                                    .person
                                    .as_ref()
                                    .map(|p| p.grants.clone())
                                    .unwrap_or_default(),
                            };
                            let unit_id = q.unit_id.unwrap_or_default();
                            match authorize(&actor, Action::Answer { unit_id }, &units) {
                                Err(denied) => Err(denied),
                                Ok(()) if q.answered => Ok(false),
                                Ok(()) => {
                                    let first = tx.answer_question(q.id, person()?, text).await?;
                                    if first && let Some(asker) = q.person_id {
                                        let reply = dialogue::notices::answer_for_resident(
                                            &q,
                                            text,
                                            Lang::Vi,
                                        );
                                        tx.message_person(asker, &reply).await?;
                                    }
                                    Ok(first)
                                }
                            }
                        }
                    };
                    outcome.replies.push(dialogue::staff::answered(result));
                }
                Effect::CreateInvite { role, unit_id } => {
                    let grant = Grant {
                        role: *role,
                        unit_id: *unit_id,
                    };
                    let expires = now + chrono::Duration::days(CHAT_INVITE_DAYS);
                    let issuer = app::invites::Issuer::Person(person()?);
                    let code = app::invites::create(tx, &grant, 1, expires, issuer).await?;
                    outcome.replies.push(dialogue::staff::invite_created(
                        &units,
                        &code,
                        &grant,
                        local_date(expires),
                    ));
                }
            }
        }
        let outbound = Outbound {
            lang: outcome.lang,
            replies: outcome.replies,
        };
        if !chat_gone {
            let numbered = inbound.traits.numbered.then(|| outbound.button_payloads());
            tx.save_chat(
                channel,
                address,
                outcome.lang,
                &outcome.state,
                numbered.as_deref(),
            )
            .await?;
        }
        Ok(outbound)
    }

    /// On a channel without buttons, the button a typed number presses: that choice of the chat's
    /// latest message — unless the question asked expects a number (a rating, an age), which the
    /// number then answers.
    async fn numbered_choice(
        &self,
        tx: &mut Tx,
        chat: &ChatRow,
        inbound: &Inbound,
        units: &UnitDirectory,
    ) -> anyhow::Result<Option<InboundKind>> {
        let InboundKind::Text(text) = &inbound.kind else {
            return Ok(None);
        };
        let Some(payload) = text
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| chat.numbered.get(i))
            .filter(|_| inbound.traits.numbered)
        else {
            return Ok(None);
        };
        if matches!(chat.state, State::AnswerSurvey { .. }) {
            let asked = self
                .survey_context(tx, &chat.state, &inbound.kind, chat.person.as_ref(), units)
                .await?;
            if asked.as_ref().is_some_and(survey_chat::expects_number) {
                return Ok(None);
            }
        }
        Ok(Some(InboundKind::Button(payload.clone())))
    }

    /// Stores an activity or model in the person's unit if their roles allow, and reads it back.
    async fn save_log(
        &self,
        tx: &mut Tx,
        units: &UnitDirectory,
        person: Option<&dialogue::Person>,
        log: &NewLog,
        lang: Lang,
    ) -> anyhow::Result<Reply> {
        let me = person.context("logging needs a person")?;
        let actor = Actor {
            registered: true,
            grants: me.grants.clone(),
        };
        let unit = activity::log_unit(me.unit_id, &me.grants, units)
            .filter(|&unit_id| authorize(&actor, Action::Log { unit_id }, units).is_ok());
        let Some(unit) = unit else {
            return Ok(dialogue::not_allowed());
        };
        if let Some(model) = log.model_id
            && tx.model_unit(model).await? != Some(unit)
        {
            return Ok(Reply::new(Msg::new("logflow-model-gone")));
        }
        if log.model {
            tx.register_model(me.id, unit, &log.entry).await?;
        } else {
            tx.log_activity(me.id, unit, log).await?;
        }
        let sector = self
            .sectors
            .iter()
            .find(|s| s.code == log.entry.sector)
            .map(|s| match lang {
                Lang::Vi => s.name.clone(),
                Lang::En => s.name_en.clone(),
            })
            .unwrap_or_default();
        let unit = unit_label_by_id(units, unit);
        Ok(dialogue::logging::logged(
            &log.entry, log.model, &sector, unit,
        ))
    }

    /// The survey a survey button or the chat's state is about, with the person's progress and
    /// earlier response; None when there is none or it does not target them.
    async fn survey_context(
        &self,
        tx: &mut Tx,
        state: &State,
        input: &InboundKind,
        person: Option<&dialogue::Person>,
        units: &UnitDirectory,
    ) -> anyhow::Result<Option<SurveyContext>> {
        let from_button = match input {
            InboundKind::Button(p) => match Payload::parse(p) {
                Some(Payload::Survey(id, _)) => Some(id),
                _ => None,
            },
            _ => None,
        };
        let id = match (from_button, state) {
            (Some(id), _) => id,
            (None, State::AnswerSurvey { survey }) => *survey,
            _ => return Ok(None),
        };
        let (Some(me), Some(survey)) = (person, tx.survey(id).await?) else {
            return Ok(None);
        };
        if !survey.targets(me.unit_id, &me.grants, units) {
            return Ok(None);
        }
        Ok(Some(SurveyContext {
            open: survey.is_open(self.now()),
            draft: tx.survey_progress(id, me.id).await?,
            response: tx.response(&survey, me.id, &self.survey_key).await?,
            survey,
        }))
    }

    /// Carries out a survey effect on `survey` (the one the dialogue saw); the reply to a submit.
    async fn survey_effect(
        &self,
        tx: &mut Tx,
        effect: &SurveyEffect,
        survey: &Survey,
        by: &SurveyAnswer<'_>,
    ) -> anyhow::Result<Option<Reply>> {
        let (person, lang) = (by.person, by.lang);
        match effect {
            SurveyEffect::Save(draft) => tx.save_survey_progress(survey.id, person, draft).await?,
            SurveyEffect::Consent(draft) => {
                tx.record_survey_consent(survey.id, person).await?;
                tx.save_survey_progress(survey.id, person, draft).await?;
            }
            SurveyEffect::Drop => tx.drop_survey_progress(survey.id, person).await?,
            SurveyEffect::Refuse => tx.refuse_survey(survey.id, person).await?,
            SurveyEffect::Submit(draft) => {
                let submission = Submission {
                    survey: survey.id,
                    person,
                    lang,
                    channel: by.channel,
                    draft,
                    key: &self.survey_key,
                };
                let reply = if tx.submit_survey(&submission).await? {
                    survey_chat::thanks(&survey.file, &draft.answers, lang)
                } else if !survey.is_open(self.now()) {
                    survey_chat::closed_midway(&survey.file, lang)
                } else {
                    // Someone closed it meanwhile, or another chat of theirs answered first.
                    match tx.response(survey, person, &self.survey_key).await? {
                        Some(answers) => {
                            survey_chat::already_answered(&survey.file, &answers, lang)
                        }
                        None => survey_chat::closed_midway(&survey.file, lang),
                    }
                };
                return Ok(Some(reply));
            }
        }
        Ok(None)
    }

    /// `/results ID`: within the broadest unit of the admin's roles, if the survey reaches it.
    async fn survey_results(
        &self,
        tx: &mut Tx,
        id: i64,
        me: &dialogue::Person,
        units: &UnitDirectory,
        lang: Lang,
    ) -> anyhow::Result<Vec<Reply>> {
        // Only admin roles widen what an admin sees: a cadre role elsewhere does not.
        let admin_grants: Vec<Grant> = me
            .grants
            .iter()
            .filter(|g| g.role == Role::Admin)
            .cloned()
            .collect();
        let scope = report::report_unit(&admin_grants, units).and_then(|u| units.by_id(u));
        let (Some(survey), Some(scope)) = (tx.survey(id).await?, scope) else {
            return Ok(vec![dialogue::not_allowed()]);
        };
        let reaches = survey
            .unit_ids
            .iter()
            .any(|&t| units.is_within(t, scope.id) || units.is_within(scope.id, t));
        if !reaches {
            return Ok(vec![dialogue::not_allowed()]);
        }
        let results = app::surveys::results(tx, &survey, scope.id, units).await?;
        Ok(survey_results::results_replies(
            &survey,
            report::scope_of(scope),
            &results,
            lang,
        ))
    }

    /// The unit directory at `revision`, reloaded when an import has changed the units.
    async fn units_at(&self, revision: i64) -> anyhow::Result<Arc<UnitDirectory>> {
        {
            let current = self.units.read().expect("unit lock poisoned");
            if current.0 >= revision {
                return Ok(current.1.clone());
            }
        }
        let (revision, directory) = self.store.unit_directory().await?;
        let directory = Arc::new(directory);
        let mut current = self.units.write().expect("unit lock poisoned");
        if current.0 < revision {
            *current = (revision, directory);
        }
        Ok(current.1.clone())
    }
}

/// Runs a transaction again when it lost a race with another process (a serialization failure
/// or a deadlock).
pub async fn retrying<T, F, Fut>(mut attempt: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(e) if tries < ATTEMPTS && Race::of(&e).is_some() => {
                tracing::debug!(error = %e, tries, "retrying a transaction that raced another");
                tries += 1;
            }
            result => return result,
        }
    }
}
