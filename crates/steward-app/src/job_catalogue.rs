//! The scheduled jobs by name, and what a run of one reports: shared by the scheduler
//! ([`crate::jobs`]) and the jobs it runs, so that neither needs the other's module.

/// The reminders job: emails assignees and DPOs about requests falling due.
pub const REMINDERS: &str = "reminders";

/// The daily disposal sweep's job name.
pub const DISPOSALS: &str = "disposals";

/// The daily audit-anchor job's name.
pub const AUDIT_ANCHOR: &str = "audit_anchor";

/// Every job, by name.
pub const JOBS: &[(&str, &str)] = &[
    (REMINDERS, "emails reminders of rights requests falling due or overdue"),
    (
        DISPOSALS,
        "finds records past their destroy-by date, stops those under a legal hold and lists the rest for disposal",
    ),
    (AUDIT_ANCHOR, "checks the audit log and emails its entry count and head hash to the address in the settings"),
];

/// What a job reports: counts by name, and a problem when it did not fully succeed.
#[derive(Debug, Clone, Default)]
pub struct JobReport {
    /// Counts (`emails`, `requests`, …).
    pub counts: Vec<(String, i64)>,
    /// Why the run failed, if it did (no personal data).
    pub problem: Option<String>,
}
