//! Renders [`Msg`]s with Fluent. Vietnamese is the reference locale: every other locale must carry
//! the same ids and variables (a test checks), and a missing translation falls back to Vietnamese.

use chrono::NaiveDate;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::domain::richtext;
use crate::message::{Arg, Lang, Msg};

/// Private-use characters around the index of a rich argument while the template is rendered.
const PLACEHOLDER_OPEN: char = '\u{E000}';
const PLACEHOLDER_CLOSE: char = '\u{E001}';

/// Every Fluent file, per locale, built into the binary so it runs from anywhere.
pub const SOURCES: [(Lang, &str, &str); 14] = [
    (Lang::Vi, "core.ftl", include_str!("../locales/vi/core.ftl")),
    (
        Lang::Vi,
        "surveys.ftl",
        include_str!("../locales/vi/surveys.ftl"),
    ),
    (
        Lang::Vi,
        "channels.ftl",
        include_str!("../locales/vi/channels.ftl"),
    ),
    (Lang::Vi, "web.ftl", include_str!("../locales/vi/web.ftl")),
    (
        Lang::Vi,
        "consultations.ftl",
        include_str!("../locales/vi/consultations.ftl"),
    ),
    (
        Lang::Vi,
        "webchat.ftl",
        include_str!("../locales/vi/webchat.ftl"),
    ),
    (
        Lang::Vi,
        "households.ftl",
        include_str!("../locales/vi/households.ftl"),
    ),
    (Lang::En, "core.ftl", include_str!("../locales/en/core.ftl")),
    (
        Lang::En,
        "surveys.ftl",
        include_str!("../locales/en/surveys.ftl"),
    ),
    (
        Lang::En,
        "channels.ftl",
        include_str!("../locales/en/channels.ftl"),
    ),
    (Lang::En, "web.ftl", include_str!("../locales/en/web.ftl")),
    (
        Lang::En,
        "consultations.ftl",
        include_str!("../locales/en/consultations.ftl"),
    ),
    (
        Lang::En,
        "webchat.ftl",
        include_str!("../locales/en/webchat.ftl"),
    ),
    (
        Lang::En,
        "households.ftl",
        include_str!("../locales/en/households.ftl"),
    ),
];

pub struct Localizer {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl Localizer {
    pub fn new() -> Localizer {
        let bundles = Lang::ALL
            .into_iter()
            .map(|lang| {
                let id: LanguageIdentifier = lang.code().parse().expect("language codes are valid");
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Isolation marks show up as stray characters in chat apps.
                bundle.set_use_isolating(false);
                bundle.set_formatter(Some(match lang {
                    Lang::Vi => |v, _| format_value(v, Lang::Vi),
                    Lang::En => |v, _| format_value(v, Lang::En),
                }));
                for (_, name, text) in SOURCES.iter().filter(|(l, _, _)| *l == lang) {
                    let resource =
                        FluentResource::try_new(text.to_string()).unwrap_or_else(|(_, errors)| {
                            panic!("locales/{}/{name}: {errors:?}", lang.code())
                        });
                    bundle
                        .add_resource(resource)
                        .unwrap_or_else(|e| panic!("locales/{}/{name}: {e:?}", lang.code()));
                }
                (lang, bundle)
            })
            .collect();
        Localizer { bundles }
    }

    /// The plain text of `msg` in `lang`, falling back to Vietnamese, then to the bare id.
    pub fn render(&self, msg: &Msg, lang: Lang) -> String {
        self.render_marked(msg, lang, |s| s.to_owned(), richtext::to_plain)
    }

    /// The text of `msg` in a channel's markup: `text` escapes what the locale and plain arguments
    /// say, `rich` renders [`Arg::Rich`] arguments (which come through the template untouched).
    pub fn render_marked(
        &self,
        msg: &Msg,
        lang: Lang,
        text: impl Fn(&str) -> String,
        rich: impl Fn(&str) -> String,
    ) -> String {
        let rendered = [lang, Lang::Vi]
            .into_iter()
            .find_map(|l| self.try_render(msg, l))
            .unwrap_or_else(|| {
                tracing::error!(id = msg.id, "message id missing from every locale");
                msg.id.to_owned()
            });
        let sources: Vec<&str> = msg
            .args
            .iter()
            .filter_map(|(_, arg)| match arg {
                Arg::Rich(source) => Some(source.as_str()),
                _ => None,
            })
            .collect();
        // Rich arguments went in as placeholders: escape around them, render each in place.
        let mut out = String::with_capacity(rendered.len());
        let mut rest = rendered.as_str();
        while let Some(start) = rest.find(PLACEHOLDER_OPEN) {
            let after = &rest[start + PLACEHOLDER_OPEN.len_utf8()..];
            let Some(end) = after.find(PLACEHOLDER_CLOSE) else {
                break;
            };
            out.push_str(&text(&rest[..start]));
            if let Some(source) = after[..end]
                .parse::<usize>()
                .ok()
                .and_then(|i| sources.get(i))
            {
                out.push_str(&rich(source));
            }
            rest = &after[end + PLACEHOLDER_CLOSE.len_utf8()..];
        }
        out.push_str(&text(rest));
        // An empty last argument leaves a blank line behind.
        out.truncate(out.trim_end().len());
        out
    }

    fn try_render(&self, msg: &Msg, lang: Lang) -> Option<String> {
        let bundle = &self.bundles.iter().find(|(l, _)| *l == lang)?.1;
        let pattern = bundle.get_message(msg.id)?.value()?;
        let mut args = FluentArgs::new();
        let mut rich = 0;
        for (name, arg) in &msg.args {
            let value: FluentValue = match arg {
                Arg::Text(s) => s.clone().into(),
                Arg::Number(n) => (*n).into(),
                Arg::Date(d) => format_date(*d, lang).into(),
                Arg::Msg(m) => self.render(m, lang).into(),
                Arg::List(ms) => self.joined(ms, lang, ", ").into(),
                Arg::Lines(ms) => self.joined(ms, lang, "\n").into(),
                Arg::Series(ms) => self.joined(ms, lang, "; ").into(),
                Arg::Rich(_) => {
                    rich += 1;
                    format!("{PLACEHOLDER_OPEN}{}{PLACEHOLDER_CLOSE}", rich - 1).into()
                }
            };
            args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
        // A person sees "{$name}" where an argument was missing: tests (debug builds) stop there.
        debug_assert!(
            errors.is_empty(),
            "{} rendered with errors: {errors:?}",
            msg.id
        );
        if !errors.is_empty() {
            tracing::warn!(id = msg.id, ?errors, "message rendered with errors");
        }
        Some(text.into_owned())
    }
}

impl Localizer {
    fn joined(&self, msgs: &[Msg], lang: Lang, separator: &str) -> String {
        msgs.iter()
            .map(|m| self.render(m, lang))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

impl Default for Localizer {
    fn default() -> Self {
        Localizer::new()
    }
}

fn format_value(value: &FluentValue, lang: Lang) -> Option<String> {
    match value {
        FluentValue::Number(n) => Some(format_number(n.value, lang)),
        _ => None,
    }
}

/// 3.162 and 12,5 in Vietnamese; 3,162 and 12.5 in English. Fluent's NUMBER() does not group digits.
pub fn format_number(value: f64, lang: Lang) -> String {
    let (group, decimal) = match lang {
        Lang::Vi => ('.', ','),
        Lang::En => (',', '.'),
    };
    let rounded = (value.abs() * 100.0).round() as u64;
    let (whole, cents) = (rounded / 100, rounded % 100);
    let digits = whole.to_string();
    let mut out = String::new();
    if value < 0.0 && rounded > 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(d);
    }
    if cents > 0 {
        out.push(decimal);
        out.push_str(format!("{cents:02}").trim_end_matches('0'));
    }
    out
}

/// 15/4/2025 in Vietnamese, 15 Apr 2025 in English.
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => date.format("%-d/%-m/%Y").to_string(),
        Lang::En => date.format("%-d %b %Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(format_number(3162.0, Lang::Vi), "3.162");
        assert_eq!(format_number(3162.0, Lang::En), "3,162");
        assert_eq!(format_number(12.5, Lang::Vi), "12,5");
        assert_eq!(format_number(1_000_000.0, Lang::Vi), "1.000.000");
        assert_eq!(format_number(761.0, Lang::En), "761");
        assert_eq!(format_number(-0.25, Lang::En), "-0.25");
    }

    #[test]
    fn dates_read_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 15).unwrap();
        assert_eq!(format_date(d, Lang::Vi), "15/4/2025");
        assert_eq!(format_date(d, Lang::En), "15 Apr 2025");
    }

    #[test]
    fn numbers_inside_messages_use_the_locale() {
        let l = Localizer::new();
        let msg = Msg::new("text-too-long").number("max", 4096);
        assert!(
            l.render(&msg, Lang::Vi).contains("4.096"),
            "{}",
            l.render(&msg, Lang::Vi)
        );
        assert!(l.render(&msg, Lang::En).contains("4,096"));
    }

    #[test]
    fn english_counts_take_the_plural_form_their_number_asks_for() {
        let l = Localizer::new();
        let missed = |n| Msg::new("missed-notices").number("count", n);
        assert_eq!(l.render(&missed(1), Lang::En), "You have a new notice:");
        assert_eq!(l.render(&missed(2), Lang::En), "You have 2 new notices:");
        assert_eq!(l.render(&missed(2), Lang::Vi), "Bạn có 2 thông báo mới:");
    }
}
