//! Residents' tickets, each use case once for chat, the dashboard and the command line: send one
//! (routed to the commune, or to the unit whose boundary holds its location), list, show, and the
//! moves staff make (accept, ask for more, answer, transfer, reject, close, reopen), each told to
//! the resident in chat; the resident adds information, rates the answer and may reopen it once.

use chrono::{DateTime, Duration, Utc};

use crate::domain::dialogue::tickets::{self as replies, Note};
use crate::domain::ids::{NoticeId, PersonId, TicketId, UnitId};
use crate::domain::ticket::{
    self, Category, DAILY_LIMIT, MAX_TEXT_CHARS, Move, Status, Ticket, TicketDraft,
};
use crate::domain::unit_directory::UnitDirectory;
use crate::store::Tx;
use crate::store::tickets::{Change, Event, Filter, NewTicket};

pub use super::By;

/// Why a ticket was not sent or moved; each front door says it with a Fluent id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many open tickets sent today.
    TooMany,
    /// The person chose no commune.
    NoUnit,
    /// The location lies outside the person's province.
    OutsideProvince,
    /// No such ticket, or not theirs, or outside their units (the same answer).
    NotFound,
    /// Its status does not allow this now.
    NotNow,
    /// This move needs words (an answer, a reason, what is missing).
    NeedsText,
    TooLong,
    /// A transfer to no unit, the same one, or one in another province.
    BadUnit,
    /// A question about a notice that was not sent to the person (a forged or foreign button).
    NoticeNotSent,
}

impl Refused {
    pub fn msg_id(self) -> &'static str {
        match self {
            Refused::TooMany => "ticket-too-many",
            Refused::NoUnit => "ticket-no-unit",
            Refused::OutsideProvince => "ticket-outside-province",
            Refused::NotFound => "ticket-not-found",
            Refused::NotNow => "ticket-not-now",
            Refused::NeedsText => "ticket-needs-text",
            Refused::TooLong => "ticket-too-long",
            Refused::BadUnit => "ticket-bad-unit",
            Refused::NoticeNotSent => "button-expired",
        }
    }
}

/// The resident who sends a ticket.
pub struct Sender<'a> {
    pub person_id: i64,
    pub unit_id: Option<i64>,
    /// The chat's channel, where its photos are fetched from.
    pub channel: &'a str,
}

/// Sends the draft as a ticket of the resident's commune (or of the place that holds its
/// location), timed by office hours, and tells the staff of that unit.
pub async fn submit(
    tx: &mut Tx,
    sender: &Sender<'_>,
    draft: &TicketDraft,
    anonymous: bool,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Ticket, Refused>> {
    let Some(home) = sender.unit_id.and_then(|id| units.by_id(id)) else {
        return Ok(Err(Refused::NoUnit));
    };
    let province = units.province_of(home).id;
    let unit_id = match draft.location {
        None => home.id,
        Some((lat, lon)) => match units
            .locate(lat, lon)
            .into_iter()
            .find(|u| units.is_within(u.id, province))
        {
            Some(place) => place.id,
            // A province without boundaries loaded cannot say; the commune takes it.
            None if !units.has_boundaries() => home.id,
            None => return Ok(Err(Refused::OutsideProvince)),
        },
    };
    if let Some(notice) = draft.notice
        && tx
            .notice_for(PersonId(sender.person_id), NoticeId(notice))
            .await?
            .is_none()
    {
        return Ok(Err(Refused::NoticeNotSent));
    }
    if tx
        .open_tickets_since(sender.person_id, now - Duration::hours(24))
        .await?
        >= DAILY_LIMIT
    {
        return Ok(Err(Refused::TooMany));
    }
    let categories = tx.ticket_categories().await?;
    let category = draft
        .category
        .as_deref()
        .and_then(|code| categories.iter().find(|c| c.code == code));
    let (accept_due, answer_due) = ticket::deadlines(now, category, &tx.work_calendar().await?);
    let new = NewTicket {
        person_id: sender.person_id,
        province_id: province,
        unit_id,
        anonymous,
        kind: draft.kind.unwrap_or(ticket::Kind::Question),
        category: category.map(|c| c.code.as_str()),
        notice_id: draft.notice,
        text: &draft.text,
        photos: &draft.photos,
        photos_channel: (!draft.photos.is_empty()).then_some(sender.channel),
        location: draft.location,
        urgent: category.is_some_and(|c| c.urgent),
        at: now,
        accept_due,
        answer_due,
    };
    let id = tx.insert_ticket(&new).await?;
    let ticket = tx.ticket(id, false).await?.expect("the ticket just stored");
    tx.message_unit_staff(unit_id, &replies::announced(&ticket, units, category))
        .await?;
    Ok(Ok(ticket))
}

/// The ticket, if `by` may see it, with its history.
pub async fn show(
    tx: &mut Tx,
    by: By<'_>,
    id: i64,
    units: &UnitDirectory,
) -> anyhow::Result<Option<(Ticket, Vec<Event>)>> {
    let Some(mut ticket) = tx.ticket(id, false).await? else {
        return Ok(None);
    };
    if !by.may(ticket.unit_id, units) {
        return Ok(None);
    }
    if ticket.anonymous {
        ticket.person_id = None;
    }
    let events = tx.ticket_events(id).await?;
    Ok(Some((ticket, events)))
}

/// A page of the queue of the units `by` handles (or one of them), and the queue's size and
/// how much of it is overdue.
pub async fn queue(
    tx: &mut Tx,
    by: By<'_>,
    mut filter: Filter,
    units: &UnitDirectory,
    page: (i64, i64),
    now: DateTime<Utc>,
) -> anyhow::Result<(Vec<Ticket>, i64, i64)> {
    let scope = by.scope(units);
    filter.unit_ids = match filter.unit_ids.as_slice() {
        [] => scope,
        chosen => chosen
            .iter()
            .flat_map(|&id| units.subtree(id))
            .filter(|id| scope.contains(id))
            .collect(),
    };
    let (total, overdue) = tx.ticket_queue_count(&filter, now).await?;
    let mut tickets = tx.ticket_queue(&filter, page.0, page.1).await?;
    for t in tickets.iter_mut().filter(|t| t.anonymous) {
        t.person_id = None;
    }
    Ok((tickets, total, overdue))
}

/// A staff move on ticket `id` (`text`: the answer, what is missing, the reason; `to`: a
/// transfer's unit), told to the resident.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    tx: &mut Tx,
    by: By<'_>,
    TicketId(id): TicketId,
    done: Move,
    text: &str,
    to: Option<UnitId>,
    units: &UnitDirectory,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Ticket, Refused>> {
    let text = text.trim();
    let Some(t) = tx.ticket(id, true).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if !by.may(t.unit_id, units) {
        return Ok(Err(Refused::NotFound));
    }
    let Some(status) = done.from(t.status) else {
        return Ok(Err(Refused::NotNow));
    };
    if done.needs_text() && text.is_empty() {
        return Ok(Err(Refused::NeedsText));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Ok(Err(Refused::TooLong));
    }
    let transfer = match (done, to.and_then(|UnitId(id)| units.by_id(id))) {
        (Move::Transfer, Some(unit))
            if unit.id != t.unit_id
                && units.province_of(unit).id
                    == units
                        .by_id(t.unit_id)
                        .map_or(0, |u| units.province_of(u).id) =>
        {
            // The new unit has its own time to accept; the answer stays due when it was.
            let calendar = tx.work_calendar().await?;
            let category = category_of(tx, &t).await?;
            let (accept_due, _) = ticket::deadlines(now, category.as_ref(), &calendar);
            Some((unit.id, accept_due, t.answer_due))
        }
        (Move::Transfer, _) => return Ok(Err(Refused::BadUnit)),
        (Move::Reopen, _) => {
            let calendar = tx.work_calendar().await?;
            let category = category_of(tx, &t).await?;
            let (accept_due, answer_due) = ticket::deadlines(now, category.as_ref(), &calendar);
            Some((t.unit_id, accept_due, answer_due))
        }
        _ => None,
    };
    let actor = by.label();
    tx.change_ticket(&Change {
        ticket: id,
        status,
        at: now,
        action: done.code(),
        actor: &actor,
        text: (!text.is_empty()).then_some(text),
        transfer,
    })
    .await?;
    let after = tx
        .ticket(id, false)
        .await?
        .expect("the ticket just changed");
    if let Some(person) = after.person_id {
        tx.message_person(
            person,
            &replies::update_for_resident(&after, units, done, text),
        )
        .await?;
    }
    if done == Move::Transfer {
        let category = category_of(tx, &after).await?;
        tx.message_unit_staff(
            after.unit_id,
            &replies::announced(&after, units, category.as_ref()),
        )
        .await?;
    }
    Ok(Ok(after))
}

async fn category_of(tx: &mut Tx, t: &Ticket) -> anyhow::Result<Option<Category>> {
    let code = t.category.as_deref();
    Ok(tx
        .ticket_categories()
        .await?
        .into_iter()
        .find(|c| Some(c.code.as_str()) == code))
}

/// The resident's own ticket, by id.
async fn own(
    tx: &mut Tx,
    PersonId(person): PersonId,
    TicketId(id): TicketId,
) -> anyhow::Result<Option<Ticket>> {
    Ok(tx
        .ticket(id, true)
        .await?
        .filter(|t| t.person_id == Some(person)))
}

/// The resident's words about their ticket: information added, a comment on their rating, or
/// why they reopen it (once, after the answer). Staff are told.
pub async fn resident_note(
    tx: &mut Tx,
    person: PersonId,
    TicketId(id): TicketId,
    note: Note,
    text: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Ticket, Refused>> {
    let Some(t) = own(tx, person, TicketId(id)).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if text.trim().is_empty() {
        return Ok(Err(Refused::NeedsText));
    }
    match note {
        Note::Info if t.status == Status::NeedsInfo => {
            tx.change_ticket(&Change {
                ticket: id,
                status: Status::Accepted,
                at: now,
                action: "info",
                actor: "resident",
                text: Some(text),
                transfer: None,
            })
            .await?
        }
        Note::Info if t.status.is_open() => tx.note_ticket(id, now, "info", text).await?,
        Note::Comment if t.satisfied.is_some() => tx.note_ticket(id, now, "comment", text).await?,
        Note::Reopen if t.reopenable() => {
            let calendar = tx.work_calendar().await?;
            let category = category_of(tx, &t).await?;
            let (accept_due, answer_due) = ticket::deadlines(now, category.as_ref(), &calendar);
            tx.change_ticket(&Change {
                ticket: id,
                status: Status::Accepted,
                at: now,
                action: "reopened_by_resident",
                actor: "resident",
                text: Some(text),
                transfer: Some((t.unit_id, accept_due, answer_due)),
            })
            .await?
        }
        _ => return Ok(Err(Refused::NotNow)),
    }
    if note != Note::Comment {
        tx.message_unit_staff(t.unit_id, &replies::resident_wrote(&t, note, text))
            .await?;
    }
    let after = tx
        .ticket(id, false)
        .await?
        .expect("the ticket just changed");
    Ok(Ok(after))
}

/// The resident rates the answer to their ticket, which closes it.
pub async fn rate(
    tx: &mut Tx,
    person: PersonId,
    TicketId(id): TicketId,
    satisfied: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Ticket, Refused>> {
    let Some(t) = own(tx, person, TicketId(id)).await? else {
        return Ok(Err(Refused::NotFound));
    };
    if !t.rateable() {
        return Ok(Err(Refused::NotNow));
    }
    tx.rate_ticket(id, satisfied, now).await?;
    let after = tx
        .ticket(id, false)
        .await?
        .expect("the ticket just changed");
    Ok(Ok(after))
}
