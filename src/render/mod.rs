//! Stage 8: renderers — pure functions of a [`Report`](crate::Report).
//!
//! Every renderer reads the same report model and never diffs again, so the
//! terminal, JSON and HTML outputs always agree.
//!
//! - [`terminal`]: the coloured (or `[-…-]{+…+}`-marked) text report, inline
//!   or side by side.
//! - [`json`]: the machine-readable report documented in `docs/json.md`.
//! - [`captions`]: the differences as SRT or WebVTT captions, one cue per
//!   change at its time in the video (`docs/captions.md`).

pub mod captions;
pub mod collate_html;
pub mod collate_terminal;
pub mod escape;
pub mod html;
pub mod json;
pub mod tei;
pub mod terminal;

use crate::report::{Change, EditOp};

/// One piece of a sentence prepared for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text both versions share (shown from the version being displayed).
    Same(&'a str),
    /// Text only in the old version.
    Deleted(&'a str),
    /// Text only in the new version.
    Inserted(&'a str),
}

/// The old sentence of a modified change as pieces: equal text and deletions.
pub fn old_pieces(change: &Change) -> Vec<Piece<'_>> {
    side_pieces(change, true)
}

/// The new sentence of a modified change as pieces: equal text and insertions.
pub fn new_pieces(change: &Change) -> Vec<Piece<'_>> {
    side_pieces(change, false)
}

fn side_pieces(change: &Change, old: bool) -> Vec<Piece<'_>> {
    let Some(span) = (if old { &change.old } else { &change.new }) else { return vec![] };
    let mut out = Vec::new();
    let mut cursor = span.start;
    for e in &change.edits {
        let at = if old { e.old_at } else { e.new_at };
        let same = at.start.checked_sub(span.start).and_then(|a| span.text.get(cursor - span.start..a));
        let Some(same) = same.filter(|_| at.start >= cursor && at.end <= span.end) else {
            // Offsets that do not fit the span (a hand-edited report): show it plain.
            return vec![Piece::Same(&span.text)];
        };
        if !same.is_empty() {
            out.push(Piece::Same(same));
        }
        let t = if old { e.old.as_str() } else { e.new.as_str() };
        if !t.is_empty() {
            out.push(if old { Piece::Deleted(t) } else { Piece::Inserted(t) });
        }
        cursor = at.end;
    }
    match span.text.get(cursor - span.start..) {
        Some("") => {}
        Some(rest) => out.push(Piece::Same(rest)),
        None => return vec![Piece::Same(&span.text)],
    }
    out
}

/// A modified change as one line: the new text with deletions and insertions
/// in place (the `wdiff` view).
pub fn merged_pieces(change: &Change) -> Vec<Piece<'_>> {
    let Some(span) = &change.new else { return old_pieces(change) };
    let mut out = Vec::new();
    let mut cursor = span.start;
    for e in &change.edits {
        let same = e.new_at.start.checked_sub(span.start).and_then(|a| span.text.get(cursor - span.start..a));
        let Some(same) = same.filter(|_| e.new_at.start >= cursor && e.new_at.end <= span.end) else {
            return vec![Piece::Same(&span.text)];
        };
        if !same.is_empty() {
            out.push(Piece::Same(same));
        }
        if e.op != EditOp::Insert {
            out.push(Piece::Deleted(&e.old));
        }
        if e.op != EditOp::Delete {
            out.push(Piece::Inserted(&e.new));
        }
        cursor = e.new_at.end;
    }
    match span.text.get(cursor - span.start..) {
        Some("") => {}
        Some(rest) => out.push(Piece::Same(rest)),
        None => return vec![Piece::Same(&span.text)],
    }
    out
}

/// Rows for a report that carries only its changes (read back from JSON
/// written without `--full`, or built with `Options::rows` off): one row
/// per change, so the renderers that show rows still show every change.
pub(crate) fn rows_from_changes(report: &crate::report::Report) -> Vec<crate::report::Row> {
    use crate::report::{ChangeKind, Row, RowKind};
    report
        .changes
        .iter()
        .map(|c| {
            let kind = match c.kind {
                ChangeKind::Modified => RowKind::Modified,
                ChangeKind::Added => RowKind::Added,
                ChangeKind::Removed => RowKind::Removed,
                ChangeKind::Moved => RowKind::MovedTo,
            };
            let old = if kind == RowKind::MovedTo { None } else { c.old.clone() };
            Row { kind, old, new: c.new.clone(), change: Some(c.id) }
        })
        .collect()
}
