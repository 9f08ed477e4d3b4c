//! The clocks of the incident registers (breaches, disclosures, DPIAs) and the
//! organisation's settings they run on: the ICO's 72 real hours after awareness, the
//! organisation's own shorter internal clock (hours, or working days over the region's bank
//! holidays), its working hours (a disclosure decided outside them needs the DPO's
//! approval afterwards), and a number of working days after a date (a DPIA's notice to the
//! DPO). Every clock takes its instants and days from the caller: nothing here reads the
//! system clock.
//!
//! Sources: UK GDPR Art 33(1) (notify the Commissioner without undue delay and, where
//! feasible, not later than 72 hours after having become aware); ICO "Personal data
//! breaches: a guide" ("72 hours": the period runs from awareness, not working hours);
//! the seed policies' internal clocks (report to the DPO within 6 hours; within 1 working
//! day) and the housing procedure's out-of-hours decisions approved afterwards; Banking
//! and Financial Dealings Act 1971 (bank holidays, through [`crate::calendar`]).

use crate::FieldError;
use crate::calendar::Calendar;
use crate::time::uk_zone;
use jiff::civil::{Date, Time, Weekday};
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The ICO's breach clock: 72 hours (Art 33(1)).
pub const ICO_HOURS: i64 = 72;

/// How long the organisation gives itself to tell its DPO of a breach: a number of hours, or
/// of working days (the same time of day on the Nth working day after awareness).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum InternalClock {
    /// Real hours after awareness (1 to 72).
    Hours(u32),
    /// Working days after awareness, bank holidays of the organisation's region excluded
    /// (1 to 10).
    WorkingDays(u32),
}

impl Default for InternalClock {
    /// Within 24 hours, until the organisation sets its own.
    fn default() -> Self {
        InternalClock::Hours(24)
    }
}

impl InternalClock {
    /// The clock checked: hours from 1 to 72, working days from 1 to 10.
    pub fn validate(self) -> Result<Self, FieldError> {
        match self {
            InternalClock::Hours(h) if (1..=72).contains(&h) => Ok(self),
            InternalClock::Hours(_) => Err(FieldError::new(
                "breach_internal_clock.hours",
                "must be from 1 to 72: the internal clock is meant to be shorter than the ICO's 72 hours",
            )),
            InternalClock::WorkingDays(d) if (1..=10).contains(&d) => Ok(self),
            InternalClock::WorkingDays(_) => {
                Err(FieldError::new("breach_internal_clock.working_days", "must be from 1 to 10"))
            }
        }
    }

    /// The clock in words ("6 hours", "1 working day").
    pub fn words(self) -> String {
        let (n, one, many) = match self {
            InternalClock::Hours(h) => (h, "hour", "hours"),
            InternalClock::WorkingDays(d) => (d, "working day", "working days"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// The organisation's working hours, Monday to Friday, bank holidays excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    /// When the working day starts, UK time (`09:00`).
    #[schema(value_type = String, example = "09:00")]
    #[serde(with = "hh_mm")]
    pub start: Time,
    /// When it ends (`17:00`); after the start.
    #[schema(value_type = String, example = "17:00")]
    #[serde(with = "hh_mm")]
    pub end: Time,
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours { start: Time::constant(9, 0, 0, 0), end: Time::constant(17, 0, 0, 0) }
    }
}

impl WorkingHours {
    /// The hours checked: the end after the start.
    pub fn validate(self) -> Result<Self, FieldError> {
        if self.end <= self.start {
            return Err(FieldError::new("working_hours.end", "must be after the start of the working day"));
        }
        Ok(self)
    }
}

/// `HH:MM` for working hours.
mod hh_mm {
    use jiff::civil::Time;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.strftime("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = String::deserialize(d)?;
        Time::strptime("%H:%M", s.trim()).map_err(|_| D::Error::custom("a time of day as HH:MM, like 09:00"))
    }
}

/// The organisation's settings the incident registers run on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IncidentSettings {
    /// How soon a breach must reach the DPO.
    pub breach_internal_clock: InternalClock,
    /// Working hours: a disclosure decided outside them is approved by the DPO afterwards.
    pub working_hours: WorkingHours,
}

/// What an entry's derived facts are worked out from: today, this instant, the
/// organisation's calendar and its incident settings.
#[derive(Debug, Clone)]
pub struct Env {
    /// Today in the UK.
    pub today: Date,
    /// This instant.
    pub now: Timestamp,
    /// The region's bank holidays and the organisation's added days off.
    pub calendar: Calendar,
    /// Internal clock and working hours.
    pub incidents: IncidentSettings,
}

impl Env {
    /// Noon (UK time) on `today`, England and Wales' calendar and the default settings: for
    /// facts that need only the date.
    pub fn on(today: Date) -> Self {
        let now = today.at(12, 0, 0, 0).to_zoned(uk_zone()).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH);
        Env { today, now, calendar: Calendar::default(), incidents: IncidentSettings::default() }
    }
}

/// The ICO deadline for a breach the organisation became aware of at `aware_at`: 72 real
/// hours later, whatever the clocks do (so across the end of British Summer Time it is
/// 15:00 on the wall clock for an awareness at 16:00). UK GDPR Art 33(1).
pub fn ico_deadline(aware_at: Timestamp) -> Option<Timestamp> {
    aware_at.checked_add(SignedDuration::from_hours(ICO_HOURS)).ok()
}

/// The internal deadline for telling the DPO: `aware_at` plus the clock's real hours, or
/// the same time of day (UK time) on the Nth working day after the day of awareness (a
/// Friday at 17:00 with one working day, before a bank-holiday Monday, is the Tuesday at
/// 17:00). Seed policies: "report to the DPO within 6 hours", "within 1 working day".
pub fn internal_deadline(aware_at: Timestamp, clock: InternalClock, calendar: &Calendar) -> Option<Timestamp> {
    match clock {
        InternalClock::Hours(h) => aware_at.checked_add(SignedDuration::from_hours(i64::from(h))).ok(),
        InternalClock::WorkingDays(n) => {
            let zoned = aware_at.to_zoned(uk_zone());
            let day = calendar.add_working_days(zoned.date(), n).ok()?;
            day.to_datetime(zoned.time()).to_zoned(uk_zone()).ok().map(|z| z.timestamp())
        }
    }
}

/// Whether `at` falls outside the organisation's working hours: a weekend, a bank holiday
/// of its region or a day it has added, or a working day before the start or at or after
/// the end, all in UK time. The housing procedure: decisions made out of hours by the
/// on-call manager are approved by the DPO afterwards.
pub fn out_of_hours(at: Timestamp, hours: WorkingHours, calendar: &Calendar) -> bool {
    let zoned = at.to_zoned(uk_zone());
    if !calendar.is_working_day(zoned.date()) {
        return true;
    }
    let time = zoned.time();
    time < hours.start || time >= hours.end
}

/// `n` working days after `day` over `calendar` (`day` itself does not count).
pub fn working_days_after(day: Date, n: u32, calendar: &Calendar) -> Option<Date> {
    calendar.add_working_days(day, n).ok()
}

/// `weeks` whole weeks after `day`.
pub fn weeks_after(day: Date, weeks: i64) -> Option<Date> {
    day.checked_add(weeks.weeks()).ok()
}

/// Whole hours from `now` until `at` (negative once passed), rounded down towards the
/// past so "under 12 hours" is never shown as 12.
pub fn hours_until(now: Timestamp, at: Timestamp) -> i64 {
    let secs = at.as_second() - now.as_second();
    secs.div_euclid(3600)
}

/// The weekday's name, for messages.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Region;
    use jiff::civil::date;

    fn uk(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d).at(h, min, 0, 0).to_zoned(uk_zone()).unwrap().timestamp()
    }

    fn wall(t: Timestamp) -> String {
        t.to_zoned(uk_zone()).strftime("%A %-d %B %Y %H:%M").to_string()
    }

    #[test]
    fn friday_at_four_gives_monday_at_four() {
        // Friday 4 December 2026, 16:00 (no clock change) → Monday 7 December, 16:00.
        let d = ico_deadline(uk(2026, 12, 4, 16, 0)).unwrap();
        assert_eq!(wall(d), "Monday 7 December 2026 16:00");
    }

    #[test]
    fn seventy_two_real_hours_across_the_end_of_summer_time() {
        // Clocks go back at 02:00 on Sunday 25 October 2026: 72 real hours after Friday
        // 23 October 16:00 BST is Monday 26 October 15:00 GMT.
        let aware = uk(2026, 10, 23, 16, 0);
        let d = ico_deadline(aware).unwrap();
        assert_eq!(wall(d), "Monday 26 October 2026 15:00");
        assert_eq!(d.as_second() - aware.as_second(), 72 * 3600);
        // And across the start of summer time (29 March 2026): one hour later on the wall.
        assert_eq!(wall(ico_deadline(uk(2026, 3, 27, 16, 0)).unwrap()), "Monday 30 March 2026 17:00");
    }

    #[test]
    fn a_six_hour_internal_clock_from_friday_at_four() {
        let cal = Calendar::new(Region::EnglandAndWales);
        let d = internal_deadline(uk(2026, 12, 4, 16, 0), InternalClock::Hours(6), &cal).unwrap();
        assert_eq!(wall(d), "Friday 4 December 2026 22:00");
    }

    #[test]
    fn one_working_day_skips_the_weekend_and_the_summer_bank_holiday() {
        // Friday 28 August 2026 17:00; Monday 31 August is the summer bank holiday in
        // England and Wales, so one working day later is Tuesday 1 September 17:00.
        let cal = Calendar::new(Region::EnglandAndWales);
        let d = internal_deadline(uk(2026, 8, 28, 17, 0), InternalClock::WorkingDays(1), &cal).unwrap();
        assert_eq!(wall(d), "Tuesday 1 September 2026 17:00");
        // In Scotland the summer bank holiday is the first Monday of August, so Monday 31
        // August is a working day there.
        let scot = Calendar::new(Region::Scotland);
        let d = internal_deadline(uk(2026, 8, 28, 17, 0), InternalClock::WorkingDays(1), &scot).unwrap();
        assert_eq!(wall(d), "Monday 31 August 2026 17:00");
    }

    #[test]
    fn a_working_day_clock_keeps_the_wall_time_across_a_clock_change() {
        // Friday 23 October 2026 10:00 BST + 1 working day = Monday 26 October 10:00 GMT.
        let cal = Calendar::new(Region::EnglandAndWales);
        let d = internal_deadline(uk(2026, 10, 23, 10, 0), InternalClock::WorkingDays(1), &cal).unwrap();
        assert_eq!(wall(d), "Monday 26 October 2026 10:00");
    }

    #[test]
    fn out_of_hours_is_weekends_bank_holidays_and_outside_nine_to_five() {
        let cal = Calendar::new(Region::EnglandAndWales);
        let h = WorkingHours::default();
        assert!(out_of_hours(uk(2026, 11, 28, 2, 0), h, &cal), "02:00 on a Saturday");
        assert!(out_of_hours(uk(2026, 8, 31, 11, 0), h, &cal), "the summer bank holiday");
        assert!(out_of_hours(uk(2026, 12, 7, 8, 59), h, &cal), "before nine");
        assert!(out_of_hours(uk(2026, 12, 7, 17, 0), h, &cal), "at five the day has ended");
        assert!(!out_of_hours(uk(2026, 12, 7, 9, 0), h, &cal));
        assert!(!out_of_hours(uk(2026, 12, 7, 16, 59), h, &cal));
        // In summer time: 09:30 BST is 08:30 UTC, within hours.
        assert!(!out_of_hours(uk(2026, 7, 1, 9, 30), h, &cal));
    }

    #[test]
    fn five_working_days_after_a_friday_is_the_next_friday() {
        let cal = Calendar::new(Region::EnglandAndWales);
        assert_eq!(working_days_after(date(2026, 11, 20), 5, &cal), Some(date(2026, 11, 27)));
        // Over Christmas: Friday 18 December 2026 + 5 = Tuesday 29 December (25th, and
        // the 28th in lieu of Boxing Day on a Saturday, are bank holidays).
        assert_eq!(working_days_after(date(2026, 12, 18), 5, &cal), Some(date(2026, 12, 29)));
    }

    #[test]
    fn settings_are_checked_and_read_as_the_api_writes_them() {
        let s: IncidentSettings = serde_json::from_str(
            r#"{"breach_internal_clock": {"working_days": 1}, "working_hours": {"start": "08:30", "end": "18:00"}}"#,
        )
        .unwrap();
        assert_eq!(s.breach_internal_clock, InternalClock::WorkingDays(1));
        assert_eq!(s.working_hours.start, Time::constant(8, 30, 0, 0));
        assert_eq!(serde_json::to_value(InternalClock::Hours(6)).unwrap(), serde_json::json!({"hours": 6}));
        assert!(InternalClock::Hours(0).validate().is_err());
        assert!(InternalClock::Hours(73).validate().is_err());
        assert!(InternalClock::WorkingDays(11).validate().is_err());
        assert_eq!(InternalClock::WorkingDays(1).words(), "1 working day");
        assert!(
            WorkingHours { start: Time::constant(17, 0, 0, 0), end: Time::constant(9, 0, 0, 0) }.validate().is_err()
        );
        assert!(serde_json::from_str::<WorkingHours>(r#"{"start": "9am", "end": "17:00"}"#).is_err());
    }

    #[test]
    fn hours_until_rounds_towards_the_past() {
        let now = uk(2026, 12, 7, 10, 0);
        assert_eq!(hours_until(now, uk(2026, 12, 7, 21, 59)), 11);
        assert_eq!(hours_until(now, uk(2026, 12, 7, 9, 30)), -1);
    }
}
