//! Link codes: a person asks for one in a chat where they signed up (`/link`) and sends it from
//! another, which then becomes theirs. Six digits, for a phone's keypad; short-lived, few an hour,
//! stored only as a hash (as invitation codes are, [`super::invite::code_hash`]).

use chrono::Duration;
use rand::Rng;

/// How long a code works.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
/// Codes a person may ask for in an hour.
pub const CODES_PER_HOUR: i64 = 5;
/// Wrong codes a chat may send, less than an hour apart, before it must wait: with a million
/// codes and a few live at once, guessing is the risk.
pub const WRONG_CODES: i32 = 5;

/// A new code such as "480213". It never starts with 0, so it never reads as a small number:
/// where choices are numbered, a typed number presses one.
pub fn new_code() -> String {
    rand::rng().random_range(100_000..1_000_000).to_string()
}

/// The code in what was typed ("480 213", "480-213", " 480213 "), if it is one.
pub fn read_code(typed: &str) -> Option<String> {
    let kept: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.'))
        .collect();
    let digits = kept.len() == 6 && kept.chars().all(|c| c.is_ascii_digit());
    (digits && !kept.starts_with('0')).then_some(kept)
}

/// "480 213": easier to read and copy by eye; [`read_code`] takes it back with the space.
pub fn shown(code: &str) -> String {
    format!("{} {}", &code[..3], &code[3..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_is_typed_and_nothing_else_reads_as_one() {
        let code = new_code();
        assert_eq!(code.len(), 6);
        assert_eq!(read_code(&shown(&code)).as_deref(), Some(code.as_str()));
        for typed in ["480213", " 480 213 ", "480-213", "48 02 13", "480.213"] {
            assert_eq!(read_code(typed).as_deref(), Some("480213"), "{typed:?}");
        }
        for typed in ["", "48021", "4802134", "048021", "abc123", "tien lu", "1"] {
            assert_eq!(read_code(typed), None, "{typed:?}");
        }
    }
}
