//! Fuzz target `compare`: see `tvdiff_fuzz::checks::compare` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::compare(data));
