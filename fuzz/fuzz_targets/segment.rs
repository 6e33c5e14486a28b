//! Fuzz target `segment`: see `tvdiff_fuzz::checks::segment` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::segment(data));
