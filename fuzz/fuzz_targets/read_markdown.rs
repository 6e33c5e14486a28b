//! Fuzz target `read_markdown`: the markdown reader on arbitrary bytes; see
//! `tvdiff_fuzz::checks::read` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::read("md", data));
