//! Fuzz target `names`: see `tvdiff_fuzz::checks::names` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::names(data));
