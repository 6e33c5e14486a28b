//! The properties tvdiff's fuzz targets check. They live in one file,
//! `checks.rs`, that depends on nothing but `tvdiff` and `std`, so that
//! `tests/regressions.rs` can include it with `#[path]` and replay every
//! crash the fuzzer found as a plain `#[test]` without building this crate.

pub mod checks;
