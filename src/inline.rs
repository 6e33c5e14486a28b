//! Stage 5: inline diff — the wording changes inside a pair of modified
//! sentences.
//!
//! The two keys are cut into word tokens ([`crate::tokenize`]), diffed with
//! `similar` (Myers, under the caller's deadline), and then cleaned up so
//! that the edits read as a person would write them:
//!
//! - an equality that is no longer than the edits on both sides of it is
//!   folded into one replacement (diff-match-patch's semantic clean-up), so
//!   `step up communication` → `start up communications` is one edit rather
//!   than two with a lonely ` up ` between them; an equality that holds
//!   punctuation is kept, because a clause mark is a natural edit boundary;
//! - a replacement of Han words is trimmed of Han characters common to both
//!   sides, in case the word segmenter cut the two versions differently.
//!
//! The result is a list of [`Piece`]s covering both sentences, as character
//! index ranges into the two key-character slices. Equal pieces are kept:
//! the classifier counts the noise they absorbed.

use crate::chars::{is_han, is_punct};
use crate::normalize::NChar;
use crate::tokenize::{tokenize_beside, Token};
use similar::{Algorithm, DiffOp};
use std::ops::Range;
use std::time::Instant;

/// What a piece of the inline diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// Same in both.
    Equal,
    /// Only in the old sentence.
    Delete,
    /// Only in the new sentence.
    Insert,
    /// Old text replaced by new text.
    Replace,
}

/// A piece of an inline diff: character ranges into the old and new keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Kind.
    pub kind: PieceKind,
    /// Old key characters (empty for an insertion).
    pub old: Range<usize>,
    /// New key characters (empty for a deletion).
    pub new: Range<usize>,
}

/// A piece of an inline diff as a row keeps it: its kind and how many old
/// and new key characters it covers. The pieces of a diff cover both
/// sentences in order, each from where the one before it ended (see
/// [`diff_chars`]), so their ranges are running sums of these
/// ([`PackedPiece::unpack_all`]): 12 bytes a piece, where its two ranges
/// in 32 bits took 20 (and a [`Piece`] 40). A book whose every sentence
/// changed holds tens of thousands of inline diffs at once, from the
/// refinements to the end of the report's fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PackedPiece {
    kind: PieceKind,
    old_len: u32,
    new_len: u32,
}

impl PackedPiece {
    /// Kind.
    #[inline]
    pub(crate) fn kind(&self) -> PieceKind {
        self.kind
    }

    /// The pieces of an inline diff, packed in a list of their own size.
    /// They must cover both sides in order from their first characters
    /// on, as [`diff_chars`]'s do.
    pub(crate) fn pack(pieces: &[Piece]) -> Box<[PackedPiece]> {
        let (mut old, mut new) = (0, 0);
        pieces
            .iter()
            .map(|p| {
                assert!(p.old.start == old && p.new.start == new, "an inline diff's pieces follow each other");
                (old, new) = (p.old.end, p.new.end);
                debug_assert!(u32::try_from(old.max(new)).is_ok(), "a row's key characters are counted in 32 bits");
                PackedPiece { kind: p.kind, old_len: p.old.len() as u32, new_len: p.new.len() as u32 }
            })
            .collect()
    }

    /// The pieces with their ranges, in order.
    pub(crate) fn unpack_all(pieces: &[PackedPiece]) -> impl Iterator<Item = Piece> + '_ {
        pieces.iter().scan((0usize, 0usize), |(old, new), p| {
            let (o, n) = (*old..*old + p.old_len as usize, *new..*new + p.new_len as usize);
            (*old, *new) = (o.end, n.end);
            Some(Piece { kind: p.kind, old: o, new: n })
        })
    }
}

/// Diff two sentences given as key characters.
#[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
pub fn diff_sentences(old: &[NChar], new: &[NChar], deadline: Option<Instant>) -> Vec<Piece> {
    let oc: Vec<char> = old.iter().map(|c| c.ch).collect();
    let nc: Vec<char> = new.iter().map(|c| c.ch).collect();
    diff_chars(&oc, &nc, deadline)
}

/// Diff two character sequences (keys) by word tokens; see the module docs.
///
/// The result does not depend on which side is called old: a diff
/// algorithm may choose between equally short edit scripts differently in
/// the two directions, so the pair is always diffed in one canonical order
/// and the result mirrored when needed. compare(a, b) and compare(b, a)
/// therefore report mirrored edits.
pub fn diff_chars(oc: &[char], nc: &[char], deadline: Option<Instant>) -> Vec<Piece> {
    // Only the stretch between the common beginning and end needs words:
    // widened to the nearest characters that are no part of a word (a
    // mark, a space), it is cut into exactly the words the whole sentence
    // would be (Han runs and words are cut on their own), and everything
    // outside it is equal. A sentence with one changed character costs the
    // word segmenter one clause, not the whole sentence.
    let (from, to_old, to_new) = changed_window(oc, nc);
    if from > 0 || to_old < oc.len() {
        let mut pieces = Vec::with_capacity(8);
        push_merged(&mut pieces, Piece { kind: PieceKind::Equal, old: 0..from, new: 0..from });
        for p in diff_chars(&oc[from..to_old], &nc[from..to_new], deadline) {
            let shift = |r: Range<usize>| r.start + from..r.end + from;
            push_merged(&mut pieces, Piece { kind: p.kind, old: shift(p.old), new: shift(p.new) });
        }
        let (eo, en) = (oc.len() - to_old, nc.len() - to_new);
        debug_assert_eq!(eo, en);
        push_merged(&mut pieces, Piece { kind: PieceKind::Equal, old: to_old..oc.len(), new: to_new..nc.len() });
        return pieces;
    }
    if oc > nc {
        let mut pieces = diff_ordered(nc, oc, deadline);
        for p in &mut pieces {
            std::mem::swap(&mut p.old, &mut p.new);
            p.kind = match p.kind {
                PieceKind::Delete => PieceKind::Insert,
                PieceKind::Insert => PieceKind::Delete,
                k => k,
            };
        }
        return pieces;
    }
    diff_ordered(oc, nc, deadline)
}

/// The common beginning and end of `oc` and `nc`, each stopped at a
/// character that is no part of a word (so the stretch between holds whole
/// words and whole Han runs): `(end of the beginning, start of the end in
/// oc, in nc)`. Returns `(0, oc.len(), nc.len())` when there is no such
/// place to stop.
fn changed_window(oc: &[char], nc: &[char]) -> (usize, usize, usize) {
    let wordy = |c: char| is_han(c) || crate::chars::is_word_char(c);
    let mut p = oc.iter().zip(nc).take_while(|(a, b)| a == b).count();
    let max_s = oc.len().min(nc.len()) - p;
    let mut s = oc.iter().rev().zip(nc.iter().rev()).take(max_s).take_while(|(a, b)| a == b).count();
    // Back off into the common part to a character outside any word, and
    // take up to two such characters into the window too: an edit next to
    // a space may slide across it (see `place_at_word_start`).
    while p > 0 && wordy(oc[p - 1]) {
        p -= 1;
    }
    for _ in 0..2 {
        if p > 0 && !wordy(oc[p - 1]) {
            p -= 1;
        }
    }
    while p > 0 && wordy(oc[p - 1]) {
        p -= 1;
    }
    while s > 0 && wordy(oc[oc.len() - s]) {
        s -= 1;
    }
    for _ in 0..2 {
        if s > 0 && !wordy(oc[oc.len() - s]) {
            s -= 1;
        }
    }
    while s > 0 && wordy(oc[oc.len() - s]) {
        s -= 1;
    }
    (p, oc.len() - s, nc.len() - s)
}

/// Token pairs below which an inline diff runs without looking at the
/// clock.
const SMALL_DIFF: usize = 4096;

/// Do `pieces` cover `0..old` and `0..new` in order, without gaps (what
/// [`diff_chars`] promises; checked in debug builds)?
fn covers(pieces: &[Piece], old: usize, new: usize) -> bool {
    let mut at = (0, 0);
    for p in pieces {
        if (p.old.start, p.new.start) != at {
            return false;
        }
        at = (p.old.end, p.new.end);
    }
    at == (old, new)
}

thread_local! {
    /// This thread's token lists for [`diff_ordered`], kept from diff to
    /// diff: a book whose every sentence changed makes tens of thousands.
    static TOKENS: std::cell::RefCell<(Vec<Token>, Vec<Token>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Token lists longer than this are let go after use.
const TOKENS_KEEP: usize = 1 << 12;

/// A text's words as the diff reads them: item `i` is the characters of
/// token `i` (so that the diff needs no list of slices of its own).
struct Words<'a> {
    chars: &'a [char],
    tokens: &'a [Token],
}

impl std::ops::Index<usize> for Words<'_> {
    type Output = [char];

    fn index(&self, i: usize) -> &[char] {
        &self.chars[self.tokens[i].range.clone()]
    }
}

fn diff_ordered(oc: &[char], nc: &[char], deadline: Option<Instant>) -> Vec<Piece> {
    TOKENS.with_borrow_mut(|(ot, nt)| {
        tokenize_beside(oc, None, ot);
        tokenize_beside(nc, Some((oc, ot)), nt);
        let pieces = diff_tokens(oc, ot, nc, nt, deadline);
        if ot.capacity().max(nt.capacity()) > TOKENS_KEEP {
            (*ot, *nt) = (Vec::new(), Vec::new());
        }
        pieces
    })
}

fn diff_tokens(oc: &[char], ot: &[Token], nc: &[char], nt: &[Token], deadline: Option<Instant>) -> Vec<Piece> {
    // A small diff finishes in microseconds: asking the clock at every
    // step of it (as a deadline makes Myers do) would cost more than the
    // diff. Past the deadline the caller stops starting new ones.
    let deadline = deadline.filter(|_| ot.len() * nt.len() > SMALL_DIFF);
    let (ow, nw) = (Words { chars: oc, tokens: ot }, Words { chars: nc, tokens: nt });
    let ops = similar::capture_diff_deadline(Algorithm::Myers, &ow, 0..ot.len(), &nw, 0..nt.len(), deadline);

    // Token ranges -> character ranges.
    let ochar = |r: Range<usize>| token_chars(ot, oc.len(), r);
    let nchar = |r: Range<usize>| token_chars(nt, nc.len(), r);
    let mut pieces: Vec<Piece> = Vec::new();
    for op in ops {
        let kind = match op {
            DiffOp::Equal { .. } => PieceKind::Equal,
            DiffOp::Delete { .. } => PieceKind::Delete,
            DiffOp::Insert { .. } => PieceKind::Insert,
            DiffOp::Replace { .. } => PieceKind::Replace,
        };
        let p = Piece { kind, old: ochar(op.old_range()), new: nchar(op.new_range()) };
        push_merged(&mut pieces, p);
    }
    let pieces = semantic_cleanup(pieces, oc);
    let pieces = trim_han(pieces, oc, nc);
    let pieces = place_at_word_start(pieces, oc, nc);
    debug_assert!(covers(&pieces, oc.len(), nc.len()), "{pieces:?} do not cover {oc:?} and {nc:?}");
    pieces
}

/// An insertion or deletion next to a space can often stand on either side
/// of it (`said {+that +}it` is `said{+ that+} it`). Which one a diff picks
/// depends on the rest of the sentence, so two versions with the same
/// reading would show it differently (and collation would count two
/// variation points). The edit is put at the leftmost place where it
/// stands between words and its text starts with a word; where there is
/// none, it stays where it is.
fn place_at_word_start(mut pieces: Vec<Piece>, oc: &[char], nc: &[char]) -> Vec<Piece> {
    // The equal text an edit at either end slides over: it stands on the
    // edit's other side afterwards, where no piece holds it yet (`a` →
    // `a a`: the insertion slides to the front, the `a` is equal after it).
    let (mut head, mut tail) = (None, None);
    for i in 0..pieces.len() {
        let p = pieces[i].clone();
        let (seq, r) = match p.kind {
            PieceKind::Insert => (nc, p.new.clone()),
            PieceKind::Delete => (oc, p.old.clone()),
            _ => continue,
        };
        let eq_len = |q: Option<&Piece>| q.filter(|q| q.kind == PieceKind::Equal).map_or(0, |q| q.old.len());
        let (before, after) = (eq_len(i.checked_sub(1).and_then(|j| pieces.get(j))), eq_len(pieces.get(i + 1)));
        let (left, right) = slide_room(seq, &r, before, after);
        if left == 0 && right == 0 {
            continue;
        }
        // The text of the edit shifted by d is seq[r.start + d .. r.end + d];
        // it may only stand between words, and should start with one.
        let at = |x: usize, d: isize| (x as isize + d) as usize;
        let word = |c: char| crate::chars::is_word_char(c) && !is_han(c);
        let boundary = |x: usize| x == 0 || x >= seq.len() || !word(seq[x - 1]) || !word(seq[x]);
        let fits = |d: isize| boundary(at(r.start, d)) && boundary(at(r.end, d)) && seq[at(r.start, d)] != ' ';
        let Some(d) = (-(left as isize)..=right as isize).find(|&d| fits(d)) else { continue };
        if d == 0 {
            continue;
        }
        let shift = |x: usize| (x as isize + d) as usize;
        pieces[i].old = shift(p.old.start)..shift(p.old.end);
        pieces[i].new = shift(p.new.start)..shift(p.new.end);
        let k = d.unsigned_abs();
        match pieces.get_mut(i.wrapping_sub(1)) {
            Some(prev) => {
                prev.old.end = shift(prev.old.end);
                prev.new.end = shift(prev.new.end);
            }
            None => {
                head = Some(Piece {
                    kind: PieceKind::Equal,
                    old: p.old.start..p.old.start + k,
                    new: p.new.start..p.new.start + k,
                })
            }
        }
        match pieces.get_mut(i + 1) {
            Some(next) => {
                next.old.start = shift(next.old.start);
                next.new.start = shift(next.new.start);
            }
            None => {
                tail =
                    Some(Piece { kind: PieceKind::Equal, old: p.old.end - k..p.old.end, new: p.new.end - k..p.new.end })
            }
        }
    }
    let mut out = Vec::with_capacity(pieces.len() + 2);
    for p in head.into_iter().chain(pieces).chain(tail) {
        push_merged(&mut out, p);
    }
    out
}

/// How far an insertion or deletion of `seq[r]` can slide and stay the
/// same edit: left into the `before` equal items before it, right into
/// the `after` items after it (`a b b c` → `a b c` can delete either `b`).
/// Shared by the token alignment's and the inline diff's placement.
pub(crate) fn slide_room<T: PartialEq>(seq: &[T], r: &Range<usize>, before: usize, after: usize) -> (usize, usize) {
    let mut left = 0;
    while left < before && seq[r.start - 1 - left] == seq[r.end - 1 - left] {
        left += 1;
    }
    let mut right = 0;
    while right < after && seq[r.start + right] == seq[r.end + right] {
        right += 1;
    }
    (left, right)
}

/// The character range covered by token range `r` (an empty token range
/// gives the insertion point; `len` is the text's length in characters).
fn token_chars(tokens: &[crate::tokenize::Token], len: usize, r: Range<usize>) -> Range<usize> {
    if r.is_empty() {
        let at = tokens.get(r.start).map_or(len, |t| t.range.start);
        at..at
    } else {
        tokens[r.start].range.start..tokens[r.end - 1].range.end
    }
}

/// Append, merging adjacent edits into one.
fn push_merged(pieces: &mut Vec<Piece>, p: Piece) {
    if p.old.is_empty() && p.new.is_empty() {
        return;
    }
    if let Some(last) = pieces.last_mut() {
        let both_edits = last.kind != PieceKind::Equal && p.kind != PieceKind::Equal;
        let both_equal = last.kind == PieceKind::Equal && p.kind == PieceKind::Equal;
        if both_edits || both_equal {
            last.old.end = p.old.end;
            last.new.end = p.new.end;
            if both_edits {
                last.kind = kind_of(&last.old, &last.new);
            }
            return;
        }
    }
    pieces.push(p);
}

fn kind_of(old: &Range<usize>, new: &Range<usize>) -> PieceKind {
    match (old.is_empty(), new.is_empty()) {
        (true, false) => PieceKind::Insert,
        (false, true) => PieceKind::Delete,
        (true, true) => PieceKind::Equal,
        (false, false) => PieceKind::Replace,
    }
}

/// Fold short equalities sandwiched between edits into one replacement.
fn semantic_cleanup(mut pieces: Vec<Piece>, oc: &[char]) -> Vec<Piece> {
    loop {
        let mut changed = false;
        let mut k = 1;
        while k + 1 < pieces.len() {
            let (a, e, b) = (&pieces[k - 1], &pieces[k], &pieces[k + 1]);
            if e.kind == PieceKind::Equal && a.kind != PieceKind::Equal && b.kind != PieceKind::Equal {
                let eq_len = e.old.len();
                let eq_text = &oc[e.old.clone()];
                let has_punct = eq_text.iter().any(|&c| is_punct(c));
                let left = a.old.len().max(a.new.len());
                let right = b.old.len().max(b.new.len());
                if !has_punct && eq_len <= left && eq_len <= right {
                    let merged =
                        Piece { kind: PieceKind::Replace, old: a.old.start..b.old.end, new: a.new.start..b.new.end };
                    pieces.splice(k - 1..=k + 1, [merged]);
                    changed = true;
                    continue;
                }
            }
            k += 1;
        }
        if !changed {
            return pieces;
        }
    }
}

/// Trim Han characters common to both sides of a replacement.
fn trim_han(pieces: Vec<Piece>, oc: &[char], nc: &[char]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for p in pieces {
        if p.kind != PieceKind::Replace {
            push_merged(&mut out, p);
            continue;
        }
        let (mut os, mut oe, mut ns, mut ne) = (p.old.start, p.old.end, p.new.start, p.new.end);
        while os < oe && ns < ne && oc[os] == nc[ns] && is_han(oc[os]) {
            os += 1;
            ns += 1;
        }
        while oe > os && ne > ns && oc[oe - 1] == nc[ne - 1] && is_han(oc[oe - 1]) {
            oe -= 1;
            ne -= 1;
        }
        push_merged(&mut out, Piece { kind: PieceKind::Equal, old: p.old.start..os, new: p.new.start..ns });
        push_merged(&mut out, Piece { kind: kind_of(&(os..oe), &(ns..ne)), old: os..oe, new: ns..ne });
        push_merged(&mut out, Piece { kind: PieceKind::Equal, old: oe..p.old.end, new: ne..p.new.end });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A diff's pieces packed (lengths only) unpack to themselves:
        /// they follow each other from the sentences' first characters on.
        #[test]
        fn packed_pieces_unpack_to_the_diff(o in "[a-c 华中国。,]{0,12}", n in "[a-c 华中国。,]{0,12}") {
            let (oc, nc): (Vec<char>, Vec<char>) = (o.chars().collect(), n.chars().collect());
            let pieces = diff_chars(&oc, &nc, None);
            let packed = PackedPiece::pack(&pieces);
            proptest::prop_assert_eq!(PackedPiece::unpack_all(&packed).collect::<Vec<_>>(), pieces);
        }
    }

    fn show(o: &str, n: &str) -> String {
        let oc: Vec<char> = o.chars().collect();
        let nc: Vec<char> = n.chars().collect();
        let mut s = String::new();
        for p in diff_chars(&oc, &nc, None) {
            let ot: String = oc[p.old.clone()].iter().collect();
            let nt: String = nc[p.new.clone()].iter().collect();
            match p.kind {
                PieceKind::Equal => s += &nt,
                PieceKind::Delete => s += &format!("[-{ot}-]"),
                PieceKind::Insert => s += &format!("{{+{nt}+}}"),
                PieceKind::Replace => s += &format!("[-{ot}-]{{+{nt}+}}"),
            }
        }
        s
    }

    #[test]
    fn seed_edits_read_like_a_person_wrote_them() {
        assert_eq!(show("为各国企业在华投资兴业", "为各国企业在中国投资兴业"), "为各国企业在[-华-]{+中国+}投资兴业");
        assert_eq!(show("了解中华优秀文化", "了解中华优秀传统文化"), "了解中华优秀{+传统+}文化");
        assert_eq!(show("互联网是人类的共同家园", "互联网是人类共同家园"), "互联网是人类[-的-]共同家园");
        assert_eq!(
            show(
                "Countries should step up communication, broaden",
                "Countries should start up communications, broaden"
            ),
            "Countries should [-step up communication-]{+start up communications+}, broaden"
        );
        assert_eq!(show("未来助力!", "未来助力"), "未来助力[-!-]");
    }

    #[test]
    fn an_edit_next_to_a_space_starts_with_its_word() {
        assert_eq!(show("we said it was", "we said that it was"), "we said {+that +}it was");
        assert_eq!(show("we said that it was", "we said it was"), "we said [-that -]it was");
        // Whatever else differs in the sentence.
        assert_eq!(
            show("we said it was fine", "we said that it was fine today"),
            "we said {+that +}it was fine{+ today+}"
        );
    }

    #[test]
    fn an_edit_slid_to_an_end_leaves_the_equal_text_covered() {
        // The insertion slides over the equal `X` to the front (to the
        // end, for a deletion at the front): the `X` must still be a piece.
        for (o, n) in
            [("\u{FFFD}", "\u{FFFD}\u{FFFD}"), ("\u{FFFD}\u{FFFD}", "\u{FFFD}"), ("a a", "a a a"), ("好", "好好")]
        {
            let (oc, nc): (Vec<char>, Vec<char>) = (o.chars().collect(), n.chars().collect());
            let pieces = diff_chars(&oc, &nc, None);
            assert!(covers(&pieces, oc.len(), nc.len()), "{o:?} -> {n:?}: {pieces:?}");
        }
    }

    #[test]
    fn pieces_cover_both_sides() {
        let oc: Vec<char> = "a b c d e".chars().collect();
        let nc: Vec<char> = "a x c y e z".chars().collect();
        let pieces = diff_chars(&oc, &nc, None);
        let (mut o, mut n) = (0, 0);
        for p in &pieces {
            assert_eq!((p.old.start, p.new.start), (o, n));
            o = p.old.end;
            n = p.new.end;
        }
        assert_eq!((o, n), (oc.len(), nc.len()));
    }
}

#[cfg(test)]
mod examples {
    //! The examples that documented these items when they were public.

    #[test]
    fn diff_sentences_example() {
        use crate::inline::{diff_sentences, PieceKind};
        use crate::normalize::{normalize_line, NormalizeOptions};
        let o = "为各国企业在华投资兴业";
        let n = "为各国企业在中国投资兴业";
        let opts = NormalizeOptions::default();
        let (a, b) = (normalize_line(o, 0..o.len(), &opts), normalize_line(n, 0..n.len(), &opts));
        let pieces = diff_sentences(&a, &b, None);
        let edits: Vec<(String, String)> = pieces
            .iter()
            .filter(|p| p.kind != PieceKind::Equal)
            .map(|p| (a[p.old.clone()].iter().map(|c| c.ch).collect(), b[p.new.clone()].iter().map(|c| c.ch).collect()))
            .collect();
        assert_eq!(edits, [("华".to_string(), "中国".to_string())]);
    }
}
