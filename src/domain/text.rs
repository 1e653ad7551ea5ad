//! Folding Vietnamese text so that what people type matches what the register says.
//!
//! Two keys: [`fold`] forgets diacritics, case, Unicode normalization and spacing ("Tiên  Lữ" →
//! "tien lu"); [`tone_key`] keeps the letters' marks but not where the tone mark sits, so the old
//! ("Hòa") and new ("Hoà") placements compare equal while "Hoà" and "Hoá" stay apart.

use unicode_normalization::UnicodeNormalization;

/// Combining tone marks: huyền, sắc, ngã, hỏi, nặng.
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// Apostrophes inside Ê Đê and other minority-language names ("Ea H’leo", "Ch'ơm"): people type
/// them either way or not at all, so they join the letters around them instead of splitting words.
const APOSTROPHES: [char; 4] = ['\'', '’', '‘', 'ʼ'];

/// Lowercase, diacritic-free, punctuation-free, single-spaced.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c if is_combining(c) || APOSTROPHES.contains(&c) => continue,
            c => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Lowercase text with vowel marks kept and each word's tone moved to its end, so the
/// tone's placement inside the syllable no longer matters.
pub fn tone_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut tone: Option<char> = None;
    let mut in_word = false;
    let end_word = |out: &mut String, tone: &mut Option<char>| {
        if let Some(t) = tone.take() {
            out.push(t);
        }
    };
    for c in s.nfd() {
        if TONES.contains(&c) {
            tone = Some(c);
        } else if APOSTROPHES.contains(&c) {
            continue;
        } else if c.is_alphanumeric() || is_combining(c) {
            out.extend(c.to_lowercase());
            in_word = true;
        } else if in_word {
            end_word(&mut out, &mut tone);
            out.push(' ');
            in_word = false;
        }
    }
    end_word(&mut out, &mut tone);
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The first `n` words of `s` as typed (in NFC), split where [`fold`] splits them.
pub fn first_words(s: &str, n: usize) -> String {
    let nfc: String = s.nfc().collect();
    words(&nfc)
        .take(n)
        .map(|(_, w)| w)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of `s` where [`fold`] splits them, each with its byte offset.
pub fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let in_word = |c: char| c.is_alphanumeric() || is_combining(c) || APOSTROPHES.contains(&c);
    let mut rest = s.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|&(_, c)| in_word(c))?;
        let mut end = s.len();
        while let Some(&(i, c)) = rest.peek() {
            if !in_word(c) {
                end = i;
                break;
            }
            rest.next();
        }
        Some((start, &s[start..end]))
    })
}

/// Whether the text carries any Vietnamese diacritic (then it is worth comparing with [`tone_key`]).
pub fn has_diacritics(s: &str) -> bool {
    s.nfd().any(|c| is_combining(c) || c == 'đ' || c == 'Đ')
}

fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_forgets_marks_case_normalization_and_spacing() {
        let nfd: String = "Tiên Lữ".nfd().collect();
        for input in [
            "Tiên Lữ",
            "tien lu",
            "  TIÊN   lữ ",
            nfd.as_str(),
            "Tiên-Lữ",
        ] {
            assert_eq!(fold(input), "tien lu", "{input:?}");
        }
        assert_eq!(fold("Đông Kinh"), "dong kinh");
        assert_eq!(fold("Ea H’leo"), fold("ea h'leo"));
        assert_eq!(fold("Ea H’leo"), "ea hleo");
        assert_eq!(tone_key("Ch’ơm"), tone_key("Ch'ơm"));
    }

    #[test]
    fn first_words_keep_marks_and_apostrophes_in_either_normal_form() {
        let nfd: String = "Đông Kinh, Hưng Yên".nfd().collect();
        assert_eq!(first_words(&nfd, 2), "Đông Kinh");
        assert_eq!(first_words("Ch'ơm, Đà Nẵng", 1), "Ch'ơm");
    }

    #[test]
    fn tone_key_ignores_where_the_tone_sits_but_not_which_tone() {
        assert_eq!(tone_key("Yên Hòa"), tone_key("Yên Hoà"));
        assert_eq!(tone_key("Thủy"), tone_key("Thuỷ"));
        assert_ne!(tone_key("Yên Hoà"), tone_key("Yên Hoá"));
        assert_ne!(tone_key("Yên Hoà"), tone_key("Yên Hoa"));
        let nfd: String = "Yên Hoà".nfd().collect();
        assert_eq!(tone_key(&nfd), tone_key("yên hòa"));
    }

    #[test]
    fn diacritics_are_detected_in_either_normal_form() {
        assert!(has_diacritics("Hoà"));
        assert!(has_diacritics(&"Hoà".nfd().collect::<String>()));
        assert!(has_diacritics("Đa"));
        assert!(!has_diacritics("hoa"));
    }
}
