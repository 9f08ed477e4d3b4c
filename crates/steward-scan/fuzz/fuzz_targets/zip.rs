//! ZIP archives: entries listed and extracted in turn (nested), within the limits; Office documents when the entries say so.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    steward_scan_fuzz::run("zip", data);
});
