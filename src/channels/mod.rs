//! Chat channels: each turns its platform's events into [`crate::message::Inbound`] and renders
//! [`crate::message::Outbound`] its own way. Only channels know platform types.

pub mod limiter;
pub mod shell;
pub mod telegram;
