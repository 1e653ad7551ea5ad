//! The committee dashboard over HTTP: signing in, every page, and scope — an admin of one commune
//! can neither read nor change another's notices, surveys or reports, by link or by form.
//! `browser` drives the same pages (and the web chat) in headless Chromium; `chat` the web chat
//! as a visitor meets it.

mod browser;
mod chat;
#[path = "../common/mod.rs"]
mod common;
mod households;
mod pages;
mod site;
mod staff;
mod trust;
