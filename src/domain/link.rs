//! Link codes: a person asks for one in a chat where they signed up (`/link`) and sends it from
//! another, which then becomes theirs. Nine digits, for a phone's keypad; short-lived, few an
//! hour, stored only as a hash (as invitation codes are, [`super::invite::code_hash`]).
//!
//! Guessing: a chat costs an attacker nothing (a fresh web-chat visitor is a new chat), so wrong
//! codes are also counted overall. At most [`WRONG_CODES_OVERALL`] wrong codes in any
//! [`CODE_LIFETIME`], from all chats together, are checked; beyond that every code waits. A code
//! is then one of 900 million, and an attacker gets 100 guesses in its lifetime: a chance in nine
//! million per live code.

use chrono::Duration;
use rand::Rng;

/// How long a code works.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
/// Codes a person may ask for in an hour.
pub const CODES_PER_HOUR: i64 = 5;
/// Wrong codes a chat may send, less than an hour apart, before it must wait.
pub const WRONG_CODES: i32 = 5;
/// Wrong codes from all chats together in a [`CODE_LIFETIME`] before linking waits for everyone
/// (a person who links while someone guesses tries again a few minutes later).
pub const WRONG_CODES_OVERALL: i64 = 100;
const DIGITS: usize = 9;

/// A new code such as "480213795". It never starts with 0, so it never reads as a small number:
/// where choices are numbered, a typed number presses one.
pub fn new_code() -> String {
    rand::rng()
        .random_range(100_000_000..1_000_000_000_u32)
        .to_string()
}

/// The code in what was typed ("480 213 795", "480-213-795", " 480213795 "), if it is one.
pub fn read_code(typed: &str) -> Option<String> {
    let kept: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.'))
        .collect();
    let digits = kept.len() == DIGITS && kept.chars().all(|c| c.is_ascii_digit());
    (digits && !kept.starts_with('0')).then_some(kept)
}

/// "480 213 795": easier to read and copy by eye; [`read_code`] takes it back with the spaces.
pub fn shown(code: &str) -> String {
    format!("{} {} {}", &code[..3], &code[3..6], &code[6..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed_and_nothing_else_reads_as_one() {
        let code = new_code();
        assert_eq!(code.len(), 9);
        assert_eq!(read_code(&shown(&code)).as_deref(), Some(code.as_str()));
        for typed in [
            "480213795",
            " 480 213 795 ",
            "480-213-795",
            "48 02 13 79 5",
            "480.213.795",
        ] {
            assert_eq!(read_code(typed).as_deref(), Some("480213795"), "{typed:?}");
        }
        for typed in [
            "",
            "480213",
            "48021379",
            "4802137950",
            "048021379",
            "abc123456",
            "tien lu",
            "1",
        ] {
            assert_eq!(read_code(typed), None, "{typed:?}");
        }
    }
}
