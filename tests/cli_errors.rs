//! What the user sees when something is wrong: exit status 2 (as diff(1)),
//! one line on stderr that names the file or option and says what the
//! problem is (for an option clap's own message, with its usage and hint),
//! nothing on stdout, and never a panic.

mod common;

use common::*;
use std::path::Path;

/// Check the contract every error shares, and return the stderr text.
fn assert_trouble(run: &Run, names: &str, problem: &str) -> String {
    assert_eq!(run.status, 2, "exit status for trouble; stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "nothing on stdout");
    assert!(!run.stderr.contains("panicked"), "tvdiff panicked: {}", run.stderr);
    assert!(!run.stderr.contains("RUST_BACKTRACE"), "tvdiff panicked: {}", run.stderr);
    assert!(run.stderr.contains(names), "stderr does not name {names:?}: {}", run.stderr);
    assert!(run.stderr.to_lowercase().contains(problem), "stderr does not say {problem:?}: {}", run.stderr);
    run.stderr.clone()
}

/// The message fits on one line.
fn assert_one_line(stderr: &str) {
    assert!(stderr.ends_with('\n'), "the message ends with a line break: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr, got:\n{stderr}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn a_missing_file_is_named() {
    let run = run(&["samples/no-such-version.txt", &sample(SEED_001)]);
    let err = assert_trouble(&run, "samples/no-such-version.txt", "no such file");
    assert_one_line(&err);
}

#[test]
fn a_missing_new_file_is_named_too() {
    let run = run(&[&sample(SEED_001), "does/not/exist.txt"]);
    assert_one_line(&assert_trouble(&run, "does/not/exist.txt", "no such file"));
}

#[test]
fn a_directory_is_not_a_text_file() {
    let run = run(&[&sample(SEED_001), "samples"]);
    assert_one_line(&assert_trouble(&run, "samples", "directory"));
}

#[test]
fn invalid_utf8_is_reported_with_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    // `ff fe` reads as a UTF-16 byte-order mark, and then one odd byte:
    // not text in either encoding.
    let bad = write(dir.path(), "latin1.txt", b"\xff\xfe\xfa");
    let run = run(&[&bad, &sample(SEED_001)]);
    let err = assert_trouble(&run, &bad, "not valid utf-");
    assert_one_line(&err);
    assert!(err.contains("offset"), "says where the bad bytes are: {err}");
}

#[test]
fn invalid_utf8_after_good_text_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "mixed.txt",
        "互联网是人类的共同家园。\n".as_bytes().iter().chain(b"\xff ok").copied().collect::<Vec<_>>().as_slice(),
    );
    let run = run(&[&sample(SEED_001), &bad]);
    let err = assert_trouble(&run, &bad, "utf-8");
    assert_one_line(&err);
    let offset = "互联网是人类的共同家园。\n".len();
    assert!(err.contains(&format!("offset {offset}")), "{err}");
}

#[test]
fn a_binary_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bin = write(dir.path(), "image.bin", b"PK\x03\x04\0\0\x14\0binary\0data");
    let run = run(&[&sample(SEED_001), &bin]);
    assert_one_line(&assert_trouble(&run, &bin, "binary"));
}

#[test]
fn an_invalid_ignore_lines_regex_names_the_option() {
    let run = run(&["--ignore-lines", "(unclosed", &sample(SEED_001), &sample(SEED_003)]);
    assert_trouble(&run, "--ignore-lines", "regular expression");
    assert!(run.stderr.contains("(unclosed"), "the bad pattern is quoted: {}", run.stderr);
}

#[test]
fn an_invalid_ignore_lines_regex_is_reported_on_one_line() {
    let run = run(&["--ignore-lines", "(unclosed", &sample(SEED_001), &sample(SEED_003)]);
    assert_one_line(&assert_trouble(&run, "--ignore-lines", "regular expression"));
}

#[test]
fn a_threshold_above_one_is_refused() {
    let run = run(&["--threshold", "2", &sample(SEED_001), &sample(SEED_003)]);
    assert_trouble(&run, "--threshold", "between 0 and 1");
}

#[test]
fn a_threshold_that_is_not_a_number_is_refused() {
    let run = run(&["--threshold", "high", &sample(SEED_001), &sample(SEED_003)]);
    assert_trouble(&run, "--threshold", "not a number");
}

#[test]
fn an_unknown_language_is_refused() {
    let run = run(&["--lang", "xx", &sample(SEED_001), &sample(SEED_003)]);
    let err = assert_trouble(&run, "--lang", "unknown language");
    assert!(err.contains("'xx'"), "{err}");
}

/// Option errors are clap's own: the first line names the option and the
/// problem, then the usage and a hint, as clap formats them (issue 14).
#[test]
fn bad_option_values_are_reported_as_clap_formats_them() {
    for args in [["--threshold", "2"], ["--lang", "xx"]] {
        let run = run(&[args[0], args[1], &sample(SEED_001), &sample(SEED_003)]);
        let err = assert_trouble(&run, args[0], "invalid value");
        assert!(err.starts_with("error: invalid value"), "{err}");
        assert!(err.contains("For more information, try '--help'."), "{err}");
    }
}

#[test]
fn an_output_file_in_a_missing_directory_is_refused_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let out = missing.join("report.txt");
    let out_s = out.to_str().unwrap();
    let run = run(&["-o", out_s, "--lang", "zh", &sample(SEED_000), &sample(SEED_001)]);
    let err = assert_trouble(&run, out_s, "cannot write");
    assert_one_line(&err);
    assert!(!out.exists(), "no report file");
    assert!(!missing.exists(), "the directory was not created");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left in the parent");
}

#[test]
fn an_output_path_that_is_a_directory_is_refused_and_no_temporary_file_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("reports");
    std::fs::create_dir(&target).unwrap();
    let target_s = target.to_str().unwrap();
    let run = run(&["--format", "json", "-o", target_s, "--lang", "zh", &sample(SEED_000), &sample(SEED_001)]);
    assert_one_line(&assert_trouble(&run, target_s, "cannot write"));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, [std::ffi::OsString::from("reports")], "no half-written or temporary file");
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
}

#[test]
fn an_existing_report_is_not_clobbered_when_the_comparison_fails() {
    // The input is bad, so nothing must be written over the old report.
    let dir = tempfile::tempdir().unwrap();
    let out = write(dir.path(), "report.txt", b"previous report\n");
    let run = run(&["-o", &out, &sample(SEED_001), "samples/no-such-version.txt"]);
    assert_trouble(&run, "samples/no-such-version.txt", "no such file");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous report\n");
}

#[test]
fn errors_in_quiet_mode_still_say_what_went_wrong() {
    let run = run(&["-q", &sample(SEED_001), "samples/no-such-version.txt"]);
    assert_one_line(&assert_trouble(&run, "samples/no-such-version.txt", "no such file"));
}
