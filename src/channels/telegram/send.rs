//! Sending through teloxide, with Telegram's errors read as delivery outcomes: 429 pauses the
//! whole bot for `retry_after`; a blocked or deactivated user becomes unreachable; 5xx and network
//! errors may pass; other errors are Telegram refusing the message, with its reason.

use std::sync::Arc;

use teloxide::payloads::{SendDocumentSetters, SendMessageSetters, SendPhotoSetters};
use teloxide::prelude::*;
use teloxide::types::{
    ButtonRequest, FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton,
    KeyboardMarkup, Message, ParseMode, ReplyMarkup,
};
use teloxide::{ApiError, RequestError};

use super::adapt::Rendered;
use crate::channels::Sent;
use crate::message::AttachmentKind;

/// Sends one rendered message (as the outbox keeps it) to a Telegram chat.
pub async fn send(bot: &Bot, address: &str, message: &serde_json::Value) -> Sent {
    let Ok(chat) = address.parse::<i64>() else {
        return Sent::Rejected(format!("not a Telegram chat id: {address}"));
    };
    let message: Rendered = match crate::channels::restored(message, "Telegram") {
        Ok(message) => message,
        Err(refused) => return refused,
    };
    match send_rendered(bot, chat, &message).await {
        Ok(sent) => Sent::Ok {
            message_id: sent.id.0.to_string(),
        },
        Err(error) => classify(error),
    }
}

async fn send_rendered(bot: &Bot, chat: i64, message: &Rendered) -> Result<Message, RequestError> {
    let markup = markup(message);
    let caption = (!message.text.is_empty()).then_some(message.text.as_str());
    // The two attachment requests are different types with the same setters.
    macro_rules! with_caption_and_markup {
        ($request:expr) => {{
            let mut request = $request;
            if let Some(caption) = caption {
                request = request.caption(caption).parse_mode(ParseMode::Html);
            }
            if let Some(markup) = markup {
                request = request.reply_markup(markup);
            }
            request.await
        }};
    }
    if let Some(plot) = message.chart.clone() {
        let png = tokio::task::spawn_blocking(move || plot.png())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|drawn| drawn.map_err(|e| std::io::Error::other(e.to_string())))
            .map_err(|e| RequestError::Io(Arc::new(e)))?;
        let file = InputFile::memory(png).file_name("chart.png");
        return with_caption_and_markup!(bot.send_photo(ChatId(chat), file));
    }
    let Some(attachment) = &message.attachment else {
        let mut request = bot
            .send_message(ChatId(chat), &message.text)
            .parse_mode(ParseMode::Html);
        if let Some(markup) = markup {
            request = request.reply_markup(markup);
        }
        return request.await;
    };
    let file = match attachment.source.parse::<url::Url>() {
        Ok(url) => InputFile::url(url),
        Err(_) => InputFile::file_id(FileId(attachment.source.clone())),
    };
    match attachment.kind {
        AttachmentKind::Photo => {
            with_caption_and_markup!(bot.send_photo(ChatId(chat), file))
        }
        AttachmentKind::Document => {
            with_caption_and_markup!(bot.send_document(ChatId(chat), file))
        }
    }
}

/// Answers a button press so the client stops its spinner; `text` shows as a short notice.
pub async fn answer_callback(bot: &Bot, id: &str, text: Option<String>) {
    let mut request = bot.answer_callback_query(teloxide::types::CallbackQueryId(id.to_owned()));
    if let Some(text) = text {
        request = request.text(text.chars().take(200).collect::<String>());
    }
    if let Err(e) = request.await {
        // Old queries cannot be answered; the chat reply still tells the person what happened.
        tracing::debug!(error = %e, "answerCallbackQuery failed");
    }
}

/// Inline buttons, or the one-time keyboard with a share-location button. A message carries one
/// markup only, so a location request's other buttons ("Skip") become keys of the same keyboard,
/// which send their label as text (the engine reads those labels typed).
fn markup(message: &Rendered) -> Option<ReplyMarkup> {
    if let Some(label) = &message.location_button {
        let share = vec![KeyboardButton::new(label).request(ButtonRequest::Location)];
        let others = message.keyboard.iter().map(|row| {
            row.iter()
                .map(|(label, _)| KeyboardButton::new(label))
                .collect()
        });
        return Some(ReplyMarkup::Keyboard(
            KeyboardMarkup::new(
                std::iter::once(share)
                    .chain(others)
                    .collect::<Vec<Vec<_>>>(),
            )
            .one_time_keyboard()
            .resize_keyboard(),
        ));
    }
    (!message.keyboard.is_empty()).then(|| {
        ReplyMarkup::InlineKeyboard(InlineKeyboardMarkup::new(message.keyboard.iter().map(
            |row| {
                row.iter()
                    .map(|(label, data)| InlineKeyboardButton::callback(label, data))
            },
        )))
    })
}

fn classify(error: RequestError) -> Sent {
    match error {
        RequestError::RetryAfter(wait) => Sent::RetryAfter(wait.duration()),
        RequestError::Api(
            ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::CantInitiateConversation,
        ) => Sent::Unreachable,
        // Telegram's 5xx answers carry no code teloxide keeps; their descriptions say what they are.
        RequestError::Api(ApiError::Unknown(description))
            if [
                "Internal Server Error",
                "Bad Gateway",
                "Service Unavailable",
                "Gateway Timeout",
            ]
            .iter()
            .any(|s| description.contains(s)) =>
        {
            Sent::Transient(description)
        }
        e @ (RequestError::Api(_) | RequestError::MigrateToChatId(_)) => {
            Sent::Rejected(e.to_string())
        }
        e @ (RequestError::Network(_) | RequestError::InvalidJson { .. } | RequestError::Io(_)) => {
            Sent::Transient(e.to_string())
        }
    }
}
