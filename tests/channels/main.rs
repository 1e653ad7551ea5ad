//! Every channel end to end. `conformance`: the same stories on the shell, Telegram, the Zalo bot,
//! the Zalo OA and the web chat, each through its real client code against a fake platform that
//! refuses what the real one would (for the web chat, the page's requests, from `browser`).
//! `zalo_bot`, `zalo_oa` and `web`: what only those channels do.

mod browser;
#[path = "../common/mod.rs"]
mod common;
mod conformance;
mod driver;
mod process;
mod web;
mod zalo_bot;
mod zalo_oa;
