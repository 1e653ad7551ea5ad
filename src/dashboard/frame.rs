//! What every page shares: its texts in the reader's language (the same Fluent files as the bot),
//! Vietnamese number and date formats, the header with the signed-in login, and the CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect};
use axum_csrf::CsrfToken;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use tower_sessions::cookie::time::Duration as CookieDuration;
use tower_sessions::cookie::{Cookie, SameSite};

use super::{Dash, WebError, WebResult};
use crate::domain::vn_time;
use crate::i18n::{Localizer, format_number};
use crate::message::{Chart, Lang, Msg};

/// The language chosen is a cookie of its own, not part of the session: choosing it (or signing
/// out) makes no session row for someone who never signed in.
const LANG_COOKIE: &str = "dv_lang";

/// The page's texts, in one language.
pub struct Texts<'a> {
    pub localizer: &'a Localizer,
    pub lang: Lang,
}

impl<'a> Texts<'a> {
    pub fn new(localizer: &'a Localizer, lang: Lang) -> Texts<'a> {
        Texts { localizer, lang }
    }

    /// A message without arguments.
    pub fn t(&self, id: &'static str) -> String {
        self.localizer.render(&Msg::new(id), self.lang)
    }

    pub fn msg(&self, msg: &Msg) -> String {
        self.localizer.render(msg, self.lang)
    }

    /// 3.162 in Vietnamese, 3,162 in English. (Templates pass arguments by reference.)
    pub fn n(&self, value: &i64) -> String {
        format_number(*value as f64, self.lang)
    }

    /// A share as a whole percentage ("42%"), or "–" of nothing.
    pub fn percent(&self, part: &i64, whole: &i64) -> String {
        let (part, whole) = (*part, *whole);
        if whole <= 0 {
            return "–".to_owned();
        }
        format!("{}%", (part as f64 * 100.0 / whole as f64).round())
    }

    /// "15/12/2026 08:00", Vietnam time, as people read a time.
    pub fn time(&self, at: &DateTime<Utc>) -> String {
        vn_time::format_for_people(*at)
    }

    /// "15/4/2025": a day, as every page writes one.
    pub fn date(&self, day: &NaiveDate) -> String {
        vn_time::date_for_people(*day)
    }

    /// A time that may not be set yet (a draft's): "–" then.
    pub fn when(&self, at: &Option<DateTime<Utc>>) -> String {
        at.map_or("–".to_owned(), vn_time::format_for_people)
    }

    /// A notice's or survey's state ("scheduled", "open"…) in words.
    pub fn state(&self, state: &str) -> String {
        self.msg(&Msg::new("web-state").text("state", state))
    }

    /// A channel's name as people know it ("Zalo OA", "Telegram").
    pub fn channel(&self, channel: &str) -> String {
        self.msg(&Msg::new("web-channel").text("channel", channel))
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// A chart as the page draws it (bars in HTML, legible at any width), with where its picture
    /// is downloaded from.
    pub fn bars(&self, chart: &Chart, png: String) -> Bars {
        let most = chart.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
        Bars {
            title: self.msg(&chart.title),
            bars: chart
                .bars
                .iter()
                .map(|b| Bar {
                    label: self.msg(&b.label),
                    value: self.n(&b.value),
                    width: (b.value * 100 / most) as u8,
                })
                .collect(),
            png,
        }
    }
}

/// A bar chart drawn by the page (`bars.html`).
pub struct Bars {
    pub title: String,
    pub bars: Vec<Bar>,
    /// The same chart as a picture, to paste elsewhere.
    pub png: String,
}

pub struct Bar {
    pub label: String,
    pub value: String,
    /// Percent of the longest bar.
    pub width: u8,
}

/// The header and navigation of a signed-in page.
pub struct Frame<'a> {
    pub t: Texts<'a>,
    pub csrf: String,
    pub login: String,
    pub scope: String,
    /// Which navigation entry is this page's.
    pub nav: &'static str,
}

/// The reader's language: chosen on a page before, else Vietnamese.
pub fn language(headers: &HeaderMap) -> Lang {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
        .unwrap_or(Lang::Vi)
}

/// The token for the page's forms.
pub fn form_token(token: &CsrfToken) -> Result<String, WebError> {
    token
        .authenticity_token()
        .map_err(|e| WebError::Internal(anyhow::anyhow!("making a CSRF token: {e:?}")))
}

/// Refuses a form whose token is not the one this browser was given.
pub fn verify(token: &CsrfToken, sent: &str) -> Result<(), WebError> {
    token.verify(sent).map_err(|_| WebError::BadToken)
}

/// The page, with the CSRF cookie its forms need.
pub fn page(token: CsrfToken, template: &impl Template) -> WebResult {
    Ok((token, Html(template.render()?)).into_response())
}

#[derive(Deserialize)]
pub struct LanguageForm {
    csrf: String,
    lang: String,
    #[serde(default)]
    back: String,
}

/// Switches the dashboard's language and goes back to the page it was chosen on.
pub async fn switch_language(
    State(dash): State<Dash>,
    token: CsrfToken,
    Form(form): Form<LanguageForm>,
) -> WebResult {
    verify(&token, &form.csrf)?;
    let back = Redirect::to(local_path(&form.back));
    let Some(lang) = Lang::from_code(&form.lang) else {
        return Ok(back.into_response());
    };
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .secure(dash.secure)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::days(365));
    Ok(([(header::SET_COOKIE, cookie.to_string())], back).into_response())
}

/// `back` if it is a path on this site, else the overview: never a redirect elsewhere.
pub fn local_path(back: &str) -> &str {
    if back.starts_with('/') && !back.starts_with("//") && !back.contains('\\') {
        back
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn going_back_never_leaves_the_site() {
        assert_eq!(local_path("/notices/3"), "/notices/3");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
    }
}
