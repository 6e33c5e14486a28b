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
enum Command {}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_TROUBLE } else { EXIT_SAME };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    let result = match &cli.command {
        None => match (&cli.old, &cli.new) {
            (Some(old), Some(new)) => cli::compare::run(old, new, &cli.common, &cli.output),
            _ => Err(tvdiff::Error::Usage("two files to compare are required".into())),
        },
        Some(command) => match *command {},
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("tvdiff: {e}");
            ExitCode::from(EXIT_TROUBLE as u8)
        }
    }
}
