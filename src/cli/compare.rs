//! `tvdiff OLD NEW`: compare two versions.

use super::{emit, terminal_width, use_color, CommonArgs, Format, OutputArgs};
use std::path::PathBuf;
use tvdiff::error::{Error, EXIT_DIFFERENT, EXIT_SAME};
use tvdiff::render::html::HtmlOptions;
use tvdiff::render::terminal::TerminalOptions;

/// Compare two files and write the report; returns the exit status.
pub fn run(old: &PathBuf, new: &PathBuf, common: &CommonArgs, out: &OutputArgs) -> Result<i32, Error> {
    let mut opts = common.options();
    // Only renderers that show the whole text read the rows.
    opts.rows = !out.quiet && (out.format != Format::Json || out.full);
    let report = tvdiff::compare_files(old, new, &opts)?;
    let status = if report.has_changes() { EXIT_DIFFERENT } else { EXIT_SAME };
    if out.quiet {
        return Ok(status);
    }
    let text = match out.format {
        Format::Json => tvdiff::render::json::render(&report, out.full),
        Format::Html => {
            let hopts = HtmlOptions { title: None, generated: Some(tvdiff::render::html::generation_date()?) };
            tvdiff::render::html::render(&report, &hopts)
        }
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
