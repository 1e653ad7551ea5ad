//! A survey's results within a unit: counts and percentages per question, the response rate, each
//! child unit's rate (rolled up the unit tree), free-text answers, and a bar chart per question.

use std::collections::HashMap;

use super::collation;
use super::listing::{self, Length};
use super::survey::{Kind, SurveyFile};
use super::survey_chat::{self, Survey};
use super::unit_directory::UnitDirectory;
use crate::message::{Bar, Chart, Lang, Msg, Reply};

/// Free-text answers listed per question in results.
pub const TEXTS_LISTED: i64 = 20;

/// One kept count (see `survey_tallies`): question '*' counts responses, '+' invitations; choice ''
/// counts answers to the question, a number answer counts under its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub unit_id: i64,
    pub question: String,
    pub choice: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub invited: i64,
    pub responded: i64,
    pub questions: Vec<QuestionResult>,
    /// Each child unit of the scope: (name, invited, responded).
    pub units: Vec<(String, i64, i64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    pub id: String,
    pub answered: i64,
    /// Choice questions: (option id, count) in the listed order.
    pub counts: Vec<(String, i64)>,
    /// Number and rating questions: (lowest, highest, mean).
    pub numbers: Option<(i64, i64, f64)>,
    /// Number questions: how many answered in each range, for the chart.
    pub histogram: Vec<(String, i64)>,
    /// Text questions: the answers listed.
    pub texts: Vec<String>,
}

/// Adds up the tallies of `scope` and everything below it.
pub fn compute(
    survey: &SurveyFile,
    scope: i64,
    tallies: &[Tally],
    texts: &[(String, String)],
    units: &UnitDirectory,
) -> Results {
    let total = |question: &str, choice: &str| -> i64 {
        tallies
            .iter()
            .filter(|t| t.question == question && t.choice == choice)
            .map(|t| t.count)
            .sum()
    };
    let questions = survey
        .questions
        .iter()
        .map(|q| {
            let values: Vec<String> = match q.kind {
                Kind::Single | Kind::Multiple => q.options.iter().map(|o| o.id.clone()).collect(),
                Kind::YesNo => vec!["yes".into(), "no".into()],
                Kind::Rating => (1..=5).map(|n| n.to_string()).collect(),
                Kind::Number | Kind::Text => vec![],
            };
            let counts = values
                .into_iter()
                .map(|v| {
                    let n = total(&q.id, &v);
                    (v, n)
                })
                .collect::<Vec<_>>();
            let mut values: Vec<(i64, i64)> = tallies
                .iter()
                .filter(|t| q.kind == Kind::Number && t.question == q.id && !t.choice.is_empty())
                .filter_map(|t| Some((t.choice.parse::<i64>().ok()?, t.count)))
                .collect();
            values.sort_unstable();
            let numbers = match q.kind {
                Kind::Number => numbers(values.iter().copied()),
                Kind::Rating => numbers(
                    counts
                        .iter()
                        .filter_map(|(v, n)| Some((v.parse::<i64>().ok()?, *n))),
                ),
                _ => None,
            };
            QuestionResult {
                id: q.id.clone(),
                answered: total(&q.id, ""),
                counts,
                numbers,
                histogram: histogram(&values),
                texts: texts
                    .iter()
                    .filter(|(question, _)| *question == q.id)
                    .map(|(_, text)| text.clone())
                    .collect(),
            }
        })
        .collect();
    // Each tally's unit rolled up to the child of the scope it lies in.
    let children = units.children(scope);
    let mut child_of: HashMap<i64, Option<i64>> = HashMap::new();
    let mut per_child: HashMap<i64, (i64, i64)> = HashMap::new();
    for t in tallies
        .iter()
        .filter(|t| t.question == "+" || t.question == "*")
    {
        let child = *child_of.entry(t.unit_id).or_insert_with(|| {
            children
                .iter()
                .map(|c| c.id)
                .find(|&c| units.is_within(t.unit_id, c))
        });
        if let Some(child) = child {
            let entry = per_child.entry(child).or_default();
            match t.question.as_str() {
                "+" => entry.0 += t.count,
                _ => entry.1 += t.count,
            }
        }
    }
    Results {
        invited: total("+", ""),
        responded: total("*", ""),
        questions,
        units: children
            .iter()
            .filter_map(|c| {
                let (invited, responded) = per_child.get(&c.id).copied()?;
                Some((c.name.clone(), invited, responded))
            })
            .collect(),
    }
}

/// Most bars a number question's chart has.
const HISTOGRAM_BARS: i64 = 6;

/// (value, count) pairs in order, as bars: one per value when there are few, else equal ranges
/// ("18–27") from the lowest to the highest.
fn histogram(values: &[(i64, i64)]) -> Vec<(String, i64)> {
    let (Some(&(low, _)), Some(&(high, _))) = (values.first(), values.last()) else {
        return Vec::new();
    };
    if values.len() as i64 <= HISTOGRAM_BARS {
        return values.iter().map(|(v, n)| (v.to_string(), *n)).collect();
    }
    let width = (high - low) / HISTOGRAM_BARS + 1;
    (0..HISTOGRAM_BARS)
        .map(|i| (low + i * width, low + (i + 1) * width - 1))
        .filter(|&(from, _)| from <= high)
        .map(|(from, to)| {
            let count = values
                .iter()
                .filter(|(v, _)| (from..=to).contains(v))
                .map(|(_, n)| n)
                .sum();
            (format!("{from}–{}", to.min(high)), count)
        })
        .collect()
}

fn numbers(values: impl Iterator<Item = (i64, i64)>) -> Option<(i64, i64, f64)> {
    let (mut low, mut high, mut sum, mut n) = (i64::MAX, i64::MIN, 0i128, 0i64);
    for (value, count) in values.filter(|(_, count)| *count > 0) {
        low = low.min(value);
        high = high.max(value);
        sum += value as i128 * count as i128;
        n += count;
    }
    (n > 0).then(|| (low, high, sum as f64 / n as f64))
}

/// A share of `of` in percent, to one decimal ("12,5" in Vietnamese, "12.5" in English).
fn percent(count: i64, of: i64) -> Msg {
    tenths(match of {
        0 => 0,
        _ => (count * 1000 + of / 2) / of,
    })
}

fn tenths(tenths: i64) -> Msg {
    Msg::new("survey-decimal")
        .text("sign", if tenths < 0 { "-" } else { "" })
        .number("whole", tenths.abs() / 10)
        .number("tenth", tenths.abs() % 10)
}

/// The results as the committee reads them (units as `length` says), then a chart per question
/// (but free text).
pub fn results_replies(
    survey: &Survey,
    scope: Msg,
    results: &Results,
    lang: Lang,
    length: Length,
) -> Vec<Reply> {
    let file = &survey.file;
    let label = |q, value: &str| survey_chat::answer_label(file, q, value, lang);
    let mut replies = Vec::new();
    let mut lines = Vec::new();
    for (q, r) in file.questions.iter().zip(&results.questions) {
        let mut details: Vec<Msg> = r
            .counts
            .iter()
            .map(|(value, count)| {
                Msg::new("results-count")
                    .msg("label", label(q, value))
                    .number("count", *count)
                    .msg("percent", percent(*count, r.answered))
            })
            .collect();
        if let Some((low, high, mean)) = r.numbers {
            details.push(
                Msg::new("results-numbers")
                    .number("low", low)
                    .number("high", high)
                    .msg("mean", tenths((mean * 10.0).round() as i64)),
            );
        }
        details.extend(
            r.texts
                .iter()
                .map(|t| Msg::new("results-text").text("text", t)),
        );
        lines.push(
            Msg::new("results-question")
                .text("question", file.question_text(q, lang))
                .number("answered", r.answered)
                .lines("details", details),
        );
        let bars: Vec<Bar> = match q.kind {
            Kind::Number => r
                .histogram
                .iter()
                .map(|(range, count)| Bar {
                    label: Msg::new("survey-option").text("label", range),
                    value: *count,
                })
                .collect(),
            _ => r
                .counts
                .iter()
                .map(|(value, count)| Bar {
                    label: label(q, value),
                    value: *count,
                })
                .collect(),
        };
        if !bars.is_empty() {
            let title = Msg::new("results-chart")
                .text("question", file.question_text(q, lang))
                .number("answered", r.answered);
            replies.push(Reply::new(title.clone()).chart(Chart { title, bars }));
        }
    }
    // Every unit reads as a table in Vietnamese order; in chat, the units where most answered come
    // first (ties in that order) and the others are added up in one line.
    let mut ranked: Vec<&(String, i64, i64)> = results.units.iter().collect();
    collation::sort_by_name(&mut ranked, |u| &u.0);
    if length == Length::Chat {
        ranked.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| b.1.cmp(&a.1)));
    }
    let (shown, others) = listing::split(&ranked, length);
    let mut units: Vec<Msg> = shown
        .iter()
        .map(|(name, invited, responded)| {
            Msg::new("results-unit")
                .text("unit", name)
                .number("responded", *responded)
                .number("invited", *invited)
                .msg("percent", percent(*responded, *invited))
        })
        .collect();
    if !others.is_empty() {
        let invited = others.iter().map(|u| u.1).sum();
        let responded = others.iter().map(|u| u.2).sum();
        units.push(
            Msg::new("results-units-rest")
                .number("units", others.len() as i64)
                .number("responded", responded)
                .number("invited", invited)
                .msg("percent", percent(responded, invited)),
        );
    }
    replies.insert(
        0,
        Reply::new(
            Msg::new("results")
                .text("title", file.title(lang))
                .msg("scope", scope)
                .number("responded", results.responded)
                .number("invited", results.invited)
                .msg("percent", percent(results.responded, results.invited))
                .lines("questions", lines)
                .lines("units", units),
        ),
    );
    replies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_numbers_chart_as_equal_ranges_and_few_as_themselves() {
        assert_eq!(
            histogram(&[(30, 1), (45, 2)]),
            [("30".to_owned(), 1), ("45".to_owned(), 2)]
        );
        let ages: Vec<(i64, i64)> = (18..=77).map(|a| (a, 1)).collect();
        let bars = histogram(&ages);
        assert_eq!(bars.len(), 6);
        assert_eq!(bars[0], ("18–27".to_owned(), 10));
        assert_eq!(bars[5], ("68–77".to_owned(), 10));
        assert_eq!(bars.iter().map(|b| b.1).sum::<i64>(), 60);
    }

    #[test]
    fn numbers_and_percentages_are_exact_on_a_known_set() {
        assert_eq!(
            numbers([(20, 1), (40, 3)].into_iter()),
            Some((20, 40, 35.0))
        );
        assert_eq!(numbers(std::iter::empty()), None);
        let p = percent(1, 3);
        assert_eq!(
            (p.args[1].1.clone(), p.args[2].1.clone()),
            (
                crate::message::Arg::Number(33),
                crate::message::Arg::Number(3)
            )
        );
    }
}
