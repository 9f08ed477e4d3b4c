//! The records of the retention inventory: adding, finding, listing and recomputing them.

use super::rows::{RECORD_COLUMNS, insert_record_row, record_from_row, take_opt_text, take_text, update_record_in};
use super::{RecordFilter, RecordRow, StaleRecord};
use crate::audit::append_in;
use crate::sql::{LIKE_ESCAPE, Row, Val, like_escape};
use crate::{Store, StoreError};
use steward_core::audit::AuditEvent;

/// The `LIKE` patterns of a filter, built from its values with the wildcards escaped
/// (see [`like_escape`]) so that `%` or `_` in a location or an id matches only itself.
struct LikePatterns {
    /// `%<location, lower case>%`.
    location: Option<String>,
    /// `%,<subject id>,%`, for the other subjects a record names.
    subject: Option<String>,
    /// The same for every subject under a standing hold.
    held_subjects: Vec<String>,
}

impl LikePatterns {
    fn of(f: &RecordFilter) -> Self {
        let listed = |id: &str| format!("%,{},%", like_escape(id));
        Self {
            location: f.location.as_ref().map(|l| format!("%{}%", like_escape(&l.to_lowercase()))),
            subject: f.subject_id.as_deref().map(listed),
            held_subjects: f.held.as_ref().map(|h| h.subjects.iter().map(|s| listed(s)).collect()).unwrap_or_default(),
        }
    }
}

fn push_filter<'a>(f: &'a RecordFilter, like: &'a LikePatterns, clauses: &mut Vec<String>, params: &mut Vec<Val<'a>>) {
    fn add<'a>(clause: &str, v: Val<'a>, params: &mut Vec<Val<'a>>, clauses: &mut Vec<String>) {
        params.push(v);
        clauses.push(clause.replace('?', &format!("${}", params.len())));
    }
    if let Some(t) = &f.record_type {
        add("record_type = ?", Val::Text(t), params, clauses);
    }
    if let Some(s) = &f.system_id {
        add("system_id = ?", Val::Text(s), params, clauses);
    }
    if let (Some(s), Some(pattern)) = (&f.subject_id, &like.subject) {
        params.push(Val::Text(s));
        params.push(Val::Text(pattern));
        let n = params.len();
        clauses.push(format!("(subject_id = ${} OR ',' || other_subjects || ',' LIKE ${n} {LIKE_ESCAPE})", n - 1));
    }
    if let Some(d) = &f.due_from {
        add("destroy_on >= ?", Val::Text(d), params, clauses);
    }
    if let Some(d) = &f.due_to {
        add("destroy_on <= ?", Val::Text(d), params, clauses);
    }
    if let Some(s) = &f.status {
        add("status = ?", Val::Text(s), params, clauses);
    }
    if f.missing {
        clauses.push("missing <> ''".into());
    }
    if let Some(pattern) = &like.location {
        add(&format!("LOWER(location) LIKE ? {LIKE_ESCAPE}"), Val::Text(pattern), params, clauses);
    }
    if let Some(held) = &f.held {
        let mut ors = Vec::new();
        for (col, list) in [("id", &held.ids), ("record_type", &held.types), ("subject_id", &held.subjects)] {
            if list.is_empty() {
                continue;
            }
            let mut marks = Vec::new();
            for v in list {
                params.push(Val::Text(v));
                marks.push(format!("${}", params.len()));
            }
            ors.push(format!("{col} IN ({})", marks.join(", ")));
        }
        for pattern in &like.held_subjects {
            params.push(Val::Text(pattern));
            ors.push(format!("',' || other_subjects || ',' LIKE ${} {LIKE_ESCAPE}", params.len()));
        }
        if ors.is_empty() {
            clauses.push("1 = 0".into());
        } else {
            clauses.push(format!("({})", ors.join(" OR ")));
        }
    }
}

impl Store {
    /// Add records, with `events` audited, all in one transaction (an import is all or
    /// nothing).
    pub fn insert_records(&self, rows: &[RecordRow], events: &[AuditEvent]) -> Result<(), StoreError> {
        self.write(|tx| {
            for r in rows {
                insert_record_row(tx, r)?;
            }
            append_in(tx, events)?;
            Ok(())
        })
    }

    /// One record.
    pub fn record(&self, id: &str) -> Result<Option<RecordRow>, StoreError> {
        self.read(|tx| {
            tx.query(&format!("SELECT {RECORD_COLUMNS} FROM retention_records WHERE id = $1"), &[Val::Text(id)])?
                .first()
                .map(record_from_row)
                .transpose()
        })
    }

    /// Replace a record's fields, with `event` audited. Returns false when there is no
    /// such record.
    pub fn update_record(&self, r: &RecordRow, event: &AuditEvent) -> Result<bool, StoreError> {
        self.write(|tx| {
            let n = update_record_in(tx, r)?;
            if n > 0 {
                append_in(tx, std::slice::from_ref(event))?;
            }
            Ok(n > 0)
        })
    }

    /// Records matching `f`, by destroy-by date (undated last) then id, and how many
    /// match in all.
    pub fn records(&self, f: &RecordFilter) -> Result<(Vec<RecordRow>, u64), StoreError> {
        self.read(|tx| {
            let mut clauses = Vec::new();
            let mut params = Vec::new();
            let like = LikePatterns::of(f);
            push_filter(f, &like, &mut clauses, &mut params);
            let filter = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
            let total = tx.query(&format!("SELECT COUNT(*) FROM retention_records{filter}"), &params)?;
            let total = total.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
            let limit = if f.limit == 0 { 100 } else { f.limit };
            let rows = tx.query(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM retention_records{filter} ORDER BY CASE WHEN destroy_on IS NULL \
                     THEN 1 ELSE 0 END, destroy_on, id LIMIT {limit} OFFSET {}",
                    f.offset
                ),
                &params,
            )?;
            Ok((rows.iter().map(record_from_row).collect::<Result<Vec<_>, _>>()?, u64::try_from(total).unwrap_or(0)))
        })
    }

    /// Kept records whose destroy-by date is on or before `day` (the sweep's query; the
    /// `(status, destroy_on)` index makes it a range scan).
    pub fn records_due(&self, day: &str) -> Result<Vec<RecordRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                &format!(
                    "SELECT {RECORD_COLUMNS} FROM retention_records WHERE status = 'kept' AND destroy_on <= $1 \
                     ORDER BY destroy_on, id"
                ),
                &[Val::Text(day)],
            )?
            .iter()
            .map(record_from_row)
            .collect()
        })
    }

    /// Drop the destroy-by index before rewriting most of the inventory's dates (every
    /// row's index entry would move: building it again once is far cheaper).
    pub fn drop_due_index(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.exec("DROP INDEX IF EXISTS retention_records_due", &[])?;
            Ok(())
        })
    }

    /// Build the destroy-by index if it is missing (after a bulk recompute, or at start
    /// if one was cut short).
    pub fn ensure_due_index(&self) -> Result<(), StoreError> {
        self.write(|tx| {
            let sqlite = tx.dialect() == crate::sql::Dialect::Sqlite;
            if sqlite {
                // SQLite's sorter holds up to a cache's worth in memory before it spills to
                // a file: a small cache keeps building the index over millions of rows
                // within bounded memory.
                tx.exec("PRAGMA cache_size = -32768", &[])?;
            }
            let built = tx.exec(
                "CREATE INDEX IF NOT EXISTS retention_records_due ON retention_records (status, destroy_on, id)",
                &[],
            );
            if sqlite {
                tx.exec(crate::sqlite::WRITER_CACHE, &[])?;
            }
            built?;
            Ok(())
        })
    }

    /// How many records are computed under a schedule version older than `version`.
    pub fn count_stale(&self, version: i64) -> Result<u64, StoreError> {
        self.read(|tx| {
            let r = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE schedule_version < $1 AND status <> 'destroyed'",
                &[Val::Int(version)],
            )?;
            Ok(u64::try_from(r.first().map(|r| r.int(0)).transpose()?.unwrap_or(0)).unwrap_or(0))
        })
    }

    /// Up to `limit` kept records due on or before `day`, in (destroy-by date, id) order
    /// after `after`: the pages the sweep walks.
    pub fn records_due_page(
        &self,
        day: &str,
        after: Option<(&str, &str)>,
        limit: usize,
    ) -> Result<Vec<RecordRow>, StoreError> {
        self.read(|tx| {
            let rows = match after {
                None => tx.query(
                    &format!(
                        "SELECT {RECORD_COLUMNS} FROM retention_records WHERE status = 'kept' AND destroy_on <= $1 \
                         ORDER BY destroy_on, id LIMIT {limit}"
                    ),
                    &[Val::Text(day)],
                )?,
                Some((d, id)) => tx.query(
                    &format!(
                        "SELECT {RECORD_COLUMNS} FROM retention_records WHERE status = 'kept' AND destroy_on <= $1 \
                         AND (destroy_on > $2 OR (destroy_on = $2 AND id > $3)) ORDER BY destroy_on, id LIMIT {limit}"
                    ),
                    &[Val::Text(day), Val::Text(d), Val::Text(id)],
                )?,
            };
            rows.iter().map(record_from_row).collect()
        })
    }

    /// Like [`Store::records_stale`], reading only what a recompute needs (a tenth of the
    /// columns, moved rather than copied out of the rows).
    pub fn records_stale_facts(
        &self,
        types: Option<&[String]>,
        version: i64,
        after: &str,
        limit: usize,
    ) -> Result<Vec<StaleRecord>, StoreError> {
        self.read(|tx| {
            let mut params = vec![Val::Int(version), Val::Text(after)];
            let mut type_clause = String::new();
            if let Some(types) = types {
                if types.is_empty() {
                    return Ok(Vec::new());
                }
                let mut marks = Vec::new();
                for t in types {
                    params.push(Val::Text(t));
                    marks.push(format!("${}", params.len()));
                }
                type_clause = format!(" AND record_type IN ({})", marks.join(", "));
            }
            let mut out = Vec::with_capacity(limit);
            tx.for_each(
                &format!(
                    "SELECT id, record_type, subject_id, facts, destroy_on, permanent, missing, rule, explanation \
                     FROM retention_records WHERE schedule_version < $1 AND id > $2 AND status <> 'destroyed'\
                     {type_clause} ORDER BY id LIMIT {limit}"
                ),
                &params,
                &mut |mut r| {
                    out.push(StaleRecord {
                        id: take_text(&mut r, 0)?,
                        record_type: take_text(&mut r, 1)?,
                        subject_id: take_opt_text(&mut r, 2)?,
                        facts: take_text(&mut r, 3)?,
                        destroy_on: take_opt_text(&mut r, 4)?,
                        permanent: r.int(5)? != 0,
                        missing: take_text(&mut r, 6)?,
                        rule: take_text(&mut r, 7)?,
                        explanation: take_text(&mut r, 8)?,
                    });
                    Ok(())
                },
            )?;
            Ok(out)
        })
    }

    /// Write a recompute's page in one transaction: the new computed fields of `changed`,
    /// and only the schedule version of `unchanged` (their dates stand), so a schedule
    /// change that moves few dates rewrites few index entries.
    pub fn save_recomputed(
        &self,
        changed: &[StaleRecord],
        unchanged: &[String],
        version: i64,
    ) -> Result<(), StoreError> {
        const CHUNK: usize = 500;
        self.write(|tx| {
            for r in changed {
                tx.exec(
                    "UPDATE retention_records SET destroy_on = $2, permanent = $3, missing = $4, rule = $5, \
                     explanation = $6, schedule_version = $7 WHERE id = $1",
                    &[
                        Val::Text(&r.id),
                        Val::OptText(r.destroy_on.as_deref()),
                        Val::Int(i64::from(r.permanent)),
                        Val::Text(&r.missing),
                        Val::Text(&r.rule),
                        Val::Text(&r.explanation),
                        Val::Int(version),
                    ],
                )?;
            }
            for ids in unchanged.chunks(CHUNK) {
                let mut params = vec![Val::Int(version)];
                let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
                params.extend(ids.iter().map(|id| Val::Text(id)));
                tx.exec(
                    &format!("UPDATE retention_records SET schedule_version = $1 WHERE id IN ({})", marks.join(", ")),
                    &params,
                )?;
            }
            Ok(())
        })
    }

    /// Records of a type still kept (not destroyed), for refusing to drop a type in use.
    pub fn count_records_of_type(&self, record_type: &str) -> Result<u64, StoreError> {
        self.read(|tx| {
            let r = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE record_type = $1 AND status <> 'destroyed'",
                &[Val::Text(record_type)],
            )?;
            Ok(u64::try_from(r.first().map(|r| r.int(0)).transpose()?.unwrap_or(0)).unwrap_or(0))
        })
    }

    /// Counts of kept records with a destroy-by date in `[from, to]`, and before `from`
    /// (overdue), for the dashboard.
    pub fn records_due_counts(&self, from: &str, to: &str) -> Result<(u64, u64), StoreError> {
        self.read(|tx| {
            let due = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE status IN ('kept', 'disposing') AND destroy_on >= $1 \
                 AND destroy_on <= $2",
                &[Val::Text(from), Val::Text(to)],
            )?;
            let overdue = tx.query(
                "SELECT COUNT(*) FROM retention_records WHERE status IN ('kept', 'disposing') AND destroy_on < $1",
                &[Val::Text(from)],
            )?;
            let n = |rows: Vec<Row>| -> Result<u64, StoreError> {
                Ok(u64::try_from(rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0)).unwrap_or(0))
            };
            Ok((n(due)?, n(overdue)?))
        })
    }
}
