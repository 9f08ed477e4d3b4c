//! Plain text: UTF-8 (valid or not), UTF-16 either order and UTF-8 with a byte-order
//! mark, forced to the text extractor; then the same bytes through content sniffing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    steward_scan_fuzz::run("text", data);
    steward_scan_fuzz::run_named("input.txt", data);
});
