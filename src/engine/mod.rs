//! The engine: takes one [`Inbound`] event from any channel, runs the dialogue step and its effects
//! in one transaction, and returns what to send back. Exactly once per (channel, event id).
//! The step's effects are carried out by area, over one [`Scene`]: the person themselves
//! (`person`), notices (`notices`), activities and models (`logs`), surveys (`surveys`) and staff
//! work (`staff`). No SQL here: the handlers call [`Tx`] and [`crate::app`].

mod consultations;
mod households;
mod logs;
mod notices;
mod person;
mod staff;
mod surveys;
mod tickets;

use std::sync::{Arc, RwLock};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use secrecy::{ExposeSecret, SecretSlice, SecretString};

use crate::app;
use crate::clock::Clock;

use crate::domain::access::Actor;
use crate::domain::activity::{self, Sector};
use crate::domain::consultation_chat::ConsultContext;
use crate::domain::dialogue::{self, Chat, Effect, Person, State};
use crate::domain::payload::Payload;
use crate::domain::survey_chat::{self, SurveyContext};
use crate::domain::ticket::Category;
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::vn_time::local_date;
use crate::i18n::Localizer;
use crate::message::{Inbound, InboundKind, Lang, Outbound, Reply};
use crate::store::{ChatRow, Race, Store, Tx};

/// The registered models of the unit the person logs in.
async fn models_of(
    tx: &mut Tx,
    me: &Person,
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
/// How long a chat's last-seen time may lag behind a message that changed nothing else.
const SEEN_KEPT_FOR: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// What every effect handler reads of the turn, and the replies they add to.
struct Scene<'a> {
    /// The channel the event came through (survey answers keep it).
    channel: &'a str,
    person: Option<&'a Person>,
    actor: Actor,
    /// The unit tree as of the event.
    units: &'a UnitDirectory,
    now: DateTime<Utc>,
    /// Today in Vietnam.
    today: NaiveDate,
    /// The chat's language after the step; an effect may change it (a chat that joins a person
    /// speaks their language).
    lang: Lang,
    /// Where an effect's outcome leaves the chat, over the step's (a link code found good: the
    /// chat now belongs to someone, with nothing under way).
    settled: Option<State>,
    /// The survey the step saw, if any.
    survey: Option<&'a SurveyContext>,
    /// The consultation the step saw, if any.
    consultation: Option<&'a ConsultContext>,
    replies: Vec<Reply>,
}

impl Scene<'_> {
    fn person_id(&self) -> anyhow::Result<i64> {
        self.me().map(|p| p.id)
    }

    fn me(&self) -> anyhow::Result<&Person> {
        self.person.context("effect needs a registered person")
    }
}

pub struct Engine {
    store: Store,
    /// Sectors of models and activities: data, changed only by migrations.
    sectors: Vec<Sector>,
    /// What residents' reports may be about: data, changed only by migrations.
    categories: Vec<Category>,
    units: RwLock<(i64, Arc<UnitDirectory>)>,
    localizer: Localizer,
    /// Key of the survey response pseudonyms.
    survey_key: SecretSlice<u8>,
    /// The time every decision reads (schedules, expiry, what is open, today's date).
    clock: Clock,
    /// The unit whose places come first when a typed place name is ambiguous.
    home_unit: Option<String>,
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
        let categories = tx.ticket_categories().await?;
        tx.commit().await?;
        let survey_key = store.kept_secret("survey_key").await?;
        Ok(Engine {
            store,
            sectors,
            categories,
            units: RwLock::new((revision, Arc::new(units))),
            localizer: Localizer::new(),
            survey_key: survey_key.into(),
            clock,
            home_unit: None,
        })
    }

    /// Keeps survey responses under pseudonyms made with `key` when one is configured, rather
    /// than the one made once and kept in the database.
    pub fn with_survey_key(mut self, key: Option<SecretString>) -> Engine {
        if let Some(key) = key.filter(|k| !k.expose_secret().is_empty()) {
            self.survey_key = key.expose_secret().as_bytes().to_vec().into();
        }
        self
    }

    /// The key of the survey response pseudonyms.
    pub fn survey_key(&self) -> &[u8] {
        self.survey_key.expose_secret()
    }

    /// Ranks places inside the unit with this code first when a typed place name is ambiguous;
    /// a code no unit has is an error.
    pub fn with_home_unit(mut self, code: Option<String>) -> anyhow::Result<Engine> {
        if let Some(code) = &code {
            let (_, units) = self.units.get_mut().expect("unit lock poisoned");
            Arc::get_mut(units)
                .expect("no one holds the units before the engine runs")
                .set_home(code)?;
        }
        self.home_unit = code;
        Ok(self)
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
        let claimed = tx
            .claim_event(&inbound.channel, &inbound.event_id, &inbound.address)
            .await?;
        let Some((revision, chat)) = claimed else {
            return Ok(None);
        };
        self.converse(tx, inbound, revision, chat).await.map(Some)
    }

    /// Runs one event that the caller already makes sure is handled only once (an inbox row it
    /// holds locked), seeing the units as of `revision`, in the chat it is in as the caller locked
    /// it (`None`: a new chat): with the event's claim, or with [`Tx::lock_chat`].
    pub async fn converse(
        &self,
        tx: &mut Tx,
        inbound: &Inbound,
        revision: i64,
        chat: Option<ChatRow>,
    ) -> anyhow::Result<Outbound> {
        let (channel, address) = (inbound.channel.as_str(), inbound.address.as_str());
        let units = self.units_at(revision).await?;
        let row = match chat {
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
        let consultation = self
            .consultation_context(tx, &row.state, &inbound.kind, row.person.as_ref(), &units)
            .await?;
        let chat = Chat {
            state: row.state,
            lang: row.lang,
            person: row.person.as_ref(),
            today,
            models: &models,
            survey: survey.as_ref(),
            categories: &self.categories,
            consultation: consultation.as_ref(),
        };
        let mut outcome = dialogue::step(&chat, &inbound.kind, &units, &self.sectors);
        let mut scene = Scene {
            channel,
            person: row.person.as_ref(),
            actor: Actor {
                registered: row.person.is_some(),
                grants: row
                    .person
                    .as_ref()
                    .map(|p| p.grants.clone())
                    .unwrap_or_default(),
            },
            units: &units,
            now,
            today,
            lang: outcome.lang,
            settled: None,
            survey: survey.as_ref(),
            consultation: consultation.as_ref(),
            replies: std::mem::take(&mut outcome.replies),
        };
        let mut chat_gone = false;
        for effect in &outcome.effects {
            chat_gone |= self.carry_out(tx, &mut scene, address, effect).await?;
        }
        if !chat_gone && row.may_have_missed {
            self.missed_notices(tx, &mut scene, address).await?;
        }
        let state = scene.settled.take().unwrap_or(outcome.state);
        let outbound = Outbound {
            lang: scene.lang,
            replies: scene.replies,
        };
        let numbered = inbound.traits.numbered.then(|| outbound.button_payloads());
        // A message that leaves the chat as it was (a question answered from the idle menu) is
        // not written while the chat was seen under a minute ago: the last-seen time only orders
        // a person's chats, which a minute does not change, and a round trip less is a quarter of
        // such a message's cost. A chat unreachable since (no `seen_at`) is written, to be
        // reachable again; so is a channel's numbering of choices, which `number_pushed` reads
        // against the last-seen time.
        let unchanged = state == chat.state
            && outbound.lang == chat.lang
            && numbered.is_none()
            && row
                .seen_at
                .is_some_and(|seen| seen <= now && now - seen < SEEN_KEPT_FOR);
        if !chat_gone && !unchanged {
            tx.save_chat(
                channel,
                address,
                outbound.lang,
                &state,
                numbered.as_deref(),
                now,
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

    /// The survey a survey button or the chat's state is about, with the person's progress and
    /// earlier response; None when there is none or it does not target them.
    async fn survey_context(
        &self,
        tx: &mut Tx,
        state: &State,
        input: &InboundKind,
        person: Option<&Person>,
        units: &UnitDirectory,
    ) -> anyhow::Result<Option<SurveyContext>> {
        let at = match state {
            State::AnswerSurvey { survey } => Some(*survey),
            _ => None,
        };
        let pressed = |p: Payload| match p {
            Payload::Survey(id, _) => Some(id),
            _ => None,
        };
        let Some(id) = about(input, pressed, at) else {
            return Ok(None);
        };
        let (Some(me), Some(survey)) = (person, tx.survey(id).await?) else {
            return Ok(None);
        };
        if !survey.targets(me.unit_id, &me.grants, units) {
            return Ok(None);
        }
        Ok(Some(SurveyContext {
            open: survey.is_open(self.now()),
            draft: tx
                .survey_progress(crate::store::surveys::Taker {
                    survey: id,
                    person: me.id,
                })
                .await?,
            response: app::surveys::response(tx, self.survey_key(), &survey, me.id).await?,
            survey,
        }))
    }

    /// Carries out one effect of the step, each area in its own file; true when the chat is
    /// gone (consent declined, data erased).
    async fn carry_out(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        address: &str,
        effect: &Effect,
    ) -> anyhow::Result<bool> {
        match effect {
            Effect::Register => {
                tx.register(at.channel, address, at.lang).await?;
            }
            Effect::Decline => {
                tx.decline(at.channel, address).await?;
                return Ok(true);
            }
            Effect::Erase => {
                app::people::erase(tx, at.person_id()?).await?;
                return Ok(true);
            }
            Effect::SetUnit(unit_id) => tx.set_unit(at.person_id()?, *unit_id).await?,
            Effect::SetSubscribed(on) => tx.set_subscribed(at.person_id()?, *on).await?,
            Effect::ShowMyData => self.show_my_data(tx, at).await?,
            Effect::Acknowledge(notice) => self.acknowledge(tx, at, *notice).await?,
            Effect::ShowNotice(notice) => self.show_notice(tx, at, *notice).await?,
            Effect::ListNotices => self.list_notices(tx, at).await?,
            Effect::PreviewNotice(draft) => self.preview_notice(tx, at, draft).await?,
            Effect::CreateNotice(draft) => self.create_notice(tx, at, draft).await?,
            Effect::Log(log) => self.save_log(tx, at, log).await?,
            Effect::Report(quarter) => self.report(tx, at, quarter).await?,
            Effect::MyLogs => self.my_logs(tx, at).await?,
            Effect::Models => self.models(tx, at).await?,
            Effect::SetModelStatus { id, status } => {
                self.set_model_status(tx, at, *id, *status).await?
            }
            Effect::EditLog { activity, entry } => self.edit_log(tx, at, *activity, entry).await?,
            Effect::DeleteLog(id) => self.delete_log(tx, at, *id).await?,
            Effect::Survey(effect) => self.survey_effect(tx, at, effect).await?,
            Effect::ListSurveys => self.list_surveys(tx, at).await?,
            Effect::ListConsultations => self.list_consultations(tx, at).await?,
            Effect::SurveyResults(id) => self.survey_results(tx, at, *id).await?,
            Effect::ShowStatus(id) => self.show_status(at, *id).await?,
            Effect::RedeemInvite(code) => self.redeem_invite(tx, at, code).await?,
            Effect::NewLinkCode => self.new_link_code(tx, at, address).await?,
            Effect::Link(code) => self.link(tx, at, address, code).await?,
            Effect::CreateInvite { role, unit_id } => {
                self.create_invite(tx, at, *role, *unit_id).await?
            }
            Effect::Tickets(effect) => self.ticket_effect(tx, at, effect).await?,
            Effect::Consult(effect) => self.consultation_effect(tx, at, effect).await?,
            Effect::Household(effect) => self.household_effect(tx, at, effect).await?,
        }
        Ok(false)
    }

    /// The unit tree as stored now: after an import the dashboard made, before any event.
    pub async fn fresh_units(&self) -> anyhow::Result<Arc<UnitDirectory>> {
        let mut tx = self.store.begin().await?;
        let revision = tx.unit_revision().await?;
        tx.commit().await?;
        self.units_at(revision).await
    }

    /// The unit directory at `revision`, reloaded when an import has changed the units.
    async fn units_at(&self, revision: i64) -> anyhow::Result<Arc<UnitDirectory>> {
        {
            let current = self.units.read().expect("unit lock poisoned");
            if current.0 >= revision {
                return Ok(current.1.clone());
            }
        }
        let (revision, mut directory) = self.store.unit_directory().await?;
        if let Some(code) = &self.home_unit
            && let Err(error) = directory.set_home(code)
        {
            tracing::warn!("home unit no longer ranks first: {error}");
        }
        let directory = Arc::new(directory);
        let mut current = self.units.write().expect("unit lock poisoned");
        if current.0 < revision {
            *current = (revision, directory);
        }
        Ok(current.1.clone())
    }
}

/// What a step is about: the id a pressed button names (as `pressed` reads it), else the one the
/// chat's state is at.
fn about(
    input: &InboundKind,
    pressed: impl Fn(Payload) -> Option<i64>,
    at: Option<i64>,
) -> Option<i64> {
    match input {
        InboundKind::Button(p) => Payload::parse(p).and_then(pressed),
        _ => None,
    }
    .or(at)
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
