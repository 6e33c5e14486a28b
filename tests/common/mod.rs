//! Helpers shared by the integration tests: running the binary on the
//! sample texts, parsing its JSON report, and checking that every reported
//! position really points at the text the report claims is there.
//!
//! Everything here reads files inside the repository only.

#![allow(dead_code)] // each test crate uses a different subset

use assert_cmd::Command;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use tvdiff::report::{Change, EditOp, Location, Report, Span};

/// The repository root (tests run the binary from here, so paths in its
/// output read `samples/…`).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Relative path of a sample file, as a user would type it.
pub fn sample(name: &str) -> String {
    let rel = format!("samples/{name}");
    assert!(repo().join(&rel).is_file(), "missing sample {rel}");
    rel
}

/// The bytes of a sample file, exactly as stored.
pub fn sample_text(name: &str) -> String {
    read_text(&sample(name))
}

/// Read a file given relative to the repository root (or absolute).
pub fn read_text(path: &str) -> String {
    let p = Path::new(path);
    let full = if p.is_absolute() { p.to_path_buf() } else { repo().join(p) };
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {}: {e}", full.display()))
}

pub const SEED_000: &str = "seed-000-blog-en-zh.txt";
pub const SEED_001: &str = "seed-001-xinhua-pdf-zh.txt";
pub const SEED_001_NOISE: &str = "seed-001-noise.txt";
pub const SEED_002: &str = "seed-002-summary-en.txt";
pub const SEED_003: &str = "seed-003-bilingual-zh-en.txt";
pub const SEED_004: &str = "seed-004-liveblog-en.txt";
pub const EN_72: &str = "en-wrapped-72.txt";
pub const EN_50: &str = "en-wrapped-50.txt";
pub const SANZIJING_OLD: &str = "sanzijing_traditional_qing.txt";
pub const SANZIJING_NEW: &str = "sanzijing_new_edition.txt";

/// The live-blog timestamp lines of seed 004 (`10:47 a.m.`, often with a
/// trailing NBSP).
pub const TIMESTAMP_RE: &str = r"^\d{1,2}:\d{2} [ap]\.m\.\s*$";

/// The `tvdiff` binary, started in the repository root with a clean
/// colour environment.
pub fn tvdiff() -> Command {
    let mut cmd = Command::cargo_bin("tvdiff").expect("the tvdiff binary is built");
    cmd.current_dir(repo()).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("FORCE_COLOR");
    cmd
}

/// What one run of the binary did.
#[derive(Debug, Clone)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON report on standard output.
    pub fn report(&self) -> Report {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}):\n{}", self.stdout))
    }

    /// Standard output as a JSON value, for checks on the raw field names.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// Run the binary with `args` and collect what it did. Panics if it was
/// killed by a signal (no exit status).
pub fn run(args: &[&str]) -> Run {
    run_cmd(tvdiff().args(args))
}

/// Run a prepared command.
pub fn run_cmd(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("tvdiff runs");
    Run {
        status: out.status.code().expect("tvdiff exited normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Run with `--format json` (and `--full`, so rows are included) and parse
/// the report. Several tests ask about the same comparison, so each one is
/// run once per test binary and shared.
pub fn json_report(args: &[&str]) -> (Report, Run) {
    type Slot = Arc<OnceLock<(Report, Run)>>;
    static CACHE: OnceLock<Mutex<HashMap<Vec<String>, Slot>>> = OnceLock::new();
    let key: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let slot =
        CACHE.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner()).entry(key).or_default().clone();
    slot.get_or_init(|| {
        let mut all = vec!["--format", "json", "--full"];
        all.extend_from_slice(args);
        let r = run(&all);
        assert!(r.status == 0 || r.status == 1, "tvdiff {args:?} failed with {}: {}", r.status, r.stderr);
        (r.report(), r)
    })
    .clone()
}

/// Both sentences of a change as one string (for "which sentence is this").
pub fn change_text(c: &Change) -> String {
    let o = c.old.as_ref().map_or("", |s| s.text.as_str());
    let n = c.new.as_ref().map_or("", |s| s.text.as_str());
    format!("{o}\u{1}{n}")
}

/// `(op, old, new)` of every edit of a change.
pub fn edit_triples(c: &Change) -> Vec<(EditOp, &str, &str)> {
    c.edits.iter().map(|e| (e.op, e.old.as_str(), e.new.as_str())).collect()
}

/// Every edit of the report, with the change it belongs to.
pub fn all_edits(r: &Report) -> impl Iterator<Item = (&Change, &tvdiff::report::Edit)> {
    r.changes.iter().flat_map(|c| c.edits.iter().map(move |e| (c, e)))
}

/// Fold what publishers vary without changing the wording: full-width forms
/// to half-width, all white space removed. Two strings equal under this
/// fold differ only in punctuation width or spacing.
pub fn fold_width_and_spaces(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// 1-based line and column (in characters) of byte `at` in `text`, counted
/// independently of tvdiff: `\n`, `\r\n` and a lone `\r` end a line.
pub fn line_col(text: &str, at: usize) -> (u32, u32) {
    assert!(text.is_char_boundary(at), "offset {at} is not on a character boundary");
    let before = &text[..at];
    let mut line = 1u32;
    let mut line_start = 0usize;
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' => {
                if text.as_bytes().get(i + 1) == Some(&b'\n') {
                    if i + 1 == bytes.len() {
                        // `at` points between \r and \n: still on this line.
                        break;
                    }
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let column = text[line_start..at].chars().count() as u32 + 1;
    (line, column)
}

/// Check that a span is what the file says: `text` is the file's bytes
/// `start..end`, and `line`/`column`/`end_line` are where those bytes are.
pub fn assert_span_faithful(file: &str, what: &str, span: &Span) {
    let slice = file.get(span.start..span.end).unwrap_or_else(|| {
        panic!("{what}: {}..{} is not a character range of the file ({} bytes)", span.start, span.end, file.len())
    });
    assert_eq!(slice, span.text, "{what}: the text at {}..{} is not the reported text", span.start, span.end);
    assert_eq!(
        (span.line, span.column),
        line_col(file, span.start),
        "{what}: line/column of byte {} ({:?})",
        span.start,
        span.text
    );
    if let Some(last) = span.text.chars().last() {
        let last_at = span.end - last.len_utf8();
        assert_eq!(span.end_line, line_col(file, last_at).0, "{what}: end_line of {:?}", span.text);
    }
}

/// Check that an edit location holds `text` in `file` and has the right
/// line and column.
pub fn assert_location_faithful(file: &str, what: &str, at: &Location, text: &str) {
    let slice = file
        .get(at.start..at.end)
        .unwrap_or_else(|| panic!("{what}: {}..{} is not a character range of the file", at.start, at.end));
    assert_eq!(slice, text, "{what}: the file's text at {}..{}", at.start, at.end);
    assert_eq!((at.line, at.column), line_col(file, at.start), "{what}: line/column of byte {}", at.start);
}

/// Check every span of a report (changes, their edits, and rows) against
/// the two texts it was made from.
pub fn assert_report_faithful(report: &Report, old: &str, new: &str) {
    for c in &report.changes {
        if let Some(s) = &c.old {
            assert_span_faithful(old, &format!("change {} old", c.id), s);
        }
        if let Some(s) = &c.new {
            assert_span_faithful(new, &format!("change {} new", c.id), s);
        }
        for (k, e) in c.edits.iter().enumerate() {
            assert_location_faithful(old, &format!("change {} edit {k} old_at", c.id), &e.old_at, &e.old);
            assert_location_faithful(new, &format!("change {} edit {k} new_at", c.id), &e.new_at, &e.new);
            // An edit lies inside its sentences.
            if let (Some(os), Some(ns)) = (&c.old, &c.new) {
                assert!(
                    os.start <= e.old_at.start && e.old_at.end <= os.end,
                    "change {} edit {k}: old_at outside the old sentence",
                    c.id
                );
                assert!(
                    ns.start <= e.new_at.start && e.new_at.end <= ns.end,
                    "change {} edit {k}: new_at outside the new sentence",
                    c.id
                );
            }
        }
    }
    for (i, row) in report.rows.iter().enumerate() {
        if let Some(s) = &row.old {
            assert_span_faithful(old, &format!("row {i} old"), s);
        }
        if let Some(s) = &row.new {
            assert_span_faithful(new, &format!("row {i} new"), s);
        }
    }
}
