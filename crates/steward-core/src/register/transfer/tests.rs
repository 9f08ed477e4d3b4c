//! Worked examples of the international transfers register's rules.

use super::*;
use jiff::civil::date;

fn payroll_in(country: &str, mechanism: TransferMechanism) -> Transfer {
    Transfer {
        destination_country: country.into(),
        recipient: "Acme Payroll".into(),
        mechanism: Some(mechanism),
        activity_ids: vec!["act-payroll".into()],
        ..Transfer::default()
    }
}

#[test]
fn mechanisms_are_snake_case_codes() {
    let codes: Vec<String> = [
        TransferMechanism::UkAdequacy,
        TransferMechanism::Idta,
        TransferMechanism::UkAddendum,
        TransferMechanism::BindingCorporateRules,
        TransferMechanism::Art49Derogation,
    ]
    .iter()
    .map(|m| serde_json::to_string(m).unwrap())
    .collect();
    assert_eq!(
        codes,
        [r#""uk_adequacy""#, r#""idta""#, r#""uk_addendum""#, r#""binding_corporate_rules""#, r#""art49_derogation""#]
    );
}

#[test]
fn uk_adequacy_to_france_is_accepted_and_the_code_tidied() {
    let t = payroll_in(" fr ", TransferMechanism::UkAdequacy).validate().unwrap();
    assert_eq!(t.destination_country, "FR");
    assert_eq!(t.derive(date(2026, 12, 7)), TransferDerived { adequate: true, needs_tra: false });
}

#[test]
fn uk_adequacy_to_india_is_refused_naming_s17a_and_the_alternatives() {
    let e = payroll_in("IN", TransferMechanism::UkAdequacy).validate().unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].field, "mechanism");
    assert!(e[0].message.contains("DPA 2018 s17A"), "{}", e[0].message);
    assert!(e[0].message.contains("IDTA") && e[0].message.contains("Art 49"), "{}", e[0].message);
    assert!(!e[0].message.contains("IN "), "the value is never repeated");
}

#[test]
fn an_idta_to_india_needs_a_transfer_risk_assessment_until_one_is_dated() {
    let t = payroll_in("IN", TransferMechanism::Idta);
    assert!(t.clone().validate().is_ok());
    assert_eq!(t.derive(date(2026, 12, 7)), TransferDerived { adequate: false, needs_tra: true });
    let done = Transfer { tra_on: Some(date(2026, 11, 2)), ..t };
    assert!(!done.derive(date(2026, 12, 7)).needs_tra);
}

#[test]
fn the_united_states_is_adequate_only_in_part() {
    let t = payroll_in("US", TransferMechanism::UkAdequacy);
    assert!(t.clone().validate().is_ok());
    assert!(t.derive(date(2026, 12, 7)).adequate);
    let us = adequacy::find("US").unwrap();
    assert!(us.partial.unwrap().contains("UK Extension"));
}

#[test]
fn a_derogation_needs_its_reason_under_art_49() {
    let t = payroll_in("AU", TransferMechanism::Art49Derogation);
    let e = t.clone().validate().unwrap_err();
    assert_eq!(e[0].field, "derogation_reason");
    assert!(e[0].message.contains("Art 49(1)"), "{}", e[0].message);
    let t = Transfer { derogation_reason: "Art 49(1)(b): the tenant's own travel booking".into(), ..t };
    assert!(t.validate().is_ok());
}

#[test]
fn gb_an_unknown_code_and_a_blank_recipient_are_refused_together() {
    let e = Transfer { recipient: " ".into(), ..payroll_in("GB", TransferMechanism::Idta) }.validate().unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["destination_country", "recipient"]);
    assert!(e[0].message.contains("Chapter V"));
    let e = payroll_in("UK", TransferMechanism::UkAdequacy).validate().unwrap_err();
    assert_eq!(e.len(), 1, "an unknown code is not also refused as inadequate: {e:?}");
    assert!(e[0].message.contains("ISO 3166-1"));
    let e = payroll_in("", TransferMechanism::Idta).validate().unwrap_err();
    assert!(e[0].message.contains("Art 30(1)(e)"));
}

#[test]
fn links_name_the_processor_and_the_activities() {
    let t = Transfer { processor_id: "proc-1".into(), ..payroll_in("IN", TransferMechanism::Idta) };
    let l = t.links();
    assert_eq!(l.len(), 2);
    assert_eq!((l[0].field.as_str(), l[0].target), ("processor_id", LinkTarget::Register(RegisterKind::Processor)));
    assert_eq!((l[1].field.as_str(), l[1].target), ("activity_ids[0]", LinkTarget::Register(RegisterKind::Activity)));
    assert!(serde_json::from_str::<Transfer>(r#"{"destination_country":"IN","recipient":"x","sccs":true}"#).is_err());
}
