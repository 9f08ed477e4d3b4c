//! JSON and JSON Lines: string and number values (serde_json), else read as text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    steward_scan_fuzz::run("json", data);
});
