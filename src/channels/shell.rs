//! A chat with the bot in the terminal, through the same engine as every other channel.
//! Buttons are numbered; typing a number presses one.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use crate::engine::Engine;
use crate::i18n::Localizer;
use crate::message::{Inbound, InboundKind, Lang, Msg, Outbound};

pub const CHANNEL: &str = "shell";

/// Runs until the input ends. `address` names the chat, so several shells can be different people.
pub async fn run(
    engine: &Engine,
    address: &str,
    input: impl AsyncBufRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
) -> anyhow::Result<()> {
    let session = format!(
        "{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    );
    let intro = engine
        .localizer()
        .render(&Msg::new("shell-intro"), Lang::Vi);
    output.write_all(format!("{intro}\n").as_bytes()).await?;
    let mut buttons: Vec<String> = Vec::new();
    let mut lines = input.lines();
    let mut count = 0u64;
    while let Some(line) = lines.next_line().await? {
        if line.trim().is_empty() {
            continue;
        }
        count += 1;
        let kind = match line.trim().parse::<usize>() {
            Ok(n) if (1..=buttons.len()).contains(&n) => {
                InboundKind::Button(buttons[n - 1].clone())
            }
            _ => location(&line).unwrap_or_else(|| InboundKind::typed(&line)),
        };
        let inbound = Inbound {
            channel: CHANNEL.into(),
            address: address.into(),
            event_id: format!("{session}-{count}"),
            kind,
            // The terminal only answers whoever is typing.
            can_push: false,
        };
        match engine.handle(&inbound).await? {
            Some(outbound) => {
                let (text, pressed) = render(engine.localizer(), &outbound);
                buttons = pressed;
                output.write_all(text.as_bytes()).await?;
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

/// The replies as terminal text, and the payloads of the buttons in the order they are numbered.
fn render(localizer: &Localizer, outbound: &Outbound) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut payloads = Vec::new();
    for reply in &outbound.replies {
        for line in localizer.render(&reply.body, outbound.lang).lines() {
            text.push_str(&format!("bot> {line}\n"));
        }
        for row in &reply.buttons {
            let labels: Vec<String> = row
                .iter()
                .map(|b| {
                    payloads.push(b.payload.clone());
                    format!(
                        "[{}] {}",
                        payloads.len(),
                        localizer.render(&b.label, outbound.lang)
                    )
                })
                .collect();
            text.push_str(&format!("     {}\n", labels.join("   ")));
        }
        if let Some(attachment) = &reply.attachment {
            text.push_str(&format!("     📎 {}\n", attachment.source));
        }
        if let Some(chart) = &reply.chart {
            let plot = crate::chart::Plot::new(chart, localizer, outbound.lang);
            for line in plot.text().lines() {
                text.push_str(&format!("     {line}\n"));
            }
        }
        if reply.location.is_some() {
            let hint = localizer.render(&Msg::new("shell-location"), outbound.lang);
            text.push_str(&format!("     [@] {hint}\n"));
        }
    }
    (text, payloads)
}
