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
    let view = View {
        tool: Tool { name: "tvdiff", version: env!("CARGO_PKG_VERSION") },
        old: &report.old,
        new: &report.new,
        options: &report.options,
        summary: &report.summary,
        changes: &report.changes,
        rows: full.then_some(report.rows.as_slice()),
    };
    let mut s = serde_json::to_string_pretty(&view).expect("the report model always serialises");
    s.push('\n');
    s
}
