//! Fuzz target `decode`: see `tvdiff_fuzz::checks::decode` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::decode(data));
