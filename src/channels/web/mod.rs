//! The web chat: a page this server serves at `/chat` (or inside a commune's site, through
//! `/chat/embed.js`), talking to the same engine as every other channel. The page posts what the
//! visitor does to `/chat/api/events`, committed to the inbox before it is answered, and
//! long-polls `/chat/api/messages` for what the bot sent, which [`Channel::send`] keeps in the
//! database. A visitor is a bearer token the server made ([`visitor`]), sent in a header: no
//! cookie, so the page works in an iframe where third-party cookies are blocked, and no request
//! from another site can carry it.

pub mod adapt;
mod api;
mod limits;
mod mailbox;
mod page;
pub mod visitor;

use std::sync::Arc;

use axum::Router;
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::{Buttons, Capabilities, Channel, Event, Markup, Photos, Sent, public_images};
use crate::delivery::Arrivals;
use crate::i18n::Localizer;
use crate::message::Outbound;
use crate::message::Picture;
use crate::store::Store;
use crate::store::web_chat::PhotoAllowance;
use adapt::Rendered;
use mailbox::Mailbox;
pub use visitor::Visitor;

/// The web chat's settings.
#[derive(Clone, Debug)]
pub struct WebChatConfig {
    /// People a demo lets one browser be in turn (a resident, a cadre, an admin); empty outside
    /// `danvan demo`. When there are any, the page offers a switch between them.
    pub personas: Vec<Persona>,
    /// What photos sent in 24 hours may take.
    pub photos: PhotoAllowance,
}

/// Photos the web chat keeps in 24 hours: 50 a visitor (a cadre logs a few activities a day, a
/// few photos each); 200 MB from one network address (a commune office behind one address, some
/// 60 phone photos); 2 GB in all. Unused photos go after [`crate::serve::UNUSED_PHOTOS_KEPT`], so
/// at most a week's 14 GB wait for an activity.
pub const PHOTOS: PhotoAllowance = PhotoAllowance {
    per_visitor: 50,
    bytes_per_sender: 200 * 1024 * 1024,
    bytes_in_all: 2 * 1024 * 1024 * 1024,
};

impl Default for WebChatConfig {
    fn default() -> Self {
        WebChatConfig {
            personas: Vec::new(),
            photos: PHOTOS,
        }
    }
}

/// A visitor the page can switch to, by the label it shows (the visitor's token stays out of
/// `Debug`).
#[derive(Clone, Debug)]
pub struct Persona {
    pub label: String,
    pub visitor: Visitor,
}

/// Makes a new visitor: the token a page (or a persona) uses, and the address of their chat.
pub async fn new_visitor(store: &Store) -> anyhow::Result<Visitor> {
    visitor::create(store).await
}

/// The key a photo sent in the web chat is kept under: its id in an activity's photos.
pub fn photo_key(picture: &Picture) -> String {
    super::hex(&Sha256::digest(&picture.bytes)[..16])
}

/// The web chat as a [`Channel`].
pub struct WebChat {
    config: WebChatConfig,
    store: Store,
    mailbox: Mailbox,
    /// For the page's own words and its error messages.
    localizer: Localizer,
    capabilities: Capabilities,
}

impl WebChat {
    /// `store` keeps visitors, their messages and charts.
    pub fn new(config: WebChatConfig, store: Store) -> Arc<WebChat> {
        Arc::new(WebChat {
            config,
            mailbox: Mailbox::new(store.clone()),
            store,
            localizer: Localizer::new(),
            capabilities: Capabilities {
                buttons: Buttons::Inline {
                    max_payload: adapt::MAX_PAYLOAD,
                },
                typed_numbers: false,
                max_text: adapt::MAX_TEXT,
                markup: Markup::Html,
                photos: Photos::ByUrl,
                location: true,
                receipts: true,
                can_push: true,
                rate: None,
            },
        })
    }

    /// Keeps a message for the page, its chart drawn and kept as a picture first.
    async fn keep(&self, address: &str, mut message: Rendered) -> Sent {
        if let Some(plot) = message.chart.take() {
            match public_images::keep(&self.store, &plot).await {
                // Relative to the page at /chat, wherever this server is mounted.
                Ok(file) => message.photo = Some(format!("images/{file}")),
                Err(e) => return Sent::Transient(format!("cannot keep the chart: {e:#}")),
            }
        }
        let message = serde_json::to_value(&message).expect("a rendered message serializes");
        match self.mailbox.keep(address, &message).await {
            Ok(id) => Sent::Ok {
                message_id: id.to_string(),
            },
            Err(e) => Sent::Transient(format!("cannot keep a web chat message: {e:#}")),
        }
    }
}

impl Channel for WebChat {
    fn name(&self) -> &'static str {
        adapt::CHANNEL
    }

    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn decode(&self, payload: &Value) -> anyhow::Result<Event> {
        Ok(adapt::event(&adapt::Stored::deserialize(payload)?))
    }

    fn render(&self, localizer: &Localizer, outbound: &Outbound) -> Vec<Value> {
        super::stored(adapt::render(localizer, outbound))
    }

    fn send<'a>(&'a self, address: &'a str, message: &'a Value) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            match super::restored::<Rendered>(message, "web chat") {
                Ok(message) => self.keep(address, message).await,
                Err(refused) => refused,
            }
        })
    }

    // The web chat is the platform of its photos: it keeps them (see `api::take_photo`).
    fn photo<'a>(&'a self, file_id: &'a str) -> BoxFuture<'a, anyhow::Result<Option<Picture>>> {
        Box::pin(self.store.web_photo(file_id))
    }

    fn routes(self: Arc<Self>, arrivals: Arrivals, shutdown: CancellationToken) -> Option<Router> {
        Some(api::router(self, arrivals, shutdown))
    }
}
