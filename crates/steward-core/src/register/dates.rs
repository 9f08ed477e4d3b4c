//! The date checks and sums the accountability registers share: days until a date, whether
//! a date has passed, one date of an entry not coming before another, and whole calendar
//! months after a date. All of them take `today` from the caller: nothing here reads the
//! clock, so validation stays pure and a derived value can be worked out as of any day.
//!
//! Sources: UK GDPR Art 5(2) and Art 24(1) (accountability: measures are reviewed and
//! updated where necessary, so registers carry review, renewal and expiry dates); ICO
//! "Accountability framework" (review dates for policies, contracts and training).

use crate::FieldError;
use jiff::ToSpan;
use jiff::civil::Date;

/// Days from `today` until `on`: 0 on the day itself, negative once it has passed.
pub fn days_until(today: Date, on: Date) -> i64 {
    i64::from((on - today).get_days())
}

/// Whether `on` is set and has passed as of `today` (a date is still met on the day itself,
/// so a review due today is not yet overdue).
pub fn passed(today: Date, on: Option<Date>) -> bool {
    on.is_some_and(|d| d < today)
}

/// `months` whole calendar months after `from`, as jiff adds them (31 January plus one
/// month is the last day of February); `None` if that is beyond the dates jiff holds.
pub fn add_months(from: Date, months: u32) -> Option<Date> {
    from.checked_add(i64::from(months).months()).ok()
}

/// A date the entry must have: `message` (naming the article) for `field` if it is missing.
pub fn required(field: &str, date: Option<Date>, message: &str, errors: &mut Vec<FieldError>) {
    if date.is_none() {
        errors.push(FieldError::new(field, message));
    }
}

/// `date` may not come before `earliest` (the same day is allowed): `message` for `field`
/// if it does. Nothing is checked unless both are set.
pub fn date_not_before(
    field: &str,
    date: Option<Date>,
    earliest: Option<Date>,
    message: &str,
    errors: &mut Vec<FieldError>,
) {
    if let (Some(d), Some(e)) = (date, earliest)
        && d < e
    {
        errors.push(FieldError::new(field, message));
    }
}

/// `date` must come after `earlier` (not the same day): `message` for `field` if it does
/// not. Nothing is checked unless both are set.
pub fn date_after(field: &str, date: Option<Date>, earlier: Option<Date>, message: &str, errors: &mut Vec<FieldError>) {
    if let (Some(d), Some(e)) = (date, earlier)
        && d <= e
    {
        errors.push(FieldError::new(field, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn days_until_counts_calendar_days_across_a_leap_day() {
        assert_eq!(days_until(date(2028, 2, 27), date(2028, 3, 1)), 3);
        assert_eq!(days_until(date(2026, 12, 7), date(2026, 12, 7)), 0);
        assert_eq!(days_until(date(2026, 12, 7), date(2026, 11, 30)), -7);
    }

    #[test]
    fn a_date_has_passed_only_from_the_day_after() {
        let today = date(2026, 12, 7);
        assert!(!passed(today, Some(today)));
        assert!(passed(today, Some(date(2026, 12, 6))));
        assert!(!passed(today, None));
    }

    #[test]
    fn months_are_calendar_months_clamped_to_the_month_end() {
        assert_eq!(add_months(date(2024, 1, 31), 1), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2023, 12, 7), 36), Some(date(2026, 12, 7)));
        assert_eq!(add_months(date(9999, 6, 1), 12), None);
    }

    #[test]
    fn order_checks_name_the_field_and_need_both_dates() {
        let mut e = Vec::new();
        date_not_before("expires_on", Some(date(2026, 1, 1)), Some(date(2026, 1, 1)), "m", &mut e);
        date_not_before("expires_on", None, Some(date(2026, 1, 1)), "m", &mut e);
        assert!(e.is_empty());
        date_after("expires_on", Some(date(2026, 1, 1)), Some(date(2026, 1, 1)), "must be after", &mut e);
        date_not_before("review_on", Some(date(2025, 12, 31)), Some(date(2026, 1, 1)), "m", &mut e);
        required("on", None, "is required", &mut e);
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["expires_on", "review_on", "on"]);
    }
}
