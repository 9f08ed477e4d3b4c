//! Tests of the letters: every default template checks and renders.

use super::*;

#[test]
fn every_default_checks_and_renders() {
    for k in LetterKind::ALL {
        check_letter(k.default_text()).unwrap_or_else(|e| panic!("{k}: {e}"));
        let text = render_text(k.default_text(), &sample_values()).expect("renders");
        assert!(text.contains("Dear Jordan Sample,"), "{k}: {text}");
        assert!(text.contains("REQ-2026-000123"), "{k}");
        assert!(!text.contains("{{") && !text.contains("{%"), "{k}");
        assert_eq!(k.as_str().parse::<LetterKind>().ok(), Some(*k));
    }
    let refusal = render_text(REFUSAL, &sample_values()).expect("renders");
    for must in ["Wycliffe House", "SK9 5AF", "0303 123 1113", "ico.org.uk/make-a-complaint", "judicial remedy"] {
        assert!(refusal.contains(must), "{must}");
    }
    let ext = render_text(EXTENSION_NOTICE, &sample_values()).expect("renders");
    assert!(ext.contains("2 February 2027") && ext.contains("twelve years of records"));
}

#[test]
fn complaints_read_as_complaints() {
    let mut v = sample_values();
    v.insert("is_complaint", Value::from(true));
    v.insert("kind", Value::from(kind_words(RequestKind::Complaint)));
    let text = render_text(ACKNOWLEDGEMENT, &v).expect("renders");
    assert!(text.contains("outcome without undue delay"), "{text}");
    assert!(!text.contains("one month"));
}

#[test]
fn a_representative_is_not_addressed_by_the_subject_s_name() {
    let mut v = sample_values();
    v.insert("on_behalf", Value::from(true));
    let text = render_text(ACKNOWLEDGEMENT, &v).expect("renders");
    assert!(text.contains("Dear Sir or Madam,") && text.contains("About: Jordan Sample"), "{text}");
    assert!(!text.contains("12 Example Road"), "the subject's address is not the representative's");
}

#[test]
fn mistakes_are_refused_with_their_line() {
    let e = check_letter("Dear {{ requester_name }},\n\n{% if today %}\nno end").expect_err("syntax");
    assert!(e.message.contains("line"), "{}", e.message);
    let e = check_letter("Dear {{ requestor_name }},").expect_err("unknown");
    assert_eq!(e.field, "text");
    assert!(e.message.contains("requestor_name"), "{}", e.message);
    assert!(check_letter("   ").is_err());
    assert!(check_letter("{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}").is_err());
    assert!(check_letter("{{ requester_name.first }}").is_err(), "strict: no made-up attributes");
    assert!(check_letter(&"a".repeat(MAX_LETTER + 1)).is_err());
    assert!(check_letter("{{ today }} for {{ reference }}").is_ok());
    assert_eq!(letter_date(jiff::civil::date(2026, 11, 23)), "23 November 2026");
    // Letters are plain text: nothing is HTML-escaped here (pages escape on display).
    let mut v = sample_values();
    v.insert("requester_name", Value::from("Siobhán O'Brien & <Co>"));
    assert_eq!(render_text("{{ requester_name }}", &v).expect("renders"), "Siobhán O'Brien & <Co>");
}
