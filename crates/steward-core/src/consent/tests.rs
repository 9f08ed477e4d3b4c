//! Worked examples of the consent ledger's rules: a housing association's tenant newsletter
//! and a charity's fundraising calls (all fictional).

use super::*;
use jiff::civil::date;

fn purpose(purpose: &str, basis: &str, consent_purpose: &str) -> Purpose {
    Purpose {
        purpose: purpose.into(),
        lawful_basis: basis.into(),
        consent_purpose: consent_purpose.into(),
        ..Purpose::default()
    }
}

/// Tenant communications: the newsletter by email rests on consent, rent reminders on
/// the tenancy agreement.
fn communications() -> Activity {
    Activity {
        name: "Tenant communications".into(),
        purposes: vec![
            purpose("Sending the tenants' newsletter", "consent", "Newsletter by email"),
            purpose("Rent reminders", "contract", ""),
        ],
        ..Activity::default()
    }
}

/// Fundraising: a second activity relying on the same newsletter consent, and one of its own.
fn fundraising() -> Activity {
    Activity {
        name: "Fundraising".into(),
        purposes: vec![
            purpose("Appeals in the newsletter", "consent", "newsletter by email"),
            purpose("Telephone appeals", "consent", "Fundraising calls"),
        ],
        ..Activity::default()
    }
}

fn today() -> Date {
    date(2026, 12, 7)
}

/// Jane Smith ticked the (unticked) newsletter box on the online tenancy form.
fn jane() -> NewConsent {
    NewConsent {
        subject_id: "subject-1".into(),
        activity_id: "activity-1".into(),
        purpose: "Newsletter by email".into(),
        given_on: Some(date(2026, 11, 30)),
        method: Some(ConsentMethod::OnlineForm),
        evidence: "Online tenancy form, submission 4471, box ticked by the tenant".into(),
        wording: "Yes, send me the tenants' newsletter by email. I can stop it at any time.".into(),
        notice_id: Some(" notice-3 ".into()),
        renew_on: Some(date(2028, 11, 30)),
    }
}

fn fields(e: &[FieldError]) -> Vec<&str> {
    e.iter().map(|f| f.field.as_str()).collect()
}

#[test]
fn a_specific_consent_with_its_evidence_is_recorded_under_the_activitys_consent_purpose() {
    let v = jane().validate(today(), Some(&communications())).unwrap();
    assert_eq!(v.purpose, "Newsletter by email");
    assert_eq!(v.notice_id.as_deref(), Some("notice-3"));
    // Named by the purpose itself, in another case: the consent purpose is stored.
    let by_purpose = NewConsent { purpose: "sending the TENANTS' newsletter".into(), ..jane() };
    assert_eq!(by_purpose.validate(today(), Some(&communications())).unwrap().purpose, "Newsletter by email");
}

#[test]
fn consent_is_never_assumed_the_date_method_and_evidence_are_required() {
    let bare = NewConsent { given_on: None, method: None, evidence: "  ".into(), ..jane() };
    let e = bare.validate(today(), Some(&communications())).unwrap_err();
    assert_eq!(fields(&e), ["given_on", "method", "evidence"]);
    assert!(e[0].message.contains("Art 7(1)"), "{}", e[0].message);
    assert!(e[1].message.contains("Art 4(11)"), "{}", e[1].message);
    assert!(e[2].message.contains("never assumed"), "{}", e[2].message);
}

#[test]
fn consent_cannot_be_recorded_before_it_is_given() {
    let future = NewConsent { given_on: Some(date(2026, 12, 8)), renew_on: None, ..jane() };
    let e = future.validate(today(), Some(&communications())).unwrap_err();
    assert_eq!(fields(&e), ["given_on"]);
    // Today itself is fine.
    let now = NewConsent { given_on: Some(today()), ..jane() };
    assert!(now.validate(today(), Some(&communications())).is_ok());
}

#[test]
fn the_activity_must_be_in_use_and_the_purpose_must_rest_on_consent() {
    let e = jane().validate(today(), None).unwrap_err();
    assert_eq!(fields(&e), ["activity_id"]);

    // Rent reminders rest on the contract (Art 6(1)(b)): no consent is recorded for them.
    let contract = NewConsent { purpose: "Rent reminders".into(), ..jane() };
    let e = contract.validate(today(), Some(&communications())).unwrap_err();
    assert_eq!(fields(&e), ["purpose"]);
    assert!(
        e[0].message.contains("Contract (Art 6(1)(b))") && e[0].message.contains("Art 6(1)(a)"),
        "{}",
        e[0].message
    );

    // A purpose the activity does not have: the consent purposes it has are offered.
    let unknown = NewConsent { purpose: "Marketing partners".into(), ..jane() };
    let e = unknown.validate(today(), Some(&fundraising())).unwrap_err();
    assert!(e[0].message.contains("newsletter by email; Fundraising calls"), "{}", e[0].message);

    // An activity with no consent-based purpose at all.
    let none = Activity { purposes: vec![purpose("Rent reminders", "contract", "")], ..communications() };
    let e = jane().validate(today(), Some(&none)).unwrap_err();
    assert!(e[0].message.contains("has no purpose whose lawful basis is consent"), "{}", e[0].message);
}

#[test]
fn every_problem_is_reported_at_once_and_none_repeats_the_evidence() {
    let bad = NewConsent {
        subject_id: " ".into(),
        purpose: String::new(),
        evidence: "Signed\u{7}form".into(),
        renew_on: Some(date(2026, 1, 1)),
        ..jane()
    };
    let e = bad.validate(today(), Some(&communications())).unwrap_err();
    assert_eq!(fields(&e), ["subject_id", "purpose", "evidence", "renew_on"]);
    assert!(e.iter().all(|f| !f.message.contains("Signed")));
}

#[test]
fn withdrawal_needs_its_day_and_how_and_cannot_precede_the_consent() {
    let given = date(2026, 11, 30);
    let w = Withdrawal { on: Some(today()), method: Some(ConsentMethod::Email) };
    assert_eq!(w.validate(today(), given).unwrap(), (today(), ConsentMethod::Email));
    let e = Withdrawal::default().validate(today(), given).unwrap_err();
    assert_eq!(fields(&e), ["on", "method"]);
    assert!(e[0].message.contains("Art 7(3)"), "{}", e[0].message);
    let early = Withdrawal { on: Some(date(2026, 11, 29)), method: Some(ConsentMethod::Written) };
    assert_eq!(fields(&early.validate(today(), given).unwrap_err()), ["on"]);
    let future = Withdrawal { on: Some(date(2026, 12, 8)), method: Some(ConsentMethod::Written) };
    assert!(future.validate(today(), given).unwrap_err()[0].message.contains("future"));
}

#[test]
fn withdrawing_the_newsletter_consent_stops_every_purpose_that_relied_on_it() {
    let (c, f) = (communications(), fundraising());
    let activities = [("activity-1", &c), ("activity-2", &f)];
    let stopped = stopped_by("Newsletter by email", &activities, &[]);
    assert_eq!(
        stopped,
        [
            StoppedProcessing {
                activity_id: "activity-1".into(),
                activity_name: "Tenant communications".into(),
                purpose: "Sending the tenants' newsletter".into(),
                consent_purpose: "Newsletter by email".into(),
            },
            StoppedProcessing {
                activity_id: "activity-2".into(),
                activity_name: "Fundraising".into(),
                purpose: "Appeals in the newsletter".into(),
                consent_purpose: "newsletter by email".into(),
            },
        ]
    );
    // Rent reminders (contract) and telephone appeals (another consent) carry on.
    assert!(stopped.iter().all(|s| s.purpose != "Rent reminders" && s.purpose != "Telephone appeals"));
}

#[test]
fn an_activity_still_covered_by_another_consent_of_the_person_does_not_stop() {
    let (c, f) = (communications(), fundraising());
    let activities = [("activity-1", &c), ("activity-2", &f)];
    let held = [HeldConsent { activity_id: "activity-2", purpose: "Newsletter by email" }];
    let stopped = stopped_by("Newsletter by email", &activities, &held);
    assert_eq!(stopped.len(), 1);
    assert_eq!(stopped[0].activity_id, "activity-1");
    // A consent to another purpose covers nothing here.
    let other = [HeldConsent { activity_id: "activity-1", purpose: "Fundraising calls" }];
    assert_eq!(stopped_by("Newsletter by email", &activities, &other).len(), 2);
}

#[test]
fn renewal_is_due_the_day_after_the_renewal_date_unless_withdrawn() {
    let renew = Some(date(2026, 12, 6));
    assert!(renewal_overdue(today(), renew, false));
    assert!(!renewal_overdue(today(), Some(today()), false));
    assert!(!renewal_overdue(today(), renew, true));
    assert!(!renewal_overdue(today(), None, false));
}

#[test]
fn methods_have_codes_and_words() {
    for m in ConsentMethod::ALL {
        assert_eq!(ConsentMethod::parse(m.as_str()), Some(m));
        assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        assert!(!m.label().is_empty());
    }
    for m in NoticeMethod::ALL {
        assert_eq!(NoticeMethod::parse(m.as_str()), Some(m));
        assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
    }
    assert!(
        serde_json::from_str::<NewConsent>(r#"{"subject_id":"s","activity_id":"a","purpose":"p","method":"assumed"}"#)
            .is_err()
    );
    assert!(
        serde_json::from_str::<NewConsent>(
            r#"{"subject_id":"s","activity_id":"a","purpose":"p","given_on":"last Tuesday"}"#
        )
        .is_err()
    );
}

#[test]
fn a_notice_receipt_needs_the_notice_the_day_and_how() {
    let r = NewNoticeReceipt {
        notice_id: "notice-3".into(),
        received_on: Some(date(2026, 12, 1)),
        method: Some(NoticeMethod::Post),
    };
    assert_eq!(r.validate(today()).unwrap(), ("notice-3".into(), date(2026, 12, 1), NoticeMethod::Post));
    let e = NewNoticeReceipt::default().validate(today()).unwrap_err();
    assert_eq!(fields(&e), ["notice_id", "received_on", "method"]);
    let future = NewNoticeReceipt {
        notice_id: "n".into(),
        received_on: Some(date(2027, 1, 1)),
        method: Some(NoticeMethod::Email),
    };
    assert_eq!(fields(&future.validate(today()).unwrap_err()), ["received_on"]);
}
