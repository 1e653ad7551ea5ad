//! Office hours in Vietnam: Monday to Friday, 7:30–11:30 and 13:30–17:00, except public holidays.
//! Deadlines for answering residents count these hours only, as the one-stop offices do.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};

use super::vn_time;

/// The two sittings of an office day, as (start, end) in minutes after midnight.
const SITTINGS: [(u32, u32); 2] = [(7 * 60 + 30, 11 * 60 + 30), (13 * 60 + 30, 17 * 60)];

/// Working minutes in one office day (7.5 hours).
pub const DAY_MINUTES: i64 = 450;

/// The days off besides weekends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    /// Holidays on the same date every year, as (month, day).
    pub yearly: Vec<(u32, u32)>,
    /// Holidays of one year only (the lunar ones, swapped days).
    pub dates: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.yearly.contains(&(day.month(), day.day()))
            && !self.dates.contains(&day)
    }

    /// The instant `minutes` of office time after `start`: counted only inside the sittings of
    /// working days, in Vietnam time.
    pub fn after(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut at = vn_time::local(start).naive_local();
        let mut left = minutes.max(0);
        // A year of days off in a row would be a broken calendar; stop rather than loop.
        for _ in 0..400 {
            let day = at.date();
            if self.is_working_day(day) {
                for (from, to) in SITTINGS {
                    let (from, to) = (at_minute(day, from), at_minute(day, to));
                    if at >= to {
                        continue;
                    }
                    at = at.max(from);
                    let room = (to - at).num_minutes();
                    if left <= room {
                        return to_utc(at + Duration::minutes(left));
                    }
                    left -= room;
                    at = to;
                }
            }
            at = at_minute(day.succ_opt().unwrap_or(day), 0);
        }
        to_utc(at)
    }

    /// The office minutes between two instants (0 when `to` is not later).
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let (mut at, end) = (
            vn_time::local(from).naive_local(),
            vn_time::local(to).naive_local(),
        );
        let mut total = 0;
        while at < end {
            let day = at.date();
            if self.is_working_day(day) {
                for (a, b) in SITTINGS {
                    let (a, b) = (at_minute(day, a).max(at), at_minute(day, b).min(end));
                    if b > a {
                        total += (b - a).num_minutes();
                    }
                }
            }
            at = at_minute(day.succ_opt().unwrap_or(day), 0);
        }
        total
    }
}

fn at_minute(day: NaiveDate, minute: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).expect("a time of day"))
}

fn to_utc(at: NaiveDateTime) -> DateTime<Utc> {
    vn_time::from_local(at).expect("Vietnam has no gaps in its clock")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        vn_time::parse(text).expect("a time")
    }

    fn calendar() -> Calendar {
        Calendar {
            yearly: vec![(4, 30), (5, 1), (9, 2)],
            dates: [NaiveDate::from_ymd_opt(2026, 2, 17).unwrap()].into(),
        }
    }

    #[test]
    fn office_time_skips_lunch_evenings_weekends_and_holidays() {
        let c = calendar();
        #[rustfmt::skip]
        let cases = [
            // Monday morning: 8 hours runs into Tuesday.
            ("2026-03-16 08:00", 8 * 60, "2026-03-17 08:30"),
            // Within a sitting.
            ("2026-03-16 08:00", 60, "2026-03-16 09:00"),
            // Across lunch.
            ("2026-03-16 11:00", 60, "2026-03-16 14:00"),
            // Sent at lunch: counting starts at 13:30.
            ("2026-03-16 12:00", 4 * 60, "2026-03-17 08:00"),
            // Friday evening: Monday counts.
            ("2026-03-20 18:00", 4 * 60, "2026-03-23 11:30"),
            ("2026-03-21 10:00", 60, "2026-03-23 08:30"),
            // Night before: starts at 7:30.
            ("2026-03-16 03:00", 30, "2026-03-16 08:00"),
            // Three office days from Monday 9:00 end Thursday 9:00.
            ("2026-03-16 09:00", 3 * DAY_MINUTES, "2026-03-19 09:00"),
            // 30 April and 1 May (Thursday, Friday) are off: Wednesday evening to Monday.
            ("2026-04-29 16:00", 2 * 60, "2026-05-04 08:30"),
            // A one-year holiday.
            ("2026-02-16 16:30", 60, "2026-02-18 08:00"),
        ];
        for (from, minutes, due) in cases {
            assert_eq!(
                vn_time::format(c.after(at(from), minutes)),
                due,
                "{from} + {minutes}"
            );
            assert_eq!(
                c.minutes_between(at(from), at(due)),
                minutes,
                "{from} → {due}"
            );
        }
    }

    #[test]
    fn nothing_counts_backwards_or_outside_office_hours() {
        let c = calendar();
        assert_eq!(
            c.minutes_between(at("2026-03-17 08:00"), at("2026-03-16 08:00")),
            0
        );
        assert_eq!(
            c.minutes_between(at("2026-03-21 08:00"), at("2026-03-22 20:00")),
            0
        );
        assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2027, 9, 2).unwrap()));
    }
}
