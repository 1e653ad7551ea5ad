//! Answering a survey in chat: the invitation, the consent a sensitive survey asks first, one
//! question per message with buttons, and what each button or typed answer does. Pure: the engine
//! loads the survey, the person's progress and any earlier response, and carries out the effect.

use chrono::{DateTime, Utc};

use super::access::Grant;
use super::ids::{PersonId, SurveyId};
use super::notice::targets;
use super::payload::{Payload, SurveyAction};
use super::survey::{self, Answer, Draft, Input, Kind, Problem, Question, SurveyFile};
use super::unit_directory::UnitDirectory;
use super::vn_time;
use crate::message::{Button, Lang, Msg, Reply};

/// Where a survey stands, as `surveys.status` keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum SurveyStatus {
    Draft,
    Open,
    Closed,
}

impl SurveyStatus {
    pub fn code(self) -> &'static str {
        match self {
            SurveyStatus::Draft => "draft",
            SurveyStatus::Open => "open",
            SurveyStatus::Closed => "closed",
        }
    }
}

/// A stored survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub id: i64,
    pub file: SurveyFile,
    /// Target units (each with everything below it).
    pub unit_ids: Vec<i64>,
    pub status: SurveyStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl Survey {
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.status == SurveyStatus::Open && self.opens_at <= now && now < self.closes_at
    }

    /// Whether the survey is for someone living in `unit` with these roles.
    pub fn targets(&self, unit: Option<i64>, grants: &[Grant], units: &UnitDirectory) -> bool {
        targets(&self.unit_ids, &self.file.target.roles, unit, grants, units)
    }
}

/// HMAC-SHA256 of the survey and person under the key: stable, so one response each, and without
/// the key nobody can tell whose it is.
pub fn pseudonym(key: &[u8], SurveyId(survey): SurveyId, PersonId(person): PersonId) -> Vec<u8> {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(format!("survey:{survey}:person:{person}").as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// What the engine knows about one survey and the person in front of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyContext {
    pub survey: Survey,
    /// Open right now.
    pub open: bool,
    /// Answers so far, if the person started.
    pub draft: Option<Draft>,
    /// The person's complete response, if they gave one.
    pub response: Option<Vec<(String, Answer)>>,
}

/// A change for the engine to make, to the survey the context holds.
#[derive(Debug, Clone, PartialEq)]
pub enum SurveyEffect {
    /// Keep the answers so far (and mark the invitation started).
    Save(Draft),
    /// Record the separate consent, then keep the draft.
    Consent(Draft),
    /// Forget the answers so far.
    Drop,
    /// Consent refused (or taken back from an old message): forget the answers and the consent.
    Refuse,
    /// Store the complete response; the engine replies with [`thanks`] or, if another one got in
    /// first, [`already_answered`].
    Submit(Draft),
}

/// The outcome of one survey input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Turn {
    /// Some: the chat keeps answering this survey (typed text goes to it).
    pub answering: Option<i64>,
    pub replies: Vec<Reply>,
    pub effect: Option<SurveyEffect>,
}

/// Whether the question the person is at wants a number typed (a rating, a number question), so
/// a typed number answers it rather than pressing a numbered choice.
pub fn expects_number(ctx: &SurveyContext) -> bool {
    let draft = ctx.draft.clone().unwrap_or_default();
    ctx.draft.is_some()
        && survey::current(&ctx.survey.file, &draft)
            .is_some_and(|q| matches!(q.kind, Kind::Rating | Kind::Number))
}

/// Carries out `action` on the survey `id` for a registered person; `answering`: the chat was in
/// the middle of it.
pub fn respond(
    context: Option<&SurveyContext>,
    id: i64,
    action: SurveyAction,
    answering: bool,
    lang: Lang,
) -> Turn {
    let mut turn = Turn::default();
    let Some(ctx) = context.filter(|c| c.survey.id == id) else {
        turn.replies.push(Reply::new(Msg::new("button-expired")));
        return turn;
    };
    let file = &ctx.survey.file;
    if let Some(answers) = &ctx.response {
        turn.replies.push(already_answered(file, answers, lang));
        return turn;
    }
    if !ctx.open {
        // Closing deletes answers in progress; the chat's state still says it was answering.
        let midway = answering || ctx.draft.is_some();
        if ctx.draft.is_some() {
            turn.effect = Some(SurveyEffect::Drop);
        }
        turn.replies.push(match midway {
            true => closed_midway(file, lang),
            false => Reply::new(Msg::new("survey-closed").text("title", file.title(lang))),
        });
        return turn;
    }
    let draft = ctx.draft.clone().unwrap_or_default();
    let needs_consent = file.sensitive && !draft.consented;
    match action {
        SurveyAction::Later => {
            turn.replies.push(Reply::new(Msg::new("survey-later")));
        }
        SurveyAction::Refuse => {
            turn.effect = Some(SurveyEffect::Refuse);
            turn.replies.push(Reply::new(Msg::new("survey-refused")));
        }
        SurveyAction::Start | SurveyAction::Answer(_) if needs_consent => {
            turn.answering = Some(id);
            turn.replies.push(intro(file, lang));
            turn.replies.push(consent_request(&ctx.survey, lang));
        }
        SurveyAction::Consent => {
            let draft = Draft {
                consented: true,
                ..draft
            };
            turn.answering = Some(id);
            turn.replies.push(question(&ctx.survey, &draft, lang));
            turn.effect = Some(SurveyEffect::Consent(draft));
        }
        SurveyAction::Start => {
            turn.answering = Some(id);
            if ctx.draft.is_none() {
                turn.replies.push(intro(file, lang));
            }
            turn.replies.push(question(&ctx.survey, &draft, lang));
            turn.effect = Some(SurveyEffect::Save(draft));
        }
        SurveyAction::Answer(input) => match survey::take(file, &draft, &input) {
            Err(problem) => {
                turn.answering = Some(id);
                turn.replies.push(Reply::new(problem_message(&problem)));
                turn.replies.push(question(&ctx.survey, &draft, lang));
            }
            Ok(next) if survey::current(file, &next).is_none() => {
                turn.effect = Some(SurveyEffect::Submit(next));
            }
            Ok(next) => {
                turn.answering = Some(id);
                turn.replies.push(question(&ctx.survey, &next, lang));
                turn.effect = Some(SurveyEffect::Save(next));
            }
        },
    }
    turn
}

/// The invitation: title, introduction, closing time, and the two buttons.
pub fn invitation(survey: &Survey, lang: Lang) -> Reply {
    let file = &survey.file;
    Reply::new(closing(
        Msg::new("survey-invitation")
            .text("title", file.title(lang))
            .text("intro", file.intro(lang))
            .number("questions", file.questions.len() as i64),
        survey.closes_at,
    ))
    .row(vec![
        Button::new(
            Msg::new("survey-join-button"),
            Payload::Survey(survey.id, SurveyAction::Start),
        ),
        Button::new(
            Msg::new("survey-later-button"),
            Payload::Survey(survey.id, SurveyAction::Later),
        ),
    ])
}

/// Sent once to those who started but did not finish.
/// Whom a survey's reminder goes to: each is reminded once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whom {
    /// Started and did not finish.
    Unfinished,
    /// Invited and never started.
    NotStarted,
}

impl Whom {
    pub fn parse(code: &str) -> Option<Whom> {
        match code {
            "unfinished" => Some(Whom::Unfinished),
            "not_started" => Some(Whom::NotStarted),
            _ => None,
        }
    }

    /// "unfinished", "not_started": as forms and the Fluent selectors name it.
    pub fn code(self) -> &'static str {
        match self {
            Whom::Unfinished => "unfinished",
            Whom::NotStarted => "not_started",
        }
    }
}

pub fn reminder(survey: &Survey, whom: Whom, lang: Lang) -> Reply {
    let (id, button) = match whom {
        Whom::Unfinished => ("survey-reminder", "survey-continue-button"),
        Whom::NotStarted => ("survey-reminder-new", "survey-join-button"),
    };
    Reply::new(closing(
        Msg::new(id).text("title", survey.file.title(lang)),
        survey.closes_at,
    ))
    .row(vec![Button::new(
        Msg::new(button),
        Payload::Survey(survey.id, SurveyAction::Start),
    )])
}

fn intro(file: &SurveyFile, lang: Lang) -> Reply {
    Reply::new(
        Msg::new("survey-intro")
            .text("title", file.title(lang))
            .text("intro", file.intro(lang)),
    )
}

/// The closing time as people read it: "17:00 ngày 31/12/2026" (Vietnam time).
fn closing(msg: Msg, at: DateTime<Utc>) -> Msg {
    msg.date("closes", vn_time::local_date(at))
        .text("time", vn_time::clock_time(at))
}

fn consent_request(survey: &Survey, lang: Lang) -> Reply {
    Reply::new(Msg::new("survey-consent").text("title", survey.file.title(lang))).row(vec![
        Button::new(
            Msg::new("survey-consent-yes"),
            Payload::Survey(survey.id, SurveyAction::Consent),
        ),
        Button::new(
            Msg::new("survey-consent-no"),
            Payload::Survey(survey.id, SurveyAction::Refuse),
        ),
    ])
}

/// The current question: "Câu 2/5", its text and buttons, "Quay lại" after the first.
pub fn question(survey: &Survey, draft: &Draft, lang: Lang) -> Reply {
    let file = &survey.file;
    let Some(q) = survey::current(file, draft) else {
        return Reply::new(Msg::new("survey-complete"));
    };
    let (number, total) = survey::progress(file, draft);
    let question = q.id.as_str();
    let payload =
        |input: Input<'_>| Payload::Survey(survey.id, SurveyAction::Answer(input)).to_string();
    let label = |text: &str| Msg::new("survey-option").text("label", text);
    let hint = match q.kind {
        Kind::Multiple => Msg::new("survey-hint-multiple"),
        Kind::Number => Msg::new("survey-hint-number").msg("range", range(q.min, q.max)),
        Kind::Text => Msg::new("survey-hint-text").number("max", q.max_length() as i64),
        Kind::Single | Kind::YesNo | Kind::Rating => Msg::new("survey-hint-buttons"),
    };
    let mut reply = Reply::new(
        Msg::new("survey-question")
            .number("number", number as i64)
            .number("total", total as i64)
            .text("text", file.question_text(q, lang))
            .msg("hint", hint),
    );
    reply = match q.kind {
        Kind::Single => reply.rows(q.options.iter().map(|o| {
            Button::new(
                label(file.option_label(q, o, lang)),
                payload(Input::Pick {
                    question,
                    value: &o.id,
                }),
            )
        })),
        Kind::Multiple => reply
            .rows(q.options.iter().map(|o| {
                let ticked = draft.ticked.contains(&o.id);
                Button::new(
                    Msg::new("survey-tick")
                        .text("label", file.option_label(q, o, lang))
                        .text("ticked", if ticked { "yes" } else { "no" }),
                    payload(Input::Tick {
                        question,
                        value: &o.id,
                    }),
                )
            }))
            .row(vec![Button::new(
                Msg::new("survey-done-button"),
                payload(Input::Done { question }),
            )]),
        Kind::YesNo => reply.row(vec![
            Button::new(
                Msg::new("survey-yes"),
                payload(Input::Pick {
                    question,
                    value: "yes",
                }),
            ),
            Button::new(
                Msg::new("survey-no"),
                payload(Input::Pick {
                    question,
                    value: "no",
                }),
            ),
        ]),
        Kind::Rating => reply.row(
            (1..=5)
                .map(|n| {
                    Button::new(
                        label(&n.to_string()),
                        payload(Input::Pick {
                            question,
                            value: &n.to_string(),
                        }),
                    )
                })
                .collect(),
        ),
        Kind::Number | Kind::Text => reply,
    };
    let mut navigation = Vec::new();
    if !draft.answers.is_empty() {
        navigation.push(Button::new(
            Msg::new("survey-back-button"),
            payload(Input::Back { question }),
        ));
    }
    if q.optional {
        navigation.push(Button::new(
            Msg::new("survey-skip-button"),
            payload(Input::Skip { question }),
        ));
    }
    if navigation.is_empty() {
        reply
    } else {
        reply.row(navigation)
    }
}

/// The survey closed while the person was answering: nothing partial counts.
pub fn closed_midway(file: &SurveyFile, lang: Lang) -> Reply {
    Reply::new(Msg::new("survey-closed-midway").text("title", file.title(lang)))
}

/// Thanks, with what the person answered.
pub fn thanks(file: &SurveyFile, answers: &[(String, Answer)], lang: Lang) -> Reply {
    Reply::new(
        Msg::new("survey-thanks")
            .text("title", file.title(lang))
            .lines("answers", answer_lines(file, answers, lang)),
    )
}

/// A second attempt: the answers already given.
pub fn already_answered(file: &SurveyFile, answers: &[(String, Answer)], lang: Lang) -> Reply {
    Reply::new(
        Msg::new("survey-already")
            .text("title", file.title(lang))
            .lines("answers", answer_lines(file, answers, lang)),
    )
}

fn answer_lines(file: &SurveyFile, answers: &[(String, Answer)], lang: Lang) -> Vec<Msg> {
    answers
        .iter()
        .filter_map(|(id, answer)| {
            let q = file.question(id)?;
            let label = |value: &str| answer_label(file, q, value, lang);
            let given = match answer {
                Answer::Choice(c) => label(c),
                Answer::Choices(cs) => Msg::new("survey-choices")
                    .series("choices", cs.iter().map(|c| label(c)).collect()),
                Answer::Number(n) => Msg::new("survey-number").number("value", *n),
                Answer::Text(t) => Msg::new("survey-option").text("label", t),
                Answer::Skipped => Msg::new("survey-skipped"),
            };
            Some(
                Msg::new("survey-answer-line")
                    .text("question", file.question_text(q, lang))
                    .msg("answer", given),
            )
        })
        .collect()
}

/// How a stored choice reads: the option's label in `lang`, "Có"/"Không", or the value itself.
pub fn answer_label(file: &SurveyFile, q: &Question, value: &str, lang: Lang) -> Msg {
    match q.kind {
        Kind::YesNo => yes_no(value),
        _ => Msg::new("survey-option").text(
            "label",
            q.options
                .iter()
                .find(|o| o.id == value)
                .map_or(value, |o| file.option_label(q, o, lang)),
        ),
    }
}

/// "Có" or "Không" for a yes/no answer.
pub fn yes_no(value: &str) -> Msg {
    let id = match value {
        "yes" => "survey-yes",
        _ => "survey-no",
    };
    Msg::new(id)
}

/// "từ 16 đến 120", "từ 16 trở lên", "không quá 120", or any number.
fn range(min: Option<i64>, max: Option<i64>) -> Msg {
    let bounds = match (min, max) {
        (Some(_), Some(_)) => "both",
        (Some(_), None) => "min",
        (None, Some(_)) => "max",
        (None, None) => "none",
    };
    Msg::new("survey-range")
        .text("bounds", bounds)
        .number("min", min.unwrap_or_default())
        .number("max", max.unwrap_or_default())
}

fn problem_message(problem: &Problem) -> Msg {
    match problem {
        Problem::OldButton => Msg::new("survey-old-button"),
        Problem::NotOptional => Msg::new("survey-required"),
        Problem::Number { min, max } => {
            Msg::new("survey-number-invalid").msg("range", range(*min, *max))
        }
        Problem::TooLong(max) => Msg::new("text-too-long").number("max", *max as i64),
        Problem::UseButtons => Msg::new("use-buttons"),
        Problem::NothingTicked => Msg::new("survey-tick-something"),
    }
}

#[cfg(test)]
mod pseudonym_tests {
    use super::*;

    #[test]
    fn a_pseudonym_stays_what_stored_responses_were_kept_under() {
        let hex: String = pseudonym(b"key", SurveyId(7), PersonId(42))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "b21ca9ef551f3908c076d309c167b0efdc5e07b8cf7194404af272324366645a"
        );
    }
}
