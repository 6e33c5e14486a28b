//! Command-line layer: argument definitions shared by the subcommands and
//! the small amount of glue (colour choice, atomic output) they need. Each
//! subcommand lives in its own file and only calls the library.

pub mod batch;
pub mod collate;
pub mod compare;
pub mod extract;

use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use tvdiff::error::Error;
use tvdiff::input::Lang;
use tvdiff::normalize::NormalizeOptions;
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
    /// Fold traditional to simplified Chinese (and Taiwan phrasing), so editions in both scripts compare by wording.
    #[arg(long, help_heading = "Normalisation")]
    pub fold_chinese: bool,
    /// Minimum similarity (0-1) to pair two sentences as modified.
    #[arg(long, value_name = "RATIO", default_value_t = 0.5, value_parser = parse_ratio, help_heading = "Alignment")]
    pub threshold: f32,
    /// Time budget in milliseconds before diffs fall back to a coarser answer.
    #[arg(long, value_name = "MS", default_value_t = 10_000, help_heading = "Alignment")]
    pub timeout: u64,
    /// Do not detect moved sentences.
    #[arg(long, help_heading = "Alignment")]
    pub no_moves: bool,
}

#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Terminal, help_heading = "Output")]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Unchanged sentences to show around each change.
    #[arg(long, short = 'C', value_name = "N", default_value_t = 1, help_heading = "Output")]
    pub context: usize,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorWhen,
    /// Show old and new side by side, sized to the terminal.
    #[arg(long, short = 'y', help_heading = "Output")]
    pub side_by_side: bool,
    /// Output width in columns (default: the terminal's, or 120).
    #[arg(long, short = 'W', value_name = "COLS", help_heading = "Output")]
    pub width: Option<usize>,
    /// JSON: include every aligned sentence, not only the changes.
    #[arg(long, help_heading = "Output")]
    pub full: bool,
    /// Print nothing; only the exit status says whether the versions differ.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Coloured text for a terminal.
    Terminal,
    /// Machine-readable JSON (docs/json.md).
    Json,
    /// Self-contained HTML page (docs/html.md).
    Html,
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
                format: self.from,
            },
            rows: true,
        }
    }
}

pub fn use_color(when: ColorWhen, to_file: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            !to_file && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

pub fn terminal_width(requested: Option<usize>) -> usize {
    requested.or_else(|| terminal_size::terminal_size().map(|(w, _)| w.0 as usize)).unwrap_or(120).max(40)
}

/// Write `content` to `path` atomically: a temporary file in the same
/// directory, renamed into place, so a failed run leaves nothing half-written.
pub fn write_atomically(path: &Path, content: &[u8]) -> Result<(), Error> {
    let name = path.display().to_string();
    let fail = |e: std::io::Error| {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "no such directory".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
            _ => e.to_string().split(" at path ").next().unwrap_or_default().to_string(),
        };
        Error::Output { path: name.clone(), message }
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(fail(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
    }
    // Temporary files are private (0600) by default; a report is an ordinary
    // file, so ask for 0666 and let the umask decide, as File::create does.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tvdiff-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(content).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

pub fn emit(out: &OutputArgs, content: &str) -> Result<(), Error> {
    match &out.output {
        Some(path) => write_atomically(path, content.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(content.as_bytes()).and_then(|_| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Error::Output { path: "standard output".into(), message: e.to_string() })
                }
                _ => Ok(()),
            }
        }
    }
}
