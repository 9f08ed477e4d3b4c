//! PDF: the text layer page by page (lopdf, under catch_unwind).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    steward_scan_fuzz::run("pdf", data);
});
