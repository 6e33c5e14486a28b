//! JSON renderer: the report as documented in `docs/json.md`.

use crate::report::{Change, Report, Row, Summary, VersionInfo};
use serde::Serialize;

#[derive(Serialize)]
struct View<'a> {
    tool: Tool,
    old: &'a VersionInfo,
    new: &'a VersionInfo,
    options: &'a crate::Options,
    summary: &'a Summary,
    changes: &'a [Change],
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<&'a [Row]>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// Render `report` as pretty-printed JSON. With `full`, every aligned row
/// (equal sentences included) is written too.
///
/// ```
/// use tvdiff::{compare, input::Source, Options};
/// let r = compare(&Source::from_text("a", "在华投资。"), &Source::from_text("b", "在中国投资。"), &Options::default()).unwrap();
/// let json: serde_json::Value = serde_json::from_str(&tvdiff::render::json::render(&r, false)).unwrap();
/// assert_eq!(json["changes"][0]["kind"], "modified");
/// assert_eq!(json["changes"][0]["edits"][0]["new"], "中国");
/// ```
pub fn render(report: &Report, full: bool) -> String {
    let mut out = Vec::new();
    write(report, full, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Write the JSON of [`render`] to `out` as it is produced, through a
/// buffer: a report of tens of thousands of changes is tens of megabytes
/// of JSON, never held whole in memory. The only errors are `out`'s.
///
/// ```
/// use tvdiff::{compare, input::Source, Options};
/// let r = compare(&Source::from_text("a", "在华投资。"), &Source::from_text("b", "在中国投资。"), &Options::default()).unwrap();
/// let mut out = Vec::new();
/// tvdiff::render::json::write(&r, false, &mut out).unwrap();
/// assert_eq!(out, tvdiff::render::json::render(&r, false).into_bytes());
/// ```
pub fn write(report: &Report, full: bool, out: impl std::io::Write) -> std::io::Result<()> {
    use std::io::Write as _;
    let view = View {
        tool: Tool { name: "tvdiff", version: env!("CARGO_PKG_VERSION") },
        old: &report.old,
        new: &report.new,
        options: &report.options,
        summary: &report.summary,
        changes: &report.changes,
        rows: full.then_some(report.rows.as_slice()),
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    // The model always serialises (plain data, string keys): a failure is
    // the writer's, and serde_json keeps the I/O error inside its own.
    serde_json::to_writer_pretty(&mut out, &view).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}
