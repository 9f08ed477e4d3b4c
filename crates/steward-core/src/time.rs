//! The clock the application reads "now" and "today" from: the system's in service, a
//! fixed one in tests, so that every date Steward computes (a request's due date, an
//! audit entry's time) comes from one place that a test can set.
//!
//! Not to be confused with [`crate::clock`], the statutory deadline rules.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::sync::Mutex;

/// The United Kingdom's time zone (the system's own if the time-zone database lacks it).
pub fn uk_zone() -> TimeZone {
    TimeZone::get("Europe/London").unwrap_or_else(|_| TimeZone::system())
}

/// The date in the United Kingdom at `t`.
pub fn uk_date(t: Timestamp) -> Date {
    t.to_zoned(uk_zone()).date()
}

/// Where the time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// This instant.
    fn now(&self) -> Timestamp;

    /// Today's date in the United Kingdom (Europe/London).
    fn today(&self) -> Date {
        uk_date(self.now())
    }
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that shows the time it was set to until it is set again (for tests).
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    /// A clock stopped at `t`.
    pub fn at(t: Timestamp) -> Self {
        Self(Mutex::new(t))
    }

    /// A clock stopped at noon, UK time, on `date` (midday, so that the date is the
    /// same in every nearby zone).
    pub fn on(date: Date) -> Self {
        Self::at(noon(date))
    }

    /// Set the time to `t`.
    pub fn set(&self, t: Timestamp) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = t;
    }

    /// Set the time to noon, UK time, on `date`.
    pub fn set_date(&self, date: Date) {
        self.set(noon(date));
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn noon(date: Date) -> Timestamp {
    date.at(12, 0, 0, 0).to_zoned(uk_zone()).map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_fixed_clock_shows_its_date_in_the_uk() {
        let c = FixedClock::on(date(2026, 3, 29));
        assert_eq!(c.today(), date(2026, 3, 29));
        c.set("2026-06-30T23:30:00Z".parse().expect("ts"));
        // 00:30 on 1 July in British Summer Time.
        assert_eq!(c.today(), date(2026, 7, 1));
    }

    #[test]
    fn the_uk_date_follows_greenwich_in_winter() {
        assert_eq!(uk_date("2026-01-10T23:30:00Z".parse().expect("ts")), date(2026, 1, 10));
    }
}
