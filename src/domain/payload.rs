//! Commands and button payloads, each parsed once from what a chat sent and printed back, by the
//! same type, into the buttons danvan sends. The wire form (`lang:vi`, `sv:12:start`) stays byte
//! for byte as it was: buttons on messages already sent must keep working.

use std::fmt;

use super::activity::ModelStatus;
use super::consultation::Opinion;
use super::survey::Input;
use super::ticket::{Kind, Move};
use crate::message::Lang;

/// A `/command` and its arguments. A menu button (`cmd:NAME`) carries the name only.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Command<'a> {
    Start,
    Lang,
    Help,
    Menu,
    Unit,
    MyData,
    Forget,
    Stop,
    Notices,
    /// `/notice`: write one, step by step.
    Notice,
    /// `/log` alone starts the guided flow; with text, the quick form.
    Log(&'a str),
    Model(&'a str),
    Models,
    MyLogs,
    /// The quarter as typed; empty: this one.
    Report(&'a str),
    Surveys,
    /// `/gopy`: drafts open for comment.
    Consultations,
    /// `/hogiadinh`: a cadre's households; `/hogiadinh them NAME` adds one.
    Households(&'a str),
    /// `/ho CODE`: join one's household.
    JoinHousehold(&'a str),
    /// `/results ID`; None when no number was given.
    Results(Option<i64>),
    /// `/status ID`; None when no number was given.
    Status(Option<i64>),
    Join(&'a str),
    /// `/link` alone asks for a code to send from another chat; `/link CODE` sends one.
    Link(&'a str),
    /// `/invite ROLE [UNIT CODE]`, read by the staff flow, which knows the units.
    Invite(&'a str),
    /// `/phananh`: one's tickets (and for staff, their units' open ones); with a code, that one.
    Tickets(&'a str),
    Unknown(&'a str),
}

impl<'a> Command<'a> {
    /// `name` lowercase, as [`crate::message::InboundKind::typed`] gives it.
    pub fn parse(name: &'a str, args: &'a str) -> Command<'a> {
        // "/status #12" as well as "/status 12": notices and surveys are shown with a '#'.
        let id = || args.trim().trim_start_matches('#').parse().ok();
        match name {
            "start" => Command::Start,
            "lang" => Command::Lang,
            "help" => Command::Help,
            "menu" => Command::Menu,
            "unit" => Command::Unit,
            "mydata" => Command::MyData,
            "forget" => Command::Forget,
            "stop" => Command::Stop,
            "notices" => Command::Notices,
            "notice" => Command::Notice,
            "log" => Command::Log(args),
            "model" => Command::Model(args),
            "models" => Command::Models,
            "mylogs" => Command::MyLogs,
            "report" => Command::Report(args),
            "surveys" => Command::Surveys,
            "gopy" | "consultations" => Command::Consultations,
            "hogiadinh" | "households" => Command::Households(args),
            "ho" | "household" => Command::JoinHousehold(args),
            "results" => Command::Results(id()),
            "status" => Command::Status(id()),
            "join" => Command::Join(args),
            "link" => Command::Link(args),
            "invite" => Command::Invite(args),
            "phananh" | "tickets" => Command::Tickets(args),
            other => Command::Unknown(other),
        }
    }

    pub fn name(&self) -> &'a str {
        match self {
            Command::Start => "start",
            Command::Lang => "lang",
            Command::Help => "help",
            Command::Menu => "menu",
            Command::Unit => "unit",
            Command::MyData => "mydata",
            Command::Forget => "forget",
            Command::Stop => "stop",
            Command::Notices => "notices",
            Command::Notice => "notice",
            Command::Log(_) => "log",
            Command::Model(_) => "model",
            Command::Models => "models",
            Command::MyLogs => "mylogs",
            Command::Report(_) => "report",
            Command::Surveys => "surveys",
            Command::Consultations => "gopy",
            Command::Households(_) => "hogiadinh",
            Command::JoinHousehold(_) => "ho",
            Command::Results(_) => "results",
            Command::Status(_) => "status",
            Command::Join(_) => "join",
            Command::Link(_) => "link",
            Command::Invite(_) => "invite",
            Command::Tickets(_) => "phananh",
            Command::Unknown(name) => name,
        }
    }
}

/// What a button asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload<'a> {
    /// `cmd:NAME`: the command, without arguments.
    Command(Command<'a>),
    /// `lang:vi`
    Lang(Lang),
    /// `consent:yes`, `unit:no`, `forget:yes`…
    Confirm(Confirm, bool),
    /// `unit:CODE`: one of the places offered.
    Unit(&'a str),
    /// `unit:retry`: search again.
    UnitRetry,
    /// `unit:keep`: leave the commune as it is (changing it, not signing up).
    UnitKeep,
    /// `ack:ID`: a notice read.
    Ack(i64),
    /// `ask:ID`: a question about a notice.
    Ask(i64),
    /// `notice:ID`: show a notice again.
    Notice(i64),
    /// `draft:…`: writing a notice.
    Draft(DraftButton<'a>),
    /// `logflow:…`: the guided log.
    Log(LogButton<'a>),
    /// `logedit:ID`
    LogEdit(i64),
    /// `logdel:ID`
    LogDelete(i64),
    /// `modelstatus:ID:STATUS`
    ModelStatus(i64, ModelStatus),
    /// `sv:ID:ACTION`
    Survey(i64, SurveyAction<'a>),
    /// `tkd:…`: a ticket being written.
    TicketDraft(TicketButton<'a>),
    /// `tk:ID` (show it), `tk:ID:ACTION`: a ticket sent.
    Ticket(i64, TicketAction),
    /// `gy:ID:ACTION`: a consultation on a draft.
    Consult(i64, ConsultAction<'a>),
    /// `hh:ID:ACTION`: a household of "1+10" (0 when the code names it).
    Household(i64, HouseholdAction<'a>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdAction<'a> {
    /// The cadre reminds the household of what some have not read or answered.
    Remind,
    /// The cadre logs a visit to it.
    Visit,
    /// A resident agrees to join the household with this code.
    Join(&'a str),
    /// A resident declines.
    Decline,
}

/// What a consultation's button asks for; typed text is read as one too
/// ([`crate::domain::consultation_chat::typed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultAction<'a> {
    /// The intro.
    Start,
    /// Show part N (past the last: the end).
    Read(i16),
    Opine(i16, Opinion),
    /// Typed only.
    Comment(i16, &'a str),
    /// "Tán thành" with every part not answered yet.
    AgreeRest,
    /// One's answers so far.
    Mine,
    Profile(ProfileStep<'a>),
}

/// The optional age group and occupation, under their own consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileStep<'a> {
    Consent(bool),
    Age(&'a str),
    Job(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketButton<'a> {
    Kind(Kind),
    Category(&'a str),
    Send,
    /// Send without the sender's identity shown to staff.
    SendAnonymously,
    Cancel,
    Skip,
    /// Start writing one (the menu's button).
    New,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    Show,
    /// The resident adds information.
    Info,
    /// The resident rates the answer: satisfied or not.
    Rate(bool),
    Reopen,
    /// Staff take a step (accept, answer, ask for more, reject).
    Staff(Move),
}

/// What a yes/no button answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Consent,
    Unit,
    Forget,
    /// Joining the household at the place the resident wrote.
    Place,
}

impl Confirm {
    fn code(self) -> &'static str {
        match self {
            Confirm::Consent => "consent",
            Confirm::Unit => "unit",
            Confirm::Forget => "forget",
            Confirm::Place => "place",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftButton<'a> {
    Cancel,
    Send,
    Skip,
    Now,
    /// The unit it goes to, by code.
    Unit(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogButton<'a> {
    Cancel,
    Save,
    Skip,
    Today,
    Yesterday,
    Sector(&'a str),
    Model(i64),
    NewModel,
    NoModel,
}

/// What a survey button asks for; typed text while answering is an [`Input::Typed`] answer.
#[derive(Debug, Clone, PartialEq)]
pub enum SurveyAction<'a> {
    Start,
    Later,
    Consent,
    Refuse,
    Answer(Input<'a>),
}

impl<'a> Payload<'a> {
    pub fn parse(payload: &'a str) -> Option<Payload<'a>> {
        let (kind, rest) = payload.split_once(':')?;
        let id = || rest.parse::<i64>().ok();
        Some(match (kind, rest) {
            ("cmd", name) => Payload::Command(Command::parse(name, "")),
            ("lang", code) => Payload::Lang(Lang::from_code(code)?),
            ("unit", "retry") => Payload::UnitRetry,
            ("unit", "keep") => Payload::UnitKeep,
            ("consent" | "unit" | "forget" | "place", "yes" | "no") => {
                let about = [
                    Confirm::Consent,
                    Confirm::Unit,
                    Confirm::Forget,
                    Confirm::Place,
                ]
                .into_iter()
                .find(|c| c.code() == kind)?;
                Payload::Confirm(about, rest == "yes")
            }
            ("unit", code) => Payload::Unit(code),
            ("ack", _) => Payload::Ack(id()?),
            ("ask", _) => Payload::Ask(id()?),
            ("notice", _) => Payload::Notice(id()?),
            ("draft", button) => Payload::Draft(DraftButton::parse(button)?),
            ("logflow", button) => Payload::Log(LogButton::parse(button)?),
            ("logedit", _) => Payload::LogEdit(id()?),
            ("logdel", _) => Payload::LogDelete(id()?),
            ("modelstatus", _) => {
                let (id, status) = rest.split_once(':')?;
                Payload::ModelStatus(id.parse().ok()?, ModelStatus::from_code(status)?)
            }
            ("sv", _) => {
                let (id, action) = rest.split_once(':')?;
                Payload::Survey(id.parse().ok()?, SurveyAction::parse(action)?)
            }
            ("tkd", button) => Payload::TicketDraft(TicketButton::parse(button)?),
            ("hh", _) => {
                let (id, action) = rest.split_once(':')?;
                let action = match action.split_once(':') {
                    None if action == "remind" => HouseholdAction::Remind,
                    None if action == "visit" => HouseholdAction::Visit,
                    None if action == "no" => HouseholdAction::Decline,
                    Some(("join", code)) => HouseholdAction::Join(code),
                    _ => return None,
                };
                Payload::Household(id.parse().ok()?, action)
            }
            ("gy", _) => {
                let (id, action) = rest.split_once(':')?;
                Payload::Consult(id.parse().ok()?, ConsultAction::parse(action)?)
            }
            ("tk", _) => match rest.split_once(':') {
                None => Payload::Ticket(id()?, TicketAction::Show),
                Some((id, action)) => {
                    Payload::Ticket(id.parse().ok()?, TicketAction::parse(action)?)
                }
            },
            _ => return None,
        })
    }
}

impl<'a> DraftButton<'a> {
    fn parse(button: &'a str) -> Option<DraftButton<'a>> {
        Some(match button {
            "cancel" => DraftButton::Cancel,
            "send" => DraftButton::Send,
            "skip" => DraftButton::Skip,
            "now" => DraftButton::Now,
            _ => DraftButton::Unit(button.strip_prefix("unit:")?),
        })
    }
}

impl<'a> LogButton<'a> {
    fn parse(button: &'a str) -> Option<LogButton<'a>> {
        Some(match button {
            "cancel" => LogButton::Cancel,
            "save" => LogButton::Save,
            "skip" => LogButton::Skip,
            "today" => LogButton::Today,
            "yesterday" => LogButton::Yesterday,
            "model:new" => LogButton::NewModel,
            "model:none" => LogButton::NoModel,
            _ => match button.split_once(':')? {
                ("sector", code) => LogButton::Sector(code),
                ("model", id) => LogButton::Model(id.parse().ok()?),
                _ => return None,
            },
        })
    }
}

impl<'a> TicketButton<'a> {
    fn parse(button: &'a str) -> Option<TicketButton<'a>> {
        Some(match button {
            "send" => TicketButton::Send,
            "anon" => TicketButton::SendAnonymously,
            "cancel" => TicketButton::Cancel,
            "skip" => TicketButton::Skip,
            "new" => TicketButton::New,
            _ => match button.split_once(':')? {
                ("kind", kind) => TicketButton::Kind(Kind::parse(kind)?),
                ("cat", code) => TicketButton::Category(code),
                _ => return None,
            },
        })
    }
}

impl<'a> ConsultAction<'a> {
    /// Reads "start", "all", "mine", "p:3", "3:a", "profile:yes", "age:u30", "job:farmer".
    fn parse(text: &'a str) -> Option<ConsultAction<'a>> {
        let part = |n: &str| n.parse::<i16>().ok().filter(|n| *n > 0);
        Some(match text.split_once(':') {
            None => match text {
                "start" => ConsultAction::Start,
                "all" => ConsultAction::AgreeRest,
                "mine" => ConsultAction::Mine,
                _ => return None,
            },
            Some(("p", n)) => ConsultAction::Read(part(n)?),
            Some(("profile", "yes")) => ConsultAction::Profile(ProfileStep::Consent(true)),
            Some(("profile", "no")) => ConsultAction::Profile(ProfileStep::Consent(false)),
            Some(("age", code)) => ConsultAction::Profile(ProfileStep::Age(code)),
            Some(("job", code)) => ConsultAction::Profile(ProfileStep::Job(code)),
            Some((n, letter)) => ConsultAction::Opine(part(n)?, Opinion::from_letter(letter)?),
        })
    }
}

impl TicketAction {
    fn parse(action: &str) -> Option<TicketAction> {
        Some(match action {
            "info" => TicketAction::Info,
            "good" => TicketAction::Rate(true),
            "bad" => TicketAction::Rate(false),
            "reopen" => TicketAction::Reopen,
            other => TicketAction::Staff(Move::parse(other)?),
        })
    }
}

impl<'a> SurveyAction<'a> {
    /// Reads "start", "a:agree:yes", "t:concerns:cost", "d:concerns", "s:comment", "back:rating"….
    fn parse(text: &'a str) -> Option<SurveyAction<'a>> {
        let mut parts = text.splitn(3, ':');
        let (verb, question, value) = (parts.next()?, parts.next(), parts.next());
        Some(match (verb, question, value) {
            ("start", None, None) => SurveyAction::Start,
            ("later", None, None) => SurveyAction::Later,
            ("consent", None, None) => SurveyAction::Consent,
            ("refuse", None, None) => SurveyAction::Refuse,
            ("back", Some(question), None) => SurveyAction::Answer(Input::Back { question }),
            ("a", Some(question), Some(value)) => {
                SurveyAction::Answer(Input::Pick { question, value })
            }
            ("t", Some(question), Some(value)) => {
                SurveyAction::Answer(Input::Tick { question, value })
            }
            ("d", Some(question), None) => SurveyAction::Answer(Input::Done { question }),
            ("s", Some(question), None) => SurveyAction::Answer(Input::Skip { question }),
            _ => return None,
        })
    }
}

impl fmt::Display for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Command(command) => write!(f, "cmd:{}", command.name()),
            Payload::Lang(lang) => write!(f, "lang:{}", lang.code()),
            Payload::Confirm(about, yes) => {
                write!(f, "{}:{}", about.code(), if *yes { "yes" } else { "no" })
            }
            Payload::Unit(code) => write!(f, "unit:{code}"),
            Payload::UnitRetry => f.write_str("unit:retry"),
            Payload::UnitKeep => f.write_str("unit:keep"),
            Payload::Ack(id) => write!(f, "ack:{id}"),
            Payload::Ask(id) => write!(f, "ask:{id}"),
            Payload::Notice(id) => write!(f, "notice:{id}"),
            Payload::Draft(button) => {
                f.write_str("draft:")?;
                match button {
                    DraftButton::Cancel => f.write_str("cancel"),
                    DraftButton::Send => f.write_str("send"),
                    DraftButton::Skip => f.write_str("skip"),
                    DraftButton::Now => f.write_str("now"),
                    DraftButton::Unit(code) => write!(f, "unit:{code}"),
                }
            }
            Payload::Log(button) => {
                f.write_str("logflow:")?;
                match button {
                    LogButton::Cancel => f.write_str("cancel"),
                    LogButton::Save => f.write_str("save"),
                    LogButton::Skip => f.write_str("skip"),
                    LogButton::Today => f.write_str("today"),
                    LogButton::Yesterday => f.write_str("yesterday"),
                    LogButton::Sector(code) => write!(f, "sector:{code}"),
                    LogButton::Model(id) => write!(f, "model:{id}"),
                    LogButton::NewModel => f.write_str("model:new"),
                    LogButton::NoModel => f.write_str("model:none"),
                }
            }
            Payload::LogEdit(id) => write!(f, "logedit:{id}"),
            Payload::LogDelete(id) => write!(f, "logdel:{id}"),
            Payload::ModelStatus(id, status) => write!(f, "modelstatus:{id}:{}", status.code()),
            Payload::Survey(id, action) => {
                write!(f, "sv:{id}:")?;
                match action {
                    SurveyAction::Start => f.write_str("start"),
                    SurveyAction::Later => f.write_str("later"),
                    SurveyAction::Consent => f.write_str("consent"),
                    SurveyAction::Refuse => f.write_str("refuse"),
                    SurveyAction::Answer(input) => match input {
                        Input::Back { question } => write!(f, "back:{question}"),
                        Input::Pick { question, value } => write!(f, "a:{question}:{value}"),
                        Input::Tick { question, value } => write!(f, "t:{question}:{value}"),
                        Input::Done { question } => write!(f, "d:{question}"),
                        Input::Skip { question } => write!(f, "s:{question}"),
                        // Typed text reaches the survey without a button.
                        Input::Typed(_) => Err(fmt::Error),
                    },
                }
            }
            Payload::TicketDraft(button) => {
                f.write_str("tkd:")?;
                match button {
                    TicketButton::Kind(kind) => write!(f, "kind:{}", kind.code()),
                    TicketButton::Category(code) => write!(f, "cat:{code}"),
                    TicketButton::Send => f.write_str("send"),
                    TicketButton::SendAnonymously => f.write_str("anon"),
                    TicketButton::Cancel => f.write_str("cancel"),
                    TicketButton::Skip => f.write_str("skip"),
                    TicketButton::New => f.write_str("new"),
                }
            }
            Payload::Ticket(id, action) => match action {
                TicketAction::Show => write!(f, "tk:{id}"),
                TicketAction::Info => write!(f, "tk:{id}:info"),
                TicketAction::Rate(true) => write!(f, "tk:{id}:good"),
                TicketAction::Rate(false) => write!(f, "tk:{id}:bad"),
                TicketAction::Reopen => write!(f, "tk:{id}:reopen"),
                TicketAction::Staff(m) => write!(f, "tk:{id}:{}", m.code()),
            },
            Payload::Household(id, action) => match action {
                HouseholdAction::Remind => write!(f, "hh:{id}:remind"),
                HouseholdAction::Visit => write!(f, "hh:{id}:visit"),
                HouseholdAction::Join(code) => write!(f, "hh:{id}:join:{code}"),
                HouseholdAction::Decline => write!(f, "hh:{id}:no"),
            },
            Payload::Consult(id, action) => {
                write!(f, "gy:{id}:")?;
                match action {
                    ConsultAction::Start => f.write_str("start"),
                    ConsultAction::AgreeRest => f.write_str("all"),
                    ConsultAction::Mine => f.write_str("mine"),
                    ConsultAction::Read(n) => write!(f, "p:{n}"),
                    ConsultAction::Opine(n, o) => write!(f, "{n}:{}", o.letter()),
                    ConsultAction::Profile(ProfileStep::Consent(yes)) => {
                        f.write_str(if *yes { "profile:yes" } else { "profile:no" })
                    }
                    ConsultAction::Profile(ProfileStep::Age(code)) => write!(f, "age:{code}"),
                    ConsultAction::Profile(ProfileStep::Job(code)) => write!(f, "job:{code}"),
                    // A comment is typed, never a button.
                    ConsultAction::Comment(..) => Err(fmt::Error),
                }
            }
        }
    }
}

impl From<Payload<'_>> for String {
    fn from(payload: Payload<'_>) -> String {
        payload.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_reads_back_as_the_same_bytes() {
        for wire in [
            "cmd:mydata",
            "cmd:link",
            "lang:vi",
            "lang:en",
            "consent:yes",
            "consent:no",
            "unit:yes",
            "unit:no",
            "forget:yes",
            "place:no",
            "unit:retry",
            "unit:keep",
            "unit:11953",
            "ack:7",
            "ask:7",
            "notice:7",
            "draft:cancel",
            "draft:send",
            "draft:skip",
            "draft:now",
            "draft:unit:11953",
            "logflow:cancel",
            "logflow:save",
            "logflow:skip",
            "logflow:today",
            "logflow:yesterday",
            "logflow:sector:nong-nghiep",
            "logflow:model:12",
            "logflow:model:new",
            "logflow:model:none",
            "logedit:5",
            "logdel:5",
            "modelstatus:4:active",
            "sv:9:start",
            "sv:9:later",
            "sv:9:consent",
            "sv:9:refuse",
            "sv:9:back:rating",
            "sv:9:a:agree:yes",
            "sv:9:t:concerns:cost",
            "sv:9:d:concerns",
            "sv:9:s:comment",
            "tkd:kind:report",
            "tkd:cat:moi_truong",
            "tkd:send",
            "tkd:anon",
            "tkd:cancel",
            "tkd:skip",
            "tkd:new",
            "tk:12",
            "tk:12:info",
            "tk:12:good",
            "tk:12:bad",
            "tk:12:reopen",
            "tk:12:accept",
            "tk:12:answer",
            "tk:12:ask_more",
            "gy:3:start",
            "gy:3:all",
            "gy:3:mine",
            "gy:3:p:2",
            "gy:3:2:a",
            "gy:3:2:d",
            "gy:3:2:o",
            "gy:3:profile:yes",
            "gy:3:profile:no",
            "gy:3:age:u30",
            "gy:3:job:farmer",
            "hh:4:remind",
            "hh:4:visit",
            "hh:0:join:12345678",
            "hh:0:no",
        ] {
            let parsed = Payload::parse(wire).unwrap_or_else(|| panic!("{wire:?} unread"));
            assert_eq!(parsed.to_string(), wire, "{parsed:?}");
        }
    }

    #[test]
    fn payloads_no_button_carries_are_not_read() {
        for wire in [
            "",
            "lang:fr",
            "consent:maybe",
            "ack:x",
            "sv:x:start",
            "sv:9:jump",
            "logflow:model:x",
            "draft:later",
            "modelstatus:4:gone",
            "gy:3:p:0",
            "gy:3:2:x",
            "gy:x:start",
            "nothing:1",
        ] {
            assert_eq!(Payload::parse(wire), None, "{wire:?}");
        }
    }

    #[test]
    fn ids_after_results_and_status_are_read_with_or_without_a_hash() {
        assert_eq!(
            Command::parse("results", " #12 "),
            Command::Results(Some(12))
        );
        assert_eq!(Command::parse("status", "12"), Command::Status(Some(12)));
        assert_eq!(Command::parse("status", "mười"), Command::Status(None));
        assert_eq!(Command::parse("dance", ""), Command::Unknown("dance"));
    }
}
