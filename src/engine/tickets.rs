//! Effects about residents' tickets: sent, listed, shown, rated, added to, and moved by staff in
//! chat, each through `app::tickets`.

use super::{Engine, Scene};
use crate::app::tickets::{self, By, Refused, Sender};
use crate::domain::dialogue::State;
use crate::domain::dialogue::tickets::{self as replies, Note, TicketEffect};
use crate::domain::ids::{PersonId, TicketId};
use crate::domain::payload::{Payload, TicketButton};
use crate::domain::ticket::{Move, Ticket};
use crate::message::{Button, Msg, Reply};
use crate::store::Tx;
use crate::store::tickets::Filter;

/// Tickets a resident sees listed, and open ones staff see in chat (the dashboard has the rest).
const LISTED: i64 = 8;

impl Engine {
    pub(super) async fn ticket_effect(
        &self,
        tx: &mut Tx,
        at: &mut Scene<'_>,
        effect: &TicketEffect,
    ) -> anyhow::Result<()> {
        let me = at.me()?.clone();
        let by = By::Person {
            actor: &at.actor,
            id: me.id,
        };
        let reply = match effect {
            TicketEffect::Submit { draft, anonymous } => {
                let sender = Sender {
                    person_id: me.id,
                    unit_id: me.unit_id,
                    channel: at.channel,
                };
                match tickets::submit(tx, &sender, draft, *anonymous, at.units, at.now).await? {
                    Ok(ticket) => replies::submitted(&ticket, at.units),
                    Err(refused) => {
                        // Nothing written is lost: the draft waits, without what was refused.
                        let mut draft = draft.clone();
                        if refused == Refused::OutsideProvince {
                            draft.location = None;
                        }
                        if refused != Refused::NoUnit {
                            at.settled = Some(State::WriteTicket { draft });
                        }
                        refusal(refused)
                    }
                }
            }
            TicketEffect::List => {
                let mine = tx.person_tickets(PersonId(me.id), LISTED).await?;
                if !me.grants.is_empty() {
                    let (open, total, overdue) =
                        tickets::queue(tx, by, Filter::default(), at.units, (LISTED, 0), at.now)
                            .await?;
                    at.replies
                        .push(replies::open_tickets(&open, total, overdue));
                }
                replies::my_tickets(&mine)
            }
            TicketEffect::Show(id) => {
                let own = tx
                    .ticket(*id, false)
                    .await?
                    .filter(|t| t.person_id == Some(me.id));
                self.shown(tx, at, by, own, *id).await?
            }
            TicketEffect::ShowCode(number) => {
                let own = match tx.person_ticket_id(PersonId(me.id), *number).await? {
                    Some(id) => tx.ticket(id, false).await?,
                    None => None,
                };
                let id = match own {
                    Some(_) => None,
                    None => tx.unit_ticket_id(&by.scope(at.units), *number).await?,
                };
                self.shown(tx, at, by, own, id.unwrap_or(0)).await?
            }
            TicketEffect::Rate { ticket, satisfied } => {
                match tickets::rate(tx, PersonId(me.id), TicketId(*ticket), *satisfied, at.now)
                    .await?
                {
                    Ok(_) => {
                        at.settled = Some(State::TicketNote {
                            ticket: *ticket,
                            note: Note::Comment,
                        });
                        Reply::new(Msg::new("ticket-rated")).row(vec![Button::new(
                            Msg::new("ticket-skip-button"),
                            Payload::TicketDraft(TicketButton::Skip),
                        )])
                    }
                    Err(refused) => refusal(refused),
                }
            }
            TicketEffect::Accept(ticket) => moved(
                tickets::act(
                    tx,
                    by,
                    TicketId(*ticket),
                    Move::Accept,
                    "",
                    None,
                    at.units,
                    at.now,
                )
                .await?,
                Move::Accept,
            ),
            TicketEffect::Note {
                ticket,
                note: Note::Staff(done),
                text,
            } => moved(
                tickets::act(
                    tx,
                    by,
                    TicketId(*ticket),
                    *done,
                    text,
                    None,
                    at.units,
                    at.now,
                )
                .await?,
                *done,
            ),
            TicketEffect::Note { ticket, note, text } => {
                match tickets::resident_note(
                    tx,
                    PersonId(me.id),
                    TicketId(*ticket),
                    *note,
                    text,
                    at.now,
                )
                .await?
                {
                    Ok(t) => Reply::new(
                        Msg::new(match note {
                            Note::Reopen => "ticket-reopened",
                            Note::Comment => "ticket-rating-thanks",
                            _ => "ticket-info-added",
                        })
                        .text("code", &t.code),
                    ),
                    Err(refused) => refusal(refused),
                }
            }
        };
        at.replies.push(reply);
        Ok(())
    }

    /// The person's own ticket as a resident sees it, else ticket `staff_id` as staff see it, if
    /// it lies in their units.
    async fn shown(
        &self,
        tx: &mut Tx,
        at: &Scene<'_>,
        by: By<'_>,
        own: Option<Ticket>,
        staff_id: i64,
    ) -> anyhow::Result<Reply> {
        if let Some(t) = own {
            return Ok(replies::for_resident(&t, at.units));
        }
        Ok(match tickets::show(tx, by, staff_id, at.units).await? {
            Some((t, _)) => replies::for_staff(&t, at.units, at.now),
            None => refusal(Refused::NotFound),
        })
    }
}

fn refusal(refused: Refused) -> Reply {
    Reply::new(Msg::new(refused.msg_id()))
}

fn moved(result: Result<Ticket, Refused>, done: Move) -> Reply {
    match result {
        Ok(t) => Reply::new(
            Msg::new("ticket-moved")
                .text("code", &t.code)
                .msg("move", Msg::new(done.msg_id())),
        ),
        Err(refused) => refusal(refused),
    }
}
