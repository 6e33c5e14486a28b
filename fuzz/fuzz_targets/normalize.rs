//! Fuzz target `normalize`: see `tvdiff_fuzz::checks::normalize` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::normalize(data));
