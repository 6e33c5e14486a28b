//! Command-line layer: argument definitions shared by the subcommands and
//! the small amount of glue (colour choice, output, pager) they need. Each
//! subcommand lives in its own file and only calls the library.
//!
//! Every number an option takes is bounded here, by clap, so that no value
//! a user can type makes tvdiff allocate without limit or overflow: `-W`
//! 40–1000 columns, `-C` 0–10000 sentences, `--elide` 1–10000 characters,
//! `--timeout` at most a day, `--jobs` 1–1024, `--max-size` at most 64 GiB.

pub mod batch;
pub mod collate;
pub mod compare;
pub mod extract;
pub mod git;
pub mod output;
pub mod pager;

use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use tvdiff::error::Error;
use tvdiff::input::Lang;
use tvdiff::NormalizeOptions;
use tvdiff::Options;

/// Options shared by every command: what to compare and what to ignore.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Compare only lines whose dominant script is Han (zh) or Latin (en).
    #[arg(long, value_name = "LANG", default_value = "all", value_parser = parse_lang)]
    pub lang: Lang,
    /// Drop lines matching this regular expression before comparing (repeatable).
    #[arg(long = "ignore-lines", value_name = "REGEX")]
    pub ignore_lines: Vec<String>,
    /// Decode input as NAME (utf-8, utf-16le, gbk, gb18030, big5, …) instead of detecting.
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub encoding: Option<String>,
    /// Replace undecodable bytes with U+FFFD instead of failing (the report counts them).
    #[arg(long, help_heading = "Input")]
    pub lossy: bool,
    /// Refuse inputs larger than SIZE (bytes, or with K, M, G: 600M, 2G) [default: 512M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "Input")]
    pub max_size: Option<u64>,
    /// Read every input as FORMAT (text, srt, vtt, markdown, html, docx, pdf) instead of choosing by extension and content.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, help_heading = "Input")]
    pub from: Option<tvdiff::input::origin::Format>,
    /// Treat full-width and half-width forms (，/,) as different.
    #[arg(long, help_heading = "Normalisation")]
    pub keep_width: bool,
    /// Treat quote styles (“”/""/「」) as different.
    #[arg(long, help_heading = "Normalisation")]
    pub keep_quotes: bool,
    /// Treat dash and ellipsis spellings (——/—/--, ……/...) as different.
    #[arg(long, help_heading = "Normalisation")]
    pub keep_dashes: bool,
    /// Treat spacing (runs of spaces, spaces next to Chinese) as significant.
    #[arg(long, help_heading = "Normalisation")]
    pub keep_spacing: bool,
    /// Treat line breaks inside sentences as significant.
    #[arg(long, help_heading = "Normalisation")]
    pub keep_line_breaks: bool,
    /// Ignore letter case.
    #[arg(long, short = 'i', help_heading = "Normalisation")]
    pub ignore_case: bool,
    /// Ignore punctuation entirely.
    #[arg(long, help_heading = "Normalisation")]
    pub ignore_punctuation: bool,
    /// Fold traditional to simplified Chinese characters (script only, no phrase conversion), so editions in both scripts compare by wording.
    #[arg(long, help_heading = "Normalisation")]
    pub fold_chinese: bool,
    /// Minimum similarity (0-1) to pair two sentences as modified.
    #[arg(long, value_name = "RATIO", default_value_t = 0.5, value_parser = parse_ratio, help_heading = "Alignment")]
    pub threshold: f32,
    /// Time budget in milliseconds before diffs fall back to a coarser answer.
    #[arg(long, value_name = "MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(0..=86_400_000), help_heading = "Alignment")]
    pub timeout: u64,
    /// Do not detect moved sentences.
    #[arg(long, help_heading = "Alignment")]
    pub no_moves: bool,
    /// Compare punctuation even when a version has almost none (a speech recogniser's transcript); by default it is then ignored.
    #[arg(long, help_heading = "Normalisation")]
    pub keep_punctuation: bool,
    /// Do not report filler words added or dropped (um, uh, er, ah, 呃, 嗯, 啊, 那个); they do not count in the error rate either.
    #[arg(long, help_heading = "Normalisation")]
    pub ignore_fillers: bool,
    /// Minimum similarity (0-1) for a sentence removed in one place and added in another to be one sentence that moved and changed (1: only moves of unchanged sentences).
    #[arg(long, value_name = "RATIO", default_value_t = 0.6, value_parser = parse_ratio, help_heading = "Alignment")]
    pub move_threshold: f32,
}

#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Terminal, help_heading = "Output")]
    pub format: Format,
    /// Write the report to FILE instead of standard output (never over an input; atomically for a regular file).
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Unchanged sentences to show around each change (0-10000).
    #[arg(long, short = 'C', value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=10_000), help_heading = "Output")]
    pub context: u32,
    /// Inside a changed sentence, keep N characters of unchanged text next to each edit, `…` for the rest (1-10000).
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000), help_heading = "Output")]
    pub elide: u32,
    /// Print changed sentences whole (no `…`).
    #[arg(long, help_heading = "Output")]
    pub no_elide: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorWhen,
    /// When to send the report through a pager ($TVDIFF_PAGER, $PAGER, or less -FRX); never when standard output is not a terminal.
    #[arg(long, value_enum, default_value_t = Paging::Auto, value_name = "WHEN", help_heading = "Output")]
    pub paging: Paging,
    /// Show old and new side by side, sized to the terminal.
    #[arg(long, short = 'y', help_heading = "Output")]
    pub side_by_side: bool,
    /// Output width in columns, 40-1000 (default: the terminal's, or 120).
    #[arg(long, short = 'W', value_name = "COLS", value_parser = clap::value_parser!(u16).range(40..=1000), help_heading = "Output")]
    pub width: Option<u16>,
    /// JSON: include every aligned sentence, not only the changes.
    #[arg(long, help_heading = "Output")]
    pub full: bool,
    /// Print nothing; only the exit status says whether the versions differ.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,
    /// Show the edits that only follow a renumbering of articles (第十七条 → 第二十条 after an insertion); hidden by default and counted in the summary.
    #[arg(long, help_heading = "Output")]
    pub show_renumbering: bool,
    /// HTML page layout: one row per sentence (rows), or a comparison table 修改前/修改后 with one row per article (table).
    #[arg(long, value_enum, default_value_t = Layout::Rows, value_name = "LAYOUT", help_heading = "Output")]
    pub layout: Layout,
}

/// How the HTML report is laid out.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Sentence by sentence, side by side or inline.
    Rows,
    /// A comparison table (对照表): one row per article, old and new in two columns.
    Table,
}

/// When to use a pager.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    /// When standard output is a terminal and the report is longer than the screen.
    Auto,
    /// Whenever standard output is a terminal.
    Always,
    /// Never.
    Never,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Coloured text for a terminal.
    Terminal,
    /// Machine-readable JSON.
    Json,
    /// Self-contained HTML page to read in a browser.
    Html,
    /// SubRip captions: one cue per change, at its time in the captions compared.
    Srt,
    /// WebVTT captions: one cue per change, at its time in the captions compared.
    Vtt,
    /// The comparison table (one row per article: article, old text, new text, changes) as CSV for a spreadsheet.
    TableCsv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

/// The largest `--max-size`: 64 GiB.
const MAX_MAX_SIZE: u64 = 64 << 30;

/// A size in bytes: `1000`, `300K`, `600M`, `2G` (binary units; `KiB`,
/// `MB`, … are read the same).
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let n: u64 = num.parse().map_err(|_| format!("'{s}' is not a size (e.g. 600M, 2G)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("'{s}' is not a size (e.g. 600M, 2G)")),
    };
    match n.checked_mul(1 << shift) {
        Some(v) if v <= MAX_MAX_SIZE => Ok(v),
        _ => Err(format!("'{s}' is more than 64G")),
    }
}

fn parse_format(s: &str) -> Result<tvdiff::input::origin::Format, String> {
    s.parse()
}

fn parse_ratio(s: &str) -> Result<f32, String> {
    let v: f32 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}

impl CommonArgs {
    /// The library options these arguments select.
    pub fn options(&self) -> Options {
        Options {
            normalize: NormalizeOptions {
                width: !self.keep_width,
                quotes: !self.keep_quotes,
                dashes: !self.keep_dashes,
                spacing: !self.keep_spacing,
                line_breaks: !self.keep_line_breaks,
                ignore_case: self.ignore_case,
                ignore_punctuation: self.ignore_punctuation,
                fold_chinese: self.fold_chinese,
            },
            lang: self.lang,
            ignore_lines: self.ignore_lines.clone(),
            threshold: self.threshold,
            timeout_ms: self.timeout,
            detect_moves: !self.no_moves,
            decode: tvdiff::input::decode::DecodeOptions {
                encoding: self.encoding.clone(),
                lossy: self.lossy,
                max_size: self.max_size,
                format: self.from,
            },
            rows: true,
            row_context: None,
            keep_punctuation: self.keep_punctuation,
            ignore_fillers: self.ignore_fillers,
            auto_ignore_punctuation: false,
            move_threshold: self.move_threshold,
        }
    }
}

pub fn use_color(when: ColorWhen, to_file: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            // Under git (GIT_EXTERNAL_DIFF, diff.<driver>.command) standard
            // output is git's pager: git says so, and colour it as git does.
            let git_pager = std::env::var_os("GIT_PAGER_IN_USE").is_some_and(|v| !v.is_empty());
            !to_file && !no_color && (std::io::stdout().is_terminal() || git_pager)
        }
    }
}

pub fn terminal_width(requested: Option<u16>) -> usize {
    requested
        .map(usize::from)
        .or_else(|| terminal_size::terminal_size().map(|(w, _)| w.0 as usize))
        .unwrap_or(120)
        .clamp(40, 1000)
}

/// Where a report goes and what to say about it.
pub struct Destination<'a> {
    /// `-o FILE`, or standard output.
    pub file: Option<&'a Path>,
    /// The inputs, which the output must not be.
    pub inputs: &'a [&'a Path],
    /// Paging choice for standard output.
    pub paging: Paging,
    /// What to say on a terminal's stderr after writing a file, e.g. "3 changes".
    pub what: Option<String>,
}

/// Write a report: to its file, or to standard output (through a pager on a
/// terminal).
pub fn emit(dest: &Destination, content: &str) -> Result<(), Error> {
    emit_content(dest, &output::Content::Bytes(content.as_bytes()))
}

/// [`emit`] for a report written as it is rendered (see [`output::Content`]).
pub fn emit_content(dest: &Destination, content: &output::Content) -> Result<(), Error> {
    match dest.file {
        Some(path) => {
            output::write_content(path, content, dest.inputs)?;
            if let Some(what) = &dest.what {
                if std::io::stderr().is_terminal() {
                    output::message(&format!("wrote {} ({what})", tvdiff::render::escape::path(path)));
                }
            }
            Ok(())
        }
        None => {
            if pager::wanted(dest.paging) && pager::page(&content.to_text(), dest.paging) {
                return Ok(());
            }
            output::stdout_content(content).map(|_| ())
        }
    }
}
