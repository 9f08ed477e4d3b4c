//! An mbox mailbox: messages split on `From ` lines, each parsed and extracted.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    steward_scan_fuzz::run("mbox", data);
});
