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
//! - [`table`]: the comparison table (对照表) of a numbered document, one row
//!   per article, as HTML or CSV.

pub mod captions;
pub mod collate_html;
pub mod collate_terminal;
pub mod escape;
pub mod html;
pub mod json;
pub mod table;
pub mod tei;
pub mod terminal;

use crate::report::{Change, Edit, EditOp, Span};

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
    span_pieces(span, &change.edits, old, |_| false)
}

/// One side of `span` (a change's old or new text, or one sentence of it)
/// as pieces, with `edits` (those inside `span`, in order: see
/// [`edits_within`]) marked — except the edits `plain` picks, shown as
/// their text on that side (renumbering, when it is hidden).
pub fn span_pieces<'a>(span: &'a Span, edits: &'a [Edit], old: bool, plain: impl Fn(&Edit) -> bool) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut cursor = span.start;
    for e in edits {
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
            out.push(if plain(e) {
                Piece::Same(t)
            } else if old {
                Piece::Deleted(t)
            } else {
                Piece::Inserted(t)
            });
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

/// The edits of `change` that lie inside `span` on one side: a sentence of
/// a change that covers several (a unit that moved as a whole).
pub fn edits_within<'a>(change: &'a Change, span: &Span, old: bool) -> &'a [Edit] {
    let at = |e: &Edit| if old { e.old_at } else { e.new_at };
    let a = change.edits.partition_point(|e| at(e).start < span.start);
    let b = a + change.edits[a..].partition_point(|e| at(e).start <= span.end && at(e).end <= span.end);
    &change.edits[a..b]
}

/// A modified change as one line: the new text with deletions and insertions
/// in place (the `wdiff` view).
pub fn merged_pieces(change: &Change) -> Vec<Piece<'_>> {
    let Some(span) = &change.new else { return old_pieces(change) };
    merged_span_pieces(span, &change.edits, |_| false)
}

/// [`merged_pieces`] of `span` (the new text of a change, or one sentence
/// of it) with `edits`, the edits `plain` picks shown as their new text.
pub fn merged_span_pieces<'a>(span: &'a Span, edits: &'a [Edit], plain: impl Fn(&Edit) -> bool) -> Vec<Piece<'a>> {
    let mut out = Vec::new();
    let mut cursor = span.start;
    for e in edits {
        let same = e.new_at.start.checked_sub(span.start).and_then(|a| span.text.get(cursor - span.start..a));
        let Some(same) = same.filter(|_| e.new_at.start >= cursor && e.new_at.end <= span.end) else {
            return vec![Piece::Same(&span.text)];
        };
        if !same.is_empty() {
            out.push(Piece::Same(same));
        }
        if plain(e) {
            if !e.new.is_empty() {
                out.push(Piece::Same(&e.new));
            }
        } else {
            if e.op != EditOp::Insert {
                out.push(Piece::Deleted(&e.old));
            }
            if e.op != EditOp::Delete {
                out.push(Piece::Inserted(&e.new));
            }
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
            Row { kind, old, new: c.new.clone(), change: Some(c.id), skipped: 0 }
        })
        .collect()
}
