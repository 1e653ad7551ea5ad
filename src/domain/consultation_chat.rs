//! Answering a consultation in chat: the invitation's intro, one part per message with
//! "Tán thành / Không tán thành / Ý kiến khác", an optional comment, agreeing with the rest in one
//! tap, one's own answers to change while it is open, and the optional age group and occupation
//! under their own consent. Pure: the engine loads the consultation and the person's answers, and
//! writes what [`respond`] asks.

use std::collections::BTreeMap;

use super::consultation::{Consultation, MAX_COMMENT_CHARS, Opinion, Tally};
use super::payload::{ConsultAction, Payload, ProfileStep};
use super::vn_time;
use crate::message::{Button, Msg, Reply};

/// Age groups residents may give, as stored and as buttons carry them, with their words.
pub const AGE_GROUPS: [(&str, &str); 4] = [
    ("u30", "consult-age-u30"),
    ("30_45", "consult-age-30-45"),
    ("46_60", "consult-age-46-60"),
    ("o60", "consult-age-o60"),
];
/// Occupations residents may give.
pub const OCCUPATIONS: [(&str, &str); 7] = [
    ("farmer", "consult-job-farmer"),
    ("worker", "consult-job-worker"),
    ("official", "consult-job-official"),
    ("business", "consult-job-business"),
    ("student", "consult-job-student"),
    ("retired", "consult-job-retired"),
    ("other", "consult-job-other"),
];

/// One part's answer of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub opinion: Opinion,
    pub commented: bool,
}

/// What the engine knows of one consultation and the person in front of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsultContext {
    pub consultation: Consultation,
    pub open: bool,
    /// A page with the whole draft, if there is one.
    pub link: Option<String>,
    /// The person's answers by part number.
    pub mine: BTreeMap<i16, Answer>,
    /// The person agreed to give their age group and occupation.
    pub profile_consent: bool,
}

/// A change for the engine to write, to the consultation in the context.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsultEffect {
    /// This opinion on this part; a comment kept on it stays.
    Opine {
        part: i16,
        opinion: Opinion,
    },
    /// A comment on a part; with no opinion yet, it counts as "ý kiến khác".
    Comment {
        part: i16,
        comment: String,
    },
    /// "Tán thành" on every part not answered yet.
    AgreeRest,
    /// The separate consent for age group and occupation, given or taken back.
    ProfileConsent(bool),
    Age(String),
    Occupation(String),
}

/// Where a chat stands in a consultation after a turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub part: i16,
    /// Waiting for a comment on the part (after "không tán thành" or "ý kiến khác").
    pub comment: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Turn {
    /// Some: typed text goes to this part.
    pub at: Option<At>,
    pub replies: Vec<Reply>,
    pub effects: Vec<ConsultEffect>,
}

/// Text typed in a chat that is at `at` of a consultation: an opinion in words while reading a
/// part, else a comment on it.
pub fn typed(at: At, text: &str) -> ConsultAction<'_> {
    match Opinion::typed(text).filter(|_| !at.comment) {
        Some(opinion) => ConsultAction::Opine(at.part, opinion),
        None => ConsultAction::Comment(at.part, text),
    }
}

/// Carries out `action` for a registered person.
pub fn respond(context: Option<&ConsultContext>, id: i64, action: ConsultAction) -> Turn {
    let mut turn = Turn::default();
    let Some(ctx) = context.filter(|c| c.consultation.id == id) else {
        turn.replies.push(Reply::new(Msg::new("button-expired")));
        return turn;
    };
    let c = &ctx.consultation;
    if !ctx.open {
        turn.replies.push(Reply::new(
            Msg::new("consult-closed").text("title", &c.file.title),
        ));
        return turn;
    }
    let mut mine = ctx.mine.clone();
    let last = c.part_count();
    let next_after = |mine: &BTreeMap<i16, Answer>, n: i16| {
        (n + 1..=last)
            .find(|p| !mine.contains_key(p))
            .unwrap_or(n + 1)
    };
    match action {
        ConsultAction::Start => {
            turn.replies.push(intro(ctx));
        }
        ConsultAction::Read(n) if (1..=last).contains(&n) => {
            turn.at = Some(At {
                part: n,
                comment: false,
            });
            turn.replies.extend(part(c, n, mine.get(&n)));
        }
        ConsultAction::Read(_) => turn.replies.push(finished(ctx, &mine)),
        ConsultAction::Opine(n, opinion) if (1..=last).contains(&n) => {
            let commented = mine.get(&n).is_some_and(|a| a.commented);
            mine.insert(n, Answer { opinion, commented });
            turn.effects.push(ConsultEffect::Opine { part: n, opinion });
            let label = &c.part(n).expect("in range").label;
            let noted = |id| {
                Msg::new(id)
                    .text("label", label)
                    .msg("opinion", opinion.label())
            };
            if opinion == Opinion::Agree {
                turn.replies.push(Reply::new(noted("consult-noted")));
                turn.show_next(ctx, &mine, next_after(&mine, n));
            } else {
                turn.at = Some(At {
                    part: n,
                    comment: true,
                });
                turn.replies.push(
                    Reply::new(noted("consult-noted-ask").lines(
                        "ask",
                        vec![Msg::new("consult-ask-comment").text("label", label)],
                    ))
                    .row(vec![Button::new(
                        Msg::new("consult-skip"),
                        ConsultAction::Read(n + 1).payload(id),
                    )]),
                );
            }
        }
        ConsultAction::Comment(n, text) if (1..=last).contains(&n) => {
            if text.chars().count() > MAX_COMMENT_CHARS {
                turn.at = Some(At {
                    part: n,
                    comment: true,
                });
                turn.replies.push(Reply::new(
                    Msg::new("text-too-long").number("max", MAX_COMMENT_CHARS as i64),
                ));
                return turn;
            }
            let opinion = mine.get(&n).map_or(Opinion::Other, |a| a.opinion);
            mine.insert(
                n,
                Answer {
                    opinion,
                    commented: true,
                },
            );
            turn.effects.push(ConsultEffect::Comment {
                part: n,
                comment: text.trim().to_owned(),
            });
            let label = &c.part(n).expect("in range").label;
            turn.replies.push(Reply::new(
                Msg::new("consult-comment-noted").text("label", label),
            ));
            turn.show_next(ctx, &mine, next_after(&mine, n));
        }
        ConsultAction::Opine(..) | ConsultAction::Comment(..) => {
            turn.replies.push(Reply::new(Msg::new("button-expired")));
        }
        ConsultAction::AgreeRest => {
            let rest = (1..=last).filter(|p| !mine.contains_key(p)).count();
            for p in 1..=last {
                mine.entry(p).or_insert(Answer {
                    opinion: Opinion::Agree,
                    commented: false,
                });
            }
            turn.effects.push(ConsultEffect::AgreeRest);
            turn.replies.push(Reply::new(
                Msg::new("consult-agreed-rest").number("count", rest as i64),
            ));
            turn.replies.push(finished(ctx, &mine));
        }
        ConsultAction::Mine => turn.replies.push(my_answers(c, &mine)),
        ConsultAction::Profile(step) => turn.profile(ctx, step),
    }
    turn
}

impl Turn {
    /// Part `n`, or the end when there is none.
    fn show_next(&mut self, ctx: &ConsultContext, mine: &BTreeMap<i16, Answer>, n: i16) {
        let c = &ctx.consultation;
        if n <= c.part_count() {
            self.at = Some(At {
                part: n,
                comment: false,
            });
            self.replies.extend(part(c, n, mine.get(&n)));
        } else {
            self.replies.push(finished(ctx, mine));
        }
    }

    fn profile(&mut self, ctx: &ConsultContext, step: ProfileStep) {
        let id = ctx.consultation.id;
        let profile = |step| ConsultAction::Profile(step).payload(id);
        match step {
            ProfileStep::Consent(false) => {
                self.effects.push(ConsultEffect::ProfileConsent(false));
                self.replies
                    .push(Reply::new(Msg::new("consult-profile-declined")));
            }
            ProfileStep::Consent(true) => {
                self.effects.push(ConsultEffect::ProfileConsent(true));
                self.replies
                    .push(
                        Reply::new(Msg::new("consult-ask-age")).rows(AGE_GROUPS.iter().map(
                            |&(code, words)| {
                                Button::new(Msg::new(words), profile(ProfileStep::Age(code)))
                            },
                        )),
                    );
            }
            ProfileStep::Age(code)
                if ctx.profile_consent && group_words(&AGE_GROUPS, code).is_some() =>
            {
                self.effects.push(ConsultEffect::Age(code.to_owned()));
                self.replies
                    .push(Reply::new(Msg::new("consult-ask-occupation")).rows(
                        OCCUPATIONS.iter().map(|&(code, words)| {
                            Button::new(Msg::new(words), profile(ProfileStep::Job(code)))
                        }),
                    ));
            }
            ProfileStep::Job(code)
                if ctx.profile_consent && group_words(&OCCUPATIONS, code).is_some() =>
            {
                self.effects
                    .push(ConsultEffect::Occupation(code.to_owned()));
                self.replies
                    .push(Reply::new(Msg::new("consult-profile-thanks")));
            }
            ProfileStep::Age(_) | ProfileStep::Job(_) => {
                self.replies.push(Reply::new(Msg::new("button-expired")));
            }
        }
    }
}

/// The invitation's second step: what the draft is, until when, and how to answer.
pub fn intro(ctx: &ConsultContext) -> Reply {
    let c = &ctx.consultation;
    let id = c.id;
    let answered = ctx.mine.len() as i64;
    let first = (1..=c.part_count())
        .find(|p| !ctx.mine.contains_key(p))
        .unwrap_or(1);
    let details = [
        ("notice-issuer", "issuer", Some(c.file.issuer.as_str())),
        ("consult-link", "link", ctx.link.as_deref()),
    ]
    .into_iter()
    .filter_map(|(msg, name, value)| {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|v| Msg::new(msg).text(name, v.trim()))
    })
    .collect();
    let body = Msg::new("consult-intro")
        .rich("title", format!("**{}**", c.file.title))
        .text("summary", c.file.summary.trim())
        .number("parts", c.part_count().into())
        .number("answered", answered)
        .text("closes", vn_time::format_for_people(c.closes_at))
        .lines("details", details);
    let mut reply = Reply::new(body)
        .row(vec![Button::new(
            Msg::new(if answered == 0 {
                "consult-read"
            } else {
                "consult-read-on"
            }),
            ConsultAction::Read(first).payload(id),
        )])
        .row(vec![Button::new(
            Msg::new("consult-agree-all"),
            ConsultAction::AgreeRest.payload(id),
        )]);
    if answered > 0 {
        reply = reply.row(vec![Button::new(
            Msg::new("consult-mine"),
            ConsultAction::Mine.payload(id),
        )]);
    }
    reply
}

/// Part `n` with its answer buttons; the text in force it replaces, and the person's answer so
/// far, below it. Long texts are split by each channel to its own limit.
pub fn part(c: &Consultation, n: i16, mine: Option<&Answer>) -> Vec<Reply> {
    let Some(p) = c.part(n) else {
        return Vec::new();
    };
    let mut below = Vec::new();
    if let Some(current) = p.current.as_deref().filter(|t| !t.trim().is_empty()) {
        below.push(Msg::new("consult-part-current").text("current", current.trim()));
    }
    if let Some(answer) = mine {
        below.push(Msg::new("consult-part-mine").msg("opinion", answer.opinion.label()));
    }
    let heading = match p.title.trim() {
        "" => p.label.clone(),
        title => format!("{}. {title}", p.label),
    };
    let body = Msg::new("consult-part")
        .rich("heading", format!("**{heading}**"))
        .number("number", n.into())
        .number("count", c.part_count().into())
        .text("text", p.text.trim())
        .lines("below", below);
    let opine = |o: Opinion| Button::new(o.label(), ConsultAction::Opine(n, o).payload(c.id));
    vec![
        Reply::new(body)
            .row(vec![opine(Opinion::Agree), opine(Opinion::Disagree)])
            .row(vec![
                opine(Opinion::Other),
                Button::new(
                    Msg::new("consult-skip"),
                    ConsultAction::Read(n + 1).payload(c.id),
                ),
            ]),
    ]
}

/// After the last part: what the person said in all, that they may change it, and the optional
/// profile.
fn finished(ctx: &ConsultContext, mine: &BTreeMap<i16, Answer>) -> Reply {
    let c = &ctx.consultation;
    let tally = tally_of(mine);
    let mut reply = Reply::new(
        Msg::new("consult-finished")
            .number("answered", tally.opinions())
            .number("parts", c.part_count().into())
            .number("agree", tally.agree)
            .number("disagree", tally.disagree)
            .number("other", tally.other)
            .text("closes", vn_time::format_for_people(c.closes_at)),
    )
    .row(vec![Button::new(
        Msg::new("consult-mine"),
        ConsultAction::Mine.payload(c.id),
    )]);
    if !ctx.profile_consent {
        reply = reply.row(vec![
            Button::new(
                Msg::new("consult-profile-yes"),
                ConsultAction::Profile(ProfileStep::Consent(true)).payload(c.id),
            ),
            Button::new(
                Msg::new("consult-profile-no"),
                ConsultAction::Profile(ProfileStep::Consent(false)).payload(c.id),
            ),
        ]);
    }
    reply
}

/// The person's answers, part by part, with a button to each part to change it.
fn my_answers(c: &Consultation, mine: &BTreeMap<i16, Answer>) -> Reply {
    let lines = (1..=c.part_count())
        .map(|n| {
            let label = &c.part(n).expect("in range").label;
            let answer = mine
                .get(&n)
                .map_or(Msg::new("consult-unanswered"), |a| a.opinion.label());
            Msg::new("consult-mine-line")
                .text("label", label)
                .msg("opinion", answer)
        })
        .collect();
    Reply::new(Msg::new("consult-mine-list").lines("lines", lines)).rows((1..=c.part_count()).map(
        |n| {
            Button::new(
                Msg::new("consult-change").text("label", &c.part(n).expect("in range").label),
                ConsultAction::Read(n).payload(c.id),
            )
        },
    ))
}

fn tally_of(mine: &BTreeMap<i16, Answer>) -> Tally {
    let mut tally = Tally::default();
    for answer in mine.values() {
        tally.add(answer.opinion, 1);
    }
    tally
}

/// The words of an age group or occupation stored as `code`.
pub fn group_words(groups: &[(&str, &'static str)], code: &str) -> Option<Msg> {
    groups
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, words)| Msg::new(words))
}

/// The notice that invites residents: its button opens the intro.
pub fn invite_button(id: i64) -> Button {
    Button::new(Msg::new("consult-open"), ConsultAction::Start.payload(id))
}

impl<'a> ConsultAction<'a> {
    fn payload(self, id: i64) -> String {
        Payload::Consult(id, self).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consultation::{ConsultationFile, Status};

    fn consultation() -> Consultation {
        let file = ConsultationFile::parse(
            "+++\ntarget = { units = [\"12364\"] }\n+++\n# Hương ước\nDự thảo.\n## Điều 1\nMột.\n## Điều 2\nHai.\n> Cũ.\n## Điều 3\nBa.\n",
        )
        .expect("a draft");
        let at = vn_time::parse("2026-01-01 08:00").expect("a time");
        Consultation {
            id: 4,
            file: file.into(),
            unit_ids: vec![11],
            status: Status::Open,
            opens_at: at,
            closes_at: at + chrono::Duration::days(30),
        }
    }

    fn ctx(mine: &[(i16, Opinion)]) -> ConsultContext {
        ConsultContext {
            consultation: consultation(),
            open: true,
            link: Some("https://danvan.example/du-thao/4".into()),
            mine: mine
                .iter()
                .map(|&(p, opinion)| {
                    (
                        p,
                        Answer {
                            opinion,
                            commented: false,
                        },
                    )
                })
                .collect(),
            profile_consent: false,
        }
    }

    fn said(turn: &Turn) -> Vec<&'static str> {
        turn.replies.iter().map(|r| r.body.id).collect()
    }

    #[test]
    fn agreeing_moves_to_the_next_unanswered_part_and_disagreeing_asks_why() {
        let ctx = ctx(&[(2, Opinion::Agree)]);
        let agree = respond(Some(&ctx), 4, ConsultAction::Opine(1, Opinion::Agree));
        assert_eq!(said(&agree), vec!["consult-noted", "consult-part"]);
        assert_eq!(
            agree.at,
            Some(At {
                part: 3,
                comment: false
            })
        );
        let disagree = respond(Some(&ctx), 4, ConsultAction::Opine(3, Opinion::Disagree));
        assert_eq!(
            disagree.at,
            Some(At {
                part: 3,
                comment: true
            })
        );
        assert_eq!(
            disagree.replies[0].buttons[0][0].payload, "gy:4:p:4",
            "skipping the comment moves past the last part"
        );
        let comment = respond(Some(&ctx), 4, ConsultAction::Comment(1, "Nên rõ hơn"));
        assert_eq!(
            said(&comment),
            vec!["consult-comment-noted", "consult-part"]
        );
        assert_eq!(
            comment.effects,
            vec![ConsultEffect::Comment {
                part: 1,
                comment: "Nên rõ hơn".into()
            }]
        );
    }

    #[test]
    fn the_last_answer_ends_with_the_tally_and_the_optional_profile() {
        let ctx = ctx(&[(1, Opinion::Agree), (2, Opinion::Other)]);
        let done = respond(Some(&ctx), 4, ConsultAction::Opine(3, Opinion::Agree));
        assert_eq!(said(&done), vec!["consult-noted", "consult-finished"]);
        assert_eq!(done.at, None);
        let rest = respond(Some(&ctx), 4, ConsultAction::AgreeRest);
        assert_eq!(said(&rest), vec!["consult-agreed-rest", "consult-finished"]);
        assert_eq!(rest.effects, vec![ConsultEffect::AgreeRest]);
    }

    #[test]
    fn closed_foreign_or_out_of_range_buttons_change_nothing() {
        let mut closed = ctx(&[]);
        closed.open = false;
        for (context, id, action, expect) in [
            (
                Some(&closed),
                4,
                ConsultAction::Opine(1, Opinion::Agree),
                "consult-closed",
            ),
            (None, 4, ConsultAction::Start, "button-expired"),
            (Some(&ctx(&[])), 5, ConsultAction::Start, "button-expired"),
            (
                Some(&ctx(&[])),
                4,
                ConsultAction::Opine(9, Opinion::Agree),
                "button-expired",
            ),
            (
                Some(&ctx(&[])),
                4,
                ConsultAction::Profile(ProfileStep::Age("u30")),
                "button-expired",
            ),
        ] {
            let turn = respond(context, id, action);
            assert_eq!(said(&turn), vec![expect]);
            assert!(turn.effects.is_empty());
        }
    }

    #[test]
    fn typed_words_are_an_opinion_or_a_comment() {
        let reading = At {
            part: 2,
            comment: false,
        };
        assert_eq!(
            typed(reading, "khong tan thanh"),
            ConsultAction::Opine(2, Opinion::Disagree)
        );
        assert_eq!(
            typed(reading, "nen giu nhu cu"),
            ConsultAction::Comment(2, "nen giu nhu cu")
        );
        let commenting = At {
            comment: true,
            ..reading
        };
        assert_eq!(
            typed(commenting, "khong"),
            ConsultAction::Comment(2, "khong")
        );
    }
}
