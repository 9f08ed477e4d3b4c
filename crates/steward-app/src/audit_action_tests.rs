//! Every audit action the application, the store and the command line record is an
//! [`Action`] with a plain-English label: the use cases can record only through
//! [`crate::App::event`] (which takes an [`Action`]) or a refusal, and these tests look
//! through the source for any action code written out by hand that the enum lacks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use steward_core::audit::{Action, Refusal, action_label};

/// Literals shaped like action codes that are not audit actions (setting keys, file
/// names), with what they are.
const NOT_ACTIONS: &[(&str, &str)] = &[
    ("retention.pending_recompute", "a setting key"),
    ("letter.pdf", "a file name in a test"),
    ("mail.mbox__a_b__x.docx", "a file name in a test"),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source files of the crates that write audit entries.
fn sources() -> Vec<(PathBuf, String)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for name in ["steward-app", "steward-store", "steward"] {
        rust_files(&crates.join(name).join("src"), &mut files);
    }
    assert!(files.len() > 20, "the sources were found");
    files.into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap())).collect()
}

/// The string literals on each line that look like an action code of a kind of object
/// Steward audits (`subject.create`): lower-case words joined by dots.
fn code_like_literals(text: &str) -> Vec<String> {
    let prefixes: Vec<&str> = Action::ALL.iter().filter_map(|a| a.as_str().split('.').next()).collect();
    let mut out = Vec::new();
    for line in text.lines() {
        for (i, piece) in line.split('"').enumerate() {
            let shaped = piece.contains('.')
                && piece.split('.').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            if i % 2 == 1 && shaped && piece.split('.').next().is_some_and(|p| prefixes.contains(&p)) {
                out.push(piece.to_string());
            }
        }
    }
    out
}

#[test]
fn every_action_code_in_the_source_is_a_labelled_action() {
    let mut unknown = Vec::new();
    for (path, text) in sources() {
        if path.ends_with("audit_action_tests.rs") {
            continue;
        }
        for code in code_like_literals(&text) {
            let refusal =
                Refusal::from_code(&code).is_some() && (code.contains(".denied_") || code.ends_with(".grant_dpo"));
            if Action::from_code(&code).is_none() && !refusal && !NOT_ACTIONS.iter().any(|(c, _)| *c == code) {
                unknown.push(format!("{}: {code}", path.display()));
            }
        }
    }
    assert!(unknown.is_empty(), "audit actions without an Action (add them to steward_core::audit): {unknown:#?}");
}

#[test]
fn the_store_records_only_actions_the_enum_knows() {
    let rekey = Action::from_code(steward_store::REKEY_ACTION).expect("the store's rekey action is an Action");
    assert_eq!(rekey, Action::AuditRekey);
    assert_eq!(action_label(steward_store::REKEY_ACTION, "success"), rekey.label());
}

#[test]
fn the_app_records_no_action_by_its_code() {
    // `Context::event` takes codes for tools and tests; the use cases go through
    // `App::event`, which takes an `Action`.
    let mut raw = Vec::new();
    for (path, text) in sources() {
        if path.ends_with("audit_action_tests.rs") {
            continue;
        }
        let squeezed: String = text.split_whitespace().collect();
        for marker in [".event(\"", "ctx.event(", "Context::system().event(", "Context::cli().event("] {
            if squeezed.contains(marker) {
                raw.push(format!("{}: {marker}", path.display()));
            }
        }
    }
    assert!(raw.is_empty(), "record use cases' actions with App::event: {raw:#?}");
}

#[test]
fn a_refusal_reads_as_what_was_tried() {
    let code = crate::denied_action("subject", steward_core::Permission::SubjectRead);
    assert_eq!(code, "subject.denied_subject_read");
    assert_eq!(action_label(&code, "denied"), "Was refused: tried to see someone's personal data");
}
