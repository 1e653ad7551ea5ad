//! danvan's light markup for what committees write (notice bodies): `**bold**`, `*italic*`,
//! `[text](https://link)` and lines starting with "- " as list items. Channels render it in their own
//! markup; a mark left open, or a link that is not http(s), stays as typed.

#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text(String),
    Bold(String),
    Italic(String),
    Link { text: String, url: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub bullet: bool,
    pub spans: Vec<Span>,
}

pub fn parse(source: &str) -> Vec<Line> {
    source
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let (bullet, rest) = match trimmed
                .strip_prefix("- ")
                .or_else(|| trimmed.strip_prefix("* "))
            {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            Line {
                bullet,
                spans: spans(rest),
            }
        })
        .collect()
}

fn spans(mut rest: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut text = String::new();
    while let Some(c) = rest.chars().next() {
        let found = if let Some(after) = rest.strip_prefix("**") {
            after
                .find("**")
                .filter(|&end| end > 0)
                .map(|end| (Span::Bold(after[..end].to_owned()), &after[end + 2..]))
        } else if let Some(after) = rest.strip_prefix('*') {
            after
                .find('*')
                .filter(|&end| end > 0 && !after.starts_with(' '))
                .map(|end| (Span::Italic(after[..end].to_owned()), &after[end + 1..]))
        } else if let Some(after) = rest.strip_prefix('[') {
            link(after)
        } else {
            None
        };
        match found {
            Some((span, after)) => {
                if !text.is_empty() {
                    out.push(Span::Text(std::mem::take(&mut text)));
                }
                out.push(span);
                rest = after;
            }
            None => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !text.is_empty() {
        out.push(Span::Text(text));
    }
    out
}

/// `text](url)…` after the opening bracket.
fn link(after: &str) -> Option<(Span, &str)> {
    let close = after.find("](")?;
    let url_end = after[close + 2..].find(')')? + close + 2;
    let url = &after[close + 2..url_end];
    let web = url.starts_with("https://") || url.starts_with("http://");
    (web && close > 0 && !url.contains(char::is_whitespace)).then(|| {
        (
            Span::Link {
                text: after[..close].to_owned(),
                url: url.to_owned(),
            },
            &after[url_end + 1..],
        )
    })
}

/// For channels without markup: marks dropped, links as "text (url)", list items with "• ".
pub fn to_plain(source: &str) -> String {
    render(source, |span| match span {
        Span::Text(t) | Span::Bold(t) | Span::Italic(t) => t.clone(),
        Span::Link { text, url } => format!("{text} ({url})"),
    })
}

/// Telegram's HTML: every piece of text goes through `escape`.
pub fn to_html(source: &str, escape: impl Fn(&str) -> String) -> String {
    render(source, |span| match span {
        Span::Text(t) => escape(t),
        Span::Bold(t) => format!("<b>{}</b>", escape(t)),
        Span::Italic(t) => format!("<i>{}</i>", escape(t)),
        Span::Link { text, url } => {
            format!(
                "<a href=\"{}\">{}</a>",
                escape(url).replace('"', "&quot;"),
                escape(text)
            )
        }
    })
}

fn render(source: &str, span: impl Fn(&Span) -> String) -> String {
    parse(source)
        .iter()
        .map(|line| {
            let text: String = line.spans.iter().map(&span).collect();
            if line.bullet {
                format!("• {text}")
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    #[test]
    fn marks_links_and_lists_render_per_channel() {
        let source = "**Nghị quyết 60** về *sắp xếp* <bộ máy>\n- Xem [toàn văn](https://example.gov.vn/nq60?a=1&b=2)\n- Hỏi cán bộ";
        assert_eq!(
            to_html(source, escape),
            "<b>Nghị quyết 60</b> về <i>sắp xếp</i> &lt;bộ máy&gt;\n• Xem <a href=\"https://example.gov.vn/nq60?a=1&amp;b=2\">toàn văn</a>\n• Hỏi cán bộ"
        );
        assert_eq!(
            to_plain(source),
            "Nghị quyết 60 về sắp xếp <bộ máy>\n• Xem toàn văn (https://example.gov.vn/nq60?a=1&b=2)\n• Hỏi cán bộ"
        );
    }

    #[test]
    fn open_marks_and_other_links_stay_as_typed() {
        assert_eq!(to_html("2 * 3 = 6, **x", escape), "2 * 3 = 6, **x");
        assert_eq!(
            to_html("[click](javascript:alert(1))", escape),
            "[click](javascript:alert(1))"
        );
    }
}
