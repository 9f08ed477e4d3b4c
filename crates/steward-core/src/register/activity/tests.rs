//! Worked examples of the record of processing's rules.

use super::*;

fn housing() -> Activity {
    Activity {
        name: "Tenancy management".into(),
        business_function: "Housing management".into(),
        subject_categories: vec!["Tenants".into()],
        data_categories: vec!["Contact details".into()],
        purposes: vec![Purpose {
            purpose: "Managing tenancies".into(),
            lawful_basis: "contract".into(),
            ..Purpose::default()
        }],
        ..Activity::default()
    }
}

fn health(schedule1: &str) -> SpecialData {
    SpecialData {
        category: "health".into(),
        art9_condition: "h".into(),
        schedule1_condition: schedule1.into(),
        policy_document: false,
    }
}

#[test]
fn health_data_under_9_2_h_with_part1_para2_is_accepted() {
    let a = Activity { special_category: vec![health("part1_para2")], ..housing() };
    assert!(a.validate().is_ok());
}

#[test]
fn health_data_under_9_2_h_without_schedule1_is_refused_naming_schedule_1() {
    let a = Activity { special_category: vec![health("")], ..housing() };
    let e = a.validate().unwrap_err();
    assert_eq!(e[0].field, "special_category[0].schedule1_condition");
    assert!(e[0].message.contains("Schedule 1"), "{}", e[0].message);
}

#[test]
fn an_activity_whose_basis_is_not_yet_decided_is_recorded_as_it_is() {
    // The compliance check reports it (activity_without_lawful_basis); the register shows it.
    let a = Activity { purposes: vec![], ..housing() };
    assert!(a.clone().validate().is_ok());
    assert!(a.derive(jiff::civil::date(2026, 12, 7)).rights.iter().all(|r| *r != Right::WithdrawConsent));
    assert!(Activity { record: RecordKind::Processor, ..a }.validate().is_ok());
}

#[test]
fn rights_follow_the_bases() {
    let mut a = housing();
    assert!(a.derive(jiff::civil::date(2026, 12, 7)).rights.contains(&Right::Portability));
    a.purposes[0].lawful_basis = "legal_obligation".into();
    let r = a.derive(jiff::civil::date(2026, 12, 7)).rights;
    assert!(!r.contains(&Right::Erasure) && !r.contains(&Right::Portability));
}

#[test]
fn not_retained_per_policy_needs_a_reason() {
    let a = Activity { retained_per_policy: Some(false), ..housing() };
    assert_eq!(a.validate().unwrap_err()[0].field, "not_retained_reason");
}

#[test]
fn a_category_twice_is_refused_and_links_are_listed() {
    let a = Activity {
        special_category: vec![health("part1_para2"), health("part1_para2")],
        system_ids: vec!["s1".into()],
        retention_record_types: vec!["tenancy_file".into()],
        ..housing()
    };
    assert_eq!(a.links().len(), 2);
    assert_eq!(a.validate().unwrap_err()[0].field, "special_category[1].category");
}

#[test]
fn unknown_fields_and_bases_are_refused() {
    assert!(serde_json::from_str::<Activity>(r#"{"name":"x","colour":"red"}"#).is_err());
    let a = Activity {
        purposes: vec![Purpose { purpose: "x".into(), lawful_basis: "because".into(), ..Purpose::default() }],
        ..housing()
    };
    assert!(a.validate().unwrap_err()[0].message.contains("Art 6(1)"));
}
