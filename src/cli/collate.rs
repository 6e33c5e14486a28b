//! `tvdiff collate FILES…`: collate many versions against a base.

use super::{emit, use_color, ColorWhen, CommonArgs, Destination, Paging};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use tvdiff::collate::{collate, valid_siglum, Collation};
use tvdiff::error::{Error, EXIT_DIFFERENT, EXIT_SAME};
use tvdiff::input::Source;
use tvdiff::render::collate_terminal::CollateTerminalOptions;

/// Arguments of `tvdiff collate`.
#[derive(Args, Debug, Clone)]
pub struct CollateArgs {
    /// The versions to collate (at least two in all, counting --name files; '-' for standard input).
    #[arg(value_name = "FILE", value_parser = in_order)]
    pub files: Vec<InOrder>,
    /// Give a version a siglum, e.g. --name A=blog.txt (repeatable). FILE may
    /// also be listed among the FILEs; otherwise it is added.
    #[arg(long = "name", value_name = "SIGLUM=FILE", value_parser = in_order)]
    pub names: Vec<InOrder>,
    /// The base version every other one is aligned with: one of the files
    /// (as given) or its siglum. Default: the first file.
    #[arg(long, value_name = "FILE")]
    pub base: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub output: CollateOutputArgs,
}

/// Output options of `tvdiff collate`.
#[derive(Args, Debug, Clone)]
pub struct CollateOutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = CollateFormat::Terminal, help_heading = "Output")]
    pub format: CollateFormat,
    /// Write the result to FILE instead of standard output (never over an input).
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// When to send the result through a pager (see tvdiff --help).
    #[arg(long, value_enum, default_value_t = Paging::Auto, value_name = "WHEN", help_heading = "Output")]
    pub paging: Paging,
    /// When to use colour (terminal format).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorWhen,
    /// Terminal: show every position, unanimous ones included.
    #[arg(long, help_heading = "Output")]
    pub all: bool,
    /// Print nothing; only the exit status says whether the versions differ.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,
}

/// Output formats of `tvdiff collate`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollateFormat {
    /// Variant table for a terminal.
    Terminal,
    /// Self-contained HTML apparatus.
    Html,
    /// Machine-readable JSON.
    Json,
    /// TEI XML, parallel segmentation.
    Tei,
}

/// A command-line value and where it came on the command line, so that
/// FILEs and --name files can be taken in the order they were typed.
#[derive(Debug, Clone)]
pub struct InOrder {
    seq: usize,
    value: String,
}

/// clap parses values in command-line order; number them as it goes.
fn in_order(s: &str) -> Result<InOrder, String> {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    Ok(InOrder { seq: SEQ.fetch_add(1, Ordering::Relaxed), value: s.to_string() })
}

/// One witness as the command line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    siglum: Option<String>,
    path: String,
}

/// Default sigla: A … Z, then AA, AB, …
fn default_siglum(n: usize) -> String {
    let letter = |i: usize| (b'A' + i as u8) as char;
    if n < 26 {
        letter(n).to_string()
    } else {
        format!("{}{}", default_siglum(n / 26 - 1), letter(n % 26))
    }
}

fn same_file(a: &str, b: &str) -> bool {
    a == b
        || match (Path::new(a).canonicalize(), Path::new(b).canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}

/// The witnesses (siglum, path) in command-line order, and the base index.
fn witnesses(args: &CollateArgs) -> Result<(Vec<(String, String)>, usize), Error> {
    let mut all: Vec<(usize, Entry)> = Vec::new();
    for n in &args.names {
        let Some((siglum, path)) = n.value.split_once('=') else {
            return Err(Error::Usage(format!("--name '{}': expected SIGLUM=FILE, e.g. --name A=blog.txt", n.value)));
        };
        if siglum.is_empty() || path.is_empty() {
            return Err(Error::Usage(format!("--name '{}': expected SIGLUM=FILE, e.g. --name A=blog.txt", n.value)));
        }
        if !valid_siglum(siglum) {
            return Err(Error::Usage(format!(
                "--name '{}': a siglum starts with a letter and has only letters, digits, '-', '_' or '.'",
                n.value
            )));
        }
        if let Some((_, e)) = all.iter().find(|(_, e)| e.siglum.as_deref() == Some(siglum)) {
            return Err(Error::Usage(format!("--name '{}': siglum {siglum} is already used for {}", n.value, e.path)));
        }
        all.push((n.seq, Entry { siglum: Some(siglum.to_string()), path: path.to_string() }));
    }
    for f in &args.files {
        // A file also given with --name is that witness, not another one.
        if args.names.iter().any(|n| n.value.split_once('=').is_some_and(|(_, p)| same_file(p, &f.value))) {
            continue;
        }
        all.push((f.seq, Entry { siglum: None, path: f.value.clone() }));
    }
    all.sort_by_key(|(seq, _)| *seq);
    if all.len() < 2 {
        return Err(Error::Usage(format!("collate needs at least two files, got {}", all.len())));
    }
    let taken: Vec<String> = all.iter().filter_map(|(_, e)| e.siglum.clone()).collect();
    let mut next = 0;
    let mut out = Vec::with_capacity(all.len());
    for (_, e) in all {
        let siglum = match e.siglum {
            Some(s) => s,
            None => loop {
                let s = default_siglum(next);
                next += 1;
                if !taken.contains(&s) {
                    break s;
                }
            },
        };
        out.push((siglum, e.path));
    }
    let base = match &args.base {
        None => 0,
        Some(b) => out
            .iter()
            .position(|(s, _)| s == b)
            .or_else(|| out.iter().position(|(_, p)| p == b))
            .or_else(|| out.iter().position(|(_, p)| same_file(p, b)))
            .ok_or_else(|| Error::Usage(format!("--base '{b}': not among the files to collate")))?,
    };
    Ok((out, base))
}

/// Collate the files and write the result; returns the exit status.
pub fn run(args: &CollateArgs) -> Result<i32, Error> {
    let (wits, base) = witnesses(args)?;
    if wits.iter().filter(|(_, p)| p == "-").count() > 1 {
        return Err(Error::Usage("'-' (standard input) can be only one of the versions".into()));
    }
    let paths: Vec<&Path> = wits.iter().map(|(_, p)| Path::new(p)).collect();
    if let Some(out) = &args.output.output {
        super::output::check_not_an_input(out, &paths)?;
    }
    let opts = args.common.options();
    // The witnesses read on rayon's pool, as `compare_files` reads its two
    // (in order; the first witness that cannot be read is the error).
    let sources: Vec<(String, Source)> = {
        use rayon::prelude::*;
        let decode = &opts.decode;
        wits.par_iter()
            .with_max_len(1)
            .map(|(siglum, path)| Source::from_path_with(path, decode).map(|src| (siglum.clone(), src)))
            .collect::<Vec<Result<_, Error>>>()
            .into_iter()
            .collect::<Result<Vec<_>, Error>>()?
    };
    let collation = collate(&sources, base, &opts)?;
    let status = if collation.has_variants() { EXIT_DIFFERENT } else { EXIT_SAME };
    if args.output.quiet {
        return Ok(status);
    }
    let text = render(&collation, &args.output);
    let dest =
        Destination { file: args.output.output.as_deref(), inputs: &paths, paging: args.output.paging, what: None };
    emit(&dest, &text)?;
    Ok(status)
}

fn render(c: &Collation, out: &CollateOutputArgs) -> String {
    match out.format {
        CollateFormat::Json => c.to_json(),
        CollateFormat::Tei => tvdiff::render::tei::render(c),
        CollateFormat::Html => tvdiff::render::collate_html::render(c),
        CollateFormat::Terminal => {
            let topts = CollateTerminalOptions { color: use_color(out.color, out.output.is_some()), all: out.all };
            tvdiff::render::collate_terminal::render(c, &topts)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sigla_go_past_z() {
        assert_eq!(default_siglum(0), "A");
        assert_eq!(default_siglum(25), "Z");
        assert_eq!(default_siglum(26), "AA");
        assert_eq!(default_siglum(27), "AB");
        assert_eq!(default_siglum(52), "BA");
    }
}
