//! Audit-log entries and their canonical encoding, which the hash chain covers, and the
//! actions they record ([`Action`]).
//!
//! Entries carry ids and names of actions, never personal data (UK GDPR Art 5(2)
//! accountability; Art 30 and 32 call for evidence of processing and of security).

mod action;

pub use action::{Action, ObjectType, Refusal, RegisterChange, action_label, denied_code, grant_dpo_code, refused};
use serde::{Deserialize, Serialize};

/// Hash that precedes the first entry of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Whether an action succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It happened.
    Success,
    /// It was refused by access control.
    Denied,
    /// It was attempted and failed.
    Failure,
}

impl Outcome {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }
}

/// An entry about to be appended: everything but its position and hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// When, as RFC 3339 UTC with microseconds (`2026-11-23T10:15:00.123456Z`).
    pub at: String,
    /// Who: `user:<id>`, `token:<id>`, `cli` or `system`.
    pub actor: String,
    /// What, as `object.verb` (`subject.view`, `subject.erase`…).
    pub action: String,
    /// Type of object acted on (`subject`, `token`, `backup`…).
    pub object_type: String,
    /// Id of the object, empty when none.
    pub object_id: String,
    /// Id of the HTTP request or CLI invocation, empty when none.
    pub request_id: String,
    /// `success`, `denied` or `failure`.
    pub outcome: String,
    /// Non-personal detail: names of changed fields, counts, references.
    pub detail: String,
}

/// A stored entry: the event, its place in the chain, and the hashes that bind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1 with no gaps.
    pub seq: i64,
    /// The event.
    #[serde(flatten)]
    pub event: AuditEvent,
    /// Hash of the previous entry (hex), [`GENESIS_HASH`] for the first.
    pub prev_hash: String,
    /// SHA-256 (hex) over `prev_hash` and [`canonical`] of this entry.
    pub hash: String,
}

/// The canonical byte encoding of an entry at position `seq`: a version tag, then each
/// field as a 4-byte big-endian length and its UTF-8 bytes, in a fixed order. Lengths
/// make the encoding unambiguous whatever the fields contain.
pub fn canonical(seq: i64, e: &AuditEvent) -> Vec<u8> {
    let fields: [&str; 8] =
        [&e.at, &e.actor, &e.action, &e.object_type, &e.object_id, &e.request_id, &e.outcome, &e.detail];
    let mut out = Vec::with_capacity(64 + fields.iter().map(|f| f.len() + 4).sum::<usize>());
    out.extend_from_slice(b"steward-audit-v1");
    out.extend_from_slice(&seq.to_be_bytes());
    for f in fields {
        out.extend_from_slice(&(f.len() as u32).to_be_bytes());
        out.extend_from_slice(f.as_bytes());
    }
    out
}

/// Format a timestamp the way audit entries store it.
pub fn format_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(detail: &str) -> AuditEvent {
        AuditEvent {
            at: "2026-11-23T10:00:00.000000Z".into(),
            actor: "cli".into(),
            action: "subject.create".into(),
            object_type: "subject".into(),
            object_id: "x".into(),
            request_id: String::new(),
            outcome: "success".into(),
            detail: detail.into(),
        }
    }

    #[test]
    fn encoding_is_unambiguous_across_field_boundaries() {
        let mut a = ev("");
        a.object_id = "ab".into();
        let mut b = ev("");
        b.object_id = "a".into();
        b.request_id = "b".into();
        assert_ne!(canonical(1, &a), canonical(1, &b));
        assert_ne!(canonical(1, &a), canonical(2, &a));
    }

    #[test]
    fn time_format_has_microseconds() {
        let t: jiff::Timestamp = "2026-11-23T10:15:00.5Z".parse().expect("ts");
        assert_eq!(format_time(t), "2026-11-23T10:15:00.500000Z");
    }
}
