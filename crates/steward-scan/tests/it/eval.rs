//! The evaluation tools: the corpus generator is deterministic and its gold spans point at
//! the labelled text (in every format), hard negatives stay unlabelled, and the harness
//! computes precision, recall and F2 as worked out by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn corpus(dir: &Path, seed: u64, docs: usize) {
    let out = Command::new(env!("CARGO_BIN_EXE_scan_corpus"))
        .args(["--out", dir.to_str().unwrap(), "--docs", &docs.to_string(), "--seed", &seed.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn gold(dir: &Path) -> Vec<Value> {
    fs::read_to_string(dir.join("gold.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn the_same_seed_writes_the_same_corpus_and_another_seed_does_not() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    corpus(a.path(), 7, 120);
    corpus(b.path(), 7, 120);
    corpus(c.path(), 8, 120);
    let (fa, fb) = (files(a.path()), files(b.path()));
    assert!(fa.len() > 50);
    assert_eq!(fa, fb);
    assert_ne!(fs::read(a.path().join("gold.jsonl")).unwrap(), fs::read(c.path().join("gold.jsonl")).unwrap());
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The text of a stored-entry DOCX as the generator defines it: paragraphs joined by `\n`.
fn docx_text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let body = &s[s.find("<w:body>").unwrap()..];
    let body = &body[..body.find("</w:body>").unwrap()];
    let open = "<w:t xml:space=\"preserve\">";
    body.split(open).skip(1).map(|p| unescape_xml(&p[..p.find("</w:t>").unwrap()])).collect::<Vec<_>>().join("\n")
}

/// The text of the generator's PDF: one `(...) Tj` per line.
fn pdf_text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    s.lines()
        .filter_map(|l| l.strip_suffix(") Tj T*"))
        .map(|l| l[1..].replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn gold_offsets_point_at_the_labelled_text_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 3, 200);
    let gold = gold(dir.path());
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut formats: BTreeMap<String, usize> = BTreeMap::new();
    for g in &gold {
        let file = g["file"].as_str().unwrap();
        let format = g["format"].as_str().unwrap();
        *formats.entry(format.to_string()).or_default() += 1;
        let text = texts.entry(file.to_string()).or_insert_with(|| {
            let bytes = fs::read(dir.path().join(file)).unwrap();
            match format {
                "docx" => docx_text(&bytes),
                "pdf" => pdf_text(&bytes),
                _ => String::from_utf8(bytes).unwrap(),
            }
        });
        let (s, e) = (g["start"].as_u64().unwrap() as usize, g["end"].as_u64().unwrap() as usize);
        assert_eq!(&text[s..e], g["text"].as_str().unwrap(), "{g}");
        assert!(["subject", "third_party"].contains(&g["kind"].as_str().unwrap()));
    }
    for f in ["txt", "eml", "mbox", "csv", "docx", "pdf"] {
        assert!(formats.get(f).copied().unwrap_or(0) > 0, "no gold spans in {f}: {formats:?}");
    }
}

fn nhs_valid(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 10 {
        return false;
    }
    let sum: u32 = d[..9].iter().enumerate().map(|(i, x)| x * (10 - i as u32)).sum();
    (11 - sum % 11) % 11 == d[9]
}

#[test]
fn hard_negatives_are_in_the_text_but_not_labelled() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 11, 300);
    let gold = gold(dir.path());
    let all: String = files(dir.path()).values().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
    // Order numbers that pass the NHS check are there, and none is labelled.
    let order = all.find("Order no. ").map(|i| &all[i + 10..i + 20]).unwrap();
    assert!(nhs_valid(order), "{order}");
    assert!(!gold.iter().any(|g| g["text"] == order));
    for needle in ["Our office in Chester", "due in May", "Will you please", "Bill payments", "which is not a valid"] {
        assert!(all.contains(needle), "{needle}");
    }
    let mut people = 0;
    for g in &gold {
        let text = g["text"].as_str().unwrap();
        match g["entity"].as_str().unwrap() {
            "PERSON" => {
                people += 1;
                assert!(!["May", "Chester", "Will", "Bill"].contains(&text), "{g}");
                assert!(!text.contains('@'), "{g}");
            }
            "UK_NHS" => assert!(nhs_valid(text), "{g}"),
            "UK_NINO" => {
                let p = text.to_uppercase();
                let first = p.chars().next().unwrap();
                assert!(!"DFIQUV".contains(first), "{g}");
                assert!(!["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&&p[..2]), "{g}");
            }
            _ => {}
        }
    }
    assert!(people > 100);
    // A name inside an email address is labelled as the address only.
    let g = &gold;
    for e in g.iter().filter(|g| g["entity"] == "EMAIL_ADDRESS") {
        let (s, en) = (e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap());
        assert!(!g.iter().any(|p| p["file"] == e["file"]
            && p["entity"] == "PERSON"
            && p["start"].as_u64().unwrap() < en
            && p["end"].as_u64().unwrap() > s));
    }
    // The subject appears in varied forms.
    let subject: std::collections::BTreeSet<&str> = gold
        .iter()
        .filter(|g| g["kind"] == "subject" && g["entity"] == "PERSON")
        .map(|g| g["text"].as_str().unwrap())
        .collect();
    for form in ["Jane Smith", "J. Smith", "Smith", "Jane", "Janey", "JANE SMITH"] {
        assert!(subject.contains(form), "{form} missing from {subject:?}");
    }
}

fn eval(dir: &Path, gold: &str, pred: &str, extra: &[&str]) -> Value {
    fs::write(dir.join("gold.jsonl"), gold).unwrap();
    fs::write(dir.join("pred.jsonl"), pred).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scan_eval"))
        .args(["--gold", dir.join("gold.jsonl").to_str().unwrap(), "--pred", dir.join("pred.jsonl").to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("| PERSON | 3 | 4 | 2 | 2 | 1 | 0.500 | 0.667 | 0.625 |"), "{md}");
    serde_json::from_str(&fs::read_to_string(dir.join("pred.eval.json")).unwrap()).unwrap()
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap();
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

#[test]
fn the_harness_scores_a_tiny_example_as_worked_out_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let l = |f: &str, e: &str, s: u64, en: u64, k: &str| {
        format!("{{\"file\":\"{f}\",\"entity\":\"{e}\",\"start\":{s},\"end\":{en},\"text\":\"x\",\"kind\":\"{k}\"}}\n")
    };
    let gold = [
        l("a.txt", "PERSON", 0, 10, "subject"),
        l("a.txt", "PERSON", 20, 30, "third_party"),
        l("b.txt", "PERSON", 0, 8, "third_party"),
        l("a.txt", "EMAIL_ADDRESS", 40, 60, "subject"),
        l("b.txt", "EMAIL_ADDRESS", 20, 30, "subject"),
    ]
    .concat();
    let root = dir.path().to_str().unwrap();
    let pred = [
        // Exact: a true positive; the subject's, and the scanner says so.
        l(&format!("{root}/a.txt"), "PERSON", 0, 10, "subject"),
        // Overlaps 4 of 10 bytes: under half, so a false positive and a miss.
        l("a.txt", "PERSON", 23, 27, "third_party"),
        l("./b.txt", "PERSON", 0, 8, "subject"),
        // A file with no gold: a false positive.
        l("c.txt", "PERSON", 5, 9, "third_party"),
        l("a.txt", "EMAIL_ADDRESS", 40, 60, "subject"),
        // Overlaps 5 of 10 bytes: exactly half, a match.
        l("b.txt", "EMAIL_ADDRESS", 25, 35, "subject"),
        l("a.txt", "PHONE_NUMBER", 70, 80, "third_party"),
        // An entity Steward does not have: counted, not scored.
        l("a.txt", "URL", 0, 5, "third_party"),
    ]
    .concat();
    let r = eval(dir.path(), &gold, &pred, &["--seconds", "2", "--bytes", "4000000", "--docs", "10"]);
    let person = &r["entities"]["PERSON"];
    assert_eq!((person["tp"].as_u64(), person["fp"].as_u64(), person["fn"].as_u64()), (Some(2), Some(2), Some(1)));
    close(&person["precision"], 0.5);
    close(&person["recall"], 2.0 / 3.0);
    close(&person["f2"], 0.625);
    close(&r["entities"]["EMAIL_ADDRESS"]["f2"], 1.0);
    let phone = &r["entities"]["PHONE_NUMBER"];
    close(&phone["precision"], 0.0);
    assert!(phone["recall"].is_null() && phone["f2"].is_null());
    // Overall: 4 of 7 predictions right, 4 of 5 gold found.
    let o = &r["overall"];
    close(&o["precision"], 4.0 / 7.0);
    close(&o["recall"], 0.8);
    let (p, rc) = (4.0 / 7.0, 0.8);
    close(&o["f2"], 5.0 * p * rc / (4.0 * p + rc));
    assert_eq!(r["not_scored"]["URL"], 1);
    assert_eq!(r["by_kind"]["subject"]["found"], 3);
    assert_eq!(r["by_kind"]["subject"]["kind_agreed"], 3);
    assert_eq!(r["by_kind"]["third_party"]["found"], 1);
    assert_eq!(r["by_kind"]["third_party"]["kind_agreed"], 0);
    close(&r["timing"]["mb_per_s"], 2.0);
    close(&r["timing"]["docs_per_s"], 5.0);
}

#[test]
fn gold_scored_against_itself_is_perfect() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 5, 60);
    let gold = dir.path().join("gold.jsonl");
    let json = dir.path().join("self.json");
    let out = Command::new(env!("CARGO_BIN_EXE_scan_eval"))
        .args(["--gold", gold.to_str().unwrap(), "--pred", gold.to_str().unwrap(), "--json-out"])
        .arg(&json)
        .output()
        .unwrap();
    assert!(out.status.success());
    let r: Value = serde_json::from_str(&fs::read_to_string(json).unwrap()).unwrap();
    close(&r["overall"]["f2"], 1.0);
}

#[test]
fn reanchoring_recovers_offsets_given_per_message_of_an_mbox() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 3, 200);
    let mbox = fs::read_to_string(dir.path().join("mail/archive.mbox")).unwrap();
    // Each span as an engine reporting `archive.mbox!<message-id>` with offsets into the
    // message would write it.
    let mut pred = String::new();
    for g in gold(dir.path()).iter().filter(|g| g["format"] == "mbox") {
        let start = g["start"].as_u64().unwrap() as usize;
        let msg_start = mbox[..start].rfind("\nFrom ").map_or(0, |i| i + 1);
        let id_at = msg_start + mbox[msg_start..].find("Message-ID: ").unwrap() + 12;
        let id = &mbox[id_at..id_at + mbox[id_at..].find('\n').unwrap()];
        let line = serde_json::json!({
            "file": format!("mail/archive.mbox!{id}"), "entity": g["entity"], "text": g["text"],
            "start": start - msg_start, "end": g["end"].as_u64().unwrap() as usize - msg_start,
        });
        pred.push_str(&format!("{line}\n"));
    }
    fs::write(dir.path().join("pred.jsonl"), pred).unwrap();
    let score = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_scan_eval"))
            .args(["--gold", dir.path().join("gold.jsonl").to_str().unwrap()])
            .args(["--pred", dir.path().join("pred.jsonl").to_str().unwrap(), "--formats", "mbox"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let r: Value = serde_json::from_str(&fs::read_to_string(dir.path().join("pred.eval.json")).unwrap()).unwrap();
        r
    };
    assert!(score(&[])["overall"]["f2"].as_f64().unwrap() < 0.5);
    let r = score(&["--reanchor"]);
    close(&r["overall"]["f2"], 1.0);
    assert!(r["reanchored"]["moved"].as_u64().unwrap() > 50);
    assert_eq!(r["reanchored"]["not_found"], 0);
}
