//! Notices: the list, composing one (checked as chat checks it, previewed as residents will see
//! it), its reach while it goes out and after, residents' questions about it (tickets), cancelling.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum_csrf::CsrfToken;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Frame};
use super::kept::{self, Returned};
use super::reports::{UnitChoice, unit_choices};
use super::tickets::{self, Row};
use super::{Dash, WebError, WebResult};
use crate::app;
use crate::app::notices::Viewer;
use crate::domain::collation;
use crate::domain::compose::{self, Draft};
use crate::domain::notice::{Audience, NoticeStatus, Phase, Reach, quiet_until};
use crate::domain::vn_time;
use crate::message::Msg;
use crate::store::notices::NewNotice;
use crate::store::overview::NoticeLine;
use crate::store::tickets::{Filter, Which};

/// Notices on the list page.
const LISTED: i64 = 100;
/// Questions about a notice shown on its page; the queue, filtered to it, has them all.
const QUESTIONS_SHOWN: i64 = 20;

#[derive(Template)]
#[template(path = "dashboard/notices.html")]
struct ListPage<'a> {
    f: Frame<'a>,
    notices: Vec<NoticeLine>,
    /// What each notice's phase is read at.
    now: DateTime<Utc>,
}

pub async fn list(staff: Staff, State(dash): State<Dash>, token: CsrfToken) -> WebResult {
    let units = dash.engine.units();
    let notices = dash
        .engine
        .store()
        .notices_within(&units.subtree(staff.scope()), LISTED)
        .await?;
    let page = ListPage {
        notices,
        now: dash.engine.now(),
        f: staff.frame(&dash, &token, "notices")?,
    };
    frame::page(token, &page)
}

/// The compose form's name for what it keeps ([`kept`]).
const FORM: &str = "compose";

/// The notice form as sent (and kept for the page shown again with it: a preview, or problems).
#[derive(Serialize, Deserialize, Default)]
pub struct NoticeForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    directive: String,
    /// Codes of the units it goes to (each with everything below it).
    #[serde(default)]
    unit: Vec<String>,
    /// Vietnam time, "15/4/2026 08:00" (whatever the browser's language); empty: at once.
    #[serde(default)]
    send_at: String,
    #[serde(default)]
    to_residents: Option<String>,
    #[serde(default)]
    to_cadres: Option<String>,
    #[serde(default)]
    to_admins: Option<String>,
    /// Unset: hold for the night (quiet hours), as chat notices do.
    #[serde(default)]
    urgent: Option<String>,
    #[serde(default)]
    action: NoticeAction,
}

/// Which of the form's buttons was pressed; Enter in a field previews.
#[derive(Serialize, Deserialize, Default, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
enum NoticeAction {
    #[default]
    Preview,
    Send,
}

impl NoticeForm {
    fn roles(&self) -> Vec<Audience> {
        [
            (&self.to_residents, Audience::Resident),
            (&self.to_cadres, Audience::Cadre),
            (&self.to_admins, Audience::Admin),
        ]
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, role)| role)
        .collect()
    }
}

/// What residents will see: the text as channels that render markup show it (Telegram, the web
/// chat: HTML, everything escaped but the light markup's tags), as Zalo shows it (plain text),
/// then its buttons.
pub struct Preview {
    pub html: String,
    pub text: String,
    pub buttons: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard/compose.html")]
struct ComposePage<'a> {
    f: Frame<'a>,
    form: NoticeForm,
    units: Vec<UnitChoice>,
    problems: Vec<String>,
    preview: Option<Preview>,
    recipients: Option<i64>,
    /// The units ticked, by name: the preview says where it goes.
    chosen: String,
}

/// The form, empty; or, after "preview" or a notice refused, as it was sent, with its preview or
/// its problems.
pub async fn compose(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    returned: Returned,
) -> WebResult {
    let units = dash.engine.units();
    let kept: Option<NoticeForm> = returned.value(FORM).await?;
    let f = staff.frame(&dash, &token, "notices")?;
    let (form, problems, preview, recipients) = match kept {
        // Nothing ticked in advance: a notice to the whole province is chosen, never left over.
        None => (
            NoticeForm {
                to_residents: Some("on".into()),
                ..NoticeForm::default()
            },
            vec![],
            None,
            None,
        ),
        Some(form) => match checked(&form, &staff, &dash) {
            Ok((draft, unit_ids)) => {
                let mut tx = dash.engine.store().begin().await?;
                let recipients = tx.count_recipients(&unit_ids, &form.roles(), &[]).await?;
                tx.commit().await?;
                (form, vec![], Some(preview(&f, &draft)), Some(recipients))
            }
            Err(problems) => (form, problems, None, None),
        },
    };
    let own = units.by_id(staff.scope()).ok_or(WebError::NotFound)?;
    let mut choices = unit_choices(&staff, &dash, own);
    for choice in &mut choices {
        choice.selected = form.unit.contains(&choice.code);
    }
    let chosen = choices
        .iter()
        .filter(|c| c.selected)
        .map(|c| c.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let page = ComposePage {
        chosen,
        units: choices,
        problems: problems.iter().map(|p| f.t.msg(p)).collect(),
        f,
        form,
        preview,
        recipients,
    };
    frame::page(token, &page)
}

/// Sends the notice when "send" was pressed on a form that checks; otherwise goes back to the
/// form, kept, to show its preview or its problems.
pub async fn create(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    // Several units: repeated fields, which axum's Form cannot read into a list.
    axum_extra::extract::Form(form): axum_extra::extract::Form<NoticeForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    if form.action == NoticeAction::Send
        && let Ok((draft, unit_ids)) = checked(&form, &staff, &dash)
    {
        let notice = NewNotice {
            texts: compose::preview(&draft).texts,
            directive: draft.directive.clone(),
            roles: form.roles(),
            send_at: draft.send_at,
            quiet_hours: form.urgent.is_none(),
            urgent: form.urgent.is_some(),
            ..NewNotice::to_units("", "", unit_ids)
        };
        let units = dash.engine.units();
        let mut tx = dash.engine.store().begin().await?;
        let created =
            app::notices::create(&mut tx, &staff.actor, &notice, &units, dash.engine.now()).await?;
        tx.commit().await?;
        return match created {
            Ok((id, _)) => Ok(Redirect::to(&format!("/notices/{id}")).into_response()),
            Err(_) => Err(WebError::NotFound),
        };
    }
    kept::redirect(&session, FORM, "/notices/new", &form).await
}

/// The form checked as the chat checks a notice (its time read as Vietnam time, in the future):
/// the draft and the ids of its units, or what is wrong with it.
fn checked(form: &NoticeForm, staff: &Staff, dash: &Dash) -> Result<(Draft, Vec<i64>), Vec<Msg>> {
    let units = dash.engine.units();
    let now = dash.engine.now();
    let mut problems = Vec::new();
    let send_at = match form.send_at.trim() {
        "" => None,
        text => match vn_time::parse_for_people(text) {
            Some(at) if at > now => Some(at),
            Some(_) => {
                problems.push(Msg::new("web-notice-past"));
                None
            }
            None => {
                problems.push(Msg::new("web-notice-bad-time"));
                None
            }
        },
    };
    let checked = compose::from_form(
        &form.title,
        &form.body,
        &form.directive,
        &form.unit,
        send_at,
        &units,
        &staff.actor.grants,
    );
    match checked {
        Ok((draft, codes)) if problems.is_empty() => {
            let ids = codes
                .iter()
                .filter_map(|c| units.by_code(c))
                .map(|u| u.id)
                .collect();
            Ok((draft, ids))
        }
        Ok(_) => Err(problems),
        Err(found) => {
            problems.extend(found);
            Err(problems)
        }
    }
}

/// The notice exactly as a resident reading Vietnamese will receive it.
fn preview(f: &Frame, draft: &Draft) -> Preview {
    let reply = compose::preview(draft).reply(f.t.lang);
    Preview {
        html: crate::channels::html::pieces(f.t.localizer, &reply.body, f.t.lang, usize::MAX)
            .concat(),
        text: f.t.msg(&reply.body),
        buttons: reply
            .buttons
            .iter()
            .flatten()
            .map(|b| f.t.msg(&b.label))
            .collect(),
    }
}

/// One unit's line of the reach table.
pub struct ReachRow {
    pub name: String,
    pub reach: Reach,
}

#[derive(Template)]
#[template(path = "dashboard/notice.html")]
struct StatusPage<'a> {
    f: Frame<'a>,
    id: i64,
    title: String,
    /// Still going out, or a draft: it may be stopped.
    stoppable: bool,
    /// Its figures and questions, as [`live`] renders them.
    part: String,
}

/// The part of a notice's page that changes while it goes out: its state, its reach per unit,
/// residents' questions about it. The page fetches it again every few seconds while `live`.
#[derive(Template)]
#[template(path = "dashboard/notice_live.html")]
struct LivePart<'a> {
    f: &'a Frame<'a>,
    id: i64,
    status: NoticeStatus,
    phase: Phase,
    rows: Vec<ReachRow>,
    /// Residents' questions about it, in the login's units: tickets, answered from the queue.
    questions: Vec<Row>,
    /// Still going out: the page fetches this part again.
    live: bool,
    /// Held for the night: "sẽ gửi lúc 07:00".
    held_until: Option<String>,
}

pub async fn status(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Path(id): Path<i64>,
) -> WebResult {
    let f = staff.frame(&dash, &token, "notices")?;
    let (part, status) = live_part(&staff, &dash, &f, id).await?;
    let title = dash
        .engine
        .store()
        .notice(id)
        .await?
        .map(|n| n.text(staff.lang).title.clone())
        .unwrap_or_default();
    let page = StatusPage {
        stoppable: matches!(
            status,
            Phase::Draft | Phase::Scheduled | Phase::Sending | Phase::Held
        ),
        f,
        id,
        title,
        part,
    };
    frame::page(token, &page)
}

/// The changing part of the notice's page alone, for the page to put in place of its own.
pub async fn live(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Path(id): Path<i64>,
) -> WebResult {
    let f = staff.frame(&dash, &token, "notices")?;
    let (part, _) = live_part(&staff, &dash, &f, id).await?;
    Ok(axum::response::Html(part).into_response())
}

/// The notice's changing part, rendered, and its state.
async fn live_part(
    staff: &Staff,
    dash: &Dash,
    f: &Frame<'_>,
    id: i64,
) -> Result<(String, Phase), WebError> {
    let units = dash.engine.units();
    let store = dash.engine.store();
    let status = app::notices::status(store, id, Viewer::Person(&staff.actor), &units)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut rows: Vec<ReachRow> = status
        .units
        .iter()
        .map(|(unit, reach)| ReachRow {
            name: unit
                .and_then(|u| units.by_id(u))
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            reach: reach.clone(),
        })
        .collect();
    collation::sort_by_name(&mut rows, |r| &r.name);
    let now = dash.engine.now();
    let filter = Filter {
        which: Which::All,
        notice: Some(id),
        ..Filter::default()
    };
    let mut tx = store.begin().await?;
    let categories = tx.ticket_categories().await?;
    let (tickets, _, _) = app::tickets::queue(
        &mut tx,
        tickets::by(staff),
        filter,
        &units,
        (QUESTIONS_SHOWN, 0),
        now,
    )
    .await?;
    tx.commit().await?;
    let questions = tickets::rows(&f.t, &tickets, &units, &categories, now);
    let phase = status.phase(now);
    let held_until = (phase == Phase::Held)
        .then(|| quiet_until(now))
        .flatten()
        .map(|at| {
            f.t.msg(&Msg::new("web-notice-held").text("time", vn_time::clock_time(at)))
        });
    let part = LivePart {
        phase,
        live: phase.live(),
        f,
        id,
        status,
        rows,
        questions,
        held_until,
    };
    Ok((part.render()?, phase))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn cancel(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> WebResult {
    frame::verify(&token, &form.csrf)?;
    let units = dash.engine.units();
    let store = dash.engine.store();
    // Only a notice the login may follow may be stopped by it.
    app::notices::status(store, id, Viewer::Person(&staff.actor), &units)
        .await?
        .ok_or(WebError::NotFound)?;
    store.cancel_notice(id).await?;
    Ok(Redirect::to(&format!("/notices/{id}")).into_response())
}
