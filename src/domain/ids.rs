//! Ids of the things danvan keeps, each a type of its own so that a signature taking two of them
//! (a person and a notice, an activity and a household) cannot be called with them swapped.
//! They are stored as the bare `bigint` (`sqlx(transparent)`), like the codes the domain derives
//! `sqlx::Type` on.

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);
    )*};
}

ids! {
    /// A row of `people`.
    PersonId,
    /// A row of `units`: a province, a commune, a village.
    UnitId,
    /// A row of `notices`.
    NoticeId,
    /// A row of `surveys`.
    SurveyId,
    /// A row of `consultations`.
    ConsultationId,
    /// A row of `households`.
    HouseholdId,
    /// A row of `activities`.
    ActivityId,
    /// A row of `models`.
    ModelId,
    /// A row of `tickets`.
    TicketId,
}
