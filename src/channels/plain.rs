//! Replies as plain text for channels without buttons (the shell, Zalo's Bot API): each reply's
//! text, its choices numbered in order across the whole answer, and what it carries.

use crate::chart::Plot;
use crate::i18n::Localizer;
use crate::message::{Attachment, Outbound};

use super::buttons;

/// One reply, rendered.
pub struct PlainReply {
    pub body: String,
    /// "[1] Tiếng Việt   [2] English", one line per row of buttons.
    pub choices: Vec<String>,
    pub attachment: Option<Attachment>,
    pub chart: Option<Plot>,
    /// The reply asks for a location, which this channel cannot share with a button.
    pub asks_location: bool,
}

pub fn render(localizer: &Localizer, outbound: &Outbound) -> Vec<PlainReply> {
    let mut numbered = 0;
    outbound
        .replies
        .iter()
        .map(|reply| {
            let (choices, payloads) =
                buttons::numbered(localizer, reply, outbound.lang, numbered + 1);
            numbered += payloads.len();
            PlainReply {
                body: localizer.render(&reply.body, outbound.lang),
                choices,
                attachment: reply.attachment.clone(),
                chart: reply
                    .chart
                    .as_ref()
                    .map(|c| Plot::new(c, localizer, outbound.lang)),
                asks_location: reply.location.is_some(),
            }
        })
        .collect()
}
