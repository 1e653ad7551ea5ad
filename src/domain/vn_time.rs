//! Vietnam time (Asia/Ho_Chi_Minh), the one place instants become the dates and times people read
//! and type. Instants are stored in UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use chrono_tz::Tz;

/// An instant on Vietnam's clock.
pub fn local(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&Ho_Chi_Minh)
}

/// The calendar date in Vietnam of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date_naive()
}

/// The instant of a wall-clock time in Vietnam (which has no daylight saving: always one).
pub fn from_local(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    Ho_Chi_Minh
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// "YYYY-MM-DD HH:MM" (or with seconds, or a T), as files and the command line give times.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim().replace('T', " ");
    let naive = NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S"))
        .ok()?;
    from_local(naive)
}

/// When something opened at `opened` opens and closes: at `opens_at` (or `opened`), until
/// `closes_at` or `open_days` later (not both; `default_days` when neither), 1 to 366 days.
/// None when a time cannot be read or the days are out of range.
pub fn period(
    opens_at: Option<&str>,
    closes_at: Option<&str>,
    open_days: Option<u32>,
    default_days: u32,
    opened: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let opens = match opens_at {
        Some(text) => parse(text)?,
        None => opened,
    };
    let closes = match (closes_at, open_days) {
        (Some(_), Some(_)) => return None,
        (Some(text), None) => parse(text)?,
        (None, days) => {
            let days = days.unwrap_or(default_days);
            if !(1..=366).contains(&days) {
                return None;
            }
            opens + chrono::Duration::days(days.into())
        }
    };
    Some((opens, closes))
}

/// "YYYY-MM-DD HH:MM", as the command line prints times (and [`parse`] reads them back).
pub fn format(at: DateTime<Utc>) -> String {
    local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// "15/4/2026 08:00", as people read a time (the date as [`date_for_people`] writes it).
pub fn format_for_people(at: DateTime<Utc>) -> String {
    local(at).format("%-d/%-m/%Y %H:%M").to_string()
}

/// "15/4/2026": the one way a page writes a date.
pub fn date_for_people(day: NaiveDate) -> String {
    day.format("%-d/%-m/%Y").to_string()
}

/// "15/4/2026 08:00" as people type it (the way it is shown), or as [`parse`] reads it.
pub fn parse_for_people(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    NaiveDateTime::parse_from_str(text, "%d/%m/%Y %H:%M")
        .ok()
        .and_then(from_local)
        .or_else(|| parse(text))
}

/// "08:00".
pub fn clock_time(at: DateTime<Utc>) -> String {
    local(at).format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnam_is_seven_hours_ahead_and_reads_back_what_it_prints() {
        let at = parse("2025-04-12 08:00").unwrap();
        assert_eq!(at.to_rfc3339(), "2025-04-12T01:00:00+00:00");
        assert_eq!(format(at), "2025-04-12 08:00");
        assert_eq!(format_for_people(at), "12/4/2025 08:00");
        assert_eq!(parse_for_people("12/4/2025 08:00"), Some(at));
        assert_eq!(parse_for_people("12/04/2025 08:00"), Some(at));
        assert_eq!(parse_for_people("2025-04-12T08:00"), Some(at));
        assert_eq!(date_for_people(local_date(at)), "12/4/2025");
        assert_eq!(clock_time(at), "08:00");
        assert_eq!(parse("2025-04-12T08:00:00"), Some(at));
        // Late evening in UTC is already the next day in Vietnam.
        let evening = parse("2025-04-13 06:30").unwrap() - chrono::Duration::hours(7);
        assert_eq!(
            local_date(evening),
            NaiveDate::from_ymd_opt(2025, 4, 12).unwrap()
        );
        assert_eq!(parse("mai"), None);
    }
}
