//! The compliance check's use cases: gather what the check looks at (every register in
//! force today, the systems in use, the retention schedule in force, how many people are
//! held in each category, the staff with special-category access) and run the rules of
//! `steward_core::compliance` over it; and the training register's say over who may see
//! special-category data, decided here for people and API tokens alike.
//!
//! Sources: UK GDPR Art 5(2) and Art 24(1) (accountability: find the gaps and put them
//! right), Art 30, Art 32(4) and Art 39(1)(b) (training before access to special-category
//! data); the rules cite their own.

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::compliance::{
    self, CategoryCount, ComplianceInput, ConsentFact, Finding, InForce, StaffFact, SystemFact,
};
use steward_core::register::activity::Activity;
use steward_core::register::entry::Entry;
use steward_core::register::organisation::Organisation;
use steward_core::register::policy::Policy;
use steward_core::register::processor::Processor;
use steward_core::register::sharing::SharingAgreement;
use steward_core::register::training::{Training, special_access_lapsed_on};
use steward_core::register::transfer::Transfer;
use steward_core::subject::Category;
use steward_store::StoreError;
use utoipa::ToSchema;

/// The check's findings, with how many are errors and warnings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ComplianceReport {
    /// Every finding: errors first, then by rule (see `steward_core::compliance::check`).
    pub findings: Vec<Finding>,
    /// How many are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
}

impl ComplianceReport {
    /// The report of `findings`.
    pub fn new(findings: Vec<Finding>) -> Self {
        let (errors, warnings) = compliance::counts(&findings);
        Self { findings, errors, warnings }
    }
}

/// A member of staff whose training lapsed while their role gives them access to
/// special-category data, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LapsedStaff {
    /// Their user id.
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// When their training lapsed (the expiry date that has passed).
    pub lapsed_on: Date,
}

/// The check in brief, for the dashboard: the counts, and who lapsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplianceSummary {
    /// How many findings are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// Staff with special-category access whose training lapsed, by name.
    pub lapsed_staff: Vec<LapsedStaff>,
}

/// The entries of register `E` in force (latest version of each, retired ones left out),
/// their derived facts as of `today`.
fn in_force<E: Entry>(app: &App, today: Date) -> AppResult<Vec<InForce<E>>> {
    app.store
        .entries(E::KIND.as_str(), None)?
        .into_iter()
        .filter(|r| !r.retired)
        .map(|r| {
            let entry: E = serde_json::from_str(&r.body)
                .map_err(|_| AppError::Store(StoreError::Corrupt(format!("a stored {} entry", E::KIND.as_str()))))?;
            Ok(InForce::new(r.id, entry, today))
        })
        .collect()
}

/// A category key in words: its label if Steward knows it ("Former tenant"), otherwise
/// the key with spaces for underscores.
fn category_label(key: &str) -> String {
    key.parse::<Category>().map_or_else(|_| key.replace('_', " "), |c| c.label().to_string())
}

impl App {
    /// Everything the check looks at, as of today. The people held are counted by the
    /// store's running category counts (one query over a table of one row per category,
    /// kept in step with every subject written or erased), so the check costs the same
    /// for a thousand people as for a million.
    pub(crate) fn compliance_input(&self) -> AppResult<ComplianceInput> {
        let today = self.today();
        let mut input = ComplianceInput::new(today);
        input.activities = in_force::<Activity>(self, today)?;
        input.organisations = in_force::<Organisation>(self, today)?;
        input.processors = in_force::<Processor>(self, today)?;
        input.sharing_agreements = in_force::<SharingAgreement>(self, today)?;
        input.transfers = in_force::<Transfer>(self, today)?;
        input.policies = in_force::<Policy>(self, today)?;
        input.training = in_force::<Training>(self, today)?;
        input.systems = self
            .store
            .systems()?
            .into_iter()
            .filter(|s| s.retired_at.is_none())
            .map(|s| SystemFact { id: s.id, name: s.name })
            .collect();
        input.retention_record_types = self
            .active_schedule()?
            .map(|(_, s)| s.record_types.iter().map(|t| t.id.clone()).collect())
            .unwrap_or_default();
        input.subject_categories = self
            .store
            .category_counts()?
            .into_iter()
            .filter(|(key, _)| key != "*")
            .map(|(key, count)| CategoryCount { label: category_label(&key), key, count })
            .collect();
        input.special_access_staff = self
            .store
            .users()?
            .into_iter()
            .filter(|u| u.disabled_at.is_none())
            .filter(|u| u.role.parse::<steward_core::Role>().is_ok_and(|r| r.may_see_special_category()))
            .map(|u| StaffFact {
                training_valid_until: u.training_valid_until.as_deref().and_then(|d| d.parse().ok()),
                id: u.id,
                name: u.display_name,
            })
            .collect();
        input.consents = self
            .store
            .consent_renewals()?
            .into_iter()
            .map(|c| ConsentFact {
                renew_on: c.renew_on.parse().ok(),
                id: c.id,
                activity_id: c.activity_id,
                withdrawn: c.withdrawn,
            })
            .collect();
        Ok(input)
    }

    /// Run the compliance check: every finding, errors first. Needs `ReadRegisters`;
    /// audited as `compliance.check` with the counts only.
    pub fn compliance_check(&self, ctx: &Context) -> AppResult<Vec<Finding>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Compliance, "")?;
        let findings = compliance::check(&self.compliance_input()?);
        let (errors, warnings) = compliance::counts(&findings);
        let detail = format!("errors={errors} warnings={warnings}");
        self.store.audit(&self.event(ctx, Action::ComplianceCheck, "", Outcome::Success, detail))?;
        Ok(findings)
    }

    /// The check in brief for the dashboard: how many errors and warnings, and which staff
    /// lapsed. Needs `ReadRegisters`. Not audited: looking at the dashboard is not running
    /// the check (opening the compliance page or `steward check` is, and is audited).
    pub fn compliance_summary(&self, ctx: &Context) -> AppResult<ComplianceSummary> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Compliance, "")?;
        let input = self.compliance_input()?;
        let findings = compliance::check(&input);
        let (errors, warnings) = compliance::counts(&findings);
        let lapsed_staff = input
            .special_access_staff
            .iter()
            .filter_map(|s| {
                compliance::staff_training_lapse(&input, s).map(|l| LapsedStaff {
                    user_id: s.id.clone(),
                    name: s.name.clone(),
                    lapsed_on: l.on(),
                })
            })
            .collect();
        Ok(ComplianceSummary { errors, warnings, lapsed_staff })
    }

    /// When `user_id`'s special-category training lapsed according to the Training
    /// register, if it has: they have at least one course giving special-category access
    /// in force, and the latest expiry among those courses is before `today`
    /// ([`special_access_lapsed_on`]). Someone with no such course recorded gets `None`:
    /// for them the "training valid until" date on their account decides, as before the
    /// register existed. Used when building a person's or a token's [`Context`], so the
    /// data is withheld at once, everywhere (UK GDPR Art 32(4)).
    pub(crate) fn training_lapsed_on(&self, user_id: &str, today: Date) -> AppResult<Option<Date>> {
        let theirs: Vec<Training> = self
            .store
            .entries(Training::KIND.as_str(), None)?
            .into_iter()
            .filter(|r| !r.retired)
            .filter_map(|r| serde_json::from_str::<Training>(&r.body).ok())
            .filter(|t| t.user_id.trim() == user_id)
            .collect();
        Ok(special_access_lapsed_on(today, &theirs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_keys_read_as_words() {
        assert_eq!(category_label("former_tenant"), "Former tenant");
        assert_eq!(category_label("staff_member"), "staff member");
    }
}
