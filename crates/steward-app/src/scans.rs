//! Searches of files run from a request: the subject's details from the vault are looked
//! for in uploaded files (mailboxes, documents, archives) with `steward-scan`; the search
//! records itself in the request's search log; documents where the subject was found
//! are kept, sealed under the subject's data key, for a reviewer to choose for the
//! response pack and to accept or reject each proposed redaction of other people's data
//! (DPA 2018 Sch 2 Pt 3 para 16) before anything is released.
//!
//! Audit entries carry ids and counts only. The search log's terms name the kinds of
//! identifier searched, never their values, so erasing the subject (which destroys their
//! key and with it the kept documents) leaves no copy of them.

use serde::{Deserialize, Serialize};
use steward_core::subject::PersonalData;
use steward_scan::detect::entity_label;
use steward_scan::profile::SubjectProfile;
use steward_scan::redact::{self, Proposal};
use steward_scan::{Detection, Document, Entity, Location};
use utoipa::ToSchema;

mod run;
mod view;

/// Most files one search may upload.
pub const MAX_SCAN_FILES: usize = 50;
/// Most bytes one search may upload, all files together.
pub const MAX_SCAN_BYTES: u64 = 48 * 1024 * 1024;
/// Most text (bytes) one search may expand to from archives and attachments.
pub const MAX_SCAN_EXPANDED_BYTES: u64 = 512 * 1024 * 1024;
/// Characters of context either side of a hit in its snippet.
const SNIPPET_CONTEXT: usize = 60;

/// One uploaded file to search.
pub struct ScanFile {
    /// Its name as uploaded (a path is reduced to its last part).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for ScanFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanFile").field("bytes", &self.bytes.len()).finish_non_exhaustive()
    }
}

/// A search of files to run for a request.
#[derive(Debug, Default)]
pub struct NewScan {
    /// The system the files came from, from the register.
    pub system_id: Option<String>,
    /// The system, in words, when it is not on the register.
    pub system: String,
    /// The files (mailboxes, documents, archives).
    pub files: Vec<ScanFile>,
}

/// A search of files, without personal data: counts and the reviewer's progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanSummary {
    /// Scan id.
    pub id: String,
    /// The request.
    pub request_id: String,
    /// The search-log entry it wrote.
    pub search_id: String,
    /// When it ran (RFC 3339).
    pub created_at: String,
    /// Who ran it.
    pub created_by: String,
    /// Documents read (files, messages, attachments, archive entries).
    pub documents: i64,
    /// Bytes uploaded.
    pub bytes: i64,
    /// Inputs not read (each listed, with the reason, in the scan's detail).
    pub skipped: i64,
    /// Hits of the subject's data.
    pub subject_hits: i64,
    /// Documents in which the subject was found (kept for review).
    pub found_documents: i64,
    /// Other people's data proposed for redaction in those documents.
    pub third_party: i64,
    /// Documents chosen for the response pack.
    pub included_documents: i64,
    /// Proposals in chosen documents not yet accepted or rejected.
    pub undecided: i64,
}

/// An input the search could not read, and why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SkippedInput {
    /// The file (with `!` before each archive entry or attachment inside it).
    pub source: String,
    /// Why it was not read.
    pub reason: String,
}

/// One hit of the subject's data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanHitView {
    /// What matched (Presidio's entity names where it has one: `PERSON`, `EMAIL_ADDRESS` …).
    pub entity: String,
    /// Where: line, page, cell, message part.
    pub location: String,
    /// The text matched.
    pub text: String,
    /// The text around it.
    pub snippet: String,
    /// How sure, from 0 to 1.
    pub confidence: f32,
    /// Why it matched.
    pub why: String,
}

/// A reviewer's decision on one proposed redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RedactionDecision {
    /// Redact it.
    Accept,
    /// Disclose it.
    Reject,
    /// Not decided yet.
    Undecided,
}

impl RedactionDecision {
    fn code(self) -> char {
        match self {
            Self::Accept => 'a',
            Self::Reject => 'r',
            Self::Undecided => '?',
        }
    }

    fn from_code(c: char) -> Self {
        match c {
            'a' => Self::Accept,
            'r' => Self::Reject,
            _ => Self::Undecided,
        }
    }
}

/// One proposed redaction with the decision on it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    /// Its number within the document, from 0.
    pub index: usize,
    /// What it is.
    pub entity: String,
    /// Where.
    pub location: String,
    /// The text to redact.
    pub text: String,
    /// The text around it.
    pub snippet: String,
    /// How sure, from 0 to 1.
    pub confidence: f32,
    /// Why it was found.
    pub why: String,
    /// The exemption relied on (third-party data) or a call for review (special category).
    pub exemption: String,
    /// The decision.
    pub decision: RedactionDecision,
}

/// A document in which the subject was found, with its hits and proposals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanDocumentView {
    /// Document id.
    pub id: String,
    /// Order within the scan, from 1.
    pub position: i64,
    /// The file, with `!` before each archive entry, message or attachment inside it.
    pub source: String,
    /// The format read.
    pub format: String,
    /// Whether it goes in the response pack.
    pub included: bool,
    /// The subject's data found in it.
    pub hits: Vec<ScanHitView>,
    /// Other people's data (and special-category cues) proposed for redaction.
    pub proposals: Vec<ProposalView>,
    /// Proposals not yet decided.
    pub undecided: usize,
    /// The document as it would be disclosed now: redacted text (accepted proposals
    /// replaced by a label naming the type and exemption).
    pub redacted_text: String,
    /// The same as an HTML fragment, every piece of text escaped, redactions and
    /// undecided proposals marked.
    pub redacted_html: String,
    /// Who last changed the choices, and when.
    pub decided_by: Option<String>,
    /// When (RFC 3339).
    pub decided_at: Option<String>,
}

/// A search of files in full (audited when opened).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanView {
    /// The counts.
    pub summary: ScanSummary,
    /// The system searched.
    pub system: String,
    /// The files uploaded.
    pub files: Vec<String>,
    /// Inputs not read, with the reason.
    pub skipped_inputs: Vec<SkippedInput>,
    /// The documents in which the subject was found.
    pub documents: Vec<ScanDocumentView>,
}

/// A reviewer's choices on one document of a search.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanDocumentReview {
    /// Put the document in the response pack (`true`) or take it out (`false`).
    #[serde(default)]
    pub included: Option<bool>,
    /// A decision for every proposal at once, applied before `decisions`.
    #[serde(default)]
    pub all: Option<RedactionDecision>,
    /// Decisions on single proposals, by index.
    #[serde(default)]
    pub decisions: Vec<ProposalDecision>,
}

/// A decision on one proposal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalDecision {
    /// The proposal's index within the document.
    pub proposal: usize,
    /// The decision.
    pub decision: RedactionDecision,
}

/// The sealed details of a scan.
#[derive(Serialize, Deserialize)]
struct ScanMeta {
    system: String,
    files: Vec<String>,
    skipped: Vec<SkippedInput>,
}

/// A proposal as kept (the exemption as text).
#[derive(Serialize, Deserialize)]
struct KeptProposal {
    segment: usize,
    detection: Detection,
    exemption: String,
}

/// A hit as kept.
#[derive(Serialize, Deserialize)]
struct KeptHit {
    segment: usize,
    detection: Detection,
}

/// The sealed content of a document kept by a scan.
#[derive(Serialize, Deserialize)]
struct KeptDocument {
    document: Document,
    hits: Vec<KeptHit>,
    proposals: Vec<KeptProposal>,
}

impl KeptDocument {
    /// The proposals with the reviewer's decisions, as `steward-scan` applies them.
    fn proposals_with(&self, decisions: &str) -> Vec<Proposal> {
        let mut codes = decisions.chars();
        self.proposals
            .iter()
            .map(|p| {
                let accepted = match RedactionDecision::from_code(codes.next().unwrap_or('?')) {
                    RedactionDecision::Accept => Some(true),
                    RedactionDecision::Reject => Some(false),
                    RedactionDecision::Undecided => None,
                };
                let exemption = if p.exemption == redact::REVIEW { redact::REVIEW } else { redact::THIRD_PARTY };
                Proposal { segment: p.segment, detection: p.detection.clone(), exemption, accepted }
            })
            .collect()
    }

    /// The proposals as they apply to what is disclosed: accepted ones redacted (a
    /// special-category cue accepted for redaction is other people's data, so it is
    /// labelled with the third-party exemption); undecided ones redacted too, to be safe,
    /// though a pack is built only once every proposal is decided.
    fn disclosed_proposals(&self, decisions: &str) -> Vec<Proposal> {
        let mut ps = self.proposals_with(decisions);
        for p in &mut ps {
            if p.accepted.is_none() {
                p.accepted = Some(true);
            }
            if p.accepted == Some(true) {
                p.exemption = redact::THIRD_PARTY;
            }
        }
        ps
    }

    /// The text to disclose, with each redaction labelled by type and exemption.
    fn disclosed_text(&self, decisions: &str) -> String {
        redact::redacted_text(&self.document, &self.disclosed_proposals(decisions))
    }
}

fn meta_aad(subject: &str, id: &str) -> Vec<u8> {
    format!("scan-meta:{subject}:{id}").into_bytes()
}

fn doc_aad(subject: &str, scan: &str, id: &str) -> Vec<u8> {
    format!("scan-document:{subject}:{scan}:{id}").into_bytes()
}

/// The subject's details as a scan profile: names (given, family, other names), emails,
/// phones, date of birth, NI and NHS numbers, postcodes and reference numbers.
pub fn profile_of(p: &PersonalData) -> SubjectProfile {
    let name = format!("{} {}", p.given_name.trim(), p.family_name.trim()).trim().to_string();
    let ids = &p.identifiers;
    SubjectProfile {
        name: (!name.is_empty()).then_some(name),
        aliases: p.other_names.clone(),
        emails: p.emails.clone(),
        phones: p.phones.clone(),
        dobs: p.date_of_birth.iter().map(ToString::to_string).collect(),
        ni: ids.ni_number.iter().cloned().collect(),
        nhs: ids.nhs_number.iter().cloned().collect(),
        postcodes: p.addresses.iter().filter_map(|a| a.postcode.clone()).collect(),
        refs: [&ids.tenancy_number, &ids.customer_number, &ids.employee_number, &ids.volunteer_number]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
    }
}

/// What was searched for, by kind and count, never by value: `name, 1 other name,
/// 2 email addresses, date of birth, NI number`.
fn describe_terms(p: &SubjectProfile) -> String {
    let mut parts: Vec<String> = Vec::new();
    if p.name.is_some() {
        parts.push("name (with initials, nicknames and reversed forms)".into());
    }
    let mut count = |n: usize, one: &str, many: &str| match n {
        0 => {}
        1 => parts.push(format!("1 {one}")),
        n => parts.push(format!("{n} {many}")),
    };
    count(p.aliases.len(), "other name", "other names");
    count(p.emails.len(), "email address", "email addresses");
    count(p.phones.len(), "phone number", "phone numbers");
    count(p.dobs.len(), "date of birth", "dates of birth");
    count(p.ni.len(), "NI number", "NI numbers");
    count(p.nhs.len(), "NHS number", "NHS numbers");
    count(p.postcodes.len(), "postcode", "postcodes");
    count(p.refs.len(), "reference number", "reference numbers");
    format!("The subject's details from the people register: {}", parts.join(", "))
}

/// A file name as uploaded, reduced to its last path part, control characters removed.
fn upload_name(raw: &str, n: usize) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim().to_string();
    if clean.is_empty() || clean == "." || clean == ".." { format!("file-{n}") } else { clean }
}

/// Where a segment came from, in words.
pub fn describe_location(l: &Location) -> String {
    match l {
        Location::Text { line } => format!("line {line}"),
        Location::Page { page } => format!("page {page}"),
        Location::Cell { sheet, row, col } => match sheet {
            Some(s) => format!("sheet {s}, row {row}, column {col}"),
            None => format!("row {row}, column {col}"),
        },
        Location::Message { message_id, part } => match message_id {
            Some(id) => format!("message {id}, {part}"),
            None => part.clone(),
        },
        Location::Block { index } => format!("block {index}"),
    }
}

/// The text around `d` in `text`, on char boundaries, newlines flattened.
fn snippet(text: &str, d: &Detection) -> String {
    let mut from = d.start.min(text.len()).saturating_sub(SNIPPET_CONTEXT);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (d.end + SNIPPET_CONTEXT).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    s.push_str(&text[from..to].replace(['\r', '\n', '\t'], " "));
    if to < text.len() {
        s.push('…');
    }
    s
}

fn entity_name(e: Entity) -> String {
    entity_label(e).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_lose_their_paths_and_control_characters() {
        assert_eq!(upload_name("../../etc/passwd", 1), "passwd");
        assert_eq!(upload_name("C:\\Users\\x\\inbox.mbox", 2), "inbox.mbox");
        assert_eq!(upload_name("a\u{0}b\nc.txt", 3), "abc.txt");
        assert_eq!(upload_name("..", 4), "file-4");
        assert_eq!(upload_name("", 5), "file-5");
    }

    #[test]
    fn terms_name_kinds_of_identifier_never_values() {
        let p = SubjectProfile {
            name: Some("Jane Smith".into()),
            emails: vec!["jane@example.org".into(), "j.smith@example.net".into()],
            ni: vec!["QQ123456C".into()],
            ..SubjectProfile::default()
        };
        let t = describe_terms(&p);
        assert!(t.contains("2 email addresses") && t.contains("1 NI number"), "{t}");
        assert!(!t.contains("Jane") && !t.contains("example") && !t.contains("QQ"), "{t}");
    }

    #[test]
    fn snippets_stay_on_character_boundaries() {
        let text = "é".repeat(100) + "Jane Smith" + &"ü".repeat(100);
        let start = "é".repeat(100).len();
        let d = Detection {
            entity: Entity::Person,
            start,
            end: start + 10,
            text: "Jane Smith".into(),
            confidence: 1.0,
            why: String::new(),
        };
        let s = snippet(&text, &d);
        assert!(s.contains("Jane Smith") && s.starts_with('…') && s.ends_with('…'));
    }
}
