//! Figures about rights requests for the board: how many were received (by kind), how
//! many were answered, the median number of days to answer, and the share answered on
//! time, per month and per year; and how many are open and overdue now.
//!
//! Definitions (each also in the figures' documentation, so the board reads the same
//! thing Steward counts):
//!
//! * **Received** in a period: requests whose day of receipt falls in it, by kind.
//! * **Responded** in a period: requests whose response was recorded as sent
//!   (`response_sent`) on a day in it, whenever they were received. The median and the
//!   on-time share are worked out over these, so each answered request counts once, in
//!   the period it was answered.
//! * **Days to respond**: calendar days from the day of receipt to the day the
//!   response was sent (received 3 March, answered 5 March: 2 days). Identity checks
//!   and clarification pauses are not taken off: this is how long the requester waited.
//! * **Median**: the middle value when the days are sorted; with an even number of
//!   responses, the mean of the two middle values (2, 4, 9, 30 → 6.5). None when
//!   nothing was answered.
//! * **On time**: the response was sent on or before the due date in force when it
//!   was sent. Two shares are given: against the **statutory** date (UK GDPR Art 12(3),
//!   as extended or paused; for complaints the 30-day acknowledgement of DPA 2018
//!   s164A), which is what the law asks; and against the **working due date** (the
//!   nearer of the statutory date and the organisation's own target, see
//!   [`crate::request::Assessment::due_on`]), which is what the organisation's policy
//!   promises (the seed policy of the housing association reports "annual monitoring of
//!   SAR responses" against its 30 calendar days).
//! * **Open now**: not yet answered. **Overdue now**: open and past its working due
//!   date; **overdue by law**: open and past its statutory date.

use crate::request::RequestKind;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// What the figures need to know about one request: no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    /// Its kind.
    pub kind: RequestKind,
    /// The day it was received.
    pub received_on: Date,
    /// Its statutory due date as it now stands (extended, paused, restarted).
    pub statutory_due_on: Date,
    /// Its working due date: the nearer of the statutory and the policy date.
    pub due_on: Date,
    /// The day the response was sent, if it was.
    pub responded_on: Option<Date>,
}

/// A span of days: `from` up to but not including `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Period {
    /// First day.
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    /// The day after the last day.
    #[schema(value_type = String, format = Date)]
    pub until: Date,
}

impl Period {
    /// The calendar month `month` (1–12) of `year`.
    pub fn month(year: i16, month: i8) -> Option<Period> {
        let from = Date::new(year, month, 1).ok()?;
        Some(Period { from, until: from.checked_add(1.month()).ok()? })
    }

    /// The twelve months of the year that starts on the first day of `start_month` of
    /// `year` (a calendar year for 1; April to March, say, for 4).
    pub fn year(year: i16, start_month: i8) -> Option<Period> {
        let from = Date::new(year, start_month, 1).ok()?;
        Some(Period { from, until: from.checked_add(1.year()).ok()? })
    }

    /// Whether `d` falls in the period.
    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d < self.until
    }

    /// The `n` calendar months ending with the month of `last`, oldest first.
    pub fn months_ending(last: Date, n: usize) -> Vec<Period> {
        let mut out: Vec<Period> = Vec::with_capacity(n);
        let mut from = last.first_of_month();
        for _ in 0..n {
            let Ok(until) = from.checked_add(1.month()) else { break };
            out.push(Period { from, until });
            match from.checked_sub(1.month()) {
                Ok(d) => from = d,
                Err(_) => break,
            }
        }
        out.reverse();
        out
    }
}

/// The figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PeriodFigures {
    /// The period.
    pub period: Period,
    /// Requests received in the period.
    pub received: u64,
    /// Requests received in the period, by kind (every kind, zeros included).
    pub received_by_kind: BTreeMap<String, u64>,
    /// Responses sent in the period.
    pub responded: u64,
    /// Median calendar days from receipt to response, over the responses sent in the
    /// period (the mean of the two middle values for an even count); null when none.
    pub median_days: Option<f64>,
    /// Responses sent on or before their statutory due date.
    pub on_time_statutory: u64,
    /// Share of responses on time by the statutory date, in per cent to one decimal place.
    pub on_time_statutory_pct: Option<f64>,
    /// Responses sent on or before their working due date (the nearer of the statutory
    /// date and the organisation's own target).
    pub on_time_policy: u64,
    /// Share of responses on time by the working due date, in per cent to one decimal place.
    pub on_time_policy_pct: Option<f64>,
}

/// Requests still open now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OpenNow {
    /// The day the figures were worked out for.
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    /// Not yet answered.
    pub open: u64,
    /// Open and past the working due date.
    pub overdue: u64,
    /// Open and past the statutory due date.
    pub overdue_statutory: u64,
}

/// The median of `values` (sorted here): the middle value, or for an even count the
/// mean of the two middle values; `None` for none.
pub fn median(values: &mut [i64]) -> Option<f64> {
    values.sort_unstable();
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    if n % 2 == 1 { Some(values[mid] as f64) } else { Some((values[mid - 1] + values[mid]) as f64 / 2.0) }
}

/// `part` of `whole` in per cent, to one decimal place; `None` when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The figures of `period` over `facts` (see the module notes for what each counts).
pub fn figures(facts: &[RequestFacts], period: Period) -> PeriodFigures {
    let mut by_kind: BTreeMap<String, u64> = RequestKind::ALL.iter().map(|k| (k.as_str().to_string(), 0)).collect();
    let mut received = 0;
    let mut days = Vec::new();
    let (mut on_time_statutory, mut on_time_policy) = (0, 0);
    for f in facts {
        if period.contains(f.received_on) {
            received += 1;
            *by_kind.entry(f.kind.as_str().to_string()).or_default() += 1;
        }
        if let Some(sent) = f.responded_on.filter(|d| period.contains(*d)) {
            days.push(i64::from((sent - f.received_on).get_days()));
            on_time_statutory += u64::from(sent <= f.statutory_due_on);
            on_time_policy += u64::from(sent <= f.due_on);
        }
    }
    let responded = days.len() as u64;
    PeriodFigures {
        period,
        received,
        received_by_kind: by_kind,
        responded,
        median_days: median(&mut days),
        on_time_statutory,
        on_time_statutory_pct: percent(on_time_statutory, responded),
        on_time_policy,
        on_time_policy_pct: percent(on_time_policy, responded),
    }
}

/// How many requests are open and overdue on `today`.
pub fn open_now(facts: &[RequestFacts], today: Date) -> OpenNow {
    let open: Vec<&RequestFacts> = facts.iter().filter(|f| f.responded_on.is_none()).collect();
    OpenNow {
        on: today,
        open: open.len() as u64,
        overdue: open.iter().filter(|f| f.due_on < today).count() as u64,
        overdue_statutory: open.iter().filter(|f| f.statutory_due_on < today).count() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn fact(kind: RequestKind, received: Date, statutory: Date, due: Date, sent: Option<Date>) -> RequestFacts {
        RequestFacts { kind, received_on: received, statutory_due_on: statutory, due_on: due, responded_on: sent }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [7]), Some(7.0));
        assert_eq!(median(&mut [30, 2, 9]), Some(9.0));
        assert_eq!(median(&mut [30, 9, 2, 4]), Some(6.5), "mean of the two middle values");
        assert_eq!(median(&mut [5, 5, 1, 100]), Some(5.0));
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(3, 3), Some(100.0));
    }

    #[test]
    fn periods_are_months_and_years() {
        let m = Period::month(2026, 2).expect("month");
        assert_eq!((m.from, m.until), (date(2026, 2, 1), date(2026, 3, 1)));
        assert!(m.contains(date(2026, 2, 28)) && !m.contains(date(2026, 3, 1)));
        let y = Period::year(2026, 4).expect("year");
        assert_eq!((y.from, y.until), (date(2026, 4, 1), date(2027, 4, 1)));
        assert!(Period::month(2026, 13).is_none());
        let months = Period::months_ending(date(2026, 11, 23), 12);
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].from, date(2025, 12, 1));
        assert_eq!(months[11], Period::month(2026, 11).expect("month"));
    }

    /// A worked example: four requests in March 2026.
    ///
    /// * A: access received 2 Mar, statutory 2 Apr, working date 1 Apr, answered 20 Mar
    ///   → 18 days, on time both ways.
    /// * B: access received 3 Mar, statutory 3 Apr, working 2 Apr, answered 3 Apr
    ///   → 31 days, on time by law, late by the policy.
    /// * C: erasure received 10 Mar, statutory 10 Apr, working 9 Apr, answered 14 Apr
    ///   → 35 days, late both ways.
    /// * D: complaint received 30 Mar, not answered; due 29 Apr.
    ///
    /// March: 4 received (2 access, 1 erasure, 1 complaint), 1 responded (A), median
    /// 18, 100 % on time. April: 0 received, 2 responded (B 31 days, C 35 days),
    /// median (31 + 35) / 2 = 33, 50 % on time by law, 0 % by the policy.
    #[test]
    fn worked_example_per_month() {
        let facts = [
            fact(RequestKind::Access, date(2026, 3, 2), date(2026, 4, 2), date(2026, 4, 1), Some(date(2026, 3, 20))),
            fact(RequestKind::Access, date(2026, 3, 3), date(2026, 4, 3), date(2026, 4, 2), Some(date(2026, 4, 3))),
            fact(RequestKind::Erasure, date(2026, 3, 10), date(2026, 4, 10), date(2026, 4, 9), Some(date(2026, 4, 14))),
            fact(RequestKind::Complaint, date(2026, 3, 30), date(2026, 4, 29), date(2026, 4, 29), None),
        ];
        let march = figures(&facts, Period::month(2026, 3).expect("month"));
        assert_eq!((march.received, march.responded), (4, 1));
        assert_eq!(march.received_by_kind["access"], 2);
        assert_eq!(march.received_by_kind["erasure"], 1);
        assert_eq!(march.received_by_kind["complaint"], 1);
        assert_eq!(march.received_by_kind["portability"], 0);
        assert_eq!(march.received_by_kind.len(), RequestKind::ALL.len());
        assert_eq!(march.median_days, Some(18.0));
        assert_eq!((march.on_time_statutory_pct, march.on_time_policy_pct), (Some(100.0), Some(100.0)));

        let april = figures(&facts, Period::month(2026, 4).expect("month"));
        assert_eq!((april.received, april.responded), (0, 2));
        assert_eq!(april.median_days, Some(33.0));
        assert_eq!((april.on_time_statutory, april.on_time_policy), (1, 0));
        assert_eq!((april.on_time_statutory_pct, april.on_time_policy_pct), (Some(50.0), Some(0.0)));

        let may = figures(&facts, Period::month(2026, 5).expect("month"));
        assert_eq!((may.received, may.responded, may.median_days, may.on_time_statutory_pct), (0, 0, None, None));

        let year = figures(&facts, Period::year(2026, 1).expect("year"));
        assert_eq!((year.received, year.responded), (4, 3));
        assert_eq!(year.median_days, Some(31.0));
        assert_eq!(year.on_time_statutory_pct, Some(66.7));
        assert_eq!(year.on_time_policy_pct, Some(33.3));

        let now = open_now(&facts, date(2026, 4, 29));
        assert_eq!((now.open, now.overdue, now.overdue_statutory), (1, 0, 0), "due today is not overdue");
        let now = open_now(&facts, date(2026, 4, 30));
        assert_eq!((now.open, now.overdue, now.overdue_statutory), (1, 1, 1));
    }
}
