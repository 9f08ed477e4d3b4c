//! Worked examples of the processors register's rules.

use super::*;
use jiff::civil::date;

fn event(event: SubProcessorConsentEvent, on: Date) -> ConsentEvent {
    ConsentEvent { event, on: Some(on), by: "Priya Shah, DPO".into(), document: String::new() }
}

fn hosting(consent: Vec<ConsentEvent>) -> SubProcessor {
    SubProcessor { name: "Cloudhost Ltd".into(), service: "Hosting".into(), country: "ie".into(), consent }
}

fn bureau() -> Processor {
    Processor {
        name: "Northgate Payroll Bureau".into(),
        services: "Payroll and pensions".into(),
        contract: Contract {
            signed_on: Some(date(2025, 4, 1)),
            expires_on: Some(date(2028, 3, 31)),
            document: "Contracts/Payroll-2025.pdf".into(),
            art28_terms: true,
            breach_notice_hours: Some(24),
        },
        review_on: Some(date(2026, 4, 1)),
        system_ids: vec!["sys-payroll".into()],
        sub_processors: vec![hosting(vec![
            event(SubProcessorConsentEvent::Asked, date(2025, 3, 1)),
            event(SubProcessorConsentEvent::Consented, date(2025, 3, 10)),
        ])],
        ..Processor::default()
    }
}

#[test]
fn a_processor_with_a_signed_art28_contract_and_an_authorised_sub_processor() {
    let p = bureau().validate().unwrap();
    assert_eq!(p.country, "GB", "the United Kingdom when none is given");
    assert_eq!(p.sub_processors[0].country, "IE");
    let d = p.derive(date(2026, 12, 7));
    assert_eq!(
        d,
        ProcessorDerived { review_overdue: true, contract_in_place: true, sub_processors_without_consent: vec![] }
    );
    assert!(!p.derive(date(2026, 4, 1)).review_overdue, "due on the day, overdue after it");
    assert_eq!(p.links().len(), 1);
    let read: Processor = serde_json::from_str(r#"{"name":"x"}"#).unwrap();
    assert_eq!(read.country, "GB");
}

#[test]
fn no_contract_without_the_art28_terms_before_signing_or_after_expiry() {
    let p = bureau();
    assert!(!p.derive(date(2025, 3, 31)).contract_in_place, "not yet signed");
    assert!(p.derive(date(2028, 3, 31)).contract_in_place, "in force on its last day");
    assert!(!p.derive(date(2028, 4, 1)).contract_in_place, "expired");
    let mut no_terms = p.clone();
    no_terms.contract.art28_terms = false;
    assert!(!no_terms.derive(date(2026, 12, 7)).contract_in_place);
    let unsigned = Processor { contract: Contract { signed_on: None, ..p.contract.clone() }, ..p };
    assert!(!unsigned.derive(date(2026, 12, 7)).contract_in_place);
}

#[test]
fn an_objection_after_consent_withdraws_it_and_none_recorded_is_no_consent() {
    let mut p = bureau();
    p.sub_processors[0].consent.push(event(SubProcessorConsentEvent::Objected, date(2026, 6, 1)));
    p.sub_processors.push(SubProcessor { name: "Mailer Inc".into(), ..SubProcessor::default() });
    let d = p.derive(date(2026, 12, 7));
    assert_eq!(d.sub_processors_without_consent, ["Cloudhost Ltd", "Mailer Inc"]);
}

#[test]
fn events_are_sorted_by_date_and_the_latest_decides() {
    let p = Processor {
        sub_processors: vec![hosting(vec![
            event(SubProcessorConsentEvent::Consented, date(2025, 3, 10)),
            event(SubProcessorConsentEvent::Asked, date(2025, 3, 1)),
        ])],
        ..bureau()
    };
    assert!(p.derive(date(2026, 12, 7)).sub_processors_without_consent.is_empty(), "latest by date, not by position");
    let v = p.validate().unwrap();
    let events: Vec<SubProcessorConsentEvent> = v.sub_processors[0].consent.iter().map(|c| c.event).collect();
    assert_eq!(events, [SubProcessorConsentEvent::Asked, SubProcessorConsentEvent::Consented]);
}

#[test]
fn an_undated_or_unsigned_event_and_a_repeated_sub_processor_are_refused_naming_art_28_2() {
    let mut p = bureau();
    p.sub_processors[0].consent[1].on = None;
    p.sub_processors[0].consent[0].by = " ".into();
    p.sub_processors.push(hosting(vec![]));
    let e = p.validate().unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["sub_processors[0].consent[0].by", "sub_processors[0].consent[1].on", "sub_processors[1].name"]
    );
    assert!(e[1].message.contains("Art 28(2)"), "{}", e[1].message);
}

#[test]
fn contract_dates_and_countries_are_checked() {
    let mut p = bureau();
    p.contract.expires_on = Some(date(2025, 1, 1));
    p.country = "XX".into();
    let e = p.validate().unwrap_err();
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["country", "contract.expires_on"]);
    assert!(serde_json::from_str::<ConsentEvent>(r#"{"event":"agreed","by":"x"}"#).is_err());
    assert!(serde_json::from_str::<Processor>(r#"{"name":"x","contract":{"signed":"2025-01-01"}}"#).is_err());
}
