//! What a reviewer sees of a found document: where the subject was found, each
//! proposed redaction with its decision, and which special-category cues (UK GDPR Art
//! 9(1), Art 10) match data the subject has on record.

use super::{
    KeptDocument, ProposalView, RedactionDecision, ScanDocumentView, ScanHitView, describe_location, entity_name,
    snippet,
};
use crate::{App, AppResult, Context};
use steward_core::audit::{Action, Outcome};
use steward_scan::Entity;
use steward_scan::redact;
use steward_store::ScanDocumentRow;

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
    pub(super) fn recorded_cue_categories(
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

pub(super) fn document_view(r: &ScanDocumentRow, k: &KeptDocument, recorded: &[&str]) -> ScanDocumentView {
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
