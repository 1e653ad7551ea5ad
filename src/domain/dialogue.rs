//! The conversation as a plain function: a chat's state and one inbound event in, the next state,
//! replies and domain effects out. No storage, no platform: the engine runs the effects in the same
//! transaction that saves the state.

use serde::{Deserialize, Serialize};

use super::access::{Action, Actor, Denied, Grant, Role, authorize};
use super::activity::{self, LoggedActivity, ModelChoice, ModelStatus, NewLog, QuickEntry, Sector};
use super::compose::{self, Draft, Step};
use super::former::FormerName;
use super::logflow::{self, LogDraft, LogStep};
use super::notice::{Notice, NoticeStatus, Question, Reach};
use super::payload::{Command, Confirm, DraftButton, LogButton, Payload, SurveyAction};
use super::survey::Input;
use super::survey_chat::{self, SurveyContext, SurveyEffect};
use super::text::fold;
use super::unit_directory::{Found, Hit, UnitDirectory};
use super::unit_label::{unit_label, unit_label_by_id};
use super::units::Unit;
use crate::message::{Button, InboundKind, Lang, MAX_TEXT_CHARS, Msg, Reply};

/// Version of the consent text in `locales/*/signup.ftl`; stored with each consent.
pub const CONSENT_VERSION: &str = "2026-01";
/// Longest place name worth searching for.
const MAX_PLACE_QUERY_CHARS: usize = 100;
/// Longest question or comment about a notice.
pub const MAX_QUESTION_CHARS: usize = 1000;
/// Notices listed by `/notices`.
pub const RECENT_NOTICES: i64 = 5;
/// Activities listed by `/mylogs`.
pub const RECENT_LOGS: i64 = 10;
/// Units listed by `/status`, largest first.
const STATUS_UNITS: usize = 15;

/// Where a chat stands. Stored as JSON with the chat, so any process can take the next message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum State {
    /// Nothing said yet.
    #[default]
    New,
    ChooseLanguage,
    Consent,
    AskUnit,
    /// Places offered as buttons, by code.
    PickUnit {
        codes: Vec<String>,
    },
    ConfirmUnit {
        code: String,
        #[serde(default, skip_serializing_if = "Via::is_name")]
        via: Via,
    },
    ConfirmForget,
    /// Waiting for a question or comment about a notice.
    AskAboutNotice {
        notice: i64,
    },
    /// A cadre's answer to a resident's question.
    AnswerQuestion {
        question: i64,
    },
    /// An admin writing a notice.
    ComposeNotice {
        draft: Draft,
    },
    /// A cadre logging an activity step by step.
    LogActivity {
        draft: LogDraft,
    },
    /// A cadre correcting one of their activities with the quick form.
    EditLog {
        activity: i64,
    },
    /// Answering a survey; the answers so far are kept apart (`survey_progress`), so leaving and
    /// coming back resumes.
    AnswerSurvey {
        survey: i64,
    },
    Idle,
}

/// How a place offered for confirmation was found, so the question can say so.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Its current name.
    #[default]
    Name,
    /// A name from before the 2025 merger: "Xã Đông Kinh (cũ) nay thuộc …".
    Former {
        name: String,
        district: Option<String>,
    },
    /// A location the person shared, which lies inside it.
    Location,
}

impl Via {
    fn is_name(&self) -> bool {
        *self == Via::Name
    }

    fn of(hit: &Hit) -> Via {
        hit.former.map_or(Via::Name, |f| Via::Former {
            name: f.name.clone(),
            district: f.district.clone(),
        })
    }
}

/// What the engine knows of the person behind a chat, once they have consented.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: i64,
    pub unit_id: Option<i64>,
    pub subscribed: bool,
    pub grants: Vec<Grant>,
}

pub struct Chat<'a> {
    pub state: State,
    pub lang: Lang,
    pub person: Option<&'a Person>,
    /// Today in Vietnam, for dates people type.
    pub today: chrono::NaiveDate,
    /// The registered models of the unit a cadre logs in, newest first (empty for others).
    pub models: &'a [ModelChoice],
    /// The survey a button or the chat's state is about, as the engine found it.
    pub survey: Option<&'a SurveyContext>,
}

/// A change to the domain that the engine carries out with the new state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Consent given: create the person.
    Register,
    /// Consent refused: forget the chat, keep only the refusal.
    Decline,
    SetUnit(i64),
    SetSubscribed(bool),
    Erase,
    /// Redeem an invitation code; the reply comes from [`joined`].
    RedeemInvite(String),
    /// Reply with everything stored about the person, through [`my_data`].
    ShowMyData,
    /// Create an invitation; the reply comes from [`invite_created`].
    CreateInvite {
        role: Role,
        unit_id: i64,
    },
    /// Mark a notice read; the reply comes from [`done_or_expired`].
    Acknowledge(i64),
    /// Show a notice sent to the person again, or say the button expired.
    ShowNotice(i64),
    /// List the latest notices sent to the person, through [`notice_list`].
    ListNotices,
    /// Keep a question about a notice and pass it to the cadres of the person's unit; the reply
    /// comes from [`done_or_expired`].
    AskAboutNotice {
        notice: i64,
        text: String,
    },
    /// Show the draft as residents will see it, with how many it would reach, and ask to confirm.
    PreviewNotice(Draft),
    /// Create and schedule the notice, if the person may send to its unit.
    CreateNotice(Draft),
    /// Reach of a notice, for an admin whose scope holds its units.
    ShowStatus(i64),
    /// Store an activity or model (from the quick form or the guided flow) in the person's unit, if
    /// their roles allow.
    Log(NewLog),
    /// The quarterly report (quarter as typed, empty: this one) for the person's scope.
    Report(String),
    /// The person's latest activities, with buttons to delete them.
    MyLogs,
    Survey(SurveyEffect),
    /// `/surveys`: the open surveys the person was invited to.
    ListSurveys,
    /// `/results ID`: a survey's results within the admin's scope.
    SurveyResults(i64),
    /// The models of the unit the person logs in, with their status.
    Models,
    /// Change a model's status, if it lies in the person's scope.
    SetModelStatus {
        id: i64,
        status: ModelStatus,
    },
    /// Soft-delete one of the person's activities.
    DeleteLog(i64),
    /// Replace one of the person's activities with what the quick form read.
    EditLog {
        activity: i64,
        entry: QuickEntry,
    },
    /// Send an answer back to whoever asked, if the person may answer for that unit.
    AnswerQuestion {
        question: i64,
        text: String,
    },
}

#[derive(Debug, PartialEq)]
pub struct Outcome {
    pub state: State,
    pub lang: Lang,
    pub replies: Vec<Reply>,
    pub effects: Vec<Effect>,
}

pub fn step(
    chat: &Chat,
    input: &InboundKind,
    units: &UnitDirectory,
    sectors: &[Sector],
) -> Outcome {
    let mut turn = Turn {
        chat,
        units,
        sectors,
        out: Outcome {
            state: chat.state.clone(),
            lang: chat.lang,
            replies: vec![],
            effects: vec![],
        },
    };
    turn.handle(input);
    turn.out
}

struct Turn<'a> {
    chat: &'a Chat<'a>,
    units: &'a UnitDirectory,
    sectors: &'a [Sector],
    out: Outcome,
}

impl Turn<'_> {
    fn handle(&mut self, input: &InboundKind) {
        let pressed = match input {
            InboundKind::Command { name, args } => return self.command(Command::parse(name, args)),
            InboundKind::Button(payload) => Payload::parse(payload),
            InboundKind::Text(text) if text.chars().count() > MAX_TEXT_CHARS => {
                self.say(Msg::new("text-too-long").number("max", MAX_TEXT_CHARS as i64));
                return self.prompt();
            }
            _ => None,
        };
        // Buttons that work whatever the chat is waiting for.
        match &pressed {
            Some(Payload::Command(command)) => return self.command(*command),
            Some(
                Payload::Ack(_)
                | Payload::Ask(_)
                | Payload::Notice(_)
                | Payload::Answer(_)
                | Payload::Survey(..),
            ) if self.chat.person.is_none() => {
                self.say(Msg::new("need-signup"));
                return self.prompt();
            }
            // For people the notice was sent to, which the engine checks when it carries the
            // effect out.
            Some(Payload::Ack(notice)) => {
                return self.out.effects.push(Effect::Acknowledge(*notice));
            }
            Some(Payload::Notice(notice)) => {
                return self.out.effects.push(Effect::ShowNotice(*notice));
            }
            Some(Payload::Ask(notice)) => {
                self.out.state = State::AskAboutNotice { notice: *notice };
                return self.prompt();
            }
            // Whether they may answer is checked with the question's unit when the answer comes.
            Some(Payload::Answer(question)) => {
                self.out.state = State::AnswerQuestion {
                    question: *question,
                };
                return self.prompt();
            }
            Some(Payload::LogEdit(activity)) => {
                if self.chat.person.is_some() {
                    self.out.state = State::EditLog {
                        activity: *activity,
                    };
                } else {
                    self.say(Msg::new("button-expired"));
                }
                return self.prompt();
            }
            Some(Payload::Survey(id, action)) => return self.survey(*id, action.clone()),
            Some(Payload::ModelStatus(id, status)) => {
                let (id, status) = (*id, *status);
                return self.for_person(Effect::SetModelStatus { id, status });
            }
            Some(Payload::LogDelete(id)) => return self.for_person(Effect::DeleteLog(*id)),
            _ => {}
        }
        let state = self.chat.state.clone();
        let pressed = pressed.as_ref();
        match (&state, input) {
            (State::New, _) => self.greet(),
            (State::ChooseLanguage, _) => match language_choice(input, pressed) {
                Some(lang) => self.language_chosen(lang),
                None => self.unexpected(input),
            },
            (State::Consent, _) => match yes_or_no(input, pressed, Confirm::Consent) {
                Some(true) => {
                    self.out.effects.push(Effect::Register);
                    self.say(Msg::new("consent-thanks"));
                    self.ask_unit();
                }
                Some(false) => {
                    self.out.effects.push(Effect::Decline);
                    self.out.state = State::New;
                    self.say(Msg::new("consent-declined"));
                }
                None => self.unexpected(input),
            },
            (State::ConfirmUnit { code, .. }, _)
                if yes_or_no(input, pressed, Confirm::Unit).is_some() =>
            {
                if yes_or_no(input, pressed, Confirm::Unit) == Some(true) {
                    self.unit_chosen(code)
                } else {
                    self.ask_unit()
                }
            }
            (
                State::AskUnit | State::PickUnit { .. } | State::ConfirmUnit { .. },
                InboundKind::Text(text),
            ) => self.search_unit(text),
            (
                State::AskUnit | State::PickUnit { .. } | State::ConfirmUnit { .. },
                InboundKind::Location {
                    latitude,
                    longitude,
                },
            ) => self.locate_unit(*latitude, *longitude),
            (State::PickUnit { codes }, InboundKind::Button(_)) => match pressed {
                Some(Payload::UnitRetry) => self.ask_unit(),
                Some(Payload::Unit(code)) if codes.iter().any(|c| c == code) => {
                    self.unit_chosen(code)
                }
                _ => self.unexpected(input),
            },
            (State::ConfirmForget, _) => match yes_or_no(input, pressed, Confirm::Forget) {
                Some(true) => {
                    self.out.effects.push(Effect::Erase);
                    self.out.state = State::New;
                    self.say(Msg::new("forget-done"));
                }
                Some(false) => {
                    self.out.state = State::Idle;
                    self.say(Msg::new("forget-cancelled"));
                }
                None => self.unexpected(input),
            },
            (State::AskAboutNotice { notice }, InboundKind::Text(text)) => {
                self.written(text, |text| Effect::AskAboutNotice {
                    notice: *notice,
                    text,
                })
            }
            (State::ComposeNotice { draft }, _) => match pressed {
                Some(Payload::Draft(DraftButton::Cancel)) => {
                    self.out.state = State::Idle;
                    self.menu(Msg::new("compose-cancelled"));
                }
                Some(Payload::Draft(DraftButton::Send)) if draft.step == Step::Confirm => {
                    self.out.effects.push(Effect::CreateNotice(draft.clone()));
                    self.out.state = State::Idle;
                }
                _ => {
                    let button = match pressed {
                        Some(Payload::Draft(button)) => Some(*button),
                        _ => None,
                    };
                    let grants = self.grants();
                    let next = compose::answer(draft, input, button, self.units, &grants);
                    self.advance(next.map(|draft| State::ComposeNotice { draft }));
                }
            },
            (State::EditLog { activity }, InboundKind::Text(text)) => {
                match activity::parse_quick(text, self.sectors, self.chat.today) {
                    Ok(entry) => {
                        self.out.effects.push(Effect::EditLog {
                            activity: *activity,
                            entry,
                        });
                        self.out.state = State::Idle;
                    }
                    Err(problem) => {
                        self.say(problem.message());
                        self.prompt();
                    }
                }
            }
            (State::LogActivity { .. } | State::EditLog { .. }, _)
                if pressed == Some(&Payload::Log(LogButton::Cancel)) =>
            {
                self.out.state = State::Idle;
                self.menu(Msg::new("logflow-cancelled"));
            }
            (State::LogActivity { draft }, _)
                if pressed == Some(&Payload::Log(LogButton::Save))
                    && draft.step == LogStep::Confirm =>
            {
                match draft.log() {
                    Some(log) => self.out.effects.push(Effect::Log(log)),
                    None => self.say(Msg::new("button-expired")),
                }
                self.out.state = State::Idle;
            }
            (State::LogActivity { draft }, _) => {
                let button = match pressed {
                    Some(Payload::Log(button)) => Some(*button),
                    _ => None,
                };
                let (sectors, models, today) = (self.sectors, self.chat.models, self.chat.today);
                let next = logflow::answer(draft, input, button, sectors, models, today);
                self.advance(next.map(|draft| State::LogActivity { draft }));
            }
            (State::AnswerSurvey { survey }, InboundKind::Text(text)) => {
                self.survey(*survey, SurveyAction::Answer(Input::Typed(text)))
            }
            (State::AnswerQuestion { question }, InboundKind::Text(text)) => {
                self.written(text, |text| Effect::AnswerQuestion {
                    question: *question,
                    text,
                })
            }
            (State::AskAboutNotice { .. } | State::AnswerQuestion { .. }, _)
                if pressed == Some(&Payload::QuestionCancel) =>
            {
                self.out.state = State::Idle;
                self.menu(Msg::new("notice-question-cancelled"));
            }
            (State::Idle, InboundKind::Text(_)) => self.menu(Msg::new("unknown-text")),
            _ => self.unexpected(input),
        }
    }

    /// A button only a registered person has: carried out as `effect`, or expired.
    fn for_person(&mut self, effect: Effect) {
        if self.chat.person.is_some() {
            self.out.effects.push(effect);
        } else {
            self.say(Msg::new("button-expired"));
            self.prompt();
        }
    }

    /// A question or answer someone wrote: carried out as `effect`, or asked again when too long.
    fn written(&mut self, text: &str, effect: impl FnOnce(String) -> Effect) {
        let text = text.trim();
        if text.chars().count() > MAX_QUESTION_CHARS {
            self.say(Msg::new("text-too-long").number("max", MAX_QUESTION_CHARS as i64));
            return self.prompt();
        }
        self.out.effects.push(effect(text.to_owned()));
        self.out.state = State::Idle;
    }

    fn grants(&self) -> Vec<Grant> {
        self.chat
            .person
            .map(|p| p.grants.clone())
            .unwrap_or_default()
    }

    fn command(&mut self, command: Command) {
        let registered = self.chat.person.is_some();
        let actor = Actor {
            registered,
            grants: self.grants(),
        };
        let action = match command {
            Command::Start if registered => Action::ManageSelf,
            Command::Start | Command::Lang => return self.greet(),
            Command::Help => {
                self.say(Msg::new(if registered { "help" } else { "help-signup" }));
                return self.prompt();
            }
            Command::Menu if registered => return self.menu(Msg::new("menu")),
            Command::Unit
            | Command::MyData
            | Command::Forget
            | Command::Stop
            | Command::Menu
            | Command::Notices
            | Command::Surveys => Action::ManageSelf,
            Command::Notice => Action::Compose,
            Command::Log(_)
            | Command::Model(_)
            | Command::Models
            | Command::MyLogs
            | Command::Report(_) => Action::Staff,
            Command::Results(None) => return self.say(Msg::new("results-usage")),
            Command::Status(None) => return self.say(Msg::new("status-usage")),
            Command::Results(Some(_)) | Command::Status(Some(_)) => Action::Compose,
            Command::Join(_) => Action::RedeemInvite,
            Command::Invite(args) => match self.invite_target(args) {
                Some((role, unit_id)) => Action::Invite { role, unit_id },
                None => return self.say(Msg::new("invite-usage")),
            },
            Command::Unknown(name) => {
                self.say(Msg::new("unknown-command").text("command", format!("/{name}")));
                return self.prompt();
            }
        };
        if let Err(denied) = authorize(&actor, action, self.units) {
            self.say(Msg::new(match denied {
                Denied::NotRegistered => "need-signup",
                Denied::OutOfScope => "not-allowed",
            }));
            return self.prompt();
        }
        match (command, action) {
            (Command::Start, _) => {
                self.out.effects.push(Effect::SetSubscribed(true));
                self.out.state = State::Idle;
                self.menu(Msg::new("welcome-back"));
            }
            (Command::Unit, _) => self.ask_unit(),
            (Command::MyData, _) => self.done(Effect::ShowMyData),
            (Command::Forget, _) => {
                self.out.state = State::ConfirmForget;
                self.prompt();
            }
            (Command::Stop, _) => {
                self.out.effects.push(Effect::SetSubscribed(false));
                self.out.state = State::Idle;
                self.say(Msg::new("stopped"));
            }
            (Command::Notice, _) => {
                self.out.state = State::ComposeNotice {
                    draft: Draft::default(),
                };
                self.prompt();
            }
            (Command::Status(Some(id)), _) => self.done(Effect::ShowStatus(id)),
            (Command::Log(args), _) if args.trim().is_empty() => {
                self.out.state = State::LogActivity {
                    draft: LogDraft::default(),
                };
                self.prompt();
            }
            (Command::Model(args), _) if args.trim().is_empty() => {
                self.say(Msg::new("log-usage").text("example", activity::EXAMPLE));
                self.out.state = State::Idle;
            }
            (Command::Log(args) | Command::Model(args), _) => {
                match activity::parse_quick(args, self.sectors, self.chat.today) {
                    Ok(entry) => self.out.effects.push(Effect::Log(NewLog {
                        entry,
                        model: matches!(command, Command::Model(_)),
                        model_id: None,
                        photos: vec![],
                        location: None,
                    })),
                    Err(problem) => self.say(problem.message()),
                }
                self.out.state = State::Idle;
            }
            (Command::Report(quarter), _) => self.done(Effect::Report(quarter.to_owned())),
            (Command::MyLogs, _) => self.done(Effect::MyLogs),
            (Command::Surveys, _) => self.done(Effect::ListSurveys),
            (Command::Results(Some(id)), _) => self.done(Effect::SurveyResults(id)),
            (Command::Models, _) => self.done(Effect::Models),
            (Command::Notices, _) => self.done(Effect::ListNotices),
            (Command::Join(""), _) => self.say(Msg::new("join-usage")),
            (Command::Join(code), _) => {
                self.out.effects.push(Effect::RedeemInvite(code.to_owned()))
            }
            (_, Action::Invite { role, unit_id }) => self
                .out
                .effects
                .push(Effect::CreateInvite { role, unit_id }),
            _ => self.menu(Msg::new("menu")),
        }
    }

    /// A command carried out by the engine, whose reply ends the turn.
    fn done(&mut self, effect: Effect) {
        self.out.effects.push(effect);
        self.out.state = State::Idle;
    }

    /// The next step of a draft being filled in, or what was wrong; then its question.
    fn advance(&mut self, next: Result<State, Msg>) {
        match next {
            Ok(state) => self.out.state = state,
            Err(problem) => self.say(problem),
        }
        self.prompt();
    }

    /// A survey button, or text typed while answering one.
    fn survey(&mut self, id: i64, action: SurveyAction) {
        let answering = self.chat.state == State::AnswerSurvey { survey: id };
        let turn = survey_chat::respond(self.chat.survey, id, action, answering, self.chat.lang);
        self.out.replies.extend(turn.replies);
        self.out.effects.extend(turn.effect.map(Effect::Survey));
        self.out.state = match turn.answering {
            Some(survey) => State::AnswerSurvey { survey },
            None => State::Idle,
        };
    }

    /// `/invite ROLE [UNIT CODE]`; without a code, the admin's own unit when they have just one.
    fn invite_target(&self, args: &str) -> Option<(Role, i64)> {
        let words: Vec<&str> = args.split_whitespace().collect();
        // Roles may be typed in Vietnamese, as two words ("cán bộ").
        let (role, rest) = match words.as_slice() {
            [a, b, rest @ ..] if Role::parse(&format!("{a} {b}")).is_some() => {
                (Role::parse(&format!("{a} {b}"))?, rest)
            }
            [a, rest @ ..] => (Role::parse(a)?, rest),
            [] => return None,
        };
        let unit_id = match rest.first() {
            Some(code) => self.units.by_code(code)?.id,
            None => {
                let grants = &self.chat.person?.grants;
                let mut admin_units = grants
                    .iter()
                    .filter(|g| g.role == Role::Admin)
                    .map(|g| g.unit_id);
                match (admin_units.next(), admin_units.next()) {
                    (Some(unit), None) => unit,
                    _ => return None,
                }
            }
        };
        Some((role, unit_id))
    }

    fn greet(&mut self) {
        self.out.state = State::ChooseLanguage;
        self.prompt();
    }

    fn language_chosen(&mut self, lang: Lang) {
        self.out.lang = lang;
        if self.chat.person.is_some() {
            self.out.state = State::Idle;
            self.menu(Msg::new("language-changed"));
        } else {
            self.out.state = State::Consent;
            self.prompt();
        }
    }

    fn ask_unit(&mut self) {
        self.out.state = State::AskUnit;
        self.prompt();
    }

    fn search_unit(&mut self, text: &str) {
        if text.chars().count() > MAX_PLACE_QUERY_CHARS {
            self.say(Msg::new("unit-query-too-long"));
            return self.ask_unit();
        }
        let query = text.trim();
        match self.units.find(text) {
            Found::One(hit) => {
                self.out.state = State::ConfirmUnit {
                    code: hit.unit.code.clone(),
                    via: Via::of(&hit),
                };
                self.prompt();
            }
            Found::Several(hits) => match split_former(self.units, &hits) {
                Some(former) => {
                    let body = Msg::new("unit-former-split").msg("former", former_label(former));
                    let options = hits.iter().map(|h| h.unit).collect::<Vec<_>>();
                    self.offer(body, self.unit_options(&options));
                }
                None => self.offer(
                    Msg::new("unit-several").text("query", query),
                    self.hit_options(&hits),
                ),
            },
            Found::Suggestions(hits) => self.offer(
                Msg::new("unit-suggestions").text("query", query),
                self.hit_options(&hits),
            ),
            Found::Nothing => {
                self.out.state = State::AskUnit;
                self.say(Msg::new("unit-none").text("query", query));
            }
        }
    }

    /// The location is only looked up, never kept: it is not in the state or in any effect.
    fn locate_unit(&mut self, latitude: f64, longitude: f64) {
        match self.units.locate(latitude, longitude).as_slice() {
            [] => {
                self.out.state = State::AskUnit;
                self.say(Msg::new("unit-location-unknown"));
            }
            [unit] => {
                self.out.state = State::ConfirmUnit {
                    code: unit.code.clone(),
                    via: Via::Location,
                };
                self.prompt();
            }
            several => self.offer(Msg::new("unit-location-border"), self.unit_options(several)),
        }
    }

    /// Offers places as buttons, with one to search again; the state remembers which were offered.
    fn offer(&mut self, body: Msg, options: Vec<(String, Msg)>) {
        self.out.state = State::PickUnit {
            codes: options.iter().map(|(code, _)| code.clone()).collect(),
        };
        let buttons = options
            .into_iter()
            .map(|(code, label)| Button::new(label, Payload::Unit(&code)));
        let retry = Button::new(Msg::new("unit-retry-button"), Payload::UnitRetry);
        self.out
            .replies
            .push(Reply::new(body).rows(buttons.chain([retry])));
    }

    fn unit_options(&self, units: &[&Unit]) -> Vec<(String, Msg)> {
        units
            .iter()
            .map(|u| (u.code.clone(), self.unit_label(u)))
            .collect()
    }

    /// Places found by name; one found through its former name says which.
    fn hit_options(&self, hits: &[Hit]) -> Vec<(String, Msg)> {
        hits.iter()
            .map(|h| {
                let label = match h.former {
                    Some(former) => Msg::new("unit-via-former")
                        .msg("unit", self.unit_label(h.unit))
                        .msg("former", former_label(former)),
                    None => self.unit_label(h.unit),
                };
                (h.unit.code.clone(), label)
            })
            .collect()
    }

    fn unit_chosen(&mut self, code: &str) {
        let Some(unit) = self.units.by_code(code).filter(|u| self.units.is_place(u)) else {
            self.say(Msg::new("button-expired"));
            return self.ask_unit();
        };
        let had_unit = self.chat.person.and_then(|p| p.unit_id).is_some();
        self.out.effects.push(Effect::SetUnit(unit.id));
        self.out.state = State::Idle;
        let body = Msg::new(if had_unit {
            "unit-changed"
        } else {
            "signup-done"
        })
        .msg("unit", self.unit_label(unit));
        self.menu(body);
    }

    fn unit_label(&self, unit: &Unit) -> Msg {
        unit_label(self.units, unit)
    }

    fn unexpected(&mut self, input: &InboundKind) {
        self.say(Msg::new(match input {
            InboundKind::Button(_) => "button-expired",
            InboundKind::Photo { .. } | InboundKind::Location { .. } | InboundKind::Other => {
                "attachment-not-expected"
            }
            _ => "use-buttons",
        }));
        self.prompt();
    }

    /// Asks again whatever the current state is waiting for.
    fn prompt(&mut self) {
        let reply = match &self.out.state {
            State::New => Reply::new(Msg::new("start-hint")),
            State::AnswerSurvey { survey } => match self.chat.survey {
                Some(ctx) if ctx.survey.id == *survey && ctx.open => survey_chat::question(
                    &ctx.survey,
                    &ctx.draft.clone().unwrap_or_default(),
                    self.chat.lang,
                ),
                _ => return self.menu(Msg::new("menu")),
            },
            State::ChooseLanguage => Reply::new(Msg::new(if self.chat.person.is_some() {
                "language-ask"
            } else {
                "greeting"
            }))
            .row(vec![
                Button::new(Msg::new("language-vi"), Payload::Lang(Lang::Vi)),
                Button::new(Msg::new("language-en"), Payload::Lang(Lang::En)),
            ]),
            State::Consent => {
                Reply::new(Msg::new("consent").text("version", CONSENT_VERSION)).row(vec![
                    Button::new(
                        Msg::new("consent-yes-button"),
                        Payload::Confirm(Confirm::Consent, true),
                    ),
                    Button::new(
                        Msg::new("consent-no-button"),
                        Payload::Confirm(Confirm::Consent, false),
                    ),
                ])
            }
            State::AskUnit if self.units.has_boundaries() => {
                Reply::new(Msg::new("unit-ask-or-share"))
                    .ask_location(Msg::new("unit-share-location-button"))
            }
            State::AskUnit => Reply::new(Msg::new("unit-ask")),
            State::PickUnit { codes } => {
                let found: Vec<&Unit> =
                    codes.iter().filter_map(|c| self.units.by_code(c)).collect();
                return self.offer(Msg::new("unit-pick"), self.unit_options(&found));
            }
            State::ConfirmUnit { code, via } => match self.units.by_code(code) {
                Some(unit) => Reply::new(match via {
                    Via::Name => Msg::new("unit-confirm").msg("unit", self.unit_label(unit)),
                    Via::Former { name, district } => Msg::new("unit-confirm-former")
                        .msg("former", former_name_label(name, district.as_deref()))
                        .msg("unit", self.unit_label(unit)),
                    Via::Location => {
                        Msg::new("unit-confirm-location").msg("unit", self.unit_label(unit))
                    }
                })
                .row(vec![
                    Button::new(
                        Msg::new("yes-button"),
                        Payload::Confirm(Confirm::Unit, true),
                    ),
                    Button::new(
                        Msg::new("unit-no-button"),
                        Payload::Confirm(Confirm::Unit, false),
                    ),
                ]),
                None => return self.ask_unit(),
            },
            State::ConfirmForget => Reply::new(Msg::new("forget-confirm")).row(vec![
                Button::new(
                    Msg::new("forget-yes-button"),
                    Payload::Confirm(Confirm::Forget, true),
                ),
                Button::new(
                    Msg::new("cancel-button"),
                    Payload::Confirm(Confirm::Forget, false),
                ),
            ]),
            State::AskAboutNotice { .. } => {
                Reply::new(Msg::new("notice-ask-prompt")).row(vec![Button::new(
                    Msg::new("cancel-button"),
                    Payload::QuestionCancel,
                )])
            }
            State::AnswerQuestion { .. } => {
                Reply::new(Msg::new("answer-prompt")).row(vec![Button::new(
                    Msg::new("cancel-button"),
                    Payload::QuestionCancel,
                )])
            }
            // The engine counts who it would reach before asking to confirm.
            State::ComposeNotice { draft } if draft.step == Step::Confirm => {
                return self.out.effects.push(Effect::PreviewNotice(draft.clone()));
            }
            State::ComposeNotice { draft } => compose::prompt(draft, self.units, &self.grants()),
            State::LogActivity { draft } => logflow::prompt(draft, self.sectors, self.chat.models),
            State::EditLog { .. } => {
                Reply::new(Msg::new("logedit-prompt").text("example", activity::EXAMPLE)).row(vec![
                    Button::new(Msg::new("cancel-button"), Payload::Log(LogButton::Cancel)),
                ])
            }
            State::Idle => return self.menu(Msg::new("menu")),
        };
        self.out.replies.push(reply);
    }

    fn menu(&mut self, body: Msg) {
        self.out.replies.push(
            Reply::new(body)
                .row(vec![
                    Button::new(Msg::new("menu-mydata"), Payload::Command(Command::MyData)),
                    Button::new(Msg::new("menu-unit"), Payload::Command(Command::Unit)),
                ])
                .row(vec![
                    Button::new(Msg::new("menu-lang"), Payload::Command(Command::Lang)),
                    Button::new(Msg::new("menu-help"), Payload::Command(Command::Help)),
                ]),
        );
    }

    fn say(&mut self, msg: Msg) {
        self.out.replies.push(Reply::new(msg));
    }
}

/// "Xã Đông Kinh (cũ)", with the district when the name needs one to be told apart.
fn former_label(former: &FormerName) -> Msg {
    former_name_label(&former.name, former.district.as_deref())
}

fn former_name_label(name: &str, district: Option<&str>) -> Msg {
    match district {
        Some(district) => Msg::new("former-name-in")
            .text("name", name)
            .text("district", district),
        None => Msg::new("former-name").text("name", name),
    }
}

/// The former unit these places were all formed from, when they are the parts of one unit split
/// in the merger (not namesakes in different provinces).
fn split_former<'a>(units: &UnitDirectory, hits: &[Hit<'a>]) -> Option<&'a FormerName> {
    let first = hits.first()?;
    let former = first.former?;
    let province = units.province_of(first.unit).id;
    let same = hits.iter().all(|h| {
        h.former
            .is_some_and(|f| f.name == former.name && f.district == former.district)
            && units.province_of(h.unit).id == province
    });
    let split = hits.iter().any(|h| h.former.is_some_and(|f| f.partial));
    (same && split).then_some(former)
}

fn language_choice(input: &InboundKind, pressed: Option<&Payload>) -> Option<Lang> {
    match input {
        InboundKind::Button(_) => match pressed {
            Some(Payload::Lang(lang)) => Some(*lang),
            _ => None,
        },
        InboundKind::Text(t) => match fold(t).as_str() {
            "tieng viet" | "viet" | "vi" | "vietnamese" => Some(Lang::Vi),
            "english" | "en" | "tieng anh" | "anh" => Some(Lang::En),
            _ => None,
        },
        _ => None,
    }
}

/// A yes/no answer to `asked`: its buttons, or the same typed in either language.
fn yes_or_no(input: &InboundKind, pressed: Option<&Payload>, asked: Confirm) -> Option<bool> {
    match input {
        InboundKind::Button(_) => match pressed {
            Some(Payload::Confirm(about, yes)) if *about == asked => Some(*yes),
            _ => None,
        },
        InboundKind::Text(t) => match fold(t).as_str() {
            "dong y" | "toi dong y" | "co" | "dung" | "yes" | "y" | "ok" | "agree" => Some(true),
            "khong" | "khong dong y" | "k" | "ko" | "no" | "n" | "decline" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A resident's question, for the cadres and admins of their unit, with a button to answer.
pub fn question_for_staff(units: &UnitDirectory, question: &Question, lang: Lang) -> Reply {
    let unit = question
        .unit_id
        .map_or(Msg::new("mydata-no-unit"), |id| unit_label_by_id(units, id));
    Reply::new(
        Msg::new("question-for-staff")
            .msg("unit", unit)
            .text("title", &question.notice.text(lang).title)
            .text("text", &question.text),
    )
    .row(vec![Button::new(
        Msg::new("answer-button"),
        Payload::Answer(question.id),
    )])
}

/// The answer, for whoever asked.
pub fn answer_for_resident(question: &Question, answer: &str, lang: Lang) -> Reply {
    Reply::new(
        Msg::new("answer-for-resident")
            .text("title", &question.notice.text(lang).title)
            .text("question", &question.text)
            .text("answer", answer),
    )
}

/// `id` when the thing a button or command pointed at was found and handled, else "this button has
/// expired" (it is gone, or was never the person's).
pub fn done_or_expired(found: bool, id: &'static str) -> Reply {
    Reply::new(Msg::new(if found { id } else { "button-expired" }))
}

pub fn not_allowed() -> Reply {
    Reply::new(Msg::new("not-allowed"))
}

/// How answering went, for the cadre who answered.
pub fn answered(result: Result<bool, Denied>) -> Reply {
    Reply::new(Msg::new(match result {
        Ok(true) => "answer-sent",
        Ok(false) => "question-already-answered",
        Err(_) => "not-allowed",
    }))
}

/// The draft as residents will see it (without its buttons, which only work once it is sent),
/// then what it would reach and when, to confirm.
pub fn preview(units: &UnitDirectory, draft: &Draft, recipients: i64, lang: Lang) -> Vec<Reply> {
    let mut notice = compose::preview(draft).reply(lang);
    notice.buttons.clear();
    let unit = draft
        .unit
        .as_deref()
        .and_then(|code| units.by_code(code))
        .map_or(Msg::new("mydata-no-unit"), |u| unit_label(units, u));
    let when = match draft.send_at {
        None => Msg::new("compose-when-now"),
        Some(at) => Msg::new("compose-when-at").text("time", local_time(at)),
    };
    vec![
        Reply::new(Msg::new("compose-preview")),
        notice,
        Reply::new(
            Msg::new("compose-confirm")
                .msg("unit", unit)
                .msg("when", when)
                .number("recipients", recipients),
        )
        .row(compose::confirm_buttons()),
    ]
}

pub fn notice_created(id: i64, at: chrono::DateTime<chrono::Utc>) -> Reply {
    Reply::new(
        Msg::new("compose-created")
            .number("id", id)
            .text("time", local_time(at)),
    )
}

/// `/status ID`: reach in all and for each unit (the largest first, a screenful).
pub fn status(units: &UnitDirectory, id: i64, status: &NoticeStatus) -> Reply {
    let line = |unit: Msg, r: &Reach| {
        Msg::new("status-line")
            .msg("unit", unit)
            .number("targeted", r.targeted)
            .number("sent", r.sent)
            .number("pending", r.pending)
            .number("failed", r.failed)
            .number("blocked", r.blocked)
            .number("read", r.read)
            .number("questions", r.questions)
    };
    let mut by_size: Vec<&(Option<i64>, Reach)> = status.units.iter().collect();
    by_size.sort_by_key(|(_, r)| std::cmp::Reverse(r.targeted));
    let lines = std::iter::once(line(Msg::new("status-total"), &status.totals))
        .chain(by_size.into_iter().take(STATUS_UNITS).map(|(unit, r)| {
            let name = unit.map_or(Msg::new("mydata-no-unit"), |id| unit_label_by_id(units, id));
            line(name, r)
        }))
        .collect();
    Reply::new(
        Msg::new("notice-status")
            .number("id", id)
            .text("state", &status.status)
            .lines("lines", lines),
    )
}

/// "15/12/2026 08:00", Vietnam time.
fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    crate::domain::vn_time::format_for_people(at)
}

/// What a cadre just logged (an activity, or a model), read back.
pub fn logged(entry: &QuickEntry, model: bool, sector: &str, unit: Msg) -> Reply {
    let mut msg = Msg::new(if model {
        "log-model-saved"
    } else {
        "log-saved"
    })
    .text("title", &entry.title)
    .text("sector", sector)
    .date("date", entry.held_on)
    .msg("unit", unit);
    msg = match entry.participants {
        Some(n) => msg.number("participants", n as i64),
        None => msg.text("participants", "-"),
    };
    Reply::new(msg)
}

/// `/mylogs`: the latest activities, each with a button that deletes it.
pub fn my_logs(activities: &[LoggedActivity]) -> Reply {
    if activities.is_empty() {
        return Reply::new(Msg::new("mylogs-none"));
    }
    activities
        .iter()
        .fold(Reply::new(Msg::new("mylogs")), |reply, a| {
            reply.row(vec![
                Button::new(
                    Msg::new("mylogs-edit-button")
                        .text("title", &a.title)
                        .date("date", a.held_on),
                    Payload::LogEdit(a.id),
                ),
                Button::new(Msg::new("mylogs-delete-button"), Payload::LogDelete(a.id)),
            ])
        })
}

/// `/models`: the unit's models with their status, and buttons to change it.
pub fn model_list(models: &[ModelChoice]) -> Reply {
    if models.is_empty() {
        return Reply::new(Msg::new("models-none"));
    }
    let lines = models
        .iter()
        .map(|m| {
            Msg::new("models-item")
                .text("name", &m.name)
                .text("status", m.status.code())
        })
        .collect();
    models.iter().fold(
        Reply::new(Msg::new("models").lines("models", lines)),
        |reply, m| {
            reply.row(
                ModelStatus::ALL
                    .into_iter()
                    .filter(|&s| s != m.status)
                    .map(|s| {
                        Button::new(
                            Msg::new("models-status-button")
                                .text("name", &m.name)
                                .text("status", s.code()),
                            Payload::ModelStatus(m.id, s),
                        )
                    })
                    .collect(),
            )
        },
    )
}

/// `/surveys`: open surveys for the person, those not yet answered as buttons.
pub fn survey_list(open: &[(survey_chat::Survey, bool)], lang: Lang) -> Reply {
    if open.is_empty() {
        return Reply::new(Msg::new("surveys-none"));
    }
    let lines = open
        .iter()
        .map(|(s, answered)| {
            Msg::new("surveys-item")
                .text("title", s.file.title(lang))
                .text("answered", if *answered { "yes" } else { "no" })
        })
        .collect();
    Reply::new(Msg::new("surveys").lines("surveys", lines)).rows(
        open.iter().filter(|(_, answered)| !answered).map(|(s, _)| {
            Button::new(
                Msg::new("survey-option").text("label", s.file.title(lang)),
                Payload::Survey(s.id, SurveyAction::Start),
            )
        }),
    )
}

/// `/notices`: the latest notices as buttons that show each again.
pub fn notice_list(notices: &[Notice], lang: Lang) -> Reply {
    if notices.is_empty() {
        return Reply::new(Msg::new("notices-none"));
    }
    Reply::new(Msg::new("notices-list")).rows(notices.iter().map(|n| {
        Button::new(
            Msg::new("notice-item").text("title", &n.text(lang).title),
            Payload::Notice(n.id),
        )
    }))
}

/// What the person stored, for `/mydata`.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonData {
    pub lang: Lang,
    pub unit_id: Option<i64>,
    pub consent_version: String,
    pub consented_at: chrono::NaiveDate,
    pub subscribed: bool,
    pub created_at: chrono::NaiveDate,
    pub grants: Vec<Grant>,
    /// (channel, address) pairs the person is reached through.
    pub channels: Vec<(String, String)>,
    pub notices_received: i64,
    /// What they asked or commented about notices, oldest first.
    pub questions: Vec<String>,
    /// Named survey responses, consents to sensitive surveys, surveys answered halfway.
    pub surveys: (i64, i64, i64),
}

pub fn my_data(units: &UnitDirectory, data: &PersonData) -> Reply {
    let unit = match data.unit_id {
        Some(id) => unit_label_by_id(units, id),
        None => Msg::new("mydata-no-unit"),
    };
    let roles: Vec<Msg> = data
        .grants
        .iter()
        .filter_map(|g| {
            units.by_id(g.unit_id).map(|u| {
                Msg::new("role-in-unit")
                    .msg("role", role_name(g.role))
                    .msg("unit", unit_label(units, u))
            })
        })
        .collect();
    let channels: Vec<String> = data
        .channels
        .iter()
        .map(|(c, a)| format!("{c}: {a}"))
        .collect();
    Reply::new(
        Msg::new("mydata")
            .msg("language", Msg::new(language_name(data.lang)))
            .msg("unit", unit)
            .date("consented", data.consented_at)
            .text("consent_version", &data.consent_version)
            .text("subscribed", if data.subscribed { "yes" } else { "no" })
            .date("created", data.created_at)
            .list(
                "roles",
                if roles.is_empty() {
                    vec![Msg::new("mydata-no-roles")]
                } else {
                    roles
                },
            )
            .text("channels", channels.join(", "))
            .number("notices", data.notices_received)
            .number("responses", data.surveys.0)
            .number("consents", data.surveys.1)
            .number("unfinished", data.surveys.2)
            .list(
                "questions",
                if data.questions.is_empty() {
                    vec![Msg::new("mydata-no-questions")]
                } else {
                    data.questions
                        .iter()
                        .map(|q| Msg::new("quoted").text("text", q))
                        .collect()
                },
            ),
    )
}

fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "language-vi",
        Lang::En => "language-en",
    }
}

/// Why an invitation code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefused {
    Unknown,
    Expired,
    UsedUp,
}

pub fn joined(units: &UnitDirectory, result: Result<Grant, InviteRefused>) -> Reply {
    match result {
        Ok(grant) => Reply::new(
            Msg::new("join-ok")
                .msg("role", role_name(grant.role))
                .msg("unit", unit_label_by_id(units, grant.unit_id)),
        ),
        Err(InviteRefused::Unknown) => Reply::new(Msg::new("join-unknown")),
        Err(InviteRefused::Expired) => Reply::new(Msg::new("join-expired")),
        Err(InviteRefused::UsedUp) => Reply::new(Msg::new("join-used-up")),
    }
}

pub fn invite_created(
    units: &UnitDirectory,
    code: &str,
    grant: &Grant,
    expires: chrono::NaiveDate,
) -> Reply {
    let unit = unit_label_by_id(units, grant.unit_id);
    Reply::new(
        Msg::new("invite-created")
            .text("code", code)
            .msg("role", role_name(grant.role))
            .msg("unit", unit)
            .date("expires", expires),
    )
}

fn role_name(role: Role) -> Msg {
    Msg::new(match role {
        Role::Cadre => "role-cadre",
        Role::Admin => "role-admin",
    })
}
