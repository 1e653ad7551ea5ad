//! Importing the official unit list from the dashboard, in two steps: the file is uploaded and the
//! changes it would make are listed (nothing written); the admin applies them from that page. Only
//! a province's admins import, and only for their province: the national list can be uploaded
//! whole, and what it says of other provinces is left to them.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum_csrf::CsrfToken;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::kept::{self, Returned};
use super::{Dash, WebError, WebResult};
use crate::domain::access::Action;
use crate::domain::units::{UnitRecord, parse_unit_list};
use crate::message::Msg;
use crate::store::units::{ImportOptions, ImportReport};

/// Largest list taken: the national list of 2026 is about 250 KB.
const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The import forms' name for what they keep ([`kept`]).
const FORM: &str = "unit_import";

/// One line of the list of changes.
pub struct Line {
    pub code: String,
    pub name: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "dashboard/unit_import.html")]
struct ImportPage<'a> {
    f: Frame<'a>,
    problem: Option<String>,
    /// What the file does (or did), once one was read.
    summary: Option<String>,
    added: Vec<Line>,
    changed: Vec<Line>,
    missing: Vec<Line>,
    /// The list and what the admin saw of it, carried to the apply step (None: nothing to apply,
    /// or applied already).
    pending: Option<Pending>,
}

/// What the apply form sends back.
#[derive(Serialize, Deserialize)]
pub struct Pending {
    pub list: String,
    pub retire: bool,
    pub digest: String,
}

/// What a form read or did, kept for the page it goes back to: why a file was not read, or the
/// changes a list makes (or made), with what the apply form needs.
#[derive(Serialize, Deserialize, Default)]
struct Listed {
    problem: Option<Msg>,
    summary: Option<Msg>,
    /// (code, name, the parent's name).
    added: Vec<(String, String, String)>,
    /// (code, name, what changes).
    changed: Vec<(String, String, Msg)>,
    /// (code, name).
    missing: Vec<(String, String)>,
    /// Whether the missing units are (or were) retired.
    retired: bool,
    pending: Option<Pending>,
}

#[derive(Deserialize)]
pub struct ApplyForm {
    csrf: String,
    list: String,
    #[serde(default)]
    retire: Option<String>,
    digest: String,
}

/// The upload form, with what the last form read or did.
pub async fn form(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    returned: Returned,
) -> WebResult {
    allowed(&staff, &dash)?;
    let listed: Listed = returned.value(FORM).await?.unwrap_or_default();
    let page = shown(staff.frame(&dash, &token, "units")?, listed);
    frame::page(token, &page)
}

/// Reads an uploaded list, then goes back to the form, which lists what it would change.
pub async fn preview(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    mut form: Multipart,
) -> WebResult {
    let (mut csrf, mut file, mut retire) = (String::new(), None, false);
    while let Some(field) = form.next_field().await.map_err(|_| WebError::BadToken)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("retire") => retire = true,
            Some("file") => file = Some(field.bytes().await.map_err(|_| WebError::BadToken)?),
            _ => {}
        }
    }
    frame::verify(&token, &csrf)?;
    let code = allowed(&staff, &dash)?;
    let text = file
        .filter(|bytes| bytes.len() <= MAX_FILE_BYTES)
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok());
    let read = text.map(|t| {
        let records = parse_unit_list(&t);
        (t, records)
    });
    let listed = match read {
        Some((text, Ok(records))) => {
            let report = run(&dash, &staff, &code, &records, retire, None).await?;
            let pending = Pending {
                list: text,
                retire,
                digest: report.plan.digest(),
            };
            listed(&dash, &report, Some(pending), None)
        }
        Some((_, Err(e))) => Listed {
            problem: Some(Msg::new("web-import-unreadable").msg("reason", e.msg())),
            ..Listed::default()
        },
        None => Listed {
            problem: Some(Msg::new("web-import-no-file")),
            ..Listed::default()
        },
    };
    kept::redirect(&session, FORM, "/units/import", &listed).await
}

/// Applies a list the admin has seen the changes of, if they are still what would change; then
/// back to the form, which says what was done, or lists the changes anew.
pub async fn apply(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Form(form): Form<ApplyForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let code = allowed(&staff, &dash)?;
    let records = parse_unit_list(&form.list).map_err(|_| WebError::NotFound)?;
    let retire = form.retire.is_some();
    let report = run(&dash, &staff, &code, &records, retire, Some(form.digest)).await?;
    let listed = if report.applied {
        dash.engine.fresh_units().await?;
        listed(&dash, &report, None, None)
    } else {
        // Someone imported in between: what would change is no longer what was shown.
        let pending = Pending {
            list: form.list,
            retire,
            digest: report.plan.digest(),
        };
        let stale = Msg::new("web-import-stale");
        listed(&dash, &report, Some(pending), Some(stale))
    };
    kept::redirect(&session, FORM, "/units/import", &listed).await
}

/// The code of the login's unit, if the login may import for it.
fn allowed(staff: &Staff, dash: &Dash) -> Result<String, WebError> {
    let units = dash.engine.units();
    staff.may(
        Action::ImportUnits {
            unit_id: staff.scope(),
        },
        &units,
    )?;
    Ok(units
        .by_id(staff.scope())
        .ok_or(WebError::NotFound)?
        .code
        .clone())
}

async fn run(
    dash: &Dash,
    staff: &Staff,
    scope: &str,
    records: &[UnitRecord],
    retire_missing: bool,
    only_if: Option<String>,
) -> Result<ImportReport, WebError> {
    // Without a digest to apply, it is the preview: nothing is written.
    let options = ImportOptions {
        retire_missing,
        scope: Some(scope.to_owned()),
        dry_run: only_if.is_none(),
        only_if,
    };
    let source = format!("dashboard ({})", staff.login.name);
    Ok(dash
        .engine
        .store()
        .import_units(records, &source, &options)
        .await?)
}

/// The list of changes of `report`, named as the units are (or will be) called.
fn listed(
    dash: &Dash,
    report: &ImportReport,
    pending: Option<Pending>,
    problem: Option<Msg>,
) -> Listed {
    let units = dash.engine.units();
    let plan = &report.plan;
    let name = |code: &str| {
        units
            .by_code(code)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let summary = Msg::new(if report.applied {
        "web-import-done"
    } else {
        "web-import-plan"
    })
    .number("added", plan.added.len() as i64)
    .number("changed", plan.changed.len() as i64)
    .number("missing", plan.missing.len() as i64)
    .number("outside", plan.outside.len() as i64);
    let retired = report.retired_missing || pending.as_ref().is_some_and(|p| p.retire);
    let nothing =
        plan.added.is_empty() && plan.changed.is_empty() && (plan.missing.is_empty() || !retired);
    Listed {
        problem,
        summary: Some(summary),
        added: plan
            .added
            .iter()
            .map(|r| {
                let parent = r.parent_code.as_deref().map(name).unwrap_or_default();
                (r.code.clone(), r.name.clone(), parent)
            })
            .collect(),
        changed: plan
            .changed
            .iter()
            .map(|c| {
                let change = Msg::new("web-import-field")
                    .text("field", c.field)
                    .text("old", &c.old)
                    .text("new", &c.new);
                (c.code.clone(), name(&c.code), change)
            })
            .collect(),
        missing: plan
            .missing
            .iter()
            .map(|code| (code.clone(), name(code)))
            .collect(),
        retired,
        pending: pending.filter(|_| !nothing),
    }
}

/// The page showing `listed`, in the login's language.
fn shown(f: Frame<'_>, listed: Listed) -> ImportPage<'_> {
    let fate = f.t.t(if listed.retired {
        "web-import-retired"
    } else {
        "web-import-kept"
    });
    let line = |code, name, what| Line { code, name, what };
    ImportPage {
        problem: listed.problem.map(|p| f.t.msg(&p)),
        summary: listed.summary.map(|s| f.t.msg(&s)),
        added: listed
            .added
            .into_iter()
            .map(|(code, name, parent)| line(code, name, parent))
            .collect(),
        changed: listed
            .changed
            .into_iter()
            .map(|(code, name, change)| line(code, name, f.t.msg(&change)))
            .collect(),
        missing: listed
            .missing
            .into_iter()
            .map(|(code, name)| line(code, name, fate.clone()))
            .collect(),
        pending: listed.pending,
        f,
    }
}
