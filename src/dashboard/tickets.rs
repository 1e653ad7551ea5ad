//! Residents' tickets (phản ánh, kiến nghị): the queue of the login's units, overdue first, with
//! filters and pages; a ticket with its photos, place and history, and a form for each move its
//! status allows (accept, ask for more, answer, transfer, reject, close, reopen).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use axum_csrf::CsrfToken;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::auth::Staff;
use super::frame::{self, Frame, Texts};
use super::kept::{self, Returned};
use super::reports::{UnitChoice, platform_photo, unit_choices};
use super::{Dash, WebError, WebResult};
use crate::app::tickets::{self, By, Refused};
use crate::domain::ids::{TicketId, UnitId};
use crate::domain::ticket::{self, Category, Move, Status, Ticket};
use crate::domain::unit_directory::UnitDirectory;
use crate::domain::unit_label::unit_label_by_id;
use crate::message::Msg;
use crate::store::tickets::{Event, Filter, Which};

/// Tickets on a page of the queue.
const PER_PAGE: i64 = 50;
/// Characters of a ticket's text the queue shows.
const EXCERPT_CHARS: usize = 120;

/// The login acting on tickets, as their history names it.
pub(super) fn by(staff: &Staff) -> By<'_> {
    By::Login {
        actor: &staff.actor,
        name: &staff.login.name,
    }
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    /// Empty or "open": those waiting for an answer; "all"; or one status.
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    /// A unit code; the login's whole scope when empty.
    #[serde(default)]
    unit: String,
    /// Words of the text, or a code ("PA-0012", "pa 12", "#12").
    #[serde(default)]
    q: String,
    /// From 1.
    #[serde(default)]
    page: String,
    /// A notice's id: only the questions about it.
    #[serde(default)]
    notice: String,
}

/// A ticket's line in the queue (and under a notice, for the questions about it).
pub(super) struct Row {
    pub(super) id: i64,
    pub(super) code: String,
    pub(super) unit: String,
    pub(super) kind: String,
    pub(super) category: String,
    pub(super) status: String,
    pub(super) due: String,
    pub(super) overdue: bool,
    pub(super) urgent: bool,
    pub(super) excerpt: String,
}

#[derive(Template)]
#[template(path = "dashboard/tickets.html")]
struct QueuePage<'a> {
    f: Frame<'a>,
    rows: Vec<Row>,
    /// The counts line: how many tickets the filter finds, how many of them overdue.
    counts: String,
    /// (value, label, selected)
    statuses: Vec<(String, String, bool)>,
    categories: Vec<(String, String, bool)>,
    units: Vec<UnitChoice>,
    q: String,
    /// The notice whose questions alone are shown, or empty.
    notice: String,
    /// "page 2 of 3", when there is more than one.
    pages: Option<String>,
    previous: Option<String>,
    next: Option<String>,
    /// This page's address, to come back to after switching language.
    here: String,
}

pub async fn queue(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Query(query): Query<QueueQuery>,
) -> WebResult {
    let units = dash.engine.units();
    let by = by(&staff);
    let own = units.by_id(staff.scope()).ok_or(WebError::NotFound)?;
    // A unit outside the login's scope does not exist for it.
    let chosen = match query.unit.trim() {
        "" => own,
        code => units
            .by_code(code)
            .filter(|u| by.may(u.id, &units))
            .ok_or(WebError::NotFound)?,
    };
    let which = match query.status.as_str() {
        "all" => Which::All,
        code => Status::parse(code).map_or(Which::Open, Which::Only),
    };
    let page = query
        .page
        .parse::<i64>()
        .ok()
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let now = dash.engine.now();
    let mut tx = dash.engine.store().begin().await?;
    let categories = tx.ticket_categories().await?;
    let category = categories
        .iter()
        .find(|c| c.code == query.category)
        .map(|c| c.code.clone());
    let filter_notice: Option<i64> = query.notice.trim().parse().ok();
    let filter = Filter {
        unit_ids: vec![chosen.id],
        which,
        category: category.clone(),
        search: search(&query.q),
        notice: filter_notice,
    };
    let (tickets, total, overdue) = tickets::queue(
        &mut tx,
        by,
        filter,
        &units,
        (PER_PAGE, (page - 1) * PER_PAGE),
        now,
    )
    .await?;
    tx.commit().await?;

    let f = staff.frame(&dash, &token, "tickets")?;
    let rows = rows(&f.t, &tickets, &units, &categories, now);
    let status_code = match which {
        Which::Open => "",
        Which::All => "all",
        Which::Only(s) => s.code(),
    };
    let mut statuses = vec![
        (
            String::new(),
            f.t.t("web-ticket-open"),
            which == Which::Open,
        ),
        ("all".to_owned(), f.t.t("web-all"), which == Which::All),
    ];
    statuses.extend(Status::ALL.into_iter().map(|s| {
        (
            s.code().to_owned(),
            f.t.t(s.msg_id()),
            which == Which::Only(s),
        )
    }));
    let categories = categories
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                c.name(f.t.lang).to_owned(),
                category.as_deref() == Some(c.code.as_str()),
            )
        })
        .collect();
    let mut choices = unit_choices(&staff, &dash, chosen);
    if !choices.iter().any(|c| c.selected) {
        // A unit further down, asked for by its code.
        choices.push(UnitChoice {
            code: chosen.code.clone(),
            name: chosen.name.clone(),
            selected: true,
        });
    }
    let unit_code = match chosen.id == own.id {
        true => "",
        false => chosen.code.as_str(),
    };
    let notice = filter_notice.map(|id| id.to_string()).unwrap_or_default();
    let link = |page: i64| {
        let mut params = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("status", status_code),
            ("category", category.as_deref().unwrap_or("")),
            ("unit", unit_code),
            ("q", query.q.trim()),
            ("notice", notice.as_str()),
        ] {
            if !value.is_empty() {
                params.append_pair(name, value);
            }
        }
        if page > 1 {
            params.append_pair("page", &page.to_string());
        }
        match params.finish() {
            params if params.is_empty() => "/tickets".to_owned(),
            params => format!("/tickets?{params}"),
        }
    };
    let last = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let counts = f.t.msg(
        &Msg::new("web-tickets-count")
            .number("total", total)
            .number("overdue", overdue),
    );
    let pages = (last > 1).then(|| {
        f.t.msg(
            &Msg::new("web-page")
                .number("page", page)
                .number("pages", last),
        )
    });
    let queue = QueuePage {
        rows,
        counts,
        statuses,
        categories,
        units: choices,
        q: query.q.trim().to_owned(),
        notice: notice.clone(),
        pages,
        previous: (page > 1).then(|| link(page.min(last + 1) - 1)),
        next: (page < last).then(|| link(page + 1)),
        here: link(page),
        f,
    };
    frame::page(token, &queue)
}

/// The queue's lines for `tickets`.
pub(super) fn rows(
    t: &Texts,
    tickets: &[Ticket],
    units: &UnitDirectory,
    categories: &[Category],
    now: DateTime<Utc>,
) -> Vec<Row> {
    tickets
        .iter()
        .map(|ticket| Row {
            id: ticket.id,
            code: ticket.code.clone(),
            unit: unit_name(units, ticket.unit_id),
            kind: t.t(ticket.kind.msg_id()),
            category: category_name(t, categories, ticket),
            status: t.t(ticket.status.msg_id()),
            due: t.time(&ticket.answer_due),
            overdue: ticket.overdue(now),
            urgent: ticket.urgent,
            excerpt: excerpt(&ticket.text),
        })
        .collect()
}

/// What the search box holds, as the queue looks for it: a code as printed ("pa 12" is
/// "PA-0012"), else the words as typed.
fn search(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let coded = typed.starts_with('#') || crate::domain::text::fold(typed).starts_with("pa");
    match ticket::parse_code(typed) {
        Some(number) if coded => Some(ticket::code(number)),
        _ => Some(typed.to_owned()),
    }
}

/// The start of a ticket's text, on one line.
fn excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

fn unit_name(units: &UnitDirectory, id: i64) -> String {
    units.by_id(id).map(|u| u.name.clone()).unwrap_or_default()
}

fn category_name(t: &Texts, categories: &[Category], ticket: &Ticket) -> String {
    ticket
        .category
        .as_deref()
        .and_then(|code| categories.iter().find(|c| c.code == code))
        .map_or_else(|| "–".to_owned(), |c| c.name(t.lang).to_owned())
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    /// The move just made, for the line that says it was.
    #[serde(default)]
    done: String,
}

/// A ticket as its page shows it.
struct Shown {
    id: i64,
    code: String,
    unit: String,
    status: Status,
    status_name: String,
    kind: String,
    category: String,
    urgent: bool,
    text: String,
    received: String,
    accept_due: String,
    answer_due: String,
    accepted_at: String,
    answered_at: String,
    overdue: bool,
    sender: String,
    /// Where each photo is shown from.
    photos: Vec<String>,
    /// OpenStreetMap at the ticket's location.
    map: Option<String>,
    answer: Option<String>,
    rating: String,
}

/// A line of the ticket's history.
struct EventRow {
    at: String,
    action: String,
    actor: String,
    text: Option<String>,
    unit: String,
}

/// A move the ticket's status allows, as a form.
struct MoveForm {
    code: &'static str,
    label: String,
    /// The label of its words, when it needs some.
    text: Option<String>,
    transfer: bool,
    /// What was written in it when it was refused.
    kept_text: String,
    kept_unit: String,
}

#[derive(Template)]
#[template(path = "dashboard/ticket.html")]
struct TicketPage<'a> {
    f: Frame<'a>,
    ticket: Shown,
    events: Vec<EventRow>,
    moves: Vec<MoveForm>,
    done: Option<String>,
    refused: Option<String>,
}

pub async fn show(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    Path(id): Path<i64>,
    Query(query): Query<DoneQuery>,
    returned: Returned,
) -> WebResult {
    let refused: Option<(String, Msg, MoveFields)> =
        returned.value(&format!("{MOVE}:{id}")).await?;
    let outcome = match (refused, Move::parse(&query.done)) {
        (Some((code, why, fields)), _) => match Move::parse(&code) {
            Some(refused) => Outcome::Refused(refused, why, fields),
            None => Outcome::None,
        },
        (None, Some(done)) => Outcome::Done(done),
        (None, None) => Outcome::None,
    };
    ticket_page(&staff, &dash, token, id, outcome).await
}

/// What the page says about the last move.
enum Outcome {
    None,
    Done(Move),
    /// Refused (why), with what was written in its form.
    Refused(Move, Msg, MoveFields),
}

async fn ticket_page(
    staff: &Staff,
    dash: &Dash,
    token: CsrfToken,
    id: i64,
    outcome: Outcome,
) -> WebResult {
    let units = dash.engine.units();
    let now = dash.engine.now();
    let mut tx = dash.engine.store().begin().await?;
    let shown = tickets::show(&mut tx, by(staff), id, &units).await?;
    let categories = tx.ticket_categories().await?;
    tx.commit().await?;
    let (t, events) = shown.ok_or(WebError::NotFound)?;
    let f = staff.frame(dash, &token, "tickets")?;
    let sender = match (t.anonymous, t.person_id) {
        (true, _) => "anonymous".to_owned(),
        (false, Some(person)) => person.to_string(),
        (false, None) => "erased".to_owned(),
    };
    let rating = match t.satisfied {
        Some(true) => "satisfied",
        Some(false) => "unsatisfied",
        None => "none",
    };
    let ticket = Shown {
        id: t.id,
        code: t.code.clone(),
        unit: f.t.msg(&unit_label_by_id(&units, t.unit_id)),
        status: t.status,
        status_name: f.t.t(t.status.msg_id()),
        kind: f.t.t(t.kind.msg_id()),
        category: category_name(&f.t, &categories, &t),
        urgent: t.urgent,
        text: t.text.clone(),
        received: f.t.time(&t.created_at),
        accept_due: f.t.time(&t.accept_due),
        answer_due: f.t.time(&t.answer_due),
        accepted_at: f.t.when(&t.accepted_at),
        answered_at: f.t.when(&t.answered_at),
        overdue: t.overdue(now),
        sender: f.t.msg(&Msg::new("web-ticket-sender").text("who", sender)),
        photos: (0..t.photos.len())
            .map(|n| format!("/tickets/{id}/photos/{n}"))
            .collect(),
        map: t.location.map(|(lat, lon)| {
            format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
        }),
        answer: t.answer.clone(),
        rating: f
            .t
            .msg(&Msg::new("web-ticket-rating").text("rating", rating)),
    };
    let events = events
        .iter()
        .map(|e| history_line(&f.t, &units, e))
        .collect();
    let (done, refused, kept) = match outcome {
        Outcome::None => (None, None, None),
        Outcome::Done(m) => (
            Some(f.t.msg(&Msg::new("web-ticket-done").text("move", f.t.t(m.msg_id())))),
            None,
            None,
        ),
        Outcome::Refused(m, why, fields) => (None, Some(f.t.msg(&why)), Some((m, fields))),
    };
    let moves = Move::ALL
        .into_iter()
        .filter(|m| m.from(t.status).is_some())
        .map(|m| {
            let kept = kept.as_ref().filter(|(k, _)| *k == m).map(|(_, f)| f);
            MoveForm {
                code: m.code(),
                label: f.t.t(m.msg_id()),
                text: m.needs_text().then(|| {
                    f.t.msg(&Msg::new("web-ticket-move-text").text("move", m.code()))
                }),
                transfer: m == Move::Transfer,
                kept_text: kept.map(|k| k.text.clone()).unwrap_or_default(),
                kept_unit: kept.map(|k| k.unit.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let page = TicketPage {
        f,
        ticket,
        events,
        moves,
        done,
        refused,
    };
    frame::page(token, &page)
}

/// Who did what, in words: staff moves by their names, the resident's steps by theirs.
fn history_line(t: &Texts, units: &UnitDirectory, e: &Event) -> EventRow {
    let action = match Move::parse(&e.action) {
        Some(m) => t.t(m.msg_id()),
        None => t.msg(&Msg::new("web-ticket-event").text("action", e.action.as_str())),
    };
    let (kind, who) = match e.actor.split_once(':') {
        Some((kind @ ("person" | "login"), who)) => (kind, who),
        _ => (e.actor.as_str(), ""),
    };
    EventRow {
        at: t.time(&e.at),
        action,
        actor: t.msg(
            &Msg::new("web-ticket-actor")
                .text("kind", kind)
                .text("who", who),
        ),
        text: e.text.clone(),
        unit: e.unit_id.map(|u| unit_name(units, u)).unwrap_or_default(),
    }
}

/// A move's form as sent (and kept, when the move was refused, for its page to show again).
#[derive(Serialize, Deserialize)]
pub struct MoveFields {
    #[serde(default, skip_serializing)]
    csrf: String,
    /// The answer, what is missing, the reason.
    #[serde(default)]
    text: String,
    /// A transfer's unit code.
    #[serde(default)]
    unit: String,
}

/// A move's form: its name for what it keeps ([`kept`]), after the ticket's id: a refused move
/// with its form.
const MOVE: &str = "ticket_move";

/// A move on the ticket: done, then back to its page saying so; refused, back to its page, which
/// says why and keeps what was written.
pub async fn act(
    staff: Staff,
    State(dash): State<Dash>,
    token: CsrfToken,
    session: Session,
    Path((id, code)): Path<(i64, String)>,
    Form(fields): Form<MoveFields>,
) -> WebResult {
    frame::verify(&token, &fields.csrf)?;
    let done = Move::parse(&code).ok_or(WebError::NotFound)?;
    let units = dash.engine.units();
    let to = match done {
        Move::Transfer => units.by_code(fields.unit.trim()).map(|u| UnitId(u.id)),
        _ => None,
    };
    let mut tx = dash.engine.store().begin().await?;
    let result = tickets::act(
        &mut tx,
        by(&staff),
        TicketId(id),
        done,
        &fields.text,
        to,
        &units,
        dash.engine.now(),
    )
    .await?;
    tx.commit().await?;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/tickets/{id}?done={}", done.code())).into_response()),
        Err(Refused::NotFound) => Err(WebError::NotFound),
        Err(why) => {
            let refused = (done.code(), Msg::new(why.msg_id()), fields);
            kept::redirect(
                &session,
                &format!("{MOVE}:{id}"),
                &format!("/tickets/{id}"),
                &refused,
            )
            .await
        }
    }
}

/// Photo `n` of a ticket, fetched now from the platform the resident sent it through, for a
/// login that handles the ticket's unit.
pub async fn photo(
    staff: Staff,
    State(dash): State<Dash>,
    Path((id, n)): Path<(i64, usize)>,
) -> WebResult {
    let units = dash.engine.units();
    let mut tx = dash.engine.store().begin().await?;
    let shown = tickets::show(&mut tx, by(&staff), id, &units).await?;
    tx.commit().await?;
    let (t, _) = shown.ok_or(WebError::NotFound)?;
    let file_id = t.photos.get(n).ok_or(WebError::NotFound)?;
    let channel = t.photos_channel.as_deref().ok_or(WebError::NotFound)?;
    platform_photo(&dash, channel, file_id).await
}
