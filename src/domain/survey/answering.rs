//! Answering a survey: a draft of the answers so far, which question comes next (optional ones,
//! `show_if`, going back) and what each input does to the draft.

use serde::{Deserialize, Serialize};

use super::*;

/// One answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// An option id; "yes"/"no"; a rating "1"…"5".
    Choice(String),
    Choices(Vec<String>),
    Number(i64),
    Text(String),
    Skipped,
}

impl Answer {
    fn matches(&self, values: &[String]) -> bool {
        match self {
            Answer::Choice(c) => values.contains(c),
            Answer::Choices(cs) => cs.iter().any(|c| values.contains(c)),
            _ => false,
        }
    }
}

/// Answers so far, in question order (a prefix of the questions shown).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Draft {
    pub consented: bool,
    pub answers: Vec<(String, Answer)>,
    /// Options ticked on the current multiple-choice question, before "Xong".
    #[serde(default)]
    pub ticked: Vec<String>,
}

impl Draft {
    fn answer(&self, question: &str) -> Option<&Answer> {
        self.answers
            .iter()
            .find(|(q, _)| q == question)
            .map(|(_, a)| a)
    }
}

/// Whether the question is asked, given the answers so far: None while its condition is unanswered.
/// A question whose condition names a question that is not asked is not asked either.
fn shown(survey: &SurveyFile, q: &Question, draft: &Draft) -> Option<bool> {
    let Some(rule) = &q.show_if else {
        return Some(true);
    };
    let parent = survey.question(&rule.question)?;
    match shown(survey, parent, draft) {
        Some(false) => Some(false),
        _ => draft.answer(&rule.question).map(|a| a.matches(&rule.is)),
    }
}

/// The question to ask next, or None when the draft is complete.
pub fn current<'a>(survey: &'a SurveyFile, draft: &Draft) -> Option<&'a Question> {
    survey
        .questions
        .iter()
        .find(|q| draft.answer(&q.id).is_none() && shown(survey, q, draft) != Some(false))
}

/// ("Câu 3/5"): the current question's place in the survey and the survey's length. A question
/// an earlier answer skipped is passed over rather than taken off the total, so the total never
/// changes under the person ("1/5" then "2/4" reads as an error).
pub fn progress(survey: &SurveyFile, draft: &Draft) -> (usize, usize) {
    let total = survey.questions.len();
    let number = current(survey, draft)
        .and_then(|q| survey.questions.iter().position(|p| p.id == q.id))
        .map_or(total, |i| i + 1);
    (number, total)
}

/// What a person did on the current question.
#[derive(Debug, Clone, PartialEq)]
pub enum Input<'a> {
    /// A button: the question it belongs to and its value.
    Pick {
        question: &'a str,
        value: &'a str,
    },
    /// Tick or untick an option of a multiple-choice question.
    Tick {
        question: &'a str,
        value: &'a str,
    },
    /// "Xong" on a multiple-choice question.
    Done {
        question: &'a str,
    },
    Skip {
        question: &'a str,
    },
    /// "Quay lại" on the message of `question`.
    Back {
        question: &'a str,
    },
    Typed(&'a str),
}

/// Why an input was not taken: the reply says so and asks again.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A button of another question (an old message).
    OldButton,
    NotOptional,
    /// A number outside the range, or no number.
    Number {
        min: Option<i64>,
        max: Option<i64>,
    },
    TooLong(usize),
    /// Typed text that matches no option.
    UseButtons,
    /// "Xong" with nothing ticked.
    NothingTicked,
}

/// The draft after `input`, or what was wrong with it.
pub fn take(survey: &SurveyFile, draft: &Draft, input: &Input) -> Result<Draft, Problem> {
    let mut next = draft.clone();
    let Some(q) = current(survey, draft) else {
        return Err(Problem::OldButton);
    };
    if let Input::Back { question } = *input {
        // Only from the question being asked: an old message's button, or a second tap, would
        // undo answers the person did not mean to.
        if question != q.id || next.answers.is_empty() {
            return Err(Problem::OldButton);
        }
        // Back on a multiple choice shows the options ticked before.
        next.ticked = match next.answers.pop() {
            Some((_, Answer::Choices(ticked))) => ticked,
            _ => Vec::new(),
        };
        return Ok(next);
    }
    let this = |id: &str| {
        if id == q.id {
            Ok(())
        } else {
            Err(Problem::OldButton)
        }
    };
    let answer = match *input {
        Input::Pick { question, value } => {
            this(question)?;
            if q.kind == Kind::Multiple || !q.accepts_value(value) {
                return Err(Problem::OldButton);
            }
            Answer::Choice(value.to_owned())
        }
        Input::Tick { question, value } => {
            this(question)?;
            if q.kind != Kind::Multiple || !q.accepts_value(value) {
                return Err(Problem::OldButton);
            }
            match next.ticked.iter().position(|t| t == value) {
                Some(i) => {
                    next.ticked.remove(i);
                }
                None => next.ticked.push(value.to_owned()),
            }
            return Ok(next);
        }
        Input::Done { question } => {
            this(question)?;
            if q.kind != Kind::Multiple {
                return Err(Problem::OldButton);
            }
            match (next.ticked.is_empty(), q.optional) {
                (true, false) => return Err(Problem::NothingTicked),
                (true, true) => Answer::Skipped,
                (false, _) => {
                    // In the order the options are listed, whatever order they were ticked in.
                    let ticked = q
                        .options
                        .iter()
                        .filter(|o| next.ticked.contains(&o.id))
                        .map(|o| o.id.clone())
                        .collect();
                    Answer::Choices(ticked)
                }
            }
        }
        Input::Skip { question } => {
            this(question)?;
            if !q.optional {
                return Err(Problem::NotOptional);
            }
            Answer::Skipped
        }
        Input::Typed(text) => typed(survey, q, text.trim())?,
        Input::Back { .. } => unreachable!("handled above"),
    };
    next.ticked.clear();
    next.answers.push((q.id.clone(), answer));
    Ok(next)
}

/// A typed answer: numbers and text as such; for choices, the option whose label (in any of the
/// survey's languages) matches without diacritics.
fn typed(survey: &SurveyFile, q: &Question, text: &str) -> Result<Answer, Problem> {
    match q.kind {
        Kind::Number => {
            let number = whole_number(text).ok_or(Problem::Number {
                min: q.min,
                max: q.max,
            })?;
            let in_range = q.min.is_none_or(|m| number >= m) && q.max.is_none_or(|m| number <= m);
            if !in_range {
                return Err(Problem::Number {
                    min: q.min,
                    max: q.max,
                });
            }
            Ok(Answer::Number(number))
        }
        Kind::Text => {
            if text.is_empty() {
                return Err(Problem::UseButtons);
            }
            if text.chars().count() > q.max_length() {
                return Err(Problem::TooLong(q.max_length()));
            }
            Ok(Answer::Text(text.to_owned()))
        }
        Kind::Multiple => Err(Problem::UseButtons),
        Kind::Single | Kind::YesNo | Kind::Rating => {
            let typed = fold(text);
            let labels: Vec<(String, String)> = match q.kind {
                Kind::YesNo => ["yes:co:dong y:yes", "no:khong:khong dong y:no"]
                    .iter()
                    .flat_map(|s| {
                        let mut parts = s.split(':');
                        let id = parts.next().unwrap_or_default();
                        parts.map(move |w| (id.to_owned(), w.to_owned()))
                    })
                    .collect(),
                Kind::Rating => (1..=5).map(|n| (n.to_string(), n.to_string())).collect(),
                _ => q
                    .options
                    .iter()
                    .flat_map(|o| {
                        Lang::ALL
                            .iter()
                            .map(move |&lang| (o.id.clone(), fold(survey.option_label(q, o, lang))))
                    })
                    .collect(),
            };
            labels
                .into_iter()
                .find(|(_, label)| *label == typed)
                .map(|(id, _)| Answer::Choice(id))
                .ok_or(Problem::UseButtons)
        }
    }
}

/// "45", "-3", "1.000" or "1 000" (thousands grouped); not "1,5" or "1.5", which are no whole numbers.
fn whole_number(text: &str) -> Option<i64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.strip_prefix('-').unwrap_or(&compact);
    let groups: Vec<&str> = digits.split('.').collect();
    let grouped = groups
        .iter()
        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    if !grouped {
        return None;
    }
    let number: i64 = groups.concat().parse().ok()?;
    Some(if compact.starts_with('-') {
        -number
    } else {
        number
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{FILE, survey};
    use super::*;

    fn answer(survey: &SurveyFile, draft: &Draft, input: Input) -> Draft {
        take(survey, draft, &input).unwrap()
    }

    #[test]
    fn show_if_skips_a_question_and_back_undoes_the_last_answer() {
        let s = survey();
        let d = Draft::default();
        assert_eq!(current(&s, &d).unwrap().id, "agree");
        assert_eq!(progress(&s, &d), (1, 5));
        // Agreeing hides the question about concerns.
        let d = answer(
            &s,
            &d,
            Input::Pick {
                question: "agree",
                value: "yes",
            },
        );
        assert_eq!(current(&s, &d).unwrap().id, "rating");
        assert_eq!(
            progress(&s, &d),
            (3, 5),
            "the skipped question is passed over"
        );
        // Back only from the question being asked, and only once.
        assert_eq!(
            take(&s, &d, &Input::Back { question: "agree" }),
            Err(Problem::OldButton)
        );
        let d = answer(&s, &d, Input::Back { question: "rating" });
        assert_eq!(current(&s, &d).unwrap().id, "agree");
        let d = answer(
            &s,
            &d,
            Input::Pick {
                question: "agree",
                value: "no",
            },
        );
        assert_eq!(current(&s, &d).unwrap().id, "concerns");
        assert_eq!(progress(&s, &d), (2, 5));
    }

    #[test]
    fn a_condition_on_a_hidden_question_hides_this_one_too() {
        let chained = FILE.replacen(
            "[[questions]]\nid = \"rating\"",
            "[[questions]]\nid = \"worst\"\nkind = \"yes_no\"\ntext = \"Chi phí là lo ngại lớn nhất?\"\nshow_if = { question = \"concerns\", is = [\"cost\"] }\n\n[[questions]]\nid = \"rating\"",
            1,
        );
        let s = SurveyFile::parse(&chained).unwrap();
        let d = answer(
            &s,
            &Draft::default(),
            Input::Pick {
                question: "agree",
                value: "yes",
            },
        );
        assert_eq!(current(&s, &d).unwrap().id, "rating");
        assert_eq!(
            progress(&s, &d),
            (4, 6),
            "both skipped questions are passed over"
        );
    }

    #[test]
    fn whole_numbers_may_group_thousands_but_have_no_decimals() {
        assert_eq!(whole_number(" 45 "), Some(45));
        assert_eq!(whole_number("1.000"), Some(1000));
        assert_eq!(whole_number("-3"), Some(-3));
        for bad in ["1,5", "1.5", "4 5x", "", "-", "1..000"] {
            assert_eq!(whole_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn each_kind_takes_its_own_input_and_names_what_is_wrong() {
        let s = survey();
        let d = answer(&s, &Draft::default(), Input::Typed("khong"));
        assert_eq!(d.answers[0], ("agree".into(), Answer::Choice("no".into())));
        // Multiple choice: ticks toggle, "Xong" keeps the listed order.
        let tick = |d: &Draft, v| {
            answer(
                &s,
                d,
                Input::Tick {
                    question: "concerns",
                    value: v,
                },
            )
        };
        let d2 = tick(&tick(&tick(&d, "cost"), "time"), "cost");
        assert_eq!(d2.ticked, ["time"]);
        assert_eq!(
            take(
                &s,
                &d,
                &Input::Done {
                    question: "concerns"
                }
            ),
            Err(Problem::NothingTicked)
        );
        let d = answer(
            &s,
            &tick(&tick(&d, "time"), "access"),
            Input::Done {
                question: "concerns",
            },
        );
        assert_eq!(
            d.answers[1].1,
            Answer::Choices(vec!["access".into(), "time".into()])
        );
        // An old button, from the first question.
        assert_eq!(
            take(
                &s,
                &d,
                &Input::Pick {
                    question: "agree",
                    value: "yes"
                }
            ),
            Err(Problem::OldButton)
        );
        assert_eq!(take(&s, &d, &Input::Typed("6")), Err(Problem::UseButtons));
        let d = answer(
            &s,
            &d,
            Input::Pick {
                question: "rating",
                value: "4",
            },
        );
        assert_eq!(
            take(&s, &d, &Input::Typed("150")),
            Err(Problem::Number {
                min: Some(16),
                max: Some(120)
            })
        );
        assert_eq!(
            take(&s, &d, &Input::Skip { question: "age" }),
            Err(Problem::NotOptional)
        );
        let d = answer(&s, &d, Input::Typed("45"));
        assert_eq!(
            take(&s, &d, &Input::Typed(&"x".repeat(301))),
            Err(Problem::TooLong(300))
        );
        let d = answer(
            &s,
            &d,
            Input::Skip {
                question: "comment",
            },
        );
        assert_eq!(current(&s, &d), None);
        assert_eq!(d.answers.len(), 5);
    }
}
