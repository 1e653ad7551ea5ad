//! Importing the official unit list from the dashboard, in two steps: the file is uploaded and the
//! changes it would make are listed (nothing written); the admin applies them from that page. Only
//! a province's admins import, and only for their province: the national list can be uploaded
//! whole, and what it says of other provinces is left to them.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_csrf::CsrfToken;
use serde::Deserialize;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::{Dash, WebError, WebResult};
use crate::domain::access::Action;
use crate::domain::units::{UnitRecord, parse_unit_list};
use crate::message::Msg;
use crate::store::units::{ImportOptions, ImportReport};

/// Largest list taken: the national list of 2026 is about 250 KB.
const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

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
pub struct Pending {
    pub list: String,
    pub retire: bool,
    pub digest: String,
}

#[derive(Deserialize)]
pub struct ApplyForm {
    csrf: String,
    list: String,
    #[serde(default)]
    retire: Option<String>,
    digest: String,
}

/// The upload form, alone.
pub async fn form(staff: Staff, State(dash): State<Dash>, token: CsrfToken) -> WebResult {
    allowed(&staff, &dash)?;
    let page = empty(staff.frame(&dash, &token, "units")?, None);
    frame::page(token, &page)
}

/// Reads an uploaded list and shows what it would change.
pub async fn preview(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
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
    let f = staff.frame(&dash, &token, "units")?;
    let read = text.as_deref().map(|t| (t, parse_unit_list(t)));
    let (text, records) = match read {
        Some((text, Ok(records))) => (text, records),
        Some((_, Err(e))) => {
            let problem =
                f.t.msg(&Msg::new("web-import-unreadable").text("reason", e.to_string()));
            return refused(token, empty(f, Some(problem)));
        }
        None => {
            let problem = f.t.msg(&Msg::new("web-import-no-file"));
            return refused(token, empty(f, Some(problem)));
        }
    };
    let report = run(&dash, &staff, &code, &records, retire, None).await?;
    let digest = report.plan.digest();
    let pending = Pending {
        list: text.to_owned(),
        retire,
        digest,
    };
    frame::page(token, &shown(&dash, f, &report, Some(pending), None))
}

/// Applies a list the admin has seen the changes of, if they are still what would change.
pub async fn apply(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Form(form): Form<ApplyForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let code = allowed(&staff, &dash)?;
    let records = parse_unit_list(&form.list).map_err(|_| WebError::NotFound)?;
    let retire = form.retire.is_some();
    let f = staff.frame(&dash, &token, "units")?;
    let report = run(&dash, &staff, &code, &records, retire, Some(form.digest)).await?;
    if !report.applied {
        // Someone imported in between: what would change is no longer what was shown.
        let problem = f.t.msg(&Msg::new("web-import-stale"));
        let pending = Pending {
            list: form.list.clone(),
            retire,
            digest: report.plan.digest(),
        };
        let page = shown(&dash, f, &report, Some(pending), Some(problem));
        return Ok((StatusCode::CONFLICT, frame::page(token, &page)?).into_response());
    }
    dash.engine.fresh_units().await?;
    frame::page(token, &shown(&dash, f, &report, None, None))
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

fn empty<'a>(f: Frame<'a>, problem: Option<String>) -> ImportPage<'a> {
    ImportPage {
        f,
        problem,
        summary: None,
        added: vec![],
        changed: vec![],
        missing: vec![],
        pending: None,
    }
}

fn refused(token: CsrfToken, page: ImportPage<'_>) -> WebResult {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, frame::page(token, &page)?).into_response())
}

/// The list of changes of `report`, named as the units are (or will be) called.
fn shown<'a>(
    dash: &Dash,
    f: Frame<'a>,
    report: &ImportReport,
    pending: Option<Pending>,
    problem: Option<String>,
) -> ImportPage<'a> {
    let units = dash.engine.units();
    let plan = &report.plan;
    let name = |code: &str| {
        units
            .by_code(code)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let summary = f.t.msg(
        &Msg::new(if report.applied {
            "web-import-done"
        } else {
            "web-import-plan"
        })
        .number("added", plan.added.len() as i64)
        .number("changed", plan.changed.len() as i64)
        .number("missing", plan.missing.len() as i64)
        .number("outside", plan.outside.len() as i64),
    );
    let added = plan
        .added
        .iter()
        .map(|r| Line {
            code: r.code.clone(),
            name: r.name.clone(),
            what: r.parent_code.as_deref().map(name).unwrap_or_default(),
        })
        .collect();
    let changed = plan
        .changed
        .iter()
        .map(|c| Line {
            code: c.code.clone(),
            name: name(&c.code),
            what: f.t.msg(
                &Msg::new("web-import-field")
                    .text("field", c.field)
                    .text("old", &c.old)
                    .text("new", &c.new),
            ),
        })
        .collect();
    let retired = report.retired_missing || pending.as_ref().is_some_and(|p| p.retire);
    let fate = f.t.t(if retired {
        "web-import-retired"
    } else {
        "web-import-kept"
    });
    let missing = plan
        .missing
        .iter()
        .map(|code| Line {
            code: code.clone(),
            name: name(code),
            what: fate.clone(),
        })
        .collect();
    let nothing =
        plan.added.is_empty() && plan.changed.is_empty() && (plan.missing.is_empty() || !retired);
    ImportPage {
        f,
        problem,
        summary: Some(summary),
        added,
        changed,
        missing,
        pending: pending.filter(|_| !nothing),
    }
}
