//! Signing in and out, the password chosen at first sign-in, and [`Staff`]: the signed-in login
//! every other page takes, with what it may do.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_csrf::CsrfToken;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use tower_sessions::Session;

use super::frame::{self, Frame, Texts};
use super::kept::{self, Returned};
use super::{Dash, WebError, WebResult};
use crate::app::logins::{self, PasswordRefused, SignInRefused};
use crate::domain::access::Actor;
use crate::domain::unit_label::unit_label;
use crate::message::{Lang, Msg};
use crate::store::logins::Login;

const LOGIN_KEY: &str = "login";
/// [`logins::password_mark`] of the password the session was opened with.
const PASSWORD_KEY: &str = "password";
/// When the session was opened (seconds since 1970, by the engine's clock).
const SIGNED_IN_KEY: &str = "signed_in_at";
/// A session ends this long after its sign-in, however busy (besides ending after
/// [`super::IDLE_HOURS`] without a request): a working day, then the password again.
pub const SESSION_HOURS: i64 = 12;

/// Sign-in attempts allowed per name from one address, and per address: a person who mistypes a
/// few times is not stopped, a script guessing passwords gets five tries a minute per name per
/// address. Not per name alone: then anyone could keep a named person out by typing their name.
const PER_NAME_PER_MINUTE: u32 = 5;
const PER_ADDRESS_PER_MINUTE: u32 = 20;

pub struct SignInLimits {
    by_name: DefaultKeyedRateLimiter<(String, IpAddr)>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl SignInLimits {
    pub fn new() -> SignInLimits {
        let per_minute = |n| Quota::per_minute(NonZeroU32::new(n).expect("a positive limit"));
        SignInLimits {
            by_name: RateLimiter::keyed(per_minute(PER_NAME_PER_MINUTE)),
            by_address: RateLimiter::keyed(per_minute(PER_ADDRESS_PER_MINUTE)),
        }
    }

    /// Whether one more attempt for `name` from `address` may be checked now.
    fn allow(&self, name: &str, address: IpAddr) -> bool {
        // Forget keys whose allowance is full again, so the maps do not grow without end.
        self.by_name.retain_recent();
        self.by_address.retain_recent();
        self.by_address.check_key(&address).is_ok()
            && self
                .by_name
                .check_key(&(crate::domain::text::fold(name), address))
                .is_ok()
    }
}

impl Default for SignInLimits {
    fn default() -> Self {
        SignInLimits::new()
    }
}

/// The signed-in login of a request, with what it may do; pages that take it send anyone else to
/// the sign-in page, and a login with a one-time password to choose its own.
pub struct Staff {
    pub login: Login,
    pub actor: Actor,
    pub lang: Lang,
}

impl FromRequestParts<Dash> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, dash: &Dash) -> Result<Staff, Response> {
        let session = Session::from_request_parts(parts, dash)
            .await
            .map_err(IntoResponse::into_response)?;
        let lang = frame::language(&parts.headers);
        let fail = |e: tower_sessions::session::Error| WebError::from(e).into_response();
        let id = session.get::<i64>(LOGIN_KEY).await.map_err(fail)?;
        let Some(id) = id else {
            return Err(to_sign_in(parts));
        };
        let login = dash
            .engine
            .store()
            .login(id)
            .await
            .map_err(|e| WebError::from(e).into_response())?;
        let opened_with = session.get::<String>(PASSWORD_KEY).await.map_err(fail)?;
        let signed_in_at = session.get::<i64>(SIGNED_IN_KEY).await.map_err(fail)?;
        let now = dash.engine.now().timestamp();
        let open = |login: &Login| {
            // The password changed since this session was opened (elsewhere), or a working
            // day has gone by since the sign-in, however busy the session was.
            opened_with.as_deref() == Some(logins::password_mark(login).as_str())
                && signed_in_at.is_some_and(|at| now - at < SESSION_HOURS * 3600)
        };
        // A disabled login is no longer found: its sessions end here too.
        let Some(login) = login.filter(open) else {
            session.flush().await.map_err(fail)?;
            return Err(to_sign_in(parts));
        };
        if login.must_change && parts.uri.path() != "/password" {
            return Err(Redirect::to("/password").into_response());
        }
        Ok(Staff {
            actor: logins::actor(&login),
            login,
            lang,
        })
    }
}

impl Staff {
    /// The unit the login administers, and everything below it.
    pub fn scope(&self) -> i64 {
        self.login.unit_id
    }

    pub fn frame<'a>(
        &self,
        dash: &'a Dash,
        token: &CsrfToken,
        nav: &'static str,
    ) -> Result<Frame<'a>, WebError> {
        let t = Texts::new(dash.engine.localizer(), self.lang);
        let units = dash.engine.units();
        let scope = units
            .by_id(self.scope())
            .map(|u| t.msg(&unit_label(&units, u)))
            .unwrap_or_default();
        Ok(Frame {
            t,
            csrf: frame::form_token(token)?,
            login: self.login.name.clone(),
            scope,
            nav,
        })
    }
}

/// The sign-in page, keeping the page that was asked for: a link followed before signing in
/// opens after it. A page's data is not fetched this way (it would land on the sign-in form).
fn to_sign_in(parts: &Parts) -> Response {
    let asked = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    if parts.method != axum::http::Method::GET || asked == "/" {
        return Redirect::to("/login").into_response();
    }
    let mut url = url::form_urlencoded::Serializer::new(String::from("/login?"));
    url.append_pair("next", asked);
    Redirect::to(&url.finish()).into_response()
}

#[derive(Template)]
#[template(path = "dashboard/login.html")]
struct SignInPage<'a> {
    t: Texts<'a>,
    csrf: String,
    name: String,
    /// Where to go once signed in.
    next: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    #[serde(default)]
    next: String,
    /// Why the last sign-in was refused ([`Refusal`]'s code), with the name it was for: there is
    /// no session to keep them in before signing in.
    #[serde(default)]
    refused: String,
    #[serde(default)]
    name: String,
}

/// Why a sign-in was refused, as its address says it.
#[derive(Clone, Copy)]
enum Refusal {
    SlowDown,
    Wrong,
    OneTimeLapsed,
}

impl Refusal {
    const ALL: [Refusal; 3] = [Refusal::SlowDown, Refusal::Wrong, Refusal::OneTimeLapsed];

    fn code(self) -> &'static str {
        match self {
            Refusal::SlowDown => "slow-down",
            Refusal::Wrong => "wrong",
            Refusal::OneTimeLapsed => "one-time-lapsed",
        }
    }

    fn msg(self) -> Msg {
        match self {
            Refusal::SlowDown => Msg::new("web-sign-in-slow-down"),
            Refusal::Wrong => Msg::new("web-sign-in-wrong"),
            Refusal::OneTimeLapsed => {
                Msg::new("web-sign-in-one-time-lapsed").number("days", logins::ONE_TIME_DAYS)
            }
        }
    }
}

/// The sign-in form; after a refusal, why, with the name typed.
pub async fn sign_in_page(
    State(dash): State<Dash>,
    token: CsrfToken,
    headers: HeaderMap,
    axum::extract::Query(query): axum::extract::Query<SignInQuery>,
) -> WebResult {
    let t = Texts::new(dash.engine.localizer(), frame::language(&headers));
    let refused = Refusal::ALL.into_iter().find(|r| r.code() == query.refused);
    frame::page(
        token.clone(),
        &SignInPage {
            csrf: frame::form_token(&token)?,
            error: refused.map(|r| t.msg(&r.msg())),
            t,
            name: query.name,
            next: frame::local_path(&query.next).to_owned(),
        },
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    csrf: String,
    name: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Signs in and goes to the page asked for; refused, back to the form, saying why.
pub async fn sign_in(
    State(dash): State<Dash>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    token: CsrfToken,
    session: Session,
    Form(form): Form<SignInForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    // Back to the form, saying why, with the name typed (if it can be a name at all).
    let refuse = |why: Refusal| -> WebResult {
        let mut url = url::form_urlencoded::Serializer::new(String::from("/login?"));
        url.append_pair("refused", why.code());
        if form.name.chars().count() <= logins::MAX_NAME_CHARS {
            url.append_pair("name", &form.name);
        }
        url.append_pair("next", frame::local_path(&form.next));
        Ok(Redirect::to(&url.finish()).into_response())
    };
    if !dash.limits.allow(&form.name, peer.ip()) {
        return refuse(Refusal::SlowDown);
    }
    let checked = logins::check(
        dash.engine.store(),
        &form.name,
        &form.password,
        dash.engine.now(),
    )
    .await?;
    let login = match checked {
        Ok(login) => login,
        Err(SignInRefused::Wrong) => return refuse(Refusal::Wrong),
        Err(SignInRefused::OneTimeLapsed) => return refuse(Refusal::OneTimeLapsed),
    };
    // A new session id at sign-in: one planted before it is worth nothing after.
    session.cycle_id().await?;
    session.insert(LOGIN_KEY, login.id).await?;
    session
        .insert(PASSWORD_KEY, logins::password_mark(&login))
        .await?;
    session
        .insert(SIGNED_IN_KEY, dash.engine.now().timestamp())
        .await?;
    dash.engine
        .store()
        .record_sign_in(login.id, dash.engine.now())
        .await?;
    let next = frame::local_path(&form.next);
    Ok(Redirect::to(if login.must_change { "/password" } else { next }).into_response())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn sign_out(token: CsrfToken, session: Session, Form(form): Form<CsrfOnly>) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    // The row goes, and no new one is made: the language chosen is a cookie of its own.
    session.flush().await?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Template)]
#[template(path = "dashboard/password.html")]
struct PasswordPage<'a> {
    f: Frame<'a>,
    first: bool,
    error: Option<String>,
}

/// The password form's name for what it keeps ([`kept`]): why a password was refused.
const PASSWORD_FORM: &str = "password";

pub async fn password_page(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    returned: Returned,
) -> WebResult {
    let refused: Option<Msg> = returned.value(PASSWORD_FORM).await?;
    let f = staff.frame(&dash, &token, "password")?;
    let page = PasswordPage {
        error: refused.map(|r| f.t.msg(&r)),
        f,
        first: staff.login.must_change,
    };
    frame::page(token, &page)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    /// Absent on the first change, from the one-time password.
    #[serde(default)]
    current: String,
    password: String,
    repeated: String,
}

pub async fn change_password(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Form(form): Form<PasswordForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let refused = logins::change_password(
        dash.engine.store(),
        &staff.login,
        &form.current,
        &form.password,
        &form.repeated,
        dash.engine.now(),
    )
    .await?;
    match refused {
        Ok(()) => {
            // This session goes on with the new password; every other one ends.
            let changed = dash
                .engine
                .store()
                .login(staff.login.id)
                .await?
                .ok_or(WebError::NotFound)?;
            session.cycle_id().await?;
            session
                .insert(PASSWORD_KEY, logins::password_mark(&changed))
                .await?;
            Ok(Redirect::to("/").into_response())
        }
        Err(why) => {
            let refused = match why {
                PasswordRefused::TooShort => Msg::new("web-password-too-short")
                    .number("min", logins::MIN_PASSWORD_CHARS as i64),
                PasswordRefused::Mismatch => Msg::new("web-password-mismatch"),
                PasswordRefused::Unchanged => Msg::new("web-password-unchanged"),
                PasswordRefused::WrongCurrent => Msg::new("web-password-wrong-current"),
            };
            kept::redirect(&session, PASSWORD_FORM, "/password", &refused).await
        }
    }
}

impl Staff {
    /// Whether the login may do `action`; what it may not do does not exist for it.
    pub fn may(
        &self,
        action: crate::domain::access::Action,
        units: &crate::domain::unit_directory::UnitDirectory,
    ) -> Result<(), WebError> {
        crate::domain::access::authorize(&self.actor, action, units).map_err(|_| WebError::NotFound)
    }
}
