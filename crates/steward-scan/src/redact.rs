//! Redaction proposals for a subject access response: other people's personal data is
//! proposed for redaction under the third-party exemption (Data Protection Act 2018,
//! Schedule 2, Part 3, paragraph 16); the subject's own data never is. Words suggesting
//! special-category data are flagged for a person to review and never redacted
//! unless accepted. Output as redacted text, redacted HTML and a JSON log.

use crate::detect::{Detector, entity_label};
use crate::profile::SubjectMatcher;
use crate::{Detection, Document, Entity};
use serde_json::json;

/// The exemption for other people's data: DPA 2018 Sch 2 Pt 3 para 16 (protection of
/// the rights of others), weighed under para 16(3) and 17.
pub const THIRD_PARTY: &str = "DPA 2018 Sch 2 Pt 3 para 16";
/// What a special-category cue is flagged for: review (UK GDPR Art 9 and 10; the
/// third-party exemption applies only if the data is about someone else).
pub const REVIEW: &str = "review: possible special-category data (UK GDPR Art 9/10)";

/// A proposed redaction of one detection in one segment of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Index of the segment in [`Document::segments`].
    pub segment: usize,
    /// What was found, with offsets into that segment's text.
    pub detection: Detection,
    /// The exemption relied on ([`THIRD_PARTY`]) or [`REVIEW`].
    pub exemption: &'static str,
    /// The reviewer's decision: `Some(true)` redact, `Some(false)` disclose, `None` not
    /// yet decided. Undecided third-party data is redacted; an undecided special-category
    /// cue is not (it is only marked for review).
    pub accepted: Option<bool>,
}

impl Proposal {
    /// Whether this proposal is applied to the output.
    pub fn applies(&self) -> bool {
        match self.accepted {
            Some(a) => a,
            None => self.detection.entity != Entity::SpecialCategory,
        }
    }
}

/// Proposals for a document: everything the detector finds that is not the subject's.
/// Without a subject matcher every detection is proposed.
pub fn proposals(doc: &Document, detector: &Detector, subject: Option<&SubjectMatcher>) -> Vec<Proposal> {
    let mut out = Vec::new();
    for (i, (seg, found)) in doc.segments.iter().zip(detector.detect_segments(&doc.segments)).enumerate() {
        let finds = subject.map(|s| s.find(&seg.text)).unwrap_or_default();
        for d in found {
            if let Some(s) = subject
                && d.entity != Entity::SpecialCategory
                && s.owns_among(&finds, &d)
            {
                continue;
            }
            let (exemption, accepted) =
                if d.entity == Entity::SpecialCategory { (REVIEW, None) } else { (THIRD_PARTY, None) };
            out.push(Proposal { segment: i, detection: d, exemption, accepted });
        }
    }
    out
}

fn label(p: &Proposal) -> String {
    format!("[{} redacted — {}]", entity_label(p.detection.entity), p.exemption)
}

/// Applies `f` to each segment's text with its applicable proposals, sorted and
/// without overlaps (an overlapping later proposal is dropped).
fn each_segment<'a>(
    doc: &'a Document,
    proposals: &'a [Proposal],
) -> impl Iterator<Item = (&'a str, Vec<&'a Proposal>)> {
    doc.segments.iter().enumerate().map(move |(i, seg)| {
        let mut ps: Vec<&Proposal> = proposals.iter().filter(|p| p.segment == i).collect();
        ps.sort_by_key(|p| (p.detection.start, std::cmp::Reverse(p.detection.end)));
        let mut kept: Vec<&Proposal> = Vec::with_capacity(ps.len());
        let mut end = 0;
        for p in ps {
            let d = &p.detection;
            if d.start >= end
                && d.end <= seg.text.len()
                && seg.text.is_char_boundary(d.start)
                && seg.text.is_char_boundary(d.end)
            {
                end = d.end;
                kept.push(p);
            }
        }
        (seg.text.as_str(), kept)
    })
}

/// The document's text, segments separated by newlines, with each applicable proposal
/// replaced by a label such as `[PERSON redacted — DPA 2018 Sch 2 Pt 3 para 16]`.
/// Rejected proposals and unreviewed special-category cues are left in.
pub fn redacted_text(doc: &Document, proposals: &[Proposal]) -> String {
    let mut out = String::new();
    for (n, (text, ps)) in each_segment(doc, proposals).enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut at = 0;
        for p in ps.into_iter().filter(|p| p.applies()) {
            out.push_str(&text[at..p.detection.start]);
            out.push_str(&label(p));
            at = p.detection.end;
        }
        out.push_str(&text[at..]);
    }
    out
}

/// Escapes text for HTML element content and attribute values (`&`, `<`, `>`, `"` and
/// `'`), appending to `out`.
pub fn escape_html(s: &str, out: &mut String) {
    html_escape::encode_quoted_attribute_to_string(s, out);
}

/// The document as an HTML fragment: one `<p class="segment">` per segment, each
/// redaction as `<mark class="redacted">` with its label, each unreviewed or rejected
/// proposal as `<mark class="review">` or `<mark class="kept">` around the original
/// text. All text is escaped.
pub fn redacted_html(doc: &Document, proposals: &[Proposal]) -> String {
    let mut out = String::new();
    for (text, ps) in each_segment(doc, proposals) {
        out.push_str("<p class=\"segment\">");
        let mut at = 0;
        for p in ps {
            let d = &p.detection;
            escape_html(&text[at..d.start], &mut out);
            let mut title = String::new();
            escape_html(&format!("{} ({:.2}): {}", entity_label(d.entity), d.confidence, d.why), &mut title);
            if p.applies() {
                out.push_str(&format!("<mark class=\"redacted\" title=\"{title}\">"));
                escape_html(&label(p), &mut out);
            } else {
                let class = if p.accepted == Some(false) { "kept" } else { "review" };
                out.push_str(&format!("<mark class=\"{class}\" title=\"{title}\">"));
                escape_html(&text[d.start..d.end], &mut out);
            }
            out.push_str("</mark>");
            at = d.end;
        }
        escape_html(&text[at..], &mut out);
        out.push_str("</p>\n");
    }
    out
}

/// A log of every proposal: where (segment and its location), what, how sure, why,
/// the exemption, the decision and whether it was applied. The log holds the original
/// text of each redaction, so it is for the controller, not for the requester.
pub fn redaction_log(doc: &Document, proposals: &[Proposal]) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = proposals
        .iter()
        .map(|p| {
            let d = &p.detection;
            json!({
                "segment": p.segment,
                "location": doc.segments.get(p.segment).map(|s| &s.location),
                "file_offset": doc.segments.get(p.segment).and_then(|s| s.file_offset).map(|o| o + d.start as u64),
                "entity": entity_label(d.entity),
                "start": d.start,
                "end": d.end,
                "text": d.text,
                "confidence": d.confidence,
                "why": d.why,
                "exemption": p.exemption,
                "accepted": p.accepted,
                "applied": p.applies(),
            })
        })
        .collect();
    json!({
        "source": doc.source,
        "format": doc.format,
        "proposals": entries,
        "redacted": proposals.iter().filter(|p| p.applies()).count(),
        "for_review": proposals.iter().filter(|p| p.accepted.is_none() && p.detection.entity == Entity::SpecialCategory).count(),
    })
}
