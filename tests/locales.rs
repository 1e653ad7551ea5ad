//! Every user-facing string is a Fluent message in every locale, with the variables Vietnamese has,
//! and every message id the code uses exists.

use std::collections::{BTreeMap, BTreeSet};

use danvan::i18n::{Localizer, SOURCES};
use danvan::message::{Lang, Msg};
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use fluent_syntax::parser;

type Catalog = BTreeMap<String, BTreeSet<String>>;

fn catalog(lang: Lang) -> Catalog {
    let mut messages = Catalog::new();
    for (_, name, text) in SOURCES.iter().filter(|(l, _, _)| *l == lang) {
        let resource = parser::parse(*text)
            .unwrap_or_else(|(_, e)| panic!("locales/{}/{name}: {e:?}", lang.code()));
        for entry in resource.body {
            match entry {
                Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    if let Some(p) = &m.value {
                        variables(p, &mut vars);
                    }
                    assert!(
                        messages.insert(m.id.name.to_string(), vars).is_none(),
                        "{} defined twice",
                        m.id.name
                    );
                }
                Entry::Junk { content } => {
                    panic!("locales/{}/{name}: unparsable: {content}", lang.code())
                }
                _ => {}
            }
        }
    }
    messages
}

fn variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for v in variants {
                variables(&v.value, out);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        _ => {}
    }
}

#[test]
fn every_locale_has_every_vietnamese_message_with_the_same_variables() {
    let reference = catalog(Lang::Vi);
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::Vi) {
        let other = catalog(lang);
        for (id, vars) in &reference {
            let theirs = other
                .get(id)
                .unwrap_or_else(|| panic!("locales/{} lacks {id}", lang.code()));
            assert_eq!(
                theirs,
                vars,
                "locales/{}: {id} has other variables than Vietnamese",
                lang.code()
            );
        }
        for id in other.keys() {
            assert!(
                reference.contains_key(id),
                "locales/{} has {id}, which Vietnamese lacks",
                lang.code()
            );
        }
    }
}

/// Scans the source for `Msg::new(…)` and checks every string literal inside it is a message id.
#[test]
fn every_message_id_in_the_code_exists() {
    let reference = catalog(Lang::Vi);
    let mut used = BTreeSet::new();
    for (_, code) in source_files(&[]) {
        for argument in call_arguments(&code, "Msg::new(") {
            for literal in argument.split('"').skip(1).step_by(2) {
                used.insert(literal.to_owned());
            }
        }
    }
    assert!(used.len() > 40, "the scan found only {used:?}");
    for id in &used {
        assert!(
            reference.contains_key(id),
            "the code uses {id:?}, which locales/vi lacks"
        );
    }
}

/// Every refusal a person can see, one of each variant; `variant` matches without a wildcard, so a
/// new variant does not compile until it is listed here too.
fn refusals() -> Vec<(String, Msg)> {
    use danvan::app::surveys::Refusal;
    use danvan::domain::survey::{QuestionFault, SurveyError};
    use danvan::domain::units::UnitListError;
    let at = chrono::DateTime::from_timestamp(1_776_000_000, 0).unwrap();
    let refusals = [
        Refusal::Missing(7),
        Refusal::Opened(7),
        Refusal::NotDraft(7, danvan::domain::survey_chat::SurveyStatus::Open),
        Refusal::NotDraft(7, danvan::domain::survey_chat::SurveyStatus::Closed),
        Refusal::ClosingTimePassed(7, at),
        Refusal::NotOpen(7),
    ];
    let variant = |r: &Refusal| match r {
        Refusal::Missing(_) => 0,
        Refusal::Opened(_) => 1,
        Refusal::NotDraft(..) => 2,
        Refusal::ClosingTimePassed(..) => 3,
        Refusal::NotOpen(_) => 4,
    };
    assert_eq!(covered(refusals.iter().map(variant)), 5);
    let faults = [
        QuestionFault::Options,
        QuestionFault::TooManyOptions,
        QuestionFault::MinMaxKind,
        QuestionFault::MinAboveMax,
        QuestionFault::MaxLengthKind,
        QuestionFault::MaxLengthRange,
    ];
    let fault = |f: &QuestionFault| match f {
        QuestionFault::Options => 0,
        QuestionFault::TooManyOptions => 1,
        QuestionFault::MinMaxKind => 2,
        QuestionFault::MinAboveMax => 3,
        QuestionFault::MaxLengthKind => 4,
        QuestionFault::MaxLengthRange => 5,
    };
    assert_eq!(covered(faults.iter().map(fault)), 6);
    let mut files = vec![
        SurveyError::Toml {
            line: 0,
            detail: "expected `=`".into(),
        },
        SurveyError::Toml {
            line: 3,
            detail: "expected `=`".into(),
        },
        SurveyError::Empty("title".into()),
        SurveyError::TooLong("intro".into()),
        SurveyError::Id("Q 1".into()),
        SurveyError::ShowIf("q3".into()),
        SurveyError::Times,
        SurveyError::Language("fr".into()),
        SurveyError::Questions,
        SurveyError::TargetLanguages,
    ];
    files.extend(faults.map(|f| SurveyError::Question("q2".into(), f)));
    let file = |e: &SurveyError| match e {
        SurveyError::Toml { .. } => 0,
        SurveyError::Empty(_) => 1,
        SurveyError::TooLong(_) => 2,
        SurveyError::Id(_) => 3,
        SurveyError::Question(..) => 4,
        SurveyError::ShowIf(_) => 5,
        SurveyError::Times => 6,
        SurveyError::Language(_) => 7,
        SurveyError::Questions => 8,
        SurveyError::TargetLanguages => 9,
    };
    assert_eq!(covered(files.iter().map(file)), 10);
    let lists = [
        UnitListError::Csv {
            line: 0,
            detail: "found record with 2 fields".into(),
        },
        UnitListError::Csv {
            line: 4,
            detail: "found record with 2 fields".into(),
        },
        UnitListError::MissingColumn("parent_code".into()),
        UnitListError::EmptyField { line: 5 },
        UnitListError::DuplicateCode("01".into()),
        UnitListError::UnknownParent {
            code: "00004".into(),
            parent: "99".into(),
        },
    ];
    let list = |e: &UnitListError| match e {
        UnitListError::Csv { .. } => 0,
        UnitListError::MissingColumn(_) => 1,
        UnitListError::EmptyField { .. } => 2,
        UnitListError::DuplicateCode(_) => 3,
        UnitListError::UnknownParent { .. } => 4,
    };
    assert_eq!(covered(lists.iter().map(list)), 5);
    let mut all: Vec<(String, Msg)> = refusals.iter().map(|r| (r.to_string(), r.msg())).collect();
    all.extend(files.iter().map(|e| (e.to_string(), e.msg())));
    all.extend(lists.iter().map(|e| (e.to_string(), e.msg())));
    all
}

fn covered(variants: impl Iterator<Item = usize>) -> usize {
    variants.collect::<BTreeSet<_>>().len()
}

/// A refusal's `Display` is English with hints for the command line (`danvan survey update`):
/// pages and chats must show its Fluent message instead. Each refusal renders in Vietnamese and in
/// English, from the locale itself (not the id, not the other language as a fallback), with every
/// variable filled, and the Vietnamese text holds nothing of the `Display`.
#[test]
fn every_refusal_a_person_sees_is_a_message_in_each_language() {
    let localizer = Localizer::new();
    for (display, msg) in refusals() {
        let vi = localizer.render(&msg, Lang::Vi);
        let en = localizer.render(&msg, Lang::En);
        for text in [&vi, &en] {
            assert!(
                !text.trim().is_empty() && *text != msg.id,
                "{display}: {text:?}"
            );
            assert!(
                !text.contains('{'),
                "{display}: a variable left out: {text}"
            );
        }
        assert_ne!(vi, en, "{display}: English falls back to Vietnamese");
        assert!(
            !vi.contains(&display),
            "{display}: shown as its Display: {vi}"
        );
        assert!(
            !vi.contains("danvan "),
            "{display}: a command-line hint: {vi}"
        );
    }
}

/// The other half: a front door must not turn an error into text itself. Scans the code that
/// builds what people read (all but the command line, the fakes and the benchmarks) for a
/// message argument made from an error's `Display`, as `.text("why", why.to_string())` was; such
/// an argument would bypass the test above. An error's message goes in as `.msg(.., e.msg())`.
#[test]
fn no_message_argument_is_an_errors_display() {
    const ERRORS: [&str; 7] = ["e", "err", "error", "why", "refusal", "refused", "problem"];
    let mut found = Vec::new();
    for (path, code) in source_files(&["cli", "fakes", "bench"]) {
        for argument in call_arguments(&code, ".text(") {
            let names_an_error = argument
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| ERRORS.contains(&word));
            let displayed = argument.contains("to_string()") || argument.contains("format!");
            if names_an_error && displayed {
                found.push(format!("{}: .text({argument})", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "an error's Display in a message: {found:#?}"
    );
}

/// Every file under `src/` but the folders `skipped`, with its text.
fn source_files(skipped: &[&str]) -> Vec<(std::path::PathBuf, String)> {
    let src = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let skipped: Vec<_> = skipped.iter().map(|d| src.join(d)).collect();
    let mut stack = vec![src];
    let mut files = Vec::new();
    while let Some(path) = stack.pop() {
        if skipped.contains(&path) {
            continue;
        }
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let code = std::fs::read_to_string(&path).unwrap();
        files.push((path, code));
    }
    files
}

/// What stands between `opener` (a call's name and its opening parenthesis) and the matching
/// closing one, at each place the code calls it.
fn call_arguments<'a>(code: &'a str, opener: &'a str) -> impl Iterator<Item = &'a str> {
    code.match_indices(opener).map(move |(start, _)| {
        let rest = &code[start + opener.len()..];
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(rest.len(), |(i, _)| i);
        &rest[..end]
    })
}
