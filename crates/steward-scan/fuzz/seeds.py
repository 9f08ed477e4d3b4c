#!/usr/bin/env python3
"""Writes small seed inputs for every fuzz target into corpus/<target>/ (gitignored).

Run from crates/steward-scan/fuzz. The mail targets also get mail-parser's own sample
messages when its sources are in the local cargo registry (`cargo fetch` first).
"""
import glob, io, os, shutil, zipfile

def put(target, name, data):
    d = os.path.join("corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

text = "Dear Ms Jane Example,\nYour reference is AB123456C.\nPostcode SW1A 1AA, phone 020 7946 0000.\n"
put("text", "utf8", text)
put("text", "utf8-bom", "\ufeff" + text)
put("text", "utf16le", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
put("text", "utf16be", "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"))
put("text", "latin1", text.replace("Ms", "Mme").encode("latin-1") + b"caf\xe9\n")
put("text", "long-line", "x" * 3000 + "\u00e9" * 500)
html = "<!doctype html><html><head><title>T</title><style>p{}</style></head><body><p>Jane &amp; John</p><table><tr><td>a</td><td>b</td></tr></table><script>x()</script></body></html>"
put("html", "page", html)
put("html", "fragment", "<div>one<br>two<ul><li>three</ul></div>")
mail = ("From: Jane Example <jane@example.org>\r\nTo: Bob <bob@example.com>\r\nSubject: =?utf-8?q?Hello_=C3=A9?=\r\n"
        "Message-ID: <1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nHello Bob.\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>\r\n"
        "--b\r\nContent-Type: text/csv; name=a.csv\r\nContent-Disposition: attachment; filename=a.csv\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nbmFtZSxwaG9uZQpKYW5lLDAyMCA3OTQ2IDAwMDAK\r\n--b--\r\n")
put("eml", "multipart", mail)
put("mbox", "two", "From jane@example.org Mon Jan  1 00:00:00 2024\n" + mail.replace("\r\n", "\n") +
    "\nFrom bob@example.com Tue Jan  2 00:00:00 2024\nFrom: bob@example.com\nSubject: re\n\n>From here\n")
for path in glob.glob(os.path.expanduser("~/.cargo/registry/src/*/mail-parser-*/resources/**/*"), recursive=True):
    if os.path.isfile(path) and os.path.getsize(path) < 256 * 1024:
        name = path.replace("/", "_")[-100:]
        with open(path, "rb") as f:
            data = f.read()
        if path.endswith(".json"):
            put("json", name, data)  # the parser's own test tables: good JSON seeds
            continue
        put("eml", name, data)
        if len(data) < 16 * 1024:
            put("mbox", name, b"From someone@example.org Mon Jan  1 00:00:00 2024\n" + data)
put("csv", "csv", b"\x00name,phone\n\"Example, Jane\",020 7946 0000\n\"multi\nline\",x\n")
put("csv", "tsv", b"\x01name\tphone\nJane\t020 7946 0000\n")
put("json", "object", '{"name":"Jane","n":12.5,"list":[1,"two",{"k":null,"b":true}]}')
put("json", "lines", '{"a":"x"}\n{"a":"y"}\n')

def pdf(texts):
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for t in texts:
        stream = f"BT /F1 12 Tf 72 720 Td ({t}) Tj ET"
        objs.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {len(objs)} 0 R >>")
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out

put("pdf", "two-pages", pdf(["Jane Example", "AB123456C"]))
put("pdf", "one-page", pdf(["Hello"]))

def zipped(entries, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for n, d in entries:
            z.writestr(n, d)
    return b.getvalue()

docx = [("word/document.xml", '<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Jane</w:t><w:tab/><w:t>Example</w:t></w:r></w:p><w:p><w:r><w:delText>old</w:delText></w:r></w:p></w:body></w:document>'),
        ("word/header1.xml", '<w:hdr xmlns:w="w"><w:p><w:r><w:t>Header</w:t></w:r></w:p></w:hdr>')]
xlsx = [("xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'),
        ("xl/sharedStrings.xml", '<sst><si><t>Jane</t></si><si><r><t>Ex</t></r><r><t>ample</t></r><rPh><t>x</t></rPh></si></sst>'),
        ("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>42</v></c><c t="inlineStr"><is><t>inline</t></is></c></row></sheetData></worksheet>')]
pptx = [("ppt/presentation.xml", "<p:presentation/>"),
        ("ppt/slides/slide1.xml", '<p:sld><a:p><a:r><a:t>Slide one</a:t></a:r><a:br/></a:p></p:sld>')]
odt = '<office:document-content><office:body><office:text><text:h>Title</text:h><text:p>Jane<text:s text:c="3"/>Example<text:tab/><text:line-break/></text:p></office:text></office:body></office:document-content>'
ods = '<office:document-content><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"><text:p>Jane</text:p></table:table-cell><table:table-cell><text:p>a<text:s/>b</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'
odf = lambda m, c: [("mimetype", m), ("content.xml", c)]
# The office target's own format: a kind byte, then the parts separated by 0xFF.
put("office", "docx", bytes([0]) + b"\xff".join(d.encode() for _, d in docx))
put("office", "xlsx", bytes([1]) + b"\xff".join(d.encode() for _, d in xlsx[:3]) + b"\xff" + xlsx[3][1].encode())
put("office", "pptx", bytes([2]) + pptx[0][1].encode() + b"\xff" + pptx[1][1].encode())
put("office", "odt", bytes([3]) + odt.encode())
put("office", "ods", bytes([4]) + ods.encode())
put("office", "odp", bytes([5]) + odt.encode())
# Real containers for the zip target, with a plain archive nesting another.
put("zip", "docx", zipped(docx))
put("zip", "xlsx", zipped(xlsx))
put("zip", "pptx", zipped(pptx))
put("zip", "odt", zipped(odf("application/vnd.oasis.opendocument.text", odt)))
put("zip", "ods", zipped(odf("application/vnd.oasis.opendocument.spreadsheet", ods)))
inner = zipped([("a.txt", text), ("b.csv", "x,y\n1,2\n")], zipfile.ZIP_STORED)
put("zip", "nested", zipped([("dir/", ""), ("inner.zip", inner), ("m.eml", mail), ("p.json", '{"a":"b"}')]))
