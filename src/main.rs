//! The `tvdiff` command: a thin layer over the library. It parses options,
//! reads the files, calls the library and hands the result to a renderer.
//! Exit status as diff(1): 0 same, 1 different, 2 trouble.

mod cli;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tvdiff::error::{EXIT_SAME, EXIT_TROUBLE};

/// Compare versions of a transcript sentence by sentence, reporting wording
/// changes and ignoring punctuation-width, spacing, quote-style and
/// line-wrapping noise.
#[derive(Parser, Debug)]
#[command(
    name = "tvdiff",
    version,
    about,
    max_term_width = 100,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The old version.
    #[arg(required = true)]
    old: Option<PathBuf>,
    /// The new version.
    #[arg(required = true)]
    new: Option<PathBuf>,
    #[command(flatten)]
    common: cli::CommonArgs,
    #[command(flatten)]
    output: cli::OutputArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare every file under OLD_DIR with the file at the same relative path under NEW_DIR.
    Batch(cli::batch::BatchArgs),
    /// Collate many versions against a base: variant table, apparatus, TEI.
    Collate(cli::collate::CollateArgs),
    /// Print the text tvdiff compares for a file (PDF, Word, HTML, Markdown, captions, text).
    Extract(cli::extract::ExtractArgs),
}

/// clap's messages span several lines (a blank line, usage, a hint); errors
/// here are one line, like every other tvdiff error.
fn one_line(msg: &str) -> String {
    let parts: Vec<&str> = msg
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let line = parts.join(" ");
    let line = line.strip_prefix("error: ").unwrap_or(&line);
    format!("{line} (see 'tvdiff --help')")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            let _ = e.print(); // --help, --version
            return ExitCode::from(EXIT_SAME as u8);
        }
        Err(e) => {
            eprintln!("tvdiff: {}", one_line(&e.to_string()));
            return ExitCode::from(EXIT_TROUBLE as u8);
        }
    };
    let result = match &cli.command {
        None => match (&cli.old, &cli.new) {
            (Some(old), Some(new)) => cli::compare::run(old, new, &cli.common, &cli.output),
            _ => Err(tvdiff::Error::Usage("two files to compare are required".into())),
        },
        Some(command) => match command {
            Command::Batch(args) => cli::batch::run(args),
            Command::Collate(args) => cli::collate::run(args),
            Command::Extract(args) => cli::extract::run(args),
        },
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("tvdiff: {e}");
            ExitCode::from(EXIT_TROUBLE as u8)
        }
    }
}
