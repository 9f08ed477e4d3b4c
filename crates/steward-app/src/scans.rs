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

use crate::checklists::aad as search_aad;
use crate::{App, AppError, AppResult, Context};
use serde::{Deserialize, Serialize};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::request::RequestKind;
use steward_core::subject::PersonalData;
use steward_core::{FieldError, Permission};
use steward_crypto::DataKey;
use steward_scan::detect::{Detector, entity_label};
use steward_scan::profile::{ProfileError, SubjectMatcher, SubjectProfile};
use steward_scan::redact::{self, Proposal};
use steward_scan::walk::Limits;
use steward_scan::{Detection, Document, Entity, Item, Location};
use steward_store::{ScanDocumentRow, ScanRow, SearchRow};
use utoipa::ToSchema;

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

/// Runs the pipeline over uploaded files: the documents where the subject was found,
/// with their proposals, plus counts and what was skipped.
struct ScanOutcome {
    kept: Vec<KeptDocument>,
    documents: i64,
    subject_hits: i64,
    third_party: i64,
    skipped: Vec<SkippedInput>,
}

fn run_scan(files: &[(String, &[u8])], matcher: &SubjectMatcher) -> ScanOutcome {
    let limits = Limits { max_expanded_bytes: MAX_SCAN_EXPANDED_BYTES, ..Limits::default() };
    let detector = Detector::new();
    let mut out = ScanOutcome { kept: Vec::new(), documents: 0, subject_hits: 0, third_party: 0, skipped: Vec::new() };
    for (name, bytes) in files {
        let mut items = Vec::new();
        steward_scan::extract::extract(name, name, bytes, &limits, 0, &mut |item| items.push(item));
        for item in items {
            match item {
                Item::Skipped { source, skip } => out.skipped.push(SkippedInput { source, reason: skip.to_string() }),
                Item::Document(doc) => {
                    out.documents += 1;
                    let hits: Vec<KeptHit> = doc
                        .segments
                        .iter()
                        .enumerate()
                        .flat_map(|(i, s)| {
                            matcher.find(&s.text).into_iter().map(move |d| KeptHit { segment: i, detection: d })
                        })
                        .collect();
                    if hits.is_empty() {
                        continue;
                    }
                    out.subject_hits += hits.len() as i64;
                    let proposals: Vec<KeptProposal> = redact::proposals(&doc, &detector, Some(matcher))
                        .into_iter()
                        .map(|p| KeptProposal {
                            segment: p.segment,
                            detection: p.detection,
                            exemption: p.exemption.into(),
                        })
                        .collect();
                    out.third_party +=
                        proposals.iter().filter(|p| p.detection.entity != Entity::SpecialCategory).count() as i64;
                    out.kept.push(KeptDocument { document: doc, hits, proposals });
                }
            }
        }
    }
    out
}

impl App {
    /// Search uploaded files for the subject of request `request_id`: writes the search
    /// log entry (system, today, who, which kinds of identifier, documents found), keeps
    /// each document where the subject was found (sealed under their key) with its
    /// proposed redactions, and audits the run with counts.
    pub fn run_request_scan(&self, ctx: &Context, request_id: &str, input: NewScan) -> AppResult<ScanSummary> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        let (q, _) = self.load_request(ctx, request_id)?;
        let Some(subject) = q.subject_id.clone() else {
            return Err(AppError::Invalid(FieldError::new(
                "subject_id",
                "the request is not linked to a subject on record; link it first, so the search knows whose details to look for",
            )));
        };
        let (system, processor) = self.searched_system(input.system_id.as_deref(), &input.system, false)?;
        if input.files.is_empty() {
            return Err(AppError::Invalid(FieldError::new("files", "choose at least one file to search")));
        }
        if input.files.len() > MAX_SCAN_FILES {
            return Err(AppError::Invalid(FieldError::new(
                "files",
                format!("search at most {MAX_SCAN_FILES} files at once (put more in a zip archive)"),
            )));
        }
        let total: u64 = input.files.iter().map(|f| f.bytes.len() as u64).sum();
        if total > MAX_SCAN_BYTES {
            return Err(AppError::Invalid(FieldError::new(
                "files",
                format!(
                    "are {} MB together; one search takes up to {} MB",
                    total / 1_000_000,
                    MAX_SCAN_BYTES / 1_048_576
                ),
            )));
        }
        let (row, key) = self.subject_key(ctx, Permission::SubjectRead, &subject)?;
        let personal = self.open_row(&row)?;
        let profile = profile_of(&personal);
        // Never the error's own words: a date or a pattern would repeat the person's details.
        let matcher = SubjectMatcher::new(&profile).map_err(|e| {
            let why = match e {
                ProfileError::Empty => "their record has no name and no identifier",
                ProfileError::BadDate(_) => "their date of birth cannot be read",
                ProfileError::Pattern(_) => "their record has too many details to search for at once",
            };
            AppError::Invalid(FieldError::new(
                "subject_id",
                format!("the subject's details cannot be searched for: {why}"),
            ))
        })?;
        let files: Vec<(String, &[u8])> =
            input.files.iter().enumerate().map(|(i, f)| (upload_name(&f.name, i + 1), f.bytes.as_slice())).collect();
        let outcome = run_scan(&files, &matcher);

        let scan_id = uuid::Uuid::now_v7().to_string();
        let search_id = uuid::Uuid::now_v7().to_string();
        let now = self.now_text();
        let found = outcome.kept.len() as i64;
        let search = SearchRow {
            id: search_id.clone(),
            request_id: request_id.into(),
            system: system.clone(),
            searched_on: self.today().to_string(),
            searched_by: ctx.actor.clone(),
            terms: self
                .keys
                .seal_secret(
                    &search_aad(&search_id),
                    format!(
                        "{} — searched by Steward in {} uploaded file(s), {} document(s) read",
                        describe_terms(&profile),
                        files.len(),
                        outcome.documents
                    )
                    .as_bytes(),
                )
                .map_err(AppError::from)?,
            hits: found,
            processor,
            answer: self.keys.seal_secret(&search_aad(&search_id), b"").map_err(AppError::from)?,
            system_id: input.system_id.clone().filter(|s| !s.is_empty()),
        };
        let meta = ScanMeta { system, files: files.iter().map(|(n, _)| n.clone()).collect(), skipped: outcome.skipped };
        let meta_json = serde_json::to_vec(&meta).map_err(|e| AppError::Io(format!("cannot encode a scan: {e}")))?;
        let mut docs = Vec::with_capacity(outcome.kept.len());
        for (i, k) in outcome.kept.iter().enumerate() {
            let id = uuid::Uuid::now_v7().to_string();
            let json = serde_json::to_vec(k).map_err(|e| AppError::Io(format!("cannot encode a document: {e}")))?;
            docs.push(ScanDocumentRow {
                data: key.seal(&doc_aad(&subject, &scan_id, &id), &json)?,
                id,
                scan_id: scan_id.clone(),
                request_id: request_id.into(),
                subject_id: subject.clone(),
                position: i as i64 + 1,
                hits: k.hits.len() as i64,
                proposals: k.proposals.len() as i64,
                included: false,
                decisions: "?".repeat(k.proposals.len()),
                decided_by: None,
                decided_at: None,
            });
        }
        let scan_row = ScanRow {
            id: scan_id.clone(),
            request_id: request_id.into(),
            subject_id: subject.clone(),
            search_id: search_id.clone(),
            created_at: now,
            created_by: ctx.actor.clone(),
            documents: outcome.documents,
            bytes: total as i64,
            skipped: meta.skipped.len() as i64,
            subject_hits: outcome.subject_hits,
            third_party: outcome.third_party,
            meta: key.seal(&meta_aad(&subject, &scan_id), &meta_json)?,
        };
        let ev = self.event(
            ctx,
            Action::RequestScan,
            request_id,
            Outcome::Success,
            format!(
                "scan={scan_id} search={search_id} files={} documents={} found={found} hits={} third_party={} skipped={}",
                files.len(),
                outcome.documents,
                outcome.subject_hits,
                outcome.third_party,
                scan_row.skipped
            ),
        );
        self.store.insert_request_scan(&search, &scan_row, &docs, &ev)?;
        Ok(summary(&scan_row, &docs))
    }

    /// Whether `ctx` may search files for request `request_id` (checked before an upload
    /// is read).
    pub fn check_request_scan(&self, ctx: &Context, request_id: &str) -> AppResult<()> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        self.load_request_for(ctx, request_id)
    }

    /// The searches of files run for a request: counts only (nothing personal is opened).
    pub fn request_scans(&self, ctx: &Context, request_id: &str) -> AppResult<Vec<ScanSummary>> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        self.load_request_for(ctx, request_id)?;
        self.store
            .request_scans(request_id)?
            .iter()
            .map(|s| Ok(summary(s, &self.store.scan_document_states(&s.id)?)))
            .collect()
    }

    /// One search of files in full: the files, what was skipped, each document with the
    /// subject's hits, the proposed redactions and the redacted text (audited as a view).
    pub fn request_scan(&self, ctx: &Context, request_id: &str, scan_id: &str) -> AppResult<ScanView> {
        self.require(ctx, Permission::SubjectRead, ObjectType::Request, request_id)?;
        self.load_request_for(ctx, request_id)?;
        let s = self
            .store
            .request_scan(request_id, scan_id)?
            .ok_or_else(|| AppError::NotFound(format!("search {scan_id} of this request")))?;
        let (subject, key) = self.subject_key(ctx, Permission::SubjectRead, &s.subject_id)?;
        let recorded = self.recorded_cue_categories(ctx, &subject, request_id)?;
        let meta: ScanMeta = serde_json::from_slice(&key.open(&meta_aad(&s.subject_id, &s.id), &s.meta)?)
            .map_err(|_| AppError::Undecryptable)?;
        let rows = self.store.scan_documents(&s.id)?;
        let mut documents = Vec::with_capacity(rows.len());
        for r in &rows {
            let k = open_document(&key, r)?;
            documents.push(document_view(r, &k, &recorded));
        }
        let ev = self.event(
            ctx,
            Action::RequestScanView,
            request_id,
            Outcome::Success,
            format!("scan={} documents={}", s.id, documents.len()),
        );
        self.store.audit(&ev)?;
        Ok(ScanView {
            summary: summary(&s, &rows),
            system: meta.system,
            files: meta.files,
            skipped_inputs: meta.skipped,
            documents,
        })
    }

    /// Record a reviewer's choices on one document of a search: whether it goes in the
    /// response pack, and accept or reject for its proposed redactions (audited with ids
    /// and counts). Returns the document as it now stands.
    pub fn review_scan_document(
        &self,
        ctx: &Context,
        request_id: &str,
        scan_id: &str,
        doc_id: &str,
        review: ScanDocumentReview,
    ) -> AppResult<ScanDocumentView> {
        self.require(ctx, Permission::SubjectUpdate, ObjectType::Request, request_id)?;
        let (q, _) = self.load_request(ctx, request_id)?;
        let s = self
            .store
            .request_scan(request_id, scan_id)?
            .ok_or_else(|| AppError::NotFound(format!("search {scan_id} of this request")))?;
        let (subject, key) = self.subject_key(ctx, Permission::SubjectRead, &s.subject_id)?;
        let mut row = self
            .store
            .scan_document(&s.id, doc_id)?
            .ok_or_else(|| AppError::NotFound(format!("document {doc_id} of this search")))?;
        let n = usize::try_from(row.proposals).unwrap_or(0);
        let mut codes: Vec<char> = row.decisions.chars().chain(std::iter::repeat('?')).take(n).collect();
        if let Some(all) = review.all {
            codes.iter_mut().for_each(|c| *c = all.code());
        }
        for d in &review.decisions {
            let Some(c) = codes.get_mut(d.proposal) else {
                return Err(AppError::Invalid(FieldError::new(
                    "decisions",
                    format!("proposal {} does not exist; this document has {n} (numbered from 0)", d.proposal),
                )));
            };
            *c = d.decision.code();
        }
        if let Some(inc) = review.included {
            if inc {
                let kind: RequestKind = q
                    .kind
                    .parse()
                    .map_err(|_| AppError::Invalid(FieldError::new("kind", "is not a known request kind")))?;
                if !matches!(kind, RequestKind::Access | RequestKind::Portability) {
                    return Err(AppError::Invalid(FieldError::new(
                        "included",
                        "documents go into response packs, which are built for access and portability requests only",
                    )));
                }
            }
            row.included = inc;
        }
        row.decisions = codes.into_iter().collect();
        let decided_at = self.now_text();
        let accepted = row.decisions.chars().filter(|c| *c == 'a').count();
        let rejected = row.decisions.chars().filter(|c| *c == 'r').count();
        let ev = self.event(
            ctx,
            Action::RequestScanReview,
            request_id,
            Outcome::Success,
            format!(
                "scan={} document={} included={} accepted={accepted} rejected={rejected} undecided={}",
                s.id,
                row.id,
                row.included,
                n - accepted - rejected
            ),
        );
        row.decided_by = Some(ctx.actor.clone());
        row.decided_at = Some(decided_at);
        self.store.update_scan_document(&row, &ev)?;
        let k = open_document(&key, &row)?;
        let recorded = self.recorded_cue_categories(ctx, &subject, request_id)?;
        Ok(document_view(&row, &k, &recorded))
    }

    /// The documents chosen from searches for a request's response pack, opened, with
    /// each one's text as it will be disclosed. Refuses while any proposal in them is
    /// undecided: nothing is released before a reviewer has accepted or rejected each.
    pub(crate) fn pack_found_documents(
        &self,
        request_id: &str,
        key: &DataKey,
        require_decided: bool,
    ) -> AppResult<Vec<FoundDocument>> {
        let rows = self.store.included_scan_documents(request_id)?;
        let undecided: usize = rows.iter().map(|r| r.decisions.chars().filter(|c| *c == '?').count()).sum();
        if require_decided && undecided > 0 {
            let docs = rows.iter().filter(|r| r.decisions.contains('?')).count();
            return Err(AppError::Invalid(FieldError::new(
                "scans",
                format!(
                    "{undecided} proposed redaction(s) in {docs} document(s) chosen from searches are not yet reviewed; accept or reject each before building the pack"
                ),
            )));
        }
        let scans = self.store.request_scans(request_id)?;
        rows.iter()
            .map(|r| {
                let k = open_document(key, r)?;
                let scan_date =
                    scans.iter().find(|s| s.id == r.scan_id).map_or("", |s| s.created_at.get(..10).unwrap_or(""));
                let redactions = k
                    .disclosed_proposals(&r.decisions)
                    .iter()
                    .filter(|p| p.applies())
                    .map(|p| {
                        let at = k
                            .document
                            .segments
                            .get(p.segment)
                            .map(|s| describe_location(&s.location))
                            .unwrap_or_default();
                        (entity_name(p.detection.entity), p.exemption.to_string(), at)
                    })
                    .collect();
                Ok(FoundDocument {
                    id: r.id.clone(),
                    source: k.document.source.clone(),
                    format: k.document.format.clone(),
                    searched_on: scan_date.to_string(),
                    text: k.disclosed_text(&r.decisions),
                    redactions,
                })
            })
            .collect()
    }
}

/// A document chosen from a search for the response pack, ready to disclose.
pub(crate) struct FoundDocument {
    pub(crate) id: String,
    pub(crate) source: String,
    pub(crate) format: String,
    pub(crate) searched_on: String,
    /// The text with accepted redactions applied.
    pub(crate) text: String,
    /// Each redaction: type, exemption, where.
    pub(crate) redactions: Vec<(String, String, String)>,
}

fn open_document(key: &DataKey, r: &ScanDocumentRow) -> AppResult<KeptDocument> {
    let plain = key.open(&doc_aad(&r.subject_id, &r.scan_id, &r.id), &r.data)?;
    serde_json::from_slice(&plain).map_err(|_| AppError::Undecryptable)
}

fn summary(s: &ScanRow, docs: &[ScanDocumentRow]) -> ScanSummary {
    let included: Vec<&ScanDocumentRow> = docs.iter().filter(|d| d.included).collect();
    ScanSummary {
        id: s.id.clone(),
        request_id: s.request_id.clone(),
        search_id: s.search_id.clone(),
        created_at: s.created_at.clone(),
        created_by: s.created_by.clone(),
        documents: s.documents,
        bytes: s.bytes,
        skipped: s.skipped,
        subject_hits: s.subject_hits,
        found_documents: docs.len() as i64,
        third_party: s.third_party,
        included_documents: included.len() as i64,
        undecided: included.iter().map(|d| d.decisions.chars().filter(|c| *c == '?').count() as i64).sum(),
    }
}

/// The scanner's special-category cue categories (`data/special_category.txt`) and the
/// headings of a subject's recorded special-category data (UK GDPR Art 9(1), Art 10)
/// each stands for.
const CUE_HEADINGS: [(&str, &[&str]); 7] = [
    ("health", &["health"]),
    ("ethnicity", &["racial_or_ethnic_origin"]),
    ("religion", &["religious_or_philosophical_beliefs"]),
    ("trade union", &["trade_union_membership"]),
    ("genetic or biometric", &["genetic", "biometric"]),
    ("sexuality", &["sex_life", "sexual_orientation"]),
    ("criminal", &["criminal_offence"]),
];

impl App {
    /// The cue categories under which the subject has special-category data on record,
    /// for a reviewer who may see it (otherwise none, so nothing is revealed): a cue of
    /// such a category in a document found for them may be their own data, to disclose
    /// to them rather than redact as someone else's. Using it is audited as a view of
    /// their special-category data.
    fn recorded_cue_categories(
        &self,
        ctx: &Context,
        subject: &steward_store::SubjectRow,
        request_id: &str,
    ) -> AppResult<Vec<&'static str>> {
        if !ctx.special_category {
            return Ok(Vec::new());
        }
        let Some(sc) = self.open_row(subject)?.special_category else { return Ok(Vec::new()) };
        let recorded: Vec<&str> =
            sc.entries().into_iter().filter(|(_, _, t)| !t.is_empty()).map(|(k, _, _)| k).collect();
        let cues: Vec<&'static str> = CUE_HEADINGS
            .iter()
            .filter(|(_, headings)| headings.iter().any(|h| recorded.contains(h)))
            .map(|(cue, _)| *cue)
            .collect();
        if !cues.is_empty() {
            let ev = self.event(
                ctx,
                Action::SubjectViewSpecialCategory,
                &subject.id,
                Outcome::Success,
                format!("via=scan request={request_id}"),
            );
            self.store.audit(&ev)?;
        }
        Ok(cues)
    }
}

/// What a reviewer is told about a special-category cue whose category the subject has
/// on record (see [`App::recorded_cue_categories`]).
fn cue_note(why: &str, recorded: &[&str]) -> String {
    match recorded.iter().find(|c| why.contains(&format!("({c})"))) {
        Some(_) => format!("{why}; this person has data of this kind on their record, so it may be theirs to disclose"),
        None => why.to_string(),
    }
}

fn document_view(r: &ScanDocumentRow, k: &KeptDocument, recorded: &[&str]) -> ScanDocumentView {
    let segs = &k.document.segments;
    let at = |i: usize| segs.get(i).map(|s| describe_location(&s.location)).unwrap_or_default();
    let text_of = |i: usize| segs.get(i).map_or("", |s| s.text.as_str());
    let hits = k
        .hits
        .iter()
        .map(|h| ScanHitView {
            entity: entity_name(h.detection.entity),
            location: at(h.segment),
            text: h.detection.text.clone(),
            snippet: snippet(text_of(h.segment), &h.detection),
            confidence: h.detection.confidence,
            why: h.detection.why.clone(),
        })
        .collect();
    let mut codes = r.decisions.chars();
    let proposals: Vec<ProposalView> = k
        .proposals
        .iter()
        .enumerate()
        .map(|(index, p)| ProposalView {
            index,
            entity: entity_name(p.detection.entity),
            location: at(p.segment),
            text: p.detection.text.clone(),
            snippet: snippet(text_of(p.segment), &p.detection),
            confidence: p.detection.confidence,
            why: if p.detection.entity == Entity::SpecialCategory {
                cue_note(&p.detection.why, recorded)
            } else {
                p.detection.why.clone()
            },
            exemption: p.exemption.clone(),
            decision: RedactionDecision::from_code(codes.next().unwrap_or('?')),
        })
        .collect();
    let ps = k.proposals_with(&r.decisions);
    ScanDocumentView {
        id: r.id.clone(),
        position: r.position,
        source: k.document.source.clone(),
        format: k.document.format.clone(),
        included: r.included,
        undecided: proposals.iter().filter(|p| p.decision == RedactionDecision::Undecided).count(),
        hits,
        proposals,
        redacted_text: redact::redacted_text(&k.document, &ps),
        redacted_html: redact::redacted_html(&k.document, &ps),
        decided_by: r.decided_by.clone(),
        decided_at: r.decided_at.clone(),
    }
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
