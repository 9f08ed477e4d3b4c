//! The record of processing exported for the ICO and imported back: the ICO's
//! controller template as a spreadsheet (XLSX) or CSV, one row per purpose of each
//! activity under the template's headings, with the controller, DPO and representative
//! contacts on top; a JSON document with every activity and everything it links to in
//! full; and the import of the same spreadsheet or CSV, with a dry run, all or nothing.
//! The table itself (headings, rows, reading back) is [`steward_core::register::ropa`];
//! this module resolves names, checks permissions, audits, and reads and writes files.
//!
//! Sources: UK GDPR Art 30(1)-(4) (the record in writing, including electronic form,
//! made available to the Commissioner on request); DPA 2018 Schedule 1 para 41; the
//! ICO's "Documentation template for controllers"; OWASP "CSV Injection".

mod formats;

use crate::registers::StoredOf;
use crate::systems::System;
use crate::{App, AppError, AppResult, Context};
use serde::Serialize;
use std::collections::HashMap;
use steward_core::audit::{Action, ObjectType, Outcome, RegisterChange};
use steward_core::register::activity::Activity;
use steward_core::register::entry::{Entry, RegisterKind};
use steward_core::register::notice::Notice;
use steward_core::register::organisation::Organisation;
use steward_core::register::processor::Processor;
use steward_core::register::ropa::{self, LinkKind, Names, Problem};
use steward_core::register::sharing::SharingAgreement;
use steward_core::register::transfer::Transfer;
use steward_core::{FieldError, Permission};
use steward_store::EntryRow;
use utoipa::ToSchema;

pub use formats::{MAX_XLSX_UNPACKED_BYTES, read_table};

/// Largest file an import accepts (bytes): 10 MB, far more than any record of
/// processing needs (a thousand activities export to well under 1 MB).
pub const MAX_ROPA_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// The file formats of the record of processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RopaFormat {
    /// Comma-separated values (UTF-8 with a byte-order mark, so spreadsheets read it as UTF-8).
    Csv,
    /// An Excel workbook laid out as the ICO's template.
    Xlsx,
    /// JSON with every linked entry in full (export only).
    Json,
}

impl RopaFormat {
    /// The format a name gives (`csv`, `xlsx`, `json`, any case).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    /// The format a file name's extension gives.
    pub fn from_file_name(name: &str) -> Option<Self> {
        name.rsplit_once('.').and_then(|(_, ext)| Self::parse(ext))
    }

    /// Its name and file extension (`csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Json => "json",
        }
    }

    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Json => "application/json",
        }
    }
}

/// An exported record of processing.
#[derive(Debug, Clone)]
pub struct RopaFile {
    /// The file.
    pub bytes: Vec<u8>,
    /// Its format.
    pub format: RopaFormat,
    /// A name for it (`record-of-processing-2026-12-07.xlsx`).
    pub filename: String,
    /// How many activities it holds.
    pub activities: usize,
}

/// A retention rule in force, as the JSON export gives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetentionView {
    /// The record type's key.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The rule, as the schedule writes it.
    pub rule: String,
    /// Exceptions: when each applies and the rule it puts instead.
    pub exceptions: Vec<RetentionException>,
    /// The policy wording the rule comes from.
    pub source: Option<String>,
}

/// An exception to a retention rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetentionException {
    /// The flag that brings it in.
    pub when: String,
    /// The rule that applies instead.
    pub rule: String,
}

/// One activity with everything it links to, in full.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkedActivity {
    /// The activity.
    #[schema(value_type = Object)]
    pub activity: StoredOf<Activity>,
    /// Its controllers (organisations of this installation).
    #[schema(value_type = Vec<Object>)]
    pub controllers: Vec<StoredOf<Organisation>>,
    /// The systems holding its data.
    pub systems: Vec<System>,
    /// Its processors.
    #[schema(value_type = Vec<Object>)]
    pub processors: Vec<StoredOf<Processor>>,
    /// Its transfers outside the UK.
    #[schema(value_type = Vec<Object>)]
    pub transfers: Vec<StoredOf<Transfer>>,
    /// The retention rules in force for its record types.
    pub retention: Vec<RetentionView>,
    /// Its privacy notices.
    #[schema(value_type = Vec<Object>)]
    pub notices: Vec<StoredOf<Notice>>,
    /// The data sharing agreements it relies on.
    #[schema(value_type = Vec<Object>)]
    pub sharing_agreements: Vec<StoredOf<SharingAgreement>>,
}

/// The JSON export: the organisations, then each activity with what it links to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RopaDocument {
    /// When it was exported (RFC 3339).
    pub exported_at: String,
    /// The organisations (controllers) with their DPO and representative.
    #[schema(value_type = Vec<Object>)]
    pub organisations: Vec<StoredOf<Organisation>>,
    /// The activities in use, by name.
    pub activities: Vec<LinkedActivity>,
}

/// What an import found and did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RopaImportReport {
    /// Only checked: nothing was written.
    pub dry_run: bool,
    /// The changes were written (a real import of a file without problems).
    pub imported: bool,
    /// Activities the file adds (or added).
    pub activities_added: u64,
    /// Existing activities the file changes (or changed), each as a new version.
    pub activities_changed: u64,
    /// Existing activities the file leaves as they are.
    pub unchanged: u64,
    /// The names of the activities added.
    pub added: Vec<String>,
    /// The names of the activities changed.
    pub changed: Vec<String>,
    /// Every problem, by spreadsheet row and column heading; any problem means nothing
    /// was written.
    pub problems: Vec<Problem>,
}

/// Problems listed at most (the rest are counted in one last line).
const MAX_PROBLEMS: usize = 500;

impl App {
    /// The names the table shows for linked entries (and understands on import): the
    /// entries in use, and with `retired` the retired ones after them.
    fn ropa_names(&self, retired: bool) -> AppResult<Names> {
        let mut n = Names::default();
        let in_use = |r: &EntryRow| retired || !r.retired;
        for s in self.store.systems()? {
            if retired || s.retired_at.is_none() {
                n.add(LinkKind::System, s.id, s.name);
            }
        }
        for (kind, link) in [
            (RegisterKind::Processor, LinkKind::Processor),
            (RegisterKind::SharingAgreement, LinkKind::SharingAgreement),
            (RegisterKind::Organisation, LinkKind::Organisation),
        ] {
            for r in self.store.entries(kind.as_str(), None)?.into_iter().filter(in_use) {
                n.add(link, r.id, r.title);
            }
        }
        for t in self.entries_in_force::<Transfer>(None, retired)? {
            let country = steward_core::register::country::name(&t.entry.destination_country)
                .unwrap_or(&t.entry.destination_country);
            n.add(LinkKind::Transfer, &t.id, format!("{} ({country})", t.entry.recipient));
            n.add(LinkKind::Transfer, &t.id, &t.entry.recipient);
        }
        for t in self.entries_in_force::<Notice>(None, retired)? {
            if t.entry.version_label.is_empty() {
                n.add(LinkKind::Notice, &t.id, &t.entry.title);
            } else {
                n.add(LinkKind::Notice, &t.id, format!("{} (version {})", t.entry.title, t.entry.version_label));
                n.add(LinkKind::Notice, &t.id, &t.entry.title);
            }
        }
        if let Some((_, schedule)) = self.active_schedule()? {
            for t in &schedule.record_types {
                n.add(LinkKind::RecordType, &t.id, format!("{} ({})", t.name, t.rule));
                n.add(LinkKind::RecordType, &t.id, &t.name);
            }
        }
        Ok(n)
    }

    /// Export the record of processing as it stands, in `format`: needs the registers
    /// permission; audited with the format and the number of activities.
    pub fn export_ropa(&self, ctx: &Context, format: RopaFormat) -> AppResult<RopaFile> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Activity, "")?;
        let activities = self.entries_in_force::<Activity>(None, false)?;
        let count = activities.len();
        let bytes = match format {
            RopaFormat::Json => {
                let doc = self.ropa_document(activities)?;
                serde_json::to_vec_pretty(&doc)
                    .map_err(|e| AppError::Io(format!("the export could not be written: {e}")))?
            }
            RopaFormat::Csv | RopaFormat::Xlsx => {
                let orgs: Vec<Organisation> =
                    self.entries_in_force::<Organisation>(None, false)?.into_iter().map(|o| o.entry).collect();
                let names = self.ropa_names(true)?;
                let acts: Vec<Activity> = activities.into_iter().map(|a| a.entry).collect();
                let table = ropa::export(&acts, &orgs, &names);
                if format == RopaFormat::Csv { formats::write_csv(&table)? } else { formats::write_xlsx(&table)? }
            }
        };
        self.store.audit(&self.event(
            ctx,
            Action::RopaExport,
            "",
            Outcome::Success,
            format!("format={} activities={count}", format.as_str()),
        ))?;
        Ok(RopaFile {
            bytes,
            format,
            filename: format!("record-of-processing-{}.{}", self.today(), format.as_str()),
            activities: count,
        })
    }

    /// The record of processing with everything each activity links to, in full, for
    /// the JSON export and the board's report. Needs the registers permission.
    pub fn ropa_linked(&self, ctx: &Context) -> AppResult<RopaDocument> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Activity, "")?;
        let activities = self.entries_in_force::<Activity>(None, false)?;
        self.ropa_document(activities)
    }

    fn ropa_document(&self, activities: Vec<StoredOf<Activity>>) -> AppResult<RopaDocument> {
        fn by_id<E: Entry>(list: Vec<StoredOf<E>>) -> HashMap<String, StoredOf<E>> {
            list.into_iter().map(|e| (e.id.clone(), e)).collect()
        }
        fn pick<T: Clone>(ids: &[String], all: &HashMap<String, T>) -> Vec<T> {
            ids.iter().filter_map(|id| all.get(id).cloned()).collect()
        }
        let organisations = self.entries_in_force::<Organisation>(None, true)?;
        let orgs = by_id(organisations.clone());
        let processors = by_id(self.entries_in_force::<Processor>(None, true)?);
        let transfers = by_id(self.entries_in_force::<Transfer>(None, true)?);
        let notices = by_id(self.entries_in_force::<Notice>(None, true)?);
        let sharing = by_id(self.entries_in_force::<SharingAgreement>(None, true)?);
        let systems: HashMap<String, System> = self
            .store
            .systems()?
            .into_iter()
            .map(System::from_row)
            .map(|s| s.map(|s| (s.id.clone(), s)))
            .collect::<AppResult<_>>()?;
        let schedule = self.active_schedule()?;
        let rules: HashMap<String, RetentionView> = schedule
            .iter()
            .flat_map(|(_, s)| s.record_types.iter())
            .map(|t| {
                (
                    t.id.clone(),
                    RetentionView {
                        id: t.id.clone(),
                        name: t.name.clone(),
                        rule: t.rule.to_string(),
                        exceptions: t
                            .exceptions
                            .iter()
                            .map(|e| RetentionException { when: e.when.clone(), rule: e.rule.to_string() })
                            .collect(),
                        source: t.source.clone(),
                    },
                )
            })
            .collect();
        let activities = activities
            .into_iter()
            .map(|a| LinkedActivity {
                controllers: pick(&a.entry.controller_ids, &orgs),
                systems: pick(&a.entry.system_ids, &systems),
                processors: pick(&a.entry.processor_ids, &processors),
                transfers: pick(&a.entry.transfer_ids, &transfers),
                retention: pick(&a.entry.retention_record_types, &rules),
                notices: pick(&a.entry.notice_ids, &notices),
                sharing_agreements: pick(&a.entry.sharing_agreement_ids, &sharing),
                activity: a,
            })
            .collect();
        Ok(RopaDocument {
            exported_at: self.now_text(),
            organisations: organisations.into_iter().filter(|o| !o.retired).collect(),
            activities,
        })
    }

    /// Import the record of processing from a spreadsheet or CSV file laid out as the
    /// export lays it out (columns in any order; columns left out keep an activity's
    /// current values). Activities are matched to the register by name: a match is
    /// changed (a new version), anything else added. Every row is checked as if typed
    /// in, and any problem means nothing is written; with `dry_run` nothing is written
    /// either way. Needs to manage the registers; a real import is audited.
    pub fn import_ropa(
        &self,
        ctx: &Context,
        bytes: &[u8],
        format: RopaFormat,
        dry_run: bool,
    ) -> AppResult<RopaImportReport> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::Activity, "")?;
        if bytes.len() > MAX_ROPA_IMPORT_BYTES {
            return Err(AppError::Invalid(FieldError::new(
                "file",
                format!(
                    "is larger than the limit of {} MB for a record of processing",
                    MAX_ROPA_IMPORT_BYTES / 1_048_576
                ),
            )));
        }
        let table = read_table(bytes, format)?;
        let names = self.ropa_names(false)?;
        let (parsed, mut problems) = ropa::parse(&table, &names);
        let existing: HashMap<String, StoredOf<Activity>> =
            self.entries_in_force::<Activity>(None, false)?.into_iter().map(|a| (fold(&a.entry.name), a)).collect();
        let mut report = RopaImportReport { dry_run, ..RopaImportReport::default() };
        let mut changes: Vec<(Option<&StoredOf<Activity>>, Activity)> = Vec::new();
        for p in &parsed {
            let old = existing.get(&fold(&p.activity.name));
            let merged = ropa::merge(old.map_or(&Activity::default(), |o| &o.entry), p);
            let checked = match self.checked(merged) {
                Ok(a) => a,
                Err(AppError::InvalidAll(all)) => {
                    problems.extend(all.iter().map(|e| p.locate(e)));
                    continue;
                }
                Err(AppError::Invalid(e)) => {
                    problems.push(p.locate(&e));
                    continue;
                }
                Err(other) => return Err(other),
            };
            match old {
                Some(o) if o.entry == checked => report.unchanged += 1,
                Some(o) => {
                    report.activities_changed += 1;
                    report.changed.push(checked.name.clone());
                    changes.push((Some(o), checked));
                }
                None => {
                    report.activities_added += 1;
                    report.added.push(checked.name.clone());
                    changes.push((None, checked));
                }
            }
        }
        if parsed.is_empty() && problems.is_empty() {
            problems.push(Problem {
                row: table.len() as u64,
                column: String::new(),
                message: "the file has column headings but no activities below them".into(),
            });
        }
        problems.sort_by_key(|p| p.row);
        if problems.len() > MAX_PROBLEMS {
            let more = problems.len() - MAX_PROBLEMS;
            problems.truncate(MAX_PROBLEMS);
            problems.push(Problem {
                row: 0,
                column: String::new(),
                message: format!("and {more} more problems not listed: put these right and check the file again"),
            });
        }
        report.problems = problems;
        if dry_run || !report.problems.is_empty() {
            return Ok(report);
        }
        let now = self.now_text();
        let mut rows = Vec::with_capacity(changes.len());
        let mut events = Vec::with_capacity(changes.len() + 1);
        for (old, entry) in changes {
            let (id, version, change) = match old {
                Some(o) => (o.id.clone(), o.version + 1, RegisterChange::Update),
                None => (uuid::Uuid::now_v7().to_string(), 1, RegisterChange::Create),
            };
            let body = serde_json::to_string(&entry)
                .map_err(|e| AppError::Io(format!("an activity could not be written: {e}")))?;
            events.push(self.event(
                ctx,
                Action::for_register(RegisterKind::Activity, change),
                &id,
                Outcome::Success,
                format!("version={version} source=import"),
            ));
            rows.push(EntryRow {
                kind: RegisterKind::Activity.as_str().into(),
                id,
                version,
                title: entry.title().to_string(),
                body,
                retired: false,
                changed_at: now.clone(),
                changed_by: ctx.actor.clone(),
            });
        }
        events.push(self.event(
            ctx,
            Action::RopaImport,
            "",
            Outcome::Success,
            format!(
                "format={} added={} changed={} unchanged={}",
                format.as_str(),
                report.activities_added,
                report.activities_changed,
                report.unchanged
            ),
        ));
        self.store.save_entries(&rows, &events).map_err(|e| match e {
            steward_store::StoreError::Conflict(m) | steward_store::StoreError::Constraint(m) => AppError::Conflict(
                format!("the register changed while the file was imported ({m}): nothing was imported; try again"),
            ),
            other => AppError::from(other),
        })?;
        report.imported = true;
        Ok(report)
    }
}

/// A name folded for matching (as the table matches names).
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}
