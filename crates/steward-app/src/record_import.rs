//! Bulk import of the records inventory from a CSV file, with a dry run: every row is
//! checked as if it were added by hand (the schedule parsed once), every bad row is named
//! by its line and field, and a real import adds all the rows in one transaction or
//! nothing at all.
//!
//! The file: a header row naming the columns (exact names, any order) — `record_type`
//! (required), `reference`, `subject_id`, `other_subject_ids` (`;`-separated),
//! `location`, `system` (a system's name or id from the register), `flags`
//! (`;`-separated) and one `event:<name>` column per dated fact (`event:left`), with
//! dates as `YYYY-MM-DD` or `DD/MM/YYYY`. UTF-8 (a byte-order mark is allowed), CRLF or
//! LF line endings, quoted fields and blank lines are all accepted.
//!
//! Messages never repeat a cell's value (a reference or date may be about a person):
//! they name the line and the column.

use crate::retention::{LocationInput, Lookups, NewRecord};
use crate::{App, AppError, AppResult, Context};
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use steward_core::audit::{Action, ObjectType, Outcome};
use steward_core::retention::EVENTS;
use steward_core::{FieldError, Permission};
use utoipa::ToSchema;

/// Largest file accepted (bytes).
pub const MAX_IMPORT_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows accepted in one file.
pub const MAX_IMPORT_ROWS: usize = 200_000;
/// Most row errors listed in a report (the rest are counted).
pub const MAX_LISTED_ERRORS: usize = 1_000;
/// The columns other than events, in the order the help lists them.
pub const COLUMNS: [&str; 7] =
    ["record_type", "reference", "subject_id", "other_subject_ids", "location", "system", "flags"];
/// The prefix of an event column (`event:left`).
pub const EVENT_PREFIX: &str = "event:";

/// One problem with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowError {
    /// The line of the file the row starts on (the header is line 1).
    pub line: u64,
    /// The column at fault (`record_type`, `event:left`, …), or `row`.
    pub field: String,
    /// What is wrong, without the cell's value.
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// Only checked: nothing was written.
    pub dry_run: bool,
    /// The rows were added (a real import of a clean file).
    pub imported: bool,
    /// Data rows in the file (blank lines not counted).
    pub rows: u64,
    /// Rows that passed every check.
    pub would_import: u64,
    /// Rows added (0 for a dry run or a file with errors).
    pub imported_rows: u64,
    /// Rows with at least one problem.
    pub error_count: u64,
    /// The problems, by line (at most [`MAX_LISTED_ERRORS`]).
    pub errors: Vec<RowError>,
    /// Problems not listed beyond the cap.
    pub errors_not_listed: u64,
    /// Clean rows by record type.
    pub by_record_type: BTreeMap<String, u64>,
    /// Clean rows with no destroy-by date yet because a fact is missing.
    pub lacking_facts: u64,
    /// Clean rows kept permanently.
    pub permanent: u64,
}

impl ImportReport {
    /// Each listed problem as `line N: field: message`, then a count of the rest.
    pub fn error_lines(&self) -> Vec<String> {
        let mut out: Vec<String> =
            self.errors.iter().map(|e| format!("line {}: {}: {}", e.line, e.field, e.message)).collect();
        if self.errors_not_listed > 0 {
            out.push(format!("… and {} more problem(s) not listed", self.errors_not_listed));
        }
        out
    }
}

fn invalid(field: &str, msg: impl Into<String>) -> AppError {
    AppError::Invalid(FieldError::new(field, msg))
}

fn expected_columns() -> String {
    format!(
        "the columns are record_type (required), {}, and one event:<name> column per event ({})",
        COLUMNS[1..].join(", "),
        EVENTS.iter().map(|(e, _)| format!("event:{e}")).collect::<Vec<_>>().join(", ")
    )
}

/// A date as `YYYY-MM-DD` or, as UK staff type it, `DD/MM/YYYY` (`D/M/YYYY` too).
pub fn parse_date(text: &str) -> Option<Date> {
    let t = text.trim();
    if let Some((d, rest)) = t.split_once('/') {
        let (m, y) = rest.split_once('/')?;
        let ok = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
        if !(ok(d, 2) && ok(m, 2) && y.len() == 4 && ok(y, 4)) {
            return None;
        }
        return Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok();
    }
    if t.len() != 10 {
        return None;
    }
    t.parse().ok()
}

/// Where each column is in the header.
struct Layout {
    fixed: HashMap<&'static str, usize>,
    events: Vec<(String, usize)>,
    width: usize,
}

fn layout(header: &csv::StringRecord) -> AppResult<Layout> {
    let mut fixed = HashMap::new();
    let mut events = Vec::new();
    let mut unknown = Vec::new();
    let mut twice = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim();
        if let Some(c) = COLUMNS.iter().find(|c| **c == name) {
            if fixed.insert(*c, i).is_some() {
                twice.push(name.to_string());
            }
        } else if let Some(ev) = name.strip_prefix(EVENT_PREFIX)
            && EVENTS.iter().any(|(e, _)| *e == ev)
        {
            if events.iter().any(|(e, _)| e == ev) {
                twice.push(name.to_string());
            }
            events.push((ev.to_string(), i));
        } else {
            // Column names are the organisation's headings, not personal data; cap their
            // length so a data row mistaken for a header is not echoed whole.
            let shown: String = name.chars().take(40).collect();
            unknown.push(if shown.is_empty() { "(a column with no name)".to_string() } else { format!("'{shown}'") });
        }
    }
    let mut problems = Vec::new();
    if !unknown.is_empty() {
        problems.push(format!("unknown column(s) {}", unknown.join(", ")));
    }
    if !twice.is_empty() {
        problems.push(format!("column(s) named twice: {}", twice.join(", ")));
    }
    if !fixed.contains_key("record_type") {
        problems.push("the required column record_type is missing".to_string());
    }
    if !problems.is_empty() {
        return Err(invalid("columns", format!("{}; {}", problems.join("; "), expected_columns())));
    }
    Ok(Layout { fixed, events, width: header.len() })
}

/// The register's systems by id and by name (lower case), for the `system` column.
struct Systems {
    ids: HashMap<String, String>,
    names: HashMap<String, Vec<String>>,
}

impl Systems {
    fn resolve(&self, text: &str) -> Result<String, String> {
        if let Some(id) = self.ids.get(text) {
            return Ok(id.clone());
        }
        match self.names.get(&text.to_lowercase()).map(Vec::as_slice) {
            Some([one]) => Ok(one.clone()),
            Some([]) | None => Err("names no system in the register (give its name or id)".into()),
            Some(_) => Err("names more than one system in the register; give the system's id".into()),
        }
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Map a field named by record checks to the file's column.
fn column_of(field: &str) -> String {
    match field {
        "location.system_id" => "system".into(),
        "location.detail" => "location".into(),
        f if f.starts_with("other_subject_ids") => "other_subject_ids".into(),
        f => f.to_string(),
    }
}

impl App {
    /// Import records from CSV `bytes` (see the module documentation for the format).
    /// With `dry_run` every row is checked and nothing is written; otherwise the rows are
    /// added in one transaction with one `record.import` audit entry, and only when every
    /// row is clean. Row problems are in the report; a file that cannot be read as a whole
    /// (too large, not UTF-8, wrong columns, too many rows) is refused with an error.
    pub fn import_records(&self, ctx: &Context, bytes: &[u8], dry_run: bool) -> AppResult<ImportReport> {
        self.require(ctx, Permission::ManageRegisters, ObjectType::Record, "")?;
        if bytes.len() > MAX_IMPORT_BYTES {
            return Err(invalid(
                "file",
                format!(
                    "is {:.1} MB; the largest file accepted is {} MB (split it into several files)",
                    bytes.len() as f64 / 1_048_576.0,
                    MAX_IMPORT_BYTES / 1_048_576
                ),
            ));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if let Err(e) = std::str::from_utf8(bytes) {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
            return Err(invalid(
                "file",
                format!("is not UTF-8 text (line {line}); save it from the spreadsheet as \"CSV UTF-8\""),
            ));
        }
        let (version, schedule) = self.require_schedule()?;
        let lines = Lines::new(bytes);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        let mut records = reader.records();
        let header = loop {
            match records.next() {
                None => {
                    return Err(invalid(
                        "file",
                        format!("is empty: the first line must name the columns; {}", expected_columns()),
                    ));
                }
                Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
                Some(Ok(r)) => break r,
                Some(Err(e)) => return Err(invalid("file", format!("cannot be read as CSV: {}", csv_problem(&e)))),
            }
        };
        let layout = layout(&header)?;
        let systems = Systems::from_rows(self.store.systems()?);
        let mut lookups = Lookups::default();
        let mut report = ImportReport {
            dry_run,
            imported: false,
            rows: 0,
            would_import: 0,
            imported_rows: 0,
            error_count: 0,
            errors: Vec::new(),
            errors_not_listed: 0,
            by_record_type: BTreeMap::new(),
            lacking_facts: 0,
            permanent: 0,
        };
        let mut rows = Vec::new();
        let push_error = |report: &mut ImportReport, line: u64, field: String, message: String| {
            if report.errors.len() < MAX_LISTED_ERRORS {
                report.errors.push(RowError { line, field, message });
            } else {
                report.errors_not_listed += 1;
            }
        };
        // Read every row first, so a file over the row limit is refused before any work.
        let mut read = Vec::new();
        for rec in records {
            if let Ok(r) = &rec
                && r.iter().all(|c| c.trim().is_empty())
            {
                continue;
            }
            if read.len() == MAX_IMPORT_ROWS {
                return Err(invalid(
                    "file",
                    format!(
                        "has more than {MAX_IMPORT_ROWS} rows (the limit for one import); split it into several files"
                    ),
                ));
            }
            read.push(rec);
        }
        report.rows = read.len() as u64;
        for rec in read {
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    let line = lines.of(e.position());
                    report.error_count += 1;
                    push_error(&mut report, line, "row".into(), format!("cannot be read as CSV: {}", csv_problem(&e)));
                    continue;
                }
            };
            let line = lines.of(rec.position());
            let mut problems: Vec<(String, String)> = Vec::new();
            if rec.len() != layout.width {
                problems.push((
                    "row".into(),
                    format!("has {} fields but the header has {} columns", rec.len(), layout.width),
                ));
            } else {
                match row_to_record(&rec, &layout, &systems) {
                    Err(p) => problems.extend(p),
                    Ok(input) => match self.prepare_record_with(ctx, &schedule, version, &input, &mut lookups) {
                        Ok(row) => {
                            if row.permanent {
                                report.permanent += 1;
                            } else if row.destroy_on.is_none() {
                                report.lacking_facts += 1;
                            }
                            *report.by_record_type.entry(row.record_type.clone()).or_default() += 1;
                            report.would_import += 1;
                            if !dry_run {
                                rows.push(row);
                            }
                        }
                        Err(AppError::Invalid(f)) => problems.push((column_of(&f.field), f.message)),
                        Err(e) => return Err(e),
                    },
                }
            }
            if !problems.is_empty() {
                report.error_count += 1;
                for (field, message) in problems {
                    push_error(&mut report, line, field, message);
                }
            }
        }
        if dry_run || report.error_count > 0 {
            return Ok(report);
        }
        if report.rows == 0 {
            return Err(invalid("file", "has a header but no rows to import"));
        }
        let types: Vec<String> = report.by_record_type.iter().map(|(t, n)| format!("{t}:{n}")).collect();
        let ev = self.event(
            ctx,
            Action::RecordImport,
            "",
            Outcome::Success,
            format!(
                "rows={} lacking_facts={} permanent={} types={}",
                rows.len(),
                report.lacking_facts,
                report.permanent,
                types.join(",")
            ),
        );
        self.store.insert_records(&rows, &[ev])?;
        report.imported = true;
        report.imported_rows = rows.len() as u64;
        Ok(report)
    }
}

/// One row as a [`NewRecord`], or every problem with its cells.
fn row_to_record(
    rec: &csv::StringRecord,
    layout: &Layout,
    systems: &Systems,
) -> Result<NewRecord, Vec<(String, String)>> {
    let cell = |name: &str| layout.fixed.get(name).and_then(|i| rec.get(*i)).map_or("", str::trim);
    let mut problems = Vec::new();
    let mut events = BTreeMap::new();
    for (name, i) in &layout.events {
        let text = rec.get(*i).map_or("", str::trim);
        if text.is_empty() {
            continue;
        }
        match parse_date(text) {
            Some(d) => {
                events.insert(name.clone(), d);
            }
            None => problems.push((
                format!("{EVENT_PREFIX}{name}"),
                "is not a date: write it as YYYY-MM-DD (2024-03-15) or DD/MM/YYYY (15/03/2024)".to_string(),
            )),
        }
    }
    let detail = cell("location").to_string();
    let location = match cell("system") {
        "" if detail.is_empty() => None,
        "" => Some(LocationInput::Text(detail)),
        s => match systems.resolve(s) {
            Ok(id) => Some(LocationInput::System { system_id: Some(id), system: None, detail }),
            Err(m) => {
                problems.push(("system".into(), m));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let subject = cell("subject_id");
    Ok(NewRecord {
        subject_id: (!subject.is_empty()).then(|| subject.to_string()),
        other_subject_ids: list(cell("other_subject_ids")),
        record_type: cell("record_type").to_string(),
        reference: cell("reference").to_string(),
        events,
        flags: list(cell("flags")),
        location,
        document_id: None,
    })
}

impl Systems {
    fn from_rows(rows: Vec<steward_store::SystemRow>) -> Self {
        let mut ids = HashMap::new();
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for s in rows {
            names.entry(s.name.trim().to_lowercase()).or_default().push(s.id.clone());
            ids.insert(s.id.clone(), s.id);
        }
        Self { ids, names }
    }
}

/// File line numbers from byte offsets. (The CSV reader's own line count lags by one
/// after a CRLF, so lines are counted here: a record starts at the first character after
/// its offset that is not a line ending.)
struct Lines<'a> {
    bytes: &'a [u8],
    newlines: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        let newlines = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i).collect();
        Self { bytes, newlines }
    }

    /// The 1-based line a record at `pos` starts on.
    fn of(&self, pos: Option<&csv::Position>) -> u64 {
        let Some(pos) = pos else { return 0 };
        let mut start = usize::try_from(pos.byte()).unwrap_or(usize::MAX).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        1 + self.newlines.partition_point(|&p| p < start) as u64
    }
}

/// A CSV reading error without the text it was reading.
fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".into(),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("has {len} fields but the header has {expected_len} columns")
        }
        _ => "the quoting or separators are not valid CSV".into(),
    }
}
