//! HTML: visible text by block (html5gum tokenizer), forced to the HTML extractor.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    steward_scan_fuzz::run("html", data);
});
