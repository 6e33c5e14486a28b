//! Issue 14: tvdiff among the usual tools — standard input, git, shell
//! completions, a man page, a pager, helpful messages. Every test drives
//! the real binary as a user would: through a shell, real git in a
//! temporary repository, a pseudo-terminal (`script`) for what only
//! happens on a terminal.

#![cfg(unix)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const OLD: &str = "互联网是人类的共同家园。\n我们热情欢迎各国企业在华投资兴业。\n";
const NEW: &str = "互联网是人类共同家园。\n我们热情欢迎各国企业在中国投资兴业。\n";

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("tvdiff")
}

fn pair(dir: &Path) -> (PathBuf, PathBuf) {
    let (o, n) = (dir.join("old.txt"), dir.join("new.txt"));
    std::fs::write(&o, OLD).unwrap();
    std::fs::write(&n, NEW).unwrap();
    (o, n)
}

fn sh(script: &str) -> (i32, String, String) {
    let out = Command::new("bash").args(["-c", script]).stdin(Stdio::null()).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run `command` (a shell command line) on a pseudo-terminal with
/// `script`, so that standard output and standard error are a terminal;
/// returns the exit status and everything the terminal showed.
fn on_a_terminal(command: &str) -> Option<(i32, String)> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("note: `script` (util-linux) not found; skipping a pseudo-terminal test");
        return None;
    }
    // A known screen size, as a terminal emulator would set it.
    let command = format!("stty rows 40 cols 100; {command}");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("COLUMNS", "100")
        .env("LINES", "40")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Some((out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")))
}

// ---- standard input -------------------------------------------------------

#[test]
fn a_dash_is_standard_input_on_either_side_and_in_collate() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let b = bin();
    for script in [
        format!("'{}' --color never - '{}' < '{}'", b.display(), n.display(), o.display()),
        format!("cat '{}' | '{}' --color never '{}' -", n.display(), b.display(), o.display()),
    ] {
        let (status, stdout, stderr) = sh(&script);
        assert_eq!(status, 1, "{script}: {stderr}");
        assert!(stdout.contains("[-华-]{+中国+}") && stdout.contains("standard input"), "{stdout}");
    }
    let (status, stdout, stderr) =
        sh(&format!("'{}' collate --color never - '{}' < '{}'", b.display(), n.display(), o.display()));
    assert_eq!(status, 1, "{stderr}");
    assert!(stdout.contains("standard input"), "{stdout}");
    let (status, _, stderr) = sh(&format!("'{}' - - < '{}'", b.display(), o.display()));
    assert_eq!(status, 2);
    assert!(stderr.contains("only one of them can be standard input"), "{stderr}");
}

// ---- git ----------------------------------------------------------------------

fn git(repo: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_PAGER", "cat")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(Stdio::null())
        .output()
        .expect("git runs")
}

fn repo_with_history() -> Option<tempfile::TempDir> {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("note: git not found; skipping the git tests");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    assert!(git(r, &["init", "-q"]).status.success());
    std::fs::write(r.join("speech.txt"), OLD).unwrap();
    std::fs::write(r.join("gone.txt"), "这一段将被删除。\n").unwrap();
    assert!(git(r, &["add", "."]).status.success());
    assert!(git(r, &["commit", "-qm", "first"]).status.success());
    std::fs::write(r.join("speech.txt"), NEW).unwrap();
    std::fs::remove_file(r.join("gone.txt")).unwrap();
    std::fs::write(r.join("added.txt"), "新增的一段话。\n").unwrap();
    assert!(git(r, &["add", "-A"]).status.success());
    Some(dir)
}

#[test]
fn git_external_diff_shows_gits_paths_and_lets_git_go_on() {
    let Some(dir) = repo_with_history() else { return };
    let r = dir.path();
    let out = Command::new("git")
        .args(["diff", "--cached"])
        .current_dir(r)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", r)
        .env("GIT_PAGER", "cat")
        .env("GIT_EXTERNAL_DIFF", format!("'{}' --color never", bin().display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "git stopped: {stderr}\n{stdout}");
    // All three files: modified, deleted (/dev/null new side), added.
    assert!(stdout.contains("a/speech.txt") && stdout.contains("b/speech.txt"), "{stdout}");
    assert!(stdout.contains("[-华-]{+中国+}"), "{stdout}");
    assert!(stdout.contains("- [-这一段将被删除。-]"), "{stdout}");
    assert!(stdout.contains("+ {+新增的一段话。+}"), "{stdout}");
    assert!(!stdout.contains("/tmp/"), "git's temporary file names are not shown: {stdout}");
}

#[test]
fn a_git_diff_driver_and_difftool_work_as_documented() {
    let Some(dir) = repo_with_history() else { return };
    let r = dir.path();
    // The recipe in docs/usage.md.
    let cmd = format!("'{}' --color never", bin().display());
    assert!(git(r, &["config", "diff.tvdiff.command", &cmd]).status.success());
    std::fs::write(r.join(".gitattributes"), "*.txt diff=tvdiff\n").unwrap();
    let out = git(r, &["diff", "--cached", "--", "speech.txt"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("b/speech.txt") && stdout.contains("[-华-]{+中国+}"), "{stdout}");
    // git difftool -x: two plain file arguments.
    let out = git(r, &["difftool", "--cached", "-y", "-x", &cmd, "--", "speech.txt"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[-华-]{+中国+}"), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
}

// ---- completions, man page, help ------------------------------------------------

#[test]
fn completions_for_every_shell_and_a_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(&["completions", shell]);
        assert_eq!(r.status, 0, "{shell}: {}", r.stderr);
        assert!(r.stdout.contains("tvdiff") && r.stdout.contains("fold-chinese"), "{shell}");
    }
    let r = run(&["completions", "tcsh"]);
    assert_eq!(r.status, 2);
    let r = run(&["man"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(".ie") || r.stdout.contains(".TH tvdiff"), "{}", &r.stdout[..200.min(r.stdout.len())]);
    assert!(r.stdout.contains("fold\\-chinese"), "every option is in the page");
}

#[test]
fn help_lists_commands_exit_status_and_examples() {
    let r = run(&["--help"]);
    assert_eq!(r.status, 0);
    let usage = r.stdout.lines().find(|l| l.starts_with("Usage:")).unwrap();
    assert!(!usage.contains("completions") && !usage.contains("man"), "{usage}");
    assert!(r.stdout.contains("  completions") && r.stdout.contains("  man "), "{}", r.stdout);
    assert!(r.stdout.contains("Exit status: 0 the versions are the same"), "{}", r.stdout);
    assert!(r.stdout.contains("Examples:") && r.stdout.contains("GIT_EXTERNAL_DIFF=tvdiff git diff"));
    assert!(r.stdout.contains("tvdiff man") && !r.stdout.contains("docs/"), "{}", r.stdout);
}

#[test]
fn option_errors_keep_claps_hints() {
    let r = run(&["--colr", "never", "a", "b"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.lines().count() > 1, "{}", r.stderr);
    assert!(r.stderr.contains("--color") && r.stderr.contains("Usage:"), "{}", r.stderr);
}

#[test]
fn two_directories_suggest_batch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    std::fs::create_dir(dir.path().join("b")).unwrap();
    let r = run_cmd(tvdiff().current_dir(dir.path()).args(["a", "b"]));
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("did you mean `tvdiff batch a b`?"), "{}", r.stderr);
}

// ---- on a terminal --------------------------------------------------------------

#[test]
fn the_pager_runs_only_on_a_terminal_and_keeps_colour() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let b = bin();
    let pager = "TVDIFF_PAGER='sed s/^/PAGED:/'";
    let Some((status, shown)) =
        on_a_terminal(&format!("{pager} '{}' --paging always '{}' '{}'", b.display(), o.display(), n.display()))
    else {
        return;
    };
    assert_eq!(status, 1, "{shown}");
    assert!(shown.contains("PAGED:") && shown.contains("\u{1b}["), "paged, in colour: {shown:?}");
    // auto: a report shorter than the screen is not paged.
    let (_, shown) = on_a_terminal(&format!("{pager} '{}' '{}' '{}'", b.display(), o.display(), n.display())).unwrap();
    assert!(!shown.contains("PAGED:") && shown.contains("Summary:"), "{shown:?}");
    let (_, shown) =
        on_a_terminal(&format!("{pager} '{}' --paging never '{}' '{}'", b.display(), o.display(), n.display()))
            .unwrap();
    assert!(!shown.contains("PAGED:"), "{shown:?}");
    // Not a terminal: never paged, whatever --paging says.
    let (_, stdout, _) =
        sh(&format!("{pager} '{}' --paging always '{}' '{}' | cat", b.display(), o.display(), n.display()));
    assert!(!stdout.contains("PAGED:") && !stdout.contains('\u{1b}'), "{stdout:?}");
    // A pager that is not there: the report is shown anyway.
    let (_, shown) = on_a_terminal(&format!(
        "TVDIFF_PAGER=no-such-pager-xyz '{}' --paging always '{}' '{}'",
        b.display(),
        o.display(),
        n.display()
    ))
    .unwrap();
    assert!(shown.contains("Summary:"), "{shown:?}");
}

#[test]
fn writing_a_file_says_so_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let (o, n) = pair(dir.path());
    let out = dir.path().join("r.html");
    let Some((status, shown)) = on_a_terminal(&format!(
        "'{}' -f html -o '{}' '{}' '{}'",
        bin().display(),
        out.display(),
        o.display(),
        n.display()
    )) else {
        return;
    };
    assert_eq!(status, 1);
    assert!(shown.contains(&format!("wrote {} (2 changes)", out.display())), "{shown:?}");
    let (status, stdout, stderr) =
        sh(&format!("'{}' -f html -o '{}' '{}' '{}'", bin().display(), out.display(), o.display(), n.display()));
    assert_eq!((status, stdout.as_str(), stderr.as_str()), (1, "", ""));
}
