//! The record of processing's table as a file and back: CSV (UTF-8 with a byte-order
//! mark, so spreadsheets read it as UTF-8) and XLSX (the ICO's layout: headings coloured
//! as the ICO colours them, green required and blue optional). Reading refuses what is
//! not the format it claims and bounds what it unpacks.

use crate::{AppError, AppResult};
use steward_core::FieldError;
use steward_core::register::ropa::{COLUMNS, Col};

use super::RopaFormat;

/// Most rows a file may have (a thousand activities with a few purposes each need a
/// few thousand).
pub const MAX_ROWS: usize = 100_000;
/// Most columns a file may have.
pub const MAX_COLUMNS: usize = 200;
/// Most bytes an XLSX file may unpack to, by what its parts declare: a guard against a
/// small file that unpacks to gigabytes.
pub const MAX_XLSX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;

fn bad_file(message: impl Into<String>) -> AppError {
    AppError::Invalid(FieldError::new("file", message))
}

/// The table as CSV, with a byte-order mark.
pub(super) fn write_csv(table: &[Vec<String>]) -> AppResult<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in table {
        if row.is_empty() { w.write_record([""]) } else { w.write_record(row) }
            .map_err(|e| AppError::Io(format!("the CSV file could not be written: {e}")))?;
    }
    w.into_inner().map_err(|e| AppError::Io(format!("the CSV file could not be written: {e}")))
}

/// The table as an XLSX workbook: one sheet, the contact block, then the headings
/// (bold, wrapped, green where the ICO marks them required, blue where optional, grey
/// for Steward's own), frozen above the rows.
pub(super) fn write_xlsx(table: &[Vec<String>]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Io(format!("the spreadsheet could not be written: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Record of processing").map_err(err)?;
    let heading = |colour: u32| {
        Format::new().set_bold().set_text_wrap().set_background_color(Color::RGB(colour)).set_border(FormatBorder::Thin)
    };
    let required = heading(0x00C6_EFCE);
    let optional = heading(0x00DD_EBF7);
    let steward = heading(0x00E7_E6E6);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let header_at = table.iter().position(|r| r.first().is_some_and(|c| c == Col::BusinessFunction.heading()));
    for (r, row) in table.iter().enumerate() {
        let r32 = u32::try_from(r).map_err(|_| AppError::Io("the spreadsheet has too many rows".into()))?;
        for (c, cell) in row.iter().enumerate() {
            let c16 = u16::try_from(c).map_err(|_| AppError::Io("the spreadsheet has too many columns".into()))?;
            let format = match header_at {
                Some(h) if r == h => match COLUMNS.get(c) {
                    Some(col) if col.group == "Steward" => &steward,
                    Some(col) if col.required_by_law => &required,
                    _ => &optional,
                },
                Some(h) if r < h && (c == 0 || r == 0) => &bold,
                _ => &wrap,
            };
            sheet.write_string_with_format(r32, c16, cell, format).map_err(err)?;
        }
    }
    for c in 0..COLUMNS.len() {
        let c16 = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.set_column_width(c16, if c == 0 { 28 } else { 32 }).map_err(err)?;
    }
    if let Some(h) = header_at {
        sheet.set_freeze_panes(u32::try_from(h + 1).unwrap_or(0), 0).map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}

/// The rows of a CSV or XLSX file, each cell as text; a clear refusal for a file that
/// is not what it claims to be, or too big.
pub fn read_table(bytes: &[u8], format: RopaFormat) -> AppResult<Vec<Vec<String>>> {
    let rows = match format {
        RopaFormat::Csv => read_csv(bytes)?,
        RopaFormat::Xlsx => read_xlsx(bytes)?,
        RopaFormat::Json => {
            return Err(bad_file(
                "cannot be imported as JSON: import the spreadsheet (XLSX) or CSV file that Steward exports",
            ));
        }
    };
    if rows.is_empty() {
        return Err(bad_file("is empty: export the record of processing to see the layout it needs"));
    }
    Ok(rows)
}

fn read_csv(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        bad_file("is not UTF-8 text: save the CSV file as “CSV UTF-8”, or import the spreadsheet (XLSX) instead")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            bad_file(format!("could not be read as CSV near line {line} (a quote left open?)"))
        })?;
        if rows.len() >= MAX_ROWS {
            return Err(bad_file(format!("has more than {MAX_ROWS} rows")));
        }
        if record.len() > MAX_COLUMNS {
            return Err(bad_file(format!("has a row with more than {MAX_COLUMNS} columns")));
        }
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    use calamine::{DataRef, Reader, Xlsx};
    use std::io::Cursor;
    let not_xlsx = || {
        bad_file(
            "is not an XLSX spreadsheet: save it from your spreadsheet program as an Excel workbook (.xlsx), or \
             import it as CSV",
        )
    };
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx());
    }
    // Bound what the parts unpack to, by what they declare, before reading any of them.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| not_xlsx())?;
        unpacked = unpacked.saturating_add(f.size());
    }
    if unpacked > MAX_XLSX_UNPACKED_BYTES || zip.len() > 10_000 {
        return Err(bad_file(format!(
            "unpacks to more than {} MB: export the record of processing again, or import it as CSV",
            MAX_XLSX_UNPACKED_BYTES / 1_048_576
        )));
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_xlsx())?;
    let Some(sheet) = book.sheet_names().into_iter().next() else {
        return Err(bad_file("has no sheet"));
    };
    let mut reader = book.worksheet_cells_reader(&sheet).map_err(|_| not_xlsx())?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|_| bad_file("could not be read: the spreadsheet is damaged"))? {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => if *b { "Yes" } else { "No" }.to_string(),
            DataRef::DateTime(d) => d.as_f64().to_string(),
            DataRef::Error(_) => String::new(),
        };
        if text.is_empty() {
            continue;
        }
        if r >= MAX_ROWS {
            return Err(bad_file(format!("has more than {MAX_ROWS} rows")));
        }
        if c >= MAX_COLUMNS {
            return Err(bad_file(format!("has a row with more than {MAX_COLUMNS} columns")));
        }
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<Vec<String>> {
        vec![
            vec!["Record of processing activities (UK GDPR Article 30)".into()],
            vec![],
            COLUMNS.iter().map(|c| c.heading.to_string()).collect(),
            vec!["Housing".into(), "Rent, \"arrears\"\nand more".into(), "".into(), "'=1+1".into()],
        ]
    }

    fn trimmed(t: Vec<Vec<String>>) -> Vec<Vec<String>> {
        t.into_iter()
            .map(|mut r| {
                while r.last().is_some_and(String::is_empty) {
                    r.pop();
                }
                r
            })
            .collect()
    }

    #[test]
    fn csv_and_xlsx_read_back_what_was_written() {
        let t = table();
        let csv = write_csv(&t).unwrap();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        assert_eq!(trimmed(read_table(&csv, RopaFormat::Csv).unwrap()), trimmed(t.clone()));
        let xlsx = write_xlsx(&t).unwrap();
        assert_eq!(trimmed(read_table(&xlsx, RopaFormat::Xlsx).unwrap()), trimmed(t));
    }

    #[test]
    fn what_is_not_the_format_it_claims_is_refused_clearly() {
        let e = read_table(b"name,purpose\n", RopaFormat::Xlsx).unwrap_err().to_string();
        assert!(e.contains("not an XLSX spreadsheet"), "{e}");
        let e = read_table(b"PK\x03\x04garbage", RopaFormat::Xlsx).unwrap_err().to_string();
        assert!(e.contains("not an XLSX spreadsheet"), "{e}");
        let e = read_table(b"\xff\xfe\x00a", RopaFormat::Csv).unwrap_err().to_string();
        assert!(e.contains("UTF-8"), "{e}");
        // A quote left open reads to the end of the file, as spreadsheets read it.
        assert_eq!(read_table(b"a,\"b\nc", RopaFormat::Csv).unwrap(), [vec!["a".to_string(), "b\nc".into()]]);
        assert!(read_table(b"", RopaFormat::Csv).is_err());
        assert!(read_table(b"{}", RopaFormat::Json).is_err());
    }
}
