//! Every channel end to end. `conformance`: the same stories on the shell, Telegram, the Zalo bot
//! and the Zalo OA, each through its real client code against a fake platform that refuses what
//! the real one would. `zalo_bot` and `zalo_oa`: what only those platforms do.

#[path = "../common/mod.rs"]
mod common;
mod conformance;
mod driver;
mod process;
mod zalo_bot;
mod zalo_oa;
