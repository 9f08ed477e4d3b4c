//! Worked examples of the breach register's clocks and rules.

use super::*;
use crate::Region;
use crate::calendar::Calendar;
use crate::register::incident::{IncidentSettings, InternalClock};
use crate::time::uk_zone;
use jiff::civil::date;

fn uk(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
    date(y, m, d).at(h, min, 0, 0).to_zoned(uk_zone()).unwrap().timestamp()
}

fn wall(t: Option<Timestamp>) -> String {
    t.unwrap().to_zoned(uk_zone()).strftime("%A %-d %B %Y %H:%M").to_string()
}

fn env(now: Timestamp, clock: InternalClock) -> Env {
    Env {
        today: crate::time::uk_date(now),
        now,
        calendar: Calendar::new(Region::EnglandAndWales),
        incidents: IncidentSettings { breach_internal_clock: clock, ..IncidentSettings::default() },
    }
}

fn lost_laptop(aware: Timestamp) -> Breach {
    Breach {
        summary: "Unencrypted laptop with rent arrears spreadsheet left on a train".into(),
        how_found: "Reported by the housing officer the next morning".into(),
        occurred_at: Some(aware.checked_sub(SignedDuration::from_hours(14)).unwrap()),
        aware_at: Some(aware),
        data_categories: vec![DataCategory::BasicIdentifiers, DataCategory::EconomicOrFinancial],
        people_affected: Some(212),
        records_affected: Some(212),
        people_categories: vec![PeopleCategory::Customers],
        ..Default::default()
    }
}

use jiff::SignedDuration;

#[test]
fn aware_at_four_on_a_friday_gives_monday_at_four_and_a_six_hour_internal_clock_ten_that_night() {
    let aware = uk(2026, 12, 4, 16, 0);
    let b = lost_laptop(aware).validate().unwrap();
    let d = b.derive_at(&env(aware, InternalClock::Hours(6)));
    assert_eq!(wall(d.ico_deadline_at), "Monday 7 December 2026 16:00");
    assert_eq!(wall(d.internal_deadline_at), "Friday 4 December 2026 22:00");
    assert_eq!(d.hours_to_ico_deadline, Some(72));
    assert!(d.decision_open);
    assert_eq!(d.status, "Decision open");
}

#[test]
fn one_working_day_from_friday_28_august_2026_is_tuesday_1_september() {
    let aware = uk(2026, 8, 28, 17, 0);
    let d = lost_laptop(aware).derive_at(&env(aware, InternalClock::WorkingDays(1)));
    assert_eq!(wall(d.internal_deadline_at), "Tuesday 1 September 2026 17:00");
    assert_eq!(wall(d.ico_deadline_at), "Monday 31 August 2026 17:00");
}

#[test]
fn across_the_end_of_summer_time_the_clock_counts_72_real_hours() {
    let aware = uk(2026, 10, 23, 16, 0);
    let d = lost_laptop(aware).derive_at(&env(aware, InternalClock::Hours(6)));
    assert_eq!(wall(d.ico_deadline_at), "Monday 26 October 2026 15:00");
    assert_eq!(d.ico_deadline_at.unwrap().as_second() - aware.as_second(), 72 * 3600);
}

#[test]
fn awareness_before_the_breach_happened_is_refused() {
    let b = Breach { occurred_at: Some(uk(2026, 12, 5, 9, 0)), ..lost_laptop(uk(2026, 12, 4, 16, 0)) };
    let e = b.validate().unwrap_err();
    assert!(e.iter().any(|e| e.field == "aware_at" && e.message.contains("before")));
    let none = Breach { aware_at: None, ..lost_laptop(uk(2026, 12, 4, 16, 0)) };
    assert!(none.validate().unwrap_err().iter().any(|e| e.field == "aware_at" && e.message.contains("Art 33(1)")));
}

#[test]
fn a_decision_carries_its_reason_and_not_reporting_cites_art_33_5() {
    let aware = uk(2026, 12, 4, 16, 0);
    let b = Breach { report_to_ico: Some(false), ..lost_laptop(aware) };
    let e = b.validate().unwrap_err();
    assert!(e.iter().any(|e| e.field == "report_to_ico_reason" && e.message.contains("Art 33(5)")));
    let t = Breach { tell_individuals: Some(true), ..lost_laptop(aware) };
    assert!(t.validate().unwrap_err().iter().any(|e| e.field == "tell_individuals_reason"));
}

#[test]
fn a_high_risk_not_told_needs_an_article_34_3_exception() {
    let aware = uk(2026, 12, 4, 16, 0);
    let b = Breach {
        likelihood: Some(Likelihood::Likely),
        severity: Some(ConsequenceSeverity::Severe),
        tell_individuals: Some(false),
        tell_individuals_reason: "The laptop was recovered".into(),
        ..lost_laptop(aware)
    };
    assert!(b.clone().validate().unwrap_err().iter().any(|e| e.field == "art34_exception"));
    let ok = Breach { art34_exception: Some(Art34Exception::RiskRemoved), ..b };
    assert!(ok.validate().is_ok());
}

#[test]
fn a_late_report_needs_the_reasons_for_delay_and_a_follow_up_the_ico_reference() {
    let aware = uk(2026, 12, 4, 16, 0);
    let late = Breach {
        report_to_ico: Some(true),
        report_to_ico_reason: "Financial data of 212 tenants: risk of fraud".into(),
        reports: vec![IcoReport { sent_at: Some(uk(2026, 12, 8, 10, 0)), ..Default::default() }],
        ..lost_laptop(aware)
    };
    assert!(late.clone().validate().unwrap_err().iter().any(|e| e.field == "delay_reasons"));
    let with_reasons = Breach { delay_reasons: "The scale was only known on Monday".into(), ..late.clone() };
    let ok = with_reasons.validate().unwrap();
    let d = ok.derive_at(&env(uk(2026, 12, 9, 9, 0), InternalClock::Hours(6)));
    assert!(d.late);
    assert_eq!(d.status, "Reported to the ICO");
    assert_eq!(d.hours_to_ico_deadline, None);

    let follow_up = Breach {
        reports: vec![
            IcoReport { sent_at: Some(uk(2026, 12, 5, 10, 0)), ..Default::default() },
            IcoReport { phase: ReportPhase::FollowUp, sent_at: Some(uk(2026, 12, 9, 10, 0)), ..Default::default() },
        ],
        ..late
    };
    let e = follow_up.validate().unwrap_err();
    assert!(e.iter().any(|e| e.field == "reports[1].ico_reference" && e.message.contains("reference")));
    assert!(!e.iter().any(|e| e.field == "delay_reasons"), "the first report was in time");
}

#[test]
fn an_open_decision_past_the_deadline_is_late_and_counts_down_below_zero() {
    let aware = uk(2026, 12, 4, 16, 0);
    let b = lost_laptop(aware);
    let d = b.derive_at(&env(uk(2026, 12, 7, 18, 30), InternalClock::Hours(6)));
    assert!(d.late);
    assert_eq!(d.hours_to_ico_deadline, Some(-3));
    let near_miss = Breach { kind: BreachKind::NearMiss, ..b };
    let d = near_miss.derive_at(&env(uk(2026, 12, 7, 18, 30), InternalClock::Hours(6)));
    assert_eq!(d.ico_deadline_at, None);
    assert!(!d.late && !d.decision_open);
}

#[test]
fn closing_needs_the_decision() {
    let aware = uk(2026, 12, 4, 16, 0);
    let b = Breach { closed_on: Some(date(2026, 12, 10)), ..lost_laptop(aware) };
    assert!(b.validate().unwrap_err().iter().any(|e| e.field == "closed_on"));
}

#[test]
fn the_suggested_risk_follows_likelihood_and_severity() {
    assert_eq!(BreachRisk::assess(Likelihood::Unlikely, ConsequenceSeverity::Severe), BreachRisk::Unlikely);
    assert_eq!(BreachRisk::assess(Likelihood::VeryLikely, ConsequenceSeverity::Minimal), BreachRisk::Unlikely);
    assert_eq!(BreachRisk::assess(Likelihood::Neutral, ConsequenceSeverity::Significant), BreachRisk::Risk);
    assert_eq!(BreachRisk::assess(Likelihood::Likely, ConsequenceSeverity::Severe), BreachRisk::High);
    assert_eq!(BreachRisk::assess(Likelihood::VeryLikely, ConsequenceSeverity::Significant), BreachRisk::High);
}
