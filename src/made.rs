//! Stage 7a: the changes as the fold makes them, and the report's
//! [`Change`]s made from them when they are asked for.
//!
//! A [`Change`] holds its sentences' original text, their spans and its
//! edits, each edit's text and locations: a report of a 1 MB pair whose
//! every sentence changed is ten megabytes of them, five times its inputs.
//! The fold of the aligned rows (in `compare`) decides everything a change
//! says (its kind, class, similarity, sentences, and its spans and edits
//! as byte ranges of the two sources, each edit classed) and writes that
//! here, in [`MadeChange`] and [`MadeEdit`] records of a few dozen bytes,
//! with no text. [`Made::fill`] then makes the [`Change`]s: it slices the
//! text, finds the lines and columns, the page and time of each span and
//! its section. That is presentation, not analysis: a change is made the
//! same however many times and in whatever order it is asked for, so a
//! renderer that writes as it goes (the JSON writer,
//! [`crate::Comparison`]) makes a few hundred at a time and never holds
//! them all, and [`crate::compare`] makes every one for a whole
//! [`crate::Report`].

use crate::diff::Range32;
use crate::input::Source;
use crate::report::{Change, ChangeKind, Edit, EditClass, EditOp, Locator, Span};
use crate::structure::Outline;
use std::ops::Range;

/// An edit as the fold makes it: its operation and class, and its old and
/// new text as byte ranges of the two sources.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MadeEdit {
    pub op: EditOp,
    pub class: EditClass,
    pub old: Range32,
    pub new: Range32,
    /// Its group in the summary's recurring edits, or [`NOT_RECURRING`].
    pub recurring: u32,
}

/// [`MadeEdit::recurring`] of an edit that belongs to no group.
pub(crate) const NOT_RECURRING: u32 = u32::MAX;

/// A change as the fold makes it (see the module docs); its id is its
/// index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MadeChange {
    pub kind: ChangeKind,
    pub class: EditClass,
    /// Do its spans take their page and time from its edits (a modified
    /// sentence: where the changed words are, not where the sentence
    /// starts)?
    pub placed: bool,
    pub similarity: f32,
    /// Its old and new text, as byte ranges of the two sources.
    pub old: Option<Range32>,
    pub new: Option<Range32>,
    /// Its edits, in [`Made::edits`].
    pub edits: Range32,
    pub old_sentences: Range32,
    pub new_sentences: Range32,
}

impl MadeChange {
    /// What a change's place holds until the fold fills it.
    pub fn placeholder() -> MadeChange {
        MadeChange {
            kind: ChangeKind::Modified,
            class: EditClass::Wording,
            placed: false,
            similarity: 0.0,
            old: None,
            new: None,
            edits: Range32::default(),
            old_sentences: Range32::default(),
            new_sentences: Range32::default(),
        }
    }
}

/// The changes of a comparison as the fold made them, and everything
/// that making their [`Change`]s reads.
pub(crate) struct Made<'s> {
    pub changes: Vec<MadeChange>,
    /// Every change's edits, in order.
    pub edits: Vec<MadeEdit>,
    pub sources: [&'s Source; 2],
    /// The versions' outlines, for the spans' sections.
    pub outlines: [Outline; 2],
}

/// Changes made at a time by [`Made::fill`] on one of rayon's threads.
const FILL_PIECE: usize = 512;

impl Made<'_> {
    /// Make the [`Change`]s of records `first..first + out.len()` into
    /// `out`: on rayon's pool in pieces when there are many (each piece
    /// locates its spans from where its first one is).
    pub fn fill(&self, first: usize, out: &mut [Change]) {
        if out.len() <= FILL_PIECE {
            return self.fill_piece(first, out);
        }
        use rayon::prelude::*;
        out.par_chunks_mut(FILL_PIECE)
            .with_max_len(1)
            .enumerate()
            .for_each(|(k, piece)| self.fill_piece(first + k * FILL_PIECE, piece));
    }

    /// The [`Change`]s of records `range`.
    pub fn changes(&self, range: Range<usize>) -> Vec<Change> {
        // Populated at once (one system call, not a page fault for each of
        // the hundreds of pages the changes of a book whose every sentence
        // changed take) before the placeholders are written.
        let mut out = Vec::with_capacity(range.len());
        crate::prefault::spare(&mut out);
        out.resize(range.len(), placeholder());
        self.fill(range.start, &mut out);
        out
    }

    /// [`Made::fill`] on this thread.
    fn fill_piece(&self, first: usize, out: &mut [Change]) {
        let [old, new] = self.sources;
        let (mut ol, mut nl) = (Locator::new(old), Locator::new(new));
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = self.make(first + k, &mut ol, &mut nl);
        }
    }

    /// Change `id`, its spans and edits located by `ol` and `nl`.
    fn make(&self, id: usize, ol: &mut Locator, nl: &mut Locator) -> Change {
        let m = &self.changes[id];
        let [old, new] = self.sources;
        let span = |loc: &mut Locator, r: Option<Range32>| r.map(|r| Box::new(loc.span(r.start(), r.end())));
        let (mut old_span, mut new_span) = (span(ol, m.old), span(nl, m.new));
        let edits: Vec<Edit> = self.edits[m.edits.get()]
            .iter()
            .map(|e| Edit {
                op: e.op,
                old: old.text[e.old.get()].to_string(),
                new: new.text[e.new.get()].to_string(),
                class: e.class,
                old_at: ol.location(e.old.start(), e.old.end()),
                new_at: nl.location(e.new.start(), e.new.end()),
                recurring: (e.recurring != NOT_RECURRING).then_some(e.recurring as usize),
            })
            .collect();
        if m.placed {
            // Page and time of the changed words, not of the whole sentence.
            let at = |side: fn(&Edit) -> (usize, usize)| edits.iter().map(side).collect::<Vec<_>>();
            if let Some(s) = old_span.as_mut() {
                ol.place(s, &at(|e| (e.old_at.start, e.old_at.end)));
            }
            if let Some(s) = new_span.as_mut() {
                nl.place(s, &at(|e| (e.new_at.start, e.new_at.end)));
            }
        }
        // A modified change is labelled by where its first edit is,
        // anything else by where it starts.
        let first = edits.first().filter(|_| m.kind == ChangeKind::Modified);
        let [oo, no] = &self.outlines;
        label(oo, old_span.as_deref_mut(), first.map(|e| e.old_at.start));
        label(no, new_span.as_deref_mut(), first.map(|e| e.new_at.start));
        Change {
            id,
            kind: m.kind,
            class: m.class,
            old: old_span,
            new: new_span,
            similarity: m.similarity,
            edits,
            old_sentences: [m.old_sentences.start(), m.old_sentences.end()],
            new_sentences: [m.new_sentences.start(), m.new_sentences.end()],
        }
    }
}

/// Give `span` its section and path in `outline` (of a numbered
/// document): where `at` is, or where the span starts.
pub(crate) fn label(outline: &Outline, span: Option<&mut Span>, at: Option<usize>) {
    if outline.is_empty() {
        return;
    }
    if let Some(s) = span {
        (s.section, s.path) = outline.label_at(at.unwrap_or(s.start));
    }
}

/// What a change's place holds until it is made.
pub(crate) fn placeholder() -> Change {
    Change {
        id: 0,
        kind: ChangeKind::Modified,
        class: EditClass::Wording,
        old: None,
        new: None,
        similarity: 0.0,
        edits: Vec::new(),
        old_sentences: [0; 2],
        new_sentences: [0; 2],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records stay small: the fold writes one per change of a report
    /// whose every sentence changed, and they are held until it is written.
    #[test]
    fn records_are_compact() {
        assert_eq!((std::mem::size_of::<MadeChange>(), std::mem::size_of::<MadeEdit>()), (56, 24));
    }
}
