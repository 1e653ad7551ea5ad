//! "Dân vận khéo 1+10" for the commune: its coverage (residents with a cadre, cadres with more
//! than ten households, households no notice reached in 30 days, visits per month), its cadres
//! and households, and forms to add a household and to assign it a cadre, within the login's
//! units.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
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
use crate::domain::access::{Action, Role};
use crate::domain::household::{MAX_NAME_CHARS, USUAL_HOUSEHOLDS, parse_place};
use crate::domain::units::Unit;
use crate::domain::vn_time;
use crate::message::{Lang, Msg};
use crate::store::households::{CadreRow, HouseholdRow};

#[derive(Deserialize, Default)]
pub struct UnitQuery {
    #[serde(default)]
    unit: String,
}

/// A cadre as the page lists them: people have no names, so by role, unit and chat.
struct CadreLine {
    id: i64,
    role: String,
    unit: String,
    /// "Telegram …4521": the channel they used last and the end of its address.
    chat: String,
    households: i64,
    /// More households than the model's ten: allowed, and flagged.
    over: bool,
}

/// A cadre the forms offer: their number, and how staff tell them apart.
struct CadreChoice {
    id: i64,
    label: String,
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
    choices: Vec<CadreChoice>,
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
    let t = dash.engine.localizer();
    let line = |k: &CadreRow| {
        let role = match k.role.0 {
            Role::Admin => "web-role-admin",
            Role::Cadre => "web-role-cadre",
        };
        let chat = match (&k.channel, &k.address_tail) {
            (Some(channel), Some(tail)) => t.render(
                &Msg::new("web-masked-chat")
                    .text(
                        "channel",
                        t.render(
                            &Msg::new("web-channel").text("channel", channel),
                            staff.lang,
                        ),
                    )
                    .text("tail", tail),
                staff.lang,
            ),
            _ => "–".to_owned(),
        };
        CadreLine {
            id: k.id,
            role: t.render(&Msg::new(role), staff.lang),
            unit: units
                .by_id(k.unit_id)
                .map_or_else(String::new, |u| u.name.clone()),
            chat,
            households: k.households,
            over: k.households > usual,
        }
    };
    let cadres = view.cadres.iter().map(line).collect();
    let choices = view
        .assignable
        .iter()
        .map(|k| {
            let k = line(k);
            let label = Msg::new("web-households-choice")
                .text("role", k.role)
                .text("unit", k.unit)
                .text("chat", k.chat)
                .number("households", k.households);
            CadreChoice {
                id: k.id,
                label: t.render(&label, staff.lang),
            }
        })
        .collect();
    let said = |m: &Msg| t.render(m, staff.lang);
    let (done, problem) = match &outcome {
        Some(Ok(done)) => (Some(said(done)), None),
        Some(Err(problem)) => (None, Some(said(problem))),
        None => (None, None),
    };
    let page = HouseholdsPage {
        f: staff.frame(&dash, &token, "households")?,
        cadres,
        choices,
        cadres_over_label: cadres_over_label(&dash, staff.lang),
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

/// "Cadres with more than 10 households", the coverage table's flagged row.
pub(super) fn cadres_over_label(dash: &Dash, lang: Lang) -> String {
    let usual = Msg::new("web-households-cadres-over").number("usual", USUAL_HOUSEHOLDS as i64);
    dash.engine.localizer().render(&usual, lang)
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
    let now = dash.engine.now();
    let done = households::assign(&mut tx, by(&staff), &form.household, cadre, &units, now).await?;
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
        Ok(added) => Ok(Msg::new("web-households-added")
            .text("name", added.name)
            .text("code", added.code)),
        Err(refused) => Err(refused.msg()),
    };
    back(&session, &unit, outcome).await
}

/// One change of a household's cadre, as its page says it.
struct Change {
    when: String,
    what: String,
    by: String,
}

#[derive(Template)]
#[template(path = "dashboard/household.html")]
struct HouseholdPage<'a> {
    f: Frame<'a>,
    h: HouseholdRow,
    unit_code: String,
    unit_name: String,
    /// Newest first.
    changes: Vec<Change>,
}

/// A household's page: what it is, and who gave it to which cadre when (a person erased since
/// is no longer named).
pub async fn household(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Path(code): Path<String>,
) -> WebResult {
    let units = dash.engine.units();
    let mut tx = dash.engine.store().begin().await?;
    let found = households::history(&mut tx, by(&staff), &code, &units)
        .await?
        .map_err(|_| WebError::NotFound)?;
    tx.commit().await?;
    let t = dash.engine.localizer();
    let said = |m: Msg| t.render(&m, staff.lang);
    let changes = found
        .assignments
        .iter()
        .map(|a| {
            let what = match (a.assigned, a.cadre_id) {
                (true, Some(cadre)) => Msg::new("web-households-given").number("cadre", cadre),
                (true, None) => Msg::new("web-households-given-erased"),
                (false, _) => Msg::new("web-households-taken"),
            };
            let by = match (a.by_kind.as_str(), &a.by_login, a.by_person_id) {
                ("login", Some(login), _) => {
                    Msg::new("web-households-by-login").text("login", login)
                }
                ("person", _, Some(person)) => {
                    Msg::new("web-households-by-person").number("person", person)
                }
                ("person", _, None) => Msg::new("web-households-by-erased"),
                _ => Msg::new("web-households-by-cli"),
            };
            Change {
                when: vn_time::format_for_people(a.at),
                what: said(what),
                by: said(by),
            }
        })
        .collect();
    let unit = units.by_id(found.household.unit_id);
    let page = HouseholdPage {
        f: staff.frame(&dash, &token, "households")?,
        unit_code: unit.map_or_else(String::new, |u| u.code.clone()),
        unit_name: unit.map_or_else(String::new, |u| u.name.clone()),
        h: found.household,
        changes,
    };
    frame::page(token, &page)
}
