//! The `tvdiff` command: a thin layer over the library. It parses options,
//! reads the files, calls [`tvdiff::compare`] and hands the report to a
//! renderer. Exit status as diff(1): 0 same, 1 different, 2 trouble.

use clap::{Args, Parser, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tvdiff::error::{Error, EXIT_DIFFERENT, EXIT_SAME, EXIT_TROUBLE};
use tvdiff::input::Lang;
use tvdiff::normalize::NormalizeOptions;
use tvdiff::render::terminal::TerminalOptions;
use tvdiff::Options;

/// Compare versions of a transcript sentence by sentence, reporting wording
/// changes and ignoring punctuation-width, spacing, quote-style and
/// line-wrapping noise.
#[derive(Parser, Debug)]
#[command(name = "tvdiff", version, about, long_about = None, max_term_width = 100)]
struct Cli {
    /// The old version.
    old: PathBuf,
    /// The new version.
    new: PathBuf,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Options shared by every command: what to compare and what to ignore.
#[derive(Args, Debug, Clone)]
struct CommonArgs {
    /// Compare only lines whose dominant script is Han (zh) or Latin (en).
    #[arg(long, value_name = "LANG", default_value = "all", value_parser = parse_lang)]
    lang: Lang,
    /// Drop lines matching this regular expression before comparing (repeatable).
    #[arg(long = "ignore-lines", value_name = "REGEX")]
    ignore_lines: Vec<String>,
    /// Treat full-width and half-width forms (，/,) as different.
    #[arg(long, help_heading = "Normalisation")]
    keep_width: bool,
    /// Treat quote styles (“”/""/「」) as different.
    #[arg(long, help_heading = "Normalisation")]
    keep_quotes: bool,
    /// Treat dash and ellipsis spellings (——/—/--, ……/...) as different.
    #[arg(long, help_heading = "Normalisation")]
    keep_dashes: bool,
    /// Treat spacing (runs of spaces, spaces next to Chinese) as significant.
    #[arg(long, help_heading = "Normalisation")]
    keep_spacing: bool,
    /// Treat line breaks inside sentences as significant.
    #[arg(long, help_heading = "Normalisation")]
    keep_line_breaks: bool,
    /// Ignore letter case.
    #[arg(long, short = 'i', help_heading = "Normalisation")]
    ignore_case: bool,
    /// Ignore punctuation entirely.
    #[arg(long, help_heading = "Normalisation")]
    ignore_punctuation: bool,
    /// Minimum similarity (0-1) to pair two sentences as modified.
    #[arg(long, value_name = "RATIO", default_value_t = 0.5, value_parser = parse_ratio, help_heading = "Alignment")]
    threshold: f32,
    /// Time budget in milliseconds before diffs fall back to a coarser answer.
    #[arg(long, value_name = "MS", default_value_t = 10_000, help_heading = "Alignment")]
    timeout: u64,
    /// Do not detect moved sentences.
    #[arg(long, help_heading = "Alignment")]
    no_moves: bool,
}

#[derive(Args, Debug, Clone)]
struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Terminal, help_heading = "Output")]
    format: Format,
    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    output: Option<PathBuf>,
    /// Unchanged sentences to show around each change.
    #[arg(long, short = 'C', value_name = "N", default_value_t = 1, help_heading = "Output")]
    context: usize,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    color: ColorWhen,
    /// Show old and new side by side, sized to the terminal.
    #[arg(long, short = 'y', help_heading = "Output")]
    side_by_side: bool,
    /// Output width in columns (default: the terminal's, or 120).
    #[arg(long, short = 'W', value_name = "COLS", help_heading = "Output")]
    width: Option<usize>,
    /// JSON: include every aligned sentence, not only the changes.
    #[arg(long, help_heading = "Output")]
    full: bool,
    /// Print nothing; only the exit status says whether the versions differ.
    #[arg(long, short = 'q', help_heading = "Output")]
    quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// Coloured text for a terminal.
    Terminal,
    /// Machine-readable JSON (docs/json.md).
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
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
    fn options(&self) -> Options {
        Options {
            normalize: NormalizeOptions {
                width: !self.keep_width,
                quotes: !self.keep_quotes,
                dashes: !self.keep_dashes,
                spacing: !self.keep_spacing,
                line_breaks: !self.keep_line_breaks,
                ignore_case: self.ignore_case,
                ignore_punctuation: self.ignore_punctuation,
            },
            lang: self.lang,
            ignore_lines: self.ignore_lines.clone(),
            threshold: self.threshold,
            timeout_ms: self.timeout,
            detect_moves: !self.no_moves,
        }
    }
}

fn use_color(when: ColorWhen, to_file: bool) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            !to_file && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

fn terminal_width(requested: Option<usize>) -> usize {
    requested.or_else(|| terminal_size::terminal_size().map(|(w, _)| w.0 as usize)).unwrap_or(120).max(40)
}

/// Write `content` to `path` atomically: a temporary file in the same
/// directory, renamed into place, so a failed run leaves nothing half-written.
fn write_atomically(path: &Path, content: &[u8]) -> Result<(), Error> {
    let name = path.display().to_string();
    let fail = |e: std::io::Error| Error::Output { path: name.clone(), message: e.to_string() };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(content).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

fn emit(out: &OutputArgs, content: &str) -> Result<(), Error> {
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

fn run(cli: Cli) -> Result<i32, Error> {
    let opts = cli.common.options();
    let report = tvdiff::compare_files(&cli.old, &cli.new, &opts)?;
    let status = if report.has_changes() { EXIT_DIFFERENT } else { EXIT_SAME };
    if cli.output.quiet {
        return Ok(status);
    }
    let out = &cli.output;
    let text = match out.format {
        Format::Json => tvdiff::render::json::render(&report, out.full),
        Format::Terminal => {
            let topts = TerminalOptions {
                color: use_color(out.color, out.output.is_some()),
                context: out.context,
                side_by_side: out.side_by_side,
                width: terminal_width(out.width),
                summary: true,
            };
            tvdiff::render::terminal::render(&report, &topts)
        }
    };
    emit(out, &text)?;
    Ok(status)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_TROUBLE } else { EXIT_SAME };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("tvdiff: {e}");
            ExitCode::from(EXIT_TROUBLE as u8)
        }
    }
}
