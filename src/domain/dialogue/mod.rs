//! The conversation as a plain function: a chat's state and one inbound event in, the next state,
//! replies and domain effects out. No storage, no platform: the engine runs the effects in the same
//! transaction that saves the state.
//!
//! [`step`] reads the event once (a [`Command`], a pressed [`Payload`]) and hands it to the flow
//! it belongs to, each in its own file with its replies: [`signup`], [`linking`], [`notices`],
//! [`composing`], [`logging`], [`surveys`] and [`staff`].

pub mod composing;
pub mod consulting;
pub mod households;
pub mod linking;
pub mod logging;
pub mod notices;
pub mod signup;
pub mod staff;
pub mod surveys;
pub mod tickets;

use serde::{Deserialize, Serialize};

use super::access::{Action, Actor, Denied, Grant, Role, authorize};
use super::activity::{ModelChoice, ModelStatus, NewLog, QuickEntry, Sector};
use super::compose::Draft;
use super::consultation_chat::{At, ConsultContext, ConsultEffect};
use super::household;
use super::logflow::LogDraft;
use super::payload::{Command, Payload};
use super::survey_chat::{SurveyContext, SurveyEffect};
use super::ticket::{Category, TicketDraft};
use super::unit_directory::{Hit, UnitDirectory};
use crate::message::{Button, InboundKind, Lang, MAX_TEXT_CHARS, Msg, Reply};

/// Where a chat stands. Stored as JSON with the chat, so any process can take the next message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum State {
    /// Nothing said yet.
    #[default]
    New,
    ChooseLanguage,
    Consent,
    AskUnit {
        /// The name typed before, when the places found for it were turned down.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        search: Option<Search>,
    },
    /// Places offered as buttons, by code.
    PickUnit {
        codes: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        search: Option<Search>,
    },
    ConfirmUnit {
        code: String,
        #[serde(default, skip_serializing_if = "Via::is_name")]
        via: Via,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        search: Option<Search>,
    },
    /// More places bear the name than fit in one message: which province (or commune) is it in?
    AskWhere {
        search: Search,
    },
    ConfirmForget,
    /// A resident named their household by its place (`/ho Xóm 3, số 12`): join it?
    JoinPlace {
        village: String,
        address: String,
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
    /// A resident writing to the commune: a question, a report or a suggestion.
    WriteTicket {
        draft: TicketDraft,
    },
    /// Words about a ticket already sent.
    TicketNote {
        ticket: i64,
        note: tickets::Note,
    },
    /// At a part of a consultation: typed words are an opinion or a comment on it.
    Consult {
        consultation: i64,
        part: i16,
        /// Waiting for a comment (after "không tán thành" or "ý kiến khác").
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        comment: bool,
    },
    Idle,
}

/// A place name being looked for: as typed, and the places already offered for it and turned down,
/// so that a "no" or the same name typed again moves on to the others instead of going round.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Search {
    pub query: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passed: Vec<String>,
}

impl Search {
    pub fn new(query: &str) -> Search {
        Search {
            query: query.to_owned(),
            passed: Vec::new(),
        }
    }

    /// The same search, with these places turned down too.
    fn passing(&self, codes: &[String]) -> Search {
        let mut passed = self.passed.clone();
        passed.extend(
            codes
                .iter()
                .filter(|c| !passed.contains(c))
                .cloned()
                .collect::<Vec<_>>(),
        );
        Search {
            query: self.query.clone(),
            passed,
        }
    }
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
    /// What a report may be about, in order.
    pub categories: &'a [Category],
    /// The consultation a button or the chat's state is about, as the engine found it.
    pub consultation: Option<&'a ConsultContext>,
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
    /// A link code for the person's other chat; the reply comes from [`linking::link_code`].
    NewLinkCode,
    /// Link this chat with a code from another; the reply comes from [`linking::linked`].
    Link(String),
    /// Redeem an invitation code; the reply comes from [`staff::joined`].
    RedeemInvite(String),
    /// Reply with everything stored about the person, through [`signup::my_data`].
    ShowMyData,
    /// Create an invitation; the reply comes from [`staff::invite_created`].
    CreateInvite {
        role: Role,
        unit_id: i64,
    },
    /// Mark a notice read; the reply comes from [`done_or_expired`].
    Acknowledge(i64),
    /// Show a notice sent to the person again, or say the button expired.
    ShowNotice(i64),
    /// List the latest notices sent to the person, through [`notices::notice_list`].
    ListNotices,
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
    /// `/gopy`: the open consultations for the person, through [`consulting::consultation_list`].
    ListConsultations,
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
    Tickets(tickets::TicketEffect),
    Consult(ConsultEffect),
    Household(households::HouseholdEffect),
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

/// One step under way: what the flows read, and the outcome they build.
struct Turn<'a> {
    chat: &'a Chat<'a>,
    units: &'a UnitDirectory,
    sectors: &'a [Sector],
    out: Outcome,
}

impl Turn<'_> {
    fn handle(&mut self, input: &InboundKind) {
        if let InboundKind::Text(text) = input
            && linking::typed(self, text)
        {
            return;
        }
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
        if let Some(pressed) = &pressed {
            if let Payload::Command(command) = pressed {
                return self.command(*command);
            }
            if notices::pressed(self, pressed)
                || logging::pressed(self, pressed)
                || surveys::pressed(self, pressed)
                || tickets::pressed(self, pressed)
                || consulting::pressed(self, pressed)
                || households::pressed(self, pressed)
            {
                return;
            }
        }
        let state = self.chat.state.clone();
        let pressed = pressed.as_ref();
        match &state {
            State::New
            | State::ChooseLanguage
            | State::Consent
            | State::AskUnit { .. }
            | State::PickUnit { .. }
            | State::ConfirmUnit { .. }
            | State::AskWhere { .. }
            | State::ConfirmForget => signup::step(self, &state, input, pressed),
            State::ComposeNotice { draft } => composing::step(self, draft, input, pressed),
            State::LogActivity { .. } | State::EditLog { .. } => {
                logging::step(self, &state, input, pressed)
            }
            State::AnswerSurvey { survey } => surveys::step(self, *survey, input),
            State::JoinPlace { village, address } => {
                households::place_step(self, village, address, input, pressed)
            }
            State::WriteTicket { draft } => tickets::step(self, draft, input, pressed),
            State::TicketNote { ticket, note } => {
                tickets::note_step(self, *ticket, *note, input, pressed)
            }
            State::Consult {
                consultation,
                part,
                comment,
            } => {
                let at = At {
                    part: *part,
                    comment: *comment,
                };
                consulting::step(self, *consultation, at, input)
            }
            State::Idle if pressed.is_none() && tickets::idle(self, input) => {}
            State::Idle => match input {
                InboundKind::Text(_) => self.menu(Msg::new("unknown-text")),
                _ => self.unexpected(input),
            },
        }
    }

    /// Checks who may run the command, then hands it to its flow.
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
                // Residents see only their own commands; staff also see those their roles allow.
                let grants = self.grants();
                if !grants.is_empty() {
                    self.say(Msg::new("help-cadre"));
                }
                if grants.iter().any(|g| g.role == Role::Admin) {
                    self.say(Msg::new("help-admin"));
                }
                return self.prompt();
            }
            Command::Menu if registered => return self.menu(Msg::new("menu")),
            Command::Link("") if registered => Action::ManageSelf,
            Command::Link(args) => return linking::send_code(self, args),
            Command::Unit
            | Command::MyData
            | Command::Forget
            | Command::Stop
            | Command::Menu
            | Command::Notices
            | Command::Surveys
            | Command::Consultations
            | Command::JoinHousehold(_)
            | Command::Tickets(_) => Action::ManageSelf,
            Command::Notice => Action::Compose,
            Command::Log(_)
            | Command::Model(_)
            | Command::Models
            | Command::MyLogs
            | Command::Report(_)
            | Command::Households(_) => Action::Staff,
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
        let taken = signup::command(self, command)
            || linking::command(self, command)
            || notices::command(self, command)
            || composing::command(self, command)
            || logging::command(self, command)
            || surveys::command(self, command)
            || consulting::command(self, command)
            || households::command(self, command)
            || tickets::command(self, command)
            || staff::command(self, command, action);
        if !taken {
            self.menu(Msg::new("menu"));
        }
    }

    /// Asks again whatever the current state is waiting for.
    fn prompt(&mut self) {
        let state = self.out.state.clone();
        match &state {
            State::New => self.say(Msg::new("start-hint")),
            State::ChooseLanguage => self.ask_language(),
            State::Consent => self.ask_consent(),
            State::AskUnit { .. } => self.ask_place(),
            State::PickUnit { codes, search } => self.offer_again(codes, search.as_ref()),
            State::ConfirmUnit { code, via, .. } => self.confirm_place(code, via),
            State::AskWhere { search } => self.ask_where(search),
            State::ConfirmForget => self.confirm_forget(),
            State::ComposeNotice { draft } => self.ask_for_draft(draft),
            State::LogActivity { draft } => self.ask_for_log(draft),
            State::EditLog { .. } => self.ask_for_edit(),
            State::AnswerSurvey { survey } => self.ask_survey_question(*survey),
            State::JoinPlace { village, address } => self
                .out
                .replies
                .push(household::place_question(village, address)),
            State::WriteTicket { draft } => self.ask_for_ticket(draft),
            State::TicketNote { note, .. } => self.ask_for_note(*note),
            State::Consult {
                consultation, part, ..
            } => self.ask_consultation_part(*consultation, *part),
            State::Idle => self.menu(Msg::new("menu")),
        }
    }

    /// Whether the person has signed up; if not, says they must, and asks again.
    fn signed_up(&mut self) -> bool {
        if self.chat.person.is_none() {
            self.say(Msg::new("need-signup"));
            self.prompt();
        }
        self.chat.person.is_some()
    }

    fn grants(&self) -> Vec<Grant> {
        self.chat
            .person
            .map(|p| p.grants.clone())
            .unwrap_or_default()
    }

    /// An effect the engine carries out and replies to, which ends what the chat was doing.
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

    fn unexpected(&mut self, input: &InboundKind) {
        self.say(Msg::new(match input {
            InboundKind::Button(_) => "button-expired",
            InboundKind::Photo { .. } | InboundKind::Location { .. } | InboundKind::Other => {
                "attachment-not-expected"
            }
            InboundKind::Withheld => "content-withheld",
            _ => "use-buttons",
        }));
        self.prompt();
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
                ])
                .row(vec![Button::new(
                    Msg::new("menu-link"),
                    Payload::Command(Command::Link("")),
                )])
                .row(vec![
                    Button::new(
                        Msg::new("menu-write"),
                        Payload::TicketDraft(super::payload::TicketButton::New),
                    ),
                    Button::new(
                        Msg::new("menu-tickets"),
                        Payload::Command(Command::Tickets("")),
                    ),
                ]),
        );
    }

    fn say(&mut self, msg: Msg) {
        self.out.replies.push(Reply::new(msg));
    }
}

/// `id` when the thing a button or command pointed at was found and handled, else "this button has
/// expired" (it is gone, or was never the person's).
pub fn done_or_expired(found: bool, id: &'static str) -> Reply {
    Reply::new(Msg::new(if found { id } else { "button-expired" }))
}

pub fn not_allowed() -> Reply {
    Reply::new(Msg::new("not-allowed"))
}

fn role_name(role: Role) -> Msg {
    Msg::new(match role {
        Role::Cadre => "role-cadre",
        Role::Admin => "role-admin",
    })
}

/// What the flows' tests share: a small unit tree, a fixed day, people, and a step to run.
#[cfg(test)]
mod testing {
    use super::*;
    use crate::domain::units::Unit;

    /// Hưng Yên with three communes, and Hà Nội with one ward.
    pub fn units() -> UnitDirectory {
        let unit = Unit::sample;
        UnitDirectory::new(vec![
            unit(1, "33", "Tỉnh Hưng Yên", None),
            unit(2, "01", "Thành phố Hà Nội", None),
            unit(10, "12745", "Xã Bắc Đông Quan", Some(1)),
            unit(11, "12364", "Xã Tiên Lữ", Some(1)),
            unit(12, "12700", "Xã Tiên Hoa", Some(1)),
            unit(13, "00175", "Phường Yên Hoà", Some(2)),
        ])
    }

    /// A resident of Xã Tiên Lữ.
    pub fn resident() -> Person {
        Person {
            id: 7,
            unit_id: Some(11),
            subscribed: true,
            grants: vec![],
        }
    }

    /// A resident of Xã Tiên Lữ with `role` over the province.
    pub fn staff(role: Role) -> Person {
        Person {
            grants: vec![Grant { role, unit_id: 1 }],
            ..resident()
        }
    }

    pub fn press(payload: &str) -> InboundKind {
        InboundKind::Button(payload.to_owned())
    }

    /// One step from `state`, on a fixed day, with no models or survey in view.
    pub fn run(state: State, person: Option<&Person>, input: &InboundKind) -> Outcome {
        run_in(&units(), state, person, input)
    }

    /// [`run`] over other units.
    pub fn run_in(
        units: &UnitDirectory,
        state: State,
        person: Option<&Person>,
        input: &InboundKind,
    ) -> Outcome {
        let chat = Chat {
            state,
            lang: Lang::Vi,
            person,
            today: chrono::NaiveDate::from_ymd_opt(2026, 3, 16).expect("a real day"),
            models: &[],
            survey: None,
            categories: &categories(),
            consultation: None,
        };
        step(&chat, input, units, &[])
    }

    /// What a report may be about.
    pub fn categories() -> Vec<Category> {
        ["moi_truong", "ha_tang", "khac"]
            .into_iter()
            .map(|code| Category {
                code: code.into(),
                name: code.into(),
                name_en: code.into(),
                answer_days: 3,
                urgent: false,
            })
            .collect()
    }

    /// The message ids of the replies, in order.
    pub fn said(outcome: &Outcome) -> Vec<&'static str> {
        outcome.replies.iter().map(|r| r.body.id).collect()
    }

    /// One row of a flow's table: from this state, this person sends this; the chat moves to that
    /// state, says these messages and asks for these effects.
    pub type Case<'a> = (
        State,
        Option<&'a Person>,
        InboundKind,
        State,
        Vec<&'static str>,
        Vec<Effect>,
    );

    /// Runs every row of a flow's table.
    pub fn check(cases: Vec<Case<'_>>) {
        check_in(&units(), cases)
    }

    /// [`check`] over other units.
    pub fn check_in(units: &UnitDirectory, cases: Vec<Case<'_>>) {
        for (state, person, input, then, replies, effects) in cases {
            let out = run_in(units, state.clone(), person, &input);
            assert_eq!(
                (&out.state, said(&out), &out.effects),
                (&then, replies, &effects),
                "{state:?} {input:?}"
            );
        }
    }
}
