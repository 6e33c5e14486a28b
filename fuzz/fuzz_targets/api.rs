//! Fuzz target `api`: see `tvdiff_fuzz::checks::api` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::api(data));
