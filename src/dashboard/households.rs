//! "Dân vận khéo 1+10" for the commune: its coverage (residents with a cadre, cadres with more
//! than ten households, households no notice reached in 30 days, visits per month), its cadres
//! and households, and forms to add a household and to assign it a cadre, within the login's
//! units.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum_csrf::CsrfToken;
use serde::Deserialize;
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::kept::{self, Returned};
use super::reports::{UnitChoice, unit_choices};
use super::tickets::by;
use super::{Dash, WebError, WebResult};
use crate::app::households::{self, NewHousehold, StaffView};
use crate::domain::access::Action;
use crate::domain::household::{MAX_NAME_CHARS, USUAL_HOUSEHOLDS, parse_place};
use crate::domain::units::Unit;
use crate::message::Msg;

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    unit: String,
}

/// A cadre as the page lists them and offers them in its forms.
struct CadreLine {
    id: i64,
    unit: String,
    households: i64,
    /// More households than the model's ten: allowed, and flagged.
    over: bool,
}

#[derive(Template)]
#[template(path = "dashboard/households.html")]
struct HouseholdsPage<'a> {
    f: Frame<'a>,
    units: Vec<UnitChoice>,
    unit_code: String,
    view: StaffView,
    /// "11/2025" month labels with their visits.
    visits: Vec<(String, i64)>,
    cadres: Vec<CadreLine>,
    cadres_over_label: String,
    over_label: String,
    /// What the last form did, or why it did not.
    done: Option<String>,
    problem: Option<String>,
}

/// The unit asked for (the login's own when none), if the login oversees it.
fn chosen(staff: &Staff, dash: &Dash, code: &str) -> Result<Unit, WebError> {
    let units = dash.engine.units();
    let unit = match code {
        "" => units.by_id(staff.scope()),
        code => units.by_code(code),
    }
    .ok_or(WebError::NotFound)?
    .clone();
    staff.may(Action::Oversee { unit_id: unit.id }, &units)?;
    Ok(unit)
}

/// The forms on the page (add, assign): their name for what they keep ([`kept`]), what one did
/// or why it did not.
const FORM: &str = "households";

/// The page of a unit, saying what the last form on it did, or why it did not.
pub async fn page(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Query(query): Query<UnitQuery>,
    returned: Returned,
) -> WebResult {
    let unit = chosen(&staff, &dash, &query.unit)?;
    let outcome: Option<Result<Msg, Msg>> = returned.value(FORM).await?;
    let units = dash.engine.units();
    let mut tx = dash.engine.store().begin().await?;
    let view = households::overview(&mut tx, by(&staff), unit.id, &units, dash.engine.now())
        .await?
        .map_err(|_| WebError::NotFound)?;
    tx.commit().await?;
    let usual = USUAL_HOUSEHOLDS as i64;
    let cadres = view
        .cadres
        .iter()
        .map(|k| CadreLine {
            id: k.id,
            unit: units
                .by_id(k.unit_id)
                .map_or_else(String::new, |u| u.name.clone()),
            households: k.households,
            over: k.households > usual,
        })
        .collect();
    let t = dash.engine.localizer();
    let said = |m: &Msg| t.render(m, staff.lang);
    let (done, problem) = match &outcome {
        Some(Ok(done)) => (Some(said(done)), None),
        Some(Err(problem)) => (None, Some(said(problem))),
        None => (None, None),
    };
    let page = HouseholdsPage {
        f: staff.frame(&dash, &token, "households")?,
        cadres,
        cadres_over_label: t.render(
            &Msg::new("web-households-cadres-over").number("usual", usual),
            staff.lang,
        ),
        over_label: t.render(
            &Msg::new("web-households-over").number("usual", usual),
            staff.lang,
        ),
        units: unit_choices(&staff, &dash, &unit),
        unit_code: unit.code.clone(),
        visits: view
            .coverage
            .visits
            .iter()
            .map(|(month, n)| (month.format("%m/%Y").to_string(), *n))
            .collect(),
        view,
        done,
        problem,
    };
    frame::page(token, &page)
}

/// Back to the unit's page, which says what a form did (Ok) or why it did not (Err).
async fn back(session: &Session, unit: &Unit, outcome: Result<Msg, Msg>) -> WebResult {
    let page = format!("/households?unit={}", unit.code);
    kept::redirect(session, FORM, &page, &outcome).await
}

#[derive(Deserialize)]
pub struct AssignForm {
    csrf: String,
    unit: String,
    household: String,
    /// A cadre's number, or empty for none.
    #[serde(default)]
    cadre: String,
}

/// A cadre accompanies the household from now on (or no one does).
pub async fn assign(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Form(form): Form<AssignForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let unit = chosen(&staff, &dash, &form.unit)?;
    let cadre = form.cadre.trim().parse::<i64>().ok();
    let units = dash.engine.units();
    let mut tx = dash.engine.store().begin().await?;
    let done = households::assign(&mut tx, by(&staff), &form.household, cadre, &units).await?;
    tx.commit().await?;
    let outcome = done
        .map(|assigned| assigned.msg(cadre))
        .map_err(|refused| refused.msg());
    back(&session, &unit, outcome).await
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf: String,
    unit: String,
    name: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    cadre: String,
}

/// A household added in the unit shown, with its place and cadre if given.
pub async fn add(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Form(form): Form<AddForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let unit = chosen(&staff, &dash, &form.unit)?;
    let name = form.name.trim();
    let place = match (form.village.trim(), form.address.trim()) {
        ("", "") => None,
        (village, address) => parse_place(&format!("{village},{address}")),
    };
    let given_place = !(form.village.trim().is_empty() && form.address.trim().is_empty());
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || (given_place && place.is_none())
    {
        let problem = Msg::new("web-households-add-invalid").number("max", MAX_NAME_CHARS as i64);
        return back(&session, &unit, Err(problem)).await;
    }
    let new = NewHousehold {
        unit_id: unit.id,
        name,
        place: place.as_ref().map(|(v, a)| (v.as_str(), a.as_str())),
        cadre: form.cadre.trim().parse().ok(),
    };
    let units = dash.engine.units();
    let mut tx = dash.engine.store().begin().await?;
    let added = households::add(&mut tx, by(&staff), &new, &units, dash.engine.now()).await?;
    tx.commit().await?;
    let outcome = match added {
        Ok((_, code)) => Ok(Msg::new("web-households-added")
            .text("name", name)
            .text("code", code)),
        Err(refused) => Err(refused.msg()),
    };
    back(&session, &unit, outcome).await
}
