//! A quarter of a year in Vietnam's calendar: read as people write it, its days and its bounds.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

/// A quarter of a year, in Vietnam's calendar (Q1 = 1/1–31/3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub number: u32,
}

impl Quarter {
    /// "2025-Q1", "Q1/2025", "1/2025".
    pub fn parse(text: &str) -> Option<Quarter> {
        let digits: Vec<u32> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        let (year, number) = match digits.as_slice() {
            [a, b] if *a > 4 => (*a, *b),
            [a, b] => (*b, *a),
            _ => return None,
        };
        ((1..=4).contains(&number) && year > 1900).then_some(Quarter {
            year: year as i32,
            number,
        })
    }

    /// "2025-Q1", as links and the command line write it ([`Quarter::parse`] reads it back).
    pub fn code(self) -> String {
        format!("{}-Q{}", self.year, self.number)
    }

    pub fn of(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            number: date.month0() / 3 + 1,
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1)
            .expect("a quarter starts on a real day")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a quarter ends on a real day")
    }

    /// Its first and last instants as Vietnam counts them: `[from, to)`.
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |day: NaiveDate| {
            crate::domain::vn_time::from_local(day.and_time(NaiveTime::MIN))
                .expect("Vietnam has no daylight saving: every midnight exists")
        };
        (
            midnight(self.first_day()),
            midnight(self.next().first_day()),
        )
    }

    pub fn previous(self) -> Quarter {
        match self.number {
            1 => Quarter {
                year: self.year - 1,
                number: 4,
            },
            n => Quarter {
                year: self.year,
                number: n - 1,
            },
        }
    }

    fn next(self) -> Quarter {
        match self.number {
            4 => Quarter {
                year: self.year + 1,
                number: 1,
            },
            n => Quarter {
                year: self.year,
                number: n + 1,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_read_either_way_and_know_their_days() {
        let q1 = Quarter {
            year: 2025,
            number: 1,
        };
        for text in ["2025-Q1", "Q1/2025", "1/2025", "quý 1/2025"] {
            assert_eq!(Quarter::parse(text), Some(q1), "{text}");
        }
        assert_eq!(Quarter::parse("2025-Q5"), None);
        assert_eq!(q1.first_day(), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(q1.last_day(), NaiveDate::from_ymd_opt(2025, 3, 31).unwrap());
        assert_eq!(
            q1.previous(),
            Quarter {
                year: 2024,
                number: 4
            }
        );
        let q4 = Quarter {
            year: 2025,
            number: 4,
        };
        assert_eq!(
            q4.last_day(),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
        );
        assert_eq!(
            Quarter::of(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap()).number,
            2
        );
        // Vietnam's midnights, UTC+7.
        let (from, to) = q1.bounds();
        assert_eq!(from.to_rfc3339(), "2024-12-31T17:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2025-03-31T17:00:00+00:00");
    }
}
