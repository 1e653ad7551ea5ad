//! Buttons on platforms that limit their payloads, and on those that have none.
//!
//! A payload longer than the platform takes travels as a token derived from it (the same payload
//! always gets the same token), remembered in the database before the message goes out and looked
//! up when the button is pressed. Where there are no buttons, choices are numbered in the text and
//! a typed number presses the button it names.

use sha2::{Digest, Sha256};

use crate::i18n::Localizer;
use crate::message::{Lang, Outbound, Reply};

/// Starts a payload that stands for a longer one kept in the database.
const TOKEN_PREFIX: char = '~';

/// The payload to send for a button: the payload itself when it fits in `max` bytes, else its token.
pub fn payload_data(payload: &str, max: usize) -> String {
    if payload.len() <= max && !payload.starts_with(TOKEN_PREFIX) {
        return payload.to_owned();
    }
    let digest = Sha256::digest(payload.as_bytes());
    format!("{TOKEN_PREFIX}{}", super::hex(&digest[..12]))
}

/// Whether pressed data is a token for a longer payload.
pub fn is_token(data: &str) -> bool {
    data.starts_with(TOKEN_PREFIX)
}

/// (token, payload) of every button whose payload does not fit in `max` bytes, to remember before
/// the replies go out.
pub fn long_payloads(outbound: &Outbound, max: usize) -> Vec<(String, String)> {
    outbound
        .replies
        .iter()
        .flat_map(|r| r.buttons.iter().flatten())
        .filter(|b| payload_data(&b.payload, max) != b.payload)
        .map(|b| (payload_data(&b.payload, max), b.payload.clone()))
        .collect()
}

/// A reply's buttons as rows of (label, data) for platforms with inline buttons: the data is the
/// payload, or its token when longer than `max` bytes.
pub fn inline(
    localizer: &Localizer,
    reply: &Reply,
    lang: Lang,
    max: usize,
) -> Vec<Vec<(String, String)>> {
    reply
        .buttons
        .iter()
        .map(|row| {
            row.iter()
                .map(|b| {
                    (
                        localizer.render(&b.label, lang),
                        payload_data(&b.payload, max),
                    )
                })
                .collect()
        })
        .collect()
}

/// A reply's buttons as numbered lines ("[1] Tiếng Việt   [2] English", one line per row),
/// numbered on from `first`; and their payloads in that order.
pub fn numbered(
    localizer: &Localizer,
    reply: &Reply,
    lang: Lang,
    first: usize,
) -> (Vec<String>, Vec<String>) {
    let mut payloads = Vec::new();
    let lines = reply
        .buttons
        .iter()
        .map(|row| {
            row.iter()
                .map(|b| {
                    payloads.push(b.payload.clone());
                    format!(
                        "[{}] {}",
                        first + payloads.len() - 1,
                        localizer.render(&b.label, lang)
                    )
                })
                .collect::<Vec<_>>()
                .join("   ")
        })
        .collect();
    (lines, payloads)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Button, Msg};

    #[test]
    fn long_payloads_travel_as_stable_tokens() {
        let long = format!("survey:answer:{}", "x".repeat(80));
        let outbound = Outbound {
            lang: Lang::Vi,
            replies: vec![Reply::new(Msg::new("menu")).row(vec![
                Button::new(Msg::new("yes-button"), "unit:yes"),
                Button::new(Msg::new("yes-button"), long.clone()),
            ])],
        };
        assert_eq!(payload_data("unit:yes", 64), "unit:yes");
        let token = payload_data(&long, 64);
        assert!(is_token(&token) && token.len() <= 64);
        assert_eq!(long_payloads(&outbound, 64), [(token, long)]);
        // A payload that merely looks like a token is tokenized too, so it cannot be forged.
        assert!(is_token(&payload_data("~abc", 64)) && payload_data("~abc", 64) != "~abc");
    }

    #[test]
    fn choices_are_numbered_across_rows_in_order() {
        let reply = Reply::new(Msg::new("menu"))
            .row(vec![
                Button::new(Msg::new("yes-button"), "a"),
                Button::new(Msg::new("yes-button"), "b"),
            ])
            .row(vec![Button::new(Msg::new("yes-button"), "c")]);
        let (lines, payloads) = numbered(&Localizer::new(), &reply, Lang::Vi, 1);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("[1] ") && lines[0].contains("   [2] "));
        assert!(lines[1].starts_with("[3] "));
        assert_eq!(payloads, ["a", "b", "c"]);
    }
}
