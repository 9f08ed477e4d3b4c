//! The versioned registers' use cases, one set for all of them: reading a register now or
//! as it stood on a past date, one entry and its history, the differences between two
//! dates, and adding, changing and retiring entries (each change a new version, audited,
//! its links checked). The entries and their rules are `steward_core::register`.
//!
//! Sources: UK GDPR Art 5(2) and Art 24(1) (accountability: show what was recorded and
//! when), Art 30(3)-(4) (the record in writing, available to the Commissioner).

use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use steward_core::FieldError;
use steward_core::audit::{Action, ObjectType, Outcome, RegisterChange, format_time};
use steward_core::register::entry::{Entry, LinkTarget, RegisterKind};
use steward_core::register::incident::Env;
use steward_store::{EntryRow, StoreError, SubjectLookup};
use utoipa::ToSchema;

/// An entry of a register as it stands (or stood): its fields, what follows from them,
/// and its version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Stored<E, D> {
    /// Id, the same for every version.
    pub id: String,
    /// Version: 1 when added, one more for each change.
    pub version: i64,
    /// The entry's fields.
    #[serde(flatten)]
    pub entry: E,
    /// What follows from them.
    #[serde(flatten)]
    pub derived: D,
    /// Whether it is retired (kept for history, no longer in use).
    pub retired: bool,
    /// When this version was saved (RFC 3339).
    pub updated_at: String,
    /// Who saved it, by name.
    pub updated_by: String,
}

/// An entry of register `E` as stored.
pub type StoredOf<E> = Stored<E, <E as Entry>::Derived>;

/// One version of an entry, for its history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionOf<E> {
    /// Its number.
    pub version: i64,
    /// When it was saved (RFC 3339).
    pub changed_at: String,
    /// Who saved it, by name.
    pub changed_by: String,
    /// Whether this version retired the entry.
    pub retired: bool,
    /// The fields that differ from the version before (all of them for the first).
    pub changed_fields: Vec<String>,
    /// The entry as this version saved it.
    pub entry: E,
}

/// One entry that differs between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DiffLine {
    /// The entry's id.
    pub id: String,
    /// Its name (at the later date, or the earlier if it was removed).
    pub title: String,
    /// For a changed entry: the fields that differ.
    pub fields: Vec<String>,
}

/// How a register differs between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RegisterDiff {
    /// The earlier date (`YYYY-MM-DD`, end of the day).
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    /// The later date.
    #[schema(value_type = String, format = Date)]
    pub to: Date,
    /// Entries in use at the later date but not the earlier.
    pub added: Vec<DiffLine>,
    /// Entries in use at the earlier date but not the later (retired since).
    pub removed: Vec<DiffLine>,
    /// Entries in use at both with different fields.
    pub changed: Vec<DiffLine>,
}

/// The stored instant before which everything saved on `date` (UK time) falls.
fn end_of(date: Date) -> AppResult<String> {
    let next = date.tomorrow().map_err(|_| AppError::Invalid(FieldError::new("as_of", "is too far in the future")))?;
    let zoned = next
        .to_zoned(steward_core::time::uk_zone())
        .map_err(|_| AppError::Invalid(FieldError::new("as_of", "is not a date Steward can place")))?;
    Ok(format_time(zoned.timestamp()))
}

fn object_type(kind: RegisterKind) -> ObjectType {
    ObjectType::from_code(kind.as_str()).unwrap_or(ObjectType::Settings)
}

/// The top-level fields whose values differ between two documents.
fn changed_fields(old: Option<&serde_json::Value>, new: &serde_json::Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let old = old.and_then(|o| o.as_object());
    let new = new.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = new.keys().chain(old.map(|o| o.keys()).into_iter().flatten()).collect();
    keys.into_iter().filter(|k| old.is_none_or(|o| o.get(*k) != new.get(*k))).map(|k| k.to_string()).collect()
}

fn corrupt(kind: RegisterKind) -> impl Fn(serde_json::Error) -> AppError {
    move |_| AppError::Store(StoreError::Corrupt(format!("a stored {} entry", kind.as_str())))
}

impl App {
    /// What derived facts are worked out from now: today, this instant, the organisation's
    /// calendar and its incident settings.
    pub fn register_env(&self) -> AppResult<Env> {
        let org = self.org_settings()?;
        Ok(Env {
            today: self.today(),
            now: self.now(),
            calendar: steward_core::calendar::Calendar::new(org.region),
            incidents: self.incident_settings()?,
        })
    }

    fn stored<E: Entry>(&self, row: EntryRow, names: &HashMap<String, String>, env: &Env) -> AppResult<StoredOf<E>> {
        let entry: E = serde_json::from_str(&row.body).map_err(corrupt(E::KIND))?;
        let derived = entry.derive_at(env);
        Ok(Stored {
            id: row.id,
            version: row.version,
            entry,
            derived,
            retired: row.retired,
            updated_at: row.changed_at,
            updated_by: names.get(&row.changed_by).cloned().unwrap_or_else(|| actor_word(&row.changed_by)),
        })
    }

    fn actor_map(&self) -> AppResult<HashMap<String, String>> {
        let mut names = HashMap::new();
        for u in self.store.users()? {
            names.insert(format!("user:{}", u.id), u.display_name);
        }
        for t in self.store.tokens()? {
            names.insert(format!("token:{}", t.id), format!("API token “{}”", t.name));
        }
        Ok(names)
    }

    /// The entries of register `E` in use now (or, with `as_of`, as the register stood at
    /// the end of that day, UK time), by name; retired ones too when `include_retired`.
    pub fn register_entries<E: Entry>(
        &self,
        ctx: &Context,
        as_of: Option<Date>,
        include_retired: bool,
    ) -> AppResult<Vec<StoredOf<E>>> {
        self.require(ctx, E::KIND.read_permission(), object_type(E::KIND), "")?;
        let all = self.entries_in_force::<E>(as_of, include_retired)?;
        if ctx.need_to_know_key().is_none() {
            return Ok(all);
        }
        let mut out = Vec::with_capacity(all.len());
        for e in all {
            if self.may_know_entry(ctx, &e.entry)? {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Whether `ctx` may see `entry`: always, unless it is about a person and `ctx` is a
    /// caseworker without a need to know that person.
    fn may_know_entry<E: Entry>(&self, ctx: &Context, entry: &E) -> AppResult<bool> {
        match (entry.subject(), ctx.need_to_know_key()) {
            (Some(s), Some(user)) => Ok(self.store.has_subject_access(s, user)?),
            _ => Ok(true),
        }
    }

    /// Refuse (audited) unless `ctx` may see `entry`.
    fn require_entry_known<E: Entry>(&self, ctx: &Context, entry: &E) -> AppResult<()> {
        match entry.subject() {
            Some(s) => self.require_need_to_know(ctx, s),
            None => Ok(()),
        }
    }

    /// The entries of register `E`, with no permission check: for the compliance check,
    /// the letters and the exports, which check their own.
    pub(crate) fn entries_in_force<E: Entry>(
        &self,
        as_of: Option<Date>,
        include_retired: bool,
    ) -> AppResult<Vec<StoredOf<E>>> {
        let until = as_of.map(end_of).transpose()?;
        let names = self.actor_map()?;
        let env = self.register_env()?;
        self.store
            .entries(E::KIND.as_str(), until.as_deref())?
            .into_iter()
            .filter(|r| include_retired || !r.retired)
            .map(|r| self.stored::<E>(r, &names, &env))
            .collect()
    }

    /// The names of every entry of register `kind` (retired ones too), by name: id, name
    /// and whether it is retired. For pickers and for naming linked entries.
    pub fn register_titles(&self, ctx: &Context, kind: RegisterKind) -> AppResult<Vec<(String, String, bool)>> {
        self.require(ctx, kind.read_permission(), object_type(kind), "")?;
        Ok(self.store.entries(kind.as_str(), None)?.into_iter().map(|r| (r.id, r.title, r.retired)).collect())
    }

    /// One entry of register `E`, as it stands.
    pub fn register_entry<E: Entry>(&self, ctx: &Context, id: &str) -> AppResult<StoredOf<E>> {
        self.require(ctx, E::KIND.read_permission(), object_type(E::KIND), id)?;
        let row = self.latest_row(E::KIND, id)?;
        let stored = self.stored::<E>(row, &self.actor_map()?, &self.register_env()?)?;
        self.require_entry_known(ctx, &stored.entry)?;
        Ok(stored)
    }

    fn latest_row(&self, kind: RegisterKind, id: &str) -> AppResult<EntryRow> {
        self.store.entry(kind.as_str(), id)?.ok_or_else(|| AppError::NotFound(format!("{} {id}", kind.noun())))
    }

    /// Every version of one entry, oldest first, each with the fields it changed.
    pub fn register_history<E: Entry>(&self, ctx: &Context, id: &str) -> AppResult<Vec<VersionOf<E>>> {
        self.require(ctx, E::KIND.read_permission(), object_type(E::KIND), id)?;
        let rows = self.store.entry_history(E::KIND.as_str(), id)?;
        let Some(last) = rows.last() else {
            return Err(AppError::NotFound(format!("{} {id}", E::KIND.noun())));
        };
        let latest: E = serde_json::from_str(&last.body).map_err(corrupt(E::KIND))?;
        self.require_entry_known(ctx, &latest)?;
        let names = self.actor_map()?;
        let mut out = Vec::with_capacity(rows.len());
        let mut before: Option<serde_json::Value> = None;
        let mut was_retired = false;
        for r in rows {
            let doc: serde_json::Value = serde_json::from_str(&r.body).map_err(corrupt(E::KIND))?;
            let mut fields = changed_fields(before.as_ref(), &doc);
            if r.retired != was_retired {
                fields.push("retired".into());
            }
            let entry: E = serde_json::from_value(doc.clone()).map_err(corrupt(E::KIND))?;
            out.push(VersionOf {
                version: r.version,
                changed_by: names.get(&r.changed_by).cloned().unwrap_or_else(|| actor_word(&r.changed_by)),
                changed_at: r.changed_at,
                retired: r.retired,
                changed_fields: fields,
                entry,
            });
            before = Some(doc);
            was_retired = r.retired;
        }
        Ok(out)
    }

    /// How register `E` differs between the ends of two days (UK time).
    pub fn register_diff<E: Entry>(&self, ctx: &Context, from: Date, to: Date) -> AppResult<RegisterDiff> {
        self.require(ctx, E::KIND.read_permission(), object_type(E::KIND), "")?;
        if to < from {
            return Err(AppError::Invalid(FieldError::new("to", "must be on or after the date compared from")));
        }
        let at = |d: Date| -> AppResult<HashMap<String, EntryRow>> {
            let until = end_of(d)?;
            Ok(self
                .store
                .entries(E::KIND.as_str(), Some(&until))?
                .into_iter()
                .filter(|r| !r.retired)
                .map(|r| (r.id.clone(), r))
                .collect())
        };
        let (old, new) = (at(from)?, at(to)?);
        let line = |r: &EntryRow, fields: Vec<String>| DiffLine { id: r.id.clone(), title: r.title.clone(), fields };
        let mut diff = RegisterDiff { from, to, added: vec![], removed: vec![], changed: vec![] };
        for (id, r) in &new {
            match old.get(id) {
                None => diff.added.push(line(r, vec![])),
                Some(o) if o.version != r.version => {
                    let a: serde_json::Value = serde_json::from_str(&o.body).map_err(corrupt(E::KIND))?;
                    let b: serde_json::Value = serde_json::from_str(&r.body).map_err(corrupt(E::KIND))?;
                    let fields = changed_fields(Some(&a), &b);
                    if !fields.is_empty() {
                        diff.changed.push(line(r, fields));
                    }
                }
                Some(_) => {}
            }
        }
        for (id, o) in &old {
            if !new.contains_key(id) {
                diff.removed.push(line(o, vec![]));
            }
        }
        for list in [&mut diff.added, &mut diff.removed, &mut diff.changed] {
            list.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
        }
        Ok(diff)
    }

    /// Add an entry to register `E`.
    pub fn register_create<E: Entry>(&self, ctx: &Context, entry: E) -> AppResult<StoredOf<E>> {
        self.require(ctx, E::CREATE, object_type(E::KIND), "")?;
        let entry = self.checked(entry)?;
        if entry.guarded().is_some() {
            self.require(ctx, E::GUARD, object_type(E::KIND), "")?;
        }
        self.require_entry_known(ctx, &entry)?;
        let id = uuid::Uuid::now_v7().to_string();
        self.save::<E>(ctx, &id, 1, entry, false, Action::for_register(E::KIND, RegisterChange::Create))
    }

    /// Change an entry of register `E` (every field replaced). With `expected_version`,
    /// a change made meanwhile by someone else is refused rather than overwritten.
    pub fn register_update<E: Entry>(
        &self,
        ctx: &Context,
        id: &str,
        entry: E,
        expected_version: Option<i64>,
    ) -> AppResult<StoredOf<E>> {
        self.require(ctx, E::CHANGE, object_type(E::KIND), id)?;
        let old = self.latest_row(E::KIND, id)?;
        let before: E = serde_json::from_str(&old.body).map_err(corrupt(E::KIND))?;
        self.require_entry_known(ctx, &before)?;
        if let Some(v) = expected_version
            && v != old.version
        {
            return Err(AppError::Conflict(format!(
                "this {} was changed by someone else meanwhile (now version {}): open it again to see their change",
                E::KIND.noun(),
                old.version
            )));
        }
        let entry = self.checked(entry)?;
        if entry.guarded() != before.guarded() {
            self.require(ctx, E::GUARD, object_type(E::KIND), id)?;
        }
        self.require_entry_known(ctx, &entry)?;
        self.save::<E>(ctx, id, old.version + 1, entry, false, Action::for_register(E::KIND, RegisterChange::Update))
    }

    /// Retire an entry of register `E`: kept with its history, no longer in use.
    pub fn register_retire<E: Entry>(&self, ctx: &Context, id: &str) -> AppResult<StoredOf<E>> {
        self.require(ctx, E::CHANGE, object_type(E::KIND), id)?;
        let old = self.latest_row(E::KIND, id)?;
        let entry: E = serde_json::from_str(&old.body).map_err(corrupt(E::KIND))?;
        self.require_entry_known(ctx, &entry)?;
        if old.retired {
            return Err(AppError::Conflict(format!("this {} is already retired", E::KIND.noun())));
        }
        self.save::<E>(ctx, id, old.version + 1, entry, true, Action::for_register(E::KIND, RegisterChange::Retire))
    }

    /// The entry validated, with every link checked to name something in use.
    pub(crate) fn checked<E: Entry>(&self, entry: E) -> AppResult<E> {
        let entry = entry.validate().map_err(AppError::InvalidAll)?;
        let mut problems = Vec::new();
        let schedule = self.active_schedule()?;
        for link in entry.links() {
            let found = match link.target {
                LinkTarget::Register(k) => self.store.entry(k.as_str(), &link.id)?.is_some_and(|r| !r.retired),
                LinkTarget::System => self.store.system(&link.id)?.is_some_and(|s| s.retired_at.is_none()),
                LinkTarget::User => self.store.user(&link.id)?.is_some_and(|u| u.disabled_at.is_none()),
                LinkTarget::RecordType => {
                    schedule.as_ref().is_some_and(|(_, s)| s.record_types.iter().any(|t| t.id == link.id))
                }
                LinkTarget::Subject => matches!(self.store.subject(&link.id)?, SubjectLookup::Found(_)),
            };
            if !found {
                let what = match link.target {
                    LinkTarget::Register(k) => format!("a {} in use on the register", k.noun()),
                    LinkTarget::System => "a system in use on the register of systems".into(),
                    LinkTarget::User => "a current user".into(),
                    LinkTarget::RecordType => "a record type of the retention schedule in force".into(),
                    LinkTarget::Subject => "a person on record".into(),
                };
                problems.push(FieldError::new(link.field, format!("names no {what}")));
            }
        }
        if problems.is_empty() { Ok(entry) } else { Err(AppError::InvalidAll(problems)) }
    }

    /// Save a new version of an entry, audited as `action`.
    pub(crate) fn save<E: Entry>(
        &self,
        ctx: &Context,
        id: &str,
        version: i64,
        entry: E,
        retired: bool,
        action: Action,
    ) -> AppResult<StoredOf<E>> {
        let body = serde_json::to_string(&entry).map_err(corrupt(E::KIND))?;
        let row = EntryRow {
            kind: E::KIND.as_str().into(),
            id: id.into(),
            version,
            title: entry.title().to_string(),
            body,
            retired,
            changed_at: self.now_text(),
            changed_by: ctx.actor.clone(),
        };
        let ev = self.event(ctx, action, id, Outcome::Success, format!("version={version}"));
        self.store.save_entry(&row, E::UNIQUE_TITLE, &ev).map_err(|e| match e {
            StoreError::Conflict(m) if m.contains("name") => AppError::Invalid(FieldError::new("name", m)),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Constraint(_) => AppError::Conflict(
                "this entry was changed by someone else at the same moment: open it again and retry".into(),
            ),
            other => AppError::Store(other),
        })?;
        self.stored::<E>(row, &self.actor_map()?, &self.register_env()?)
    }

    /// The latest version of entry `id` of register `E`, with no permission check.
    pub(crate) fn latest_entry<E: Entry>(&self, id: &str) -> AppResult<(EntryRow, E)> {
        let row = self.latest_row(E::KIND, id)?;
        let entry: E = serde_json::from_str(&row.body).map_err(corrupt(E::KIND))?;
        Ok((row, entry))
    }

    /// The name of whoever `ctx` acts as (a person's name, "API token “x”").
    pub(crate) fn actor_name(&self, ctx: &Context) -> AppResult<String> {
        Ok(self.actor_map()?.get(&ctx.actor).cloned().unwrap_or_else(|| actor_word(&ctx.actor)))
    }
}

/// Who acted, when no name is known (the command line, the scheduler).
fn actor_word(actor: &str) -> String {
    match actor {
        "cli" => "the command line".into(),
        "system" => "Steward".into(),
        _ => "someone no longer known".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_name_what_differs() {
        let a = serde_json::json!({"name": "A", "notes": ""});
        let b = serde_json::json!({"name": "B", "notes": ""});
        assert_eq!(changed_fields(Some(&a), &b), ["name"]);
        assert_eq!(changed_fields(None, &b), ["name", "notes"]);
    }

    #[test]
    fn the_end_of_a_day_is_midnight_uk_time() {
        assert_eq!(end_of(jiff::civil::date(2026, 7, 1)).unwrap(), "2026-07-01T23:00:00.000000Z");
        assert_eq!(end_of(jiff::civil::date(2026, 12, 7)).unwrap(), "2026-12-08T00:00:00.000000Z");
    }
}
