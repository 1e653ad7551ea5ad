//! Units as a tree to walk down, with how many residents each has (counts only), and invitations
//! for cadres and admins of units in scope.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum_csrf::CsrfToken;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::kept::{self, Returned};
use super::overview::{UnitRow, residents_table};
use super::reports::{UnitChoice, unit_choices};
use super::{Dash, WebError, WebResult};
use crate::app;
use crate::domain::access::{Action, Grant, Role};
use crate::domain::unit_label::unit_label;
use crate::domain::vn_time;
use crate::message::Msg;

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    unit: String,
}

/// A unit directly below the one shown.
pub struct Child {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub below: usize,
    pub residents: i64,
}

#[derive(Template)]
#[template(path = "dashboard/units.html")]
struct TreePage<'a> {
    f: Frame<'a>,
    /// From the login's unit down to the one shown: (code, name).
    path: Vec<(String, String)>,
    children: Vec<Child>,
    here: i64,
    /// Whether the login may import the unit list (a province's admin).
    can_import: bool,
}

pub async fn tree(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Query(query): Query<UnitQuery>,
) -> WebResult {
    let units = dash.engine.units();
    let shown = match query.unit.as_str() {
        "" => units.by_id(staff.scope()),
        code => units.by_code(code),
    }
    .ok_or(WebError::NotFound)?;
    staff.may(Action::Oversee { unit_id: shown.id }, &units)?;
    let residents = dash
        .engine
        .store()
        .residents_by_channel(&units.subtree(shown.id))
        .await?;
    let (_, rows) = residents_table(&units, shown.id, &residents);
    // By id: two units may share a name.
    let count = |id: i64| {
        rows.iter()
            .find(|r: &&UnitRow| r.id == id)
            .map_or(0, |r| r.total)
    };
    let children: Vec<Child> = units
        .children(shown.id)
        .into_iter()
        .map(|u| Child {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.division_type.clone(),
            below: units.children(u.id).len(),
            residents: count(u.id),
        })
        .collect();
    let mut path = Vec::new();
    let mut at = Some(shown);
    while let Some(unit) = at {
        path.push((unit.code.clone(), unit.name.clone()));
        if unit.id == staff.scope() {
            break;
        }
        at = unit.parent_id.and_then(|p| units.by_id(p));
    }
    path.reverse();
    let can_import = staff
        .may(
            Action::ImportUnits {
                unit_id: staff.scope(),
            },
            &units,
        )
        .is_ok();
    let page = TreePage {
        f: staff.frame(&dash, &token, "units")?,
        path,
        // The unit and everything below it, as the overview counts it.
        here: rows.iter().map(|r| r.total).sum(),
        children,
        can_import,
    };
    frame::page(token, &page)
}

#[derive(Template)]
#[template(path = "dashboard/invites.html")]
struct InvitePage<'a> {
    f: Frame<'a>,
    units: Vec<UnitChoice>,
    code: Option<String>,
    made_for: Option<String>,
    problem: Option<String>,
}

/// The invitation form's name for what it keeps ([`kept`]).
const FORM: &str = "invite";

/// What the invitation form did: the code made and for whom, or why none was; and the unit it
/// was for, chosen again.
#[derive(Serialize, Deserialize)]
struct Invited {
    unit: String,
    made: Result<(String, Msg), Msg>,
}

/// The form, with the invitation just made (a reload shows the same one, it makes no other).
pub async fn invites(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    returned: Returned,
) -> WebResult {
    let units = dash.engine.units();
    let invited: Option<Invited> = returned.value(FORM).await?;
    let chosen = invited
        .as_ref()
        .and_then(|i| units.by_code(&i.unit))
        .or_else(|| units.by_id(staff.scope()))
        .ok_or(WebError::NotFound)?;
    let f = staff.frame(&dash, &token, "invites")?;
    let (code, made_for, problem) = match invited.map(|i| i.made) {
        None => (None, None, None),
        Some(Ok((code, made_for))) => (Some(code), Some(f.t.msg(&made_for)), None),
        Some(Err(problem)) => (None, None, Some(f.t.msg(&problem))),
    };
    let page = InvitePage {
        units: unit_choices(&staff, &dash, chosen),
        f,
        code,
        made_for,
        problem,
    };
    frame::page(token, &page)
}

#[derive(Deserialize)]
pub struct InviteForm {
    csrf: String,
    role: String,
    unit: String,
    uses: u32,
    days: i64,
}

/// Longest an invitation may stay valid, and most uses, from the dashboard.
const MAX_DAYS: i64 = 90;
const MAX_USES: u32 = 500;

/// Makes an invitation within the limits, then goes back to the form, which shows its code.
pub async fn invite(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Form(form): Form<InviteForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let units = dash.engine.units();
    let unit = units.by_code(&form.unit).ok_or(WebError::NotFound)?;
    let role = Role::parse(&form.role).ok_or(WebError::NotFound)?;
    staff.may(
        Action::Invite {
            role,
            unit_id: unit.id,
        },
        &units,
    )?;
    let valid = (1..=MAX_DAYS).contains(&form.days) && (1..=MAX_USES).contains(&form.uses);
    let made = if valid {
        let grant = Grant {
            role,
            unit_id: unit.id,
        };
        let expires = dash.engine.now() + Duration::days(form.days);
        let mut tx = dash.engine.store().begin().await?;
        let issuer = app::invites::Issuer::Login(staff.login.id);
        let code = app::invites::create(&mut tx, &grant, form.uses, expires, issuer).await?;
        tx.commit().await?;
        let made_for = Msg::new("web-invite-made")
            .text("role", role.as_str())
            .msg("unit", unit_label(&units, unit))
            .number("uses", form.uses as i64)
            .date("until", vn_time::local_date(expires));
        Ok((code, made_for))
    } else {
        Err(Msg::new("web-invite-limits")
            .number("days", MAX_DAYS)
            .number("uses", MAX_USES as i64))
    };
    let invited = Invited {
        unit: unit.code.clone(),
        made,
    };
    kept::redirect(&session, FORM, "/invites", &invited).await
}
