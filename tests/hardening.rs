//! Issue 13: hostile names and files, output that never destroys an input,
//! bounded work, and precision on real texts. Each test covers a class of
//! inputs, through the real binary, as a user (or an attacker who controls
//! a file or its name) would meet it.

#![cfg(unix)]

mod common;

use common::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OLD: &str = "互联网是人类的共同家园。\n我们热情欢迎各国企业在华投资兴业。\n";
const NEW: &str = "互联网是人类共同家园。\n我们热情欢迎各国企业在中国投资兴业。\n";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("tvdiff")
}

/// Run the binary with OS-string arguments (names need not be UTF-8).
fn run_os<I, S>(args: I) -> (i32, Vec<u8>, Vec<u8>)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(bin()).args(args).env_remove("NO_COLOR").stdin(Stdio::null()).output().expect("runs");
    (out.status.code().expect("exited, not killed"), out.stdout, out.stderr)
}

fn no_panic(stderr: &[u8]) {
    let s = String::from_utf8_lossy(stderr);
    assert!(!s.contains("panicked") && !s.contains("RUST_BACKTRACE"), "panic: {s}");
}

/// Names of every class that could act on a terminal or forge a line.
fn hostile_names() -> Vec<&'static [u8]> {
    vec![
        b"osc\x1b]0;pwned\x07.txt",
        b"csi\x1b[2J.txt",
        "c1\u{9b}31m.txt".as_bytes(),
        b"two\nlines.txt",
        "bidi\u{202e}txt.exe".as_bytes(),
        b"cr\rtab\t.txt",
        "ls\u{2028}ps.txt".as_bytes(),
    ]
}

/// Nothing in `out` that acts on a terminal: no ESC or other control
/// character but the line breaks, no bidirectional override, no C1.
fn assert_inert(out: &[u8], what: &str) {
    let s = String::from_utf8_lossy(out);
    let bad: Vec<char> = s
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n') || matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069 | 0x2028 | 0x2029)
        })
        .collect();
    assert!(bad.is_empty(), "{what}: raw control characters {bad:?} in {s:?}");
}

// ---- 1. hostile names -------------------------------------------------

#[test]
fn hostile_file_names_are_shown_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    for name in hostile_names() {
        let old = dir.path().join(OsStr::from_bytes(name));
        std::fs::write(&old, OLD).unwrap();
        let new = dir.path().join("new.txt");
        std::fs::write(&new, NEW).unwrap();
        for extra in [&["--color", "never"][..], &["--color", "never", "-y"][..]] {
            let (status, stdout, stderr) =
                run_os(extra.iter().map(OsStr::new).chain([old.as_os_str(), new.as_os_str()]));
            assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
            assert_inert(&stdout, "report");
            // Every header names the file on its own line.
            let text = String::from_utf8_lossy(&stdout);
            assert!(text.contains("Versions: "), "{text}");
        }
        // The collation's witness list.
        let (status, stdout, _) = run_os(
            [OsStr::new("collate"), OsStr::new("--color"), OsStr::new("never")]
                .into_iter()
                .chain([old.as_os_str(), new.as_os_str()]),
        );
        if status != 2 {
            assert_inert(&stdout, "collation");
        }
        // An error message names the file escaped, on one line.
        let missing = dir.path().join(OsStr::from_bytes(&[name, b".missing"].concat()));
        let (status, stdout, stderr) = run_os([missing.as_os_str(), new.as_os_str()]);
        assert_eq!(status, 2);
        assert!(stdout.is_empty());
        assert_inert(&stderr, "error message");
        assert_eq!(String::from_utf8_lossy(&stderr).lines().count(), 1, "{}", String::from_utf8_lossy(&stderr));
        std::fs::remove_file(&old).unwrap();
    }
}

#[test]
fn a_line_break_in_a_name_cannot_forge_a_batch_line() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let mut expected = 0;
    for name in hostile_names() {
        std::fs::write(a.join(OsStr::from_bytes(name)), OLD).unwrap();
        std::fs::write(b.join(OsStr::from_bytes(name)), NEW).unwrap();
        expected += 1;
    }
    std::fs::write(a.join(OsStr::from_bytes(b"only\nold.txt")), OLD).unwrap();
    expected += 1;
    let reports = dir.path().join("reports");
    let (status, stdout, stderr) = run_os([
        OsStr::new("batch"),
        OsStr::new("--reports"),
        reports.as_os_str(),
        OsStr::new("-f"),
        OsStr::new("terminal"),
        a.as_os_str(),
        b.as_os_str(),
    ]);
    assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
    assert_inert(&stdout, "batch listing");
    assert_inert(&stderr, "batch stderr");
    assert_eq!(String::from_utf8_lossy(&stdout).lines().count(), expected, "{}", String::from_utf8_lossy(&stdout));
    // Each report is written under the pair's own name, and reads safely.
    for name in hostile_names() {
        let report = reports.join(OsStr::from_bytes(&[name, b".txt"].concat()));
        let text = std::fs::read(&report).unwrap_or_else(|e| panic!("{}: {e}", report.display()));
        assert_inert(&text, "per-pair report");
    }
}

// ---- 2. one output writer ---------------------------------------------

/// A character device to write to: as root, a private node for the same
/// device (`mknod DIR/name c MAJOR MINOR`), so that a binary with the old
/// bug replaces that node and not the machine's `/dev/null` or `/dev/full`
/// (running these tests against such a binary as root once did); as
/// anyone else, the real device, which they cannot replace.
fn device(dir: &Path, real: &str, major: u32, minor: u32) -> PathBuf {
    let node = dir.join(real.trim_start_matches("/dev/"));
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", &major.to_string(), &minor.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        std::fs::set_permissions(&node, std::fs::Permissions::from_mode(0o666)).unwrap();
        node
    } else {
        PathBuf::from(real)
    }
}

fn pair(dir: &Path) -> (PathBuf, PathBuf) {
    let (o, n) = (dir.join("old.txt"), dir.join("new.txt"));
    std::fs::write(&o, OLD).unwrap();
    std::fs::write(&n, NEW).unwrap();
    (o, n)
}

#[test]
fn the_output_is_never_one_of_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink(&n, &link).unwrap();
    let hard = dir.path().join("hard.txt");
    std::fs::hard_link(&o, &hard).unwrap();
    let dotted = dir.path().join(".").join("new.txt");
    for target in [&o, &n, &link, &hard, &dotted] {
        for format in ["terminal", "json", "html"] {
            let (status, stdout, stderr) = run_os([
                OsStr::new("-f"),
                OsStr::new(format),
                OsStr::new("-o"),
                target.as_os_str(),
                o.as_os_str(),
                n.as_os_str(),
            ]);
            let err = String::from_utf8_lossy(&stderr);
            assert_eq!(status, 2, "-o {} must be refused: {err}", target.display());
            assert!(stdout.is_empty());
            assert!(err.contains("refusing to overwrite") && err.contains("cannot write"), "{err}");
        }
    }
    assert_eq!(std::fs::read_to_string(&o).unwrap(), OLD);
    assert_eq!(std::fs::read_to_string(&n).unwrap(), NEW);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // collate too.
    let (status, _, _) = run_os([OsStr::new("collate"), OsStr::new("-o"), o.as_os_str(), o.as_os_str(), n.as_os_str()]);
    assert_eq!(status, 2);
    assert_eq!(std::fs::read_to_string(&o).unwrap(), OLD);
}

#[test]
fn output_is_written_through_devices_fifos_and_links_and_keeps_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let expected = run_os(["--color", "never", o.to_str().unwrap(), n.to_str().unwrap()]).1;

    // A character device stays a device.
    let null = device(dir.path(), "/dev/null", 1, 3);
    let (status, _, stderr) = run_os([OsStr::new("-o"), null.as_os_str(), o.as_os_str(), n.as_os_str()]);
    assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
    assert!(std::fs::metadata(&null).unwrap().file_type().is_char_device());

    // A FIFO is written to, not replaced.
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    let (status, _, stderr) = run_os([OsStr::new("-o"), fifo.as_os_str(), o.as_os_str(), n.as_os_str()]);
    assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
    assert_eq!(reader.join().unwrap(), expected);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());

    // A symbolic link: its target gets the report, the link stays a link.
    let target = dir.path().join("target.txt");
    std::fs::write(&target, "old report").unwrap();
    let link = dir.path().join("report-link.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    run_os([OsStr::new("-o"), link.as_os_str(), o.as_os_str(), n.as_os_str()]);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), expected);

    // A private file stays private.
    let private = dir.path().join("private.txt");
    std::fs::write(&private, "secret").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    run_os([OsStr::new("-o"), private.as_os_str(), o.as_os_str(), n.as_os_str()]);
    assert_eq!(std::fs::metadata(&private).unwrap().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read(&private).unwrap(), expected);

    // Hard links: every name shows the new report.
    let first = dir.path().join("first.txt");
    let second = dir.path().join("second.txt");
    std::fs::write(&first, "old").unwrap();
    std::fs::hard_link(&first, &second).unwrap();
    run_os([OsStr::new("-o"), first.as_os_str(), o.as_os_str(), n.as_os_str()]);
    assert_eq!(std::fs::read(&second).unwrap(), expected);
    assert_eq!(std::fs::metadata(&first).unwrap().ino(), std::fs::metadata(&second).unwrap().ino());
    // Nothing else left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_full_disk_is_an_error_not_a_success() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let full = device(dir.path(), "/dev/full", 1, 7);
    for args in [&["-o"][..], &["-f", "json", "-o"][..]] {
        let (status, _, stderr) =
            run_os(args.iter().map(OsStr::new).chain([full.as_os_str(), o.as_os_str(), n.as_os_str()]));
        let err = String::from_utf8_lossy(&stderr);
        assert_eq!(status, 2, "{err}");
        assert!(err.contains(&format!("{}: cannot write", full.display())), "{err}");
        assert!(std::fs::metadata(&full).unwrap().file_type().is_char_device());
    }
    // Standard output on a full disk, for a report made in memory and for
    // JSON, which is written as it is rendered.
    for format in ["terminal", "json"] {
        let out = Command::new(bin())
            .args([OsStr::new("-f"), OsStr::new(format), o.as_os_str(), n.as_os_str()])
            .stdout(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("standard output: cannot write"), "{format}");
    }
}

/// JSON is streamed to its destination; every destination gets the same
/// complete report: standard output, a new file, a replaced file, a file
/// with two names (written in place).
#[test]
fn a_streamed_json_report_is_the_same_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let (status, stdout, stderr) = run_os([OsStr::new("-f"), OsStr::new("json"), o.as_os_str(), n.as_os_str()]);
    assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
    let json: serde_json::Value = serde_json::from_slice(&stdout).expect("complete JSON");
    assert!(!json["changes"].as_array().unwrap().is_empty());
    let (fresh, replaced, linked) = (dir.path().join("r.json"), dir.path().join("old.json"), dir.path().join("l.json"));
    std::fs::write(&replaced, "old report").unwrap();
    std::fs::write(&linked, "old report").unwrap();
    std::fs::hard_link(&linked, dir.path().join("l2.json")).unwrap();
    for target in [&fresh, &replaced, &linked] {
        let (status, _, stderr) = run_os([
            OsStr::new("-f"),
            OsStr::new("json"),
            OsStr::new("-o"),
            target.as_os_str(),
            o.as_os_str(),
            n.as_os_str(),
        ]);
        assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
        assert_eq!(std::fs::read(target).unwrap(), stdout, "{}", target.display());
    }
    assert_eq!(std::fs::read(dir.path().join("l2.json")).unwrap(), stdout, "both names show the new report");
}

// ---- 3, 4, 6, 10. batch -----------------------------------------------

fn trees(dir: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("a"), dir.join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    (a, b)
}

#[test]
fn csv_cells_that_look_like_formulas_are_defused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = trees(dir.path());
    let names = ["=HYPERLINK(\"http:x\").txt", "+1.txt", "-2.txt", "@SUM(A1).txt", "\tx.txt", "plain.txt"];
    for name in names {
        std::fs::write(a.join(name), OLD).unwrap();
        std::fs::write(b.join(name), NEW).unwrap();
    }
    let csv = dir.path().join("s.csv");
    let (status, _, stderr) = run_os([
        OsStr::new("batch"),
        OsStr::new("-q"),
        OsStr::new("--summary"),
        csv.as_os_str(),
        a.as_os_str(),
        b.as_os_str(),
    ]);
    assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    for line in text.lines().skip(1) {
        let cell = line.trim_start_matches('"');
        assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula cell: {line:?}");
    }
    assert!(text.contains("\"'=HYPERLINK(\"\"http:x\"\").txt\""), "{text}");
    assert!(text.contains("\n'@SUM(A1).txt,"), "{text}");
    assert!(text.contains("\nplain.txt,"), "{text}");
}

#[test]
fn batch_refuses_links_out_of_the_tree_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = trees(dir.path());
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "the secret text.\n").unwrap();
    std::fs::write(a.join("x.txt"), OLD).unwrap();
    std::os::unix::fs::symlink(&secret, b.join("x.txt")).unwrap();
    // A link inside the tree is fine.
    std::fs::write(a.join("in.txt"), OLD).unwrap();
    std::fs::write(b.join("real.txt"), OLD).unwrap();
    std::os::unix::fs::symlink("real.txt", b.join("in.txt")).unwrap();
    std::fs::write(a.join("real.txt"), OLD).unwrap();
    let reports = dir.path().join("r");
    let args = |follow: bool| {
        let mut v = vec![
            OsStr::new("batch").to_owned(),
            "--reports".into(),
            reports.clone().into_os_string(),
            "-f".into(),
            "terminal".into(),
        ];
        if follow {
            v.push("--follow-symlinks".into());
        }
        v.extend([a.clone().into_os_string(), b.clone().into_os_string()]);
        v
    };
    let (status, stdout, stderr) = run_os(args(false));
    let err = String::from_utf8_lossy(&stderr);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("x.txt: is a symbolic link to") && err.contains("--follow-symlinks"), "{err}");
    assert!(!String::from_utf8_lossy(&stdout).contains("in.txt"), "the link inside the tree is compared and same");
    assert!(!reports.join("x.txt.txt").exists(), "nothing from outside copied into the reports");
    let (status, _, stderr) = run_os(args(true));
    assert_eq!(status, 1, "{}", String::from_utf8_lossy(&stderr));
    assert!(std::fs::read_to_string(reports.join("x.txt.txt")).unwrap().contains("secret"));
}

#[test]
fn special_files_in_a_batch_are_skipped_without_being_opened() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = trees(dir.path());
    for t in [&a, &b] {
        assert!(Command::new("mkfifo").arg(t.join("pipe.txt")).status().unwrap().success());
        std::fs::write(t.join("ok.txt"), OLD).unwrap();
    }
    std::os::unix::fs::symlink("/dev/zero", a.join("zero.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", b.join("zero.txt")).unwrap();
    let start = Instant::now();
    let mut child = Command::new(bin())
        .args([OsStr::new("batch"), OsStr::new("--follow-symlinks"), a.as_os_str(), b.as_os_str()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the batch hangs on a FIFO or /dev/zero");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("pipe.txt: is a FIFO") && err.contains("skipped"), "{err}");
    assert!(err.contains("zero.txt: is a character device"), "{err}");
    assert!(err.contains("3 pairs, 1 same"), "{err}");
}

#[test]
fn batch_keeps_names_that_are_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = trees(dir.path());
    for (name, text) in [(&b"a\xff.txt"[..], OLD), (&b"a\xfe.txt"[..], NEW)] {
        std::fs::write(a.join(OsStr::from_bytes(name)), text).unwrap();
        std::fs::write(b.join(OsStr::from_bytes(name)), text).unwrap();
    }
    std::fs::write(a.join(OsStr::from_bytes(b"c\xff.txt")), OLD).unwrap();
    std::fs::write(b.join(OsStr::from_bytes(b"c\xff.txt")), NEW).unwrap();
    let csv = dir.path().join("s.csv");
    let (status, stdout, stderr) =
        run_os([OsStr::new("batch"), OsStr::new("--summary"), csv.as_os_str(), a.as_os_str(), b.as_os_str()]);
    let err = String::from_utf8_lossy(&stderr);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("3 pairs, 2 same, 1 different, 0 one-sided, 0 failed"), "{err}");
    assert_eq!(String::from_utf8_lossy(&stdout), "different  c\\xff.txt\n");
    let summary = std::fs::read_to_string(&csv).unwrap();
    assert!(summary.contains("a\\xfe.txt,same") && summary.contains("a\\xff.txt,same"), "{summary}");
}

// ---- 5. one input reader ------------------------------------------------

#[test]
fn devices_are_refused_and_pipes_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    for dev in ["/dev/zero", "/dev/urandom"] {
        let (status, stdout, stderr) = run_os([OsStr::new(dev), n.as_os_str()]);
        let err = String::from_utf8_lossy(&stderr);
        assert_eq!(status, 2, "{err}");
        assert!(stdout.is_empty());
        assert!(err.contains(&format!("{dev}: is a character device")), "{err}");
    }
    // Process substitution and '-' are pipes, read as files.
    let script = format!("'{}' --color never <(cat '{}') - < '{}'", bin().display(), o.display(), n.display());
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[-华-]{+中国+}") && text.contains("standard input"), "{text}");
}

#[test]
fn input_size_is_capped_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "互联网是人类的共同家园。\n".repeat(50_000)).unwrap(); // 1.8 MB
    let (status, _, stderr) = run_os([OsStr::new("--max-size"), OsStr::new("1M"), big.as_os_str(), n.as_os_str()]);
    let err = String::from_utf8_lossy(&stderr);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("big.txt: is larger than the limit of 1 MiB") && err.contains("--max-size"), "{err}");
    let (status, _, _) = run_os([OsStr::new("--max-size"), OsStr::new("2M"), big.as_os_str(), o.as_os_str()]);
    assert_eq!(status, 1);
    // A stream is cut at the limit too.
    let script = format!("yes 互联网 | '{}' --max-size 100K - '{}'", bin().display(), n.display());
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("standard input: is larger than the limit of 100 KiB"), "{err}");
    for bad in ["12Q", "-1", "100G"] {
        assert_eq!(run_os(["--max-size", bad, "a", "b"]).0, 2, "--max-size {bad}");
    }
}

// ---- 7. numeric options ---------------------------------------------------

#[test]
fn numbers_are_bounded_by_the_option_parser() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let huge = ["18446744073709551615", "18446744073709551614", "4294967296", "100000"];
    for flag in ["-W", "-C", "--elide", "--timeout", "--max-size"] {
        for v in huge {
            let (status, stdout, stderr) =
                run_os([OsStr::new("-y"), OsStr::new(flag), OsStr::new(v), o.as_os_str(), n.as_os_str()]);
            no_panic(&stderr);
            if (flag == "--timeout" || flag == "--max-size") && v == "100000"
                || flag == "--max-size" && v == "4294967296"
            {
                assert_eq!(status, 1, "{flag} {v}");
                continue;
            }
            assert_eq!(status, 2, "{flag} {v} must be refused");
            assert!(stdout.is_empty());
            assert!(String::from_utf8_lossy(&stderr).contains("invalid value"), "{}", String::from_utf8_lossy(&stderr));
        }
    }
    let (status, _, _) = run_os(["batch", "-j", "100000", "a", "b"]);
    assert_eq!(status, 2);
    // The largest values work.
    let (status, stdout, _) = run_os([
        OsStr::new("-y"),
        OsStr::new("-W"),
        OsStr::new("1000"),
        OsStr::new("-C"),
        OsStr::new("10000"),
        o.as_os_str(),
        n.as_os_str(),
    ]);
    assert_eq!(status, 1);
    assert!(String::from_utf8_lossy(&stdout).lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 1000));
}

// ---- 11. mixed encodings ----------------------------------------------

#[test]
fn a_file_mixing_utf8_and_gbk_is_refused_not_compared_as_mojibake() {
    let dir = tempfile::tempdir().unwrap();
    let (_, n) = pair(dir.path());
    let mixed = dir.path().join("mixed.txt");
    let (gbk, _, _) = encoding_rs::GBK.encode("我们热情欢迎各国企业在华投资兴业。");
    let mut bytes = "互联网是人类的共同家园。\n".as_bytes().to_vec();
    bytes.extend(gbk.iter());
    bytes.push(b'\n');
    std::fs::write(&mixed, &bytes).unwrap();
    let (status, _, stderr) = run_os([mixed.as_os_str(), n.as_os_str()]);
    let err = String::from_utf8_lossy(&stderr);
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("mixed.txt: mixes encodings: line 1 is UTF-8 but line 2 is not"), "{err}");
    let (status, stdout, _) =
        run_os([OsStr::new("--lossy"), OsStr::new("--color"), OsStr::new("never"), mixed.as_os_str(), n.as_os_str()]);
    assert_eq!(status, 1);
    assert!(String::from_utf8_lossy(&stdout).contains("undecodable, replaced"));
}

// ---- 12. closed and full standard streams ---------------------------------

#[test]
fn a_closed_or_full_stderr_or_stdout_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    // An error message to a full stderr: still exit 2.
    let out = Command::new(bin()).args(["/no/such/file", "x"]).stderr(full()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // stderr a pipe closed by its reader.
    let script = format!("'{}' /no/such/file x 2>&1 >/dev/null | true; echo \"${{PIPESTATUS[0]}}\"", bin().display());
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2");
    // stdout closed early (`| head -1`): quiet, the status of the comparison.
    let big = dir.path().join("big.txt");
    std::fs::write(&big, OLD.repeat(20_000)).unwrap();
    let script = format!(
        "'{}' -C 3 --no-elide '{}' '{}' | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        bin().display(),
        big.display(),
        n.display()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "quiet on a closed pipe");
    let _ = o;
}

// ---- 14, 15. precision ----------------------------------------------------

#[test]
fn fold_chinese_folds_the_script_not_the_words() {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let trad = w("t.txt", "請妥善保管金鑰。網路安全很重要。\n");
    let simp = w("s.txt", "请妥善保管金钥。网路安全很重要。\n");
    let other = w("o.txt", "請妥善保管密鑰。網路安全很重要。\n");
    let mainland = w("m.txt", "请妥善保管密钥。网络安全很重要。\n");
    let run =
        |a: &Path, b: &Path| run_os([OsStr::new("--fold-chinese"), OsStr::new("-q"), a.as_os_str(), b.as_os_str()]).0;
    assert_eq!(run(&trad, &simp), 0, "the same words in two scripts");
    assert_eq!(run(&trad, &other), 1, "金鑰 and 密鑰 are different words");
    assert_eq!(run(&trad, &mainland), 1, "regional synonyms are wording, not script");
    let (_, stdout, _) = run_os([
        OsStr::new("--fold-chinese"),
        OsStr::new("--color"),
        OsStr::new("never"),
        trad.as_os_str(),
        mainland.as_os_str(),
    ]);
    let text = String::from_utf8_lossy(&stdout);
    assert!(text.contains("[-金-]{+密+}") && text.contains("[-路-]{+络+}"), "{text}");
}

#[test]
fn a_spaced_hyphen_is_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (k, dash) in [" - ", " -- ", " — ", " – "].iter().enumerate() {
        let p = dir.path().join(format!("{k}.txt"));
        std::fs::write(&p, format!("It is for us the living{dash}rather to be dedicated here.\n")).unwrap();
        files.push(p);
    }
    for f in &files[1..] {
        let (status, stdout, _) =
            run_os([files[0].as_os_str(), f.as_os_str(), OsStr::new("--color"), OsStr::new("never")]);
        assert_eq!(status, 0, "{}", String::from_utf8_lossy(&stdout));
        assert!(String::from_utf8_lossy(&stdout).contains("dash/ellipsis"));
    }
    let hyphen = dir.path().join("h.txt");
    std::fs::write(&hyphen, "It is for us the living-rather to be dedicated here.\n").unwrap();
    assert_eq!(run_os([files[0].as_os_str(), hyphen.as_os_str(), OsStr::new("-q")]).0, 1, "a hyphen is not a dash");
}

// ---- 17, 18. what the terminal shows --------------------------------------

/// Every console example in the README is exactly what the binary prints
/// for its command: each block is `$ tvdiff ARGS` lines, each followed by
/// its output (and nothing else: examples that write files or use a shell
/// pipe are in `sh` blocks).
#[test]
fn the_readme_examples_are_what_the_binary_prints() {
    let readme = read_text("README.md");
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = block.split("\n```").next().unwrap();
        // Commands start with `$ `; their output runs to the next command.
        let mut rest = block;
        while let Some(cmd) = rest.strip_prefix("$ ") {
            let (command, tail) = cmd.split_once('\n').unwrap_or((cmd, ""));
            let next = tail.find("\n$ ").map_or(tail.len(), |i| i + 1);
            let expected = &tail[..next];
            rest = &tail[next..];
            let args: Vec<&str> = command.strip_prefix("tvdiff ").expect("a tvdiff command").split(' ').collect();
            let run = run(&args);
            assert!(matches!(run.status, 0 | 1), "{command}: {}", run.stderr);
            let expected = if expected.ends_with('\n') || expected.is_empty() {
                expected.to_string()
            } else {
                format!("{expected}\n")
            };
            assert_eq!(run.stdout, expected, "README.md's example `{command}` differs from the binary's output");
            checked += 1;
        }
    }
    assert!(checked >= 1, "the README has console examples");
}

#[test]
fn long_unchanged_stretches_are_elided_around_the_edits() {
    let dir = tempfile::tempdir().unwrap();
    let long = "这是一个很长的句子，".repeat(30);
    let o = dir.path().join("o.txt");
    let n = dir.path().join("n.txt");
    std::fs::write(&o, format!("{long}在华投资{long}。\n")).unwrap();
    std::fs::write(&n, format!("{long}在中国投资{long}。\n")).unwrap();
    let (_, stdout, _) = run_os([o.as_os_str(), n.as_os_str(), OsStr::new("--color"), OsStr::new("never")]);
    let text = String::from_utf8_lossy(&stdout);
    let line = text.lines().find(|l| l.starts_with("~ ")).unwrap();
    assert!(line.chars().count() < 80, "{line}");
    assert!(line.starts_with("~ …") && line.ends_with('…') && line.contains("在[-华-]{+中国+}投资"), "{line}");
    let (_, stdout, _) =
        run_os([o.as_os_str(), n.as_os_str(), OsStr::new("--color"), OsStr::new("never"), OsStr::new("--no-elide")]);
    let text = String::from_utf8_lossy(&stdout);
    assert!(text.lines().any(|l| l.starts_with("~ ") && !l.contains('…') && l.chars().count() > 600));
    let (_, stdout, _) = run_os([
        o.as_os_str(),
        n.as_os_str(),
        OsStr::new("--color"),
        OsStr::new("never"),
        OsStr::new("--elide"),
        OsStr::new("5"),
    ]);
    let text = String::from_utf8_lossy(&stdout);
    let line = text.lines().find(|l| l.starts_with("~ ")).unwrap();
    assert_eq!(line, "~ …的句子，在[-华-]{+中国+}投资这是一…");
}

#[test]
fn context_reads_under_its_own_header_and_side_by_side_names_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("o.txt");
    let n = dir.path().join("n.txt");
    std::fs::write(&o, "第一句。第二句在华。第三句。第四句。第五句。第六句在华。第七句。\n").unwrap();
    std::fs::write(&n, "第一句。第二句在中国。第三句。第四句。第五句。第六句在中国。第七句。\n").unwrap();
    let (_, stdout, _) = run_os([o.as_os_str(), n.as_os_str(), OsStr::new("--color"), OsStr::new("never")]);
    let text = String::from_utf8_lossy(&stdout);
    let lines: Vec<&str> = text.lines().collect();
    // Every context line before a change comes after that change's header.
    for (k, l) in lines.iter().enumerate() {
        if l.starts_with("@@") {
            continue;
        }
        if l.starts_with("  ") && lines.get(k + 1).is_some_and(|next| next.starts_with("~ ")) {
            assert!(lines[k - 1].starts_with("@@"), "a leading context line outside its hunk:\n{text}");
        }
    }
    assert!(lines[0].starts_with("@@"), "{text}");
    assert_eq!(lines[1], "  第一句。");
    let (_, stdout, _) = run_os([
        o.as_os_str(),
        n.as_os_str(),
        OsStr::new("--color"),
        OsStr::new("never"),
        OsStr::new("-y"),
        OsStr::new("-W"),
        OsStr::new("80"),
    ]);
    let text = String::from_utf8_lossy(&stdout);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("--- ") && first.contains("o.txt") && first.contains("+++ ") && first.contains("n.txt"),
        "{text}"
    );
}

#[test]
fn collate_counts_in_good_english() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, "在华投资。\nEnglish line here.\n").unwrap();
    std::fs::write(&b, "在中国投资。\n").unwrap();
    let (_, stdout, stderr) = run_os([
        OsStr::new("collate"),
        OsStr::new("--lang"),
        OsStr::new("zh"),
        OsStr::new("--color"),
        OsStr::new("never"),
        a.as_os_str(),
        b.as_os_str(),
    ]);
    let text = String::from_utf8_lossy(&stdout);
    assert!(text.contains("1 sentence, 1 line filtered out"), "{text}{}", String::from_utf8_lossy(&stderr));
    assert!(!text.contains("1 lines") && !text.contains("1 sentences"), "{text}");
}
