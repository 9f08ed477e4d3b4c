//! Versioned schema migrations, applied in order on start. One text per version,
//! shared by both databases with the byte type filled in per dialect.

use crate::sql::Dialect;

/// A migration: version number, short name, and SQL statements separated by `;`.
pub struct Migration {
    /// Version, increasing from 1.
    pub version: i64,
    /// What it does.
    pub name: &'static str,
    sql: &'static str,
}

impl Migration {
    /// The statements of this migration for `dialect`.
    pub fn statements(&self, dialect: Dialect) -> Vec<String> {
        // SQLite stores a WITHOUT ROWID table in its primary-key B-tree alone, halving
        // the writes per blind-index entry; PostgreSQL has no such clause.
        let (bytes, without_rowid) = match dialect {
            Dialect::Sqlite => ("BLOB", "WITHOUT ROWID"),
            Dialect::Postgres => ("BYTEA", ""),
        };
        self.sql
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.replace("BYTES", bytes).replace("WITHOUT_ROWID", without_rowid))
            .collect()
    }
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "vault, audit chain, tokens, settings",
    sql: r#"
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE subjects (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    categories TEXT NOT NULL,
    wrapped_key BYTES NOT NULL,
    data BYTES NOT NULL,
    index_hashes BYTES NOT NULL
);
CREATE INDEX subjects_created ON subjects (created_at);
CREATE TABLE subject_stats (
    category TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);
CREATE TABLE subject_index (
    hash BYTES NOT NULL,
    subject_id TEXT NOT NULL,
    PRIMARY KEY (hash, subject_id)
) WITHOUT_ROWID;
CREATE TABLE subject_links (
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id, kind)
);
CREATE INDEX subject_links_to ON subject_links (to_id);
CREATE TABLE tombstones (
    subject_id TEXT PRIMARY KEY,
    erased_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    request_ref TEXT
);
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"#,
}];

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}
