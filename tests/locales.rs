//! Every user-facing string is a Fluent message in every locale, with the variables Vietnamese has,
//! and every message id the code uses exists.

use std::collections::{BTreeMap, BTreeSet};

use danvan::i18n::SOURCES;
use danvan::message::Lang;
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
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let code = std::fs::read_to_string(&path).unwrap();
        for (start, _) in code.match_indices("Msg::new(") {
            let rest = &code[start + "Msg::new(".len()..];
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
                .map(|(i, _)| i)
                .unwrap();
            for literal in rest[..end].split('"').skip(1).step_by(2) {
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
