//! The bounds on what one input may cost, shared by the walk and extraction (and
//! re-exported as [`crate::walk::Limits`]).

/// Bounds on what one input may cost: a hostile file or archive is reported and the
/// walk goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file (or archive entry, or attachment) read, in bytes.
    pub max_file_bytes: u64,
    /// Most bytes one top-level file may expand to, all its archive entries and
    /// attachments together, at any depth.
    pub max_expanded_bytes: u64,
    /// Largest ratio of expanded to compressed size for an archive entry (past 1 MiB).
    pub max_ratio: u64,
    /// Deepest nesting of archives and attachments (a top-level file is depth 0).
    pub max_depth: u32,
    /// Text is split into segments of at most this many bytes (at line boundaries where
    /// there are lines).
    pub max_segment_bytes: usize,
    /// Most entries read from one archive.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_expanded_bytes: 1 << 30,
            max_ratio: 100,
            max_depth: 8,
            max_segment_bytes: 1 << 20,
            max_entries: 100_000,
        }
    }
}
