//! Stage 8: renderers — pure functions of a [`Report`](crate::Report).
//!
//! Every renderer reads the same report model and never diffs again, so the
//! terminal, JSON and HTML outputs always agree.
//!
//! - [`terminal`]: the coloured (or `[-…-]{+…+}`-marked) text report, inline
//!   or side by side.
//! - [`json`]: the machine-readable report documented in `docs/json.md`.

pub mod escape;
pub mod html;
pub mod json;
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
        if at.start > cursor {
            out.push(Piece::Same(&span.text[cursor - span.start..at.start - span.start]));
        }
        let t = if old { e.old.as_str() } else { e.new.as_str() };
        if !t.is_empty() {
            out.push(if old { Piece::Deleted(t) } else { Piece::Inserted(t) });
        }
        cursor = cursor.max(at.end);
    }
    if cursor < span.end {
        out.push(Piece::Same(&span.text[cursor - span.start..]));
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
        if e.new_at.start > cursor {
            out.push(Piece::Same(&span.text[cursor - span.start..e.new_at.start - span.start]));
        }
        if e.op != EditOp::Insert {
            out.push(Piece::Deleted(&e.old));
        }
        if e.op != EditOp::Delete {
            out.push(Piece::Inserted(&e.new));
        }
        cursor = cursor.max(e.new_at.end);
    }
    if cursor < span.end {
        out.push(Piece::Same(&span.text[cursor - span.start..]));
    }
    out
}
