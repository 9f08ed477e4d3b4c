//! Subjects in the vault: encrypted rows, their blind-index entries, links between
//! people, category counts, and erasure by crypto-shredding with a tombstone.

use crate::audit::append_in;
use crate::sql::{Row, Tx, Val};
use crate::{Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_core::audit::AuditEvent;

/// Length of one blind-index hash.
pub const HASH_LEN: usize = steward_crypto::BLIND_INDEX_LEN;

/// A subject as stored: nothing here is readable without the subject's data key.
#[derive(Clone, PartialEq, Eq)]
pub struct SubjectRow {
    /// Random id (UUID).
    pub id: String,
    /// When created.
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
    /// Category names (not identifying on their own; kept in clear for counts).
    pub categories: Vec<String>,
    /// The subject's data key, wrapped by the master key.
    pub wrapped_key: Vec<u8>,
    /// The sealed personal data.
    pub data: Vec<u8>,
    /// Blind-index hashes the subject is findable by.
    pub index_hashes: Vec<[u8; HASH_LEN]>,
}

impl std::fmt::Debug for SubjectRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectRow").field("id", &self.id).finish_non_exhaustive()
    }
}

/// What an erasure leaves behind: no personal data, only that it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tombstone {
    /// The erased subject's id.
    pub subject_id: String,
    /// When erased.
    pub erased_at: String,
    /// Why (a reason code).
    pub reason: String,
    /// Who erased them.
    pub actor: String,
    /// The rights-request or other reference, if any.
    pub request_ref: Option<String>,
}

/// Result of looking a subject up by id.
#[derive(Debug)]
pub enum SubjectLookup {
    /// Present.
    Found(SubjectRow),
    /// Erased.
    Erased(Tombstone),
    /// Never existed.
    NotFound,
}

/// A link between two subjects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRow {
    /// First subject (the parent, for `parent_of`).
    pub from_id: String,
    /// Second subject.
    pub to_id: String,
    /// `parent_of` or `household`.
    pub kind: String,
    /// When linked.
    pub created_at: String,
}

/// Id, categories and dates of a subject, for lists.
#[derive(Debug, Clone)]
pub struct SubjectSummary {
    /// Id.
    pub id: String,
    /// Categories.
    pub categories: Vec<String>,
    /// Created.
    pub created_at: String,
}

const SUBJECT_COLUMNS: &str = "id, created_at, updated_at, categories, wrapped_key, data, index_hashes";

fn pack_hashes(h: &[[u8; HASH_LEN]]) -> Vec<u8> {
    h.concat()
}

fn unpack_hashes(b: &[u8]) -> Result<Vec<[u8; HASH_LEN]>, StoreError> {
    if !b.len().is_multiple_of(HASH_LEN) {
        return Err(StoreError::Corrupt("index hash list has a bad length".into()));
    }
    Ok(b.chunks_exact(HASH_LEN)
        .map(|c| {
            let mut a = [0u8; HASH_LEN];
            a.copy_from_slice(c);
            a
        })
        .collect())
}

fn split_categories(s: &str) -> Vec<String> {
    s.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect()
}

fn subject(r: &Row) -> Result<SubjectRow, StoreError> {
    Ok(SubjectRow {
        id: r.text(0)?,
        created_at: r.text(1)?,
        updated_at: r.text(2)?,
        categories: split_categories(&r.text(3)?),
        wrapped_key: r.blob(4)?,
        data: r.blob(5)?,
        index_hashes: unpack_hashes(&r.blob(6)?)?,
    })
}

fn tombstone(r: &Row) -> Result<Tombstone, StoreError> {
    Ok(Tombstone {
        subject_id: r.text(0)?,
        erased_at: r.text(1)?,
        reason: r.text(2)?,
        actor: r.text(3)?,
        request_ref: r.opt_text(4)?,
    })
}

/// Every tombstone, by subject id (a backup).
pub(crate) fn all_tombstones(tx: &mut dyn Tx) -> Result<Vec<Tombstone>, StoreError> {
    tx.query("SELECT subject_id, erased_at, reason, actor, request_ref FROM tombstones ORDER BY subject_id", &[])?
        .iter()
        .map(tombstone)
        .collect()
}

/// Add a tombstone as it is (a restore, into an emptied table).
pub(crate) fn insert_tombstone_row(tx: &mut dyn Tx, t: &Tombstone) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO tombstones (subject_id, erased_at, reason, actor, request_ref) VALUES ($1, $2, $3, $4, $5)",
        &[
            Val::Text(&t.subject_id),
            Val::Text(&t.erased_at),
            Val::Text(&t.reason),
            Val::Text(&t.actor),
            Val::OptText(t.request_ref.as_deref()),
        ],
    )?;
    Ok(())
}

/// Every link, by its two ends (a backup).
pub(crate) fn all_links(tx: &mut dyn Tx) -> Result<Vec<LinkRow>, StoreError> {
    tx.query("SELECT from_id, to_id, kind, created_at FROM subject_links ORDER BY from_id, to_id", &[])?
        .iter()
        .map(|r| Ok(LinkRow { from_id: r.text(0)?, to_id: r.text(1)?, kind: r.text(2)?, created_at: r.text(3)? }))
        .collect()
}

/// Add a link as it is (a restore, into an emptied table).
pub(crate) fn insert_link_row(tx: &mut dyn Tx, l: &LinkRow) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO subject_links (from_id, to_id, kind, created_at) VALUES ($1, $2, $3, $4)",
        &[Val::Text(&l.from_id), Val::Text(&l.to_id), Val::Text(&l.kind), Val::Text(&l.created_at)],
    )?;
    Ok(())
}

fn get_tombstone(tx: &mut dyn Tx, id: &str) -> Result<Option<Tombstone>, StoreError> {
    tx.query(
        "SELECT subject_id, erased_at, reason, actor, request_ref FROM tombstones WHERE subject_id = $1",
        &[Val::Text(id)],
    )?
    .first()
    .map(tombstone)
    .transpose()
}

fn get_subject(tx: &mut dyn Tx, id: &str) -> Result<Option<SubjectRow>, StoreError> {
    tx.query(&format!("SELECT {SUBJECT_COLUMNS} FROM subjects WHERE id = $1"), &[Val::Text(id)])?
        .first()
        .map(subject)
        .transpose()
}

/// Insert a subject row and its index entries (no audit, no stats).
pub(crate) fn insert_subject_row(tx: &mut dyn Tx, s: &SubjectRow) -> Result<(), StoreError> {
    let num = insert_subject_only(tx, s)?;
    let mut entries: Vec<([u8; HASH_LEN], i64)> = s.index_hashes.iter().map(|h| (*h, num)).collect();
    insert_index_entries(tx, &mut entries)
}

/// Insert the subject row alone, returning its row number.
fn insert_subject_only(tx: &mut dyn Tx, s: &SubjectRow) -> Result<i64, StoreError> {
    let rows = tx.query(
        "INSERT INTO subjects (id, created_at, updated_at, categories, wrapped_key, data, index_hashes) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING num",
        &[
            Val::Text(&s.id),
            Val::Text(&s.created_at),
            Val::Text(&s.updated_at),
            Val::Text(&s.categories.join(",")),
            Val::Blob(&s.wrapped_key),
            Val::Blob(&s.data),
            Val::Blob(&pack_hashes(&s.index_hashes)),
        ],
    )?;
    rows.first().ok_or_else(|| StoreError::Backend("insert returned no row number".into()))?.int(0)
}

/// The internal row number of subject `id`, which index entries refer to.
fn subject_num(tx: &mut dyn Tx, id: &str) -> Result<i64, StoreError> {
    tx.query("SELECT num FROM subjects WHERE id = $1", &[Val::Text(id)])?
        .first()
        .ok_or_else(|| StoreError::NotFound(format!("subject {id}")))?
        .int(0)
}

/// Most blind-index rows written by one statement.
const INDEX_CHUNK: usize = 64;

/// Insert blind-index entries, sorted by hash first so the B-tree is walked in key
/// order (one pass over its leaves instead of a random page per entry), many rows
/// per statement.
fn insert_index_entries(tx: &mut dyn Tx, entries: &mut [([u8; HASH_LEN], i64)]) -> Result<(), StoreError> {
    entries.sort_unstable();
    for chunk in entries.chunks(INDEX_CHUNK) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("INSERT INTO subject_index (hash, num) VALUES {} ON CONFLICT DO NOTHING", values.join(", "));
        let params: Vec<Val<'_>> = chunk.iter().flat_map(|(h, n)| [Val::Blob(h), Val::Int(*n)]).collect();
        tx.exec(&sql, &params)?;
    }
    Ok(())
}

fn delete_index(tx: &mut dyn Tx, num: i64, hashes: &[[u8; HASH_LEN]]) -> Result<(), StoreError> {
    for h in hashes {
        tx.exec("DELETE FROM subject_index WHERE hash = $1 AND num = $2", &[Val::Blob(h), Val::Int(num)])?;
    }
    Ok(())
}

/// Add `delta` to each category's count and to the total (`*`).
fn bump_stats(tx: &mut dyn Tx, deltas: &BTreeMap<String, i64>) -> Result<(), StoreError> {
    for (cat, d) in deltas {
        if *d == 0 {
            continue;
        }
        tx.exec(
            "INSERT INTO subject_stats (category, n) VALUES ($1, $2) ON CONFLICT (category) DO UPDATE SET n = subject_stats.n + excluded.n",
            &[Val::Text(cat), Val::Int(*d)],
        )?;
    }
    Ok(())
}

fn stat_deltas(cats: &[String], sign: i64, into: &mut BTreeMap<String, i64>) {
    *into.entry("*".into()).or_default() += sign;
    for c in cats {
        *into.entry(c.clone()).or_default() += sign;
    }
}

/// Recompute the category counts from the subjects table (after a restore).
pub(crate) fn rebuild_stats(tx: &mut dyn Tx) -> Result<(), StoreError> {
    tx.exec("DELETE FROM subject_stats", &[])?;
    let mut deltas = BTreeMap::new();
    tx.for_each("SELECT categories FROM subjects", &[], &mut |r| {
        stat_deltas(&split_categories(&r.text(0)?), 1, &mut deltas);
        Ok(())
    })?;
    bump_stats(tx, &deltas)
}

/// Shred a subject inside `tx`: delete index entries, links, ciphertext and wrapped
/// key, and write the tombstone. Returns whether a subject row was present.
fn shred_in(tx: &mut dyn Tx, t: &Tombstone) -> Result<bool, StoreError> {
    let present = get_subject(tx, &t.subject_id)?;
    if let Some(s) = &present {
        let num = subject_num(tx, &s.id)?;
        delete_index(tx, num, &s.index_hashes)?;
        tx.exec("DELETE FROM subject_links WHERE from_id = $1 OR to_id = $1", &[Val::Text(&s.id)])?;
        tx.exec("DELETE FROM subjects WHERE id = $1", &[Val::Text(&s.id)])?;
        tx.exec("DELETE FROM subject_access WHERE subject_id = $1", &[Val::Text(&s.id)])?;
        tx.exec("DELETE FROM restrictions WHERE subject_id = $1", &[Val::Text(&s.id)])?;
        crate::packs::shred_records(tx, &s.id)?;
        crate::scans::shred_records(tx, &s.id)?;
        crate::consents::shred_records(tx, &s.id)?;
        let mut d = BTreeMap::new();
        stat_deltas(&s.categories, -1, &mut d);
        bump_stats(tx, &d)?;
    }
    tx.exec(
        "INSERT INTO tombstones (subject_id, erased_at, reason, actor, request_ref) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subject_id) DO NOTHING",
        &[
            Val::Text(&t.subject_id),
            Val::Text(&t.erased_at),
            Val::Text(&t.reason),
            Val::Text(&t.actor),
            Val::OptText(t.request_ref.as_deref()),
        ],
    )?;
    Ok(present.is_some())
}

impl Store {
    /// Insert subjects with their audit entries, all in one transaction.
    pub fn insert_subjects(&self, rows: &[SubjectRow], events: &[AuditEvent]) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut deltas = BTreeMap::new();
            let mut entries = Vec::with_capacity(rows.iter().map(|r| r.index_hashes.len()).sum());
            for s in rows {
                let num = insert_subject_only(tx, s)?;
                entries.extend(s.index_hashes.iter().map(|h| (*h, num)));
                stat_deltas(&s.categories, 1, &mut deltas);
            }
            insert_index_entries(tx, &mut entries)?;
            bump_stats(tx, &deltas)?;
            append_in(tx, events)?;
            Ok(())
        })
    }

    /// Look a subject up by id.
    pub fn subject(&self, id: &str) -> Result<SubjectLookup, StoreError> {
        self.read(|tx| {
            if let Some(s) = get_subject(tx, id)? {
                return Ok(SubjectLookup::Found(s));
            }
            Ok(match get_tombstone(tx, id)? {
                Some(t) => SubjectLookup::Erased(t),
                None => SubjectLookup::NotFound,
            })
        })
    }

    /// Several subjects by id (missing ones are skipped), in the order given.
    pub fn subjects_by_ids(&self, ids: &[String]) -> Result<Vec<SubjectRow>, StoreError> {
        self.read(|tx| {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(s) = get_subject(tx, id)? {
                    out.push(s);
                }
            }
            Ok(out)
        })
    }

    /// Ids of subjects findable by blind-index `hash` (at most `limit`), oldest first.
    pub fn find_by_index(&self, hash: &[u8; HASH_LEN], limit: usize) -> Result<Vec<String>, StoreError> {
        let limit = limit.clamp(1, 10_000) as i64;
        self.read(|tx| {
            tx.query(
                "SELECT s.id FROM subject_index i JOIN subjects s ON s.num = i.num WHERE i.hash = $1 ORDER BY i.num LIMIT $2",
                &[Val::Blob(hash), Val::Int(limit)],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect()
        })
    }

    /// Replace a subject's sealed data, categories and index entries, with an audit entry.
    /// `expected_updated_at` guards against overwriting a concurrent change.
    pub fn update_subject(
        &self,
        new: &SubjectRow,
        expected_updated_at: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let Some(old) = get_subject(tx, &new.id)? else {
                return Err(match get_tombstone(tx, &new.id)? {
                    Some(t) => StoreError::Gone(Box::new(t)),
                    None => StoreError::NotFound(format!("subject {}", new.id)),
                });
            };
            if old.updated_at != expected_updated_at {
                return Err(StoreError::Conflict(
                    "the subject was changed by someone else since it was read; reload and try again".into(),
                ));
            }
            let num = subject_num(tx, &old.id)?;
            delete_index(tx, num, &old.index_hashes)?;
            tx.exec(
                "UPDATE subjects SET updated_at = $2, categories = $3, wrapped_key = $4, data = $5, index_hashes = $6 WHERE id = $1",
                &[
                    Val::Text(&new.id),
                    Val::Text(&new.updated_at),
                    Val::Text(&new.categories.join(",")),
                    Val::Blob(&new.wrapped_key),
                    Val::Blob(&new.data),
                    Val::Blob(&pack_hashes(&new.index_hashes)),
                ],
            )?;
            let mut entries: Vec<([u8; HASH_LEN], i64)> = new.index_hashes.iter().map(|h| (*h, num)).collect();
            insert_index_entries(tx, &mut entries)?;
            let mut d = BTreeMap::new();
            stat_deltas(&old.categories, -1, &mut d);
            stat_deltas(&new.categories, 1, &mut d);
            bump_stats(tx, &d)?;
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Erase a subject by crypto-shredding: the wrapped data key, the ciphertext, the
    /// blind-index entries and links are deleted and a tombstone written, with an audit
    /// entry, in one transaction; then the backend scrubs what deleted bytes it can.
    ///
    /// The direct-marketing suppression list is deliberately left alone: its entries are
    /// keyed hashes, not personal data on their own, and the ICO says to keep a
    /// suppression record so that marketing does not resume (see [`crate::suppression`]).
    pub fn erase_subject(&self, t: &Tombstone, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            if let Some(existing) = get_tombstone(tx, &t.subject_id)? {
                return Err(StoreError::Gone(Box::new(existing)));
            }
            if !shred_in(tx, t)? {
                return Err(StoreError::NotFound(format!("subject {}", t.subject_id)));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })?;
        self.checkpoint_after_commit();
        Ok(())
    }

    /// Re-apply an erasure recorded elsewhere (the erasure journal) after a restore:
    /// shreds the subject if a restored copy is present and makes sure the tombstone
    /// exists. Returns whether anything changed; audits only when it did.
    pub fn reapply_erasure(&self, t: &Tombstone, event: &AuditEvent) -> Result<bool, StoreError> {
        let changed = self.write(|tx| {
            let had_tombstone = get_tombstone(tx, &t.subject_id)?.is_some();
            let had_subject = shred_in(tx, t)?;
            let changed = had_subject || !had_tombstone;
            if changed {
                append_in(tx, std::slice::from_ref(event))?;
            }
            Ok(changed)
        })?;
        if changed {
            self.checkpoint_after_commit();
        }
        Ok(changed)
    }

    /// The tombstone of an erased subject.
    pub fn tombstone(&self, id: &str) -> Result<Option<Tombstone>, StoreError> {
        self.read(|tx| get_tombstone(tx, id))
    }

    /// Every tombstone, oldest first.
    pub fn tombstones(&self) -> Result<Vec<Tombstone>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT subject_id, erased_at, reason, actor, request_ref FROM tombstones ORDER BY erased_at, subject_id",
                &[],
            )?
            .iter()
            .map(tombstone)
            .collect()
        })
    }

    /// Subjects for a list page, newest first, paged by `before` (a `created_at|id` cursor).
    pub fn list_subjects(&self, before: Option<(&str, &str)>, limit: usize) -> Result<Vec<SubjectSummary>, StoreError> {
        let limit = limit.clamp(1, 500) as i64;
        self.read(|tx| {
            let rows = match before {
                Some((at, id)) => tx.query(
                    "SELECT id, categories, created_at FROM subjects WHERE created_at < $1 OR (created_at = $1 AND id < $2) ORDER BY created_at DESC, id DESC LIMIT $3",
                    &[Val::Text(at), Val::Text(id), Val::Int(limit)],
                )?,
                None => tx.query(
                    "SELECT id, categories, created_at FROM subjects ORDER BY created_at DESC, id DESC LIMIT $1",
                    &[Val::Int(limit)],
                )?,
            };
            rows.iter()
                .map(|r| {
                    Ok(SubjectSummary {
                        id: r.text(0)?,
                        categories: split_categories(&r.text(1)?),
                        created_at: r.text(2)?,
                    })
                })
                .collect()
        })
    }

    /// Number of subjects in each category, and `*` for all subjects.
    pub fn category_counts(&self) -> Result<BTreeMap<String, i64>, StoreError> {
        self.read(|tx| {
            tx.query("SELECT category, n FROM subject_stats WHERE n > 0", &[])?
                .iter()
                .map(|r| Ok((r.text(0)?, r.int(1)?)))
                .collect()
        })
    }

    /// Link two subjects, with an audit entry. Both must exist.
    pub fn add_link(&self, link: &LinkRow, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            for id in [&link.from_id, &link.to_id] {
                if get_subject(tx, id)?.is_none() {
                    return Err(StoreError::NotFound(format!("subject {id}")));
                }
            }
            let n = tx.exec(
                "INSERT INTO subject_links (from_id, to_id, kind, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[
                    Val::Text(&link.from_id),
                    Val::Text(&link.to_id),
                    Val::Text(&link.kind),
                    Val::Text(&link.created_at),
                ],
            )?;
            if n == 0 {
                return Err(StoreError::Conflict("these subjects are already linked that way".into()));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Remove a link, with an audit entry.
    pub fn remove_link(&self, from_id: &str, to_id: &str, kind: &str, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "DELETE FROM subject_links WHERE from_id = $1 AND to_id = $2 AND kind = $3",
                &[Val::Text(from_id), Val::Text(to_id), Val::Text(kind)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound("no such link".into()));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Every link that involves subject `id`, either way round.
    pub fn links_of(&self, id: &str) -> Result<Vec<LinkRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT from_id, to_id, kind, created_at FROM subject_links WHERE from_id = $1 OR to_id = $1 ORDER BY created_at",
                &[Val::Text(id)],
            )?
            .iter()
            .map(|r| {
                Ok(LinkRow {
                    from_id: r.text(0)?,
                    to_id: r.text(1)?,
                    kind: r.text(2)?,
                    created_at: r.text(3)?,
                })
            })
            .collect()
        })
    }
}

/// Who, besides the DPO, may see a subject and why (`assigned` by the DPO, or
/// `created` the record themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRow {
    /// The subject.
    pub subject_id: String,
    /// The user.
    pub user_id: String,
    /// `assigned` or `created`.
    pub reason: String,
    /// When.
    pub granted_at: String,
}

impl Store {
    /// Give a user access to a subject (idempotent), with an audit entry when given.
    pub fn grant_subject_access(&self, a: &AccessRow, event: Option<&AuditEvent>) -> Result<(), StoreError> {
        self.write(|tx| {
            if get_subject(tx, &a.subject_id)?.is_none() {
                return Err(StoreError::NotFound(format!("subject {}", a.subject_id)));
            }
            tx.exec(
                "INSERT INTO subject_access (subject_id, user_id, reason, granted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[Val::Text(&a.subject_id), Val::Text(&a.user_id), Val::Text(&a.reason), Val::Text(&a.granted_at)],
            )?;
            if let Some(ev) = event {
                append_in(tx, std::slice::from_ref(ev))?;
            }
            Ok(())
        })
    }

    /// Take a user's access to a subject away, with an audit entry.
    pub fn revoke_subject_access(&self, subject_id: &str, user_id: &str, event: &AuditEvent) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.exec(
                "DELETE FROM subject_access WHERE subject_id = $1 AND user_id = $2",
                &[Val::Text(subject_id), Val::Text(user_id)],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound("no such access".into()));
            }
            append_in(tx, std::slice::from_ref(event))?;
            Ok(())
        })
    }

    /// Whether a user has been given access to a subject.
    pub fn has_subject_access(&self, subject_id: &str, user_id: &str) -> Result<bool, StoreError> {
        self.read(|tx| {
            Ok(!tx
                .query(
                    "SELECT 1 FROM subject_access WHERE subject_id = $1 AND user_id = $2",
                    &[Val::Text(subject_id), Val::Text(user_id)],
                )?
                .is_empty())
        })
    }

    /// Everyone with access to a subject.
    pub fn subject_access(&self, subject_id: &str) -> Result<Vec<AccessRow>, StoreError> {
        self.read(|tx| {
            tx.query(
                "SELECT subject_id, user_id, reason, granted_at FROM subject_access WHERE subject_id = $1 ORDER BY granted_at",
                &[Val::Text(subject_id)],
            )?
            .iter()
            .map(access_row)
            .collect()
        })
    }
}

pub(crate) fn access_row(r: &Row) -> Result<AccessRow, StoreError> {
    Ok(AccessRow { subject_id: r.text(0)?, user_id: r.text(1)?, reason: r.text(2)?, granted_at: r.text(3)? })
}

/// Every grant of access, by subject and user (a backup).
pub(crate) fn all_access(tx: &mut dyn Tx) -> Result<Vec<AccessRow>, StoreError> {
    tx.query("SELECT subject_id, user_id, reason, granted_at FROM subject_access ORDER BY subject_id, user_id", &[])?
        .iter()
        .map(access_row)
        .collect()
}

/// Add a grant of access as it is (a restore, into an emptied table).
pub(crate) fn insert_access_row(tx: &mut dyn Tx, a: &AccessRow) -> Result<(), StoreError> {
    tx.exec(
        "INSERT INTO subject_access (subject_id, user_id, reason, granted_at) VALUES ($1, $2, $3, $4)",
        &[Val::Text(&a.subject_id), Val::Text(&a.user_id), Val::Text(&a.reason), Val::Text(&a.granted_at)],
    )?;
    Ok(())
}
