//! danvan: one bot engine for grassroots outreach, many chat channels, all state in PostgreSQL.
//! See ARCHITECTURE.md for the map.

pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod channels;
pub mod chart;
pub mod cli;
pub mod clock;
pub mod dashboard;
pub mod delivery;
pub mod document;
pub mod domain;
pub mod engine;
pub mod holds;
pub mod http_server;
pub mod i18n;
pub mod message;
pub mod seed;
pub mod serve;
pub mod store;
pub mod telemetry;
