//! Every action Steward records in its audit log, with the code stored in each entry,
//! what it means in plain English, and the kind of object it acts on (the audit page
//! filters by it). Attempts refused for want of a permission are recorded under a code
//! built from the object type and the permission (see [`denied_code`]).
//!
//! The codes are stored in the hash-chained log, so they never change: a new action
//! gets a new code (UK GDPR Art 5(2) accountability needs old entries to stay readable).

use crate::role::Permission;
use serde::{Deserialize, Serialize};

/// Declares [`ObjectType`] from one table: variant, stored name, plain-English group.
macro_rules! object_types {
    ($($variant:ident => ($code:literal, $label:literal),)+) => {
        /// The kind of object an audit entry is about, by which the audit page filters.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ObjectType {
            $(#[doc = $label] $variant,)+
        }

        impl ObjectType {
            /// Every object type, in the order the audit page lists them.
            pub const ALL: &'static [ObjectType] = &[$(ObjectType::$variant,)+];

            /// The name stored in audit entries (`subject`, `retention_schedule`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ObjectType::$variant => $code,)+
                }
            }

            /// What entries of this type are about, in plain English, as a filter group
            /// (`Subjects`).
            pub fn label(self) -> &'static str {
                match self {
                    $(ObjectType::$variant => $label,)+
                }
            }
        }
    };
}

object_types! {
    Subject => ("subject", "Subjects"),
    Submission => ("submission", "Requests and complaints"),
    Request => ("request", "Rights requests"),
    User => ("user", "Users"),
    Token => ("token", "API tokens"),
    Settings => ("settings", "Settings"),
    Audit => ("audit", "Audit log"),
    Backup => ("backup", "Backups"),
    Stats => ("stats", "Statistics"),
    Statistics => ("statistics", "Statistics about requests"),
    System => ("system", "Systems"),
    Hold => ("hold", "Legal holds"),
    Record => ("record", "Records"),
    RetentionSchedule => ("retention_schedule", "Retention schedule"),
    Disposal => ("disposal", "Disposals"),
    Suppression => ("suppression", "Marketing suppression list"),
    Letter => ("letter", "Letters"),
    Checklist => ("checklist", "Request steps"),
    Job => ("job", "Scheduled jobs"),
    Organisation => ("organisation", "Organisations"),
    Activity => ("activity", "Record of processing"),
    Processor => ("processor", "Processors"),
    SharingAgreement => ("sharing_agreement", "Data sharing agreements"),
    Transfer => ("transfer", "International transfers"),
    Notice => ("notice", "Privacy notices"),
    Policy => ("policy", "Policies"),
    Training => ("training", "Training"),
    Consent => ("consent", "Consents"),
    Compliance => ("compliance", "Compliance check"),
    Breach => ("breach", "Breaches"),
    Disclosure => ("disclosure", "Disclosures to third parties"),
    Dpia => ("dpia", "Data protection impact assessments"),
}

impl ObjectType {
    /// The object type stored as `code`, if Steward records it.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == code)
    }
}

impl AsRef<str> for ObjectType {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for ObjectType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares [`Action`] from one table: variant, stored code, object type, label.
macro_rules! actions {
    ($($variant:ident => ($code:literal, $object:ident, $label:literal),)+) => {
        /// An action Steward records in its audit log.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Action {
            $(#[doc = $label] $variant,)+
        }

        impl Action {
            /// Every action, in the order the audit page lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            /// The code stored in audit entries, as `object.verb` (`subject.create`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $code,)+
                }
            }

            /// What the entry records, in plain English and the past tense
            /// (`Added a subject`).
            pub fn label(self) -> &'static str {
                match self {
                    $(Action::$variant => $label,)+
                }
            }

            /// The kind of object the action is recorded against.
            pub fn object_type(self) -> ObjectType {
                match self {
                    $(Action::$variant => ObjectType::$object,)+
                }
            }
        }
    };
}

actions! {
    SubjectCreate => ("subject.create", Subject, "Added a subject"),
    SubjectView => ("subject.view", Subject, "Viewed a subject"),
    SubjectViewName => ("subject.view_name", Subject, "Saw a linked person's name"),
    SubjectViewSpecialCategory =>
        ("subject.view_special_category", Subject, "Saw sensitive (special-category) data about a subject"),
    SubjectSpecialCategory =>
        ("subject.special_category", Subject, "Recorded sensitive (special-category) data about a subject"),
    SubjectNeedToKnow => ("subject.need_to_know", Subject, "Opened a subject outside their own cases"),
    SubjectSearch => ("subject.search", Subject, "Searched for subjects"),
    SubjectUpdate => ("subject.update", Subject, "Changed a subject"),
    SubjectLink => ("subject.link", Subject, "Linked two subjects"),
    SubjectUnlink => ("subject.unlink", Subject, "Removed a link between subjects"),
    SubjectAssign => ("subject.assign", Subject, "Gave someone a subject's case"),
    SubjectUnassign => ("subject.unassign", Subject, "Took a subject's case away from someone"),
    SubjectNoteAdd => ("subject.note_add", Subject, "Added a note about a subject"),
    SubjectNotesView => ("subject.notes_view", Subject, "Read the notes about a subject"),
    SubjectDocumentAdd => ("subject.document_add", Subject, "Added a document about a subject"),
    SubjectDocumentsView => ("subject.documents_view", Subject, "Listed the documents about a subject"),
    SubjectDocumentView => ("subject.document_view", Subject, "Opened a document about a subject"),
    SubjectCaseFileView => ("subject.case_file_view", Subject, "Viewed a subject's case file"),
    SubjectErase => ("subject.erase", Subject, "Erased a subject"),
    SubjectEraseReapplied => ("subject.erase_reapplied", Subject, "Erased a subject again after a restore"),
    RestrictionPlace => ("restriction.place", Subject, "Restricted the use of a subject's data"),
    RestrictionLift => ("restriction.lift", Subject, "Lifted a restriction on the use of a subject's data"),
    SuppressionAdd => ("suppression.add", Subject, "Added to the marketing suppression list"),
    SubmissionCreate => ("submission.create", Submission, "Received a request or complaint"),
    SubmissionView => ("submission.view", Submission, "Viewed a request or complaint"),
    SubmissionStatus => ("submission.status", Submission, "Changed the status of a request or complaint"),
    SubmissionAssign => ("submission.assign", Submission, "Gave someone a request or complaint"),
    SubmissionNeedToKnow =>
        ("submission.need_to_know", Submission, "Opened a request or complaint outside their own cases"),
    RequestCreate => ("request.create", Request, "Logged a rights request"),
    RequestView => ("request.view", Request, "Viewed a rights request"),
    RequestNeedToKnow => ("request.need_to_know", Request, "Opened a rights request outside their own cases"),
    RequestEvent => ("request.event", Request, "Recorded what happened on a rights request"),
    RequestAssign => ("request.assign", Request, "Gave someone a rights request"),
    RequestStep => ("request.step", Request, "Ticked or unticked a step of a rights request"),
    RequestSearch => ("request.search", Request, "Logged a search for a rights request"),
    RequestScan => ("request.scan", Request, "Scanned documents for a rights request"),
    RequestScanView => ("request.scan_view", Request, "Viewed what a scan of documents found"),
    RequestScanReview => ("request.scan_review", Request, "Reviewed what a scan of documents found"),
    RequestPackReviewView => ("request.pack_review_view", Request, "Viewed the review of a response pack"),
    RequestPackItemSet => ("request.pack_item_set", Request, "Decided how to release an item of a response pack"),
    RequestPackItemClear =>
        ("request.pack_item_clear", Request, "Undid a decision on an item of a response pack"),
    RequestPackBuild => ("request.pack_build", Request, "Made a response pack"),
    RequestPackDownload => ("request.pack_download", Request, "Downloaded a response pack"),
    LetterRender => ("letter.render", Request, "Wrote a letter for a rights request"),
    ErasureTasks => ("erasure.tasks", Request, "Listed the systems to erase someone from"),
    ErasureConfirm => ("erasure.confirm", Request, "Confirmed an erasure in a system"),
    ErasureCertificate => ("erasure.certificate", Request, "Produced an erasure certificate"),
    UserSetup => ("user.setup", User, "Set up Steward"),
    UserCreate => ("user.create", User, "Created a user account"),
    UserInvite => ("user.invite", User, "Invited a user"),
    UserAcceptInvite => ("user.accept_invite", User, "Accepted an invitation"),
    UserSignIn => ("user.sign_in", User, "Signed in"),
    UserSignOut => ("user.sign_out", User, "Signed out"),
    UserSignOutEverywhere => ("user.sign_out_everywhere", User, "Signed out everywhere"),
    UserEnrol2fa => ("user.enrol_2fa", User, "Set up two-factor sign-in"),
    UserReset2fa => ("user.reset_2fa", User, "Reset someone's two-factor sign-in"),
    UserSetRole => ("user.set_role", User, "Changed someone's role"),
    UserSetTraining => ("user.set_training", User, "Recorded someone's training date"),
    UserSetPassword => ("user.set_password", User, "Set someone's password"),
    UserUnlock => ("user.unlock", User, "Unlocked an account"),
    UserRevokeSessions => ("user.revoke_sessions", User, "Ended someone's sessions"),
    UserDisable => ("user.disable", User, "Disabled an account"),
    UserEnable => ("user.enable", User, "Enabled an account"),
    CalendarFeedCreate => ("calendar.feed_create", User, "Made a calendar feed of their deadlines"),
    CalendarFeedRevoke => ("calendar.feed_revoke", User, "Stopped a calendar feed of their deadlines"),
    CalendarFeed => ("calendar.feed", User, "A calendar app fetched someone's deadlines"),
    TokenCreate => ("token.create", Token, "Created an API token"),
    TokenRevoke => ("token.revoke", Token, "Revoked an API token"),
    SettingsUpdate => ("settings.update", Settings, "Changed settings"),
    MailTest => ("mail.test", Settings, "Sent a test email"),
    AuditVerify => ("audit.verify", Audit, "Checked the audit log"),
    AuditRekey =>
        ("audit.rekey", Audit, "Keyed the audit log (entries before it were written by an older Steward)"),
    BackupExport => ("backup.export", Backup, "Made a backup"),
    BackupRestore => ("backup.restore", Backup, "Restored a backup"),
    SystemCreate => ("system.create", System, "Added a system to the register"),
    SystemUpdate => ("system.update", System, "Changed a system in the register"),
    OrganisationCreate => ("organisation.create", Organisation, "Added an organisation"),
    OrganisationUpdate => ("organisation.update", Organisation, "Changed an organisation"),
    OrganisationRetire => ("organisation.retire", Organisation, "Retired an organisation"),
    ActivityCreate => ("activity.create", Activity, "Added a processing activity to the record"),
    ActivityUpdate => ("activity.update", Activity, "Changed a processing activity"),
    ActivityRetire => ("activity.retire", Activity, "Retired a processing activity"),
    RopaExport => ("activity.export", Activity, "Exported the record of processing"),
    RopaImport => ("activity.import", Activity, "Imported the record of processing"),
    ProcessorCreate => ("processor.create", Processor, "Added a processor"),
    ProcessorUpdate => ("processor.update", Processor, "Changed a processor"),
    ProcessorRetire => ("processor.retire", Processor, "Retired a processor"),
    SharingAgreementCreate => ("sharing_agreement.create", SharingAgreement, "Added a data sharing agreement"),
    SharingAgreementUpdate => ("sharing_agreement.update", SharingAgreement, "Changed a data sharing agreement"),
    SharingAgreementRetire => ("sharing_agreement.retire", SharingAgreement, "Ended a data sharing agreement"),
    TransferCreate => ("transfer.create", Transfer, "Added an international transfer"),
    TransferUpdate => ("transfer.update", Transfer, "Changed an international transfer"),
    TransferRetire => ("transfer.retire", Transfer, "Ended an international transfer"),
    NoticeCreate => ("notice.create", Notice, "Added a privacy notice version"),
    NoticeUpdate => ("notice.update", Notice, "Changed a privacy notice version"),
    NoticeRetire => ("notice.retire", Notice, "Withdrew a privacy notice version"),
    NoticeGiven => ("notice.given", Notice, "Recorded that a person received a privacy notice"),
    PolicyCreate => ("policy.create", Policy, "Added a policy"),
    PolicyUpdate => ("policy.update", Policy, "Changed a policy"),
    PolicyRetire => ("policy.retire", Policy, "Retired a policy"),
    TrainingCreate => ("training.create", Training, "Recorded training"),
    TrainingUpdate => ("training.update", Training, "Changed a training record"),
    TrainingRetire => ("training.retire", Training, "Removed a training record"),
    ConsentRecord => ("consent.record", Consent, "Recorded a person's consent"),
    ConsentWithdraw => ("consent.withdraw", Consent, "Recorded the withdrawal of a consent"),
    ConsentView => ("consent.view", Consent, "Viewed a person's consents"),
    ComplianceCheck => ("compliance.check", Compliance, "Ran the compliance check"),
    HoldPlace => ("hold.place", Hold, "Placed a legal hold"),
    HoldLift => ("hold.lift", Hold, "Lifted a legal hold"),
    RecordCreate => ("record.create", Record, "Added a record to the register"),
    RecordUpdate => ("record.update", Record, "Changed a record in the register"),
    RecordImport => ("record.import", Record, "Imported records into the register"),
    DocumentDestroyReapplied =>
        ("document.destroy_reapplied", Record, "Destroyed a document again after a restore"),
    RetentionScheduleSave => ("retention.schedule.save", RetentionSchedule, "Changed the retention schedule"),
    RetentionRecompute =>
        ("retention.recompute", RetentionSchedule, "Worked out records' destroy-by dates again"),
    DisposalSweep => ("disposal.sweep", Disposal, "Looked for records due for disposal"),
    DisposalDue => ("disposal.due", Disposal, "Listed a record for disposal"),
    DisposalHeld => ("disposal.held", Disposal, "Stopped a disposal because of a legal hold"),
    DisposalReleased => ("disposal.released", Disposal, "Let a disposal go ahead after a legal hold was lifted"),
    DisposalCancelled => ("disposal.cancelled", Disposal, "Cancelled a disposal no longer due"),
    DisposalAssign => ("disposal.assign", Disposal, "Gave someone a disposal"),
    DisposalApprove => ("disposal.approve", Disposal, "Approved a disposal"),
    DisposalDone => ("disposal.done", Disposal, "Recorded a disposal as done"),
    DisposalCertificate => ("disposal.certificate", Disposal, "Produced a disposal certificate"),
    LetterUpdate => ("letter.update", Letter, "Changed the wording of a letter"),
    ChecklistUpdate => ("checklist.update", Checklist, "Changed the steps requests follow"),
    ChecklistReset => ("checklist.reset", Checklist, "Put back the standard steps requests follow"),
    JobRun => ("job.run", Job, "Ran a scheduled job"),
    NoticeReceiptsView => ("notice.receipts_view", Notice, "Viewed which privacy notices a person received"),
    BreachCreate => ("breach.create", Breach, "Reported a breach"),
    BreachUpdate => ("breach.update", Breach, "Changed a breach record"),
    BreachRetire => ("breach.retire", Breach, "Withdrew a breach record made in error"),
    BreachReportExport => ("breach.report_export", Breach, "Exported a breach report for the ICO"),
    DisclosureCreate => ("disclosure.create", Disclosure, "Logged a request to disclose someone's data"),
    DisclosureUpdate => ("disclosure.update", Disclosure, "Changed a disclosure record"),
    DisclosureRetire => ("disclosure.retire", Disclosure, "Withdrew a disclosure record made in error"),
    DisclosureApprove => ("disclosure.approve", Disclosure, "Approved or rejected an out-of-hours disclosure"),
    DpiaCreate => ("dpia.create", Dpia, "Started a DPIA"),
    DpiaUpdate => ("dpia.update", Dpia, "Changed a DPIA"),
    DpiaRetire => ("dpia.retire", Dpia, "Retired a DPIA"),
    DpiaExport => ("dpia.export", Dpia, "Exported a DPIA"),
    SettingsIncidents => ("settings.incidents", Settings, "Changed the breach clock or working hours"),
}

impl Action {
    /// The action stored as `code`, if Steward records it (refusals excepted: see
    /// [`Refusal::from_code`]).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == code)
    }
}

impl AsRef<str> for Action {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The code of an attempt refused for want of `p` on an `object_type`:
/// `subject.denied_subject_read` (OWASP ASVS 5.0 V16.3.2: failed authorisation attempts
/// are logged).
pub fn denied_code(object_type: &str, p: Permission) -> String {
    format!("{object_type}.denied_{}", p.as_str())
}

/// The code of an attempt to give or touch a data protection officer's rights by
/// someone who is not one: `user.grant_dpo`.
pub fn grant_dpo_code(object_type: &str) -> String {
    format!("{object_type}.{GRANT_DPO}")
}

/// The verb of [`grant_dpo_code`].
const GRANT_DPO: &str = "grant_dpo";

/// Why an attempt was refused, as recorded: for want of a permission, or because only a
/// data protection officer may give or change a data protection officer's rights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The actor's role lacks the permission (`<object type>.denied_<permission>`).
    Permission(Permission),
    /// Only a DPO may grant or touch a DPO's rights (`<object type>.grant_dpo`).
    GrantDpo,
}

impl Refusal {
    /// The code stored for this refusal on an `object_type`.
    pub fn code(self, object_type: &str) -> String {
        match self {
            Refusal::Permission(p) => denied_code(object_type, p),
            Refusal::GrantDpo => grant_dpo_code(object_type),
        }
    }

    /// The refusal a stored code records, if it records one: `denied_subject_read`, or
    /// the older form without separators (`subjectread`) that entries written before
    /// the names were stable carry, after the object type.
    pub fn from_code(code: &str) -> Option<Self> {
        let verb = code.rsplit('.').next().unwrap_or("");
        if verb == GRANT_DPO {
            return Some(Refusal::GrantDpo);
        }
        let name = verb.strip_prefix("denied_").unwrap_or(verb);
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == name || p.as_str().replace('_', "") == name)
            .map(Refusal::Permission)
    }

    /// What the refused actor was trying to do, in plain English.
    pub fn label(self) -> String {
        match self {
            Refusal::Permission(p) => format!("Was refused: tried to {}", refused(p)),
            Refusal::GrantDpo => "Was refused: tried to give or change a data protection officer's rights".into(),
        }
    }
}

/// What someone refused for want of `p` was trying to do, in plain English.
pub fn refused(p: Permission) -> &'static str {
    match p {
        Permission::SubjectRead => "see someone's personal data",
        Permission::SubjectCreate => "add a subject or log a request",
        Permission::SubjectUpdate => "change a subject or a request",
        Permission::SubjectErase => "erase a subject",
        Permission::AuditRead => "read the audit log",
        Permission::ManageAccess => "manage users or API tokens",
        Permission::ManageSettings => "change settings",
        Permission::ReadStatistics => "read statistics",
        Permission::AssignCases => "give someone a case",
        Permission::CheckSuppression => "check the marketing suppression list",
        Permission::ManageSuppression => "add to the marketing suppression list",
        Permission::ReadRegisters => "read the registers of systems and records",
        Permission::ManageRegisters => "change the registers of systems and records",
        Permission::ManageHolds => "place or lift a legal hold or a restriction",
        Permission::ManageLetters => "change the wording of letters",
        Permission::ManageRetention => "change the retention schedule or assign a disposal",
        Permission::ManageChecklists => "change the steps requests follow",
        Permission::ReportBreach => "report a breach",
        Permission::ReadIncidents => "read the breach register or the DPIAs",
        Permission::ManageIncidents => "assess a breach, approve a disclosure or sign off a DPIA",
        Permission::RecordDisclosures => "see or log a request to disclose someone's data",
    }
}

/// What an audit entry records, in plain English, from its stored action code and
/// outcome (`success`, `denied`, `failure`). Unknown actions are shown as they are
/// (they are fixed names, never personal data).
pub fn action_label(code: &str, outcome: &str) -> String {
    if code == Action::UserSignIn.as_str() && outcome == "denied" {
        return "Failed to sign in".into();
    }
    match (Action::from_code(code).map(Action::label), outcome) {
        (Some(l), "success") => l.to_string(),
        (Some(l), "failure") => format!("{l} (failed)"),
        (Some(l), _) => format!("{l} (refused)"),
        (None, "denied") => match Refusal::from_code(code) {
            Some(r) => r.label(),
            None => "Was refused: tried to do something their role does not allow".to_string(),
        },
        (None, "failure") => format!("{code} (failed)"),
        (None, _) => code.to_string(),
    }
}

#[cfg(test)]
#[path = "action_tests.rs"]
mod tests;

/// What was done to a versioned register entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterChange {
    /// Added.
    Create,
    /// Changed.
    Update,
    /// Retired (kept for history).
    Retire,
}

impl Action {
    /// The action recording `change` to an entry of the versioned register `kind`.
    pub fn for_register(kind: crate::register::entry::RegisterKind, change: RegisterChange) -> Action {
        use crate::register::entry::RegisterKind as K;
        use RegisterChange as C;
        match (kind, change) {
            (K::Organisation, C::Create) => Action::OrganisationCreate,
            (K::Organisation, C::Update) => Action::OrganisationUpdate,
            (K::Organisation, C::Retire) => Action::OrganisationRetire,
            (K::Activity, C::Create) => Action::ActivityCreate,
            (K::Activity, C::Update) => Action::ActivityUpdate,
            (K::Activity, C::Retire) => Action::ActivityRetire,
            (K::Processor, C::Create) => Action::ProcessorCreate,
            (K::Processor, C::Update) => Action::ProcessorUpdate,
            (K::Processor, C::Retire) => Action::ProcessorRetire,
            (K::SharingAgreement, C::Create) => Action::SharingAgreementCreate,
            (K::SharingAgreement, C::Update) => Action::SharingAgreementUpdate,
            (K::SharingAgreement, C::Retire) => Action::SharingAgreementRetire,
            (K::Transfer, C::Create) => Action::TransferCreate,
            (K::Transfer, C::Update) => Action::TransferUpdate,
            (K::Transfer, C::Retire) => Action::TransferRetire,
            (K::Notice, C::Create) => Action::NoticeCreate,
            (K::Notice, C::Update) => Action::NoticeUpdate,
            (K::Notice, C::Retire) => Action::NoticeRetire,
            (K::Policy, C::Create) => Action::PolicyCreate,
            (K::Policy, C::Update) => Action::PolicyUpdate,
            (K::Policy, C::Retire) => Action::PolicyRetire,
            (K::Training, C::Create) => Action::TrainingCreate,
            (K::Training, C::Update) => Action::TrainingUpdate,
            (K::Training, C::Retire) => Action::TrainingRetire,
            (K::Breach, C::Create) => Action::BreachCreate,
            (K::Breach, C::Update) => Action::BreachUpdate,
            (K::Breach, C::Retire) => Action::BreachRetire,
            (K::Disclosure, C::Create) => Action::DisclosureCreate,
            (K::Disclosure, C::Update) => Action::DisclosureUpdate,
            (K::Disclosure, C::Retire) => Action::DisclosureRetire,
            (K::Dpia, C::Create) => Action::DpiaCreate,
            (K::Dpia, C::Update) => Action::DpiaUpdate,
            (K::Dpia, C::Retire) => Action::DpiaRetire,
        }
    }
}
