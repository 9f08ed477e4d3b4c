//! Tests of the audit actions: codes, labels, object types and the plain-English
//! wording of stored entries.

use super::*;
use std::collections::HashSet;

/// Each variant's place in [`Action::ALL`]: a variant added to the enum but not here
/// fails to compile, and one missing from `ALL` fails [`all_lists_every_action`].
fn position(a: Action) -> usize {
    match a {
        Action::SubjectCreate => 0,
        Action::SubjectView => 1,
        Action::SubjectViewName => 2,
        Action::SubjectViewSpecialCategory => 3,
        Action::SubjectSpecialCategory => 4,
        Action::SubjectNeedToKnow => 5,
        Action::SubjectSearch => 6,
        Action::SubjectUpdate => 7,
        Action::SubjectLink => 8,
        Action::SubjectUnlink => 9,
        Action::SubjectAssign => 10,
        Action::SubjectUnassign => 11,
        Action::SubjectNoteAdd => 12,
        Action::SubjectNotesView => 13,
        Action::SubjectDocumentAdd => 14,
        Action::SubjectDocumentsView => 15,
        Action::SubjectDocumentView => 16,
        Action::SubjectCaseFileView => 17,
        Action::SubjectErase => 18,
        Action::SubjectEraseReapplied => 19,
        Action::RestrictionPlace => 20,
        Action::RestrictionLift => 21,
        Action::SuppressionAdd => 22,
        Action::SubmissionCreate => 23,
        Action::SubmissionView => 24,
        Action::SubmissionStatus => 25,
        Action::SubmissionAssign => 26,
        Action::SubmissionNeedToKnow => 27,
        Action::RequestCreate => 28,
        Action::RequestView => 29,
        Action::RequestNeedToKnow => 30,
        Action::RequestEvent => 31,
        Action::RequestAssign => 32,
        Action::RequestStep => 33,
        Action::RequestSearch => 34,
        Action::RequestScan => 35,
        Action::RequestScanView => 36,
        Action::RequestScanReview => 37,
        Action::RequestPackReviewView => 38,
        Action::RequestPackItemSet => 39,
        Action::RequestPackItemClear => 40,
        Action::RequestPackBuild => 41,
        Action::RequestPackDownload => 42,
        Action::LetterRender => 43,
        Action::ErasureTasks => 44,
        Action::ErasureConfirm => 45,
        Action::ErasureCertificate => 46,
        Action::UserSetup => 47,
        Action::UserCreate => 48,
        Action::UserInvite => 49,
        Action::UserAcceptInvite => 50,
        Action::UserSignIn => 51,
        Action::UserSignOut => 52,
        Action::UserSignOutEverywhere => 53,
        Action::UserEnrol2fa => 54,
        Action::UserReset2fa => 55,
        Action::UserSetRole => 56,
        Action::UserSetTraining => 57,
        Action::UserSetPassword => 58,
        Action::UserUnlock => 59,
        Action::UserRevokeSessions => 60,
        Action::UserDisable => 61,
        Action::UserEnable => 62,
        Action::CalendarFeedCreate => 63,
        Action::CalendarFeedRevoke => 64,
        Action::CalendarFeed => 65,
        Action::TokenCreate => 66,
        Action::TokenRevoke => 67,
        Action::SettingsUpdate => 68,
        Action::MailTest => 69,
        Action::AuditVerify => 70,
        Action::AuditRekey => 71,
        Action::BackupExport => 72,
        Action::BackupRestore => 73,
        Action::SystemCreate => 74,
        Action::SystemUpdate => 75,
        Action::OrganisationCreate => 76,
        Action::OrganisationUpdate => 77,
        Action::OrganisationRetire => 78,
        Action::ActivityCreate => 79,
        Action::ActivityUpdate => 80,
        Action::ActivityRetire => 81,
        Action::RopaExport => 82,
        Action::RopaImport => 83,
        Action::ProcessorCreate => 84,
        Action::ProcessorUpdate => 85,
        Action::ProcessorRetire => 86,
        Action::SharingAgreementCreate => 87,
        Action::SharingAgreementUpdate => 88,
        Action::SharingAgreementRetire => 89,
        Action::TransferCreate => 90,
        Action::TransferUpdate => 91,
        Action::TransferRetire => 92,
        Action::NoticeCreate => 93,
        Action::NoticeUpdate => 94,
        Action::NoticeRetire => 95,
        Action::NoticeGiven => 96,
        Action::PolicyCreate => 97,
        Action::PolicyUpdate => 98,
        Action::PolicyRetire => 99,
        Action::TrainingCreate => 100,
        Action::TrainingUpdate => 101,
        Action::TrainingRetire => 102,
        Action::ConsentRecord => 103,
        Action::ConsentWithdraw => 104,
        Action::ConsentView => 105,
        Action::ComplianceCheck => 106,
        Action::HoldPlace => 107,
        Action::HoldLift => 108,
        Action::RecordCreate => 109,
        Action::RecordUpdate => 110,
        Action::RecordImport => 111,
        Action::DocumentDestroyReapplied => 112,
        Action::RetentionScheduleSave => 113,
        Action::RetentionRecompute => 114,
        Action::DisposalSweep => 115,
        Action::DisposalDue => 116,
        Action::DisposalHeld => 117,
        Action::DisposalReleased => 118,
        Action::DisposalCancelled => 119,
        Action::DisposalAssign => 120,
        Action::DisposalApprove => 121,
        Action::DisposalDone => 122,
        Action::DisposalCertificate => 123,
        Action::LetterUpdate => 124,
        Action::ChecklistUpdate => 125,
        Action::ChecklistReset => 126,
        Action::JobRun => 127,
        Action::NoticeReceiptsView => 128,
        Action::BreachCreate => 129,
        Action::BreachUpdate => 130,
        Action::BreachRetire => 131,
        Action::BreachReportExport => 132,
        Action::DisclosureCreate => 133,
        Action::DisclosureUpdate => 134,
        Action::DisclosureRetire => 135,
        Action::DisclosureApprove => 136,
        Action::DpiaCreate => 137,
        Action::DpiaUpdate => 138,
        Action::DpiaRetire => 139,
        Action::DpiaExport => 140,
        Action::SettingsIncidents => 141,
    }
}

#[test]
fn all_lists_every_action() {
    let listed: Vec<usize> = Action::ALL.iter().map(|a| position(*a)).collect();
    let expected: Vec<usize> = (0..142).collect();
    assert_eq!(listed, expected, "Action::ALL lists every variant once, in order");
}

#[test]
fn every_action_has_a_unique_code_of_the_form_object_verb_and_a_label() {
    let mut codes = HashSet::new();
    for a in Action::ALL {
        let code = a.as_str();
        assert!(codes.insert(code), "{code} is used twice");
        let (object, verb) = code.split_once('.').unwrap_or(("", ""));
        assert!(!object.is_empty() && !verb.is_empty(), "{code} is object.verb");
        assert!(
            code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'),
            "{code} is lower case"
        );
        assert!(!code.contains(".denied_") && !code.ends_with(".grant_dpo"), "{code} is not a refusal code");
        let label = a.label();
        assert!(!label.trim().is_empty(), "{code} has a label");
        assert!(label.starts_with(|c: char| c.is_ascii_uppercase()), "{label} starts with a capital");
        assert!(!label.ends_with('.'), "{label} has no full stop");
        assert_eq!(Action::from_code(code), Some(*a));
        assert!(ObjectType::ALL.contains(&a.object_type()));
    }
    assert_eq!(Action::from_code("subject.nonsense"), None);
}

#[test]
fn every_object_type_has_a_unique_name_and_a_group_label() {
    let mut names = HashSet::new();
    let mut labels = HashSet::new();
    for t in ObjectType::ALL {
        assert!(names.insert(t.as_str()), "{t} is listed once");
        assert!(!t.label().trim().is_empty(), "{t} has a group label");
        assert!(labels.insert(t.label()), "{t}'s label is its own");
        assert_eq!(ObjectType::from_code(t.as_str()), Some(*t));
    }
}

#[test]
fn labels_keep_the_wording_the_audit_page_has_shown() {
    let shown = [
        ("subject.create", "Added a subject"),
        ("subject.view", "Viewed a subject"),
        ("subject.view_name", "Saw a linked person's name"),
        ("subject.search", "Searched for subjects"),
        ("subject.update", "Changed a subject"),
        ("subject.link", "Linked two subjects"),
        ("subject.unlink", "Removed a link between subjects"),
        ("subject.erase", "Erased a subject"),
        ("subject.erase_reapplied", "Erased a subject again after a restore"),
        ("submission.create", "Received a request or complaint"),
        ("submission.view", "Viewed a request or complaint"),
        ("submission.status", "Changed the status of a request or complaint"),
        ("user.setup", "Set up Steward"),
        ("user.create", "Created a user account"),
        ("user.invite", "Invited a user"),
        ("user.accept_invite", "Accepted an invitation"),
        ("user.sign_in", "Signed in"),
        ("user.sign_out", "Signed out"),
        ("user.sign_out_everywhere", "Signed out everywhere"),
        ("user.enrol_2fa", "Set up two-factor sign-in"),
        ("user.reset_2fa", "Reset someone's two-factor sign-in"),
        ("user.set_role", "Changed someone's role"),
        ("user.set_training", "Recorded someone's training date"),
        ("user.set_password", "Set someone's password"),
        ("user.unlock", "Unlocked an account"),
        ("user.revoke_sessions", "Ended someone's sessions"),
        ("user.disable", "Disabled an account"),
        ("user.enable", "Enabled an account"),
        ("token.create", "Created an API token"),
        ("token.revoke", "Revoked an API token"),
        ("settings.update", "Changed settings"),
        ("audit.verify", "Checked the audit log"),
        ("audit.rekey", "Keyed the audit log (entries before it were written by an older Steward)"),
        ("backup.export", "Made a backup"),
        ("backup.restore", "Restored a backup"),
    ];
    for (code, label) in shown {
        assert_eq!(Action::from_code(code).map(Action::label), Some(label), "{code}");
    }
    let groups = [
        ("subject", "Subjects"),
        ("submission", "Requests and complaints"),
        ("user", "Users"),
        ("token", "API tokens"),
        ("settings", "Settings"),
        ("audit", "Audit log"),
        ("backup", "Backups"),
        ("stats", "Statistics"),
    ];
    for (code, label) in groups {
        assert_eq!(ObjectType::from_code(code).map(ObjectType::label), Some(label), "{code}");
    }
}

#[test]
fn entries_read_in_plain_english_by_outcome() {
    assert_eq!(action_label("subject.create", "success"), "Added a subject");
    assert_eq!(action_label("mail.test", "failure"), "Sent a test email (failed)");
    assert_eq!(action_label("token.create", "denied"), "Created an API token (refused)");
    assert_eq!(action_label("user.sign_in", "denied"), "Failed to sign in");
    assert_eq!(action_label("user.sign_in", "success"), "Signed in");
    assert_eq!(action_label("something.else", "success"), "something.else");
    assert_eq!(action_label("something.else", "failure"), "something.else (failed)");
}

#[test]
fn refusals_name_what_was_tried_in_every_form_they_were_stored() {
    for p in Permission::ALL {
        let code = denied_code("subject", p);
        assert_eq!(Refusal::from_code(&code), Some(Refusal::Permission(p)));
        assert_eq!(Refusal::Permission(p).code("subject"), code);
        assert_eq!(action_label(&code, "denied"), format!("Was refused: tried to {}", refused(p)));
        // Entries from before the names were stable carry no separators.
        let old = format!("subject.{}", p.as_str().replace('_', ""));
        assert_eq!(action_label(&old, "denied"), format!("Was refused: tried to {}", refused(p)));
        assert!(!refused(p).is_empty());
    }
    assert_eq!(denied_code("subject", Permission::SubjectRead), "subject.denied_subject_read");
    assert_eq!(grant_dpo_code("user"), "user.grant_dpo");
    assert_eq!(
        action_label("user.grant_dpo", "denied"),
        "Was refused: tried to give or change a data protection officer's rights"
    );
    assert_eq!(action_label("user.whatever", "denied"), "Was refused: tried to do something their role does not allow");
}
