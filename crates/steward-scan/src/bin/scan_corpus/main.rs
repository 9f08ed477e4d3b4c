//! `scan_corpus`: writes a labelled, fictional, UK-flavoured corpus for evaluating the
//! scanner (emails as `.eml` and an mbox, letters, case notes, CSV sheets, DOCX and PDF)
//! with a gold file `gold.jsonl` of every personal-data span in it.
//!
//! Usage: `scan_corpus --out DIR [--docs N] [--seed S] [--name "First Last"] [--megabytes M]`
//!
//! Offsets in `gold.jsonl` are byte offsets into the file for the plain-text formats
//! (`txt`, `eml`, `mbox`, `csv`); for `docx` and `pdf` they are byte offsets into the
//! extracted text (paragraphs or lines joined by `\n`), and the line says so in `format`.
//! The same seed always writes the same corpus.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

mod doc;
mod files;
mod generator;
mod people;
mod words;

use doc::{Doc, wrap};
use files::{docx, pdf};
use generator::Gen;
use people::{person, pick, subject};
use words::{FIRST, LAST};

struct Args {
    out: PathBuf,
    docs: usize,
    seed: u64,
    name: String,
    megabytes: Option<f64>,
}

fn parse_args() -> Res<Args> {
    let mut a = Args { out: PathBuf::new(), docs: 300, seed: 42, name: "Jane Smith".into(), megabytes: None };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => a.out = PathBuf::from(val()?),
            "--docs" => a.docs = val()?.parse()?,
            "--seed" => a.seed = val()?.parse()?,
            "--name" => a.name = val()?,
            "--megabytes" => a.megabytes = Some(val()?.parse()?),
            "-h" | "--help" => {
                println!("usage: scan_corpus --out DIR [--docs N] [--seed S] [--name \"First Last\"] [--megabytes M]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if a.out.as_os_str().is_empty() {
        return Err("--out DIR is required".into());
    }
    if a.name.split_whitespace().count() < 2 {
        return Err("--name needs a first and a last name".into());
    }
    Ok(a)
}

/// Writes the gold lines of `doc` (offsets shifted by `base`) for `file`.
fn gold_lines(out: &mut String, file: &str, format: &str, doc: &Doc, base: usize) {
    for s in &doc.spans {
        let line = json!({
            "file": file, "format": format, "entity": s.entity, "start": s.start + base, "end": s.end + base,
            "text": &doc.text[s.start..s.end], "kind": s.kind.as_str(),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
}

fn write_file(root: &Path, rel: &str, data: &[u8]) -> Res<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

fn run() -> Res<()> {
    let args = parse_args()?;
    let mut rng = fastrand::Rng::with_seed(args.seed);
    let mut people = Vec::new();
    for f in FIRST {
        for _ in 0..2 {
            let l = pick(&mut rng, LAST);
            people.push(person(&mut rng, f, l));
        }
    }
    let subject = subject(&args.name);
    let mut g = Gen { rng, subject: subject.clone(), people };
    fs::create_dir_all(&args.out)?;
    let mut gold = String::new();
    let mut by_format: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut mbox = String::new();
    let mut docs = 0usize;
    let mut bytes = 0usize;
    let bulk_limit = args.megabytes.map(|m| (m * 1_000_000.0) as usize);
    let mut i = 0usize;
    loop {
        match bulk_limit {
            Some(limit) if bytes >= limit => break,
            None if i >= args.docs => break,
            _ => {}
        }
        let mut doc = Doc::default();
        let roll = if bulk_limit.is_some() { g.rng.u8(0..3) } else { g.rng.u8(0..20) };
        let (rel, format, data): (String, &str, Vec<u8>) = match roll {
            0 if bulk_limit.is_some() => {
                g.letter(&mut doc);
                (format!("bulk/{:03}/doc_{i:06}.txt", i / 1000), "txt", doc.text.clone().into_bytes())
            }
            1 if bulk_limit.is_some() => {
                g.case_note(&mut doc);
                (format!("bulk/{:03}/doc_{i:06}.txt", i / 1000), "txt", doc.text.clone().into_bytes())
            }
            _ if bulk_limit.is_some() => {
                g.email(&mut doc, i);
                (format!("bulk/{:03}/doc_{i:06}.txt", i / 1000), "txt", doc.text.clone().into_bytes())
            }
            0..=4 => {
                g.email(&mut doc, i);
                (format!("mail/msg_{i:05}.eml"), "eml", doc.text.clone().into_bytes())
            }
            5..=6 => {
                g.email(&mut doc, i);
                const SEPARATOR: &str = "From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n";
                let base = mbox.len() + SEPARATOR.len();
                mbox.push_str(SEPARATOR);
                mbox.push_str(&doc.text);
                mbox.push('\n');
                gold_lines(&mut gold, "mail/archive.mbox", "mbox", &doc, base);
                let e = by_format.entry("mbox").or_default();
                e.0 += 1;
                e.1 += SEPARATOR.len() + doc.text.len() + 1;
                docs += 1;
                bytes += SEPARATOR.len() + doc.text.len() + 1;
                i += 1;
                continue;
            }
            7..=10 => {
                g.letter(&mut doc);
                (format!("letters/letter_{i:05}.txt"), "txt", doc.text.clone().into_bytes())
            }
            11..=14 => {
                g.case_note(&mut doc);
                (format!("notes/case_{i:05}.txt"), "txt", doc.text.clone().into_bytes())
            }
            15..=16 => {
                g.sheet(&mut doc);
                (format!("sheets/contacts_{i:05}.csv"), "csv", doc.text.clone().into_bytes())
            }
            17..=18 => {
                g.letter(&mut doc);
                (format!("docs/letter_{i:05}.docx"), "docx", docx(&doc.text))
            }
            _ => {
                g.case_note(&mut doc);
                wrap(&mut doc, 90);
                (format!("docs/note_{i:05}.pdf"), "pdf", pdf(&doc.text))
            }
        };
        write_file(&args.out, &rel, &data)?;
        gold_lines(&mut gold, &rel, format, &doc, 0);
        let e = by_format.entry(format).or_default();
        e.0 += 1;
        e.1 += data.len();
        docs += 1;
        bytes += data.len();
        i += 1;
    }
    if !mbox.is_empty() {
        write_file(&args.out, "mail/archive.mbox", mbox.as_bytes())?;
    }
    let mut f = fs::File::create(args.out.join("gold.jsonl"))?;
    f.write_all(gold.as_bytes())?;
    let plain: usize =
        by_format.iter().filter(|(k, _)| ["txt", "eml", "mbox", "csv"].contains(k)).map(|(_, v)| v.1).sum();
    let plain_docs: usize =
        by_format.iter().filter(|(k, _)| ["txt", "eml", "mbox", "csv"].contains(k)).map(|(_, v)| v.0).sum();
    let formats: serde_json::Map<String, serde_json::Value> =
        by_format.iter().map(|(k, v)| (k.to_string(), json!({"documents": v.0, "bytes": v.1}))).collect();
    let s = &subject;
    let manifest = json!({
        "seed": args.seed,
        "documents": docs,
        "bytes": bytes,
        "plain_text_documents": plain_docs,
        "plain_text_bytes": plain,
        "formats": formats,
        "subject": {
            "name": format!("{} {}", s.first, s.last), "nickname": s.nickname, "email": s.email, "phone": s.phone,
            "date_of_birth": format!("{:04}-{:02}-{:02}", s.dob.2, s.dob.1, s.dob.0), "nino": s.nino, "nhs": s.nhs,
            "address": s.street, "postcode": s.postcode, "reference": s.reference, "driving_licence": s.licence,
            "passport": s.passport, "vehicle_registration": s.reg,
        },
    });
    fs::write(args.out.join("manifest.json"), serde_json::to_string_pretty(&manifest)?)?;
    println!(
        "wrote {docs} documents ({:.2} MB, {} gold spans) to {}",
        bytes as f64 / 1e6,
        gold.lines().count(),
        args.out.display()
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("scan_corpus: {e}");
        std::process::exit(1);
    }
}
