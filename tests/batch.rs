//! `tvdiff batch OLD_DIR NEW_DIR`: pairing by relative path, summaries in
//! CSV and JSON Lines, per-pair reports, exit codes, and a bad file that is
//! reported without stopping the batch. The directories are built from the
//! sample texts in a temporary directory.

mod common;

use assert_cmd::Command;
use common::{repo, SEED_000, SEED_001, SEED_001_NOISE};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// old/a.txt = 001, new/a.txt = its noise-only copy (same);
/// old/b.txt = 000 vs new/b.txt = 001 (different with --lang zh);
/// old/only.txt and new/sub/x.txt (one-sided);
/// with `bad`: old/bad.txt is UTF-8 with a broken byte (error) and
/// new/c.txt is a directory where old/c.txt is a file (error).
fn corpus(dir: &Path, bad: bool) {
    let s = |name: &str| repo().join("samples").join(name);
    let (old, new) = (dir.join("old"), dir.join("new"));
    fs::create_dir_all(old.join("sub")).unwrap();
    fs::create_dir_all(new.join("sub")).unwrap();
    fs::copy(s(SEED_001), old.join("a.txt")).unwrap();
    fs::copy(s(SEED_001_NOISE), new.join("a.txt")).unwrap();
    fs::copy(s(SEED_000), old.join("b.txt")).unwrap();
    fs::copy(s(SEED_001), new.join("b.txt")).unwrap();
    if bad {
        fs::write(old.join("only.txt"), "只在旧版里的一句话。\n").unwrap();
        fs::write(new.join("sub/x.txt"), "只在新版里的一句话。\n").unwrap();
        let mut broken = "互联网是人类的共同家园。为各国企业在华投资兴业提供服务。".as_bytes().to_vec();
        broken.push(0xff);
        broken.extend_from_slice("我们热情欢迎各国企业。".as_bytes());
        fs::write(old.join("bad.txt"), &broken).unwrap();
        fs::write(new.join("bad.txt"), &broken).unwrap();
        fs::write(old.join("c.txt"), "一句话。\n").unwrap();
        fs::create_dir_all(new.join("c.txt")).unwrap();
    }
}

fn batch(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("tvdiff")
        .unwrap()
        .current_dir(dir)
        .args(["batch", "old", "new", "--lang", "zh"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// The JSON report of `tvdiff --lang zh old/PATH new/PATH`, for comparison.
fn direct(dir: &Path, path: &str) -> serde_json::Value {
    let out = Command::cargo_bin("tvdiff")
        .unwrap()
        .current_dir(dir)
        .args(["--lang", "zh", "-f", "json", &format!("old/{path}"), &format!("new/{path}")])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// CSV rows keyed by path, each a map column → value (the sample paths
/// have no commas; error messages may, and are quoted).
fn read_csv(path: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut rows = BTreeMap::new();
    for line in lines {
        let fields = split_csv(line);
        assert_eq!(fields.len(), header.len(), "{line}");
        let row: BTreeMap<String, String> = header.iter().cloned().zip(fields).collect();
        rows.insert(row["path"].clone(), row);
    }
    rows
}

fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[test]
fn a_mixed_batch_is_summarised_in_csv_and_the_bad_files_do_not_stop_it() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path(), true);
    let (code, stdout, stderr) = batch(tmp.path(), &["--summary", "out.csv", "--reports", "rep"]);
    assert_eq!(code, 2, "a failed pair makes the exit status 2\n{stderr}");

    let rows = read_csv(&tmp.path().join("out.csv"));
    let status: Vec<(&str, &str)> = rows.iter().map(|(p, r)| (p.as_str(), r["status"].as_str())).collect();
    assert_eq!(
        status,
        [
            ("a.txt", "same"),
            ("b.txt", "different"),
            ("bad.txt", "error"),
            ("c.txt", "error"),
            ("only.txt", "only-old"),
            ("sub/x.txt", "only-new"),
        ]
    );
    // The noise-only copy: no change, and the noise is counted per rule.
    let a = &rows["a.txt"];
    assert_eq!((a["modified"].as_str(), a["added"].as_str(), a["removed"].as_str()), ("0", "0", "0"));
    assert!(a["absorbed_width"].parse::<usize>().unwrap() > 100, "{a:?}");
    assert!(a["absorbed_line_break"].parse::<usize>().unwrap() > 0, "{a:?}");
    // Every count is the one a direct comparison of the pair reports.
    for (path, row) in [("a.txt", a), ("b.txt", &rows["b.txt"])] {
        let direct = direct(tmp.path(), path);
        let s = &direct["summary"];
        for field in ["equal", "modified", "added", "removed", "moved"] {
            assert_eq!(row[field], s[field].to_string(), "{path} {field}");
        }
        assert_eq!(row["old_sentences"], direct["old"]["sentences"].to_string(), "{path}");
        assert_eq!(row["new_sentences"], direct["new"]["sentences"].to_string(), "{path}");
        assert_eq!(row["similarity"].parse::<f64>().unwrap(), s["similarity"].as_f64().unwrap(), "{path}");
        for (rule, n) in s["absorbed"].as_object().unwrap() {
            assert_eq!(row[&format!("absorbed_{}", rule.replace('-', "_"))], n.to_string(), "{path} {rule}");
        }
    }
    assert!(rows["b.txt"]["modified"].parse::<usize>().unwrap() >= 4);
    // Errors say which file and what is wrong.
    assert!(rows["bad.txt"]["error"].contains("bad.txt") && rows["bad.txt"]["error"].contains("offset"));
    assert!(rows["c.txt"]["error"].contains("directory"), "{:?}", rows["c.txt"]);
    assert_eq!(rows["only.txt"]["error"], "");

    // One report per compared pair, none for the failed or one-sided ones.
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("rep/b.txt.json")).unwrap()).unwrap();
    assert_eq!(report["summary"], direct(tmp.path(), "b.txt")["summary"]);
    assert!(report["changes"].as_array().unwrap().iter().any(|c| c["edits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["old"] == "华" && e["new"] == "中国")));
    let a_report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("rep/a.txt.json")).unwrap()).unwrap();
    assert_eq!(a_report["changes"].as_array().unwrap().len(), 0);
    assert!(!tmp.path().join("rep/bad.txt.json").exists());
    assert!(!tmp.path().join("rep/only.txt.json").exists());

    // stderr: each failure once, then the one-line summary.
    assert!(stderr.contains("bad.txt") && stderr.contains("c.txt"), "{stderr}");
    assert_eq!(
        stderr.lines().last().unwrap(),
        "tvdiff batch: 6 pairs, 1 same, 1 different, 2 one-sided, 2 failed",
        "{stderr}"
    );
    // stdout lists what is not the same.
    assert!(stdout.contains("different  b.txt") && stdout.contains("only-new   sub/x.txt"), "{stdout}");
    assert!(!stdout.contains("a.txt"), "{stdout}");
}

#[test]
fn the_jsonl_summary_has_one_object_per_pair() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path(), true);
    let (code, stdout, _) = batch(tmp.path(), &["--summary", "out.jsonl", "-q", "-j", "1"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "", "-q keeps stdout empty");
    let text = fs::read_to_string(tmp.path().join("out.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 6);
    let by_path: BTreeMap<&str, &serde_json::Value> = rows.iter().map(|r| (r["path"].as_str().unwrap(), r)).collect();
    assert_eq!(by_path["a.txt"]["status"], "same");
    assert!(by_path["a.txt"]["absorbed"]["width"].as_u64().unwrap() > 100);
    assert_eq!(by_path["b.txt"]["status"], "different");
    let b = direct(tmp.path(), "b.txt");
    for field in ["equal", "modified", "added", "removed", "moved", "similarity", "absorbed"] {
        assert_eq!(by_path["b.txt"][field], b["summary"][field], "{field}");
    }
    assert_eq!(by_path["b.txt"]["old_sentences"], b["old"]["sentences"]);
    assert_eq!(by_path["bad.txt"]["status"], "error");
    assert!(by_path["bad.txt"]["error"].as_str().unwrap().contains("offset"));
    assert_eq!(by_path["only.txt"]["status"], "only-old");
    assert!(by_path["only.txt"]["error"].is_null() && by_path["only.txt"]["equal"].is_null());
    assert_eq!(by_path["sub/x.txt"]["status"], "only-new");
}

#[test]
fn exit_status_is_0_when_every_pair_is_the_same_and_1_when_one_differs() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path(), false);
    let (code, _, stderr) = batch(tmp.path(), &["-q"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.ends_with("2 pairs, 1 same, 1 different, 0 one-sided, 0 failed\n"), "{stderr}");

    fs::remove_file(tmp.path().join("old/b.txt")).unwrap();
    fs::remove_file(tmp.path().join("new/b.txt")).unwrap();
    let (code, stdout, stderr) = batch(tmp.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.ends_with("1 pairs, 1 same, 0 different, 0 one-sided, 0 failed\n"), "{stderr}");

    fs::write(tmp.path().join("new/extra.txt"), "多出来的。").unwrap();
    assert_eq!(batch(tmp.path(), &[]).0, 1, "a one-sided file is a difference");
}

#[test]
fn reports_can_be_terminal_text_in_subdirectories() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path(), false);
    fs::copy(tmp.path().join("old/b.txt"), tmp.path().join("old/sub/deep.txt")).unwrap();
    fs::copy(tmp.path().join("new/b.txt"), tmp.path().join("new/sub/deep.txt")).unwrap();
    let (code, _, stderr) = batch(tmp.path(), &["--reports", "out/rep", "--format", "terminal", "-q"]);
    assert_eq!(code, 1, "{stderr}");
    let text = fs::read_to_string(tmp.path().join("out/rep/sub/deep.txt.txt")).unwrap();
    assert!(text.contains("[-华-]{+中国+}"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour in report files");
    assert!(tmp.path().join("out/rep/a.txt.txt").is_file());
}

#[test]
fn bad_arguments_stop_the_batch_before_it_starts() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path(), false);
    let (code, _, stderr) = batch(tmp.path(), &["--summary", "out.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains(".csv or .jsonl"), "{stderr}");
    assert!(!tmp.path().join("out.txt").exists());

    let (code, _, stderr) = batch(tmp.path(), &["--ignore-lines", "(unclosed"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--ignore-lines"), "{stderr}");

    let out = Command::cargo_bin("tvdiff")
        .unwrap()
        .current_dir(tmp.path())
        .args(["batch", "old", "missing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
}

#[test]
fn reports_can_be_html_pages() {
    let tmp = tempfile::tempdir().unwrap();
    corpus(tmp.path(), false);
    let (code, _, stderr) = batch(tmp.path(), &["--reports", "rep", "-f", "html", "-q"]);
    assert_eq!(code, 1, "{stderr}");
    let page = fs::read_to_string(tmp.path().join("rep/b.txt.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..100.min(page.len())]);
    assert!(page.contains("<del>华</del><ins>中国</ins>"));
    assert!(page.contains("tvdiff: b.txt"), "the page is titled by the pair's path");
    assert!(tmp.path().join("rep/a.txt.html").is_file());
}
