//! `scan_eval`: scores a scanner's predictions against a corpus' gold spans.
//!
//! Usage: `scan_eval --gold DIR/gold.jsonl --pred FILE.jsonl [--engine NAME]
//! [--formats txt,eml,mbox,csv] [--seconds S] [--bytes B] [--docs D] [--root DIR] [--json-out FILE]`
//!
//! A prediction matches a gold span when both name the same file and the same entity and
//! their overlap is at least half of the longer of the two; each gold span and each
//! prediction is matched at most once (largest overlaps first). Precision, recall and F2
//! (β = 2: recall weighs four times as much as precision, since a missed person's data is
//! worse than an extra redaction to review) are reported per entity and overall
//! (micro-averaged), as a Markdown table on standard output and as JSON in `--json-out`
//! (default: the prediction file with `.eval.json`). Predictions of entities outside
//! Steward's list (Presidio's `URL`, `NRP`, `DATE_TIME` …) are counted but not scored.
//!
//! `--reanchor`: a prediction whose offsets do not point at its own `text` in the corpus
//! file (an engine reporting offsets into a mail body, or into a message of an mbox named
//! `file!<message-id>`) is moved to the nearest unused occurrence of its text in that file
//! (within that message); how many were moved is reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Steward's entity names, in report order.
const ENTITIES: &[&str] = &[
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_NHS",
    "UK_NINO",
    "UK_POSTCODE",
    "LOCATION",
    "DATE_OF_BIRTH",
    "CREDIT_CARD",
    "IBAN_CODE",
    "UK_BANK_ACCOUNT",
    "UK_PASSPORT",
    "UK_DRIVING_LICENCE",
    "UK_VEHICLE_REGISTRATION",
    "REFERENCE",
    "SPECIAL_CATEGORY",
];

/// The entities Microsoft Presidio (2.2.366) also has a recognizer for (with its UK
/// recognizers enabled and DATE_TIME read as a date of birth near "born"/"birth"/"DOB").
const COMMON: &[&str] = &[
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_NHS",
    "UK_NINO",
    "UK_POSTCODE",
    "LOCATION",
    "DATE_OF_BIRTH",
    "CREDIT_CARD",
    "IBAN_CODE",
    "UK_PASSPORT",
    "UK_DRIVING_LICENCE",
    "UK_VEHICLE_REGISTRATION",
];

/// Other engines' names for Steward's entities.
fn map_entity(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    if let Some(e) = ENTITIES.iter().find(|e| **e == upper) {
        return Some(e);
    }
    Some(match upper.as_str() {
        "PER" | "NAME" => "PERSON",
        "EMAIL" => "EMAIL_ADDRESS",
        "PHONE" | "TELEPHONE" => "PHONE_NUMBER",
        "NHS" | "UK_NHS_NUMBER" => "UK_NHS",
        "NINO" | "UK_NI" | "NATIONAL_INSURANCE" => "UK_NINO",
        "POSTCODE" | "UK_POST_CODE" => "UK_POSTCODE",
        "ADDRESS" | "STREET_ADDRESS" | "GPE" | "LOC" => "LOCATION",
        "DOB" | "BIRTH_DATE" => "DATE_OF_BIRTH",
        "IBAN" => "IBAN_CODE",
        "CARD" | "PAYMENT_CARD" => "CREDIT_CARD",
        _ => return None,
    })
}

/// A labelled or predicted span.
#[derive(Debug, Clone)]
struct Span {
    start: u64,
    end: u64,
    text: String,
    kind: Option<String>,
}

/// Per-entity counts.
#[derive(Default)]
struct Count {
    gold: usize,
    pred: usize,
    tp: usize,
    fp_examples: Vec<String>,
    fn_examples: Vec<String>,
}

struct Args {
    gold: PathBuf,
    pred: PathBuf,
    engine: String,
    formats: Option<BTreeSet<String>>,
    seconds: Option<f64>,
    bytes: Option<f64>,
    docs: Option<f64>,
    root: Option<PathBuf>,
    json_out: Option<PathBuf>,
    reanchor: bool,
}

fn parse_args() -> Res<Args> {
    let mut a = Args {
        gold: PathBuf::new(),
        pred: PathBuf::new(),
        engine: "scanner".into(),
        formats: None,
        seconds: None,
        bytes: None,
        docs: None,
        root: None,
        json_out: None,
        reanchor: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--gold" => a.gold = val()?.into(),
            "--pred" => a.pred = val()?.into(),
            "--engine" => a.engine = val()?,
            "--formats" => a.formats = Some(val()?.split(',').map(|s| s.trim().to_string()).collect()),
            "--seconds" => a.seconds = Some(val()?.parse()?),
            "--bytes" => a.bytes = Some(val()?.parse()?),
            "--docs" => a.docs = Some(val()?.parse()?),
            "--root" => a.root = Some(val()?.into()),
            "--json-out" => a.json_out = Some(val()?.into()),
            "--reanchor" => a.reanchor = true,
            "-h" | "--help" => {
                println!(
                    "usage: scan_eval --gold gold.jsonl --pred pred.jsonl [--engine NAME] [--formats txt,eml] \
                     [--seconds S --bytes B --docs D] [--root DIR] [--json-out FILE] [--reanchor]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if a.gold.as_os_str().is_empty() || a.pred.as_os_str().is_empty() {
        return Err("--gold and --pred are required".into());
    }
    Ok(a)
}

fn read_jsonl(path: &Path) -> Res<Vec<Value>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        out.push(v);
    }
    Ok(out)
}

/// Makes a predicted file name comparable with the gold's relative names.
fn normalise(file: &str, roots: &[String]) -> String {
    let file = file.split('!').next().unwrap_or(file);
    for r in roots {
        if let Some(rest) = file.strip_prefix(r.as_str()) {
            return rest.trim_start_matches('/').to_string();
        }
    }
    file.trim_start_matches("./").to_string()
}

/// Moves predictions whose offsets do not point at their text (see the module docs).
struct Anchor {
    dir: PathBuf,
    files: BTreeMap<String, Option<String>>,
    used: BTreeSet<(String, usize)>,
    moved: usize,
    lost: usize,
}

impl Anchor {
    fn fix(&mut self, file: &str, member: Option<&str>, span: &mut Span) {
        let Anchor { dir, files, used, moved, lost } = self;
        if span.text.is_empty() {
            return;
        }
        let content = files.entry(file.to_string()).or_insert_with(|| fs::read_to_string(dir.join(file)).ok());
        let Some(content) = content.as_deref() else { return };
        let (s, e) = (span.start as usize, span.end as usize);
        if content.get(s..e) == Some(span.text.as_str()) {
            return;
        }
        let (lo, hi) = member.and_then(|m| message_range(content, m)).unwrap_or((0, content.len()));
        let guess = lo + s;
        let best = content[lo..hi]
            .match_indices(span.text.as_str())
            .map(|(i, _)| lo + i)
            .filter(|i| !used.contains(&(file.to_string(), *i)))
            .min_by_key(|i| i.abs_diff(guess));
        match best {
            Some(i) => {
                used.insert((file.to_string(), i));
                span.start = i as u64;
                span.end = (i + span.text.len()) as u64;
                *moved += 1;
            }
            None => *lost += 1,
        }
    }
}

/// The byte range of the message with this Message-ID in an mbox or eml (from its `From `
/// line to the next).
fn message_range(content: &str, member: &str) -> Option<(usize, usize)> {
    let id = member.trim_matches(|c| c == '<' || c == '>');
    let pos = content.find(&format!("<{id}>")).or_else(|| content.find(id))?;
    let start = content[..pos].rfind("\nFrom ").map_or(0, |i| i + 1);
    let end = content[pos..].find("\nFrom ").map_or(content.len(), |i| pos + i + 1);
    Some((start, end))
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn f_beta(p: Option<f64>, r: Option<f64>, beta: f64) -> Option<f64> {
    let (p, r) = (p.unwrap_or(0.0), r?);
    let b2 = beta * beta;
    Some(if p + r == 0.0 { 0.0 } else { (1.0 + b2) * p * r / (b2 * p + r) })
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"))
}

/// Matches `preds` to `gold` (one to one, largest overlap first); returns the matched
/// pairs as (gold index, prediction index).
fn match_spans(gold: &[Span], preds: &[Span]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..preds.len()).collect();
    order.sort_by_key(|&i| preds[i].start);
    let max_len = preds.iter().map(|p| p.end.saturating_sub(p.start)).max().unwrap_or(0);
    let mut cands = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        let lo = g.start.saturating_sub(max_len);
        let first = order.partition_point(|&i| preds[i].start < lo);
        for &pi in &order[first..] {
            let p = &preds[pi];
            if p.start >= g.end {
                break;
            }
            let overlap = g.end.min(p.end).saturating_sub(g.start.max(p.start));
            let longer = (g.end - g.start).max(p.end.saturating_sub(p.start));
            if overlap > 0 && overlap * 2 >= longer {
                cands.push((overlap, gi, pi));
            }
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut gu, mut pu) = (vec![false; gold.len()], vec![false; preds.len()]);
    let mut pairs = Vec::new();
    for (_, gi, pi) in cands {
        if !gu[gi] && !pu[pi] {
            gu[gi] = true;
            pu[pi] = true;
            pairs.push((gi, pi));
        }
    }
    pairs
}

fn span_of(v: &Value) -> Option<Span> {
    Some(Span {
        start: v.get("start")?.as_u64()?,
        end: v.get("end")?.as_u64()?,
        text: v.get("text").and_then(Value::as_str).unwrap_or("").to_string(),
        kind: v.get("kind").and_then(Value::as_str).map(str::to_string),
    })
}

fn run() -> Res<()> {
    let args = parse_args()?;
    let gold_dir = args.gold.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut roots = Vec::new();
    for r in [args.root.clone(), Some(gold_dir.clone())].into_iter().flatten() {
        roots.push(r.to_string_lossy().trim_end_matches('/').to_string() + "/");
        if let Ok(c) = fs::canonicalize(&r) {
            roots.push(c.to_string_lossy().trim_end_matches('/').to_string() + "/");
        }
    }
    roots.retain(|r| r != "/");
    // (file, entity) -> spans
    let mut gold: BTreeMap<(String, &'static str), Vec<Span>> = BTreeMap::new();
    let mut file_format: BTreeMap<String, String> = BTreeMap::new();
    for v in read_jsonl(&args.gold)? {
        let file = v.get("file").and_then(Value::as_str).ok_or("gold line without file")?.to_string();
        let format = v.get("format").and_then(Value::as_str).unwrap_or("txt").to_string();
        if args.formats.as_ref().is_some_and(|f| !f.contains(&format)) {
            continue;
        }
        let entity = v.get("entity").and_then(Value::as_str).and_then(map_entity).ok_or("gold line with bad entity")?;
        let span = span_of(&v).ok_or("gold line without start/end")?;
        file_format.insert(file.clone(), format);
        gold.entry((file, entity)).or_default().push(span);
    }
    let mut preds: BTreeMap<(String, &'static str), Vec<Span>> = BTreeMap::new();
    let mut ignored: BTreeMap<String, usize> = BTreeMap::new();
    let mut anchor = Anchor { dir: gold_dir.clone(), files: BTreeMap::new(), used: BTreeSet::new(), moved: 0, lost: 0 };
    for v in read_jsonl(&args.pred)? {
        let (Some(raw_file), Some(entity), Some(mut span)) =
            (v.get("file").and_then(Value::as_str), v.get("entity").and_then(Value::as_str), span_of(&v))
        else {
            continue;
        };
        let file = normalise(raw_file, &roots);
        if args.reanchor {
            anchor.fix(&file, raw_file.split('!').nth(1), &mut span);
        }
        if let Some(f) = &args.formats {
            // Score only files of the chosen formats; a file without gold keeps its
            // predictions (false positives) when its extension is one of them.
            let ext = Path::new(&file).extension().and_then(|e| e.to_str()).unwrap_or("");
            let fmt = file_format.get(&file).map_or(ext, String::as_str);
            if !f.contains(fmt) {
                continue;
            }
        }
        match map_entity(entity) {
            Some(e) => preds.entry((file, e)).or_default().push(span),
            None => *ignored.entry(entity.to_string()).or_default() += 1,
        }
    }
    let keys: BTreeSet<(String, &'static str)> = gold.keys().chain(preds.keys()).cloned().collect();
    let mut counts: BTreeMap<&'static str, Count> = BTreeMap::new();
    let mut kinds: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new(); // gold, found, kind agreed
    let empty = Vec::new();
    for key in &keys {
        let g = gold.get(key).unwrap_or(&empty);
        let p = preds.get(key).unwrap_or(&empty);
        let pairs = match_spans(g, p);
        let c = counts.entry(key.1).or_default();
        c.gold += g.len();
        c.pred += p.len();
        c.tp += pairs.len();
        let (mut gm, mut pm) = (vec![false; g.len()], vec![false; p.len()]);
        for &(gi, pi) in &pairs {
            gm[gi] = true;
            pm[pi] = true;
            let k = kinds.entry(g[gi].kind.clone().unwrap_or_default()).or_default();
            k.1 += 1;
            if p[pi].kind.is_some() && p[pi].kind == g[gi].kind {
                k.2 += 1;
            }
        }
        for (gi, s) in g.iter().enumerate() {
            kinds.entry(s.kind.clone().unwrap_or_default()).or_default().0 += 1;
            if !gm[gi] && c.fn_examples.len() < 10 {
                c.fn_examples.push(format!("{}@{}: {}", key.0, s.start, s.text));
            }
        }
        for (pi, s) in p.iter().enumerate() {
            if !pm[pi] && c.fp_examples.len() < 10 {
                c.fp_examples.push(format!("{}@{}: {}", key.0, s.start, s.text));
            }
        }
    }
    let mut md = String::new();
    let _ = writeln!(md, "### {}\n", args.engine);
    let _ = writeln!(md, "| entity | gold | predicted | TP | FP | FN | precision | recall | F2 |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut per_entity = serde_json::Map::new();
    let (mut tg, mut tpred, mut ttp) = (0, 0, 0);
    let (mut cg, mut cpred, mut ctp) = (0, 0, 0);
    for e in ENTITIES {
        let Some(c) = counts.get(e) else { continue };
        let (p, r) = (ratio(c.tp, c.pred), ratio(c.tp, c.gold));
        let f2 = f_beta(p, r, 2.0);
        tg += c.gold;
        tpred += c.pred;
        ttp += c.tp;
        if COMMON.contains(e) {
            cg += c.gold;
            cpred += c.pred;
            ctp += c.tp;
        }
        let _ = writeln!(
            md,
            "| {e} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.gold,
            c.pred,
            c.tp,
            c.pred - c.tp,
            c.gold - c.tp,
            fmt(p),
            fmt(r),
            fmt(f2)
        );
        per_entity.insert(
            e.to_string(),
            json!({"gold": c.gold, "predicted": c.pred, "tp": c.tp, "fp": c.pred - c.tp, "fn": c.gold - c.tp,
                   "precision": p, "recall": r, "f2": f2,
                   "false_positive_examples": c.fp_examples, "false_negative_examples": c.fn_examples}),
        );
    }
    let (p, r) = (ratio(ttp, tpred), ratio(ttp, tg));
    let f2 = f_beta(p, r, 2.0);
    let _ = writeln!(
        md,
        "| **overall** | {tg} | {tpred} | {ttp} | {} | {} | **{}** | **{}** | **{}** |",
        tpred - ttp,
        tg - ttp,
        fmt(p),
        fmt(r),
        fmt(f2)
    );
    let (cp, cr) = (ratio(ctp, cpred), ratio(ctp, cg));
    let cf2 = f_beta(cp, cr, 2.0);
    let _ = writeln!(
        md,
        "| overall, the {} entities Presidio also has | {cg} | {cpred} | {ctp} | {} | {} | {} | {} | {} |",
        COMMON.len(),
        cpred - ctp,
        cg - ctp,
        fmt(cp),
        fmt(cr),
        fmt(cf2)
    );
    let mut by_kind = serde_json::Map::new();
    let mut kind_line = Vec::new();
    for (k, (g, found, agreed)) in &kinds {
        let name = if k.is_empty() { "unlabelled" } else { k.as_str() };
        by_kind.insert(
            name.to_string(),
            json!({"gold": g, "found": found, "recall": ratio(*found, *g), "kind_agreed": agreed}),
        );
        kind_line.push(format!("{name} {} ({found}/{g}, kind right for {agreed})", fmt(ratio(*found, *g))));
    }
    let _ = writeln!(md, "\nRecall by whose data: {}.", kind_line.join("; "));
    let timing = match args.seconds {
        Some(s) if s > 0.0 => {
            let mbps = args.bytes.map(|b| b / 1e6 / s);
            let dps = args.docs.map(|d| d / s);
            let _ = writeln!(
                md,
                "\nThroughput: {} MB/s, {} documents/s ({:.1} s for {} bytes, {} documents).",
                mbps.map_or("—".into(), |v| format!("{v:.2}")),
                dps.map_or("—".into(), |v| format!("{v:.1}")),
                s,
                args.bytes.map_or("?".into(), |b| format!("{b:.0}")),
                args.docs.map_or("?".into(), |d| format!("{d:.0}")),
            );
            json!({"seconds": s, "bytes": args.bytes, "documents": args.docs, "mb_per_s": mbps, "docs_per_s": dps})
        }
        _ => Value::Null,
    };
    if args.reanchor {
        let _ = writeln!(
            md,
            "\nRe-anchored by text: {} predictions whose offsets did not point at their text ({} not found).",
            anchor.moved, anchor.lost
        );
    }
    if !ignored.is_empty() {
        let list: Vec<String> = ignored.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(md, "\nNot scored (entities Steward does not have): {}.", list.join(", "));
    }
    print!("{md}");
    let report = json!({
        "engine": args.engine,
        "gold": args.gold.display().to_string(),
        "pred": args.pred.display().to_string(),
        "formats": args.formats,
        "match_rule": "same file and entity, overlap >= 50% of the longer span, one to one",
        "entities": per_entity,
        "overall": {"gold": tg, "predicted": tpred, "tp": ttp, "precision": p, "recall": r, "f2": f2},
        "overall_common": {"entities": COMMON, "gold": cg, "predicted": cpred, "tp": ctp,
                           "precision": cp, "recall": cr, "f2": cf2},
        "by_kind": by_kind,
        "timing": timing,
        "not_scored": ignored,
        "reanchored": if args.reanchor { json!({"moved": anchor.moved, "not_found": anchor.lost}) } else { Value::Null },
        "markdown": md,
    });
    let out = args.json_out.clone().unwrap_or_else(|| args.pred.with_extension("eval.json"));
    fs::write(&out, serde_json::to_string_pretty(&report)?).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("scan_eval: {e}");
        std::process::exit(1);
    }
}
