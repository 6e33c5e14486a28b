//! Step 4: project a token alignment onto sentences.
//!
//! Users read a report sentence by sentence, so the token alignment of a
//! region is cut back into rows: by default every sentence of the OLD
//! version is a row, holding the stretch of the new version that
//! corresponds to it. Where the new version cut its sentences elsewhere, a
//! new sentence is split at the right place and appears in both rows.
//!
//! Each old sentence boundary `p` (a token index) gets an *image* in the
//! new token stream:
//!
//! - inside an equal run, the corresponding position;
//! - at a hunk's first or last old token, the hunk's first or last new
//!   token;
//! - where several whole old sentences were replaced by whole new
//!   sentences that share no token with them in order, no new text at all:
//!   the old sentences are removed and the new ones added (after them);
//!   one old sentence keeps them all, and the next step decides whether it
//!   was reworded or replaced;
//! - strictly inside another replacement, the new sentence boundary nearest to
//!   the proportional position, or that position itself when the new side
//!   has no boundary there (`X1。|X2。` → `Y1，Y2。` splits after `Y1，`);
//! - at a pure insertion, a *range*: the new text before the first new
//!   sentence boundary in the insertion belongs to the sentence before,
//!   whole new sentences in it are rows of their own (added), and the text
//!   after the last boundary belongs to the sentence after.
//!
//! A row's new text is what lies between the images of its two boundaries.

use super::regions::Op;
use super::tokens::Tokens;
use std::ops::Range;

/// How a projected row relates the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The old sentence's tokens equal the new tokens, all of them.
    Same,
    /// Tokens differ.
    Changed,
    /// An old sentence with no new text.
    Removed,
    /// A whole new sentence with no old text.
    Added,
}

/// One row of a projected region, in token coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Projected {
    pub shape: Shape,
    /// The old tokens: one whole sentence, or for an added row the (empty)
    /// place it falls before.
    pub old: Range<usize>,
    /// The new tokens (any stretch; empty for a removed row).
    pub new: Range<usize>,
}

/// Project `ops` (an alignment of `ta` with `tb`) onto the old sentences.
pub(crate) fn project(ta: &Tokens, tb: &Tokens, ops: &[Op]) -> Vec<Projected> {
    // Old boundaries: the first token of every old sentence, and the end.
    let mut bounds: Vec<usize> = (0..ta.len()).filter(|&t| ta.starts_sentence(t)).collect();
    bounds.push(ta.len());
    // New sentence boundaries, for binary search.
    let mut new_bounds: Vec<usize> = (0..tb.len()).filter(|&t| tb.starts_sentence(t)).collect();
    new_bounds.push(tb.len());

    let mut images = Vec::with_capacity(bounds.len());
    let mut i = 0;
    for &p in &bounds {
        images.push(image(p, ops, &mut i, &bounds, &new_bounds, tb.len()));
    }

    let mut out = Vec::with_capacity(bounds.len() + 4);
    // Whole new sentences `r`, added before old token `at`.
    let added = |out: &mut Vec<Projected>, r: Range<usize>, at: usize| {
        let mut s = r.start;
        while s < r.end {
            let e = (s + 1..r.end).find(|&t| tb.starts_sentence(t)).unwrap_or(r.end);
            out.push(Projected { shape: Shape::Added, old: at..at, new: s..e });
            s = e;
        }
    };
    for k in 0..bounds.len() - 1 {
        let (lo, hi) = images[k];
        added(&mut out, lo..hi, bounds[k]);
        let old = bounds[k]..bounds[k + 1];
        let start = hi;
        let end = images[k + 1].0.max(start);
        let new = start..end;
        let shape = if new.is_empty() {
            Shape::Removed
        } else if all_equal(ops, &old, &new) {
            Shape::Same
        } else {
            Shape::Changed
        };
        out.push(Projected { shape, old, new });
    }
    let (lo, hi) = images[bounds.len() - 1];
    added(&mut out, lo..hi, ta.len());
    out
}

/// The image of old boundary `p` (see the module docs): new text before
/// `.0` belongs to the row before, text from `.1` to the row after, whole
/// sentences between them are added rows. `i` walks the ops forward.
fn image(
    p: usize,
    ops: &[Op],
    i: &mut usize,
    bounds: &[usize],
    new_bounds: &[usize],
    new_len: usize,
) -> (usize, usize) {
    let old_of = |op: &Op| match op {
        Op::Equal { old, .. } | Op::Hunk { old, .. } => old.clone(),
    };
    while *i < ops.len()
        && (old_of(&ops[*i]).end < p || old_of(&ops[*i]).end == p && is_equal(&ops[*i]) && *i + 1 < ops.len())
    {
        *i += 1;
    }
    let Some(op) = ops.get(*i) else {
        return (new_len, new_len);
    };
    match op {
        Op::Equal { old, new } => {
            let q = new.start + p.saturating_sub(old.start).min(old.len());
            (q, q)
        }
        Op::Hunk { old, new } => {
            let (d0, d1, i0, i1) = (old.start, old.end, new.start, new.end);
            if d0 == d1 {
                // A pure insertion: whole sentences in it are added rows.
                let first = new_bounds.partition_point(|&b| b < i0);
                let last = new_bounds.partition_point(|&b| b <= i1);
                if first < last {
                    (new_bounds[first], new_bounds[last - 1])
                } else {
                    (i1, i1)
                }
            } else if is_bound(bounds, d0)
                && is_bound(bounds, d1)
                && is_bound(new_bounds, i0)
                && is_bound(new_bounds, i1)
                && !one_sentence(bounds, d0, d1)
            {
                // Whole sentences replaced by whole sentences that share no
                // token in order: removed, then added (at the hunk's end).
                if p >= d1 {
                    (i0, i1)
                } else {
                    (i0, i0)
                }
            } else if p <= d0 {
                (i0, i0)
            } else if p >= d1 || i0 == i1 {
                (i1, i1)
            } else {
                let t = i0 + ((p - d0) * (i1 - i0) + (d1 - d0) / 2) / (d1 - d0);
                // The new sentence boundary strictly inside the hunk nearest to t.
                let lo = new_bounds.partition_point(|&b| b <= i0);
                let hi = new_bounds.partition_point(|&b| b < i1);
                let inside = &new_bounds[lo..hi];
                let q = if inside.is_empty() {
                    t
                } else {
                    let j = inside.partition_point(|&b| b < t);
                    let after = inside.get(j).copied();
                    let before = j.checked_sub(1).map(|j| inside[j]);
                    match (before, after) {
                        (Some(x), Some(y)) => {
                            if t - x <= y - t {
                                x
                            } else {
                                y
                            }
                        }
                        (Some(x), None) => x,
                        (None, Some(y)) => y,
                        (None, None) => t,
                    }
                };
                (q, q)
            }
        }
    }
}

/// Is `d0..d1` (both boundaries) exactly one sentence?
fn one_sentence(bounds: &[usize], d0: usize, d1: usize) -> bool {
    let i = bounds.partition_point(|&b| b <= d0);
    bounds.get(i) == Some(&d1)
}

fn is_bound(sorted: &[usize], t: usize) -> bool {
    sorted.binary_search(&t).is_ok()
}

fn is_equal(op: &Op) -> bool {
    matches!(op, Op::Equal { .. })
}

/// Are old tokens `old` equal, one for one, to new tokens `new`?
fn all_equal(ops: &[Op], old: &Range<usize>, new: &Range<usize>) -> bool {
    if old.len() != new.len() {
        return false;
    }
    // The last op starting at or before old.start that covers it.
    let k = ops.partition_point(|op| match op {
        Op::Equal { old: o, .. } | Op::Hunk { old: o, .. } => o.start <= old.start,
    });
    ops[..k].iter().rev().any(|op| match op {
        Op::Equal { old: o, new: n } => {
            o.start <= old.start && old.end <= o.end && n.start + (old.start - o.start) == new.start
        }
        Op::Hunk { .. } => false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::regions::{align_tokens, Bounds};
    use super::*;
    use std::time::{Duration, Instant};

    /// Token streams of sentences given as strings of single-char tokens.
    fn stream(sentences: &[&str]) -> Tokens {
        let mut t = Tokens::default();
        let mut at = 0;
        for (s, text) in sentences.iter().enumerate() {
            for c in text.chars() {
                t.push(c as u32, at..at + 1, s);
                at += 1;
            }
        }
        t
    }

    fn align(ta: &Tokens, tb: &Tokens) -> Vec<Op> {
        let bounds = Bounds {
            old: &|t| ta.starts_sentence(t),
            new: &|t| tb.starts_sentence(t),
            old_width: &|r| r.len(),
            new_width: &|r| r.len(),
        };
        align_tokens(&ta.ids, &tb.ids, Instant::now() + Duration::from_secs(60), &bounds)
    }

    /// Rows as (shape, old text, new text).
    fn rows(old: &[&str], new: &[&str]) -> Vec<(Shape, String, String)> {
        let (ta, tb) = (stream(old), stream(new));
        let ops = align(&ta, &tb);
        let text =
            |t: &Tokens, r: &Range<usize>| t.ids[r.clone()].iter().map(|&c| char::from_u32(c).unwrap()).collect();
        project(&ta, &tb, &ops).iter().map(|p| (p.shape, text(&ta, &p.old), text(&tb, &p.new))).collect()
    }

    fn r(shape: Shape, o: &str, n: &str) -> (Shape, String, String) {
        (shape, o.to_string(), n.to_string())
    }

    #[test]
    fn a_changed_terminator_is_an_edit_inside_one_row() {
        assert_eq!(
            rows(&["甲乙。", "丙丁。"], &["甲乙；丙丁。"]),
            [r(Shape::Changed, "甲乙。", "甲乙；"), r(Shape::Same, "丙丁。", "丙丁。")]
        );
    }

    #[test]
    fn a_dropped_terminator_splits_the_new_sentence_between_rows() {
        assert_eq!(
            rows(&["甲乙", "丙丁。"], &["甲乙丙丁。"]),
            [r(Shape::Same, "甲乙", "甲乙"), r(Shape::Same, "丙丁。", "丙丁。")]
        );
    }

    #[test]
    fn whole_new_sentences_are_added_rows() {
        assert_eq!(
            rows(&["甲。", "乙。"], &["甲。", "新句。", "乙。"]),
            [r(Shape::Same, "甲。", "甲。"), r(Shape::Added, "", "新句。"), r(Shape::Same, "乙。", "乙。")]
        );
        assert_eq!(rows(&[], &["新。", "句。"]), [r(Shape::Added, "", "新。"), r(Shape::Added, "", "句。")]);
    }

    #[test]
    fn removed_sentences_have_no_new_text() {
        assert_eq!(
            rows(&["甲。", "旧句。", "乙。"], &["甲。", "乙。"]),
            [r(Shape::Same, "甲。", "甲。"), r(Shape::Removed, "旧句。", ""), r(Shape::Same, "乙。", "乙。")]
        );
    }

    #[test]
    fn text_added_at_a_boundary_goes_with_its_own_sentence() {
        // Appended to the first sentence (its new sentence continues).
        assert_eq!(
            rows(&["甲乙。", "丙丁。"], &["甲乙戊", "己。丙丁。"]).into_iter().map(|x| x.0).collect::<Vec<_>>(),
            [Shape::Changed, Shape::Same]
        );
        // Prepended to the second.
        assert_eq!(
            rows(&["甲乙。", "丙丁。"], &["甲乙。", "戊丙丁。"]),
            [r(Shape::Same, "甲乙。", "甲乙。"), r(Shape::Changed, "丙丁。", "戊丙丁。")]
        );
    }

    #[test]
    fn whole_sentences_replaced_by_unrelated_ones_are_removed_and_added() {
        assert_eq!(
            rows(&["甲乙", "丙丁", "戊"], &["子丑寅卯", "戊"]),
            [
                r(Shape::Removed, "甲乙", ""),
                r(Shape::Removed, "丙丁", ""),
                r(Shape::Added, "", "子丑寅卯"),
                r(Shape::Same, "戊", "戊")
            ]
        );
    }

    #[test]
    fn a_replacement_across_a_boundary_is_split_in_proportion() {
        assert_eq!(
            rows(&["甲乙。", "丙丁。"], &["甲戊，己丁。"]),
            [r(Shape::Changed, "甲乙。", "甲戊，"), r(Shape::Changed, "丙丁。", "己丁。")]
        );
    }

    #[test]
    fn rows_cover_both_streams_in_order() {
        let cases: &[(&[&str], &[&str])] = &[
            (&["一二三。", "四五。", "六七八九。"], &["一二。三四", "五六。", "七", "八九十。"]),
            (&["甲。"], &["乙。", "丙。", "丁。"]),
            (&["甲。", "乙。", "丙。"], &["丁。"]),
            (&["abc", "def", "ghi"], &["xyz"]),
        ];
        for (old, new) in cases {
            let (ta, tb) = (stream(old), stream(new));
            let ops = align(&ta, &tb);
            let rows = project(&ta, &tb, &ops);
            let (mut o, mut n) = (0, 0);
            for p in &rows {
                assert_eq!(p.new.start, n, "{rows:?}");
                n = p.new.end;
                if p.shape != Shape::Added {
                    assert_eq!(p.old.start, o, "{rows:?}");
                    o = p.old.end;
                }
            }
            assert_eq!((o, n), (ta.len(), tb.len()), "{rows:?}");
            assert_eq!(rows.iter().filter(|p| p.shape != Shape::Added).count(), old.len());
        }
    }
}
