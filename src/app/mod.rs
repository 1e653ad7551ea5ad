//! The application layer: each use case written once, between the front doors (chat effects in
//! the engine, the command line, and next the dashboard) and storage. A use case takes the
//! transaction it runs in; scope checks go through `domain::access::authorize`.

pub mod invites;
pub mod logins;
pub mod notices;
pub mod people;
pub mod reports;
pub mod surveys;
pub mod tickets;
