//! The incident registers' own use cases beyond the register kit: the organisation's breach
//! clock and working hours, the DPO's approval of a disclosure decided out of hours, the
//! breach report laid out as the ICO's online form, a DPIA as a readable document, and what
//! is waiting (clocks running, approvals, DPO advice) for the dashboard.
//!
//! Sources: UK GDPR Art 33(1), (3)-(5) (the report, its contents, phases and the record);
//! Art 35(7), 36 (the DPIA and prior consultation); ICO online breach report form and DPIA
//! template (uk-rules §8); the seed policies' internal clocks and out-of-hours approvals.

use crate::{App, AppError, AppResult, Context};
use serde::Serialize;
use std::fmt::Write as _;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::register::breach::{Breach, BreachKind, DataCategory, PeopleCategory, ReportPhase, YesNoUnknown};
use steward_core::register::disclosure::{ApprovalState, Disclosure};
use steward_core::register::dpia::{Dpia, RiskLevel};
use steward_core::register::entry::Entry;
use steward_core::register::incident::{IncidentSettings, InternalClock, WorkingHours};
use steward_core::register::organisation::Organisation;
use steward_core::time::uk_zone;
use steward_core::{FieldError, Permission};
use utoipa::ToSchema;

/// The settings key holding the incident settings (JSON).
const KEY: &str = "incident_settings";

/// A time as people read it in the UK ("Friday 4 December 2026 at 16:00").
pub fn uk_time(t: jiff::Timestamp) -> String {
    t.to_zoned(uk_zone()).strftime("%A %-d %B %Y at %H:%M").to_string()
}

/// What is waiting in the incident registers, for the dashboard.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct IncidentSummary {
    /// Open breaches whose ICO clock is running, soonest first: (id, summary, deadline,
    /// whole hours left).
    pub breach_clocks: Vec<BreachClock>,
    /// Disclosures decided out of hours waiting for the DPO's approval: (id, requester).
    pub disclosures_awaiting_approval: Vec<(String, String)>,
    /// DPIAs waiting for the DPO's advice, the ICO's consultation, or their review: (id,
    /// title, status).
    pub dpias_waiting: Vec<(String, String, String)>,
}

/// One running breach clock.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreachClock {
    /// The breach's id.
    pub id: String,
    /// What happened.
    pub summary: String,
    /// The ICO deadline, in words (UK time).
    pub deadline: String,
    /// Whole hours left (negative once passed).
    pub hours_left: i64,
}

impl App {
    /// The breach clock and working hours in force (defaults until the organisation sets
    /// them: 24 hours; Monday to Friday 09:00–17:00).
    pub fn incident_settings(&self) -> AppResult<IncidentSettings> {
        Ok(match self.store.setting(KEY)? {
            Some(v) => serde_json::from_str(&v).unwrap_or_default(),
            None => IncidentSettings::default(),
        })
    }

    /// Change the breach clock or the working hours (DPO or administrator), audited with
    /// the fields changed.
    pub fn set_incident_settings(
        &self,
        ctx: &Context,
        clock: Option<InternalClock>,
        hours: Option<WorkingHours>,
    ) -> AppResult<IncidentSettings> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "organisation")?;
        let mut s = self.incident_settings()?;
        let mut fields = Vec::new();
        if let Some(c) = clock {
            s.breach_internal_clock = c.validate().map_err(AppError::Invalid)?;
            fields.push("breach_internal_clock");
        }
        if let Some(h) = hours {
            s.working_hours = h.validate().map_err(AppError::Invalid)?;
            fields.push("working_hours");
        }
        if fields.is_empty() {
            return Ok(s);
        }
        let body =
            serde_json::to_string(&s).map_err(|_| AppError::Invalid(FieldError::new("settings", "not valid")))?;
        let ev = self.event(
            ctx,
            Action::SettingsIncidents,
            "organisation",
            Outcome::Success,
            format!("fields={}", fields.join(",")),
        );
        self.store.put_settings(&[(KEY, &body)], Some(&ev))?;
        Ok(s)
    }

    /// Change any of the organisation's name, region, breach clock and working hours in one
    /// go: every value is checked before anything is written, so a refused change leaves
    /// all of them as they were.
    pub fn update_settings(
        &self,
        ctx: &Context,
        org_name: Option<&str>,
        region: Option<steward_core::Region>,
        clock: Option<InternalClock>,
        hours: Option<WorkingHours>,
    ) -> AppResult<()> {
        self.require(ctx, Permission::ManageSettings, ObjectType::Settings, "organisation")?;
        clock.map(InternalClock::validate).transpose().map_err(AppError::Invalid)?;
        hours.map(WorkingHours::validate).transpose().map_err(AppError::Invalid)?;
        self.set_org_settings(ctx, org_name, region)?;
        self.set_incident_settings(ctx, clock, hours)?;
        Ok(())
    }

    /// The DPO approves (or does not approve) a disclosure decided out of hours, with a
    /// note (required when not approving). Refused for a decision made in working hours.
    pub fn disclosure_approve(
        &self,
        ctx: &Context,
        id: &str,
        outcome: ApprovalState,
        note: &str,
    ) -> AppResult<crate::registers::StoredOf<Disclosure>> {
        self.require(ctx, Permission::ManageIncidents, ObjectType::Disclosure, id)?;
        let (row, mut entry) = self.latest_entry::<Disclosure>(id)?;
        if row.retired {
            return Err(AppError::Conflict("this disclosure record was withdrawn".into()));
        }
        if outcome == ApprovalState::Pending {
            return Err(AppError::Invalid(FieldError::new("outcome", "is approved or rejected")));
        }
        let env = self.register_env()?;
        if !entry.derive_at(&env).out_of_hours {
            return Err(AppError::Conflict(
                "this decision was made in working hours: it needs no approval afterwards".into(),
            ));
        }
        entry.approval.outcome = Some(outcome);
        entry.approval.by = self.actor_name(ctx)?;
        entry.approval.on = Some(self.today());
        entry.approval.note = note.to_string();
        let entry = self.checked(entry)?;
        self.save::<Disclosure>(ctx, id, row.version + 1, entry, false, Action::DisclosureApprove)
    }

    /// The organisation the report is made for: the first organisation on the register
    /// without a parent, or the settings' name.
    fn reporting_organisation(&self) -> AppResult<Organisation> {
        let orgs = self.entries_in_force::<Organisation>(None, false)?;
        let top = orgs.iter().find(|o| o.entry.parent_id.trim().is_empty()).or(orgs.first());
        Ok(match top {
            Some(o) => o.entry.clone(),
            None => {
                let s = self.org_settings()?;
                Organisation {
                    name: s.org_name,
                    dpo_name: s.dpo_name.unwrap_or_default(),
                    dpo_contact: s.dpo_email.unwrap_or_default(),
                    ..Organisation::default()
                }
            }
        })
    }

    /// A breach laid out as the six parts of the ICO's online report form, every answer
    /// the register holds filled in and the rest marked "Not recorded", as text the DPO can
    /// paste from or attach. Audited.
    pub fn breach_ico_report(&self, ctx: &Context, id: &str) -> AppResult<String> {
        let b = self.register_entry::<Breach>(ctx, id)?;
        let org = self.reporting_organisation()?;
        let reporter = self.actor_name(ctx)?;
        let systems = self.store.systems()?;
        let activities = self.register_titles(ctx, steward_core::register::entry::RegisterKind::Activity)?;
        self.store.audit(&self.event(ctx, Action::BreachReportExport, id, Outcome::Success, ""))?;
        let e = &b.entry;
        let d = &b.derived;
        let mut out = String::new();
        let or_none = |s: &str| if s.trim().is_empty() { "Not recorded".to_string() } else { s.trim().to_string() };
        let yes_no = |v: Option<bool>| match v {
            Some(true) => "Yes",
            Some(false) => "No",
            None => "Not yet decided",
        };
        let _ = writeln!(out, "Personal data breach report to the Information Commissioner's Office");
        let _ = writeln!(out, "{}\n", org.name);
        let follow_up = e.reports.iter().rev().find(|r| r.phase == ReportPhase::FollowUp);
        let reference = e.reports.iter().rev().map(|r| r.ico_reference.trim()).find(|r| !r.is_empty());
        let _ = writeln!(out, "1. About the report");
        let _ = writeln!(
            out,
            "Initial or follow-up report: {}",
            if follow_up.is_some() || reference.is_some() { "Follow-up" } else { "Initial" }
        );
        let _ = writeln!(out, "ICO case reference: {}", reference.unwrap_or("None yet"));
        let officer = e.reports.iter().rev().map(|r| r.ico_officer.trim()).find(|r| !r.is_empty());
        let _ = writeln!(out, "ICO officer already spoken to: {}", officer.unwrap_or("None"));
        let _ = writeln!(out, "Reason for reporting: {}", or_none(&e.report_to_ico_reason));
        if let Some(deadline) = d.ico_deadline_at {
            let _ = writeln!(out, "72 hours from awareness end: {}", uk_time(deadline));
        }
        if d.late || !e.delay_reasons.trim().is_empty() {
            let _ = writeln!(out, "Reasons for reporting after 72 hours: {}", or_none(&e.delay_reasons));
        }
        let _ = writeln!(out, "\n2. What happened");
        let _ = writeln!(out, "Description: {}", e.summary);
        let _ = writeln!(
            out,
            "Cyber incident: {}",
            match e.cyber_incident {
                YesNoUnknown::Yes => "Yes",
                YesNoUnknown::No => "No",
                YesNoUnknown::Unknown => "Don't know",
            }
        );
        let _ = writeln!(out, "How it was discovered: {}", or_none(&e.how_found));
        let _ = writeln!(out, "When it happened: {}", e.occurred_at.map_or("Not known".into(), uk_time));
        let _ = writeln!(out, "When it was discovered: {}", e.aware_at.map_or("Not recorded".into(), uk_time));
        let named: Vec<String> = e
            .system_ids
            .iter()
            .filter_map(|s| systems.iter().find(|x| &x.id == s).map(|x| x.name.clone()))
            .chain(e.activity_ids.iter().filter_map(|a| activities.iter().find(|x| &x.0 == a).map(|x| x.1.clone())))
            .collect();
        if !named.is_empty() {
            let _ = writeln!(out, "Systems and processing involved: {}", named.join("; "));
        }
        let _ = writeln!(out, "\n3. The data");
        let cats: Vec<&str> = e.data_categories.iter().map(|c| c.words()).collect();
        let _ = writeln!(
            out,
            "Categories of personal data: {}",
            if cats.is_empty() { DataCategory::NotYetKnown.words().to_string() } else { cats.join("; ") }
        );
        let _ = writeln!(
            out,
            "Number of records: {}",
            e.records_affected.map_or("Not yet known".into(), |n| n.to_string())
        );
        let _ =
            writeln!(out, "Number of people: {}", e.people_affected.map_or("Not yet known".into(), |n| n.to_string()));
        let _ = writeln!(out, "Encrypted or otherwise unintelligible: {}", if e.encrypted { "Yes" } else { "No" });
        let _ = writeln!(out, "\n4. The people");
        let people: Vec<&str> = e.people_categories.iter().map(|c| c.words()).collect();
        let _ = writeln!(
            out,
            "Categories of people: {}",
            if people.is_empty() { PeopleCategory::NotYetKnown.words().to_string() } else { people.join("; ") }
        );
        let _ = writeln!(out, "Potential consequences: {}", or_none(&e.potential_consequences));
        let likelihood = e.likelihood.map(|l| {
            use steward_core::register::breach::Likelihood::*;
            match l {
                VeryLikely => "Very likely",
                Likely => "Likely",
                Neutral => "Neutral - neither likely nor unlikely",
                Unlikely => "Unlikely",
                VeryUnlikely => "Very unlikely",
            }
        });
        let _ = writeln!(out, "Likelihood of significant consequences: {}", likelihood.unwrap_or("Not yet known"));
        let _ = writeln!(out, "\n5. Staff, measures and who has been told");
        let _ = writeln!(out, "Staff involved and their data protection training: {}", or_none(&e.staff_involved));
        let _ = writeln!(out, "Measures in place before it happened: {}", or_none(&e.measures_before));
        let _ = writeln!(out, "Containment and mitigation: {}", or_none(&e.containment));
        let _ = writeln!(out, "Steps to prevent a recurrence: {}", or_none(&e.prevent_recurrence));
        let _ = writeln!(
            out,
            "Have the people affected been told: {}{}",
            yes_no(e.tell_individuals),
            if e.tell_individuals_reason.trim().is_empty() {
                String::new()
            } else {
                format!(" ({})", e.tell_individuals_reason.trim())
            }
        );
        let others: Vec<String> = e
            .notifications
            .iter()
            .filter(|n| n.to != steward_core::register::breach::NoticeTo::Individuals)
            .map(|n| {
                let on = n.on.map(|d| format!(" on {}", steward_core::clock::long(d))).unwrap_or_default();
                format!("{}{on}", or_none(&n.name))
            })
            .collect();
        let _ = writeln!(
            out,
            "Other organisations told (police, other regulators, partners): {}",
            if others.is_empty() { "None".into() } else { others.join("; ") }
        );
        let _ = writeln!(out, "\n6. About the organisation");
        let _ = writeln!(out, "Organisation: {}", or_none(&org.name));
        let _ = writeln!(out, "ICO registration number: {}", or_none(&org.ico_registration_number));
        let _ = writeln!(out, "Sector: {}", or_none(&org.sector));
        let _ = writeln!(out, "Address: {}", or_none(&org.address).replace('\n', ", "));
        let _ = writeln!(out, "Person making this report: {reporter}");
        let _ = writeln!(out, "Data protection officer: {}", or_none(&org.dpo_name));
        let _ = writeln!(out, "DPO's contact details: {}", or_none(&org.dpo_contact).replace('\n', ", "));
        if e.kind == BreachKind::NearMiss {
            let _ = writeln!(out, "\nThis is recorded as a near miss: no report to the ICO is due.");
        }
        Ok(out)
    }

    /// A DPIA as a readable document following the ICO template's seven steps. Audited.
    pub fn dpia_document(&self, ctx: &Context, id: &str) -> AppResult<String> {
        let s = self.register_entry::<Dpia>(ctx, id)?;
        let activities = self.register_titles(ctx, steward_core::register::entry::RegisterKind::Activity)?;
        self.store.audit(&self.event(ctx, Action::DpiaExport, id, Outcome::Success, ""))?;
        let (e, d) = (&s.entry, &s.derived);
        let or_none = |s: &str| if s.trim().is_empty() { "Not recorded".to_string() } else { s.trim().to_string() };
        let level = |l: Option<RiskLevel>| match l {
            Some(RiskLevel::Low) => "Low",
            Some(RiskLevel::Medium) => "Medium",
            Some(RiskLevel::High) => "High",
            None => "Not assessed",
        };
        let date = |d: Option<jiff::civil::Date>| d.map_or("Not recorded".into(), steward_core::clock::long);
        let mut out = String::new();
        let _ = writeln!(out, "Data protection impact assessment: {}", e.title);
        let names: Vec<String> =
            e.activity_ids.iter().filter_map(|a| activities.iter().find(|x| &x.0 == a).map(|x| x.1.clone())).collect();
        let _ = writeln!(
            out,
            "Processing covered: {}",
            if names.is_empty() { "None linked".into() } else { names.join("; ") }
        );
        let _ = writeln!(out, "Status: {}\n", d.status);
        let _ = writeln!(out, "Step 1. Identify the need for a DPIA");
        let _ = writeln!(out, "{}", d.required_reason);
        for (_, always, words, answer) in e.screening.questions() {
            let a = match answer {
                Some(true) => "Yes",
                Some(false) => "No",
                None => "Not answered",
            };
            let _ = writeln!(out, "- {words} ({}): {a}", if always { "always needs a DPIA" } else { "consider" });
        }
        let _ = writeln!(out, "Need: {}", or_none(&e.need));
        let _ = writeln!(out, "\nStep 2. Describe the processing");
        let _ = writeln!(out, "Nature: {}", or_none(&e.nature));
        let _ = writeln!(out, "Scope: {}", or_none(&e.scope));
        let _ = writeln!(out, "Context: {}", or_none(&e.context));
        let _ = writeln!(out, "Purposes: {}", or_none(&e.purposes));
        let _ = writeln!(out, "\nStep 3. Consultation\n{}", or_none(&e.consultation));
        let _ = writeln!(out, "\nStep 4. Necessity and proportionality\n{}", or_none(&e.necessity));
        let _ = writeln!(out, "\nStep 5. Risks");
        for r in &e.risks {
            let _ = writeln!(
                out,
                "- {}: likelihood {:?}, severity {:?}, overall {}",
                r.description,
                r.likelihood,
                r.severity,
                level(Some(steward_core::register::dpia::RiskLevel::of(r.likelihood, r.severity)))
            );
        }
        let _ = writeln!(out, "Overall risk: {}", level(d.overall_risk));
        let _ = writeln!(out, "\nStep 6. Measures to reduce risk");
        for m in &e.measures {
            let _ = writeln!(
                out,
                "- {} (for: {}): effect {:?}, residual risk {}, approved {}",
                m.measure,
                or_none(&m.risk),
                m.effect,
                level(Some(m.residual_risk)),
                if m.approved { "yes" } else { "no" }
            );
        }
        let _ = writeln!(out, "Residual risk: {}", level(d.residual_risk));
        if d.ico_consultation_required {
            let _ = writeln!(
                out,
                "The residual risk is high: the ICO must be consulted before the processing starts (UK GDPR Art 36(1)). \
                 Sent: {}; answer due: {}; outcome: {}",
                date(e.ico_consultation.sent_on),
                date(d.ico_response_due_on),
                or_none(&e.ico_consultation.outcome)
            );
        }
        let _ = writeln!(out, "\nStep 7. Sign off and record outcomes");
        let _ = writeln!(
            out,
            "High risk found on: {}; DPO to be told by: {}",
            date(e.high_risk_found_on),
            date(d.dpo_notify_by)
        );
        let _ = writeln!(out, "Measures approved by: {}", or_none(&e.measures_approved_by));
        let _ = writeln!(out, "Residual risks approved by: {}", or_none(&e.residual_risk_approved_by));
        let _ = writeln!(out, "DPO advice: {}", or_none(&e.dpo_advice));
        let _ = writeln!(
            out,
            "DPO advice accepted or overruled: {}",
            match e.dpo_advice_accepted {
                Some(true) => "Accepted".to_string(),
                Some(false) => format!("Overruled: {}", or_none(&e.overruled_reason)),
                None => "Not yet decided".into(),
            }
        );
        let _ = writeln!(out, "Consultation responses reviewed by: {}", or_none(&e.consultation_reviewed_by));
        let _ = writeln!(out, "Kept under review by: {}", or_none(&e.kept_under_review_by));
        let _ = writeln!(out, "Signed off on: {}", date(e.signed_off_on));
        let _ = writeln!(out, "Next review: {}", date(e.review_on));
        Ok(out)
    }

    /// What is waiting in the incident registers that `ctx` may read, for the dashboard.
    pub fn incident_summary(&self, ctx: &Context) -> AppResult<IncidentSummary> {
        let mut out = IncidentSummary::default();
        if ctx.role.can(steward_core::register::entry::RegisterKind::Breach.read_permission()) {
            for b in self.entries_in_force::<Breach>(None, false)? {
                if let (Some(h), Some(deadline)) = (b.derived.hours_to_ico_deadline, b.derived.ico_deadline_at) {
                    out.breach_clocks.push(BreachClock {
                        id: b.id,
                        summary: b.entry.summary,
                        deadline: uk_time(deadline),
                        hours_left: h,
                    });
                }
            }
            out.breach_clocks.sort_by_key(|c| c.hours_left);
        }
        if ctx.role.can(Permission::ManageIncidents) {
            for d in self.entries_in_force::<Disclosure>(None, false)? {
                if d.derived.retrospective_approval == Some(ApprovalState::Pending) {
                    out.disclosures_awaiting_approval.push((d.id, d.entry.requester_organisation));
                }
            }
        }
        if ctx.role.can(Permission::ReadRegisters) {
            for p in self.entries_in_force::<Dpia>(None, false)? {
                let waiting = matches!(
                    p.derived.status.as_str(),
                    "Awaiting the DPO's advice" | "ICO consultation needed" | "Awaiting the ICO" | "Review overdue"
                );
                if waiting {
                    out.dpias_waiting.push((p.id, p.entry.title, p.derived.status));
                }
            }
        }
        Ok(out)
    }
}
