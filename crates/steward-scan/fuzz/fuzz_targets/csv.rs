//! CSV and TSV: every cell (csv crate); the first byte chooses the delimiter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    steward_scan_fuzz::run(if first & 1 == 0 { "csv" } else { "tsv" }, rest);
});
