//! The page at `/chat` and the script at `/chat/embed.js`, from `assets/web-chat/`: one
//! self-contained page (its CSS and script inline, nothing from elsewhere), its fixed words from
//! Fluent in the page's language (Vietnamese unless `?lang=en`).

use secrecy::ExposeSecret;
use serde_json::json;

use super::Persona;
use crate::channels::html::escape;
use crate::i18n::Localizer;
use crate::message::{Lang, MAX_TEXT_CHARS, Msg};

const PAGE: &str = include_str!("../../../assets/web-chat/page.html");
const STYLE: &str = include_str!("../../../assets/web-chat/chat.css");
const SCRIPT: &str = include_str!("../../../assets/web-chat/chat.js");
const EMBED: &str = include_str!("../../../assets/web-chat/embed.js");

/// The page's HTML; `nonce` lets its own inline style and script run, and nothing else.
pub fn page(localizer: &Localizer, lang: Lang, personas: &[Persona], nonce: &str) -> String {
    let word = |id: &'static str| localizer.render(&Msg::new(id), lang);
    let config = json!({
        "lang": lang.code(),
        "strings": {
            "offline": word("web-chat-offline"),
            "locationRefused": word("web-chat-location-refused"),
            "unavailable": word("web-chat-error-unavailable"),
        },
        "personas": personas
            .iter()
            .map(|p| json!({"label": p.label, "token": p.visitor.token.expose_secret()}))
            .collect::<Vec<_>>(),
    });
    let personas = if personas.is_empty() {
        String::new()
    } else {
        let options: String = personas
            .iter()
            .map(|p| format!("<option>{}</option>", escape(&p.label)))
            .collect();
        format!(
            "<label>{} <select id=\"persona\">{options}</select></label>",
            escape(&word("web-chat-persona"))
        )
    };
    fill(
        PAGE,
        &[
            ("lang", lang.code().to_owned()),
            ("title", escape(&word("web-chat-title"))),
            ("placeholder", escape(&word("web-chat-placeholder"))),
            ("send", escape(&word("web-chat-send"))),
            ("photo", escape(&word("web-chat-photo"))),
            ("max", MAX_TEXT_CHARS.to_string()),
            ("personas", personas),
            ("nonce", nonce.to_owned()),
            ("style", STYLE.to_owned()),
            ("config", script_json(&config)),
            ("script", SCRIPT.to_owned()),
        ],
    )
}

/// The script a commune's site includes, its button's words in `lang`.
pub fn embed(localizer: &Localizer, lang: Lang) -> String {
    let word = |id: &'static str| localizer.render(&Msg::new(id), lang);
    let words = json!({
        "lang": lang.code(),
        "open": word("web-chat-open"),
        "close": word("web-chat-close"),
        "title": word("web-chat-title"),
    });
    fill(EMBED, &[("words", script_json(&words))])
}

/// JSON that is safe inside a `<script>` element: no `<` to close it early.
fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// The template with each `{{name}}` replaced, in one pass: a value is never read as a template.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        let name = &rest[start + 2..start + end];
        out.push_str(&rest[..start]);
        match values.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..start + end + 2]),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_vietnamese_by_default_and_leaves_no_blank_unfilled() {
        let l = Localizer::new();
        let vi = page(&l, Lang::Vi, &[], "n0nce");
        assert!(vi.contains("<html lang=\"vi\">") && vi.contains("Nhập tin nhắn"));
        assert!(!vi.contains("{{") && !vi.contains("id=\"persona\""));
        assert_eq!(vi.matches("nonce=\"n0nce\"").count(), 2);
        let en = page(&l, Lang::En, &[], "n");
        assert!(en.contains("Type a message"));
        assert!(!embed(&l, Lang::Vi).contains("{{"));
    }

    #[test]
    fn personas_are_offered_and_cannot_break_out_of_the_page() {
        let personas = [Persona {
            label: "Cán bộ </script><b>".into(),
            visitor: crate::channels::web::Visitor {
                token: "t".into(),
                address: "a".into(),
            },
        }];
        let html = page(&Localizer::new(), Lang::Vi, &personas, "n");
        assert!(html.contains("<option>Cán bộ &lt;/script&gt;&lt;b&gt;</option>"));
        assert_eq!(html.matches("</script>").count(), 2);
    }
}
