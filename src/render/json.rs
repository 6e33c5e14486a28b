//! JSON renderer: the report as documented in `docs/json.md`.

use crate::report::Report;
#[cfg(test)]
use crate::report::{Change, Row, Summary, VersionInfo};
use serde::Serialize;

#[cfg(test)]
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
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    // The object `View` describes, written field by field as serde_json's
    // pretty printer writes it (a test compares the two), so that the
    // long arrays can be rendered in pieces on rayon's pool.
    let tool = Tool { name: "tvdiff", version: env!("CARGO_PKG_VERSION") };
    out.write_all(b"{\n")?;
    field(&mut out, "tool", &tool)?;
    field(&mut out, "old", &report.old)?;
    field(&mut out, "new", &report.new)?;
    field(&mut out, "options", &report.options)?;
    field(&mut out, "summary", &report.summary)?;
    array(&mut out, "changes", &report.changes, !full)?;
    if full {
        array(&mut out, "rows", &report.rows, true)?;
    }
    out.write_all(b"}\n")?;
    out.flush()
}

/// `  "name": value,` at the first level of the report object.
fn field<T: Serialize>(out: &mut impl std::io::Write, name: &str, value: &T) -> std::io::Result<()> {
    let mut buf = Vec::new();
    pretty(&mut buf, value, 1);
    write!(out, "  \"{name}\": ")?;
    out.write_all(&buf)?;
    out.write_all(b",\n")
}

/// `  "name": [ … ]` (`,` after it unless `last`): the items rendered in
/// pieces on rayon's pool, a few pieces at a time, and written in order.
fn array<T: Serialize + Sync>(
    out: &mut impl std::io::Write,
    name: &str,
    items: &[T],
    last: bool,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    /// Items per piece, and pieces rendered before they are written (the
    /// JSON is never held whole).
    const PIECE: usize = 256;
    const WAVE: usize = 8;
    write!(out, "  \"{name}\": ")?;
    if items.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[\n")?;
        for (w, wave) in items.chunks(PIECE * WAVE).enumerate() {
            let pieces: Vec<Vec<u8>> = wave
                .par_chunks(PIECE)
                .enumerate()
                .map(|(p, piece)| {
                    let mut buf = Vec::new();
                    for (k, item) in piece.iter().enumerate() {
                        let at = w * PIECE * WAVE + p * PIECE + k;
                        buf.extend_from_slice(b"    ");
                        pretty(&mut buf, item, 2);
                        buf.extend_from_slice(if at + 1 == items.len() { b"\n" } else { b",\n" });
                    }
                    buf
                })
                .collect();
            for p in pieces {
                out.write_all(&p)?;
            }
        }
        out.write_all(b"  ]")?;
    }
    out.write_all(if last { b"\n" } else { b",\n" })
}

/// Append `value` as serde_json's pretty printer writes it `level` levels
/// deep: its own pretty form with two more spaces per level after each
/// line break.
fn pretty<T: Serialize>(buf: &mut Vec<u8>, value: &T, level: usize) {
    let mut ser = serde_json::Serializer::with_formatter(&mut *buf, Indented { level, depth: 0, has_value: false });
    // The model always serialises (plain data, string keys).
    value.serialize(&mut ser).expect("the report model always serialises");
}

/// serde_json's `PrettyFormatter` (two spaces per level) for a value
/// that starts `level` levels deep: the same bytes the whole report's
/// pretty printer writes for it there (a test compares the two).
struct Indented {
    level: usize,
    depth: usize,
    has_value: bool,
}

impl Indented {
    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level + self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, mark: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(mark)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, mark: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(mark)
    }

    fn next<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.next(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.next(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{compare, input::Source, Options};

    /// The report as serde_json writes the whole object: what `write`
    /// must produce byte for byte.
    fn reference(report: &Report, full: bool) -> Vec<u8> {
        let view = View {
            tool: Tool { name: "tvdiff", version: env!("CARGO_PKG_VERSION") },
            old: &report.old,
            new: &report.new,
            options: &report.options,
            summary: &report.summary,
            changes: &report.changes,
            rows: full.then_some(report.rows.as_slice()),
        };
        let mut out = serde_json::to_vec_pretty(&view).unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn written_in_pieces_as_serde_json_writes_it_whole() {
        let long_old: String = (0..9000).map(|i| format!("第{i}句说的是“苹果”\t和梨。\n")).collect();
        let long_new: String =
            (0..9000).map(|i| format!("第{i}句说的是\"苹果\"和{}。\n", ["梨", "桃"][i % 2])).collect();
        let pairs = [
            ("a.txt", "在华投资。", "b.txt", "在中国投资。"),
            ("same", "Same text.", "same", "Same text."),
            ("", "", "empty", ""),
            ("old\u{1b}", long_old.as_str(), "new\\\"", long_new.as_str()),
        ];
        let mut items = 0;
        for (na, a, nb, b) in pairs {
            let opts = Options { rows: true, ..Options::default() };
            let report = compare(&Source::from_text(na, a), &Source::from_text(nb, b), &opts).unwrap();
            items += report.changes.len();
            for full in [false, true] {
                let mut out = Vec::new();
                write(&report, full, &mut out).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(reference(&report, full)).unwrap());
            }
        }
        assert!(items > 2 * 256 * 8, "{items} changes: more than one wave of pieces");
    }
}
