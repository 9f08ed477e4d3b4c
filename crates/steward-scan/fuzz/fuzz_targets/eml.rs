//! A single mail message (mail-parser): headers, bodies, attachments extracted in turn.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    steward_scan_fuzz::run("eml", data);
});
