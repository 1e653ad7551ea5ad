//! Vietnamese typed without a Vietnamese keyboard: the two input methods people learn, Telex
//! ("tieen luwx" for "tiên lữ", "dd" for "đ") and VNI ("tie6n lu74"), read back into the letters
//! they stand for. A phone without the input method leaves the keys in the text as typed.
//!
//! Whether a word was meant that way is the caller's to judge: "kar" is a word of Ea Kar, and
//! "xa" begins with an x that is no tone key. [`decode`] only reads the keys.

use unicode_normalization::UnicodeNormalization;

/// Combining marks, in the order of a letter's: its vowel mark, then (for the word) its tone.
const CIRCUMFLEX: char = '\u{302}';
const BREVE: char = '\u{306}';
const HORN: char = '\u{31b}';
const ACUTE: char = '\u{301}';
const GRAVE: char = '\u{300}';
const HOOK: char = '\u{309}';
const TILDE: char = '\u{303}';
const DOT: char = '\u{323}';

/// A letter being typed, and the vowel mark keys put on it.
struct Letter {
    base: char,
    mark: Option<char>,
}

/// The word as Telex or VNI would have written it (NFC, with its diacritics), or None when no key
/// in it is an input method's, or one such key has nothing to apply to. Words with digits are
/// read as VNI, others as Telex; only ASCII letters and digits are read.
pub fn decode(word: &str) -> Option<String> {
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let word = word.to_ascii_lowercase();
    let has_letters = word.bytes().any(|b| b.is_ascii_alphabetic());
    let read = if word.bytes().any(|b| b.is_ascii_digit()) {
        has_letters.then(|| vni(&word)).flatten()
    } else {
        telex(&word)
    };
    read.map(|(letters, tone)| spell(&letters, tone))
}

/// Telex: doubled a, e, o take a circumflex, w a breve or horn (or stands for ư), dd is đ, and
/// s f r x j after a vowel are the tones.
fn telex(word: &str) -> Option<(Vec<Letter>, Option<char>)> {
    let mut letters: Vec<Letter> = Vec::new();
    let mut tone = None;
    let mut keyed = false;
    for c in word.chars() {
        let after_vowel = letters.iter().any(|l| is_vowel(l.base));
        match (c, letters.last_mut()) {
            ('d', Some(last)) if last.base == 'd' => {
                last.base = 'đ';
                keyed = true;
            }
            ('a' | 'e' | 'o', Some(last)) if last.base == c && last.mark.is_none() => {
                last.mark = Some(CIRCUMFLEX);
                keyed = true;
            }
            ('w', _) => {
                if !horn(&mut letters, true) {
                    letters.push(Letter {
                        base: 'u',
                        mark: Some(HORN),
                    });
                }
                keyed = true;
            }
            ('s' | 'f' | 'r' | 'x' | 'j', _) if after_vowel => {
                tone = Some(match c {
                    's' => ACUTE,
                    'f' => GRAVE,
                    'r' => HOOK,
                    'x' => TILDE,
                    _ => DOT,
                });
                keyed = true;
            }
            (c, _) => letters.push(Letter {
                base: c,
                mark: None,
            }),
        }
    }
    keyed.then_some((letters, tone))
}

/// VNI: 1–5 are the tones (sắc, huyền, hỏi, ngã, nặng), 6 a circumflex, 7 a horn, 8 a breve, 9
/// makes đ, each on the nearest letter before it that takes it; 0 clears the tone.
fn vni(word: &str) -> Option<(Vec<Letter>, Option<char>)> {
    let mut letters: Vec<Letter> = Vec::new();
    let mut tone = None;
    for c in word.chars() {
        match c {
            '1'..='5' if letters.iter().any(|l| is_vowel(l.base)) => {
                tone = Some([ACUTE, GRAVE, HOOK, TILDE, DOT][c as usize - '1' as usize]);
            }
            '0' => tone = None,
            '6' => mark_nearest(&mut letters, &['a', 'e', 'o'], CIRCUMFLEX)?,
            '7' if !horn(&mut letters, false) => return None,
            '7' => {}
            '8' => mark_nearest(&mut letters, &['a'], BREVE)?,
            '9' => {
                let d = letters.iter_mut().rev().find(|l| l.base == 'd')?;
                d.base = 'đ';
            }
            c if c.is_ascii_alphabetic() => letters.push(Letter {
                base: c,
                mark: None,
            }),
            _ => return None,
        }
    }
    Some((letters, tone))
}

fn mark_nearest(letters: &mut [Letter], takes: &[char], mark: char) -> Option<()> {
    let letter = letters
        .iter_mut()
        .rev()
        .find(|l| takes.contains(&l.base) && l.mark.is_none())?;
    letter.mark = Some(mark);
    Some(())
}

/// The horn on the last vowels typed — both letters of "uo", or else its o or u — or, for Telex's
/// w (`breve`), first a breve on its a. False when there is no vowel for it.
fn horn(letters: &mut [Letter], breve: bool) -> bool {
    let Some(end) = letters.iter().rposition(|l| is_vowel(l.base)) else {
        return false;
    };
    let start = letters[..end]
        .iter()
        .rposition(|l| !is_vowel(l.base))
        .map_or(0, |i| i + 1);
    let run = &mut letters[start..=end];
    let bare = |l: &Letter, base: char| l.base == base && l.mark.is_none();
    if let Some(i) = (1..run.len()).find(|&i| bare(&run[i - 1], 'u') && bare(&run[i], 'o')) {
        run[i - 1].mark = Some(HORN);
        run[i].mark = Some(HORN);
        return true;
    }
    let wanted: &[(char, char)] = if breve {
        &[('a', BREVE), ('o', HORN), ('u', HORN)]
    } else {
        &[('o', HORN), ('u', HORN)]
    };
    for (base, mark) in wanted {
        if let Some(letter) = run.iter_mut().rev().find(|l| bare(l, *base)) {
            letter.mark = Some(*mark);
            return true;
        }
    }
    false
}

/// The letters with their marks, the tone after the last vowel (where it sits in the syllable
/// is no matter to [`super::text::tone_key`]), in NFC.
fn spell(letters: &[Letter], tone: Option<char>) -> String {
    let last_vowel = letters.iter().rposition(|l| is_vowel(l.base));
    let mut out = String::with_capacity(letters.len() * 3);
    for (i, letter) in letters.iter().enumerate() {
        out.push(letter.base);
        out.extend(letter.mark);
        if Some(i) == last_vowel {
            out.extend(tone);
        }
    }
    out.nfc().collect()
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::{fold, tone_key};

    #[test]
    fn telex_and_vni_read_back_into_vietnamese() {
        let cases = [
            ("tieen", "tiên"),
            ("luwx", "lữ"),
            ("tie6n", "tiên"),
            ("lu74", "lữ"),
            ("dduwowngf", "đường"),
            ("d9u7o7ng2", "đường"),
            ("phuowngf", "phường"),
            ("truowngf", "trường"),
            ("nguyeenx", "nguyễn"),
            ("hoaf", "hoà"),
            ("hoa2", "hoà"),
            ("quawngr", "quẳng"),
            ("tw", "tư"),
            ("xax", "xã"),
            ("xa4", "xã"),
            ("tinhr", "tỉnh"),
            ("DDoong", "đông"),
        ];
        for (typed, meant) in cases {
            let read = decode(typed).unwrap_or_else(|| panic!("{typed:?} read as nothing"));
            assert_eq!(tone_key(&read), tone_key(meant), "{typed:?} → {read:?}");
            assert_eq!(fold(&read), fold(meant), "{typed:?}");
        }
    }

    #[test]
    fn words_without_an_input_method_key_are_left_alone() {
        // Initial x, s and r are consonants, not tones; digits alone are a number; marks
        // already typed mean there is nothing to read.
        for word in ["xa", "son", "ro", "tien", "12", "hưng", "ea", ""] {
            assert_eq!(decode(word), None, "{word:?}");
        }
        // A VNI key with nothing to apply to is no VNI.
        assert_eq!(decode("b6"), None);
        assert_eq!(decode("t9"), None);
    }
}
