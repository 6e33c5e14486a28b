//! JSON renderer: the report as documented in `docs/json.md`.

use crate::report::{
    Change, ChangeKind, Edit, EditOp, Location, Report, Row, RowKind, Span, Summary, TimeSpan, VersionInfo,
};
use crate::Comparison;
use serde::Serialize;
use std::borrow::Cow;
use std::ops::Range;

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
    let head = Head { old: &report.old, new: &report.new, options: &report.options, summary: &report.summary };
    let changes = |r: Range<usize>| Cow::Borrowed(&report.changes[r]);
    write_parts(head, (report.changes.len(), changes), &report.rows, full, out)
}

/// Write the JSON of `comparison`'s report (see [`write`]), its changes
/// made a few hundred at a time as they are written: the report of a pair
/// whose every sentence changed is never held whole, neither as JSON nor
/// as changes.
///
/// ```
/// use tvdiff::{compare, input::Source, Comparison, Options};
/// let (old, new) = (Source::from_text("a", "在华投资。"), Source::from_text("b", "在中国投资。"));
/// let mut out = Vec::new();
/// tvdiff::render::json::write_comparison(&Comparison::new(&old, &new, &Options::default()).unwrap(), false, &mut out).unwrap();
/// let report = compare(&old, &new, &Options::default()).unwrap();
/// assert_eq!(out, tvdiff::render::json::render(&report, false).into_bytes());
/// ```
pub fn write_comparison(comparison: &Comparison, full: bool, out: impl std::io::Write) -> std::io::Result<()> {
    let c = comparison;
    let head = Head { old: c.old_version(), new: c.new_version(), options: c.options(), summary: c.summary() };
    let changes = |r: Range<usize>| Cow::Owned(c.changes(r));
    write_parts(head, (c.len(), changes), c.rows(), full, out)
}

/// What the report object starts with.
struct Head<'a> {
    old: &'a VersionInfo,
    new: &'a VersionInfo,
    options: &'a crate::Options,
    summary: &'a Summary,
}

/// [`write`] of a report's head, its changes (how many, and those of a
/// range made or borrowed) and its rows.
fn write_parts<'a>(
    report: Head,
    (count, changes): (usize, impl Fn(Range<usize>) -> Cow<'a, [Change]> + Sync),
    rows: &[Row],
    full: bool,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    // The object `View` describes, written field by field as serde_json's
    // pretty printer writes it (a test compares the two), so that the
    // long arrays can be rendered in pieces on rayon's pool.
    let tool = Tool { name: "tvdiff", version: env!("CARGO_PKG_VERSION") };
    out.write_all(b"{\n")?;
    field(&mut out, "tool", &tool)?;
    field(&mut out, "old", report.old)?;
    field(&mut out, "new", report.new)?;
    field(&mut out, "options", report.options)?;
    field(&mut out, "summary", report.summary)?;
    // The changes and rows (all but a few bytes of a large report) by
    // hand, the rest by serde.
    array(&mut out, "changes", (count, changes), !full, |buf, c| change(buf, c, 2))?;
    if full {
        array(&mut out, "rows", (rows.len(), |r: Range<usize>| Cow::Borrowed(&rows[r])), true, |buf, r| {
            row(buf, r, 2)
        })?;
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

/// `  "name": [ … ]` (`,` after it unless `last`): the items (how many,
/// and those of a range, made or borrowed) rendered in pieces on rayon's
/// pool, a few pieces at a time, and written in order.
fn array<'a, T: Clone + Sync + 'a>(
    out: &mut impl std::io::Write,
    name: &str,
    (count, items): (usize, impl Fn(Range<usize>) -> Cow<'a, [T]> + Sync),
    last: bool,
    item: impl Fn(&mut Vec<u8>, &T) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    /// Items per piece, and pieces rendered before they are written (the
    /// JSON is never held whole).
    const PIECE: usize = 256;
    const WAVE: usize = 8;
    write!(out, "  \"{name}\": ")?;
    if count == 0 {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[\n")?;
        // The largest piece so far per item: a piece's buffer is reserved
        // at once, not grown (and copied) as it fills.
        let per_item = std::sync::atomic::AtomicUsize::new(512);
        for w in 0..count.div_ceil(PIECE * WAVE) {
            let wave = w * PIECE * WAVE..count.min((w + 1) * PIECE * WAVE);
            let ranges: Vec<Range<usize>> =
                wave.clone().step_by(PIECE).map(|start| start..wave.end.min(start + PIECE)).collect();
            let pieces: Vec<Vec<u8>> = ranges
                .into_par_iter()
                // (Each piece a task of its own: see `diff::par_map`.)
                .with_max_len(1)
                .map(|range| {
                    use std::sync::atomic::Ordering::Relaxed;
                    // (A comparison's changes are made here, a piece at a
                    // time.)
                    let first = range.start;
                    let piece = items(range);
                    let mut buf = Vec::with_capacity(piece.len() * per_item.load(Relaxed) * 9 / 8);
                    for (k, value) in piece.iter().enumerate() {
                        let at = first + k;
                        buf.extend_from_slice(b"    ");
                        item(&mut buf, value);
                        buf.extend_from_slice(if at + 1 == count { b"\n" } else { b",\n" });
                    }
                    per_item.fetch_max(buf.len().div_ceil(piece.len()), Relaxed);
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

// The changes and rows written by hand, byte for byte as serde_json's
// pretty printer writes them (tests compare the two on every field and
// variant): a report whose every sentence changed is tens of megabytes of
// them, and serde_json writes a string a byte at a time and every
// punctuation mark and indent through its own call. Each function takes
// the level of the value it writes (the caller has indented its first
// line), and destructures its type whole, so that a field added to the
// model does not compile until it is written here.

/// The spaces of an indent, sixteen levels at a time (the model's deepest
/// members are six levels down: an edit's location's).
const SPACES: &[u8; 32] = b"                                ";

/// A line break and the indent of `level`.
fn newline(out: &mut Vec<u8>, level: usize) {
    out.push(b'\n');
    let mut n = 2 * level;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.extend_from_slice(&SPACES[..k]);
        n -= k;
    }
}

/// `"name": ` as the `first` or a later member of an object at `level`.
fn key(out: &mut Vec<u8>, level: usize, name: &str, first: bool) {
    if !first {
        out.push(b',');
    }
    newline(out, level + 1);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// The end of an object or array at `level` that has members.
fn close(out: &mut Vec<u8>, level: usize, mark: u8) {
    newline(out, level);
    out.push(mark);
}

/// An integer, in serde_json's digits.
fn uint(out: &mut Vec<u8>, n: u64) {
    serde_json::ser::Formatter::write_u64(&mut serde_json::ser::CompactFormatter, out, n)
        .expect("writing to memory does not fail");
}

/// A float as serde_json writes it: `null` unless finite.
fn float(out: &mut Vec<u8>, x: f64, single: bool) {
    use serde_json::ser::Formatter as _;
    let mut f = serde_json::ser::CompactFormatter;
    let written = if !x.is_finite() {
        f.write_null(out)
    } else if single {
        f.write_f32(out, x as f32)
    } else {
        f.write_f64(out, x)
    };
    written.expect("writing to memory does not fail");
}

/// Does `text` hold a byte that JSON escapes (a control character, `"`,
/// `\`)? Eight bytes at a time, each word by the classic tests for a zero
/// byte and for a byte below a bound (exact, whatever the other bytes).
fn needs_escape(text: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut words = text.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes(w.try_into().expect("eight bytes"));
        let below_space = x.wrapping_sub(0x20 * ONES) & !x & HIGH;
        if below_space | zero_byte(x ^ (b'"' as u64 * ONES)) | zero_byte(x ^ (b'\\' as u64 * ONES)) != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A JSON string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !needs_escape(bytes) {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0C => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1F => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 0xF) as usize]]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A JSON array at `level` of `items`, each written by `item` at the next
/// level.
fn list<T>(out: &mut Vec<u8>, items: &[T], level: usize, item: impl Fn(&mut Vec<u8>, &T, usize)) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for (k, x) in items.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        newline(out, level + 1);
        item(out, x, level + 1);
    }
    close(out, level, b']');
}

fn change_kind(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Modified => "modified",
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Moved => "moved",
    }
}

fn row_kind(kind: RowKind) -> &'static str {
    match kind {
        RowKind::Equal => "equal",
        RowKind::Resegmented => "resegmented",
        RowKind::Modified => "modified",
        RowKind::Added => "added",
        RowKind::Removed => "removed",
        RowKind::MovedFrom => "moved_from",
        RowKind::MovedTo => "moved_to",
    }
}

fn edit_op(op: EditOp) -> &'static str {
    match op {
        EditOp::Insert => "insert",
        EditOp::Delete => "delete",
        EditOp::Replace => "replace",
    }
}

/// A [`Change`] at `level`.
fn change(out: &mut Vec<u8>, c: &Change, level: usize) {
    let Change { id, kind, class, old, new, similarity, edits, old_sentences, new_sentences } = c;
    out.push(b'{');
    key(out, level, "id", true);
    uint(out, *id as u64);
    key(out, level, "kind", false);
    string(out, change_kind(*kind));
    key(out, level, "class", false);
    string(out, class.label());
    sides(out, level, old.as_deref(), new.as_deref());
    key(out, level, "similarity", false);
    float(out, f64::from(*similarity), true);
    key(out, level, "edits", false);
    list(out, edits, level + 1, edit);
    key(out, level, "old_sentences", false);
    list(out, old_sentences, level + 1, |out, &n, _| uint(out, n as u64));
    key(out, level, "new_sentences", false);
    list(out, new_sentences, level + 1, |out, &n, _| uint(out, n as u64));
    close(out, level, b'}');
}

/// A [`Row`] at `level`.
fn row(out: &mut Vec<u8>, r: &Row, level: usize) {
    let Row { kind, old, new, change, skipped } = r;
    out.push(b'{');
    key(out, level, "kind", true);
    string(out, row_kind(*kind));
    sides(out, level, old.as_deref(), new.as_deref());
    key(out, level, "change", false);
    match change {
        Some(id) => uint(out, *id as u64),
        None => out.extend_from_slice(b"null"),
    }
    if *skipped != 0 {
        key(out, level, "skipped", false);
        uint(out, *skipped as u64);
    }
    close(out, level, b'}');
}

/// The members `old` and `new` of a change or row at `level`: spans, or
/// `null`.
fn sides(out: &mut Vec<u8>, level: usize, old: Option<&Span>, new: Option<&Span>) {
    for (name, side) in [("old", old), ("new", new)] {
        key(out, level, name, false);
        match side {
            Some(s) => span(out, s, level + 1),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// A [`Span`] at `level`.
fn span(out: &mut Vec<u8>, s: &Span, level: usize) {
    let Span { text, start, end, line, column, end_line, page, time, section, path } = s;
    out.push(b'{');
    key(out, level, "text", true);
    string(out, text);
    place(out, level, false, (*start, *end), (*line, *column));
    key(out, level, "end_line", false);
    uint(out, u64::from(*end_line));
    if let Some(page) = page {
        key(out, level, "page", false);
        uint(out, u64::from(*page));
    }
    if let Some(TimeSpan { start, end }) = time {
        key(out, level, "time", false);
        out.push(b'{');
        key(out, level + 1, "start", true);
        float(out, *start, false);
        key(out, level + 1, "end", false);
        float(out, *end, false);
        close(out, level + 1, b'}');
    }
    if let Some(section) = section {
        key(out, level, "section", false);
        string(out, section);
    }
    if !path.is_empty() {
        key(out, level, "path", false);
        list(out, path, level + 1, |out, p, _| string(out, p));
    }
    close(out, level, b'}');
}

/// An [`Edit`] at `level`.
fn edit(out: &mut Vec<u8>, e: &Edit, level: usize) {
    let Edit { op, old, new, class, old_at, new_at, recurring } = e;
    out.push(b'{');
    key(out, level, "op", true);
    string(out, edit_op(*op));
    key(out, level, "old", false);
    string(out, old);
    key(out, level, "new", false);
    string(out, new);
    key(out, level, "class", false);
    string(out, class.label());
    key(out, level, "old_at", false);
    location(out, old_at, level + 1);
    key(out, level, "new_at", false);
    location(out, new_at, level + 1);
    if let Some(g) = recurring {
        key(out, level, "recurring", false);
        uint(out, *g as u64);
    }
    close(out, level, b'}');
}

/// A [`Location`] at `level`.
fn location(out: &mut Vec<u8>, l: &Location, level: usize) {
    let Location { start, end, line, column } = l;
    out.push(b'{');
    place(out, level, true, (*start, *end), (*line, *column));
    close(out, level, b'}');
}

/// The members `start`, `end`, `line` and `column` of an object at
/// `level` (a [`Span`]'s after its text, a [`Location`]'s alone).
fn place(out: &mut Vec<u8>, level: usize, first: bool, (start, end): (usize, usize), (line, column): (u32, u32)) {
    key(out, level, "start", first);
    uint(out, start as u64);
    key(out, level, "end", false);
    uint(out, end as u64);
    key(out, level, "line", false);
    uint(out, u64::from(line));
    key(out, level, "column", false);
    uint(out, u64::from(column));
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

    /// A change or row of every kind, with every optional field set and
    /// unset, and strings and numbers at their edges: written by hand as
    /// serde_json writes them.
    #[test]
    fn changes_and_rows_are_written_as_serde_json_writes_them() {
        use crate::report::*;
        let mut report = compare(
            &Source::from_text("a", "在华投资。"),
            &Source::from_text("b", "在中国投资。"),
            &Options::default(),
        )
        .unwrap();
        let every_byte: String = (0u8..0x80).map(char::from).collect();
        let texts = [
            String::new(),
            "在华投资。".to_string(),
            every_byte.clone(),
            "\"quoted\" \\ back\u{7f}slash\u{1f}".to_string(),
            "1234567\"".to_string(),
            "12345678\n".to_string(),
            "𝄞 émigré ——— \u{2028}".to_string(),
        ];
        let span = |k: usize| {
            Box::new(Span {
                text: texts[k % texts.len()].clone(),
                start: k,
                end: usize::MAX - k,
                line: k as u32 + 1,
                column: u32::MAX,
                end_line: 7,
                page: k.is_multiple_of(2).then_some(k as u32),
                time: [
                    None,
                    Some(TimeSpan { start: 0.0, end: 1.5 }),
                    Some(TimeSpan { start: f64::NAN, end: f64::INFINITY }),
                ][k % 3],
                section: (k % 2 == 1).then(|| texts[(k + 1) % texts.len()].clone()),
                path: (0..k % 3).map(|i| texts[(k + i) % texts.len()].clone()).collect(),
            })
        };
        let location = |k: usize| Location { start: k, end: k + 3, line: 1, column: k as u32 };
        let kinds = [ChangeKind::Modified, ChangeKind::Added, ChangeKind::Removed, ChangeKind::Moved];
        let classes =
            [EditClass::Wording, EditClass::Punctuation, EditClass::Spacing, EditClass::Case, EditClass::Renumbering];
        let ops = [EditOp::Insert, EditOp::Delete, EditOp::Replace];
        let similarities = [0.0, 1.0, 0.947_368_44, f32::NAN, f32::NEG_INFINITY, 1e-7];
        report.changes = (0..24)
            .map(|k| Change {
                id: k,
                kind: kinds[k % kinds.len()],
                class: classes[k % classes.len()],
                old: (k % 4 != 1).then(|| span(k)),
                new: (k % 4 != 2).then(|| span(k + 3)),
                similarity: similarities[k % similarities.len()],
                edits: (0..k % 3)
                    .map(|i| Edit {
                        op: ops[(k + i) % ops.len()],
                        old: texts[(k + i) % texts.len()].clone(),
                        new: texts[(k + 2 * i) % texts.len()].clone(),
                        class: classes[(k + i) % classes.len()],
                        old_at: location(k),
                        new_at: location(k + i),
                        recurring: (i % 2 == 1).then_some(k),
                    })
                    .collect(),
                old_sentences: [k, k + 1],
                new_sentences: [0, usize::MAX],
            })
            .collect();
        let row_kinds = [
            RowKind::Equal,
            RowKind::Resegmented,
            RowKind::Modified,
            RowKind::Added,
            RowKind::Removed,
            RowKind::MovedFrom,
            RowKind::MovedTo,
        ];
        report.rows = (0..21)
            .map(|k| Row {
                kind: row_kinds[k % row_kinds.len()],
                old: (k % 3 != 1).then(|| span(k)),
                new: (k % 3 != 2).then(|| span(k + 1)),
                change: (k % 2 == 0).then_some(k),
                skipped: k % 4,
            })
            .collect();
        for full in [false, true] {
            let mut out = Vec::new();
            write(&report, full, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(reference(&report, full)).unwrap());
        }
    }

    /// The word-at-a-time test finds exactly the bytes JSON escapes, at
    /// every place in a word and in the bytes after the last whole one,
    /// whatever the bytes around them (those next to the ones it looks
    /// for, and high ones, are where a borrow could mislead it).
    #[test]
    fn needs_escape_is_exact() {
        for filler in [b'a', b' ', b'!', b'#', b'[', b']', 0x7F, 0x80, 0xFF] {
            for len in [1, 7, 8, 9, 16, 17] {
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut text = vec![filler; len];
                        text[at] = b;
                        let expected = b < 0x20 || b == b'"' || b == b'\\';
                        assert_eq!(needs_escape(&text), expected, "byte {b:#x} at {at} of {len} among {filler:#x}");
                    }
                }
            }
        }
        assert!(!needs_escape("在华投资 émigré\u{7f}".as_bytes()));
    }

    proptest::proptest! {
        /// Any string is escaped as serde_json escapes it.
        #[test]
        fn strings_are_escaped_as_serde_json_escapes_them(text in "\\PC*|[\\x00-\\x7f]*") {
            let mut out = Vec::new();
            string(&mut out, &text);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&text).unwrap());
        }
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
