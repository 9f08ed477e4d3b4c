//! The destruction certificate for auditors (every record destroyed, released or
//! cancelled in a period, and those held now: no personal data), its CSV form, and the
//! dashboard's counts (UK GDPR Art 5(2): disposals are evidenced).

use super::{CertificateEntry, DisposalCertificate, DisposalSummary, invalid};
use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_store::{DisposalFilter, DisposalRow};

impl App {
    /// The destruction certificate for `[from, to]`: every record destroyed, released
    /// from a hold or cancelled in the period, and those held now. Holds no personal
    /// data, so auditors may read it; producing it is audited.
    pub fn disposal_certificate(&self, ctx: &Context, from: Date, to: Date) -> AppResult<DisposalCertificate> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Disposal, "")?;
        if to < from {
            return Err(invalid("to", "is before from"));
        }
        let mut rows = self.store.disposals(&DisposalFilter {
            statuses: vec!["done".into(), "released".into(), "cancelled".into()],
            done_from: Some(from.to_string()),
            done_to: Some(to.to_string()),
            ..DisposalFilter::default()
        })?;
        rows.extend(
            self.store
                .disposals(&DisposalFilter { statuses: vec!["held".into()], ..DisposalFilter::default() })?
                .into_iter()
                .filter(|d| d.found_on <= to.to_string()),
        );
        rows.sort_by(|a, b| {
            a.done_on.as_deref().unwrap_or("9999").cmp(b.done_on.as_deref().unwrap_or("9999")).then(a.id.cmp(&b.id))
        });
        let count = |s: &str| rows.iter().filter(|d| d.status == s).count() as u64;
        let (destroyed, held, released) = (count("done"), count("held"), count("released"));
        let entries: Vec<CertificateEntry> = rows
            .into_iter()
            .map(|d| CertificateEntry {
                disposal_id: d.id,
                record_id: d.record_id,
                record_type: d.record_type,
                subject_ref: d.subject_ref,
                rule: d.rule,
                due_on: d.due_on,
                done_on: d.done_on,
                method: d.method,
                done_by: d.done_by,
                approved_by: d.approved_by,
                status: d.status,
                hold_id: d.hold_id,
            })
            .collect();
        self.store.audit(&self.event(
            ctx,
            Action::DisposalCertificate,
            "",
            Outcome::Success,
            format!("from={from} to={to} entries={}", entries.len()),
        ))?;
        let (audit_seq, audit_hash) = self.store.audit_head()?;
        Ok(DisposalCertificate {
            from: from.to_string(),
            to: to.to_string(),
            organisation: self.org_settings()?.org_name,
            entries,
            destroyed,
            held,
            released,
            issued_at: self.now_text(),
            issued_by: ctx.actor.clone(),
            audit_seq,
            audit_hash,
        })
    }

    /// Counts for the dashboard as of `today`.
    pub fn disposal_summary(&self, ctx: &Context, today: Date) -> AppResult<DisposalSummary> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Disposal, "")?;
        let (first, last) = (today.first_of_month(), today.last_of_month());
        let (due_this_month, overdue) = self.store.records_due_counts(&first.to_string(), &last.to_string())?;
        let open = self.store.disposals(&DisposalFilter {
            statuses: vec!["awaiting_approval".into(), "task".into(), "held".into()],
            ..DisposalFilter::default()
        })?;
        let day = today.to_string();
        let count = |f: &dyn Fn(&DisposalRow) -> bool| open.iter().filter(|d| f(d)).count() as u64;
        Ok(DisposalSummary {
            due_this_month,
            overdue,
            awaiting_approval: count(&|d| d.status == "awaiting_approval"),
            open_tasks: count(&|d| d.status == "task"),
            late_tasks: count(&|d| d.status == "task" && d.task_due_on.as_deref().is_some_and(|t| t < day.as_str())),
            held: count(&|d| d.status == "held"),
        })
    }
}

/// The certificate as CSV (one row per entry, a header first). Cells that a spreadsheet
/// would take for a formula are prefixed with `'`.
pub fn certificate_csv(c: &DisposalCertificate) -> AppResult<String> {
    fn cell(v: &str) -> String {
        if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{v}") } else { v.to_string() }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| AppError::Io(format!("cannot write CSV: {e}"));
    w.write_record([
        "disposal_id",
        "record_id",
        "record_type",
        "subject_ref",
        "rule",
        "due_on",
        "done_on",
        "method",
        "done_by",
        "approved_by",
        "status",
        "hold_id",
    ])
    .map_err(io)?;
    for e in &c.entries {
        let o = |v: &Option<String>| cell(v.as_deref().unwrap_or(""));
        w.write_record([
            cell(&e.disposal_id),
            cell(&e.record_id),
            cell(&e.record_type),
            cell(&e.subject_ref),
            cell(&e.rule),
            cell(&e.due_on),
            o(&e.done_on),
            o(&e.method),
            o(&e.done_by),
            o(&e.approved_by),
            cell(&e.status),
            o(&e.hold_id),
        ])
        .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::Io(format!("cannot write CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Io(format!("cannot write CSV: {e}")))
}
