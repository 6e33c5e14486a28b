//! Fuzz target `read_docx`: the docx reader on arbitrary bytes; see
//! `tvdiff_fuzz::checks::read` for what is checked.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tvdiff_fuzz::checks::read("docx", data));
