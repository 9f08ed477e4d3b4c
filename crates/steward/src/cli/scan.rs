//! `steward scan`: find one person's data (and everyone else's, for redaction) in files,
//! mailboxes and archives, printing each hit as text or JSON lines and a summary, and
//! optionally writing redacted copies with a redaction log.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use steward_scan::detect::Detector;
use steward_scan::profile::{SubjectMatcher, SubjectProfile};
use steward_scan::walk::Limits;
use steward_scan::{Detection, Document, Item, Location};

/// Exit code when everything was scanned.
pub const EXIT_OK: u8 = 0;
/// Exit code when the scan finished but some inputs were skipped (each is listed).
pub const EXIT_SKIPPED: u8 = 3;

/// The options of `steward scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files, directories, mailboxes (mbox, Maildir, .eml) and archives to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// List all personal data found, without a data subject.
    #[arg(long, conflicts_with_all = ["name", "alias", "email", "phone", "dob", "ni", "nhs", "postcode", "reference"])]
    pub detect: bool,
    /// The data subject's name ("Jane Smith").
    #[arg(long)]
    pub name: Option<String>,
    /// Another name they go by (repeatable).
    #[arg(long)]
    pub alias: Vec<String>,
    /// Their email address (repeatable).
    #[arg(long)]
    pub email: Vec<String>,
    /// Their phone number, any format (repeatable).
    #[arg(long)]
    pub phone: Vec<String>,
    /// Their date of birth (YYYY-MM-DD or DD/MM/YYYY; repeatable).
    #[arg(long)]
    pub dob: Vec<String>,
    /// Their National Insurance number (repeatable).
    #[arg(long)]
    pub ni: Vec<String>,
    /// Their NHS number (repeatable).
    #[arg(long)]
    pub nhs: Vec<String>,
    /// Their postcode (repeatable).
    #[arg(long)]
    pub postcode: Vec<String>,
    /// A reference number of theirs: tenancy, customer, employee (repeatable).
    #[arg(long = "ref", id = "reference")]
    pub reference: Vec<String>,
    /// Print one JSON object per line instead of text.
    #[arg(long)]
    pub json: bool,
    /// Write a redacted copy of each document (text and HTML) and its redaction log here.
    #[arg(long, value_name = "DIR")]
    pub redact_to: Option<PathBuf>,
}

impl ScanArgs {
    fn profile(&self) -> Option<SubjectProfile> {
        if self.detect {
            return None;
        }
        Some(SubjectProfile {
            name: self.name.clone(),
            aliases: self.alias.clone(),
            emails: self.email.clone(),
            phones: self.phone.clone(),
            dobs: self.dob.clone(),
            ni: self.ni.clone(),
            nhs: self.nhs.clone(),
            postcodes: self.postcode.clone(),
            refs: self.reference.clone(),
        })
    }
}

/// One line of output.
#[derive(serde::Serialize)]
struct Hit<'a> {
    file: &'a str,
    kind: &'static str,
    entity: steward_scan::Entity,
    start: u64,
    end: u64,
    text: &'a str,
    confidence: f32,
    why: &'a str,
    location: &'a Location,
}

#[derive(Default)]
struct Totals {
    files: AtomicU64,
    bytes: AtomicU64,
    subject_hits: AtomicU64,
    third_party: AtomicU64,
    skipped: Mutex<Vec<(String, String)>>,
    failures: Mutex<Vec<String>>,
}

/// Run the scan; returns the exit code.
pub fn run(args: &ScanArgs) -> Result<u8, String> {
    let profile = args.profile();
    if let Some(p) = &profile
        && p.name.is_none()
        && p.aliases.is_empty()
        && p.emails.is_empty()
        && p.phones.is_empty()
        && p.dobs.is_empty()
        && p.ni.is_empty()
        && p.nhs.is_empty()
        && p.postcodes.is_empty()
        && p.refs.is_empty()
    {
        return Err("say whose data to find (--name, --email, …), or use --detect to list everyone's".into());
    }
    let matcher = match &profile {
        Some(p) => Some(SubjectMatcher::new(p).map_err(|e| format!("the subject's details: {e}"))?),
        None => None,
    };
    for p in &args.paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    if let Some(dir) = &args.redact_to {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let detector = Detector::new();
    let totals = Totals::default();
    let out = Mutex::new(std::io::BufWriter::new(std::io::stdout()));
    let started = Instant::now();
    let sink = |item: Item| match item {
        Item::Document(doc) => {
            totals.files.fetch_add(1, Ordering::Relaxed);
            totals.bytes.fetch_add(doc.bytes, Ordering::Relaxed);
            let lines = report(&doc, &detector, matcher.as_ref(), args.json, &totals);
            if let Ok(mut w) = out.lock() {
                let _ = w.write_all(lines.as_bytes());
            }
            if let Some(dir) = &args.redact_to
                && let Err(e) = write_redacted(dir, &doc, &detector, matcher.as_ref())
                && let Ok(mut f) = totals.failures.lock()
            {
                f.push(e);
            }
        }
        Item::Skipped { source, skip } => {
            if let Ok(mut s) = totals.skipped.lock() {
                s.push((source, skip.to_string()));
            }
        }
    };
    steward_scan::walk::walk(&args.paths, &Limits::default(), &sink);
    if let Ok(mut w) = out.lock() {
        match w.flush() {
            // The reader stopped early (`steward scan … | head`): not an error.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(format!("cannot write the results: {e}"));
            }
            _ => {}
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let skipped = totals.skipped.into_inner().unwrap_or_default();
    let failures = totals.failures.into_inner().unwrap_or_default();
    let bytes = totals.bytes.load(Ordering::Relaxed);
    let summary = serde_json::json!({
        "files": totals.files.load(Ordering::Relaxed),
        "bytes": bytes,
        "seconds": secs,
        "mb_per_s": if secs > 0.0 { bytes as f64 / 1_000_000.0 / secs } else { 0.0 },
        "subject_hits": totals.subject_hits.load(Ordering::Relaxed),
        "third_party_detections": totals.third_party.load(Ordering::Relaxed),
        "skipped": skipped.iter().map(|(f, r)| serde_json::json!({"file": f, "reason": r})).collect::<Vec<_>>(),
        "redaction_failures": failures,
    });
    if args.json {
        eprintln!("{}", serde_json::json!({ "summary": summary }));
    } else {
        eprintln!(
            "Scanned {} files ({:.1} MB) in {secs:.2} s ({:.1} MB/s): {} hits for the subject, {} other people's data",
            summary["files"],
            bytes as f64 / 1_000_000.0,
            summary["mb_per_s"].as_f64().unwrap_or(0.0),
            summary["subject_hits"],
            summary["third_party_detections"]
        );
        for (f, r) in &skipped {
            eprintln!("skipped {f}: {r}");
        }
        for f in &failures {
            eprintln!("redaction not written: {f}");
        }
    }
    Ok(if skipped.is_empty() && failures.is_empty() { EXIT_OK } else { EXIT_SKIPPED })
}

/// The hits of one document as output lines.
fn report(
    doc: &Document,
    detector: &Detector,
    matcher: Option<&SubjectMatcher>,
    json: bool,
    totals: &Totals,
) -> String {
    let mut out = String::new();
    let mut extracted_offset = 0u64;
    // Detected over the whole document, so a cell knows its column's header.
    let found = detector.detect_segments(&doc.segments);
    for (seg, detected) in doc.segments.iter().zip(found) {
        let base = seg.file_offset.unwrap_or(extracted_offset);
        let subject: Vec<Detection> = matcher.map(|m| m.find(&seg.text)).unwrap_or_default();
        let others: Vec<Detection> = detected
            .into_iter()
            .filter(|d| !matcher.is_some_and(|m| m.owns(&seg.text, d)))
            .filter(|d| !subject.iter().any(|s| s.start < d.end && d.start < s.end))
            .collect();
        totals.subject_hits.fetch_add(subject.len() as u64, Ordering::Relaxed);
        // Without a subject every detection is listed; with one, third parties too.
        totals.third_party.fetch_add(others.len() as u64, Ordering::Relaxed);
        // In order of position, so the line of each hit is counted on from the last one's
        // (a long text segment with many hits stays linear).
        let mut hits: Vec<(&str, &Detection)> =
            subject.iter().map(|d| ("subject", d)).chain(others.iter().map(|d| ("third_party", d))).collect();
        hits.sort_by_key(|(_, d)| d.start);
        let (mut counted_to, mut newlines) = (0usize, 0u64);
        for (kind, d) in hits {
            // A text segment spans many lines: report the line the hit is on.
            let location = match &seg.location {
                Location::Text { line } => {
                    let upto = d.start.min(seg.text.len());
                    newlines += seg.text.as_bytes()[counted_to..upto].iter().filter(|b| **b == b'\n').count() as u64;
                    counted_to = upto;
                    Location::Text { line: line + newlines }
                }
                other => other.clone(),
            };
            let hit = Hit {
                file: &doc.source,
                kind,
                entity: d.entity,
                start: base + d.start as u64,
                end: base + d.end as u64,
                text: &d.text,
                confidence: d.confidence,
                why: &d.why,
                location: &location,
            };
            if json {
                if let Ok(line) = serde_json::to_string(&hit) {
                    out.push_str(&line);
                    out.push('\n');
                }
            } else {
                let entity = serde_json::to_value(d.entity).ok().and_then(|v| v.as_str().map(String::from));
                out.push_str(&format!(
                    "{}:{}: {} {} {:?} ({:.2}; {})\n",
                    doc.source,
                    describe(&location),
                    if kind == "subject" { "SUBJECT" } else { "other" },
                    entity.unwrap_or_default(),
                    d.text,
                    d.confidence,
                    d.why
                ));
            }
        }
        extracted_offset += seg.text.len() as u64 + 1;
    }
    out
}

/// A location in words, for text output.
fn describe(l: &Location) -> String {
    match l {
        Location::Text { line } => format!("line {line}"),
        Location::Page { page } => format!("page {page}"),
        Location::Cell { sheet: Some(s), row, col } => format!("{s}!R{row}C{col}"),
        Location::Cell { sheet: None, row, col } => format!("row {row} column {col}"),
        Location::Message { message_id, part } => {
            format!("message {} {part}", message_id.as_deref().unwrap_or("(no id)"))
        }
        Location::Block { index } => format!("block {index}"),
    }
}

/// A file name for `source` that is safe in any directory: letters, digits, `-`, `_`
/// and `.` kept, everything else `_`, never empty or a dot name.
fn safe_name(source: &str) -> String {
    let mut s: String =
        source.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    s = s.trim_start_matches('.').to_string();
    if s.len() > 150 {
        let cut = s.len() - 150;
        s = s[cut..].to_string();
    }
    if s.is_empty() { "document".into() } else { s }
}

/// Write the redacted text and HTML copies and the redaction log of one document.
fn write_redacted(
    dir: &Path,
    doc: &Document,
    detector: &Detector,
    matcher: Option<&SubjectMatcher>,
) -> Result<(), String> {
    let proposals = steward_scan::redact::proposals(doc, detector, matcher);
    let name = safe_name(&doc.source);
    let write = |ext: &str, body: &str| {
        let path = dir.join(format!("{name}.{ext}"));
        std::fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))
    };
    write("redacted.txt", &steward_scan::redact::redacted_text(doc, &proposals))?;
    write("redacted.html", &steward_scan::redact::redacted_html(doc, &proposals))?;
    let log = serde_json::to_string_pretty(&steward_scan::redact::redaction_log(doc, &proposals))
        .map_err(|e| format!("{}: {e}", doc.source))?;
    write("redaction-log.json", &log)
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn hostile_sources_become_safe_file_names() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("mail.mbox!<a@b>!x.docx"), "mail.mbox__a_b__x.docx");
        assert_eq!(safe_name("..."), "document");
        assert!(!safe_name("a\nb/c").contains(['\n', '/']));
    }
}
