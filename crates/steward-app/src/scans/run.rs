//! Running a search of uploaded files for a request's subject, keeping the documents
//! where they were found (sealed under the subject's data key), reviewing each proposed
//! redaction (DPA 2018 Sch 2 Pt 3 para 16), and handing the chosen documents to the
//! response pack. Audit entries carry ids and counts only.

use super::view::document_view;
use super::{
    KeptDocument, KeptHit, KeptProposal, MAX_SCAN_BYTES, MAX_SCAN_EXPANDED_BYTES, MAX_SCAN_FILES, NewScan,
    ScanDocumentReview, ScanDocumentView, ScanMeta, ScanSummary, ScanView, SkippedInput, describe_location,
    describe_terms, doc_aad, entity_name, meta_aad, profile_of, upload_name,
};
use crate::checklists::aad as search_aad;
use crate::{App, AppError, AppResult, Context};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::request::RequestKind;
use steward_core::{FieldError, Permission};
use steward_crypto::DataKey;
use steward_scan::detect::Detector;
use steward_scan::profile::{ProfileError, SubjectMatcher};
use steward_scan::redact;
use steward_scan::walk::Limits;
use steward_scan::{Entity, Item};
use steward_store::{ScanDocumentRow, ScanRow, SearchRow};

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
