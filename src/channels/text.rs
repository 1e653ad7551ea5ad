//! Text cut to a platform's message length: on line, then word boundaries.

/// Splits text into pieces of at most `max` UTF-16 units, preferring line, then word boundaries.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while utf16_len(rest) > max {
        let mut cut = 0;
        let mut units = 0;
        for (i, c) in rest.char_indices() {
            units += c.len_utf16();
            if units > max {
                break;
            }
            cut = i + c.len_utf8();
        }
        let window = &rest[..cut];
        // A boundary early in the window would waste most of a message; cut hard instead.
        let at = window
            .rfind('\n')
            .or_else(|| window.rfind(' '))
            .filter(|&i| i >= cut / 2)
            .unwrap_or(cut);
        pieces.push(rest[..at].to_owned());
        rest = rest[at..].trim_start_matches(['\n', ' ']);
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(rest.to_owned());
    }
    pieces
}

pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_splits_at_line_breaks_within_the_limit() {
        let line = "Nghị quyết số 60-NQ/TW ngày 12/4/2025\n";
        let text = line.repeat(200);
        let pieces = split(&text, 4096);
        assert_eq!(pieces.len(), 2);
        assert!(pieces.iter().all(|p| utf16_len(p) <= 4096));
        assert!(pieces[0].ends_with("2025"));
        assert_eq!(pieces.concat().replace('\n', ""), text.replace('\n', ""));
    }

    #[test]
    fn text_without_spaces_still_splits() {
        let pieces = split(&"đ".repeat(5000), 4096);
        assert_eq!(
            pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            [4096, 904]
        );
    }
}
