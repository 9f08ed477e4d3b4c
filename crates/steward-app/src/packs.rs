//! Response packs for access (UK GDPR Art 15) and portability (Art 20) requests: the
//! reviewer's decisions on what to withhold under an exemption, and the pack itself — a
//! zip of `data.json`, `data.csv`, a readable `index.html` and the documents, encrypted
//! with AES-256 under a passphrase Steward makes up and shows once (docs/adr/0006).
//!
//! Built packs are sealed again under the subject's data key, so erasure destroys them
//! with everything else; audit entries carry ids and counts only.

use crate::AppResult;
use askama::Template;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use steward_core::exemption::{Exemption, Treatment};
use steward_store::PackRow;
use utoipa::ToSchema;

mod archive;
mod review;

/// The archive inside a pack that holds the disclosed documents, unencrypted itself but
/// encrypted as one entry of the pack (see docs/adr/0006).
pub const DOCUMENTS_ZIP: &str = "documents.zip";

/// Longest reviewer's note accepted (characters).
pub const MAX_REVIEW_NOTE_CHARS: usize = 2_000;

/// Fields of each kind of item that a reviewer may withhold in part.
pub const ITEM_FIELDS: [(&str, &[&str]); 5] = [
    (
        "identity",
        &[
            "given_name",
            "family_name",
            "other_names",
            "date_of_birth",
            "emails",
            "phones",
            "addresses",
            "identifiers",
            "categories",
            "notes",
            "special_category",
        ],
    ),
    ("note", &["category", "text", "source"]),
    ("document", &["filename", "media_type", "size", "sha256", "source", "content"]),
    ("request", &["reference", "kind", "channel", "made_by", "received_on", "status", "due_on", "events"]),
    ("found", &["source", "format", "searched_on", "redactions", "content"]),
];

fn fields_of(kind: &str) -> &'static [&'static str] {
    ITEM_FIELDS.iter().find(|(k, _)| *k == kind).map_or(&[], |(_, f)| *f)
}

/// A reviewer's decision on one item.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDecision {
    /// The item: `identity`, `note:<id>`, `document:<id>`, `request:<id>` or
    /// `found:<id>` (a document chosen from a search of files).
    pub item: String,
    /// `withheld` (the whole item) or `partly_withheld` (the fields named).
    pub treatment: Treatment,
    /// The exemption's code (see `GET /api/v1/exemptions`).
    pub exemption: String,
    /// For `partly_withheld`: the fields left out (e.g. `text`, `emails`).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Why, for the record (kept sealed; not put in the pack).
    #[serde(default)]
    pub note: String,
}

impl std::fmt::Debug for PackDecision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackDecision").field("item", &self.item).finish_non_exhaustive()
    }
}

/// A recorded decision, opened.
#[derive(Clone, Serialize, ToSchema)]
pub struct PackItemReview {
    /// The item.
    pub item: String,
    /// What was done.
    pub treatment: Treatment,
    /// Exemption code.
    pub exemption: String,
    /// Its name.
    pub exemption_title: String,
    /// Its citation.
    pub citation: String,
    /// Fields left out (partly withheld).
    pub fields: Vec<String>,
    /// The reviewer's note.
    pub note: String,
    /// Who decided.
    pub decided_by: String,
    /// When (RFC 3339).
    pub decided_at: String,
}

/// One item the pack of a request will list, with any decision on it.
#[derive(Clone, Serialize, ToSchema)]
pub struct PackCandidate {
    /// The item key.
    pub item: String,
    /// `identity`, `note`, `document`, `request` or `found`.
    pub kind: String,
    /// A description without personal data (kind, date, category or size).
    pub label: String,
    /// When the item was recorded (RFC 3339).
    pub created_at: String,
    /// Fields a reviewer may withhold in part.
    pub fields: Vec<String>,
    /// The decision, if any (the item goes in full otherwise).
    pub review: Option<PackItemReview>,
}

/// What a request's pack will hold.
#[derive(Clone, Serialize, ToSchema)]
pub struct PackReview {
    /// The request.
    pub request_id: String,
    /// Its subject.
    pub subject_id: String,
    /// Every item, identity first.
    pub items: Vec<PackCandidate>,
}

/// A pack just built: the passphrase is shown this once and never stored.
#[derive(Clone, Serialize, ToSchema)]
pub struct BuiltPack {
    /// Pack id.
    pub id: String,
    /// The passphrase that opens the zip. Give it to the requester separately (phone,
    /// letter) from the file; Steward keeps no copy.
    pub passphrase: String,
    /// SHA-256 of the zip file, hex.
    pub sha256: String,
    /// Items listed.
    pub items: i64,
    /// Size of the zip file.
    pub bytes: i64,
    /// Where to download it (API).
    pub download_url: String,
}

impl std::fmt::Debug for BuiltPack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltPack").field("id", &self.id).finish_non_exhaustive()
    }
}

/// A stored pack's details (no passphrase: it is never kept).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PackInfo {
    /// Pack id.
    pub id: String,
    /// The request.
    pub request_id: String,
    /// SHA-256 of the zip, hex.
    pub sha256: String,
    /// Size of the zip.
    pub bytes: i64,
    /// Items listed.
    pub items: i64,
    /// When built (RFC 3339).
    pub created_at: String,
    /// Who built it.
    pub created_by: String,
}

impl From<&PackRow> for PackInfo {
    fn from(p: &PackRow) -> Self {
        Self {
            id: p.id.clone(),
            request_id: p.request_id.clone(),
            sha256: p.sha256.clone(),
            bytes: p.bytes,
            items: p.items,
            created_at: p.created_at.clone(),
            created_by: p.created_by.clone(),
        }
    }
}

/// Characters of passphrase groups: no 0/o, 1/l/i, so it can be read aloud and typed.
const PASS_ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A new passphrase: six groups of four characters from 31 (about 119 bits), e.g.
/// `k7qm-4trx-hz2p-9wce-mbn3-ufa6`.
pub fn new_passphrase() -> AppResult<String> {
    let mut out = String::with_capacity(29);
    let mut n = 0;
    let mut buf = [0u8; 64];
    while n < 24 {
        steward_crypto::random_bytes(&mut buf)?;
        for b in buf {
            // Rejection sampling over 5 bits keeps every character equally likely.
            let v = usize::from(b & 31);
            if v < PASS_ALPHABET.len() && n < 24 {
                if n > 0 && n % 4 == 0 {
                    out.push('-');
                }
                out.push(char::from(PASS_ALPHABET[v]));
                n += 1;
            }
        }
    }
    Ok(out)
}

fn review_aad(request: &str, item: &str) -> Vec<u8> {
    format!("pack-item:{request}:{item}").into_bytes()
}

fn pack_aad(subject: &str, id: &str) -> Vec<u8> {
    format!("pack:{subject}:{id}").into_bytes()
}

fn date_part(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

/// One item of a pack as it is written out.
struct Entry {
    key: String,
    kind: &'static str,
    title: String,
    source: String,
    created_at: String,
    updated_at: String,
    data: Map<String, Value>,
    file: Option<(String, Vec<u8>)>,
    decision: Option<(Treatment, &'static Exemption, Vec<String>)>,
}

/// The readable index of a pack.
#[derive(Template)]
#[template(path = "pack_index.html")]
struct IndexPage<'a> {
    org_name: &'a str,
    reference: &'a str,
    kind: &'a str,
    received_on: &'a str,
    generated_on: String,
    dpo_contact: Option<String>,
    items: Vec<IndexItem>,
    applied: Vec<&'static Exemption>,
    withheld: usize,
    /// The record of processing's Art 15 facts for the subject, when it covers them.
    about: Option<crate::about_processing::ProcessingFacts>,
}

struct IndexItem {
    title: String,
    source: String,
    created_on: String,
    status: &'static str,
    exemption: Option<&'static Exemption>,
    withheld_fields: String,
    rows: Vec<(String, String)>,
    file: Option<String>,
}

/// Flatten JSON into `(path, text)` pairs: `addresses[0].postcode`, …
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&p, v, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => out.push((prefix.into(), s.clone())),
        other => out.push((prefix.into(), other.to_string())),
    }
}

/// A spreadsheet cell that cannot be taken for a formula (OWASP "CSV injection").
fn safe_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrases_are_six_readable_groups_and_differ() {
        let a = new_passphrase().unwrap_or_default();
        let b = new_passphrase().unwrap_or_default();
        assert_ne!(a, b);
        let groups: Vec<&str> = a.split('-').collect();
        assert_eq!(groups.len(), 6);
        assert!(groups.iter().all(|g| g.len() == 4 && g.bytes().all(|c| PASS_ALPHABET.contains(&c))));
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("plain"), "plain");
    }
}
