//! Writing a response pack: a zip of `data.json`, `data.csv`, a readable `index.html`
//! and the disclosed documents, every entry encrypted with AES-256 under the pack's
//! passphrase (docs/adr/0006).

use super::{DOCUMENTS_ZIP, Entry, IndexItem, IndexPage, date_part, flatten, safe_cell};
use crate::{AppError, AppResult};
use askama::Template;
use serde_json::{Map, Value, json};
use std::io::Write as _;
use steward_core::exemption::{Exemption, Treatment};
use steward_store::RequestRow;

pub(super) fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Io(format!("cannot write the response pack: {e}"))
}

/// Write the zip: `data.json`, `data.csv`, `index.html` and each disclosed document,
/// every entry encrypted with AES-256 under `passphrase`, made at `at`.
pub(super) fn write_pack(
    q: &RequestRow,
    subject: &str,
    org: &crate::OrgSettings,
    entries: &[Entry],
    passphrase: &str,
    at: jiff::Timestamp,
    about: Option<crate::about_processing::ProcessingFacts>,
) -> AppResult<Vec<u8>> {
    let generated_at = steward_core::audit::format_time(at);
    let mut json_items = Vec::with_capacity(entries.len());
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["item", "kind", "source", "created_at", "status", "exemption", "citation", "field", "value"])
        .map_err(io)?;
    let mut index_items = Vec::with_capacity(entries.len());
    let mut applied: Vec<&'static Exemption> = Vec::new();
    let mut files: Vec<(&str, &[u8])> = Vec::new();
    for e in entries {
        let (status, ex, withheld_fields): (&'static str, Option<&'static Exemption>, &[String]) = match &e.decision {
            None => ("disclosed", None, &[]),
            Some((Treatment::Withheld, ex, _)) => ("withheld", Some(*ex), &[]),
            Some((Treatment::PartlyWithheld, ex, f)) => ("partly_withheld", Some(*ex), f.as_slice()),
        };
        if let Some(ex) = ex
            && !applied.iter().any(|a| a.code == ex.code)
        {
            applied.push(ex);
        }
        let data: Option<Map<String, Value>> = match status {
            "withheld" => None,
            _ => Some(
                e.data
                    .iter()
                    .filter(|(k, _)| !withheld_fields.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        };
        let file = match (&e.file, &data) {
            (Some((path, bytes)), Some(d)) if d.contains_key("content") => {
                files.push((path.as_str(), bytes.as_slice()));
                Some(path.clone())
            }
            _ => None,
        };
        json_items.push(json!({
            "item": e.key,
            "kind": e.kind,
            "title": e.title,
            "source": e.source,
            "created_at": e.created_at,
            "updated_at": e.updated_at,
            "status": status,
            "exemption": ex.map(|x| json!({"code": x.code, "title": x.title, "citation": x.citation, "explanation": x.explanation})),
            "withheld_fields": withheld_fields,
            "data": data,
            "file": file,
        }));
        let mut rows = Vec::new();
        if let Some(d) = &data {
            flatten("", &Value::Object(d.clone()), &mut rows);
        }
        let (code, citation) = ex.map_or(("", ""), |x| (x.code, x.citation));
        if rows.is_empty() {
            csv.write_record([
                e.key.as_str(),
                e.kind,
                &safe_cell(&e.source),
                &e.created_at,
                status,
                code,
                citation,
                "",
                "",
            ])
            .map_err(io)?;
        }
        for (field, value) in &rows {
            csv.write_record([
                e.key.as_str(),
                e.kind,
                &safe_cell(&e.source),
                &e.created_at,
                status,
                code,
                citation,
                field,
                &safe_cell(value),
            ])
            .map_err(io)?;
        }
        index_items.push(IndexItem {
            title: e.title.clone(),
            source: e.source.clone(),
            created_on: date_part(&e.created_at).into(),
            status: match status {
                "withheld" => "Withheld",
                "partly_withheld" => "Partly withheld",
                _ => "Given in full",
            },
            exemption: ex,
            withheld_fields: withheld_fields.join(", "),
            rows: rows.into_iter().filter(|(f, _)| f != "content").collect(),
            file,
        });
    }
    let withheld = entries.iter().filter(|e| e.decision.is_some()).count();
    let doc = json!({
        "format": "steward-response-pack",
        "version": 1,
        "organisation": org.org_name,
        "request": {"reference": q.reference, "kind": q.kind, "received_on": q.received_on},
        "subject_id": subject,
        "generated_at": generated_at,
        "items": json_items,
        "exemptions_applied": applied.iter().map(|x| json!({"code": x.code, "title": x.title, "citation": x.citation, "explanation": x.explanation})).collect::<Vec<_>>(),
    });
    let data_json = serde_json::to_vec_pretty(&doc).map_err(io)?;
    let data_csv = csv.into_inner().map_err(io)?;
    let kind_label = match q.kind.as_str() {
        "portability" => "data portability request",
        _ => "subject access request",
    };
    let dpo_contact = match (&org.dpo_name, &org.dpo_email) {
        (Some(n), Some(e)) => Some(format!("{n} ({e})")),
        (Some(n), None) => Some(n.clone()),
        (None, Some(e)) => Some(e.clone()),
        (None, None) => None,
    };
    let index = IndexPage {
        org_name: &org.org_name,
        reference: &q.reference,
        kind: kind_label,
        received_on: &q.received_on,
        generated_on: date_part(&generated_at).into(),
        dpo_contact,
        items: index_items,
        applied,
        withheld,
        about,
    }
    .render()
    .map_err(io)?;

    // The zip's entries carry the local time of the server, as a file system would.
    let now = at.to_zoned(jiff::tz::TimeZone::system());
    let when = zip::DateTime::from_date_and_time(
        u16::try_from(now.year()).unwrap_or(2026),
        u8::try_from(now.month()).unwrap_or(1),
        u8::try_from(now.day()).unwrap_or(1),
        u8::try_from(now.hour()).unwrap_or(0),
        u8::try_from(now.minute()).unwrap_or(0),
        u8::try_from(now.second()).unwrap_or(0),
    )
    .unwrap_or_default();
    // The documents go into one inner archive, stored as they are: each entry of an AES
    // zip has its own salt and so its own key derivation (PBKDF2, 1,000 rounds), which
    // for hundreds of documents would cost more than everything else together.
    let documents = if files.is_empty() {
        None
    } else {
        let mut inner = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(when);
        for (path, bytes) in &files {
            let name = path.strip_prefix(DOCUMENTS_ZIP).unwrap_or(path).trim_start_matches('/');
            inner.start_file(name, stored).map_err(io)?;
            inner.write_all(bytes).map_err(io)?;
        }
        Some(inner.finish().map_err(io)?.into_inner())
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let entries =
        [("index.html", index.as_bytes()), ("data.json", data_json.as_slice()), ("data.csv", data_csv.as_slice())]
            .into_iter()
            .chain(documents.as_deref().map(|d| (DOCUMENTS_ZIP, d)));
    for (name, bytes) in entries {
        let method =
            if name == DOCUMENTS_ZIP { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(bytes.len() as u64 >= u64::from(u32::MAX))
            .last_modified_time(when)
            .with_aes_encryption(zip::AesMode::Aes256, passphrase);
        zip.start_file(name, opts).map_err(io)?;
        zip.write_all(bytes).map_err(io)?;
    }
    Ok(zip.finish().map_err(io)?.into_inner())
}
