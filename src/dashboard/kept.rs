//! Post/Redirect/Get: every form ends in a redirect, so a reload never sends it again and the
//! browser never lands on a form's address. What the form sent and what came of it (what was
//! typed, the problems, a preview's inputs, an invitation's code) waits in the login's session for
//! the page the form redirects to; that page's address carries its number (`kept=N`). A reload
//! shows the same again; the page opened afresh shows its form empty. One thing is kept at a time
//! (the latest form's), so a session never grows with what was sent long ago.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{Dash, WebError, WebResult};

const KEY: &str = "kept";

/// What is kept: which form, its number, and the form's own value.
#[derive(Serialize, Deserialize)]
struct Entry<T> {
    form: String,
    number: u64,
    value: T,
}

/// The number alone, to count on from.
#[derive(Deserialize)]
struct Numbered {
    number: u64,
}

#[derive(Deserialize)]
struct KeptQuery {
    kept: Option<u64>,
}

/// Keeps `value` for the page at `page` (a path, with or without a query) from the form named
/// `form`, and redirects there.
pub async fn redirect<T: Serialize>(
    session: &Session,
    form: &str,
    page: &str,
    value: &T,
) -> WebResult {
    let number = session
        .get::<Numbered>(KEY)
        .await?
        .map_or(1, |kept| kept.number + 1);
    let entry = Entry {
        form: form.to_owned(),
        number,
        value,
    };
    session.insert(KEY, &entry).await?;
    let joint = if page.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{page}{joint}kept={number}")).into_response())
}

/// A page a form may have redirected to: what the form kept for it, if its address asks for it.
pub struct Returned {
    session: Session,
    number: Option<u64>,
}

impl FromRequestParts<Dash> for Returned {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, dash: &Dash) -> Result<Returned, Response> {
        let session = Session::from_request_parts(parts, dash)
            .await
            .map_err(IntoResponse::into_response)?;
        // A query that does not read as one (kept=abc) asks for nothing kept.
        let number = Query::<KeptQuery>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|q| q.0.kept);
        Ok(Returned { session, number })
    }
}

impl Returned {
    /// What the form `form` kept for this page; None when the page was opened afresh, or what
    /// it names has since given way to another form's.
    pub async fn value<T: DeserializeOwned>(&self, form: &str) -> Result<Option<T>, WebError> {
        let Some(number) = self.number else {
            return Ok(None);
        };
        let kept = self.session.get::<Entry<serde_json::Value>>(KEY).await?;
        // What an older version of the form kept may not read as this one's: then the form is
        // shown afresh, as after a session that ended.
        Ok(kept
            .filter(|entry| entry.form == form && entry.number == number)
            .and_then(|entry| serde_json::from_value(entry.value).ok()))
    }
}
