//! Roles and the permissions each grants: the single place access decisions are made.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// What a user or API token is allowed to be, on the need-to-know principle
/// (UK GDPR Art 5(1)(f) and Art 32: access limited to those who need it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages users, tokens and settings; sees no subject's personal data.
    Admin,
    /// Data protection officer: everything, decides requests and breaches.
    Dpo,
    /// Works cases and the subjects in them.
    Caseworker,
    /// Logs requests, breaches and disclosures; sees only what they logged.
    Staff,
    /// Auditor or trustee: read-only registers, reports and the audit log; never personal data.
    Auditor,
}

/// One thing an actor may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read a subject's personal data.
    SubjectRead,
    /// Create a subject.
    SubjectCreate,
    /// Change a subject's personal data or links.
    SubjectUpdate,
    /// Erase a subject (crypto-shredding).
    SubjectErase,
    /// Read the audit log and verify it.
    AuditRead,
    /// Create and revoke API tokens and users.
    ManageAccess,
    /// Change organisation settings.
    ManageSettings,
    /// Read statistics that hold no personal data (counts).
    ReadStatistics,
    /// Give caseworkers access to subjects (assign their cases).
    AssignCases,
    /// Ask whether an email or phone is on the direct-marketing suppression list: one
    /// bit about an identifier the caller already holds.
    CheckSuppression,
    /// Add identifiers to the suppression list directly (an objection received by
    /// phone, say). Entries are never removed.
    ManageSuppression,
    /// See the register of systems and processors (names and contacts; no personal data).
    ReadRegisters,
    /// Add, change and retire systems and processors on the register.
    ManageRegisters,
    /// Place and lift legal holds, and lift restrictions of processing.
    ManageHolds,
    /// Edit the wording of the letters sent to requesters (DPO only: what the
    /// organisation tells people about their rights is the DPO's to decide).
    ManageLetters,
    /// Change the retention schedule and say who destroys a record that is due (DPO
    /// only: how long personal data is kept is the storage-limitation principle, UK
    /// GDPR Art 5(1)(e), whose compliance the DPO monitors, Art 39(1)(b)).
    ManageRetention,
    /// Change or reset the step lists rights requests follow (DPO only: how requests
    /// under UK GDPR Art 15–22 are handled is the DPO's to decide, Art 39(1)(b)).
    ManageChecklists,
    /// Report a personal data breach or near miss (anyone signed in: UK GDPR Art 33(5) needs
    /// every breach recorded, and staff are told to report at once).
    ReportBreach,
    /// Read the breach register and the DPIAs (counts and descriptions; no one's record).
    ReadIncidents,
    /// Assess breaches and decide on reporting them, approve disclosures made out of hours
    /// and sign off DPIAs (DPO only: UK GDPR Art 38(1), Art 39(1)(c)).
    ManageIncidents,
    /// Log and decide requests from third parties to disclose someone's data, for the
    /// people one may open (need to know).
    RecordDisclosures,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Permission; 21] = [
        Permission::SubjectRead,
        Permission::SubjectCreate,
        Permission::SubjectUpdate,
        Permission::SubjectErase,
        Permission::AuditRead,
        Permission::ManageAccess,
        Permission::ManageSettings,
        Permission::ReadStatistics,
        Permission::AssignCases,
        Permission::CheckSuppression,
        Permission::ManageSuppression,
        Permission::ReadRegisters,
        Permission::ManageRegisters,
        Permission::ManageHolds,
        Permission::ManageLetters,
        Permission::ManageRetention,
        Permission::ManageChecklists,
        Permission::ReportBreach,
        Permission::ReadIncidents,
        Permission::ManageIncidents,
        Permission::RecordDisclosures,
    ];

    /// The stable snake_case name, as written in the audit log (`subject_read`).
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::SubjectRead => "subject_read",
            Permission::SubjectCreate => "subject_create",
            Permission::SubjectUpdate => "subject_update",
            Permission::SubjectErase => "subject_erase",
            Permission::AuditRead => "audit_read",
            Permission::ManageAccess => "manage_access",
            Permission::ManageSettings => "manage_settings",
            Permission::ReadStatistics => "read_statistics",
            Permission::AssignCases => "assign_cases",
            Permission::CheckSuppression => "check_suppression",
            Permission::ManageSuppression => "manage_suppression",
            Permission::ReadRegisters => "read_registers",
            Permission::ManageRegisters => "manage_registers",
            Permission::ManageHolds => "manage_holds",
            Permission::ManageLetters => "manage_letters",
            Permission::ManageRetention => "manage_retention",
            Permission::ManageChecklists => "manage_checklists",
            Permission::ReportBreach => "report_breach",
            Permission::ReadIncidents => "read_incidents",
            Permission::ManageIncidents => "manage_incidents",
            Permission::RecordDisclosures => "record_disclosures",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Role {
    /// All roles.
    pub const ALL: [Role; 5] = [Role::Admin, Role::Dpo, Role::Caseworker, Role::Staff, Role::Auditor];

    /// The stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Dpo => "dpo",
            Role::Caseworker => "caseworker",
            Role::Staff => "staff",
            Role::Auditor => "auditor",
        }
    }

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Dpo => "Data protection officer",
            Role::Caseworker => "Caseworker",
            Role::Staff => "Staff",
            Role::Auditor => "Auditor or trustee",
        }
    }

    /// Whether this role grants `permission`.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Dpo => true,
            Role::Admin => {
                matches!(
                    permission,
                    AuditRead
                        | ManageAccess
                        | ManageSettings
                        | ReadStatistics
                        | CheckSuppression
                        | ReadRegisters
                        | ManageRegisters
                        | ReportBreach
                        | ReadIncidents
                )
            }
            Role::Caseworker => {
                matches!(
                    permission,
                    SubjectRead
                        | SubjectCreate
                        | SubjectUpdate
                        | ReadStatistics
                        | CheckSuppression
                        | ReadRegisters
                        | ReportBreach
                        | RecordDisclosures
                )
            }
            Role::Staff => matches!(permission, SubjectCreate | CheckSuppression | ReadRegisters | ReportBreach),
            Role::Auditor => matches!(permission, AuditRead | ReadStatistics | ReadRegisters | ReadIncidents),
        }
    }
}

impl Role {
    /// Whether someone with this role may hold or issue an API token acting with
    /// `token`: only when every permission of `token` is also one of theirs, so a token
    /// can never do more than the person it acts for (OWASP ASVS 5.0 V8.2.1; UK GDPR
    /// Art 32(4)). An administrator may therefore mint only administrator or auditor
    /// tokens, a caseworker only caseworker or staff tokens.
    pub fn may_issue_token(self, token: Role) -> bool {
        Permission::ALL.iter().all(|p| !token.can(*p) || self.can(*p))
    }

    /// Whether this role can ever be shown special-category data (UK GDPR Art 9, Art
    /// 10): only roles that see personal data case by case — the DPO and caseworkers —
    /// and then only with current data-protection training.
    pub fn may_see_special_category(self) -> bool {
        matches!(self, Role::Dpo | Role::Caseworker)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| CoreError::Unknown {
            kind: "role",
            value: s.to_string(),
            expected: "admin, dpo, caseworker, staff, auditor".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dpo_erases_and_auditor_never_reads_personal_data() {
        for role in Role::ALL {
            assert_eq!(role.can(Permission::SubjectErase), role == Role::Dpo);
        }
        assert!(!Role::Auditor.can(Permission::SubjectRead));
        assert!(!Role::Admin.can(Permission::SubjectRead));
        assert!(Role::Auditor.can(Permission::AuditRead));
    }

    #[test]
    fn suppression_checks_for_all_but_auditors_and_only_dpo_adds() {
        for role in Role::ALL {
            assert_eq!(role.can(Permission::CheckSuppression), role != Role::Auditor, "{role}");
            assert_eq!(role.can(Permission::ManageSuppression), role == Role::Dpo, "{role}");
        }
    }

    #[test]
    fn only_dpo_edits_letters() {
        for role in Role::ALL {
            assert_eq!(role.can(Permission::ManageLetters), role == Role::Dpo, "{role}");
        }
    }

    #[test]
    fn a_token_never_outranks_its_owner() {
        let issuable = |owner: Role| Role::ALL.into_iter().filter(|t| owner.may_issue_token(*t)).collect::<Vec<_>>();
        assert_eq!(issuable(Role::Dpo), Role::ALL.to_vec());
        assert_eq!(issuable(Role::Admin), [Role::Admin, Role::Auditor], "no personal data through an admin's token");
        assert_eq!(issuable(Role::Caseworker), [Role::Caseworker, Role::Staff]);
        assert_eq!(issuable(Role::Staff), [Role::Staff]);
        assert_eq!(issuable(Role::Auditor), [Role::Auditor]);
    }

    #[test]
    fn only_dpo_decides_retention_and_checklists() {
        for role in Role::ALL {
            assert_eq!(role.can(Permission::ManageRetention), role == Role::Dpo, "{role}");
            assert_eq!(role.can(Permission::ManageChecklists), role == Role::Dpo, "{role}");
        }
    }

    #[test]
    fn permission_names_are_distinct_snake_case() {
        let names: std::collections::BTreeSet<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(names.len(), Permission::ALL.len());
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert_eq!(Permission::SubjectRead.as_str(), "subject_read");
    }

    #[test]
    fn parses_every_role_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
