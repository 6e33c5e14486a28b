//! `tvdiff OLD NEW`: compare two versions.

use super::{
    emit_content, output, terminal_width, use_color, CommonArgs, Destination, Format, Layout, OutputArgs, Paging,
};
use std::path::Path;
use std::time::{Duration, Instant};
use tvdiff::error::{Error, EXIT_DIFFERENT, EXIT_SAME};
use tvdiff::input::Source;
use tvdiff::render::escape;
use tvdiff::render::html::{self, HtmlOptions};
use tvdiff::render::terminal::TerminalOptions;

/// How the two versions are named in the report when not by their paths
/// (git passes temporary files and the path in the repository).
#[derive(Debug, Clone, Default)]
pub struct Naming {
    /// Name of the old version.
    pub old: Option<String>,
    /// Name of the new version.
    pub new: Option<String>,
    /// Called by git as an external diff: differences exit 0, no pager.
    pub git: bool,
}

/// The run's stages on standard error, with `TVDIFF_TRACE` set (the
/// library traces its own inside `compare`).
fn trace(started: Instant, read: Duration, compare: Duration, render: Duration) {
    if std::env::var_os("TVDIFF_TRACE").is_some() {
        eprintln!(
            "tvdiff: run: read {read:?}, compare {:?}, render {:?}, write {:?}",
            compare - read,
            render - compare,
            started.elapsed() - render
        );
    }
}

fn is_dir(p: &Path) -> bool {
    p.as_os_str() != "-" && std::fs::metadata(p).is_ok_and(|m| m.is_dir())
}

/// Compare two files and write the report; returns the exit status.
pub fn run(old: &Path, new: &Path, common: &CommonArgs, out: &OutputArgs, naming: &Naming) -> Result<i32, Error> {
    if old.as_os_str() == "-" && new.as_os_str() == "-" {
        return Err(Error::Usage("OLD and NEW are both '-': only one of them can be standard input".into()));
    }
    if is_dir(old) && is_dir(new) {
        return Err(Error::Usage(format!(
            "{} and {} are directories; did you mean `tvdiff batch {} {}`?",
            escape::path_lossless(old),
            escape::path_lossless(new),
            escape::path_lossless(old),
            escape::path_lossless(new),
        )));
    }
    let inputs = [old, new];
    if let Some(path) = &out.output {
        // Refuse before the work, not only before the write.
        output::check_not_an_input(path, &inputs)?;
    }
    let mut opts = common.options();
    // Only renderers that show the whole text read the rows.
    opts.rows = !out.quiet && (out.format != Format::Json || out.full);
    // The terminal shows each change with `--context` rows around it: only
    // those rows are made. (Side by side, a numbered document's changed
    // articles are shown whole: that view reads every row.)
    if out.format == Format::Terminal && !out.side_by_side {
        opts.row_context = Some(out.context as usize);
    }
    let started = Instant::now();
    let (o, n) =
        rayon::join(|| Source::from_path_with(old, &opts.decode), || Source::from_path_with(new, &opts.decode));
    let (mut o, mut n) = (o?, n?);
    if let Some(name) = &naming.old {
        o.name = name.clone();
    }
    if let Some(name) = &naming.new {
        n.name = name.clone();
    }
    let t_read = started.elapsed();
    let comparison = tvdiff::Comparison::new(&o, &n, &opts)?;
    let t_compare = started.elapsed();
    let status = if !comparison.is_empty() && !naming.git { EXIT_DIFFERENT } else { EXIT_SAME };
    if out.quiet {
        return Ok(status);
    }
    let changes = comparison.len();
    let dest = Destination {
        file: out.output.as_deref(),
        inputs: &inputs,
        paging: if naming.git { Paging::Never } else { out.paging },
        what: Some(format!("{changes} {}", if changes == 1 { "change" } else { "changes" })),
    };
    let t_render = started.elapsed();
    // JSON is written as it is rendered, its changes made a few hundred at
    // a time (a report of every sentence changed is ten times the size of
    // its inputs); the other formats read the whole report.
    if out.format == Format::Json {
        let write_json = |w: &mut dyn std::io::Write| tvdiff::render::json::write_comparison(&comparison, out.full, w);
        emit_content(&dest, &output::Content::Stream(&write_json))?;
        trace(started, t_read, t_compare, t_render);
        // (Freed with the process: see below.)
        std::mem::forget(comparison);
        return Ok(status);
    }
    let report = comparison.into_report();
    let text = match out.format {
        Format::Json => tvdiff::render::json::render(&report, out.full),
        Format::Html => {
            let layout = match out.layout {
                Layout::Rows => html::Layout::Rows,
                Layout::Table => html::Layout::Table,
            };
            let hopts = HtmlOptions { title: None, generated: Some(html::generation_date()?), layout };
            html::render(&report, &hopts)
        }
        Format::TableCsv => tvdiff::render::table::csv(&report),
        Format::Terminal => {
            let topts = TerminalOptions {
                color: use_color(out.color, out.output.is_some()),
                context: out.context as usize,
                side_by_side: out.side_by_side,
                width: terminal_width(out.width),
                summary: true,
                elide: (!out.no_elide).then_some(out.elide as usize),
                show_renumbering: out.show_renumbering,
            };
            tvdiff::render::terminal::render(&report, &topts)
        }
        Format::Srt | Format::Vtt => {
            let cues = tvdiff::render::captions::cues(&report);
            if !cues.untimed.is_empty() {
                let n = cues.untimed.len();
                output::message(&format!(
                    "{n} of {} {} no time (neither version was read from captions there) and {} left out",
                    report.changes.len(),
                    if n == 1 { "change has" } else { "changes have" },
                    if n == 1 { "is" } else { "are" }
                ));
            }
            if out.format == Format::Srt {
                tvdiff::render::captions::srt(&report)
            } else {
                tvdiff::render::captions::vtt(&report)
            }
        }
    };
    emit_content(&dest, &output::Content::Bytes(text.as_bytes()))?;
    trace(started, t_read, t_compare, t_render);
    // The process ends once the report is written: freeing it piece by
    // piece (a book whose every sentence changed is tens of thousands of
    // changes, each with its strings) would only delay the exit, by 4 ms
    // on 1 MB a side. The system takes the memory back whole.
    std::mem::forget(report);
    Ok(status)
}
