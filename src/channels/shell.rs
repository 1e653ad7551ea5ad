//! A chat with the bot in the terminal, through the same engine as every other channel.
//! It has no buttons: choices are numbered and typing a number presses one.

use futures::future::BoxFuture;
use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use super::{Buttons, Capabilities, Channel, Event, Markup, Photos, Sent, plain};
use crate::engine::Engine;
use crate::i18n::Localizer;
use crate::message::{ChatTraits, Inbound, InboundKind, Lang, Msg, Outbound};

pub const CHANNEL: &str = "shell";

/// The terminal as a [`Channel`]: one line in is one event; a reply is printed, never pushed.
pub struct Shell {
    capabilities: Capabilities,
    /// The chat's name (several shells can be different people).
    address: String,
}

impl Shell {
    pub fn new(address: &str) -> Shell {
        Shell {
            capabilities: Capabilities {
                buttons: Buttons::Numbered,
                typed_numbers: true,
                max_text: usize::MAX,
                markup: Markup::Plain,
                photos: Photos::None,
                location: false,
                receipts: false,
                can_push: false,
                rate: None,
            },
            address: address.to_owned(),
        }
    }
}

impl Channel for Shell {
    fn name(&self) -> &'static str {
        CHANNEL
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// `{"id": …, "line": …}`: a typed line ("@lat,lon" shares a location). A typed number is
    /// text here: the engine knows which choice it names.
    fn decode(&self, payload: &Value) -> anyhow::Result<Event> {
        let line = payload["line"].as_str().unwrap_or_default();
        let id = payload["id"].as_str().unwrap_or_default();
        Ok(Event::Chat {
            inbound: Inbound {
                channel: CHANNEL.into(),
                address: self.address.clone(),
                event_id: id.to_owned(),
                kind: location(line).unwrap_or_else(|| InboundKind::typed(line)),
                traits: ChatTraits {
                    can_push: self.capabilities.can_push,
                    numbered: self.capabilities.typed_numbers,
                },
            },
            ack: None,
        })
    }

    fn render(&self, localizer: &Localizer, outbound: &Outbound) -> Vec<Value> {
        vec![json!(render(localizer, outbound))]
    }

    /// Nothing is sent from afar: the shell prints its replies where the person types.
    fn send<'a>(&'a self, _address: &'a str, _message: &'a Value) -> BoxFuture<'a, Sent> {
        Box::pin(async { Sent::Rejected("the shell only answers whoever is typing".into()) })
    }
}

/// Runs until the input ends. `address` names the chat, so several shells can be different people.
pub async fn run(
    engine: &Engine,
    address: &str,
    input: impl AsyncBufRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
) -> anyhow::Result<()> {
    let shell = Shell::new(address);
    // Event ids unique to this session, so another session of the same chat is not a replay.
    let session = format!("{}-{}", std::process::id(), engine.now().timestamp_micros());
    let intro = engine
        .localizer()
        .render(&Msg::new("shell-intro"), Lang::Vi);
    output.write_all(format!("{intro}\n").as_bytes()).await?;
    let mut lines = input.lines();
    let mut count = 0u64;
    while let Some(line) = lines.next_line().await? {
        if line.trim().is_empty() {
            continue;
        }
        count += 1;
        let event = shell.decode(&json!({"id": format!("{session}-{count}"), "line": line}))?;
        let Event::Chat { inbound, .. } = event else {
            continue;
        };
        match engine.handle(&inbound).await? {
            Some(outbound) => {
                for message in shell.render(engine.localizer(), &outbound) {
                    output
                        .write_all(message.as_str().unwrap_or_default().as_bytes())
                        .await?;
                }
            }
            None => tracing::warn!(event = inbound.event_id, "event already handled"),
        }
        output.flush().await?;
    }
    Ok(())
}

/// "@20.6464,106.0511": a shared location, as a phone would send it.
fn location(line: &str) -> Option<InboundKind> {
    let (latitude, longitude) = line.trim().strip_prefix('@')?.split_once(',')?;
    Some(InboundKind::Location {
        latitude: latitude.trim().parse().ok()?,
        longitude: longitude.trim().parse().ok()?,
    })
}

/// The replies as terminal text, buttons numbered in order across the replies.
fn render(localizer: &Localizer, outbound: &Outbound) -> String {
    let mut text = String::new();
    for reply in plain::render(localizer, outbound) {
        for line in reply.body.lines() {
            text.push_str(&format!("bot> {line}\n"));
        }
        for line in reply.choices {
            text.push_str(&format!("     {line}\n"));
        }
        if let Some(attachment) = &reply.attachment {
            text.push_str(&format!("     📎 {}\n", attachment.source));
        }
        if let Some(plot) = &reply.chart {
            for line in plot.text().lines() {
                text.push_str(&format!("     {line}\n"));
            }
        }
        if reply.asks_location {
            let hint = localizer.render(&Msg::new("shell-location"), outbound.lang);
            text.push_str(&format!("     [@] {hint}\n"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Bar, Chart, Reply};

    #[test]
    fn a_chart_is_titled_once_by_its_reply() {
        let title = Msg::new("report-chart-unit").text("unit", "Mô hình theo lĩnh vực");
        let bar = |name: &str, value| Bar {
            label: Msg::new("sector-name").text("name", name),
            value,
        };
        let outbound = Outbound {
            lang: Lang::Vi,
            replies: vec![Reply::new(title.clone()).chart(Chart {
                title,
                bars: vec![bar("Kinh tế", 2), bar("An ninh", 1)],
            })],
        };
        assert_eq!(
            render(&Localizer::new(), &outbound),
            "bot> Mô hình theo lĩnh vực\n     Kinh tế ▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇▇ 2\n     An ninh ▇▇▇▇▇▇▇▇▇▇ 1\n"
        );
    }
}
