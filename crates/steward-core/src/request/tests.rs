//! Tests of the request rules: worked examples of due dates, pauses, extensions,
//! refused histories and decisions.

use super::*;
use crate::calendar::Calendar;
use jiff::civil::date;

const TODAY: Date = date(2030, 1, 1);

fn ev(kind: EventKind, on: Date) -> RequestEvent {
    RequestEvent { kind, on, reason: None, outcome: None, ground: None, note: None }
}

fn run(kind: RequestKind, received: Date, events: &[RequestEvent]) -> Result<Assessment, CoreError> {
    assess(kind, received, events, &Calendar::default(), kind.default_policy_target(), TODAY)
}

fn field(r: Result<Assessment, CoreError>) -> String {
    match r {
        Err(CoreError::Invalid(f)) => f.field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn worked_examples_beside_the_policy_target() {
    // uk-rules §1 (ICO): 3 Sep 2019 → 3 Oct 2019; policy 30 days → 3 Oct: the statutory date counts.
    let a = run(RequestKind::Access, date(2019, 9, 3), &[]).expect("valid");
    assert_eq!(
        (a.statutory_due_on, a.policy_due_on, a.due_on),
        (date(2019, 10, 3), date(2019, 10, 3), date(2019, 10, 3))
    );
    assert_eq!(a.due_basis, DueBasis::Statutory);
    // 31 Mar 2019 → 30 Apr 2019; 30 days → 30 Apr.
    let a = run(RequestKind::Access, date(2019, 3, 31), &[]).expect("valid");
    assert_eq!((a.statutory_due_on, a.policy_due_on), (date(2019, 4, 30), date(2019, 4, 30)));
    // 30 Jan 2019 → 28 Feb 2019; 30 days → 1 Mar, so the statutory date is the nearer.
    let a = run(RequestKind::Access, date(2019, 1, 30), &[]).expect("valid");
    assert_eq!(
        (a.statutory_due_on, a.policy_due_on, a.due_on),
        (date(2019, 2, 28), date(2019, 3, 1), date(2019, 2, 28))
    );
    assert_eq!(a.due_basis, DueBasis::Statutory);
    // 1 Jul 2019 → 1 Aug 2019 statutory; 30 days → 31 Jul, the policy date is the nearer.
    let a = run(RequestKind::Access, date(2019, 7, 1), &[]).expect("valid");
    assert_eq!(
        (a.statutory_due_on, a.policy_due_on, a.due_basis),
        (date(2019, 8, 1), date(2019, 7, 31), DueBasis::Policy)
    );
    assert_eq!(a.status, RequestStatus::Open);
}

#[test]
fn hours_run_out_on_the_last_day_they_cover() {
    assert_eq!(PolicyTarget::Hours(72).due_on(date(2026, 3, 2)), Ok(date(2026, 3, 4)));
    assert_eq!(PolicyTarget::Hours(24).due_on(date(2026, 3, 2)), Ok(date(2026, 3, 2)));
    assert_eq!(PolicyTarget::Hours(25).due_on(date(2026, 3, 2)), Ok(date(2026, 3, 3)));
    let a = run(RequestKind::ObjectionDirectMarketing, date(2019, 9, 3), &[]).expect("valid");
    assert_eq!((a.policy_due_on, a.due_on, a.due_basis), (date(2019, 9, 5), date(2019, 9, 5), DueBasis::Policy));
}

#[test]
fn policy_targets_parse() {
    assert_eq!("30d".parse(), Ok(PolicyTarget::CalendarDays(30)));
    assert_eq!("72h".parse(), Ok(PolicyTarget::Hours(72)));
    for bad in ["", "d", "0d", "30", "30w", "-3d"] {
        assert!(bad.parse::<PolicyTarget>().is_err(), "{bad}");
    }
    assert_eq!(PolicyTarget::Hours(72).to_string(), "72h");
}

#[test]
fn complaints_are_acknowledged_within_30_days() {
    let a = run(RequestKind::Complaint, date(2026, 7, 1), &[]).expect("valid");
    assert_eq!(
        (a.statutory_due_on, a.policy_due_on, a.due_on),
        (date(2026, 7, 31), date(2026, 7, 31), date(2026, 7, 31))
    );
    let ext = RequestEvent { reason: Some("complex".into()), ..ev(EventKind::Extended, date(2026, 7, 2)) };
    assert_eq!(field(run(RequestKind::Complaint, date(2026, 7, 1), &[ext])), "kind");
}

#[test]
fn identity_restarts_and_clarification_pauses() {
    let events = [ev(EventKind::IdentityRequested, date(2019, 9, 3))];
    let a = run(RequestKind::Access, date(2019, 9, 3), &events).expect("valid");
    assert_eq!(a.status, RequestStatus::AwaitingIdentity);
    let events =
        [ev(EventKind::IdentityRequested, date(2019, 9, 3)), ev(EventKind::IdentityReceived, date(2019, 9, 10))];
    let a = run(RequestKind::Access, date(2019, 9, 3), &events).expect("valid");
    assert_eq!(
        (a.status, a.statutory_due_on, a.policy_due_on),
        (RequestStatus::Open, date(2019, 10, 10), date(2019, 10, 10))
    );

    let asked = ev(EventKind::ClarificationAsked, date(2019, 9, 10));
    let a = run(RequestKind::Access, date(2019, 9, 3), std::slice::from_ref(&asked)).expect("valid");
    assert_eq!((a.status, a.statutory_due_on), (RequestStatus::AwaitingClarification, date(2019, 10, 3)));
    let events = [asked, ev(EventKind::ClarificationReceived, date(2019, 9, 12))];
    let a = run(RequestKind::Access, date(2019, 9, 3), &events).expect("valid");
    assert_eq!((a.status, a.statutory_due_on), (RequestStatus::Open, date(2019, 10, 7)), "3 Oct + 3 days = Sun 6 Oct");
}

#[test]
fn extension_only_within_the_first_month() {
    let ext = |on| RequestEvent { reason: Some("numerous requests".into()), ..ev(EventKind::Extended, on) };
    let a = run(RequestKind::Access, date(2019, 9, 3), &[ext(date(2019, 10, 3))]).expect("on the last day");
    assert_eq!(
        (a.status, a.statutory_due_on, a.extension_notice_by),
        (RequestStatus::Extended, date(2019, 12, 3), date(2019, 10, 3))
    );
    assert_eq!(a.due_on, date(2019, 10, 3), "the policy date stays the nearer");
    assert_eq!(field(run(RequestKind::Access, date(2019, 9, 3), &[ext(date(2019, 10, 4))])), "on");
    let no_reason = ev(EventKind::Extended, date(2019, 9, 5));
    assert_eq!(field(run(RequestKind::Access, date(2019, 9, 3), &[no_reason])), "reason");
    assert_eq!(
        field(run(RequestKind::Access, date(2019, 9, 3), &[ext(date(2019, 9, 4)), ext(date(2019, 9, 5))])),
        "kind"
    );
}

#[test]
fn out_of_order_histories_are_refused() {
    let r = date(2019, 9, 3);
    assert_eq!(field(run(RequestKind::Access, TODAY.tomorrow().expect("date"), &[])), "received_on");
    assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::ResponseSent, date(2019, 9, 2))])), "on");
    let e = [ev(EventKind::ResponseSent, date(2019, 9, 9)), ev(EventKind::Decision, date(2019, 9, 8))];
    assert_eq!(field(run(RequestKind::Access, r, &e)), "on");
    assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::ClarificationReceived, r)])), "kind");
    let e = [ev(EventKind::ClarificationAsked, r), ev(EventKind::ClarificationAsked, r)];
    assert_eq!(field(run(RequestKind::Access, r, &e)), "kind");
    assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::Closed, r)])), "kind", "closing needs a response");
    let e = [ev(EventKind::ClarificationAsked, r), ev(EventKind::ResponseSent, r), ev(EventKind::Closed, r)];
    assert_eq!(field(run(RequestKind::Access, r, &e)), "kind", "closing with a clarification awaited");
    let e = [ev(EventKind::ResponseSent, r), ev(EventKind::Closed, r), ev(EventKind::Decision, r)];
    assert_eq!(field(run(RequestKind::Access, r, &e)), "kind", "nothing after closed");
    assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::Decision, r)])), "outcome");
    assert_eq!(field(run(RequestKind::Access, r, &[ev(EventKind::Decision, TODAY.tomorrow().expect("date"))])), "on");
}

#[test]
fn a_full_history_ends_closed() {
    let r = date(2019, 9, 3);
    let e = [
        ev(EventKind::IdentityRequested, r),
        ev(EventKind::IdentityReceived, date(2019, 9, 4)),
        RequestEvent { outcome: Some(DecisionOutcome::Granted), ..ev(EventKind::Decision, date(2019, 9, 20)) },
        ev(EventKind::ResponseSent, date(2019, 9, 21)),
    ];
    assert_eq!(run(RequestKind::Access, r, &e[..3]).expect("valid").status, RequestStatus::Decided);
    assert_eq!(run(RequestKind::Access, r, &e).expect("valid").status, RequestStatus::Responded);
    let mut all = e.to_vec();
    all.push(ev(EventKind::Closed, date(2019, 9, 21)));
    assert_eq!(run(RequestKind::Access, r, &all).expect("valid").status, RequestStatus::Closed);
}

#[test]
fn names_round_trip() {
    for k in RequestKind::ALL {
        assert_eq!(k.as_str().parse::<RequestKind>(), Ok(*k));
        assert_eq!(serde_json::to_value(k).expect("json"), serde_json::json!(k.as_str()));
    }
    for s in RequestStatus::ALL {
        assert_eq!(s.as_str().parse::<RequestStatus>(), Ok(*s));
        assert_eq!(serde_json::to_value(s).expect("json"), serde_json::json!(s.as_str()));
    }
    for c in Channel::ALL {
        assert_eq!(serde_json::to_value(c).expect("json"), serde_json::json!(c.as_str()));
    }
    for e in EventKind::ALL {
        assert_eq!(serde_json::to_value(e).expect("json"), serde_json::json!(e.as_str()));
    }
    assert!("parcel".parse::<RequestKind>().is_err());
}

fn decision(outcome: DecisionOutcome, ground: Option<RefusalGround>, reason: Option<&str>) -> RequestEvent {
    RequestEvent {
        outcome: Some(outcome),
        ground,
        reason: reason.map(str::to_string),
        ..ev(EventKind::Decision, date(2026, 3, 10))
    }
}

#[test]
fn refusals_need_reasons_and_a_ground_the_kind_allows() {
    let r = date(2026, 3, 2);
    let d = |k, e: RequestEvent| run(k, r, &[e]);
    // Art 12(4): reasons for any refusal, in whole or part.
    let no_reason = decision(DecisionOutcome::Refused, Some(RefusalGround::ManifestlyExcessive), None);
    assert_eq!(field(d(RequestKind::Access, no_reason)), "reason");
    let blank = decision(DecisionOutcome::PartlyGranted, None, Some("  "));
    assert_eq!(field(d(RequestKind::Access, blank)), "reason");
    // A refused rights request names its ground.
    let no_ground = decision(DecisionOutcome::Refused, None, Some("third request this month"));
    assert_eq!(field(d(RequestKind::Access, no_ground)), "ground");
    let ok = decision(DecisionOutcome::Refused, Some(RefusalGround::ManifestlyExcessive), Some("repeats"));
    assert_eq!(d(RequestKind::Access, ok).expect("valid").status, RequestStatus::Decided);
    // Art 17(3)(b): a legal obligation refuses erasure, but not access.
    let legal = decision(DecisionOutcome::Refused, Some(RefusalGround::LegalObligation), Some("tenancy law"));
    assert!(d(RequestKind::Erasure, legal.clone()).is_ok());
    assert_eq!(field(d(RequestKind::Access, legal)), "ground");
    // Art 21(3): objection to direct marketing is absolute; no compelling grounds.
    let compelling =
        decision(DecisionOutcome::Refused, Some(RefusalGround::CompellingLegitimateGrounds), Some("needed"));
    assert_eq!(field(d(RequestKind::ObjectionDirectMarketing, compelling.clone())), "ground");
    assert!(d(RequestKind::Objection, compelling).is_ok());
    // A grant has no ground; complaints have reasons but no ground.
    let granted = decision(DecisionOutcome::Granted, Some(RefusalGround::Exemption), None);
    assert_eq!(field(d(RequestKind::Access, granted)), "ground");
    let not_upheld = decision(DecisionOutcome::Refused, None, Some("handled correctly"));
    assert!(d(RequestKind::Complaint, not_upheld).is_ok());
    let with_ground = decision(DecisionOutcome::Refused, Some(RefusalGround::Exemption), Some("x"));
    assert_eq!(field(d(RequestKind::Complaint, with_ground)), "ground");
    // Grounds only on decisions.
    let stray = RequestEvent { ground: Some(RefusalGround::Exemption), ..ev(EventKind::ResponseSent, r) };
    assert_eq!(field(d(RequestKind::Access, stray)), "ground");
}

#[test]
fn every_rights_request_may_be_refused_as_manifestly_unfounded_and_has_grounds() {
    for k in RequestKind::ALL.iter().copied().filter(|k| *k != RequestKind::Complaint) {
        assert!(RefusalGround::ManifestlyUnfounded.applies_to(k), "{k}");
    }
    assert!(RefusalGround::for_kind(RequestKind::Complaint).is_empty());
    for g in RefusalGround::ALL {
        assert_eq!(g.as_str().parse::<RefusalGround>(), Ok(*g));
        assert!(g.citation().contains("Art") || g.citation().contains("DPA"));
    }
}
