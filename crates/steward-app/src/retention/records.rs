//! The records inventory: adding, changing, importing and listing records, each with
//! its destroy-by date worked out from the schedule and the record's facts, and why
//! (UK GDPR Art 5(1)(e): kept no longer than necessary).

use super::{
    HoldIndex, Location, LocationInput, Lookups, MAX_RECORD_LIMIT, MAX_RECORD_OFFSET, NewRecord, Record, RecordPage,
    RecordPatch, RecordQuery, StoredFacts, SubjectState, invalid, label, without_birth_date,
};
use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use std::collections::{BTreeMap, BTreeSet};
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::retention::{Facts, Schedule};
use steward_store::{RecordFilter, RecordRow, SubjectLookup};

impl App {
    pub(super) fn rule_needs_birth(&self, schedule: &Schedule, record_type: &str) -> bool {
        let Some(rt) = schedule.record_type(record_type) else { return false };
        let mentions = |s: String| s.contains("age") || s.contains("same_as");
        mentions(rt.rule.to_string())
            || rt.exceptions.iter().any(|e| mentions(e.rule.to_string()))
            || schedule.applies_to_all.iter().any(|m| mentions(format!("{m:?}")))
    }

    /// A subject's date of birth from the vault (not shown to anyone, so not a view).
    pub(super) fn birth_date(&self, subject_id: &str) -> AppResult<Option<Date>> {
        match self.store.subject(subject_id)? {
            SubjectLookup::Found(row) => Ok(self.open_row(&row)?.date_of_birth),
            _ => Ok(None),
        }
    }

    /// A subject's standing (and date of birth), looked up once per `lookups`.
    fn lookup_subject(&self, id: &str, lookups: &mut Lookups) -> AppResult<SubjectState> {
        if let Some(s) = lookups.subjects.get(id) {
            return Ok(*s);
        }
        let state = match self.store.subject(id)? {
            SubjectLookup::Found(row) => SubjectState::Found(self.open_row(&row)?.date_of_birth),
            SubjectLookup::Erased(_) => SubjectState::Erased,
            SubjectLookup::NotFound => SubjectState::Missing,
        };
        lookups.subjects.insert(id.to_string(), state);
        Ok(state)
    }

    fn check_subject(&self, field: &str, id: &str, lookups: &mut Lookups) -> AppResult<Option<Date>> {
        match self.lookup_subject(id, lookups)? {
            SubjectState::Found(dob) => Ok(dob),
            SubjectState::Erased => Err(invalid(field, "names an erased subject")),
            SubjectState::Missing => Err(invalid(field, "names no subject on record")),
        }
    }

    fn resolve_location(&self, loc: Option<&LocationInput>) -> AppResult<(Option<String>, String)> {
        self.resolve_location_with(loc, &mut Lookups::default())
    }

    fn resolve_location_with(
        &self,
        loc: Option<&LocationInput>,
        lookups: &mut Lookups,
    ) -> AppResult<(Option<String>, String)> {
        match loc {
            None => Ok((None, String::new())),
            Some(LocationInput::Text(t)) => Ok((None, label("location", t)?)),
            Some(LocationInput::System { system_id, system, detail }) => {
                let detail = label("location.detail", detail)?;
                let by_name = match (system_id.as_deref().map(str::trim), system.as_deref().map(str::trim)) {
                    (None | Some(""), Some(name)) if !name.is_empty() => Some(
                        self.store
                            .systems()?
                            .into_iter()
                            .find(|s| s.name.eq_ignore_ascii_case(name))
                            .map(|s| s.id)
                            .ok_or_else(|| invalid("location.system", "names no system in the register"))?,
                    ),
                    _ => None,
                };
                let system_id = match by_name.as_deref().or(system_id.as_deref()).map(str::trim) {
                    None | Some("") => None,
                    Some(id) => {
                        let known = match lookups.systems.get(id) {
                            Some(k) => *k,
                            None => {
                                let k = self.store.system(id)?.is_some();
                                lookups.systems.insert(id.to_string(), k);
                                k
                            }
                        };
                        if !known {
                            return Err(invalid("location.system_id", "names no system in the register"));
                        }
                        Some(id.to_string())
                    }
                };
                Ok((system_id, detail))
            }
        }
    }

    /// Check and compute a new record without saving it (the import's dry run uses this).
    pub(crate) fn prepare_record(
        &self,
        ctx: &Context,
        schedule: &Schedule,
        version: i64,
        input: &NewRecord,
    ) -> AppResult<RecordRow> {
        self.prepare_record_with(ctx, schedule, version, input, &mut Lookups::default())
    }

    /// [`App::prepare_record`] with subjects and systems looked up once across many
    /// records (an import).
    pub(crate) fn prepare_record_with(
        &self,
        ctx: &Context,
        schedule: &Schedule,
        version: i64,
        input: &NewRecord,
        lookups: &mut Lookups,
    ) -> AppResult<RecordRow> {
        let record_type = input.record_type.trim();
        if record_type.is_empty() {
            return Err(invalid("record_type", "is required"));
        }
        if schedule.record_type(record_type).is_none() {
            return Err(invalid(
                "record_type",
                format!("'{record_type}' is not a record type of the schedule in force ({})", schedule.name),
            ));
        }
        let dob = match &input.subject_id {
            Some(s) => self.check_subject("subject_id", s, lookups)?,
            None => None,
        };
        let mut others = Vec::new();
        for (i, s) in input.other_subject_ids.iter().enumerate() {
            self.check_subject(&format!("other_subject_ids[{i}]"), s, lookups)?;
            if Some(s) != input.subject_id.as_ref() && !others.contains(s) {
                others.push(s.clone());
            }
        }
        let (system_id, location) = self.resolve_location_with(input.location.as_ref(), lookups)?;
        let (storage, document_id) = match &input.document_id {
            None => ("external", None),
            Some(doc) => {
                let subject = input
                    .subject_id
                    .as_deref()
                    .ok_or_else(|| invalid("document_id", "a vault document needs the subject_id it belongs to"))?;
                if !self.store.document_exists(subject, doc)? {
                    return Err(invalid("document_id", "names no document in that subject's file"));
                }
                ("vault", Some(doc.clone()))
            }
        };
        let flags: BTreeSet<String> = input.flags.iter().map(|f| f.trim().to_string()).collect();
        let mut row = RecordRow {
            id: uuid::Uuid::now_v7().to_string(),
            record_type: record_type.to_string(),
            reference: label("reference", &input.reference)?,
            subject_id: input.subject_id.clone(),
            other_subjects: others.join(","),
            system_id,
            location,
            storage: storage.into(),
            document_id,
            facts: String::new(),
            destroy_on: None,
            permanent: false,
            missing: String::new(),
            rule: String::new(),
            explanation: String::new(),
            schedule_version: version,
            status: "kept".into(),
            created_at: self.now_text(),
            created_by: ctx.actor.clone(),
            updated_at: self.now_text(),
            destroyed_on: None,
        };
        self.compute(schedule, &mut row, input.events.clone(), flags, dob)?;
        Ok(row)
    }

    /// Evaluate `row` with these facts and store them and the outcome in it.
    fn compute(
        &self,
        schedule: &Schedule,
        row: &mut RecordRow,
        events: BTreeMap<String, Date>,
        flags: BTreeSet<String>,
        dob: Option<Date>,
    ) -> AppResult<()> {
        let facts = Facts { events, flags, date_of_birth: dob };
        let o = schedule.evaluate(&row.record_type, &facts).map_err(|e| match e {
            steward_core::retention::schedule::EvaluateError::UnknownRecordType(t) => {
                invalid("record_type", format!("'{t}' is not a record type of the schedule in force"))
            }
            steward_core::retention::schedule::EvaluateError::Facts(f) => {
                let field = match &f {
                    steward_core::retention::FactError::UnknownFlag(_) => "flags",
                    _ => "events",
                };
                // The birth date itself is not repeated in the message.
                let msg = match (&f, dob) {
                    (steward_core::retention::FactError::BeforeBirth { event, on, .. }, Some(_)) => {
                        format!("event {event} ({on}) is before the subject's date of birth")
                    }
                    _ => f.to_string(),
                };
                invalid(field, msg)
            }
        })?;
        row.facts = serde_json::to_string(&StoredFacts { events: facts.events, flags: facts.flags })
            .map_err(|e| AppError::Io(format!("cannot encode facts: {e}")))?;
        row.destroy_on = o.destroy_on.map(|d| d.to_string());
        row.permanent = o.permanent;
        row.missing = o.missing.join(",");
        row.rule = o.rule;
        row.explanation = without_birth_date(&o.explanation, dob);
        Ok(())
    }

    /// Add a record to the inventory; its destroy-by date is computed at once.
    pub fn create_record(&self, ctx: &Context, input: NewRecord) -> AppResult<Record> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::Record, "")?;
        let (version, schedule) = self.require_schedule()?;
        let row = self.prepare_record(ctx, &schedule, version, &input)?;
        let ev = self.event(
            ctx,
            Action::RecordCreate,
            &row.id,
            Outcome::Success,
            format!("type={} storage={}", row.record_type, row.storage),
        );
        self.store.insert_records(std::slice::from_ref(&row), &[ev])?;
        self.record_view(&schedule, row, &HoldIndex::new(&self.store.standing_holds()?))
    }

    /// One record.
    pub fn record(&self, ctx: &Context, id: &str) -> AppResult<Record> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Record, id)?;
        let row = self.store.record(id)?.ok_or_else(|| AppError::NotFound(format!("record {id}")))?;
        let (_, schedule) = self.require_schedule()?;
        self.record_view(&schedule, row, &HoldIndex::new(&self.store.standing_holds()?))
    }

    /// Change a record's facts, reference, location or type; the date is recomputed.
    pub fn update_record(&self, ctx: &Context, id: &str, patch: RecordPatch) -> AppResult<Record> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::Record, id)?;
        let (version, schedule) = self.require_schedule()?;
        let mut row = self.store.record(id)?.ok_or_else(|| AppError::NotFound(format!("record {id}")))?;
        if row.status == "destroyed" {
            return Err(AppError::Conflict("the record was destroyed; it cannot be changed".into()));
        }
        let stored: StoredFacts = serde_json::from_str(&row.facts).unwrap_or_default();
        let mut events = stored.events;
        if let Some(changes) = patch.events {
            for (k, v) in changes {
                match v {
                    Some(d) => {
                        events.insert(k, d);
                    }
                    None => {
                        events.remove(&k);
                    }
                }
            }
        }
        let flags = match patch.flags {
            Some(f) => f.iter().map(|f| f.trim().to_string()).collect(),
            None => stored.flags,
        };
        if let Some(t) = patch.record_type {
            let t = t.trim().to_string();
            if schedule.record_type(&t).is_none() {
                return Err(invalid("record_type", format!("'{t}' is not a record type of the schedule in force")));
            }
            row.record_type = t;
        }
        if let Some(r) = patch.reference {
            row.reference = label("reference", &r)?;
        }
        if let Some(loc) = patch.location {
            let (system_id, detail) = self.resolve_location(Some(&loc))?;
            row.system_id = system_id;
            row.location = detail;
        }
        let before = (row.destroy_on.clone(), row.permanent);
        let dob = match &row.subject_id {
            Some(s) => self.birth_date(s)?,
            None => None,
        };
        self.compute(&schedule, &mut row, events, flags, dob)?;
        row.schedule_version = version;
        row.updated_at = self.now_text();
        let moved = before != (row.destroy_on.clone(), row.permanent);
        let ev = self.event(
            ctx,
            Action::RecordUpdate,
            id,
            Outcome::Success,
            format!("type={} date_changed={moved}", row.record_type),
        );
        if !self.store.update_record(&row, &ev)? {
            return Err(AppError::NotFound(format!("record {id}")));
        }
        self.record_view(&schedule, row, &HoldIndex::new(&self.store.standing_holds()?))
    }

    /// The inventory, filtered.
    pub fn records(&self, ctx: &Context, q: &RecordQuery) -> AppResult<RecordPage> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::Record, "")?;
        let (_, schedule) = self.require_schedule()?;
        let holds = self.store.standing_holds()?;
        let mut f = RecordFilter {
            record_type: q.record_type.clone(),
            system_id: q.system_id.clone(),
            location: q.location.clone().filter(|l| !l.trim().is_empty()),
            subject_id: q.subject_id.clone(),
            due_to: q.due_before.map(|d| d.to_string()),
            missing: q.missing,
            status: q.status.clone(),
            limit: match q.limit {
                None => 100,
                Some(n) if (1..=MAX_RECORD_LIMIT).contains(&n) => n,
                Some(_) => return Err(invalid("limit", format!("must be a number from 1 to {MAX_RECORD_LIMIT}"))),
            },
            offset: match q.offset {
                None => 0,
                Some(n) if n <= MAX_RECORD_OFFSET => n,
                Some(_) => return Err(invalid("offset", format!("must be a number from 0 to {MAX_RECORD_OFFSET}"))),
            },
            ..RecordFilter::default()
        };
        if let Some(m) = q.due_month.as_deref().filter(|m| !m.is_empty()) {
            let first: Date = format!("{m}-01").parse().map_err(|_| invalid("due_month", "must be YYYY-MM"))?;
            let last = first.last_of_month();
            f.due_from = Some(first.to_string());
            f.due_to = Some(match q.due_before {
                Some(d) if d < last => d.to_string(),
                _ => last.to_string(),
            });
        }
        if q.held {
            let mut held = steward_store::retention::HeldSets::default();
            for h in &holds {
                match h.scope.as_str() {
                    "record" => held.ids.push(h.target.clone()),
                    "record_type" => held.types.push(h.target.clone()),
                    _ => held.subjects.push(h.target.clone()),
                }
            }
            f.held = Some(held);
        }
        let (rows, total) = self.store.records(&f)?;
        let ix = HoldIndex::new(&holds);
        let records = rows.into_iter().map(|r| self.record_view(&schedule, r, &ix)).collect::<AppResult<_>>()?;
        Ok(RecordPage { records, total })
    }

    /// The erasure-journal entry for destroying a vault record's document (none for a
    /// record kept elsewhere), so a restore of an older backup destroys it again (ADR
    /// 0003's guarantee, for retention disposals). Made with [`App::journalled`].
    pub(crate) fn document_destruction(&self, record: &RecordRow) -> Option<crate::journal::Entry> {
        let (Some(document_id), Some(subject_id)) = (&record.document_id, &record.subject_id) else {
            return None;
        };
        Some(crate::journal::Entry::Document(crate::journal::DocumentShred {
            document_id: document_id.clone(),
            subject_id: subject_id.clone(),
            record_id: record.id.clone(),
            destroyed_at: self.now_text(),
        }))
    }

    pub(crate) fn record_view(&self, schedule: &Schedule, r: RecordRow, holds: &HoldIndex) -> AppResult<Record> {
        let facts: StoredFacts = serde_json::from_str(&r.facts).unwrap_or_default();
        let destroy_on: Option<Date> = r.destroy_on.as_deref().and_then(|d| d.parse().ok());
        let system = match &r.system_id {
            Some(id) => self.store.system(id)?.map(|s| s.name),
            None => None,
        };
        let covering = holds.covering(&r);
        Ok(Record {
            record_type_name: schedule
                .record_type(&r.record_type)
                .map_or_else(|| r.record_type.clone(), |t| t.name.clone()),
            location: Location { system_id: r.system_id.clone(), system, detail: r.location.clone() },
            other_subject_ids: r.other_subjects.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            events: facts.events,
            flags: facts.flags.into_iter().collect(),
            destroy_month: destroy_on.map(|d| d.strftime("%b %Y").to_string()),
            destroy_on,
            missing: r.missing.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            held: !covering.is_empty(),
            holds: covering,
            id: r.id,
            record_type: r.record_type,
            reference: r.reference,
            subject_id: r.subject_id,
            storage: r.storage,
            document_id: r.document_id,
            permanent: r.permanent,
            rule: r.rule,
            explanation: r.explanation,
            status: r.status,
            schedule_version: r.schedule_version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            destroyed_on: r.destroyed_on,
        })
    }
}
