//! Throughput of walk + extract on generated plain text, an mbox and DOCX files:
//! `cargo bench -p steward-scan --bench extract` prints MB/s for each.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use steward_scan::Item;
use steward_scan::walk::{Limits, walk};

const LINE: &str = "Dear Ms Okafor, re tenancy 4471 at 12 Acacia Avenue, Leeds LS6 2AB; call 07700 900123.\n";

fn text_files(dir: &Path) {
    for i in 0..200 {
        std::fs::write(dir.join(format!("letter{i}.txt")), LINE.repeat(6000)).unwrap();
    }
}

fn mbox(dir: &Path) {
    let mut out = String::new();
    for i in 0..20_000 {
        out.push_str(&format!(
            "From a@example.org Tue Mar  3 09:15:00 2026\nFrom: Grace O'Neill <grace{i}@example.co.uk>\n\
             To: Housing <housing@example.gov.uk>\nSubject: Repairs {i}\nMessage-ID: <m{i}@example.co.uk>\n\n\
             {}\n",
            LINE.repeat(20)
        ));
    }
    std::fs::write(dir.join("inbox.mbox"), out).unwrap();
}

fn docx_files(dir: &Path) {
    let mut body = String::from("<w:document xmlns:w=\"w\"><w:body>");
    for _ in 0..5000 {
        body.push_str(&format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", LINE.trim_end()));
    }
    body.push_str("</w:body></w:document>");
    for i in 0..40 {
        let file = std::fs::File::create(dir.join(format!("statement{i}.docx"))).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        zip.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
}

fn measure(name: &str, make: fn(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    make(dir.path());
    let input: u64 = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    let text = AtomicU64::new(0);
    let documents = AtomicU64::new(0);
    let started = Instant::now();
    walk(&[PathBuf::from(dir.path())], &Limits::default(), &|item| {
        if let Item::Document(doc) = item {
            documents.fetch_add(1, Ordering::Relaxed);
            let bytes: usize = doc.segments.iter().map(|s| s.text.len()).sum();
            text.fetch_add(bytes as u64, Ordering::Relaxed);
        }
    });
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name:6} {:8.1} MB in {:6.3} s = {:7.1} MB/s of input, {:7.1} MB/s of text ({} documents, {:.1} MB of text)",
        input as f64 / 1e6,
        secs,
        input as f64 / 1e6 / secs,
        text.load(Ordering::Relaxed) as f64 / 1e6 / secs,
        documents.load(Ordering::Relaxed),
        text.load(Ordering::Relaxed) as f64 / 1e6,
    );
}

fn main() {
    println!("walk + extract on {} threads", rayon::current_num_threads());
    measure("text", text_files);
    measure("mbox", mbox);
    measure("docx", docx_files);
}
