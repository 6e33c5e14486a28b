//! Fuzz target `html`: see `tvdiff_fuzz::checks::html` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::html(data));
