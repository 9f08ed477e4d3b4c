//! The retention schedule in force and its saved versions: reading it (parsed once per
//! version), saving a new one (checked, audited and mirrored to the data directory's
//! file), and working out again the destroy-by dates of the records whose rules changed
//! (UK GDPR Art 5(1)(e) storage limitation, Art 5(2) accountability).

use super::{
    BULK_RECOMPUTE, MAX_SCHEDULE, PENDING_RECOMPUTE, RECOMPUTE_PAGE, RecordTypeInfo, ScheduleInfo, ScheduleSaved,
    ScheduleVersion, StoredFacts, all_fingerprint, invalid, schedule_problems, type_fingerprint, without_birth_date,
};
use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use steward_core::Permission;
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::retention::{Facts, Schedule};

impl App {
    /// The schedule in force and its version, parsed once per version.
    pub fn active_schedule(&self) -> AppResult<Option<(i64, Arc<Schedule>)>> {
        let Some(row) = self.store.current_schedule()? else { return Ok(None) };
        let mut cache = self.schedule_cache.lock().map_err(|_| AppError::Io("schedule cache poisoned".into()))?;
        if let Some((v, s)) = cache.as_ref()
            && *v == row.version
        {
            return Ok(Some((*v, s.clone())));
        }
        let parsed = Schedule::from_toml(&row.toml)
            .map_err(|e| AppError::Store(steward_store::StoreError::Corrupt(format!("saved schedule: {e}"))))?;
        let parsed = Arc::new(parsed);
        *cache = Some((row.version, parsed.clone()));
        Ok(Some((row.version, parsed)))
    }

    pub(crate) fn require_schedule(&self) -> AppResult<(i64, Arc<Schedule>)> {
        self.active_schedule()?.ok_or_else(|| {
            AppError::Conflict(
                "no retention schedule is in force: choose a template (steward init --template, or Retention → \
                 Schedule) first"
                    .into(),
            )
        })
    }

    /// The schedule in force, for reading.
    pub fn schedule_info(&self, ctx: &Context) -> AppResult<Option<ScheduleInfo>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::RetentionSchedule, "")?;
        let Some(row) = self.store.current_schedule()? else { return Ok(None) };
        let (_, s) = self.require_schedule()?;
        Ok(Some(ScheduleInfo {
            version: row.version,
            name: s.name.clone(),
            description: s.description.clone(),
            source: row.source,
            saved_at: row.saved_at,
            saved_by: row.saved_by,
            applies_to_all: s
                .applies_to_all
                .iter()
                .map(|m| {
                    let what = match m {
                        steward_core::retention::schedule::Modifier::Extend { period, .. } => {
                            format!("adds {period}")
                        }
                        steward_core::retention::schedule::Modifier::LaterOf { rule, .. } => {
                            format!("the later of the rule's date and {rule}")
                        }
                    };
                    (m.when().to_string(), what)
                })
                .collect(),
            record_types: s
                .record_types
                .iter()
                .map(|rt| RecordTypeInfo {
                    id: rt.id.clone(),
                    name: rt.name.clone(),
                    rule: rt.rule.to_string(),
                    exceptions: rt.exceptions.iter().map(|e| (e.when.clone(), e.rule.to_string())).collect(),
                    source: rt.source.clone(),
                    review_before_use: rt.review_before_use,
                    automatic_disposal: rt.automatic_disposal,
                    method: rt.method.clone(),
                })
                .collect(),
            toml: row.toml,
        }))
    }

    /// Every saved version, newest first.
    pub fn schedule_versions(&self, ctx: &Context) -> AppResult<Vec<ScheduleVersion>> {
        self.require(ctx, Permission::ReadRegisters, ObjectType::RetentionSchedule, "")?;
        Ok(self
            .store
            .schedule_versions()?
            .into_iter()
            .map(|r| ScheduleVersion {
                version: r.version,
                name: r.name,
                source: r.source,
                saved_at: r.saved_at,
                saved_by: r.saved_by,
            })
            .collect())
    }

    /// Where the schedule is mirrored as a file (the data directory's), once known.
    pub fn set_schedule_file(&self, path: PathBuf) {
        let _ = self.schedule_file.set(path);
    }

    /// Save a new schedule (DPO only: `ManageRetention`): checked first (every problem named by
    /// record type and field), refused if it drops a record type records still use,
    /// audited, mirrored to the data directory's file, and every record whose rule
    /// changed is recomputed.
    pub fn save_schedule(&self, ctx: &Context, toml: &str, source: &str) -> AppResult<ScheduleSaved> {
        self.require(ctx, Permission::ManageRetention, ObjectType::RetentionSchedule, "")?;
        if toml.len() > MAX_SCHEDULE {
            return Err(invalid("schedule", format!("is larger than {} KiB", MAX_SCHEDULE / 1024)));
        }
        let new = Schedule::from_toml(toml).map_err(|e| AppError::Invalid(schedule_problems(&e)))?;
        let old = self.active_schedule()?;
        let mut changed = Vec::new();
        let all;
        if let Some((_, old)) = &old {
            if old.as_ref() == &new {
                return Err(AppError::Conflict("the schedule is unchanged".into()));
            }
            for rt in &old.record_types {
                if new.record_type(&rt.id).is_none() {
                    let n = self.store.count_records_of_type(&rt.id)?;
                    if n > 0 {
                        return Err(invalid(
                            "schedule",
                            format!(
                                "record type '{}' is left out, but {n} record(s) in the inventory use it; keep it \
                                 or change those records' type first",
                                rt.id
                            ),
                        ));
                    }
                }
            }
            all = all_fingerprint(old) != all_fingerprint(&new);
            for rt in &new.record_types {
                let before = old.record_type(&rt.id).map(type_fingerprint);
                if all || before.as_deref() != Some(type_fingerprint(rt).as_str()) {
                    changed.push(rt.id.clone());
                }
            }
        } else {
            all = true;
        }
        let detail = format!("source={source} name_len={} changed_types={}", new.name.len(), changed.len());
        let ev = self.event(ctx, Action::RetentionScheduleSave, "", Outcome::Success, detail);
        // Noted first, so that a recompute cut short is finished by the daily sweep.
        let pending = if all { "*".to_string() } else { changed.join(",") };
        self.store.put_settings(&[(PENDING_RECOMPUTE, &pending)], None)?;
        let version = self.store.save_schedule(&new.name, toml, source, &ctx.actor, &ev)?;
        self.mirror_schedule_file(toml);
        let types = if all { None } else { Some(changed.as_slice()) };
        let recomputed = self.recompute_records(ctx, types)?;
        self.store.put_settings(&[(PENDING_RECOMPUTE, "")], None)?;
        let changed_types = if all { new.record_types.iter().map(|r| r.id.clone()).collect() } else { changed };
        Ok(ScheduleSaved { version, changed_types, recomputed })
    }

    /// Put template `name` in force.
    pub fn use_schedule_template(&self, ctx: &Context, name: &str) -> AppResult<ScheduleSaved> {
        let text = steward_core::retention::schedule::template(name).ok_or_else(|| {
            let names: Vec<&str> = steward_core::retention::schedule::TEMPLATES.iter().map(|(n, _)| *n).collect();
            invalid("template", format!("no template is named {name:?}; the templates are {}", names.join(", ")))
        })?;
        self.save_schedule(ctx, text, &format!("template:{name}"))
    }

    fn mirror_schedule_file(&self, toml: &str) {
        let Some(path) = self.schedule_file.get() else { return };
        let tmp = path.with_extension("toml.new");
        let written = std::fs::write(&tmp, toml).and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not mirror the retention schedule to the data directory");
        }
    }

    /// At start: mirror the schedule to `path`, or take the file's schedule when it was
    /// edited by hand (it must be valid: the server refuses to start otherwise).
    pub fn sync_schedule_file(&self, path: &Path) -> AppResult<()> {
        self.set_schedule_file(path.to_path_buf());
        let current = self.store.current_schedule()?;
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if current.as_ref().is_some_and(|c| c.toml == text) {
                    return Ok(());
                }
                match self.save_schedule(&Context::system(), &text, "file") {
                    Ok(_) | Err(AppError::Conflict(_)) if current.is_some() => {
                        // Unchanged in meaning (only comments or spacing differ): keep the
                        // saved text and rewrite the file to match it.
                        if let Some(c) = self.store.current_schedule()? {
                            self.mirror_schedule_file(&c.toml);
                        }
                        Ok(())
                    }
                    Ok(_) => Ok(()),
                    Err(e) => Err(e),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(c) = current {
                    self.mirror_schedule_file(&c.toml);
                }
                Ok(())
            }
            Err(e) => Err(AppError::Io(format!("cannot read {}: {e}", path.display()))),
        }
    }

    /// Recompute the dates of records of `types` (all when `None`) under the schedule in
    /// force, page by page; returns how many were recomputed. Resumable: records already
    /// computed under this version are skipped.
    pub fn recompute_records(&self, ctx: &Context, types: Option<&[String]>) -> AppResult<u64> {
        let Some((version, schedule)) = self.active_schedule()? else { return Ok(0) };
        // Two stages on two threads: one reads and evaluates page after page while the
        // other writes the previous page, so evaluation and SQLite's writes overlap.
        type Page = (Vec<steward_store::retention::StaleRecord>, Vec<String>);
        let (tx, rx) = std::sync::mpsc::sync_channel::<AppResult<Page>>(2);
        let mut total = 0u64;
        // Rewriting most dates of a large inventory: rebuild the destroy-by index once at
        // the end instead of moving every entry in it. Whether most dates move is judged
        // from the first page (a typical change moves few, and then the index stays).
        let large = types.is_none() && self.store.count_stale(version)? >= BULK_RECOMPUTE;
        let mut bulk = false;
        std::thread::scope(|scope| -> AppResult<()> {
            let schedule = &schedule;
            scope.spawn(move || {
                if let Err(e) = self.evaluate_stale_pages(schedule, version, types, &tx) {
                    let _ = tx.send(Err(e));
                }
            });
            for page in rx {
                let (changed, unchanged) = page?;
                if large && total == 0 && changed.len() > unchanged.len() {
                    self.store.drop_due_index()?;
                    bulk = true;
                }
                total += (changed.len() + unchanged.len()) as u64;
                self.store.save_recomputed(&changed, &unchanged, version)?;
            }
            Ok(())
        })
        .and_then(|()| if bulk { self.store.ensure_due_index().map_err(AppError::from) } else { Ok(()) })
        .or_else(|e| {
            // Whatever failed, the index is put back.
            if bulk {
                self.store.ensure_due_index()?;
            }
            Err(e)
        })?;
        if total > 0 {
            self.store.audit(&self.event(
                ctx,
                Action::RetentionRecompute,
                "",
                Outcome::Success,
                format!("version={version} records={total}"),
            ))?;
        }
        Ok(total)
    }

    /// Read every record still computed under an older version than `version`, page by
    /// page, and send each page's records whose outcome moved (in full) and those whose
    /// did not (ids only).
    fn evaluate_stale_pages(
        &self,
        schedule: &Schedule,
        version: i64,
        types: Option<&[String]>,
        tx: &std::sync::mpsc::SyncSender<AppResult<(Vec<steward_store::retention::StaleRecord>, Vec<String>)>>,
    ) -> AppResult<()> {
        let mut after = String::new();
        let mut births: HashMap<String, Option<Date>> = HashMap::new();
        let mut needs_birth: HashMap<String, bool> = HashMap::new();
        loop {
            let page = self.store.records_stale_facts(types, version, &after, RECOMPUTE_PAGE)?;
            let Some(last) = page.last() else { return Ok(()) };
            after = last.id.clone();
            // Only records whose outcome moved are rewritten in full; the rest only get
            // the new version (most records, when a schedule change touches a rare flag).
            let mut changed = Vec::new();
            let mut unchanged = Vec::new();
            for mut r in page {
                let facts: StoredFacts = serde_json::from_str(&r.facts).unwrap_or_default();
                let needs = match needs_birth.get(&r.record_type) {
                    Some(n) => *n,
                    None => {
                        let n = self.rule_needs_birth(schedule, &r.record_type);
                        needs_birth.insert(r.record_type.clone(), n);
                        n
                    }
                };
                let dob = match &r.subject_id {
                    Some(s) if needs => match births.get(s) {
                        Some(d) => *d,
                        None => {
                            let d = self.birth_date(s)?;
                            births.insert(s.clone(), d);
                            d
                        }
                    },
                    _ => None,
                };
                let f = Facts { events: facts.events, flags: facts.flags, date_of_birth: dob };
                // Facts were checked on entry; evaluate without re-refusing (a record
                // whose type vanished keeps its old date).
                let Ok(o) = schedule.evaluate(&r.record_type, &f) else {
                    unchanged.push(r.id);
                    continue;
                };
                let destroy_on = o.destroy_on.map(|d| d.to_string());
                let missing = o.missing.join(",");
                let explanation = without_birth_date(&o.explanation, dob);
                if destroy_on == r.destroy_on
                    && o.permanent == r.permanent
                    && missing == r.missing
                    && o.rule == r.rule
                    && explanation == r.explanation
                {
                    unchanged.push(r.id);
                } else {
                    r.destroy_on = destroy_on;
                    r.permanent = o.permanent;
                    r.missing = missing;
                    r.rule = o.rule;
                    r.explanation = explanation;
                    changed.push(r);
                }
            }
            if tx.send(Ok((changed, unchanged))).is_err() {
                // The writer stopped on an error of its own, which it reports.
                return Ok(());
            }
        }
    }
}
