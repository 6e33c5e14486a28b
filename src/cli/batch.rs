//! `tvdiff batch OLD_DIR NEW_DIR`: compare whole corpora.
//!
//! Files are paired by their path relative to the two directories (walked
//! recursively); a file present on one side only is reported as such. All
//! pairs are compared in parallel (rayon). One bad pair — undecodable bytes,
//! a directory where the other side has a file, a permission problem — is
//! reported in the summary and on stderr and does not stop the batch.
//!
//! What is compared is what the two trees hold, and nothing else:
//!
//! - Only regular files are opened. A FIFO, socket or device in a tree is
//!   not opened (a FIFO would block the batch forever, `/dev/zero` never
//!   ends): the pair is an error, "skipped", and the batch goes on.
//! - A symbolic link to a file inside its tree is followed. A link that
//!   leads outside the tree is refused (an error for that pair) unless
//!   `--follow-symlinks` is given: a tree from someone else must not make
//!   tvdiff read, and copy into its reports, files elsewhere on the
//!   machine. Links to directories are never followed (no loops).
//! - File names are kept as the operating system gives them (any bytes on
//!   Unix), pairs are matched on those exact names, and names are shown
//!   escaped (see `tvdiff::render::escape::path`): `\xff` for a byte that
//!   is not UTF-8, `\n` for a line break, `\x1b` for an escape character.
//! - Summary cells that a spreadsheet would take for a formula (starting
//!   with `=`, `+`, `-`, `@`, a tab or a carriage return) are written with
//!   a `'` in front, as OWASP recommends for CSV files.
//!
//! Exit status: 0 if every pair is the same, 1 if any differed or is
//! one-sided, 2 if any failed (or the batch itself could not run).

use super::{output, CommonArgs, Format};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use tvdiff::error::{Error, EXIT_DIFFERENT, EXIT_SAME, EXIT_TROUBLE};
// One CSV cell, formula-injection-safe (shared with `--format table-csv`).
use tvdiff::render::escape;
use tvdiff::render::escape::csv_field;
use tvdiff::render::terminal::TerminalOptions;
use tvdiff::report::Report;
use tvdiff::Rule;

/// Compare every file under OLD_DIR with the file at the same relative path
/// under NEW_DIR, in parallel, and write a summary.
#[derive(Args, Debug, Clone)]
pub struct BatchArgs {
    /// Directory holding the old versions.
    pub old_dir: PathBuf,
    /// Directory holding the new versions.
    pub new_dir: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Write a summary of every pair to FILE: CSV if it ends in .csv, JSON Lines if .jsonl.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub summary: Option<PathBuf>,
    /// Write one report per compared pair into DIR (DIR/<relative path>.<json|html|txt>).
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub reports: Option<PathBuf>,
    /// Format of the per-pair reports.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Json, help_heading = "Output")]
    pub format: Format,
    /// Compare at most N pairs at once, 1-1024 (default: one per CPU).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024), help_heading = "Output")]
    pub jobs: Option<u16>,
    /// Follow symbolic links that lead out of OLD_DIR or NEW_DIR (refused by default).
    #[arg(long, help_heading = "Input")]
    pub follow_symlinks: bool,
    /// Do not list the differing pairs on standard output.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,
}

/// The outcome of one pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No difference after normalisation.
    Same,
    /// Differences found.
    Different,
    /// Only in OLD_DIR.
    OnlyOld,
    /// Only in NEW_DIR.
    OnlyNew,
    /// Could not be compared.
    Error,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Different => "different",
            Status::OnlyOld => "only-old",
            Status::OnlyNew => "only-new",
            Status::Error => "error",
        }
    }
}

/// One line of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct PairSummary {
    /// Path relative to both directories, `/`-separated, escaped for
    /// display (`\\xff` for a byte that is not UTF-8, `\\n`, `\\x1b`).
    pub path: String,
    /// Outcome.
    pub status: Status,
    /// What went wrong (`error` only).
    pub error: Option<String>,
    /// Sentences compared in the old version.
    pub old_sentences: Option<usize>,
    /// Sentences compared in the new version.
    pub new_sentences: Option<usize>,
    /// Equal sentence pairs.
    pub equal: Option<usize>,
    /// Modified sentence pairs.
    pub modified: Option<usize>,
    /// Added sentences.
    pub added: Option<usize>,
    /// Removed sentences.
    pub removed: Option<usize>,
    /// Moved sentences.
    pub moved: Option<usize>,
    /// Similarity, 0–100.
    pub similarity: Option<f64>,
    /// Differences absorbed by each normalisation rule.
    pub absorbed: BTreeMap<Rule, usize>,
    /// Word (or character) error rate of the new version against the old.
    pub error_rate: Option<tvdiff::report::ErrorRate>,
}

impl PairSummary {
    fn bare(path: &str, status: Status) -> PairSummary {
        PairSummary {
            path: path.to_string(),
            status,
            error: None,
            old_sentences: None,
            new_sentences: None,
            equal: None,
            modified: None,
            added: None,
            removed: None,
            moved: None,
            similarity: None,
            absorbed: BTreeMap::new(),
            error_rate: None,
        }
    }

    fn from_report(path: &str, r: &Report) -> PairSummary {
        let s = &r.summary;
        PairSummary {
            old_sentences: Some(r.old.sentences),
            new_sentences: Some(r.new.sentences),
            equal: Some(s.equal),
            modified: Some(s.modified),
            added: Some(s.added),
            removed: Some(s.removed),
            moved: Some(s.moved),
            similarity: Some(s.similarity),
            absorbed: s.absorbed.clone(),
            error_rate: s.error_rate.clone(),
            ..PairSummary::bare(path, if r.has_changes() { Status::Different } else { Status::Same })
        }
    }
}

/// What a relative path is on one side.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File,
    /// A directory (only recorded so that a file on the other side can be
    /// reported as an error rather than as one-sided).
    Dir,
    /// A directory that could not be listed, a FIFO or device, a link
    /// out of the tree: an error for the pair, with this message.
    Unreadable(String),
}

/// Run the batch; returns the exit status.
pub fn run(args: &BatchArgs) -> Result<i32, Error> {
    for dir in [&args.old_dir, &args.new_dir] {
        let name = escape::path_lossless(dir);
        let meta = std::fs::metadata(dir).map_err(|e| Error::io(&name, &e))?;
        if !meta.is_dir() {
            return Err(Error::input(&name, "is not a directory (batch compares two directories)"));
        }
    }
    if let Some(path) = &args.summary {
        summary_format(path)?;
    }
    let mut opts = args.common.options();
    // Summaries and JSON reports do not print rows.
    opts.rows = args.reports.is_some() && args.format != Format::Json;
    // Terminal reports show each change with its context (the default
    // `TerminalOptions`): only those rows are made.
    if args.format == Format::Terminal {
        opts.row_context = Some(TerminalOptions::default().context);
    }
    // Bad regular expressions are a usage error for the whole batch, not
    // one error per pair.
    tvdiff::compare(&tvdiff::input::Source::from_text("", ""), &tvdiff::input::Source::from_text("", ""), &opts)?;

    let old = walk(&args.old_dir, args.follow_symlinks);
    let new = walk(&args.new_dir, args.follow_symlinks);
    let jobs = pair_up(&old, &new);

    let progress = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(jobs.len() as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} pairs {msg}")
            .expect("a valid progress template"),
    );
    if !progress.is_hidden() {
        // Book-length pairs take seconds each: keep the clock moving between them.
        progress.enable_steady_tick(std::time::Duration::from_millis(250));
    }

    let work = || -> Vec<PairSummary> {
        jobs.par_iter()
            .map(|job| {
                let row = compare_one(job, args, &opts);
                if let Some(e) = &row.error {
                    progress
                        .suspend(|| output::message_raw(&format!("tvdiff batch: {}: {}\n", row.path, escape::name(e))));
                }
                progress.inc(1);
                row
            })
            .collect()
    };
    if let Some(n) = args.jobs {
        crate::allow_arenas(usize::from(n).max(crate::pool_threads()));
    }
    let rows = match args.jobs {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n).max(1))
            .build()
            .map_err(|e| Error::Usage(format!("--jobs {n}: {e}")))?
            .install(work),
        None => work(),
    };
    progress.finish_and_clear();

    if let Some(path) = &args.summary {
        let text = match summary_format(path)? {
            SummaryFormat::Csv => to_csv(&rows),
            SummaryFormat::Jsonl => to_jsonl(&rows),
        };
        output::write_file(path, text.as_bytes(), &[&args.old_dir, &args.new_dir])?;
    }

    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let (same, different, failed) = (count(Status::Same), count(Status::Different), count(Status::Error));
    let one_sided = count(Status::OnlyOld) + count(Status::OnlyNew);
    if !args.quiet {
        let mut out = String::new();
        for r in rows.iter().filter(|r| r.status != Status::Same) {
            let _ = writeln!(out, "{:<9}  {}", r.status.label(), r.path);
        }
        output::stdout(out.as_bytes())?;
    }
    output::message_raw(&format!(
        "tvdiff batch: {} pairs, {same} same, {different} different, {one_sided} one-sided, {failed} failed\n",
        rows.len()
    ));
    Ok(if failed > 0 {
        EXIT_TROUBLE
    } else if different + one_sided > 0 {
        EXIT_DIFFERENT
    } else {
        EXIT_SAME
    })
}

/// One unit of work: a relative path and what each side has there.
struct Job {
    path: PathBuf,
    old: Option<Entry>,
    new: Option<Entry>,
}

fn pair_up(old: &BTreeMap<PathBuf, Entry>, new: &BTreeMap<PathBuf, Entry>) -> Vec<Job> {
    let mut paths: Vec<&PathBuf> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .map(|p| Job { path: p.clone(), old: old.get(p).cloned(), new: new.get(p).cloned() })
        // A directory on both sides (or on one side only) is walked, not compared.
        .filter(|j| {
            let dirish = |e: &Option<Entry>| matches!(e, None | Some(Entry::Dir));
            !(dirish(&j.old) && dirish(&j.new))
        })
        .collect()
}

/// A relative path as the summary shows it: `/`-separated, escaped.
fn display(rel: &Path) -> String {
    let parts: Vec<String> = rel.components().map(|c| escape::path(Path::new(c.as_os_str()))).collect();
    parts.join("/")
}

fn compare_one(job: &Job, args: &BatchArgs, opts: &tvdiff::Options) -> PairSummary {
    let shown = display(&job.path);
    let fail = |msg: String| PairSummary { error: Some(msg), ..PairSummary::bare(&shown, Status::Error) };
    match (&job.old, &job.new) {
        (Some(Entry::Unreadable(e)), _) | (_, Some(Entry::Unreadable(e))) => fail(e.clone()),
        (Some(_), None) => PairSummary::bare(&shown, Status::OnlyOld),
        (None, Some(_)) => PairSummary::bare(&shown, Status::OnlyNew),
        (None, None) => unreachable!("every job has at least one side"),
        (Some(_), Some(_)) => {
            let (o, n) = (args.old_dir.join(&job.path), args.new_dir.join(&job.path));
            let report = match tvdiff::compare_files(&o, &n, opts) {
                Ok(r) => r,
                Err(e) => return fail(e.to_string()),
            };
            if let Some(dir) = &args.reports {
                if let Err(e) = write_report(dir, &job.path, &report, args.format) {
                    return fail(e.to_string());
                }
            }
            PairSummary::from_report(&shown, &report)
        }
    }
}

fn write_report(dir: &Path, rel: &Path, report: &Report, format: Format) -> Result<(), Error> {
    let (ext, text) = match format {
        Format::Json => ("json", tvdiff::render::json::render(report, false)),
        Format::Html => {
            let hopts = tvdiff::render::html::HtmlOptions {
                title: Some(format!("tvdiff: {}", display(rel))),
                generated: Some(tvdiff::render::html::generation_date()?),
                layout: Default::default(),
            };
            ("html", tvdiff::render::html::render(report, &hopts))
        }
        Format::Terminal => {
            let topts = TerminalOptions { color: false, ..TerminalOptions::default() };
            ("txt", tvdiff::render::terminal::render(report, &topts))
        }
        Format::Srt => ("srt", tvdiff::render::captions::srt(report)),
        Format::Vtt => ("vtt", tvdiff::render::captions::vtt(report)),
        Format::TableCsv => ("csv", tvdiff::render::table::csv(report)),
    };
    // The report's name is the pair's own name, byte for byte, plus the
    // format's extension.
    let mut name: OsString = dir.join(rel).into_os_string();
    name.push(format!(".{ext}"));
    let path = PathBuf::from(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::Output { path: escape::path_lossless(parent), message: e.to_string() })?;
    }
    output::write_file(&path, text.as_bytes(), &[])
}

/// Every file and directory under `root`, by relative path (the names as
/// the file system has them). Links to files inside the tree are followed;
/// links out of it only with `follow_outside`; links to directories never
/// (no loops). FIFOs, sockets and devices are recorded as errors without
/// being opened.
fn walk(root: &Path, follow_outside: bool) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut stack = vec![(root.to_path_buf(), PathBuf::new())];
    while let Some((dir, rel)) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                out.insert(
                    rel,
                    Entry::Unreadable(format!("{}: cannot list directory: {e}", escape::path_lossless(&dir))),
                );
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let key =
                        if rel.as_os_str().is_empty() { PathBuf::from("(unreadable entry)") } else { rel.clone() };
                    out.insert(key, Entry::Unreadable(format!("{}: {e}", escape::path_lossless(&dir))));
                    continue;
                }
            };
            let child = rel.join(entry.file_name());
            let path = entry.path();
            let kind = match entry.file_type() {
                Ok(t) if t.is_symlink() => {
                    let target = std::fs::canonicalize(&path);
                    match (&target, std::fs::metadata(&path)) {
                        // A link to a directory is not followed.
                        (_, Ok(m)) if m.is_dir() => continue,
                        (Ok(t), _) if !follow_outside && !t.starts_with(&real_root) => Entry::Unreadable(format!(
                            "is a symbolic link to {}, outside the tree; not followed (use --follow-symlinks to compare it)",
                            escape::path_lossless(t)
                        )),
                        (_, Ok(m)) => special(&m).unwrap_or(Entry::File),
                        // A dangling link: reading it says "no such file".
                        (_, Err(_)) => Entry::File,
                    }
                }
                Ok(t) if t.is_dir() => Entry::Dir,
                Ok(_) => match entry.metadata() {
                    Ok(m) => special(&m).unwrap_or(Entry::File),
                    Err(_) => Entry::File,
                },
                Err(_) => Entry::File,
            };
            if kind == Entry::Dir {
                stack.push((path, child.clone()));
            }
            out.insert(child, kind);
        }
    }
    out
}

/// A file that is not a regular file is not opened: a FIFO would block
/// the batch, a device might never end.
fn special(m: &std::fs::Metadata) -> Option<Entry> {
    if m.is_file() || m.is_dir() {
        return None;
    }
    let what = tvdiff::input::read::refuses(m).unwrap_or("is a FIFO (named pipe), not a regular file");
    Some(Entry::Unreadable(format!("{what}; skipped")))
}

enum SummaryFormat {
    Csv,
    Jsonl,
}

fn summary_format(path: &Path) -> Result<SummaryFormat, Error> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Ok(SummaryFormat::Csv),
        Some("jsonl") | Some("ndjson") => Ok(SummaryFormat::Jsonl),
        _ => Err(Error::Usage(format!(
            "--summary {}: the file name must end in .csv or .jsonl (that chooses the format)",
            escape::path(path)
        ))),
    }
}

/// CSV with a header; one `absorbed_<rule>` column per normalisation rule,
/// then the error rate: its unit (`word`, `char`) and the rate (0–1).
fn to_csv(rows: &[PairSummary]) -> String {
    let mut out =
        String::from("path,status,error,old_sentences,new_sentences,equal,modified,added,removed,moved,similarity");
    for rule in Rule::ALL {
        let _ = write!(out, ",absorbed_{}", rule.id().replace('-', "_"));
    }
    out.push_str(",error_unit,error_rate");
    out.push('\n');
    let num = |v: Option<usize>| v.map(|v| v.to_string()).unwrap_or_default();
    for r in rows {
        let fields = [
            csv_field(&r.path),
            r.status.label().to_string(),
            csv_field(r.error.as_deref().unwrap_or("")),
            num(r.old_sentences),
            num(r.new_sentences),
            num(r.equal),
            num(r.modified),
            num(r.added),
            num(r.removed),
            num(r.moved),
            r.similarity.map(|v| v.to_string()).unwrap_or_default(),
        ];
        out.push_str(&fields.join(","));
        for rule in Rule::ALL {
            let v = if r.status == Status::Same || r.status == Status::Different {
                r.absorbed.get(&rule).copied().unwrap_or(0).to_string()
            } else {
                String::new()
            };
            let _ = write!(out, ",{v}");
        }
        match &r.error_rate {
            Some(e) => {
                let unit = if e.unit == tvdiff::report::ErrorUnit::Char { "char" } else { "word" };
                let _ = write!(out, ",{unit},{}", e.rate);
            }
            None => out.push_str(",,"),
        }
        out.push('\n');
    }
    out
}

/// One JSON object per line.
fn to_jsonl(rows: &[PairSummary]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&serde_json::to_string(r).expect("a summary row always serialises"));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("a.txt"), "a.txt");
        assert_eq!(csv_field("a,b.txt"), "\"a,b.txt\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-2+3,x"), "\"'-2+3,x\"");
    }

    #[test]
    fn pairs_are_matched_by_relative_path() {
        let old: BTreeMap<PathBuf, Entry> =
            [("a", Entry::File), ("d", Entry::Dir), ("d/x", Entry::File), ("c", Entry::File)]
                .into_iter()
                .map(|(k, v)| (PathBuf::from(k), v))
                .collect();
        let new: BTreeMap<PathBuf, Entry> = [("a", Entry::File), ("c", Entry::Dir), ("d", Entry::Dir)]
            .into_iter()
            .map(|(k, v)| (PathBuf::from(k), v))
            .collect();
        let jobs = pair_up(&old, &new);
        let got: Vec<(&str, bool, bool)> =
            jobs.iter().map(|j| (j.path.to_str().unwrap(), j.old.is_some(), j.new.is_some())).collect();
        assert_eq!(got, [("a", true, true), ("c", true, true), ("d/x", true, false)]);
    }
}
