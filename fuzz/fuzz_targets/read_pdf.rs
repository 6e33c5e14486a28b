//! Fuzz target `read_pdf`: the pdf reader on arbitrary bytes; see
//! `tvdiff_fuzz::checks::read` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::read("pdf", data));
