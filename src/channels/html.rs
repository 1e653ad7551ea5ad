//! Text as HTML, for channels that render it (Telegram, the web chat): everything escaped, the
//! light markup of `domain::richtext` as tags, cut to the channel's message length.

use crate::channels::text::{split, utf16_len};
use crate::domain::richtext;
use crate::i18n::Localizer;
use crate::message::{Lang, Msg};

/// `msg` as HTML in pieces of at most `max` UTF-16 units. Markup survives when the text fits in
/// one piece; a longer one is split as plain text, since a cut could fall inside a tag.
pub fn pieces(localizer: &Localizer, msg: &Msg, lang: Lang, max: usize) -> Vec<String> {
    let text = localizer.render(msg, lang);
    if utf16_len(&text) <= max {
        vec![localizer.render_marked(msg, lang, escape, |s| richtext::to_html(s, escape))]
    } else {
        split(&text, max).iter().map(|c| escape(c)).collect()
    }
}

/// Escapes text for HTML (Telegram's parse mode takes the same): attributes are written by
/// `richtext::to_html` alone, which escapes their quotes itself.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape("<b>Tiên & Lữ</b>"),
            "&lt;b&gt;Tiên &amp; Lữ&lt;/b&gt;"
        );
    }

    #[test]
    fn a_long_text_is_split_as_escaped_plain_text() {
        let msg = Msg::new("unit-name").text("name", "<a> ".repeat(40));
        let pieces = pieces(&Localizer::new(), &msg, Lang::Vi, 50);
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|p| !p.contains('<')));
    }
}
