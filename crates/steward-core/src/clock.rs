//! The statutory clock of a data-subject rights request: the day the answer is due, with
//! the reasons in plain English. Pure: the caller passes the dates, nothing reads the time.
//!
//! The rules (UK GDPR Art 12(3) and Art 12A, as amended by the Data (Use and Access) Act
//! 2025; ICO guidance "Right of access", section "How long do we have to comply?", which
//! applies the same time limit to every right in Arts 15 to 22):
//!
//! * the clock starts on the day the request is received, working day or not; if the
//!   controller needs proof of identity (or a fee, where one is allowed) it starts again,
//!   whole, on the day that arrives (Art 12A; ICO: "the time limit starts from the day you
//!   receive the information");
//! * the answer is due one calendar month later: the same date in the next month, or that
//!   month's last day when it has no such date (31 March gives 30 April);
//! * the controller may extend the time limit by two further months for complex or numerous
//!   requests (Art 12(3)): three calendar months from the start, by the same rules; it must
//!   tell the requester, with reasons, within the first month;
//! * when the controller asks the requester to clarify a request (where it holds a large
//!   amount of information about them), the days from the day it asks to the day it receives
//!   the answer, both included, do not count: they are added to the due date (Art 12A;
//!   ICO "stopping the clock");
//! * a due date on a weekend or a bank holiday moves to the next working day of the
//!   organisation's region ([`Calendar`]).
//!
//! Calendar months are counted with `jiff` (it clamps 31 March + 1 month to 30 April).
//!
//! One reading is this module's own: a clarification asked for after the time limit had
//! already run out does not stop the clock (there is no clock left to stop), so it is
//! accepted but adds no days; the explanation says so.

use crate::CoreError;
use crate::calendar::{Calendar, is_weekend};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One pause while the requester clarifies the request (UK GDPR Art 12A; ICO "Right of
/// access": "stopping the clock"): from the day the controller asked to the day the answer
/// arrived, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clarification {
    /// The day the controller asked the requester to clarify.
    pub asked: Date,
    /// The day the requester's answer was received.
    pub answered: Date,
}

impl Clarification {
    /// How many days the pause lasts, both ends included (at least 1 when valid).
    pub fn days(&self) -> Result<i32, CoreError> {
        let span =
            self.asked.until(self.answered).map_err(|_| CoreError::invalid("clarification", "is out of range"))?;
        Ok(span.get_days() + 1)
    }
}

/// What the statutory clock of one rights request depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestClock {
    /// The day the request was received (any day of the week).
    pub received: Date,
    /// The day proof of identity (or a fee) arrived, when the controller asked for it: the
    /// clock starts again, whole, from that day.
    #[serde(default)]
    pub identity_received: Option<Date>,
    /// Clarification pauses, in any order; they must not overlap.
    #[serde(default)]
    pub clarifications: Vec<Clarification>,
    /// Extended by two further months for a complex or numerous request (Art 12(3)).
    #[serde(default)]
    pub extended: bool,
}

/// When a request is due, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The day the clock started: the day the request, or later proof of identity, arrived.
    pub start: Date,
    /// The statutory due date: the last day to answer.
    pub due: Date,
    /// The due date without any extension (equal to `due` when not extended).
    pub unextended_due: Date,
    /// Whether the two-month extension applies.
    pub extended: bool,
    /// Days added for clarification pauses.
    pub paused_days: i32,
    /// The reasoning, one plain-English sentence a step.
    steps: Vec<String>,
}

impl Deadline {
    /// The reasoning steps in plain English, the last being "Due date: …".
    pub fn explain(&self) -> &[String] {
        &self.steps
    }

    /// The day by which the requester must be told of an extension, with the reasons: the
    /// end of the first month, i.e. the un-extended due date (UK GDPR Art 12(3)).
    pub fn extension_notice_by(&self) -> Date {
        self.unextended_due
    }
}

impl RequestClock {
    /// A request received on `received`, with no identity check, pause or extension.
    pub fn new(received: Date) -> Self {
        Self { received, identity_received: None, clarifications: Vec::new(), extended: false }
    }

    /// The day the clock starts, after checking the dates are in a possible order.
    ///
    /// Errors name the field: `identity_received` before the request;
    /// `clarifications[i].answered` before it was asked for; `clarifications[i].asked`
    /// before the clock started, or inside another pause. Dates after the due date are
    /// allowed.
    pub fn start(&self) -> Result<Date, CoreError> {
        let start = match self.identity_received {
            Some(id) if id < self.received => {
                return Err(CoreError::invalid("identity_received", "is before the request was received"));
            }
            Some(id) => id,
            None => self.received,
        };
        for (i, c) in self.clarifications.iter().enumerate() {
            if c.answered < c.asked {
                return Err(CoreError::invalid(
                    format!("clarifications[{i}].answered"),
                    "is before the clarification was asked for",
                ));
            }
            if c.asked < start {
                return Err(CoreError::invalid(
                    format!("clarifications[{i}].asked"),
                    "is before the clock started (the day the request, or proof of identity, arrived)",
                ));
            }
        }
        let mut order: Vec<usize> = (0..self.clarifications.len()).collect();
        order.sort_by_key(|&i| (self.clarifications[i].asked, i));
        for pair in order.windows(2) {
            let (earlier, later) = (pair[0], pair[1]);
            if self.clarifications[later].asked <= self.clarifications[earlier].answered {
                return Err(CoreError::invalid(
                    format!("clarifications[{later}].asked"),
                    format!(
                        "falls inside another clarification pause (clarifications[{earlier}]); pauses must not overlap"
                    ),
                ));
            }
        }
        Ok(start)
    }

    /// Work out the due date with `calendar`'s working days, and the reasons.
    pub fn deadline(&self, calendar: &Calendar) -> Result<Deadline, CoreError> {
        let start = self.start()?;
        let mut pauses = self.clarifications.clone();
        pauses.sort_by_key(|c| c.asked);

        let mut steps = vec![match self.identity_received {
            None => format!("Received on {}, so the clock starts that day.", long(start)),
            Some(id) => format!(
                "Received on {}; proof of identity (or the fee) arrived on {}, so the clock starts again, whole, that day.",
                long(self.received),
                long(id)
            ),
        }];
        let one_month = run(start, 1, &pauses, calendar)?;
        let (due, paused_days) = if self.extended {
            let three = run(start, 3, &pauses, calendar)?;
            steps.extend(three.steps);
            steps.push(format!(
                "Without the extension the due date would be {}: the requester must be told of the extension, with the reasons, by then.",
                long(one_month.due)
            ));
            (three.due, three.paused_days)
        } else {
            steps.extend(one_month.steps);
            (one_month.due, one_month.paused_days)
        };
        steps.push(format!("Due date: {}.", long(due)));
        Ok(Deadline { start, due, unextended_due: one_month.due, extended: self.extended, paused_days, steps })
    }
}

/// One count of `months` calendar months from `start`, with pauses and the working-day rule.
struct Run {
    due: Date,
    paused_days: i32,
    steps: Vec<String>,
}

fn run(start: Date, months: i8, pauses: &[Clarification], calendar: &Calendar) -> Result<Run, CoreError> {
    let base = start.checked_add(i64::from(months).months()).map_err(|_| too_late())?;
    let clamped = if base.day() < start.day() {
        format!(" ({} has no {}, so the month's last day counts)", month_name(base), ordinal(start.day()))
    } else {
        String::new()
    };
    let mut steps = vec![if months == 1 {
        format!("One calendar month from {} is {}{clamped}.", long(start), long(base))
    } else {
        format!(
            "The time limit is extended by two further months (a complex or numerous request): three calendar months from {} is {}{clamped}.",
            long(start),
            long(base)
        )
    }];

    let mut running = base;
    let mut paused_days = 0;
    for pause in pauses {
        let limit = calendar.next_working_day_on_or_after(running)?;
        if pause.asked > limit {
            steps.push(format!(
                "Clarification was asked for on {}, after the time limit had run out on {}, so it does not stop the clock.",
                long(pause.asked),
                long(limit)
            ));
            continue;
        }
        let days = pause.days()?;
        running = running.checked_add(i64::from(days).days()).map_err(|_| too_late())?;
        paused_days += days;
        let counted = if days == 1 {
            "that day does not count".to_string()
        } else {
            format!("those {days} days, both included, do not count")
        };
        steps.push(format!(
            "Clarification asked for on {} and received on {}: {counted}, so the date moves to {}.",
            long(pause.asked),
            long(pause.answered),
            long(running)
        ));
    }

    let due = calendar.next_working_day_on_or_after(running)?;
    steps.push(if due == running {
        format!("{} is a working day.", long(due))
    } else {
        let mut text = format!(
            "{} {}, so the due date moves to the next working day: {}.",
            long(running),
            why_not_working(running, calendar),
            long(due)
        );
        let mut others = Vec::new();
        let mut d = running.tomorrow().map_err(|_| too_late())?;
        while d < due {
            if let Some(name) = calendar.holiday_name(d) {
                others.push(format!("{name} on {}", long(d)));
            }
            d = d.tomorrow().map_err(|_| too_late())?;
        }
        if !others.is_empty() {
            text.push_str(&format!(" It also passes {}.", others.join(" and ")));
        }
        text
    });
    Ok(Run { due, paused_days, steps })
}

/// Why `day` is not a working day, as the rest of a sentence that starts with the date.
fn why_not_working(day: Date, calendar: &Calendar) -> String {
    match calendar.holiday_name(day) {
        Some(crate::calendar::EXTRA_DAY) => "is a holiday added by the organisation".to_string(),
        Some(name) => format!("is {name}, a bank holiday in {}", calendar.region().label()),
        None if is_weekend(day) => "falls on a weekend".to_string(),
        None => "is not a working day".to_string(),
    }
}

fn too_late() -> CoreError {
    CoreError::invalid("date", "is too late: the due date would be past 9999-12-31")
}

/// A date for people: "Tuesday 3 September 2019".
pub fn long(day: Date) -> String {
    jiff::fmt::strtime::format("%A %-d %B %Y", day).unwrap_or_else(|_| day.to_string())
}

fn month_name(day: Date) -> String {
    jiff::fmt::strtime::format("%B", day).unwrap_or_else(|_| day.month().to_string())
}

fn ordinal(n: i8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Region;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn due(region: Region, clock: &RequestClock) -> Date {
        clock.deadline(&Calendar::new(region)).expect("valid").due
    }

    fn ew(received: Date) -> Date {
        due(Region::EnglandAndWales, &RequestClock::new(received))
    }

    fn field(err: CoreError) -> String {
        match err {
            CoreError::Invalid(f) => f.field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn ico_worked_examples() {
        assert_eq!(ew(date(2019, 9, 3)), date(2019, 10, 3));
        assert_eq!(ew(date(2019, 3, 31)), date(2019, 4, 30));
        assert_eq!(ew(date(2019, 1, 30)), date(2019, 2, 28));
        assert_eq!(ew(date(2019, 1, 31)), date(2019, 2, 28));
        // A leap year: 31 January 2020 + 1 month = Saturday 29 February, so Monday 2 March.
        assert_eq!(ew(date(2020, 1, 31)), date(2020, 3, 2));
        assert_eq!(ew(date(2021, 1, 29)), date(2021, 3, 1), "28 February 2021 is a Sunday");
    }

    #[test]
    fn the_explanation_reads_as_steps() {
        let d = RequestClock::new(date(2019, 9, 3)).deadline(&Calendar::default()).expect("valid");
        assert_eq!(
            d.explain(),
            [
                "Received on Tuesday 3 September 2019, so the clock starts that day.",
                "One calendar month from Tuesday 3 September 2019 is Thursday 3 October 2019.",
                "Thursday 3 October 2019 is a working day.",
                "Due date: Thursday 3 October 2019.",
            ]
        );
        let d = RequestClock::new(date(2019, 3, 31)).deadline(&Calendar::default()).expect("valid");
        assert_eq!(
            d.explain()[1],
            "One calendar month from Sunday 31 March 2019 is Tuesday 30 April 2019 (April has no 31st, so the month's last day counts)."
        );
    }

    #[test]
    fn a_weekend_due_date_moves_to_monday() {
        let d = RequestClock::new(date(2019, 9, 5)).deadline(&Calendar::default()).expect("valid");
        assert_eq!(d.due, date(2019, 10, 7));
        assert!(d.explain().contains(
            &"Saturday 5 October 2019 falls on a weekend, so the due date moves to the next working day: Monday 7 October 2019."
                .to_string()
        ));
        assert_eq!(ew(date(2019, 9, 6)), date(2019, 10, 7), "Sunday too");
    }

    #[test]
    fn a_bank_holiday_due_date_moves_to_the_next_working_day() {
        let d = RequestClock::new(date(2025, 11, 26)).deadline(&Calendar::default()).expect("valid");
        assert_eq!(d.due, date(2025, 12, 29));
        assert!(d.explain()[2].starts_with(
            "Friday 26 December 2025 is Boxing Day, a bank holiday in England and Wales, so the due date moves"
        ));
        // Christmas 2026 on a Friday: 25th, weekend, then Boxing Day's substitute on the 28th.
        let d = RequestClock::new(date(2026, 11, 25)).deadline(&Calendar::default()).expect("valid");
        assert_eq!(d.due, date(2026, 12, 29));
        assert!(
            d.explain()[2].ends_with("It also passes Boxing Day (substitute day) on Monday 28 December 2026."),
            "{}",
            d.explain()[2]
        );
    }

    #[test]
    fn regions_differ() {
        // 2 January 2026 is a bank holiday in Scotland only.
        let clock = RequestClock::new(date(2025, 12, 2));
        assert_eq!(due(Region::EnglandAndWales, &clock), date(2026, 1, 2));
        assert_eq!(due(Region::NorthernIreland, &clock), date(2026, 1, 2));
        assert_eq!(due(Region::Scotland, &clock), date(2026, 1, 5));
        // Easter Monday is not a bank holiday in Scotland.
        let clock = RequestClock::new(date(2026, 3, 6));
        assert_eq!(due(Region::EnglandAndWales, &clock), date(2026, 4, 7));
        assert_eq!(due(Region::Scotland, &clock), date(2026, 4, 6));
        // The Battle of the Boyne's substitute Monday in Northern Ireland.
        let clock = RequestClock::new(date(2026, 6, 13));
        assert_eq!(due(Region::NorthernIreland, &clock), date(2026, 7, 14));
        assert_eq!(due(Region::EnglandAndWales, &clock), date(2026, 7, 13));
        // St Andrew's Day in Scotland.
        let clock = RequestClock::new(date(2026, 10, 30));
        assert_eq!(due(Region::Scotland, &clock), date(2026, 12, 1));
        assert_eq!(due(Region::EnglandAndWales, &clock), date(2026, 11, 30));
    }

    #[test]
    fn an_added_holiday_moves_the_due_date() {
        let cal = Calendar::with_extra_days(Region::EnglandAndWales, [date(2019, 10, 3)]);
        let d = RequestClock::new(date(2019, 9, 3)).deadline(&cal).expect("valid");
        assert_eq!(d.due, date(2019, 10, 4));
        assert!(d.explain()[2].contains("is a holiday added by the organisation"));
    }

    #[test]
    fn extension_counts_three_months_from_the_start() {
        let clock = RequestClock { extended: true, ..RequestClock::new(date(2019, 9, 3)) };
        let d = clock.deadline(&Calendar::default()).expect("valid");
        assert_eq!((d.due, d.extension_notice_by()), (date(2019, 12, 3), date(2019, 10, 3)));
        assert!(d.extended);
        let text = d.explain().join("\n");
        assert!(text.contains("three calendar months from Tuesday 3 September 2019 is Tuesday 3 December 2019"));
        assert!(text.contains("Without the extension the due date would be Thursday 3 October 2019"));
        assert!(text.ends_with("Due date: Tuesday 3 December 2019."));

        // Three months at once, not one and then two: 31 Jan + 3 months = 30 Apr (not 28 Apr).
        let clock = RequestClock { extended: true, ..RequestClock::new(date(2026, 1, 31)) };
        let d = clock.deadline(&Calendar::default()).expect("valid");
        assert_eq!(d.due, date(2026, 4, 30));
        assert_eq!(d.extension_notice_by(), date(2026, 3, 2), "28 February 2026 is a Saturday");

        // An extended due date on a weekend rolls forward: 30 Nov 2025 + 3 months = Sat 28 Feb 2026.
        let clock = RequestClock { extended: true, ..RequestClock::new(date(2025, 11, 30)) };
        let d = clock.deadline(&Calendar::default()).expect("valid");
        assert_eq!((d.due, d.extension_notice_by()), (date(2026, 3, 2), date(2025, 12, 30)));

        // Not extended: the notice date is the due date itself.
        let d = RequestClock::new(date(2019, 9, 3)).deadline(&Calendar::default()).expect("valid");
        assert_eq!(d.extension_notice_by(), d.due);
        assert!(!d.extended);
    }

    #[test]
    fn a_clarification_pause_adds_its_days_then_the_working_day_rule_applies() {
        let clock = RequestClock {
            clarifications: vec![Clarification { asked: date(2026, 3, 10), answered: date(2026, 3, 14) }],
            ..RequestClock::new(date(2026, 3, 1))
        };
        let d = clock.deadline(&Calendar::default()).expect("valid");
        assert_eq!(d.paused_days, 5);
        assert_eq!(d.due, date(2026, 4, 7), "1 April + 5 days = Easter Monday 6 April, so Tuesday 7 April");
        assert_eq!(
            d.explain()[2],
            "Clarification asked for on Tuesday 10 March 2026 and received on Saturday 14 March 2026: those 5 days, both included, do not count, so the date moves to Monday 6 April 2026."
        );
        assert_eq!(due(Region::Scotland, &clock), date(2026, 4, 6));

        // A pause of one day (asked and answered the same day) adds one day.
        let clock = RequestClock {
            clarifications: vec![Clarification { asked: date(2019, 9, 10), answered: date(2019, 9, 10) }],
            ..RequestClock::new(date(2019, 9, 3))
        };
        let d = clock.deadline(&Calendar::default()).expect("valid");
        assert_eq!((d.due, d.paused_days), (date(2019, 10, 4), 1));
        assert!(d.explain()[2].contains("that day does not count"));
    }

    #[test]
    fn several_pauses_add_up_and_can_be_given_in_any_order() {
        let clock = RequestClock {
            clarifications: vec![
                Clarification { asked: date(2019, 9, 20), answered: date(2019, 9, 21) },
                Clarification { asked: date(2019, 9, 4), answered: date(2019, 9, 6) },
            ],
            ..RequestClock::new(date(2019, 9, 3))
        };
        let d = clock.deadline(&Calendar::default()).expect("valid");
        assert_eq!((d.paused_days, d.due), (5, date(2019, 10, 8)));
        // Extended: the pauses move the three-month date and the notice date alike.
        let d = RequestClock { extended: true, ..clock }.deadline(&Calendar::default()).expect("valid");
        assert_eq!((d.due, d.extension_notice_by()), (date(2019, 12, 9), date(2019, 10, 8)));
    }

    #[test]
    fn a_clarification_after_the_time_limit_ran_out_is_accepted_but_adds_nothing() {
        let on_due_day = Clarification { asked: date(2019, 10, 3), answered: date(2019, 10, 4) };
        let late = Clarification { asked: date(2019, 10, 10), answered: date(2019, 10, 12) };
        let clock = RequestClock { clarifications: vec![late], ..RequestClock::new(date(2019, 9, 3)) };
        let d = clock.deadline(&Calendar::default()).expect("dates after the due date are fine");
        assert_eq!((d.due, d.paused_days), (date(2019, 10, 3), 0));
        assert!(d.explain()[2].contains("after the time limit had run out on Thursday 3 October 2019"));
        // Asked on the due day itself, it still counts; and a later one inside the extra days counts too.
        let clock = RequestClock { clarifications: vec![on_due_day], ..RequestClock::new(date(2019, 9, 3)) };
        assert_eq!(due(Region::EnglandAndWales, &clock), date(2019, 10, 7), "3 Oct + 2 = Sat 5 Oct → Mon 7");
        let also = Clarification { asked: date(2019, 10, 7), answered: date(2019, 10, 7) };
        let clock = RequestClock { clarifications: vec![also, on_due_day], ..RequestClock::new(date(2019, 9, 3)) };
        assert_eq!(due(Region::EnglandAndWales, &clock), date(2019, 10, 7), "5 Oct + 1 = Sun 6 Oct → Mon 7");
    }

    #[test]
    fn proof_of_identity_restarts_the_clock_whole() {
        let clock = RequestClock { identity_received: Some(date(2019, 9, 10)), ..RequestClock::new(date(2019, 9, 3)) };
        let d = clock.deadline(&Calendar::default()).expect("valid");
        assert_eq!((d.start, d.due), (date(2019, 9, 10), date(2019, 10, 10)));
        assert_eq!(
            d.explain()[0],
            "Received on Tuesday 3 September 2019; proof of identity (or the fee) arrived on Tuesday 10 September 2019, so the clock starts again, whole, that day."
        );
        // Identity arriving the same day changes nothing; arriving later than the first due date is fine.
        let same = RequestClock { identity_received: Some(date(2019, 9, 3)), ..RequestClock::new(date(2019, 9, 3)) };
        assert_eq!(due(Region::EnglandAndWales, &same), date(2019, 10, 3));
        let late = RequestClock { identity_received: Some(date(2019, 11, 26)), ..RequestClock::new(date(2019, 9, 3)) };
        assert_eq!(due(Region::EnglandAndWales, &late), date(2019, 12, 27), "26 Dec is Boxing Day");
    }

    #[test]
    fn impossible_orders_are_refused_naming_the_field() {
        let cal = Calendar::default();
        let base = RequestClock::new(date(2026, 3, 1));
        let pause = |asked, answered| Clarification { asked, answered };

        let c = RequestClock { identity_received: Some(date(2026, 2, 28)), ..base.clone() };
        assert_eq!(field(c.deadline(&cal).expect_err("identity before request")), "identity_received");

        let c = RequestClock { clarifications: vec![pause(date(2026, 3, 14), date(2026, 3, 10))], ..base.clone() };
        assert_eq!(field(c.deadline(&cal).expect_err("answer before question")), "clarifications[0].answered");

        let c = RequestClock { clarifications: vec![pause(date(2026, 2, 27), date(2026, 3, 2))], ..base.clone() };
        assert_eq!(field(c.deadline(&cal).expect_err("asked before the request")), "clarifications[0].asked");

        let c = RequestClock {
            identity_received: Some(date(2026, 3, 5)),
            clarifications: vec![pause(date(2026, 3, 3), date(2026, 3, 6))],
            ..base.clone()
        };
        assert_eq!(field(c.deadline(&cal).expect_err("asked before identity")), "clarifications[0].asked");

        let c = RequestClock {
            clarifications: vec![
                pause(date(2026, 3, 10), date(2026, 3, 14)),
                pause(date(2026, 3, 14), date(2026, 3, 20)),
            ],
            ..base.clone()
        };
        assert_eq!(field(c.deadline(&cal).expect_err("overlap")), "clarifications[1].asked");
        let c = RequestClock {
            clarifications: vec![
                pause(date(2026, 3, 12), date(2026, 3, 13)),
                pause(date(2026, 3, 10), date(2026, 3, 20)),
            ],
            ..base.clone()
        };
        assert_eq!(field(c.deadline(&cal).expect_err("overlap, other order")), "clarifications[0].asked");

        let c = RequestClock { clarifications: vec![pause(date(2026, 3, 10), date(2026, 3, 14))], ..base.clone() };
        assert!(c.deadline(&cal).is_ok(), "adjacent to nothing, inside the month");

        let c = RequestClock::new(date(9999, 12, 1));
        assert_eq!(field(c.deadline(&cal).expect_err("past the end")), "date");
    }

    #[test]
    fn ordinals() {
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 29, 30, 31].map(ordinal),
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "29th", "30th", "31st"]
        );
    }

    /// Days from 1 January 2018 to 31 December 2040.
    const SPAN_DAYS: i32 = 8401;

    fn day(offset: i32) -> Date {
        date(2018, 1, 1).checked_add(offset.days()).expect("in range")
    }

    fn region() -> impl Strategy<Value = Region> {
        prop::sample::select(Region::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn the_due_date_is_a_working_day_after_the_start(
            received in 0..SPAN_DAYS, id_after in prop::option::of(0..60i32), extended: bool, region in region(),
        ) {
            let cal = Calendar::new(region);
            let received = day(received);
            let identity_received = id_after.map(|n| received.checked_add(n.days()).expect("in range"));
            let clock = RequestClock { identity_received, extended, ..RequestClock::new(received) };
            let d = clock.deadline(&cal).expect("valid");
            prop_assert!(cal.is_working_day(d.due), "{} is not a working day", d.due);
            prop_assert!(cal.is_working_day(d.extension_notice_by()));
            prop_assert!(d.due > d.start && d.start >= received);
            prop_assert!(d.due >= d.start.checked_add(1.month()).expect("in range"));
            prop_assert!(d.due >= d.unextended_due);
            prop_assert!(d.explain().last().is_some_and(|s| s.starts_with("Due date: ")));
        }

        #[test]
        fn the_due_date_never_goes_back_when_the_request_comes_later(
            a in 0..SPAN_DAYS, gap in 0..400i32, extended: bool, region in region(),
        ) {
            let cal = Calendar::new(region);
            let earlier = RequestClock { extended, ..RequestClock::new(day(a)) };
            let later = RequestClock { extended, ..RequestClock::new(day(a + gap)) };
            prop_assert!(earlier.deadline(&cal).expect("valid").due <= later.deadline(&cal).expect("valid").due);
        }

        #[test]
        fn a_pause_never_brings_the_due_date_forward(
            received in 0..SPAN_DAYS, after in 0..40i32, length in 0..30i32, region in region(),
        ) {
            let cal = Calendar::new(region);
            let plain = RequestClock::new(day(received));
            let asked = day(received + after);
            let answered = day(received + after + length);
            let paused = RequestClock { clarifications: vec![Clarification { asked, answered }], ..plain.clone() };
            let (p, q) = (plain.deadline(&cal).expect("valid"), paused.deadline(&cal).expect("valid"));
            prop_assert!(q.due >= p.due);
            prop_assert!(cal.is_working_day(q.due));
        }
    }
}
