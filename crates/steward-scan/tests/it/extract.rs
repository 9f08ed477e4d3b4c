//! Extraction and walking over real parsers, with fixtures built here from fictional UK
//! data: every format's text and locations, and every hostile input reported without
//! stopping the walk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use proptest::prelude::*;
use steward_scan::extract::extract;
use steward_scan::walk::{Limits, walk};
use steward_scan::{Document, Item, Location, Skip};
use zip::write::SimpleFileOptions;

fn run(name: &str, bytes: &[u8], limits: &Limits) -> Vec<Item> {
    let mut items = Vec::new();
    extract(name, name, bytes, limits, 0, &mut |item| items.push(item));
    items
}

fn one(name: &str, bytes: &[u8]) -> Document {
    let items = run(name, bytes, &Limits::default());
    docs(&items).into_iter().next().unwrap_or_else(|| panic!("no document for {name}: {items:?}"))
}

fn docs(items: &[Item]) -> Vec<Document> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Document(d) => Some(d.clone()),
            Item::Skipped { .. } => None,
        })
        .collect()
}

fn skips(items: &[Item]) -> Vec<(String, Skip)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Skipped { source, skip } => Some((source.clone(), skip.clone())),
            Item::Document(_) => None,
        })
        .collect()
}

fn texts(doc: &Document) -> Vec<(&str, &Location)> {
    doc.segments.iter().map(|s| (s.text.as_str(), &s.location)).collect()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

const LETTER: &str = "Dear Ms Okafor,\nRe: tenancy 4471 at 12 Acacia Avenue, Leeds LS6 2AB.\n\
Your NHS number 943 476 5919 and NI QQ123456C were noted.\nCall 07700 900123.\n";

#[test]
fn text_lines_and_file_offsets() {
    let doc = one("letter.txt", LETTER.as_bytes());
    assert_eq!(doc.format, "text");
    assert_eq!(doc.segments.len(), 1);
    assert_eq!(doc.segments[0].location, Location::Text { line: 1 });
    assert_eq!(doc.segments[0].file_offset, Some(0));

    // Small segments: split at line boundaries, each at its line and byte offset.
    let limits = Limits { max_segment_bytes: 60, ..Limits::default() };
    let items = run("letter.md", LETTER.as_bytes(), &limits);
    let doc = &docs(&items)[0];
    assert!(doc.segments.len() >= 3, "{doc:?}");
    for segment in &doc.segments {
        let offset = segment.file_offset.unwrap() as usize;
        assert_eq!(&LETTER[offset..offset + segment.text.len()], segment.text);
        let Location::Text { line } = segment.location else { panic!() };
        assert_eq!(line as usize, LETTER[..offset].matches('\n').count() + 1);
        assert!(segment.text.len() <= 60);
    }
    let joined: String = doc.segments.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(joined, LETTER);
}

#[test]
fn huge_single_line_splits_on_char_boundaries() {
    let line = "Zoë Ní Bhriain, 5 Rue Élysée — ".repeat(40_000);
    let limits = Limits { max_segment_bytes: 100_000, ..Limits::default() };
    let items = run("huge.txt", line.as_bytes(), &limits);
    let doc = &docs(&items)[0];
    assert!(doc.segments.len() > 10);
    let mut joined = String::new();
    for segment in &doc.segments {
        assert!(segment.text.len() <= 100_000);
        assert_eq!(segment.file_offset, Some(joined.len() as u64));
        assert_eq!(segment.location, Location::Text { line: 1 });
        joined.push_str(&segment.text);
    }
    assert_eq!(joined, line);
}

#[test]
fn invalid_utf8_and_utf16_and_binary() {
    let mut bytes = b"Name: Priya Shah\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    bytes.extend_from_slice(b" Postcode: M1 1AE\n");
    let doc = one("notes.txt", &bytes);
    assert!(doc.segments[0].text.contains("Priya Shah"));
    assert!(doc.segments[0].text.contains('\u{fffd}'));
    assert!(doc.segments[0].text.contains("M1 1AE"));

    let mut utf16 = vec![0xff, 0xfe];
    for unit in "Owain Pritchard, Caerdydd CF10 1AA\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let doc = one("export.txt", &utf16);
    assert_eq!(doc.segments[0].text, "Owain Pritchard, Caerdydd CF10 1AA\n");
    assert_eq!(doc.segments[0].file_offset, None);

    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let items = run("notes.txt", &garbage, &Limits::default());
    assert!(matches!(skips(&items)[..], [(_, Skip::Unreadable(_))]), "{items:?}");
    let items = run("blob.bin", &garbage, &Limits::default());
    assert!(matches!(skips(&items)[..], [(_, Skip::Unsupported(_))]), "{items:?}");
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(2048, 0);
    let items = run("complaint.msg", &ole, &Limits::default());
    assert!(matches!(&skips(&items)[..], [(_, Skip::Unsupported(m))] if m.contains(".msg")), "{items:?}");
}

#[test]
fn html_visible_text_only() {
    let html = "<!DOCTYPE html><html><head><title>Case 88</title><style>p{color:red}</style>\
        <script>var secret = 'Hidden Person';</script></head><body><p>Tenant: Aisha &amp; Tom Bell</p>\
        <div>Phone <b>07700&nbsp;900456</b></div><!-- Not Shown --><ul><li>LS1 4AB</li></ul></body></html>";
    let doc = one("page.htm", html.as_bytes());
    assert_eq!(doc.format, "html");
    let t = texts(&doc);
    let all: Vec<&str> = t.iter().map(|(s, _)| *s).collect();
    assert_eq!(all, ["Case 88", "Tenant: Aisha & Tom Bell", "Phone 07700 900456", "LS1 4AB"]);
    assert_eq!(t[1].1, &Location::Block { index: 2 });
}

const EML: &str = "From: \"Grace O'Neill\" <grace.oneill@example.co.uk>\r\n\
To: Housing Team <housing@council.example.gov.uk>, Sam Patel <sam@example.org>\r\n\
Cc: Ruth Evans <ruth@example.net>\r\n\
Subject: =?UTF-8?Q?Repairs_at_Flat_3=2C_Jesmond?=\r\n\
Message-ID: <repair-42@example.co.uk>\r\n\
Date: Tue, 3 Mar 2026 09:15:00 +0000\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"outer\"\r\n\
\r\n\
--outer\r\n\
Content-Type: multipart/alternative; boundary=\"alt\"\r\n\
\r\n\
--alt\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
My date of birth is 14/02/1987 and my postcode NE2 1XE =E2=80=94 please fix =\r\n\
the boiler.\r\n\
--alt\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<p>My date of birth is 14/02/1987</p><script>x()</script>\r\n\
--alt--\r\n\
--outer\r\n\
Content-Type: text/csv; name=\"residents.csv\"\r\n\
Content-Disposition: attachment; filename=\"residents.csv\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
TmFtZSxQaG9uZQpKb2huIE11cnBoeSwwNzcwMCA5MDA3ODkK\r\n\
--outer--\r\n";

#[test]
fn eml_headers_bodies_and_attachments() {
    let items = run("repair.eml", EML.as_bytes(), &Limits::default());
    let all = docs(&items);
    assert_eq!(all.len(), 2, "{items:?}");
    let msg = &all[0];
    assert_eq!(msg.format, "eml");
    let id = Some("repair-42@example.co.uk".to_owned());
    let find = |part: &str| {
        msg.segments
            .iter()
            .find(|s| s.location == Location::Message { message_id: id.clone(), part: part.into() })
            .map(|s| s.text.clone())
            .unwrap_or_else(|| panic!("no {part} in {msg:?}"))
    };
    assert_eq!(find("header:From"), "Grace O'Neill <grace.oneill@example.co.uk>");
    assert_eq!(find("header:To"), "Housing Team <housing@council.example.gov.uk>, Sam Patel <sam@example.org>");
    assert_eq!(find("header:Cc"), "Ruth Evans <ruth@example.net>");
    assert_eq!(find("header:Subject"), "Repairs at Flat 3, Jesmond");
    assert!(find("body").contains("postcode NE2 1XE \u{2014} please fix the boiler."));
    assert_eq!(find("attachment: residents.csv"), "residents.csv");
    let csv = &all[1];
    assert_eq!(csv.source, "repair.eml!residents.csv");
    assert_eq!(csv.format, "csv");
    assert!(texts(csv).contains(&("07700 900789", &Location::Cell { sheet: None, row: 2, col: 2 })));
}

#[test]
fn mbox_one_document_per_message() {
    let mbox = format!(
        "From grace@example.co.uk Tue Mar  3 09:15:00 2026\n{}\nFrom MAILER-DAEMON Wed Mar  4 10:00:00 2026\n\
        From: Tom Hughes <tom@example.org>\nSubject: Hello\n\nNo id here, ring 0113 496 0000.\n",
        EML.replace("\r\n", "\n")
    );
    let items = run("inbox.mbox", mbox.as_bytes(), &Limits::default());
    let all = docs(&items);
    let sources: Vec<&str> = all.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(
        sources,
        ["inbox.mbox!<repair-42@example.co.uk>", "inbox.mbox!<repair-42@example.co.uk>!residents.csv", "inbox.mbox!2"]
    );
    assert_eq!(all[0].format, "mbox");
    assert!(all[2].segments.iter().any(|s| s.text.contains("0113 496 0000")));
}

#[test]
fn csv_tsv_and_json() {
    let csv = "name,address,phone\n\"Hughes, Tom\",\"1 High St\nBath BA1 1AA\",07700 900111\n";
    let doc = one("people.csv", csv.as_bytes());
    assert!(texts(&doc).contains(&("Hughes, Tom", &Location::Cell { sheet: None, row: 2, col: 1 })));
    assert!(texts(&doc).contains(&("1 High St\nBath BA1 1AA", &Location::Cell { sheet: None, row: 2, col: 2 })));
    let doc = one("people.tsv", b"a\tb\nMei Chen\tCF10 3AT\n");
    assert!(texts(&doc).contains(&("CF10 3AT", &Location::Cell { sheet: None, row: 2, col: 2 })));

    let json = r#"{"tenant": {"name": "Kwame Mensah", "nhs": 9434765919, "tags": ["arrears", null, true]}}"#;
    let doc = one("case.json", json.as_bytes());
    assert_eq!(doc.format, "json");
    let values: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(values, ["Kwame Mensah", "9434765919", "arrears"]);
    // Not JSON after all: read as text.
    assert_eq!(one("broken.json", b"{\"name\": \"Ada").format, "text");
}

const DOCX_BODY: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Witness statement of </w:t></w:r><w:r><w:t xml:space="preserve">Bronwen Jones</w:t></w:r></w:p>
<w:p><w:r><w:t>Address:</w:t><w:tab/><w:t>7 Castle Street, Swansea SA1 1DP &amp; NI AB123456C</w:t></w:r></w:p>
<w:p/></w:body></w:document>"#;

fn docx() -> Vec<u8> {
    let header = r#"<w:hdr xmlns:w="x"><w:p><w:r><w:t>Private: case 2291</w:t></w:r></w:p></w:hdr>"#;
    zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", DOCX_BODY.as_bytes()),
        ("word/header1.xml", header.as_bytes()),
    ])
}

#[test]
fn office_documents() {
    let doc = one("statement.docx", &docx());
    assert_eq!(doc.format, "docx");
    assert_eq!(
        texts(&doc),
        [
            ("Witness statement of Bronwen Jones", &Location::Block { index: 1 }),
            ("Address:\t7 Castle Street, Swansea SA1 1DP & NI AB123456C", &Location::Block { index: 2 }),
            ("Private: case 2291", &Location::Block { index: 3 }),
        ]
    );

    let workbook = r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
        <sheet name="Tenants" sheetId="1" r:id="rId1"/><sheet name="Arrears &amp; Notes" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
    let rels = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>
        <Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#;
    let shared = r#"<sst><si><t>Name</t></si><si><r><t>Lucy </t></r><r><t>Ward</t></r></si></sst>"#;
    let sheet1 = r#"<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>
        <row r="2"><c r="A2" t="s"><v>1</v></c><c r="AB2"><v>447700900321</v></c></row></sheetData></worksheet>"#;
    let sheet2 = r#"<worksheet><sheetData><row r="5"><c r="C5" t="inlineStr"><is><t>Owes £310</t></is></c></row></sheetData></worksheet>"#;
    let xlsx = zip_of(&[
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/sharedStrings.xml", shared.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet1.as_bytes()),
        ("xl/worksheets/sheet2.xml", sheet2.as_bytes()),
    ]);
    let doc = one("rent.xlsx", &xlsx);
    assert_eq!(doc.format, "xlsx");
    let cell = |sheet: &str, row, col| Location::Cell { sheet: Some(sheet.into()), row, col };
    assert_eq!(
        texts(&doc),
        [
            ("Name", &cell("Tenants", 1, 1)),
            ("Lucy Ward", &cell("Tenants", 2, 1)),
            ("447700900321", &cell("Tenants", 2, 28)),
            ("Owes £310", &cell("Arrears & Notes", 5, 3)),
        ]
    );

    let odt_content = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
        <text:h>Complaint</text:h><text:p>From Hamish<text:s/>MacLeod, IV2 3BX</text:p></office:text></office:body></office:document-content>"#;
    let odt =
        zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", odt_content.as_bytes())]);
    let doc = one("complaint.odt", &odt);
    assert_eq!(doc.format, "odt");
    assert_eq!(
        texts(&doc),
        [("Complaint", &Location::Block { index: 1 }), ("From Hamish MacLeod, IV2 3BX", &Location::Block { index: 2 })]
    );

    let ods_content = r#"<office:document-content xmlns:table="t" xmlns:text="x"><table:table table:name="Visits">
        <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row>
        <table:table-row><table:table-cell/><table:table-cell><text:p>Fatima Begum</text:p></table:table-cell></table:table-row>
        </table:table></office:document-content>"#;
    let ods = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", ods_content.as_bytes()),
    ]);
    let doc = one("visits.ods", &ods);
    assert_eq!(doc.format, "ods");
    assert_eq!(texts(&doc), [("Fatima Begum", &cell("Visits", 3, 2))]);
}

fn pdf(pages: &[&str]) -> lopdf::Document {
    use lopdf::content::{Content, Operation};
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for text in pages {
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("Td", vec![72.into(), 700.into()]),
                Operation::new("Tj", vec![Object::string_literal(*text)]),
                Operation::new("ET", vec![]),
            ],
        };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    let pages = dictionary! {
        "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc
}

fn pdf_bytes(doc: &mut lopdf::Document) -> Vec<u8> {
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn pdf_pages_broken_and_encrypted() {
    let bytes = pdf_bytes(&mut pdf(&["Patient: Harriet Lowe", "Ward 7, Royal Infirmary EH16 4SA"]));
    let doc = one("discharge.pdf", &bytes);
    assert_eq!(doc.format, "pdf");
    let t = texts(&doc);
    assert_eq!(t.len(), 2, "{t:?}");
    assert!(t[0].0.contains("Harriet Lowe") && t[0].1 == &Location::Page { page: 1 });
    assert!(t[1].0.contains("EH16 4SA") && t[1].1 == &Location::Page { page: 2 });

    let broken = &bytes[..bytes.len() / 3];
    let items = run("broken.pdf", broken, &Limits::default());
    assert!(matches!(skips(&items)[..], [(_, Skip::Unreadable(_))]), "{items:?}");

    let mut locked = pdf(&["Secret: Harriet Lowe"]);
    locked.trailer.set("ID", vec![lopdf::Object::string_literal("0123456789abcdef"); 2]);
    let version = lopdf::EncryptionVersion::V2 {
        document: &locked,
        owner_password: "owner",
        user_password: "user-secret",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    };
    let state = lopdf::EncryptionState::try_from(version).unwrap();
    locked.encrypt(&state).unwrap();
    let items = run("locked.pdf", &pdf_bytes(&mut locked), &Limits::default());
    assert_eq!(skips(&items), [("locked.pdf".to_owned(), Skip::Encrypted)], "{items:?}");
}

#[test]
fn zip_recursion_and_limits() {
    let inner = zip_of(&[("notes/visit.txt", b"Visited Mr Iqbal at 3 Mill Lane, BD1 1AA")]);
    let outer = zip_of(&[("statement.docx", &docx()), ("inner.zip", &inner), ("folder/", b"")]);
    let items = run("bundle.zip", &outer, &Limits::default());
    let sources: Vec<String> = docs(&items).into_iter().map(|d| format!("{} {}", d.format, d.source)).collect();
    assert_eq!(
        sources,
        [
            "zip bundle.zip",
            "docx bundle.zip!statement.docx",
            "zip bundle.zip!inner.zip",
            "text bundle.zip!inner.zip!notes/visit.txt"
        ]
    );
    assert!(skips(&items).is_empty(), "{items:?}");

    // A zip bomb: 64 MiB of zeros is refused by ratio, and the next entry is still read.
    let zeros = vec![0u8; 64 << 20];
    let bomb = zip_of(&[("zeros.txt", &zeros), ("after.txt", b"Still read: Olu Adeyemi")]);
    let items = run("bomb.zip", &bomb, &Limits::default());
    assert!(matches!(&skips(&items)[..], [(s, Skip::ArchiveLimit(_))] if s == "bomb.zip!zeros.txt"), "{items:?}");
    assert!(docs(&items).iter().any(|d| d.source == "bomb.zip!after.txt"));

    // The expansion budget across the whole archive.
    let text = "Olu Adeyemi, 22 Park Road, SE5 8AA\n".repeat(1000);
    let many = zip_of(&[("a.txt", text.as_bytes()), ("b.txt", text.as_bytes()), ("c.txt", b"tiny")]);
    let limits = Limits { max_expanded_bytes: 50_000, ..Limits::default() };
    let items = run("many.zip", &many, &limits);
    assert!(docs(&items).iter().any(|d| d.source == "many.zip!a.txt"));
    assert!(
        matches!(&skips(&items)[..], [(b, Skip::ArchiveLimit(_)), (rest, Skip::ArchiveLimit(m))]
            if b == "many.zip!b.txt" && rest == "many.zip" && m.contains("1 further")),
        "{items:?}"
    );

    // Deep nesting: twelve zips in each other stop at the depth limit.
    let mut nested = b"Deep: Nia Roberts".to_vec();
    let mut name = "deep.txt".to_owned();
    for level in 0..12 {
        nested = zip_of(&[(name.as_str(), &nested)]);
        name = format!("level{level}.zip");
    }
    let items = run("nested.zip", &nested, &Limits::default());
    assert!(matches!(&skips(&items)[..], [(_, Skip::ArchiveLimit(m))] if m.contains("nested")), "{items:?}");
    assert_eq!(docs(&items).len(), 9);

    // Encrypted entries.
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().with_aes_encryption(zip::AesMode::Aes256, "hunter2");
    writer.start_file("secret.txt", options).unwrap();
    writer.write_all(b"Salary of Dev Sharma").unwrap();
    let locked = writer.finish().unwrap().into_inner();
    let items = run("locked.zip", &locked, &Limits::default());
    assert_eq!(skips(&items), [("locked.zip!secret.txt".to_owned(), Skip::Encrypted)]);
}

fn walk_all(paths: &[PathBuf], limits: &Limits) -> Vec<Item> {
    let items = Mutex::new(Vec::new());
    walk(paths, limits, &|item| items.lock().unwrap().push(item));
    let mut items = items.into_inner().unwrap();
    items.sort_by_key(|i| match i {
        Item::Document(d) => d.source.clone(),
        Item::Skipped { source, .. } => source.clone(),
    });
    items
}

#[cfg(unix)]
#[test]
fn walk_reports_and_continues() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("letter.txt"), LETTER).unwrap();
    std::fs::create_dir_all(root.join("Maildir/cur")).unwrap();
    std::fs::write(root.join("Maildir/cur/1709457300.M1P2.host:2,S"), EML).unwrap();
    std::fs::create_dir(root.join("sub")).unwrap();
    symlink(root, root.join("sub/loop")).unwrap();
    symlink(root.join("missing.txt"), root.join("dangling.txt")).unwrap();
    let hostile = "evil\nname \"quoted\" 'single'.txt";
    std::fs::write(root.join(hostile), "Hostile file for Cerys Lloyd").unwrap();
    std::fs::write(root.join("garbage.txt"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    let locked = root.join("locked.txt");
    std::fs::write(&locked, "Locked away: Ifeoma Obi").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let can_read_anyway = std::fs::read(&locked).is_ok(); // root reads anything

    use std::os::unix::ffi::OsStrExt;
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9 notes.txt");
    std::fs::write(root.join(latin1), "Written by Zo\u{eb} Martin").unwrap();
    let fifo = std::process::Command::new("mkfifo").arg(root.join("pipe")).status().is_ok_and(|s| s.success());

    let items = walk_all(&[root.to_path_buf()], &Limits::default());
    let source = |name: &str| root.join(name).to_string_lossy().into_owned();
    let documents = docs(&items);
    let find = |name: &str| documents.iter().find(|d| d.source == source(name));
    assert_eq!(find("letter.txt").unwrap().format, "text");
    assert_eq!(find("Maildir/cur/1709457300.M1P2.host:2,S").unwrap().format, "eml");
    assert!(find(hostile).unwrap().segments[0].text.contains("Cerys Lloyd"));
    let skipped = skips(&items);
    let skip = |name: &str| skipped.iter().find(|(s, _)| *s == source(name)).map(|(_, k)| k.clone());
    assert!(matches!(skip("sub/loop"), Some(Skip::Io(m)) if m.contains("loop")), "{skipped:?}");
    assert!(matches!(skip("dangling.txt"), Some(Skip::Io(_))), "{skipped:?}");
    assert!(matches!(skip("garbage.txt"), Some(Skip::Unreadable(_))), "{skipped:?}");
    assert!(find("caf\u{fffd} notes.txt").unwrap().segments[0].text.contains("Zo\u{eb} Martin"));
    if fifo {
        assert!(matches!(skip("pipe"), Some(Skip::Unsupported(_))), "{skipped:?}");
    }
    if can_read_anyway {
        assert!(find("locked.txt").is_some());
    } else {
        assert!(matches!(skip("locked.txt"), Some(Skip::Io(_))), "{skipped:?}");
    }
    // A path that does not exist is reported too.
    let items = walk_all(&[root.join("nowhere")], &Limits::default());
    assert!(matches!(&skips(&items)[..], [(_, Skip::Io(_))]), "{items:?}");
    // Too large for the limit.
    let limits = Limits { max_file_bytes: 10, ..Limits::default() };
    let items = walk_all(&[root.join("letter.txt")], &limits);
    assert!(matches!(&skips(&items)[..], [(_, Skip::TooLarge(_))]), "{items:?}");
}

/// Inputs that reach every parser: each extension, with random bytes alone or after
/// each format's magic, and valid files with random bytes overwritten.
fn seeds() -> Vec<Vec<u8>> {
    vec![
        docx(),
        EML.as_bytes().to_vec(),
        pdf_bytes(&mut pdf(&["Harriet Lowe"])),
        zip_of(&[("a.zip", &zip_of(&[("b.txt", b"x")]))]),
        b"<html><p>x</p><script>y".to_vec(),
    ]
}

const NAMES: &[&str] = &[
    "x.txt", "x.md", "x.html", "x.eml", "x.mbox", "x.csv", "x.tsv", "x.json", "x.pdf", "x.zip", "x.docx", "x.xlsx",
    "x.odt", "x", "x.msg",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), prefix in 0usize..6) {
        let magic: [&[u8]; 6] = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"From a@b Tue\nFrom: x\n", b"\xff\xfe", b"<html>"];
        let mut input = magic[prefix].to_vec();
        input.extend_from_slice(&bytes);
        let limits = Limits { max_segment_bytes: 64, ..Limits::default() };
        for name in NAMES {
            let _ = run(name, &input, &limits);
        }
    }

    #[test]
    fn never_panics_on_damaged_files(seed in 0usize..5, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16)) {
        let mut input = seeds().swap_remove(seed);
        for (at, byte) in edits {
            let len = input.len();
            input[at % len] = byte;
        }
        for name in ["x.docx", "x.eml", "x.pdf", "x.zip", "x.html"] {
            let _ = run(name, &input, &Limits::default());
        }
    }
}

#[test]
fn deeply_nested_inputs_do_not_overflow_the_stack() {
    let depth = 50_000;
    let mut pdf = b"%PDF-1.4\n1 0 obj\n".to_vec();
    pdf.extend(std::iter::repeat_n(b'[', depth));
    pdf.extend(std::iter::repeat_n(b']', depth));
    pdf.extend_from_slice(b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
    let items = run("deep.pdf", &pdf, &Limits::default());
    assert!(matches!(skips(&items)[..], [(_, Skip::Unreadable(_))]), "{items:?}");
    let mut dict = b"%PDF-1.4\n1 0 obj\n".to_vec();
    dict.extend(b"<</A ".repeat(depth));
    dict.extend(b">>".repeat(depth));
    let _ = run("deep2.pdf", &dict, &Limits::default());

    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(one("deep.json", json.as_bytes()).format, "text");
    let html = format!("{}Dylan Thomas{}", "<div>".repeat(depth), "</div>".repeat(depth));
    assert!(one("deep.html", html.as_bytes()).segments.iter().any(|s| s.text == "Dylan Thomas"));
    let xml = format!(
        "<w:document>{}<w:p><w:t>Deep</w:t></w:p>{}</w:document>",
        "<w:x>".repeat(depth),
        "</w:x>".repeat(depth)
    );
    let _ = one("deep.docx", &zip_of(&[("word/document.xml", xml.as_bytes())]));

    let mut eml = String::new();
    for i in 0..2000 {
        eml.push_str(&format!(
            "From: a{i}@example.org\nSubject: level {i}\nContent-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
        ));
        eml.push_str("Content-Type: message/rfc822\n\n");
    }
    eml.push_str("From: last@example.org\n\nbottom\n");
    let _ = run("deep.eml", eml.as_bytes(), &Limits::default());
}

#[test]
fn html_only_mail_and_attached_message() {
    let eml = "From: Ines Costa <ines@example.org>\nTo: dpo@example.gov.uk\nSubject: SAR\nMessage-ID: <sar-1@example.org>\n\
        MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/html\n\n\
        <html><style>.x{}</style><body><p>Please send my records, DOB 01/05/1990.</p></body></html>\n--b\n\
        Content-Type: message/rfc822\nContent-Disposition: attachment; filename=\"earlier.eml\"\n\n\
        From: Ines Costa <ines@example.org>\nSubject: Earlier\nMessage-ID: <old@example.org>\n\nMy flat is 4B.\n--b--\n";
    let items = run("sar.eml", eml.as_bytes(), &Limits::default());
    let all = docs(&items);
    assert_eq!(all.len(), 2, "{items:?}");
    let body: Vec<&str> = all[0]
        .segments
        .iter()
        .filter(|s| matches!(&s.location, Location::Message { part, .. } if part == "body"))
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(body, ["Please send my records, DOB 01/05/1990."]);
    assert_eq!(all[1].source, "sar.eml!earlier.eml");
    assert!(all[1].segments.iter().any(|s| s.text.contains("My flat is 4B.")));
}

#[test]
fn archive_entry_limits() {
    let entries: Vec<(String, Vec<u8>)> =
        (0..5).map(|i| (format!("n{i}.txt"), format!("Note {i} about Rhys Evans").into_bytes())).collect();
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    let archive = zip_of(&refs);
    let limits = Limits { max_entries: 2, ..Limits::default() };
    let items = run("notes.zip", &archive, &limits);
    assert_eq!(docs(&items).len(), 3); // the archive's own listing and two entries
    assert!(matches!(&skips(&items)[..], [(s, Skip::ArchiveLimit(m))] if s == "notes.zip" && m.contains("5 entries")));

    let big = zip_of(&[("big.txt", "Rhys Evans ".repeat(100).as_bytes())]);
    let limits = Limits { max_file_bytes: 600, ..Limits::default() };
    let items = run("big.zip", &big, &limits);
    assert!(matches!(&skips(&items)[..], [(s, Skip::TooLarge(_))] if s == "big.zip!big.txt"), "{items:?}");
}
