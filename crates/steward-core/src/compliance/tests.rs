//! Worked examples of the compliance check: for each rule, a register with the gap (the
//! rule fires, naming the entry, the law and the fix) and the same register put right (the
//! rule is silent); and the order findings come in. All names are fictional.

use super::*;
use crate::register::activity::{Purpose, RecordKind, SpecialData};
use crate::register::entry::RegisterKind;
use crate::register::processor::{ConsentEvent, Contract, SubProcessor, SubProcessorConsentEvent};
use crate::register::transfer::TransferMechanism;
use jiff::civil::date;

fn today() -> Date {
    date(2026, 12, 7)
}

/// A complete activity of the housing association: nothing for any rule to find.
fn tenancy() -> Activity {
    Activity {
        name: "Tenancy management".into(),
        business_function: "Housing management".into(),
        subject_categories: vec!["Tenants".into()],
        data_categories: vec!["Contact details".into(), "Rent account".into()],
        recipients: vec!["Contractors doing repairs".into()],
        purposes: vec![Purpose {
            purpose: "Managing tenancies".into(),
            lawful_basis: "contract".into(),
            ..Purpose::default()
        }],
        system_ids: vec!["sys-housing".into()],
        retention_record_types: vec!["tenancy_file".into()],
        security_measures: "Role-based access; encrypted at rest".into(),
        ..Activity::default()
    }
}

/// An installation with a complete activity, its system and its record type.
fn base() -> ComplianceInput {
    let mut i = ComplianceInput::new(today());
    i.activities.push(InForce::new("act-1", tenancy(), today()));
    i.systems.push(SystemFact { id: "sys-housing".into(), name: "Housing management system".into() });
    i.retention_record_types.push("tenancy_file".into());
    i.subject_categories.push(CategoryCount { key: "tenant".into(), label: "Tenant".into(), count: 1200 });
    i
}

fn with_activity(a: Activity) -> ComplianceInput {
    let mut i = base();
    i.activities[0] = InForce::new("act-1", a, today());
    i
}

fn rules(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn a_complete_register_has_no_findings() {
    assert_eq!(check(&base()), vec![]);
    assert_eq!(check(&ComplianceInput::new(today())), vec![], "an empty installation");
}

#[test]
fn rule_names_are_the_published_ones_and_serialise_as_such() {
    for r in Rule::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), serde_json::Value::String(r.as_str().into()));
        assert!(!r.label().is_empty());
    }
    assert_eq!(Rule::Art9WithoutSchedule1.as_str(), "art9_without_schedule1");
    let mut sorted = Rule::ALL;
    sorted.sort();
    assert_eq!(sorted, Rule::ALL, "ALL is in listing order");
    assert_eq!(serde_json::to_value(Severity::Error).unwrap(), "error");
    assert_eq!(RegisterKind::Activity.as_str(), "activity");
}

// ---------------------------------------------------------------------------------
// Activities
// ---------------------------------------------------------------------------------

#[test]
fn activity_without_lawful_basis_fires_until_each_purpose_has_one() {
    let mut a = tenancy();
    a.purposes.push(Purpose {
        purpose: "Marketing new homes".into(),
        lawful_basis: String::new(),
        ..Purpose::default()
    });
    let f = activity_without_lawful_basis(&with_activity(a.clone()));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!((f[0].object_type.as_str(), f[0].object_id.as_str()), ("activity", "act-1"));
    assert!(
        f[0].message.contains("“Tenancy management”") && f[0].message.contains("“Marketing new homes”"),
        "{}",
        f[0].message
    );
    assert!(f[0].citation.contains("Art 6(1)"));
    assert!(f[0].fix.contains("lawful basis"));

    let none = Activity { purposes: vec![], ..tenancy() };
    assert!(
        activity_without_lawful_basis(&with_activity(none)).first().is_some_and(|f| f.message.contains("no purpose"))
    );
    let unknown = Activity {
        purposes: vec![Purpose { purpose: "x".into(), lawful_basis: "because".into(), ..Purpose::default() }],
        ..tenancy()
    };
    assert_eq!(activity_without_lawful_basis(&with_activity(unknown)).len(), 1);
    // A processor's record holds no basis: nothing to find.
    let processor = Activity { record: RecordKind::Processor, purposes: vec![], ..tenancy() };
    assert!(activity_without_lawful_basis(&with_activity(processor)).is_empty());

    a.purposes[1].lawful_basis = "legitimate_interests".into();
    assert!(activity_without_lawful_basis(&with_activity(a)).is_empty(), "fixed");
}

#[test]
fn activity_without_retention_fires_without_a_record_type_in_force() {
    let none = Activity { retention_record_types: vec![], ..tenancy() };
    let f = activity_without_retention(&with_activity(none));
    assert_eq!(rules(&f), ["activity_without_retention"]);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].citation.contains("Art 30(1)(f)") && f[0].citation.contains("Art 5(1)(e)"));
    let gone = Activity { retention_record_types: vec!["tenancy_file".into(), "old_type".into()], ..tenancy() };
    let f = activity_without_retention(&with_activity(gone));
    assert!(f[0].message.contains("a record type the retention schedule in force does not have"), "{}", f[0].message);
    assert!(!f[0].message.contains("old_type"), "no raw codes");
    assert!(activity_without_retention(&base()).is_empty(), "fixed");
}

#[test]
fn activity_without_system_fires_without_a_system_in_use() {
    let none = Activity { system_ids: vec![], ..tenancy() };
    let f = activity_without_system(&with_activity(none));
    assert_eq!(rules(&f), ["activity_without_system"]);
    assert!(f[0].message.contains("names no system"));
    let retired = Activity { system_ids: vec!["sys-old".into()], ..tenancy() };
    assert!(activity_without_system(&with_activity(retired))[0].message.contains("no longer in use"));
    assert!(activity_without_system(&base()).is_empty(), "fixed");
}

#[test]
fn required_column_empty_names_each_column_the_record_must_fill() {
    let gappy = Activity { recipients: vec![], security_measures: " ".into(), data_categories: vec![], ..tenancy() };
    let f = required_column_empty(&with_activity(gappy));
    let columns: Vec<&str> = f.iter().map(|f| f.citation.as_str()).collect();
    assert_eq!(columns, ["UK GDPR Art 30(1)(c)", "UK GDPR Art 30(1)(d)", "UK GDPR Art 30(1)(g)"]);
    assert!(f[0].message.contains("“Categories of personal data” (column 5 of the ICO template)"), "{}", f[0].message);
    assert!(f.iter().all(|f| f.severity == Severity::Warning && f.object_id == "act-1"));
    assert!(required_column_empty(&base()).is_empty(), "fixed");
}

#[test]
fn schedule1_processing_must_record_whether_the_policy_document_is_followed() {
    // Part 2 para 18 (safeguarding) needs an appropriate policy document, so column 29
    // is required, and column 30 when the answer is no (DPA 2018 Schedule 1 para 41(c)).
    let safeguarding = Activity {
        special_category: vec![SpecialData {
            category: "health".into(),
            art9_condition: "g".into(),
            schedule1_condition: "part2_para18".into(),
            policy_document: true,
        }],
        ..tenancy()
    };
    let f = required_column_empty(&with_activity(safeguarding.clone()));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].citation, "DPA 2018 Schedule 1 para 41(c)");
    assert!(f[0].message.contains("Retained and erased in accordance with the policy document?"), "{}", f[0].message);
    let not_kept = Activity { retained_per_policy: Some(false), ..safeguarding.clone() };
    assert!(required_column_empty(&with_activity(not_kept))[0].message.contains("Reasons for not adhering"));
    let done = Activity { retained_per_policy: Some(true), ..safeguarding };
    assert!(required_column_empty(&with_activity(done)).is_empty(), "fixed; the policy's link is not required");
    // Part 1 para 2 (health or social care) needs no policy document: nothing required.
    let health = Activity {
        special_category: vec![SpecialData {
            category: "health".into(),
            art9_condition: "h".into(),
            schedule1_condition: "part1_para2".into(),
            policy_document: false,
        }],
        ..tenancy()
    };
    assert!(required_column_empty(&with_activity(health)).is_empty());
}

#[test]
fn an_exceptional_transfer_needs_its_safeguards_in_the_record() {
    let mut i = with_activity(Activity { transfer_ids: vec!["tr-1".into()], ..tenancy() });
    let t = Transfer {
        destination_country: "BR".into(),
        recipient: "Overseas relative's solicitor".into(),
        mechanism: Some(TransferMechanism::Art49Derogation),
        derogation_reason: "Art 49(1)(e): legal claims".into(),
        ..Transfer::default()
    };
    i.transfers.push(InForce::new("tr-1", t, today()));
    let f = required_column_empty(&i);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("Safeguards for exceptional transfers"));
    i.activities[0].entry.exceptional_transfer_safeguards = "Sent encrypted; only what the claim needs".into();
    assert!(required_column_empty(&i).is_empty(), "fixed");
}

#[test]
fn a_processor_record_needs_its_controllers_processing_and_security() {
    let p = Activity {
        record: RecordKind::Processor,
        purposes: vec![],
        security_measures: String::new(),
        subject_categories: vec![],
        ..tenancy()
    };
    let f = required_column_empty(&with_activity(p.clone()));
    let cited: Vec<&str> = f.iter().map(|f| f.citation.as_str()).collect();
    assert_eq!(cited, ["UK GDPR Art 30(2)(a)", "UK GDPR Art 30(2)(b)", "UK GDPR Art 30(2)(d)"]);
    let fixed = Activity {
        processing_for: "Northgate Borough Council, data.protection@northgate.example".into(),
        purposes: vec![Purpose { purpose: "Repairs booking".into(), ..Purpose::default() }],
        security_measures: "Access logged".into(),
        ..p
    };
    assert!(required_column_empty(&with_activity(fixed)).is_empty());
}

#[test]
fn art9_without_schedule1_fires_for_each_kind_of_data_lacking_its_conditions() {
    let special = |category: &str, art9: &str, sch1: &str| SpecialData {
        category: category.into(),
        art9_condition: art9.into(),
        schedule1_condition: sch1.into(),
        policy_document: true,
    };
    let a = Activity {
        special_category: vec![
            special("health", "h", ""),
            special("religious_or_philosophical_beliefs", "", ""),
            special("criminal_offence", "", ""),
            special("sexual_orientation", "a", ""),
            special("racial_or_ethnic_origin", "g", "part3_para29"),
        ],
        ..tenancy()
    };
    let f = art9_without_schedule1(&with_activity(a));
    assert_eq!(f.len(), 4, "explicit consent (a) needs no Schedule 1 condition: {f:#?}");
    assert!(f.iter().all(|f| f.severity == Severity::Error));
    assert!(
        f[0].message.contains("Art 9(2)(h)")
            && f[0].message.contains("(Health)")
            && f[0].message.contains("Schedule 1")
    );
    assert!(f[0].citation.contains("s10(1)-(3)"));
    assert!(f[1].message.contains("without an Art 9(2) condition"));
    assert!(f[2].message.contains("criminal-offence data") && f[2].citation.contains("Art 10"));
    assert!(f[3].message.contains("Art 9(2)(g)"), "a Part 3 condition does not cover special-category data");

    let fixed = Activity {
        special_category: vec![
            special("health", "h", "part1_para2"),
            special("criminal_offence", "", "part3_para29"),
            special("sexual_orientation", "a", ""),
        ],
        ..tenancy()
    };
    assert!(art9_without_schedule1(&with_activity(fixed)).is_empty());
}

#[test]
fn subjects_without_activity_matches_words_in_either_number_and_case() {
    let mut i = base();
    i.subject_categories.push(CategoryCount {
        key: "former_tenant".into(),
        label: "Former tenant".into(),
        count: 1_000_000,
    });
    i.subject_categories.push(CategoryCount { key: "volunteer".into(), label: "Volunteer".into(), count: 0 });
    i.subject_categories.push(CategoryCount { key: "*".into(), label: "Everyone".into(), count: 1_001_200 });
    i.subject_categories.push(CategoryCount { key: "other".into(), label: "Other".into(), count: 12 });
    let f = subjects_without_activity(&i);
    assert_eq!(f.len(), 1, "nobody held as a volunteer; the total and “Other” are no category to record");
    assert_eq!((f[0].object_type.as_str(), f[0].object_id.as_str()), ("subject_category", "former_tenant"));
    assert!(f[0].message.starts_with("1,000,000 people are held as “Former tenant”"), "{}", f[0].message);
    i.activities[0].entry.subject_categories.push("FORMER TENANTS".into());
    assert!(subjects_without_activity(&i).is_empty(), "fixed: plural and capitals cover the category");
}

// ---------------------------------------------------------------------------------
// Other registers
// ---------------------------------------------------------------------------------

fn bureau(contract: Contract, sub: Vec<ConsentEvent>) -> Processor {
    Processor {
        name: "Northgate Payroll Bureau".into(),
        contract,
        sub_processors: vec![SubProcessor { name: "Cloudhost Ltd".into(), consent: sub, ..SubProcessor::default() }],
        ..Processor::default()
    }
}

fn signed() -> Contract {
    Contract { signed_on: Some(date(2025, 4, 1)), art28_terms: true, ..Contract::default() }
}

fn consented() -> Vec<ConsentEvent> {
    vec![ConsentEvent {
        event: SubProcessorConsentEvent::Consented,
        on: Some(date(2025, 3, 10)),
        by: "Priya Shah, DPO".into(),
        document: String::new(),
    }]
}

fn with_processor(p: Processor) -> ComplianceInput {
    let mut i = base();
    i.processors.push(InForce::new("proc-1", p, today()));
    i
}

#[test]
fn processor_without_contract_says_what_is_missing() {
    let f = processor_without_contract(&with_processor(bureau(Contract::default(), consented())));
    assert_eq!(rules(&f), ["processor_without_contract"]);
    assert_eq!(f[0].severity, Severity::Error);
    assert!(f[0].message.contains("no signed contract is recorded"), "{}", f[0].message);
    assert!(f[0].citation.contains("Art 28(3)"));
    let no_terms = Contract { art28_terms: false, expires_on: Some(date(2026, 3, 31)), ..signed() };
    let f = processor_without_contract(&with_processor(bureau(no_terms, consented())));
    assert!(f[0].message.contains("Art 28(3) requires, and its contract ended on 31 March 2026"), "{}", f[0].message);
    assert!(processor_without_contract(&with_processor(bureau(signed(), consented()))).is_empty(), "fixed");
}

#[test]
fn sub_processor_without_consent_fires_until_authorisation_is_recorded() {
    let asked = vec![ConsentEvent {
        event: SubProcessorConsentEvent::Asked,
        on: Some(date(2025, 3, 1)),
        ..consented()[0].clone()
    }];
    let f = sub_processor_without_consent(&with_processor(bureau(signed(), asked)));
    assert_eq!(rules(&f), ["sub_processor_without_consent"]);
    assert!(
        f[0].message.contains("“Cloudhost Ltd”") && f[0].message.contains("it was asked for, with no answer on record"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].citation, "UK GDPR Art 28(2)");
    assert!(
        sub_processor_without_consent(&with_processor(bureau(signed(), vec![])))[0]
            .message
            .contains("no written authorisation")
    );
    let mut withdrawn = consented();
    withdrawn.push(ConsentEvent {
        event: SubProcessorConsentEvent::Objected,
        on: Some(date(2026, 1, 5)),
        ..consented()[0].clone()
    });
    assert!(
        sub_processor_without_consent(&with_processor(bureau(signed(), withdrawn)))[0]
            .message
            .contains("though you objected to it")
    );
    assert!(sub_processor_without_consent(&with_processor(bureau(signed(), consented()))).is_empty(), "fixed");
}

fn with_transfer(t: Transfer) -> ComplianceInput {
    let mut i = base();
    i.transfers.push(InForce::new("tr-1", t, today()));
    i
}

#[test]
fn transfer_without_mechanism_fires_for_none_a_lost_adequacy_or_an_undocumented_derogation() {
    let t = Transfer { destination_country: "IN".into(), recipient: "Survey platform".into(), ..Transfer::default() };
    let f = transfer_without_mechanism(&with_transfer(t.clone()));
    assert_eq!(rules(&f), ["transfer_without_mechanism"]);
    assert!(f[0].message.contains("“Survey platform” in India with no transfer mechanism"), "{}", f[0].message);
    assert_eq!(f[0].severity, Severity::Error);
    let adequacy = Transfer { mechanism: Some(TransferMechanism::UkAdequacy), ..t.clone() };
    assert!(transfer_without_mechanism(&with_transfer(adequacy))[0].message.contains("not covered by UK adequacy"));
    let derogation = Transfer { mechanism: Some(TransferMechanism::Art49Derogation), ..t.clone() };
    assert!(transfer_without_mechanism(&with_transfer(derogation))[0].message.contains("Art 49 derogation"));
    let idta = Transfer { mechanism: Some(TransferMechanism::Idta), tra_on: Some(date(2026, 1, 1)), ..t };
    assert!(transfer_without_mechanism(&with_transfer(idta)).is_empty(), "fixed");
}

#[test]
fn sharing_review_overdue_fires_the_day_after_the_review_date() {
    let agreement = |review_on| SharingAgreement {
        title: "Anti-social behaviour protocol".into(),
        parties: vec!["Northshire Police".into()],
        purpose: "Tackling anti-social behaviour".into(),
        lawful_basis: "public_task".into(),
        review_on: Some(review_on),
        ..SharingAgreement::default()
    };
    let mut i = base();
    i.sharing_agreements.push(InForce::new("dsa-1", agreement(date(2026, 12, 6)), today()));
    let f = sharing_review_overdue(&i);
    assert_eq!(rules(&f), ["sharing_review_overdue"]);
    assert_eq!(
        f[0].message,
        "The data sharing agreement “Anti-social behaviour protocol” was due for review on 6 December 2026."
    );
    assert_eq!(f[0].severity, Severity::Warning);
    i.sharing_agreements[0] = InForce::new("dsa-1", agreement(today()), today());
    assert!(sharing_review_overdue(&i).is_empty(), "due today is not yet overdue");
}

#[test]
fn policy_review_overdue_fires_36_months_after_approval() {
    let policy = |approved_on| Policy {
        title: "Data protection policy".into(),
        approved_on: Some(approved_on),
        ..Policy::default()
    };
    let mut i = base();
    i.policies.push(InForce::new("pol-1", policy(date(2023, 12, 6)), today()));
    let f = policy_review_overdue(&i);
    assert_eq!(rules(&f), ["policy_review_overdue"]);
    assert!(f[0].message.contains("was due for review on 6 December 2026"), "{}", f[0].message);
    assert!(f[0].citation.contains("Art 24(1)"));
    i.policies[0] = InForce::new("pol-1", policy(date(2026, 6, 1)), today());
    assert!(policy_review_overdue(&i).is_empty(), "fixed by a new approval");
}

#[test]
fn consent_renewal_overdue_ignores_withdrawn_consents() {
    let mut i = base();
    let consent =
        |id: &str, renew_on, withdrawn| ConsentFact { id: id.into(), activity_id: "act-1".into(), renew_on, withdrawn };
    i.consents.push(consent("c-1", Some(date(2026, 11, 30)), false));
    i.consents.push(consent("c-2", Some(date(2026, 11, 30)), true));
    i.consents.push(consent("c-3", None, false));
    let f = consent_renewal_overdue(&i);
    assert_eq!(rules(&f), ["consent_renewal_overdue"]);
    assert_eq!((f[0].object_type.as_str(), f[0].object_id.as_str()), ("consent", "c-1"));
    assert_eq!(f[0].message, "A consent to “Tenancy management” was due for renewal on 30 November 2026.");
    i.consents[0].renew_on = Some(date(2027, 11, 30));
    assert!(consent_renewal_overdue(&i).is_empty(), "fixed by renewal");
}

fn course(user: &str, expires_on: Option<Date>, special: bool) -> Training {
    Training {
        user_id: user.into(),
        course: "Safeguarding data".into(),
        completed_on: Some(date(2025, 1, 1)),
        expires_on,
        special_category_access: special,
        ..Training::default()
    }
}

#[test]
fn training_lapsed_with_special_access_names_the_person() {
    let mut i = base();
    let dana =
        StaffFact { id: "u-dana".into(), name: "Dana Okafor".into(), training_valid_until: Some(date(2027, 1, 1)) };
    i.special_access_staff.push(dana.clone());
    i.training.push(InForce::new("tr-a", course("u-dana", Some(date(2026, 12, 1)), true), today()));
    i.training.push(InForce::new("tr-b", course("u-dana", Some(date(2030, 1, 1)), false), today()));
    let f = training_lapsed_with_special_access(&i);
    assert_eq!(rules(&f), ["training_lapsed_with_special_access"]);
    assert_eq!((f[0].object_type.as_str(), f[0].object_id.as_str()), ("training", "tr-a"), "the lapsed course");
    assert!(
        f[0].message
            .starts_with("Dana Okafor's data-protection training “Safeguarding data” lapsed on 1 December 2026"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].severity, Severity::Error);
    // Someone with the same lapsed course but no special-category role is not listed.
    i.training.push(InForce::new("tr-c", course("u-sam", Some(date(2026, 1, 1)), true), today()));
    assert_eq!(training_lapsed_with_special_access(&i).len(), 1);
    // A refresher fixes it.
    i.training.push(InForce::new("tr-d", course("u-dana", Some(date(2027, 12, 1)), true), today()));
    assert!(training_lapsed_with_special_access(&i).is_empty(), "fixed");
    // With no special-access course recorded, the date on the account counts.
    let mut j = base();
    j.special_access_staff.push(StaffFact { training_valid_until: Some(date(2026, 10, 31)), ..dana.clone() });
    let f = training_lapsed_with_special_access(&j);
    assert!(f[0].message.starts_with("Dana Okafor's data-protection training lapsed on 31 October 2026"));
    assert_eq!((f[0].object_type.as_str(), f[0].object_id.as_str()), ("user", "u-dana"));
    j.special_access_staff[0].training_valid_until = None;
    assert!(training_lapsed_with_special_access(&j).is_empty(), "never trained is not lapsed");
}

#[test]
fn ico_registration_due_warns_30_days_ahead_and_errs_once_passed() {
    let org = |renew_on| Organisation {
        name: "Northgate Housing Association".into(),
        ico_renewal_on: Some(renew_on),
        ..Organisation::default()
    };
    let mut i = base();
    i.organisations.push(InForce::new("org-1", org(date(2026, 12, 20)), today()));
    let f = ico_registration_due(&i);
    assert_eq!(rules(&f), ["ico_registration_due"]);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("due for renewal on 20 December 2026 (in 13 days)"), "{}", f[0].message);
    i.organisations[0] = InForce::new("org-1", org(date(2026, 12, 1)), today());
    assert_eq!(ico_registration_due(&i)[0].severity, Severity::Error);
    i.organisations[0] = InForce::new("org-1", org(date(2027, 12, 1)), today());
    assert!(ico_registration_due(&i).is_empty(), "fixed: the new renewal date");
}

// ---------------------------------------------------------------------------------
// The whole check
// ---------------------------------------------------------------------------------

#[test]
fn findings_come_errors_first_then_by_rule_and_are_counted() {
    let mut i = with_activity(Activity { system_ids: vec![], recipients: vec![], ..tenancy() });
    i.processors.push(InForce::new("proc-1", bureau(Contract::default(), vec![]), today()));
    i.policies.push(InForce::new(
        "pol-1",
        Policy { title: "Retention policy".into(), approved_on: Some(date(2020, 1, 1)), ..Policy::default() },
        today(),
    ));
    let f = check(&i);
    assert_eq!(
        rules(&f),
        [
            "processor_without_contract",
            "sub_processor_without_consent",
            "required_column_empty",
            "activity_without_system",
            "policy_review_overdue"
        ]
    );
    assert_eq!(counts(&f), (2, 3));
    let mut reversed = f.clone();
    reversed.reverse();
    sort(&mut reversed);
    assert_eq!(reversed, f, "deterministic");
    assert_eq!(check(&i), f, "the same input gives the same list");
}
