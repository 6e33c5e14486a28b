//! The diff layer: align two segmented versions and say, sentence by
//! sentence, how they correspond. `compare` builds its report from the
//! result, and `collate` aligns every witness with the base through it, so
//! the two can never disagree about what changed.
//!
//! Sentences are how a report is *read*, not how versions are *aligned*:
//! versions cut the same words into sentences differently (a recogniser
//! transcript without punctuation, captions cut mid-sentence, `。` turned
//! into `；`, a heading without a full stop), and a sentence boundary must
//! never decide what is a change. The layer works in named steps:
//!
//! 1. [`anchor`]: sentences whose keys are equal are anchored, as whole
//!    sentences (cheap: one hash each, taken by the segmenter as it wrote
//!    the key; it is what makes book-length comparisons fast).
//! 2. [`tokens`]: each region between anchors becomes two token streams
//!    (Han characters, words, punctuation marks; spaces are not tokens).
//! 3. [`regions`]: the token streams are aligned (trimmed, cut at unique
//!    anchors recursively, Myers where it pays, unrelated stretches as one
//!    hunk, edits slid to a canonical place).
//! 4. [`project`]: the token alignment is cut back into rows, one per old
//!    sentence plus one per whole added sentence, each holding the exact
//!    stretch of the other version that corresponds to it.
//! 5. [`refine`](refine_rows): rows are settled by their wording — whole
//!    new sentences that are not a row's own split off, scraps handed to
//!    the neighbour they belong to, rows too dissimilar to be one reworded
//!    sentence ([`similarity`]) made removals and additions, a removed
//!    sentence that reappears elsewhere a move ([`find_moves`]), alike
//!    removed and added sentences paired, a removed sentence that
//!    reappears elsewhere reworded a move too ([`find_similar_moves`]) —
//!    and every changed row (and every move that changed) gets its inline
//!    diff (by words, see [`crate::inline`]).
//!
//! Everything here is in key-character coordinates of the two
//! [`Document`]s; the report layer turns them into original text and
//! locations.

pub(crate) mod anchor;
pub(crate) mod project;
pub(crate) mod regions;
pub(crate) mod similarity;
pub(crate) mod tokens;

use crate::inline::{diff_chars, PackedPiece, Piece, PieceKind};
use crate::report::RowKind;
use crate::segment::Document;
use anchor::Seg;
use project::Shape;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// How the versions are aligned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DiffOptions {
    /// Minimum similarity (0–1) of a changed row for it to stay one
    /// modified sentence rather than a removal and additions.
    pub threshold: f32,
    /// Report identical sentences at different places as moves.
    pub detect_moves: bool,
    /// With `detect_moves`: the similarity (0–1) at which a removed and an
    /// added sentence are one sentence that moved and changed
    /// ([`find_similar_moves`]); `None` finds only exact moves.
    pub move_threshold: Option<f32>,
    /// Past this, every step answers coarsely and at once.
    pub deadline: Instant,
}

/// One row of the alignment: an old sentence and the new text that
/// corresponds to it, a whole added new sentence, or one half of a move.
///
/// Its ranges are held in 32 bits ([`Range32`]: sentence and key-character
/// numbers of a document are counted in 32 bits): a book whose every
/// sentence changed, or two unrelated texts, are tens of thousands of
/// rows, which the refinements copy whole, at 72 bytes a row (112 with
/// four `Range<usize>` and a `Vec` of pieces).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// What the row says.
    pub kind: RowKind,
    /// Old sentence indices (one sentence, or none for an added row).
    pub old: Range32,
    /// New sentences the row's new text touches (none for a removed row).
    pub new: Range32,
    /// Old key characters (document-wide), empty when `old` is.
    pub old_chars: Range32,
    /// New key characters: whole sentences or a stretch of one or more.
    pub new_chars: Range32,
    /// For a move: the index of the other half in the row list (see
    /// [`Row::partner`]; 32 bits, like the counts below).
    partner: Option<u32>,
    /// For a modified row: its inline diff, as character ranges into the
    /// row's old and new key characters (packed: see [`PackedPiece`]).
    pub pieces: Box<[PackedPiece]>,
    /// Share of the row's key characters in equal pieces (1 for equal rows).
    pub similarity: f32,
    /// For a changed row: how many whole new sentences at the start and at
    /// the end of its new text share no token with its old sentence (they
    /// were inserted next to it).
    pub bare: [u32; 2],
}

impl Row {
    fn new(
        kind: RowKind,
        old: Range<usize>,
        new: Range<usize>,
        old_chars: Range<usize>,
        new_chars: Range<usize>,
    ) -> Row {
        let similarity = if matches!(kind, RowKind::Equal | RowKind::Resegmented) { 1.0 } else { 0.0 };
        Row {
            kind,
            old: old.into(),
            new: new.into(),
            old_chars: old_chars.into(),
            new_chars: new_chars.into(),
            partner: None,
            pieces: Box::default(),
            similarity,
            bare: [0, 0],
        }
    }

    /// For a move: the index of the other half in the row list.
    pub fn partner(&self) -> Option<usize> {
        self.partner.map(|p| p as usize)
    }

    /// Make row `p` the other half of this one's move (`None`: no move).
    fn set_partner(&mut self, p: Option<usize>) {
        self.partner = p.map(|p| u32::try_from(p).expect("rows are counted in 32 bits"));
    }
}

/// [`Range32`], in a module of its own so that its fields are read
/// through its methods everywhere (a `u32` read as an index where a
/// `usize` was would compile).
mod range32 {
    use std::ops::Range;

    /// A range of indices in 32 bits, half a `Range<usize>`: a [`Row`](super::Row)'s
    /// sentences and key characters (a document counts both in 32 bits, see
    /// `segment::KEY_LIMIT`). [`Range32::get`] gives the `Range<usize>`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub(crate) struct Range32 {
        start: u32,
        end: u32,
    }

    impl Range32 {
        /// The range.
        #[inline]
        pub fn get(self) -> Range<usize> {
            self.start as usize..self.end as usize
        }

        /// Its first index.
        #[inline]
        pub fn start(self) -> usize {
            self.start as usize
        }

        /// Its end (exclusive).
        #[inline]
        pub fn end(self) -> usize {
            self.end as usize
        }

        /// How many indices it holds.
        #[inline]
        pub fn len(self) -> usize {
            self.end.saturating_sub(self.start) as usize
        }

        /// Does it hold none?
        #[inline]
        pub fn is_empty(self) -> bool {
            self.end <= self.start
        }
    }

    impl From<Range<usize>> for Range32 {
        #[inline]
        fn from(r: Range<usize>) -> Self {
            debug_assert!(u32::try_from(r.end).is_ok() && r.start <= u32::MAX as usize, "{r:?} in 32 bits");
            Range32 { start: r.start as u32, end: r.end as u32 }
        }
    }
}
pub(crate) use range32::Range32;

/// Align `old` with `new`: rows in reading order (old sentences in order,
/// added sentences where they fall, moves as two rows).
pub(crate) fn diff<'d>(old: &'d Document, new: &'d Document, opts: &DiffOptions) -> Vec<Row> {
    diff_telling(old, new, opts, &AtomicBool::new(false))
}

/// [`diff`], setting `anchored` once the anchoring, a step on one thread,
/// is done (work beside it can stop then and leave the pool to the steps
/// after it).
pub(crate) fn diff_telling<'d>(
    old: &'d Document,
    new: &'d Document,
    opts: &DiffOptions,
    anchored: &AtomicBool,
) -> Vec<Row> {
    // Sentences that start a numbered unit anchor by their text without
    // the unit's number: a renumbered article is its old self, reworded by
    // one number (see `Document::masked_keys`). The segmenter hashed the
    // key each sentence anchors by as it wrote it.
    let t0 = Instant::now();
    let (okeys, nkeys) = (MaskedKeys::new(old), MaskedKeys::new(new));
    let segs = anchor::anchor_hashed((&okeys, old.anchor_hashes()), (&nkeys, new.anchor_hashes()), opts.deadline);
    anchored.store(true, Ordering::Release);
    let t1 = Instant::now();
    let mut words = tokens::Interner::default();
    let mut rows = Vec::with_capacity(old.sentences.len().max(new.sentences.len()));
    // Regions are aligned on rayon's pool a batch at a time: a book whose
    // every sentence changed is a hundred regions between its unchanged
    // headings. A batch holds about REGION_BATCH key characters, so the
    // token streams of a whole book are never held at once; the equal rows
    // between its regions wait with them, in order. Each side of a large
    // region is tokenised on the pool too, and its words numbered in
    // order between the two (see `tokens::Draft`): the interner gives both
    // versions' equal words equal ids, the same whatever the threads did.
    let mut pending: Vec<Pending> = Vec::new();
    let (mut batch_chars, mut batch_regions) = (0, 0);
    let flush = |pending: &mut Vec<Pending>, rows: &mut Vec<Row>, words: &mut tokens::Interner<'d>| {
        use rayon::prelude::*;
        // Tokenise large regions (on the pool), then number the words in
        // order (tokenising small regions on the way), then align.
        let mut drafted: Vec<Drafted<'d>> = std::mem::take(pending)
            .into_par_iter()
            // (Each region a task of its own: see `par_map`.)
            .with_max_len(1)
            .map(|p| match p {
                Pending::Equal(o, n, len) => Drafted::Equal(o, n, len),
                Pending::Region { o, n } if chars_of(old, &o) + chars_of(new, &n) >= DRAFT_MIN => {
                    let (a, b) = rayon::join(|| tokens::draft(old, o.clone()), || tokens::draft(new, n.clone()));
                    Drafted::Drafts { o, n, a, b, ids: Default::default() }
                }
                Pending::Region { o, n } => Drafted::Tokens { o, n, ta: Default::default(), tb: Default::default() },
            })
            .collect();
        for d in &mut drafted {
            match d {
                Drafted::Drafts { a, b, ids, .. } => *ids = [words.number(a), words.number(b)],
                Drafted::Tokens { o, n, ta, tb } => {
                    *ta = tokens::tokens(old, o.clone(), words);
                    *tb = tokens::tokens(new, n.clone(), words);
                }
                Drafted::Equal(..) => {}
            }
        }
        let done: Vec<Aligned> = drafted
            .into_par_iter()
            .with_max_len(1)
            .map(|d| match d {
                Drafted::Equal(o, n, len) => Aligned::Equal(o, n, len),
                Drafted::Drafts { o, n, a, b, ids: [ia, ib] } => {
                    Aligned::Rows(region_rows(old, new, o, n, a.finish(&ia), b.finish(&ib), opts))
                }
                Drafted::Tokens { o, n, ta, tb } => Aligned::Rows(region_rows(old, new, o, n, ta, tb, opts)),
            })
            .collect();
        // The rows are written in order on this thread; their pages are
        // touched on the pool first.
        let total: usize = done
            .iter()
            .map(|d| match d {
                Aligned::Rows(r) => r.len(),
                Aligned::Equal(.., len) => *len,
            })
            .sum();
        rows.reserve(total);
        prefault(&mut rows.spare_capacity_mut()[..total]);
        for d in done {
            match d {
                Aligned::Rows(region) => rows.extend(region),
                Aligned::Equal(o, n, len) => push_equal(&okeys, new, (o, n, len), rows),
            }
        }
    };
    for seg in segs {
        match seg {
            Seg::Equal { old: o, new: n, len } => {
                if pending.is_empty() {
                    push_equal(&okeys, new, (o, n, len), &mut rows);
                } else {
                    // Made when the batch is flushed, in place: a book whose
                    // regions are small and few is one batch, and its equal
                    // rows would otherwise be held twice.
                    pending.push(Pending::Equal(o, n, len));
                }
            }
            Seg::Gap { old: o, new: n } => {
                batch_chars += chars_of(old, &o) + chars_of(new, &n);
                batch_regions += 1;
                pending.push(Pending::Region { o, n });
                // (Two regions at least: one alone would leave a core idle.)
                if batch_chars >= REGION_BATCH && batch_regions >= 2 {
                    flush(&mut pending, &mut rows, &mut words);
                    (batch_chars, batch_regions) = (0, 0);
                }
            }
        }
    }
    flush(&mut pending, &mut rows, &mut words);
    // The words' table (every distinct word of the regions) is not needed
    // by the steps after: freed before them, not held to their peak.
    drop(words);
    let t2 = Instant::now();
    refine_rows(old, new, &mut rows, opts);
    if std::env::var_os("TVDIFF_TRACE").is_some() {
        eprintln!("tvdiff: diff: anchor {:?}, regions {:?}, refine {:?}", t1 - t0, t2 - t1, t2.elapsed());
    }
    rows
}

/// Append the rows of `len` equal sentences from old sentence `o` and new
/// sentence `n`. A sentence that starts a numbered unit and is equal only
/// with its number masked (the old version's masked keys) is a
/// modified row.
fn push_equal(okeys: &MaskedKeys, new: &Document, (o, n, len): (usize, usize, usize), rows: &mut Vec<Row>) {
    let old = okeys.doc;
    rows.reserve(len);
    for k in 0..len {
        let (os, ns) = (&old.sentences[o + k], &new.sentences[n + k]);
        let renumbered = okeys.masked(o + k).is_some() && old.key(o + k) != new.key(n + k);
        rows.push(Row::new(
            if renumbered { RowKind::Modified } else { RowKind::Equal },
            o + k..o + k + 1,
            n + k..n + k + 1,
            os.chars(),
            ns.chars(),
        ));
    }
}

/// A version's sentence keys as the anchoring reads them: a sentence that
/// starts a numbered unit by its masked key (see [`diff`]), the others by
/// their own, read from the document in place.
struct MaskedKeys<'d> {
    doc: &'d Document,
    /// Bit `i` is set when sentence `i` has a masked key.
    marks: Vec<u64>,
}

impl<'d> MaskedKeys<'d> {
    fn new(doc: &'d Document) -> Self {
        let mut marks = vec![0u64; doc.sentences.len().div_ceil(64)];
        for (i, _) in doc.masked_keys() {
            marks[i / 64] |= 1 << (i % 64);
        }
        MaskedKeys { doc, marks }
    }

    /// The masked key of sentence `i`, if it has one.
    fn masked(&self, i: usize) -> Option<&'d str> {
        if self.marks[i / 64] >> (i % 64) & 1 == 0 {
            return None;
        }
        let masked = self.doc.masked_keys();
        masked.binary_search_by_key(&i, |m| m.0).ok().map(|k| masked[k].1.as_str())
    }
}

impl<'d> anchor::Keys<'d> for &MaskedKeys<'d> {
    fn len(&self) -> usize {
        self.doc.sentences.len()
    }

    fn key(&self, i: usize) -> &'d str {
        self.masked(i).unwrap_or_else(|| self.doc.key(i))
    }
}

/// Key characters aligned together on rayon's pool (see [`diff`]), in two
/// regions at least: a batch's token streams and alignments are held at
/// once, and their memory stays with the process (the allocator keeps it)
/// after they are freed. 64,000 characters are still tens of regions on a
/// book whose every sentence changed, enough to keep both cores busy;
/// 256,000 held 1.9 MB more at the peak of an English 1 MB pair whose
/// every sentence changed (0.5 MB more in Chinese), 32,000 took 6% longer
/// on it. Two unrelated texts are a few regions of 50,000–200,000
/// characters: one to a batch, they were aligned one at a time (×1.3 on
/// the step).
const REGION_BATCH: usize = 64_000;

/// Key characters of sentences `r` of `doc`.
fn chars_of(doc: &Document, r: &Range<usize>) -> usize {
    if r.is_empty() {
        0
    } else {
        doc.sentences[r.end - 1].chars().end - doc.sentences[r.start].chars().start
    }
}

/// A stretch of [`diff`]'s rows waiting for its batch of regions.
enum Pending {
    /// `len` equal sentences from old sentence `.0` and new sentence `.1`
    /// (see [`push_equal`]).
    Equal(usize, usize, usize),
    /// A region's sentences, to tokenise and align.
    Region { o: Range<usize>, n: Range<usize> },
}

/// Regions with at least this many key characters (both sides) are
/// tokenised as drafts on the pool; smaller ones in order, on one thread.
const DRAFT_MIN: usize = 4_096;

/// A [`Pending`] stretch once its region is tokenised: as two drafts and
/// the final ids of their words, or as final tokens. (Tens per batch,
/// short-lived: the size of the larger variant costs nothing worth a box.)
#[allow(clippy::large_enum_variant)]
enum Drafted<'a> {
    /// Equal sentences, as in [`Pending`].
    Equal(usize, usize, usize),
    /// A large region: its two sides' drafts and their words' final ids.
    Drafts { o: Range<usize>, n: Range<usize>, a: tokens::Draft<'a>, b: tokens::Draft<'a>, ids: [Vec<u32>; 2] },
    /// A small region, tokenised in order.
    Tokens { o: Range<usize>, n: Range<usize>, ta: tokens::Tokens, tb: tokens::Tokens },
}

/// A [`Drafted`] stretch once aligned: a region's rows, or equal sentences
/// (as in [`Pending`]) whose rows are made as they are appended.
enum Aligned {
    Rows(Vec<Row>),
    Equal(usize, usize, usize),
}

/// Steps 3–4 for one region whose tokens are `ta` and `tb`: token
/// alignment, projection; returns the region's rows.
fn region_rows(
    old: &Document,
    new: &Document,
    o: Range<usize>,
    n: Range<usize>,
    mut ta: tokens::Tokens,
    mut tb: tokens::Tokens,
    opts: &DiffOptions,
) -> Vec<Row> {
    let mut rows = Vec::new();
    // The numbers of unit labels (`第九条`, `Article 3`) align as one
    // token whatever they are: articles are matched by their text, not by
    // a number a renumbering gave another article.
    let masked = mask_label_numbers(old, &mut ta) | mask_label_numbers(new, &mut tb);
    let bounds = regions::Bounds {
        old: &|t| ta.starts_sentence(t),
        new: &|t| tb.starts_sentence(t),
        old_width: &|r| ta.width(r),
        new_width: &|r| tb.width(r),
    };
    let ops = regions::align_tokens(&ta.ids, &tb.ids, opts.deadline, &bounds);
    // Which tokens the alignment matched, on each side.
    let (mut matched_old, mut matched) = (vec![false; ta.len()], vec![false; tb.len()]);
    for op in &ops {
        if let regions::Op::Equal { old, new } = op {
            matched_old[old.clone()].iter_mut().for_each(|m| *m = true);
            matched[new.clone()].iter_mut().for_each(|m| *m = true);
        }
    }
    for p in project::project(&ta, &tb, &ops) {
        let chars = |t: &tokens::Tokens, r: &Range<usize>| {
            if r.is_empty() {
                0..0
            } else {
                t.chars(r.start).start..t.chars(r.end - 1).end
            }
        };
        // Sentences a side touches; for an empty side, the sentence it
        // falls before (or the region's end).
        let sentences = |t: &tokens::Tokens, r: &Range<usize>, region: &Range<usize>| {
            if r.is_empty() {
                let at = if r.start < t.len() { t.sentence(r.start) } else { region.end };
                at..at
            } else {
                t.sentence(r.start)..t.sentence(r.end - 1) + 1
            }
        };
        let (os, ns) = (sentences(&ta, &p.old, &o), sentences(&tb, &p.new, &n));
        let kind = match p.shape {
            // Equal but for a masked unit number: modified.
            Shape::Same if masked && differs(old, &chars(&ta, &p.old), new, &chars(&tb, &p.new)) => RowKind::Modified,
            Shape::Same => {
                let whole = ns.len() == 1
                    && tb.starts_sentence(p.new.start)
                    && tb.starts_sentence(p.new.end)
                    && new.sentences[ns.start].chars() == chars(&tb, &p.new);
                if whole {
                    RowKind::Equal
                } else {
                    RowKind::Resegmented
                }
            }
            Shape::Changed => RowKind::Modified,
            Shape::Removed => RowKind::Removed,
            Shape::Added => RowKind::Added,
        };
        let mut row = Row::new(kind, os, ns, chars(&ta, &p.old), chars(&tb, &p.new));
        if kind == RowKind::Modified {
            if row.new.len() > 1 {
                row.bare = bare_sentences(&tb, &matched, &p.new).map(|n| n as u32);
            }
            // The share of the row's tokens the alignment matched: a first
            // measure of how alike its sides are (see `refine_rows`).
            let hits = matched_old[p.old.clone()].iter().chain(&matched[p.new.clone()]).filter(|&&m| m).count();
            row.similarity = hits as f32 / (p.old.len() + p.new.len()).max(1) as f32;
        }
        rows.push(row);
    }
    rows
}

/// Token id of every masked unit number (no code point, no word id).
const MASKED_NUMBER: u32 = u32::MAX - 1;

/// Make the number of the unit label each sentence of `t` starts with
/// (see [`crate::structure::label_number`]) one token with a shared id,
/// whatever the number (`二十九` is three Han tokens, `三十` two); returns
/// whether any was masked.
fn mask_label_numbers(doc: &Document, t: &mut tokens::Tokens) -> bool {
    // The sentences that start a unit are the document's masked ones; most
    // texts have none, and a book's are a few headings among hundreds of
    // thousands of tokens.
    let (Some(&first), Some(&last)) = (t.sentences().first(), t.sentences().last()) else { return false };
    let (first, last) = (first as usize, last as usize);
    let masked = doc.masked_keys();
    let masked = &masked[masked.partition_point(|m| m.0 < first)..masked.partition_point(|m| m.0 <= last)];
    debug_assert_eq!(
        masked.iter().map(|m| m.0).collect::<Vec<_>>(),
        (first..=last).filter(|&s| crate::structure::label_number(doc.key(s)).is_some()).collect::<Vec<_>>(),
        "the masked sentences are those whose key has a label number"
    );
    if masked.is_empty() {
        return false;
    }
    // Compacted in place (a masked number of several tokens becomes one):
    // the write position `w` never passes the read position `k`; the
    // tokens between two masked sentences move down as one block.
    let mut any = false;
    let (mut k, mut w) = (0, 0);
    for &(sentence, _) in masked {
        let start = k + t.sentences()[k..].partition_point(|&x| (x as usize) < sentence);
        t.shift_down(k..start, w);
        w += start - k;
        k = start;
        while k < t.len() && t.sentence(k) == sentence {
            k += 1;
        }
        let key = doc.key(sentence);
        let number = crate::structure::label_number(key).map(|r| {
            let first = doc.sentences[sentence].chars().start;
            first + key[..r.start].chars().count()..first + key[..r.end].chars().count()
        });
        let mut j = start;
        while j < k {
            let (id, chars) = match &number {
                Some(n) if t.chars(j).start >= n.start && t.chars(j).end <= n.end => {
                    let mut e = j;
                    while e < k && t.chars(e).start >= n.start && t.chars(e).end <= n.end {
                        e += 1;
                    }
                    any = true;
                    let chars = t.chars(j).start..t.chars(e - 1).end;
                    j = e;
                    (MASKED_NUMBER, chars)
                }
                _ => {
                    j += 1;
                    (t.ids[j - 1], t.chars(j - 1))
                }
            };
            t.set(w, id, chars, sentence);
            w += 1;
        }
    }
    let n = t.len();
    t.shift_down(k..n, w);
    w += n - k;
    t.truncate(w);
    any
}

/// Do two stretches of key text differ, spaces aside?
fn differs(old: &Document, o: &Range<usize>, new: &Document, n: &Range<usize>) -> bool {
    !same_but_spaces(key_text(old, o), key_text(new, n))
}

/// Are two keys the same once spaces are left out? (Without building the
/// two stripped strings: a book whose every sentence changed asks this of
/// tens of thousands of rows.)
fn same_but_spaces(a: &str, b: &str) -> bool {
    let spaced = |s: &str| memchr::memchr(b' ', s.as_bytes()).is_some();
    a == b || (spaced(a) || spaced(b)) && a.chars().filter(|&c| c != ' ').eq(b.chars().filter(|&c| c != ' '))
}

/// A hash of a key with its spaces left out, for [`find_moves`]: the
/// key's own hash when it has no space (as Chinese keys seldom do), else
/// that of its bytes without the spaces (a space is one byte in UTF-8,
/// never part of another character's), gathered in a reused buffer. Two
/// unrelated texts hash tens of thousands of keys: a byte at a time, the
/// hash was two thirds of this step.
fn spaceless_hash(key: &str) -> u64 {
    let bytes = key.as_bytes();
    if memchr::memchr(b' ', bytes).is_none() {
        return crate::hash::key_hash(key);
    }
    thread_local! {
        static BARE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BARE.with_borrow_mut(|bare| {
        // Written at every byte, kept past the non-spaces: no branch on
        // the bytes (words are a few letters long).
        bare.clear();
        bare.resize(bytes.len(), 0);
        let mut n = 0;
        for &b in bytes {
            bare[n] = b;
            n += usize::from(b != b' ');
        }
        crate::hash::hash_bytes(&bare[..n], crate::hash::seed())
    })
}

/// Step 5: settle the changed rows. A run of rows that are each too
/// dissimilar to be one reworded sentence (below the threshold, by
/// [`similarity`]), together with the removed and added rows among them,
/// whose new text is whole new sentences, becomes removals followed by
/// additions: the token alignment matched a few words by chance, not a
/// sentence. Every row still modified then gets its inline diff.
fn refine_rows(old: &Document, new: &Document, rows: &mut Vec<Row>, opts: &DiffOptions) {
    let t = Instant::now();
    // Until the inline diff, `similarity` holds how alike a modified row's
    // two sides are (see `alike`); the steps keep it up to date. A row
    // whose tokens mostly matched is alike enough whatever the profile
    // says, and its profile is not computed (a book whose every sentence
    // changed has tens of thousands of such rows).
    let unsure: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].kind == RowKind::Modified && rows[i].similarity < (opts.threshold + 0.3).min(0.95))
        .collect();
    // Each step's time, for TVDIFF_TRACE.
    let mut laps: Vec<(&str, std::time::Duration)> = Vec::new();
    let mut last = Instant::now();
    let mut lap = |name, laps: &mut Vec<_>| {
        laps.push((name, last.elapsed()));
        last = Instant::now();
    };
    let mut sk = Sketches::new(old, new);
    // The whole sentences those rows are, sketched together (unrelated
    // texts: every sentence).
    let mut wanted: [Vec<usize>; 2] = Default::default();
    for &i in &unsure {
        for (side, s) in sk.wanted_by(&rows[i]).into_iter().enumerate() {
            wanted[side].extend(s);
        }
    }
    for (side, sentences) in wanted.into_iter().enumerate() {
        sk.prepare(side, sentences);
    }
    let alikes = par_map(&unsure, PAR_MIN, |&i| sk.alike_row(&rows[i]));
    for (i, a) in unsure.into_iter().zip(alikes) {
        rows[i].similarity = a;
    }
    lap("alike", &mut laps);
    split_off_sentences(&sk, new, rows);
    lap("split off", &mut laps);
    hand_over_fragments(&sk, new, rows, opts.threshold);
    lap("hand over", &mut laps);
    regroup_unlike(new, rows, opts.threshold);
    lap("regroup", &mut laps);
    if opts.detect_moves {
        // Before pairing by similarity: a sentence that reappears word for
        // word elsewhere is a move, not a rewording of its neighbour.
        find_moves(old, new, rows);
    }
    lap("moves", &mut laps);
    pair_alike_rows(&sk, rows, opts.threshold);
    lap("pair alike", &mut laps);
    let mut searched = 0;
    if let Some(t) = opts.move_threshold.filter(|_| opts.detect_moves) {
        // After pairing neighbours: what is left removed here and added
        // there may be one sentence that moved and was reworded.
        searched = find_similar_moves(&sk, rows, [t, opts.threshold], opts.deadline);
    }
    lap("moves by similarity", &mut laps);
    settle_equal(old, new, rows);
    let t1 = Instant::now();
    // The rows to diff inline: modified rows, and the new halves of moves
    // whose wording changed (known once their keys are read, in the
    // diffs' tasks: a book whose every sentence changed has tens of
    // thousands of rows, each two keys read from all over the versions).
    let jobs = rows.iter().filter(|r| matches!(r.kind, RowKind::Modified | RowKind::MovedTo)).count();
    if jobs == 0 {
        return;
    }
    // With thousands of rows to diff (a book whose every sentence changed,
    // or moved), their pieces and, for Chinese, the word segmenter's
    // dictionary (2.2 MB, mapped whole by a few hundred look-ups) come on
    // top of what the refinements left: the memory those freed (the
    // sketches, the splices' lists, mostly in the pool's arenas) is handed
    // back first. So it is after a move search among many sentences (two
    // unrelated texts: its census, index and sketches left 20 MB of the
    // heap resident with 10 in use, under the dictionary and the report).
    // With few rows and a small search (a normal pair) the refinements'
    // own peak is higher, and handing back would only cost the faults of
    // the pages reused after.
    drop(sk);
    // Nor does the code of the alignment's steps stay resident under them
    // (on a pair large enough: see `let_go_of_code`).
    crate::prefault::let_go_of_code_between_steps(old.keys.len() + new.keys.len());
    if jobs >= GIVE_BACK_MIN_JOBS || searched >= GIVE_BACK_MIN_SEARCHED {
        crate::prefault::give_back_free_memory();
    }
    let t2 = Instant::now();
    // The old side of each new half of a move (another row, perhaps
    // another task's), by the new half's row.
    let moved_from: Vec<(usize, Range32, Range32)> = (0..rows.len())
        .filter(|&i| rows[i].kind == RowKind::MovedTo)
        .filter_map(|i| rows[i].partner().map(|p| (i, rows[p].old, rows[p].old_chars)))
        .collect();
    // Row `i`'s inline diff, made in its task's buffers and written into
    // the row (each task has rows of its own): the key characters straight
    // from the key text (the diff needs no source ranges). A move whose
    // wording is the same has none.
    let diff_row = |i: usize, r: &mut Row, (o, n): &mut (Vec<char>, Vec<char>)| {
        let (os, oc) = match r.kind {
            RowKind::Modified => (r.old.get(), r.old_chars.get()),
            RowKind::MovedTo => match moved_from.binary_search_by_key(&i, |m| m.0) {
                Ok(k) => (moved_from[k].1.get(), moved_from[k].2.get()),
                Err(_) => return,
            },
            _ => return,
        };
        let (okey, nkey) = (key_text_in(old, &os, &oc), key_text_in(new, &r.new.get(), &r.new_chars.get()));
        if r.kind == RowKind::MovedTo && same_but_spaces(okey, nkey) {
            return;
        }
        o.clear();
        o.extend(okey.chars());
        n.clear();
        n.extend(nkey.chars());
        debug_assert_eq!((o.len(), n.len()), (oc.len(), r.new_chars.len()));
        // Past the deadline a row is one replacement: coarse, still true.
        let pieces = if Instant::now() > opts.deadline {
            vec![Piece { kind: PieceKind::Replace, old: 0..o.len(), new: 0..n.len() }]
        } else {
            diff_chars(o, n, Some(opts.deadline))
        };
        let eq: usize = pieces.iter().filter(|p| p.kind == PieceKind::Equal).map(|p| p.old.len() + p.new.len()).sum();
        r.similarity = if o.len() + n.len() == 0 { 1.0 } else { eq as f32 / (o.len() + n.len()) as f32 };
        r.pieces = PackedPiece::pack(&pieces);
    };
    // Inline diffs, on the pool when there are many (a book whose every
    // sentence changed): in tasks of consecutive rows with about
    // INLINE_CHUNK of them to diff each (the pool balances them however
    // busy the cores are: each is a task of its own, so that a core that
    // finishes early takes the next; the other worker has nothing else to
    // do during this step, and a book's few hundred changed sentences are a
    // millisecond or two of word cutting). Each writes its rows' diffs
    // in place: no list of every row's diff is held beside the rows.
    if jobs < 2 * INLINE_MIN_CHUNK {
        let mut bufs = Default::default();
        for (i, r) in rows.iter_mut().enumerate() {
            diff_row(i, r, &mut bufs);
        }
    } else {
        use rayon::prelude::*;
        let tasks = jobs.div_ceil((jobs / 16).clamp(INLINE_MIN_CHUNK, INLINE_CHUNK));
        let per_task = rows.len().div_ceil(tasks);
        rows.par_chunks_mut(per_task).with_max_len(1).enumerate().for_each(|(t, part)| {
            let mut bufs = Default::default();
            for (k, r) in part.iter_mut().enumerate() {
                diff_row(t * per_task + k, r, &mut bufs);
            }
        });
    }
    if std::env::var_os("TVDIFF_TRACE").is_some() {
        eprintln!(
            "tvdiff: refine: settle {:?} ({}), segmenter {:?}, inline {:?}",
            t1 - t,
            laps.iter().map(|(name, d)| format!("{name} {d:?}")).collect::<Vec<_>>().join(", "),
            t2 - t1,
            t2.elapsed()
        );
    }
}

/// Rows to diff inline from which the heap's free memory is handed back
/// first (see [`refine_rows`]).
const GIVE_BACK_MIN_JOBS: usize = 2_048;
/// Sentences a move search looked among (removed and added) from which
/// the heap's free memory is handed back after it, and the code of the
/// steps before it let go of before it (see [`find_similar_moves`]).
const GIVE_BACK_MIN_SEARCHED: usize = 8_192;

/// Rows whose inline diffs one task of the pool makes, at most.
const INLINE_CHUNK: usize = 256;
/// ... and at least (fewer than twice this many rows are diffed in place).
const INLINE_MIN_CHUNK: usize = 16;

/// A row the refinements left changed in name only (its keys are equal,
/// spaces aside) is equal, or resegmented when its new text is not one
/// whole sentence.
fn settle_equal(old: &Document, new: &Document, rows: &mut [Row]) {
    // The keys compared on the pool (a book whose every sentence changed
    // has tens of thousands of modified rows, each two keys read from all
    // over the versions), the rows settled here.
    let modified: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].kind == RowKind::Modified).collect();
    let seen: &[Row] = rows;
    let same = par_map(&modified, PAR_MIN, |&i| {
        let r = &seen[i];
        same_but_spaces(
            key_text_in(old, &r.old.get(), &r.old_chars.get()),
            key_text_in(new, &r.new.get(), &r.new_chars.get()),
        )
    });
    for i in modified.into_iter().zip(same).filter_map(|(i, same)| same.then_some(i)) {
        let r = &mut rows[i];
        let whole = r.new.len() == 1 && new.sentences[r.new.start()].chars() == r.new_chars.get();
        r.kind = if whole { RowKind::Equal } else { RowKind::Resegmented };
        r.similarity = 1.0;
    }
}

/// The similarity sketches of the two versions' stretches (see
/// [`similarity`]), a whole sentence's made once however many steps ask
/// for it: on 1 MB of unrelated text every sentence is asked for three or
/// four times (alike, pair alike, moves by similarity), and making a
/// profile (cutting, hashing, sorting) was a fifth of the time.
struct Sketches<'d> {
    docs: [&'d Document; 2],
    /// Per side, the sentences' sketches.
    cache: [SketchCache; 2],
}

/// One side's cached sketches: those [`Sketches::prepare`] made together,
/// back to back in lists of words (on 1 MB of unrelated Chinese text,
/// 17,600 sketches: one list, 4 bytes a sentence to find them, where a
/// slot for a sketch of its own took 24 and each sketch an allocation),
/// and those asked for later, one by one.
#[derive(Default)]
struct SketchCache {
    /// The prepared sketches, in lists made on the pool, in order.
    lists: Vec<Vec<u32>>,
    /// Where each list starts, counted over the lists before it (words).
    list_starts: Vec<usize>,
    /// Per sentence: 1 + where its prepared sketch starts, counted over
    /// the lists (words), or 0.
    at: Vec<u32>,
    /// Per sentence, the sketches made on a later request.
    late: OnceLock<Vec<OnceLock<similarity::Sketch>>>,
}

/// Sentences whose sketches one task of [`Sketches::prepare`] makes.
const PREPARE_CHUNK: usize = 512;

impl SketchCache {
    /// The prepared sketch of sentence `s`, if there is one.
    fn prepared(&self, s: usize) -> Option<similarity::SketchView<'_>> {
        let at = (*self.at.get(s)? as usize).checked_sub(1)?;
        let list = self.list_starts.partition_point(|&start| start <= at) - 1;
        Some(similarity::SketchView::at(&self.lists[list], at - self.list_starts[list]))
    }
}

/// [`Sketches`] sides.
const OLD: usize = 0;
const NEW: usize = 1;

impl<'d> Sketches<'d> {
    fn new(old: &'d Document, new: &'d Document) -> Self {
        Sketches { docs: [old, new], cache: Default::default() }
    }

    /// Make the sketches of sentences `sentences` of side `side` at once,
    /// on the pool (a step that will ask for many: see [`SketchCache`]).
    fn prepare(&mut self, side: usize, mut sentences: Vec<usize>) {
        let doc = self.docs[side];
        let cache = &mut self.cache[side];
        sentences.sort_unstable();
        sentences.dedup();
        sentences.retain(|&s| cache.prepared(s).is_none());
        if sentences.is_empty() {
            return;
        }
        let chunks: Vec<&[usize]> = sentences.chunks(PREPARE_CHUNK).collect();
        // Each task's list, and where each of its sketches starts in it.
        let made: Vec<(Vec<u32>, Vec<u32>)> = par_map(&chunks, 1, |chunk| {
            let (mut list, mut starts) = (Vec::new(), Vec::with_capacity(chunk.len()));
            for &s in chunk.iter() {
                starts.push(list.len() as u32);
                similarity::write_sketch(doc.key(s), &mut list);
            }
            list.shrink_to_fit();
            (list, starts)
        });
        cache.at.resize(doc.sentences.len(), 0);
        for (chunk, (list, starts)) in chunks.into_iter().zip(made) {
            let base = cache.list_starts.last().map_or(0, |&b| b) + cache.lists.last().map_or(0, Vec::len);
            // (Past 32-bit word counts a sentence is asked for late.)
            for (&s, &start) in chunk.iter().zip(&starts) {
                if let Ok(at) = u32::try_from(base + start as usize + 1) {
                    cache.at[s] = at;
                }
            }
            cache.list_starts.push(base);
            cache.lists.push(list);
        }
    }

    /// The sketch of key characters `r` of sentences `sentences` of side
    /// `side` (a row's side): a whole sentence's, cached.
    fn get_in(&self, side: usize, sentences: &Range<usize>, r: &Range<usize>) -> SketchRef<'_> {
        match self.whole_sentence(side, Some(sentences), r) {
            Some(s) => SketchRef::Cached(self.sentence(side, s)),
            None => SketchRef::Made(similarity::Sketch::new(key_text_in(self.docs[side], sentences, r))),
        }
    }

    /// The sentence that key characters `r` of side `side` are, when they
    /// are one whole: found from `sentences` (a row's side) when they are
    /// known, searched for otherwise.
    fn whole_sentence(&self, side: usize, sentences: Option<&Range<usize>>, r: &Range<usize>) -> Option<usize> {
        let doc = self.docs[side];
        let s = match sentences {
            Some(s) if s.len() == 1 => s.start,
            Some(_) => return None,
            None => doc.sentences.partition_point(|s| s.chars().end <= r.start),
        };
        doc.sentences.get(s).is_some_and(|sen| sen.chars() == *r).then_some(s)
    }

    /// The cached sketch of sentence `s` of side `side`, if it was made.
    fn cached(&self, side: usize, s: usize) -> Option<similarity::SketchView<'_>> {
        let cache = &self.cache[side];
        cache.prepared(s).or_else(|| Some(cache.late.get()?[s].get()?.view()))
    }

    /// [`Sketches::get_in`] without caching: a whole sentence's sketch
    /// from the cache when it was made before, any other made for the
    /// caller alone (for a step that asks for each once).
    fn lookup(&self, side: usize, sentences: &Range<usize>, r: &Range<usize>) -> SketchRef<'_> {
        match self.cached_or_key(side, sentences, r) {
            Ok(cached) => SketchRef::Cached(cached),
            Err(key) => SketchRef::Made(similarity::Sketch::new(key)),
        }
    }

    /// The cached sketch of key characters `r` of sentences `sentences`
    /// of side `side`, when they are a whole sentence sketched before;
    /// else their key, to sketch.
    fn cached_or_key(
        &self,
        side: usize,
        sentences: &Range<usize>,
        r: &Range<usize>,
    ) -> Result<similarity::SketchView<'_>, &'d str> {
        let doc = self.docs[side];
        match self.whole_sentence(side, Some(sentences), r) {
            Some(s) => self.cached(side, s).ok_or_else(|| doc.key(s)),
            None => Err(key_text_in(doc, sentences, r)),
        }
    }

    /// [`Sketches::lookup`] for the side a move search indexes: a sketch
    /// that is not in the cache is made now, or, when `lazy`, when the
    /// index asks for it (see [`Indexed`]).
    fn indexed(&self, side: usize, sentences: &Range<usize>, r: &Range<usize>, lazy: bool) -> Indexed<'_> {
        match self.cached_or_key(side, sentences, r) {
            Ok(cached) => Indexed::Cached(cached),
            Err(key) if lazy => Indexed::Made(Box::new(MadeItem { key, head: OnceLock::new(), full: OnceLock::new() })),
            Err(key) => Indexed::Kept(similarity::Sketch::new(key)),
        }
    }

    /// The cached sketch of sentence `s` of side `side` (made now if it
    /// was not).
    fn sentence(&self, side: usize, s: usize) -> similarity::SketchView<'_> {
        if let Some(cached) = self.cached(side, s) {
            return cached;
        }
        let (doc, cache) = (self.docs[side], &self.cache[side]);
        let late = cache.late.get_or_init(|| (0..doc.sentences.len()).map(|_| OnceLock::new()).collect());
        late[s].get_or_init(|| similarity::Sketch::new(doc.key(s))).view()
    }

    /// How alike old stretch `o` and new stretch `n` are: Dice of their
    /// profiles.
    fn alike(&self, o: &Range<usize>, n: &Range<usize>) -> f32 {
        similarity::dice(self.profile(OLD, None, o).get(), self.profile(NEW, None, n).get())
    }

    /// The profile of key characters `r` of side `side` (of sentences
    /// `sentences`, when known): a whole sentence's from its cached
    /// sketch, any other stretch's made for the comparison alone, without
    /// the signature a sketch adds (nothing asks a stretch's twice).
    fn profile(&self, side: usize, sentences: Option<&Range<usize>>, r: &Range<usize>) -> StretchProfile<'_> {
        if let Some(s) = self.whole_sentence(side, sentences, r) {
            return StretchProfile::Cached(self.sentence(side, s));
        }
        let doc = self.docs[side];
        StretchProfile::Made(similarity::profile(match sentences {
            Some(s) => key_text_in(doc, s, r),
            None => key_text(doc, r),
        }))
    }

    /// [`Sketches::alike`] of old characters `o` of sentences `os` and new
    /// characters `n` of sentences `ns` (profiles found by
    /// [`Sketches::profile`]).
    fn alike_in(&self, (os, o): (&Range<usize>, &Range<usize>), (ns, n): (&Range<usize>, &Range<usize>)) -> f32 {
        similarity::dice(self.profile(OLD, Some(os), o).get(), self.profile(NEW, Some(ns), n).get())
    }

    /// [`Sketches::alike`] of a row's two sides.
    fn alike_row(&self, r: &Row) -> f32 {
        self.alike_in((&r.old.get(), &r.old_chars.get()), (&r.new.get(), &r.new_chars.get()))
    }

    /// The sentences whose cached sketches [`Sketches::alike_row`] of row
    /// `r` would ask for, by side.
    fn wanted_by(&self, r: &Row) -> [Option<usize>; 2] {
        [
            self.whole_sentence(OLD, Some(&r.old.get()), &r.old_chars.get()),
            self.whole_sentence(NEW, Some(&r.new.get()), &r.new_chars.get()),
        ]
    }
}

/// A profile from [`Sketches::profile`]: a whole sentence's, in its cached
/// sketch, or one made for a stretch.
enum StretchProfile<'s> {
    Cached(similarity::SketchView<'s>),
    Made(Vec<u32>),
}

impl StretchProfile<'_> {
    fn get(&self) -> similarity::Profile<'_> {
        match self {
            StretchProfile::Cached(s) => s.profile(),
            StretchProfile::Made(p) => similarity::Profile::of(p),
        }
    }
}

/// A sketch from [`Sketches::get_in`]: a whole sentence's, borrowed from
/// the cache, or one made for a stretch (a move search lists tens of
/// thousands, at the run's peak of memory: 24 bytes an item either way).
enum SketchRef<'s> {
    Cached(similarity::SketchView<'s>),
    Made(similarity::Sketch),
}

impl similarity::AsSketch for SketchRef<'_> {
    fn sketch(&self) -> similarity::SketchView<'_> {
        match self {
            SketchRef::Cached(s) => *s,
            SketchRef::Made(s) => s.view(),
        }
    }
}

/// An item of the side a move search indexes ([`MoveIndex`]): a whole
/// sentence's sketch from the cache, one made for the search, or, in an
/// index of [`MOVE_INDEX_HALVES`] items or more, the key of one made for
/// the census, which keeps its head alone (its counts and signature: what
/// the prefilter of a candidate reads), and made again, once, when a
/// probe's candidate passes the prefilter. (Two unrelated English texts
/// index 9,400 new sentences that the alike step did not sketch: 3.3 MB
/// of sketches, held beside the census's lists at the move search's peak
/// of memory. A smaller index keeps them: most are compared again.)
enum Indexed<'s> {
    Cached(similarity::SketchView<'s>),
    Kept(similarity::Sketch),
    Made(Box<MadeItem<'s>>),
}

/// [`Indexed::Made`].
struct MadeItem<'s> {
    key: &'s str,
    head: OnceLock<[u32; similarity::SKETCH_HEAD]>,
    full: OnceLock<similarity::Sketch>,
}

/// What a [`MoveIndex`] reads of its items: each one's sketch for the
/// census, a view of its head for the prefilter and the whole sketch for
/// a comparison.
trait MoveItem: Sync {
    /// `f` of the item's sketch (made for the call if it is not kept).
    fn with_sketch<R>(&self, f: impl FnOnce(similarity::SketchView<'_>) -> R) -> R;
    /// The sketch, or a view of its head alone ([`similarity::SketchView::of_head`]),
    /// once [`MoveItem::with_sketch`] has been called.
    fn head(&self) -> similarity::SketchView<'_>;
    /// The whole sketch (made now, once, if it was not kept).
    fn full(&self) -> similarity::SketchView<'_>;
    /// How many elements the census reads of a kept sketch (0 for one not
    /// made yet).
    fn kept_elements(&self) -> usize;
}

impl<S: similarity::AsSketch + Sync> MoveItem for S {
    fn with_sketch<R>(&self, f: impl FnOnce(similarity::SketchView<'_>) -> R) -> R {
        f(self.sketch())
    }
    fn head(&self) -> similarity::SketchView<'_> {
        self.sketch()
    }
    fn full(&self) -> similarity::SketchView<'_> {
        self.sketch()
    }
    fn kept_elements(&self) -> usize {
        self.sketch().without_letter_pairs_len()
    }
}

impl MoveItem for Indexed<'_> {
    fn with_sketch<R>(&self, f: impl FnOnce(similarity::SketchView<'_>) -> R) -> R {
        match self {
            Indexed::Cached(s) => f(*s),
            Indexed::Kept(s) => f(s.view()),
            Indexed::Made(m) => {
                if let Some(full) = m.full.get() {
                    return f(full.view());
                }
                thread_local! {
                    static SCRATCH: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
                }
                // (`write_sketch` and `f`, the census's count, call
                // nothing that could come back here.)
                SCRATCH.with_borrow_mut(|words| {
                    words.clear();
                    similarity::write_sketch(m.key, words);
                    let sketch = similarity::SketchView::at(words, 0);
                    m.head.get_or_init(|| sketch.head());
                    let r = f(sketch);
                    if words.capacity() > 1 << 16 {
                        *words = Vec::new();
                    }
                    r
                })
            }
        }
    }

    fn head(&self) -> similarity::SketchView<'_> {
        match self {
            Indexed::Cached(s) => *s,
            Indexed::Kept(s) => s.view(),
            Indexed::Made(m) => match m.full.get() {
                Some(full) => full.view(),
                None => {
                    similarity::SketchView::of_head(m.head.get_or_init(|| similarity::Sketch::new(m.key).view().head()))
                }
            },
        }
    }

    fn full(&self) -> similarity::SketchView<'_> {
        match self {
            Indexed::Cached(s) => *s,
            Indexed::Kept(s) => s.view(),
            Indexed::Made(m) => m.full.get_or_init(|| similarity::Sketch::new(m.key)).view(),
        }
    }

    fn kept_elements(&self) -> usize {
        match self {
            Indexed::Made(_) => 0,
            _ => self.full().without_letter_pairs_len(),
        }
    }
}

/// Whole new sentences at the start and at the end of new tokens `r`
/// none of whose tokens the alignment matched (see [`Row::bare`]).
fn bare_sentences(tb: &tokens::Tokens, matched: &[bool], r: &Range<usize>) -> [usize; 2] {
    // The sentences of r, as token ranges; only whole ones count.
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut s = r.start;
    while s < r.end {
        let e = (s + 1..r.end).find(|&t| tb.starts_sentence(t)).unwrap_or(r.end);
        spans.push(s..e);
        s = e;
    }
    let bare = |x: &Range<usize>| {
        tb.starts_sentence(x.start) && tb.starts_sentence(x.end) && !matched[x.clone()].contains(&true)
    };
    // A row keeps at least one sentence.
    let n = spans.len();
    let lead = spans.iter().take_while(|x| bare(x)).count().min(n.saturating_sub(1));
    let tail = spans[lead..].iter().rev().take_while(|x| bare(x)).count().min(n.saturating_sub(lead + 1));
    [lead, tail]
}

/// Step 5a: whole new sentences inserted next to an old sentence that was
/// also changed end up in its row when the hunk covers both (`…至平治。`
/// against `…至治平。此二篇，…。`, the inserted sentence in the same hunk
/// as the rewording); the ones that share no token with the row's old
/// sentence are split off as added rows.
fn split_off_sentences(sk: &Sketches, new: &Document, rows: &mut Vec<Row>) {
    let sent = |s: usize| &new.sentences[s];
    // The rows to split, with the new sentences and characters they keep.
    let split: Vec<(usize, Range<usize>, Range<usize>)> = (0..rows.len())
        .filter_map(|i| {
            let r = &rows[i];
            let [lead, tail] = r.bare.map(|n| n as usize);
            if r.kind != RowKind::Modified || lead + tail == 0 {
                return None;
            }
            let core = r.new.start() + lead..r.new.end() - tail;
            let chars = sent(core.start).chars().start.max(r.new_chars.start())
                ..sent(core.end - 1).chars().end.min(r.new_chars.end());
            Some((i, core, chars))
        })
        .collect();
    // How alike what is kept is (on the pool: unrelated texts have
    // thousands of such rows).
    let seen: &[Row] = rows;
    let alike = par_map(&split, PAR_MIN, |(i, core, chars)| {
        sk.alike_in((&seen[*i].old.get(), &seen[*i].old_chars.get()), (core, chars))
    });
    // The rows that replace each split row are made as the splice reaches
    // it (a book whose sentences were shuffled splits thousands).
    // (A row becomes its added sentences before and after what it keeps,
    // and what it keeps.)
    let ranges: Vec<(Range<usize>, usize)> =
        split.iter().map(|(i, core, _)| (*i..*i + 1, rows[*i].new.len() - core.len() + 1)).collect();
    splice_rows_with(rows, &ranges, |k, replaced, out| {
        let ((_, core, chars), similarity) = (&split[k], alike[k]);
        let r = &replaced[0];
        let added = |s: usize, at: usize| Row::new(RowKind::Added, at..at, s..s + 1, 0..0, sent(s).chars());
        out.extend((r.new.start()..core.start).map(|s| added(s, r.old.start())));
        out.push(Row {
            new: core.clone().into(),
            new_chars: chars.clone().into(),
            similarity,
            bare: [0, 0],
            ..r.clone()
        });
        out.extend((core.end..r.new.end()).map(|s| added(s, r.old.end())));
    });
}

/// Replace ranges of rows (in order, not overlapping, not empty) by other
/// rows, in one pass, and only when there is something to replace. The
/// two halves of a move (kept rows) still point at each other afterwards.
fn splice_rows(rows: &mut Vec<Row>, replace: Vec<(Range<usize>, Vec<Row>)>) {
    let ranges: Vec<(Range<usize>, usize)> = replace.iter().map(|(r, with)| (r.clone(), with.len())).collect();
    let mut with: Vec<Vec<Row>> = replace.into_iter().map(|(_, with)| with).collect();
    splice_rows_with(rows, &ranges, |k, _, out| out.append(&mut with[k]));
}

/// [`splice_rows`] with the rows that replace each range made when the
/// splice reaches it: `ranges` are the ranges (in order, not overlapping,
/// not empty), each with how many rows replace it, and `make(k, replaced,
/// out)` pushes onto `out` the rows that replace range `k`, given its rows
/// as they were (called once per range, in no particular order). Only one
/// range's new rows exist at a time: a list of every range's, made first,
/// was a megabyte and more on top of the rows at the refinements' peak
/// (a book whose sentences were shuffled regroups thousands of runs).
///
/// The rows are moved within the list when they can be: from the start
/// when no row lands after where it was (the ranges up to each one gave
/// up as many rows as they gained, or more), from the end when none lands
/// before and the list has room (the ranges up to each one gained rows,
/// as when a row is split into sentences, or a modified row into a
/// removed and an added one); otherwise into a new list. (Two unrelated
/// texts replace nearly every row: a new list is as large again while the
/// old one is read.)
fn splice_rows_with(
    rows: &mut Vec<Row>,
    ranges: &[(Range<usize>, usize)],
    make: impl FnMut(usize, &[Row], &mut Vec<Row>),
) {
    if ranges.is_empty() {
        return;
    }
    debug_assert!(ranges.iter().all(|(r, _)| !r.is_empty()), "ranges that replace rows");
    debug_assert!(ranges.windows(2).all(|w| w[0].0.end <= w[1].0.start), "ranges in order");
    // How far the rows after each range move (rows gained so far).
    let shifts: Vec<isize> = ranges
        .iter()
        .scan(0isize, |gained, (r, n)| {
            *gained += *n as isize - r.len() as isize;
            Some(*gained)
        })
        .collect();
    let gained = shifts.last().copied().unwrap_or(0);
    let len = rows.len().checked_add_signed(gained).expect("a range holds the rows it replaces");
    // Where each kept row lands (NOWHERE: replaced).
    let mut moved_to = vec![NOWHERE; rows.len()];
    let splice = Splice { ranges, len };
    if shifts.iter().all(|&s| s <= 0) {
        splice.within_from_start(rows, make, &mut moved_to);
    } else if shifts.iter().all(|&s| s >= 0) && rows.capacity() >= len {
        splice.within_from_end(rows, make, &mut moved_to);
    } else {
        splice.into_new_list(rows, make, &mut moved_to);
    }
    repoint_partners(rows, &moved_to);
}

/// [`splice_rows_with`]'s mark of a row that was replaced.
const NOWHERE: u32 = u32::MAX;

/// The halves of the moves in `rows` pointed at their partners' new
/// places (`moved_to`, by old place; [`NOWHERE`]: the partner was
/// replaced).
fn repoint_partners(rows: &mut [Row], moved_to: &[u32]) {
    for r in rows.iter_mut() {
        if let Some(p) = r.partner() {
            let to = moved_to.get(p).copied().filter(|&m| m != NOWHERE);
            r.set_partner(to.map(|m| m as usize));
        }
    }
}

/// A splice of [`splice_rows_with`]: its ranges and the length of the
/// list after it.
struct Splice<'a> {
    ranges: &'a [(Range<usize>, usize)],
    len: usize,
}

impl Splice<'_> {
    /// Within `rows`, from the start: each kept row moves down by as many
    /// rows as the ranges before it gave up, and a range's rows are
    /// written where the rows before its end were (no range with those
    /// before it gained rows). A range's rows are still where they were
    /// when it is made: every write so far was before it.
    fn within_from_start(
        &self,
        rows: &mut Vec<Row>,
        mut make: impl FnMut(usize, &[Row], &mut Vec<Row>),
        moved_to: &mut [u32],
    ) {
        // Rows `read..` are still where they were; rows `..write` are in place.
        let (mut read, mut write) = (0, 0);
        let mut keep = |rows: &mut Vec<Row>, to: usize, read: &mut usize, write: &mut usize| {
            while *read < to {
                rows.swap(*read, *write);
                moved_to[*read] = *write as u32;
                *read += 1;
                *write += 1;
            }
        };
        let mut with = Vec::new();
        for (k, (range, n)) in self.ranges.iter().enumerate() {
            keep(rows, range.start, &mut read, &mut write);
            make(k, &rows[range.clone()], &mut with);
            assert_eq!(with.len(), *n, "a range's rows as many as it said");
            for row in with.drain(..) {
                rows[write] = row;
                write += 1;
            }
            read = range.end;
            debug_assert!(write <= read, "no row lands after where it was");
        }
        let end = rows.len();
        keep(rows, end, &mut read, &mut write);
        debug_assert_eq!(write, self.len);
        rows.truncate(self.len);
    }

    /// Within `rows` (room for the rows after the splice), from the end:
    /// each kept row moves up by as many rows as the ranges before it
    /// gained, and a range's rows are written where the rows after its
    /// start were (no range with those before it gave up rows). A range's
    /// rows are still where they were when it is made: every write so far
    /// was after it.
    fn within_from_end(
        &self,
        rows: &mut Vec<Row>,
        mut make: impl FnMut(usize, &[Row], &mut Vec<Row>),
        moved_to: &mut [u32],
    ) {
        let (old_len, len) = (rows.len(), self.len);
        // The new places first hold empty rows (each replaced below).
        prefault(&mut rows.spare_capacity_mut()[..len - old_len]);
        rows.resize(len, Row::new(RowKind::Equal, 0..0, 0..0, 0..0, 0..0));
        // Rows `..read` are still where they were; rows `write..` are in place.
        let (mut read, mut write) = (old_len, len);
        let mut with = Vec::new();
        for (k, (range, n)) in self.ranges.iter().enumerate().rev() {
            while read > range.end {
                read -= 1;
                write -= 1;
                rows.swap(read, write);
                moved_to[read] = write as u32;
            }
            make(k, &rows[range.clone()], &mut with);
            assert_eq!(with.len(), *n, "a range's rows as many as it said");
            write -= with.len();
            for (j, row) in with.drain(..).enumerate() {
                rows[write + j] = row;
            }
            read = range.start;
        }
        debug_assert_eq!(read, write, "the ranges gained as many rows as were added");
        for (i, m) in moved_to.iter_mut().enumerate().take(read) {
            *m = i as u32;
        }
    }

    /// Into a new list.
    fn into_new_list(
        self,
        rows: &mut Vec<Row>,
        mut make: impl FnMut(usize, &[Row], &mut Vec<Row>),
        moved_to: &mut [u32],
    ) {
        let mut out = Vec::with_capacity(self.len);
        // Unrelated texts splice tens of thousands of 72-byte rows: their
        // fresh pages are populated in one system call, not faulted in one
        // by one as the rows are moved (see `prefault`).
        crate::prefault::spare(&mut out);
        let mut next = self.ranges.iter().enumerate().peekable();
        let mut old = std::mem::take(rows).into_iter().enumerate().peekable();
        let mut replaced = Vec::new();
        while let Some((i, r)) = old.next() {
            match next.next_if(|(_, (range, _))| range.start == i) {
                Some((k, (range, n))) => {
                    replaced.clear();
                    replaced.push(r);
                    while let Some((_, r)) = old.next_if(|(j, _)| *j < range.end) {
                        replaced.push(r);
                    }
                    let before = out.len();
                    make(k, &replaced, &mut out);
                    assert_eq!(out.len() - before, *n, "a range's rows as many as it said");
                }
                None => {
                    moved_to[i] = out.len() as u32;
                    out.push(r);
                }
            }
        }
        debug_assert_eq!(out.len(), self.len);
        *rows = out;
    }
}

/// Step 5b: a changed row left with only a scrap of new text that belongs
/// to its neighbour's sentence (a terminator the alignment matched to the
/// wrong sentence end, a word) gives the scrap to the neighbour when that
/// keeps the neighbour as alike, and is itself removed. The neighbour is
/// the nearest row with new text (removed rows in between are passed
/// over); unlike rows holding other scraps of the same sentence on the way
/// (`会计账簿。` cut into `会计`, `账` and `簿。` over three old sentences)
/// give theirs too.
fn hand_over_fragments(sk: &Sketches, new: &Document, rows: &mut [Row], threshold: f32) {
    for i in 0..rows.len() {
        if rows[i].kind != RowKind::Modified || rows[i].new.len() != 1 {
            continue;
        }
        if rows[i].similarity >= threshold {
            continue;
        }
        let sentence = rows[i].new.start();
        let s = &new.sentences[sentence];
        let scrap = rows[i].new_chars;
        // Only spaces may lie between the scrap and its neighbour's text.
        let touching = |a: usize, b: usize| a <= b && key_text(new, &(a..b)).chars().all(|c| c == ' ');
        // Another unlike row holding only a scrap of the same sentence.
        let fellow = |r: &Row| {
            r.kind == RowKind::Modified
                && r.similarity < threshold
                && r.new.get() == (sentence..sentence + 1)
                && r.new_chars.start() > s.chars().start
                && r.new_chars.end() < s.chars().end
        };
        // The scrap ends the previous row's sentence, or starts the next row's.
        let backward = if s.chars().end == scrap.end() && scrap.start() > s.chars().start {
            true
        } else if s.chars().start == scrap.start() && scrap.end() < s.chars().end {
            false
        } else {
            continue;
        };
        let mut found = None;
        let mut edge = if backward { scrap.start() } else { scrap.end() };
        let mut fellows = Vec::new();
        let mut k = i;
        loop {
            k = match if backward { k.checked_sub(1) } else { Some(k + 1).filter(|&n| n < rows.len()) } {
                Some(k) => k,
                None => break,
            };
            let r = &rows[k];
            if r.kind == RowKind::Removed && r.new_chars.is_empty() {
                continue;
            }
            let near = if backward { touching(r.new_chars.end(), edge) } else { touching(edge, r.new_chars.start()) };
            if r.new_chars.is_empty() || !near {
                break;
            }
            if fellow(r) {
                fellows.push(k);
                edge = if backward { r.new_chars.start() } else { r.new_chars.end() };
                continue;
            }
            found = Some(k);
            break;
        }
        let Some(t) =
            found.filter(|&t| matches!(rows[t].kind, RowKind::Modified | RowKind::Equal | RowKind::Resegmented))
        else {
            continue;
        };
        let merged = rows[t].new_chars.start().min(scrap.start())..rows[t].new_chars.end().max(scrap.end());
        // The neighbour must stay as alike as a reworded sentence is.
        let before = if rows[t].kind == RowKind::Modified { rows[t].similarity } else { 1.0 };
        let after = sk.alike(&rows[t].old_chars.get(), &merged);
        if after < threshold.min(before - 0.05) {
            continue;
        }
        let ns = rows[t].new.start().min(rows[i].new.start())..rows[t].new.end().max(rows[i].new.end());
        let t_row = &mut rows[t];
        t_row.new_chars = merged.into();
        t_row.new = ns.into();
        t_row.kind = RowKind::Modified;
        t_row.similarity = after;
        let at = if t < i { rows[i].new.end() } else { rows[i].new.start() };
        for k in fellows.into_iter().chain([i]) {
            let r = &mut rows[k];
            r.kind = RowKind::Removed;
            r.new_chars = (0..0).into();
            r.new = (at..at).into();
        }
    }
}

/// The first part of step 5: runs of unlike rows become removals and
/// additions (see [`refine_rows`]).
fn regroup_unlike(new: &Document, rows: &mut Vec<Row>, threshold: f32) {
    let unlike = |r: &Row| r.kind == RowKind::Modified && r.similarity < threshold;
    let loose = |r: &Row| matches!(r.kind, RowKind::Removed | RowKind::Added);
    // The runs to regroup, each with how many rows it becomes, and its new
    // sentences and where the old ones end (its rows are made as the
    // splice reaches it).
    let mut ranges: Vec<(Range<usize>, usize)> = Vec::new();
    let mut plans: Vec<(Range<usize>, usize)> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if !unlike(&rows[i]) {
            i += 1;
            continue;
        }
        // The run of unlike, removed and added rows around this one.
        let mut start = i;
        while start > ranges.last().map_or(0, |(r, _)| r.end) && loose(&rows[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < rows.len() && (loose(&rows[end]) || unlike(&rows[end])) {
            end += 1;
        }
        let run = &rows[start..end];
        // The run's new text: contiguous, from its first to its last row with new text.
        let first = run.iter().find(|r| !r.new_chars.is_empty()).map(|r| r.new_chars.start());
        let last = run.iter().rev().find(|r| !r.new_chars.is_empty()).map(|r| r.new_chars.end());
        if let Some(ns) = first.zip(last).and_then(|(a, b)| whole(new, a..b)) {
            let end_old = run.iter().rev().find(|r| !r.old.is_empty()).map_or(run[0].old.start(), |r| r.old.end());
            let removed = run.iter().filter(|r| !r.old.is_empty()).count();
            ranges.push((start..end, removed + ns.len()));
            plans.push((ns, end_old));
        }
        i = end;
    }
    splice_rows_with(rows, &ranges, |k, run, out| {
        let (ns, end_old) = (plans[k].0.clone(), plans[k].1);
        let at = ns.start;
        for r in run.iter().filter(|r| !r.old.is_empty()) {
            out.push(Row::new(RowKind::Removed, r.old.get(), at..at, r.old_chars.get(), 0..0));
        }
        for s in ns {
            out.push(Row::new(RowKind::Added, end_old..end_old, s..s + 1, 0..0, new.sentences[s].chars()));
        }
    });
}

/// Longest runs of removed and added sentences (the shorter side) searched
/// for alike pairs.
const MAX_PAIRED_RUN: usize = 100;

/// Step 5d: in a run of removed and added rows (whole sentences the token
/// alignment found nothing in common with: a paraphrase, a rewritten
/// paragraph), sentences as alike as a reworded sentence is are paired
/// after all, in order (see [`similarity::pair_alike`]): one modified row
/// each, instead of a removal and an addition.
fn pair_alike_rows(sk: &Sketches, rows: &mut Vec<Row>, threshold: f32) {
    let loose = |r: &Row| matches!(r.kind, RowKind::Removed | RowKind::Added);
    // The runs of removed and added rows, with the rows of each side.
    let mut runs: Vec<(Range<usize>, Vec<usize>, Vec<usize>)> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if !loose(&rows[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < rows.len() && loose(&rows[i]) {
            i += 1;
        }
        let removed: Vec<usize> = (start..i).filter(|&k| rows[k].kind == RowKind::Removed).collect();
        let added: Vec<usize> = (start..i).filter(|&k| rows[k].kind == RowKind::Added).collect();
        // A long run is a stretch the token alignment found unrelated (a
        // paragraph moved, two different texts), where a reworded sentence
        // is not to be looked for.
        if removed.is_empty() || added.is_empty() || removed.len().min(added.len()) > MAX_PAIRED_RUN {
            continue;
        }
        runs.push((start..i, removed, added));
    }
    // Each run paired on its own (on the pool: two unrelated texts have
    // thousands of runs), then the rows rebuilt in order.
    let seen: &[Row] = rows;
    let paired = par_map(&runs, 16, |(_, removed, added)| {
        let osk: Vec<SketchRef> =
            removed.iter().map(|&k| sk.get_in(OLD, &seen[k].old.get(), &seen[k].old_chars.get())).collect();
        let nsk: Vec<SketchRef> =
            added.iter().map(|&k| sk.get_in(NEW, &seen[k].new.get(), &seen[k].new_chars.get())).collect();
        similarity::pair_alike_sketches(&osk, &nsk, threshold)
    });
    let mut replace: Vec<(Range<usize>, Vec<Row>)> = Vec::new();
    for ((span, removed, added), pairs) in runs.into_iter().zip(paired) {
        if !pairs.iter().any(|p| p.0.is_some() && p.1.is_some()) {
            continue;
        }
        let run = &rows[span.clone()];
        let mut with = Vec::with_capacity(run.len());
        for p in pairs {
            match p {
                (Some(o), Some(n)) => {
                    let (ro, rn) = (&rows[removed[o]], &rows[added[n]]);
                    let mut r =
                        Row::new(RowKind::Modified, ro.old.get(), rn.new.get(), ro.old_chars.get(), rn.new_chars.get());
                    r.similarity = sk.alike_row(&r);
                    with.push(r);
                }
                (Some(o), None) => with.push(rows[removed[o]].clone()),
                (None, Some(n)) => {
                    // An added row falls before the next old sentence.
                    let mut r = rows[added[n]].clone();
                    let at = with
                        .iter()
                        .rev()
                        .find(|r: &&Row| !r.old.is_empty())
                        .map_or(run[0].old.start(), |r| r.old.end());
                    r.old = (at..at).into();
                    with.push(r);
                }
                (None, None) => {}
            }
        }
        replace.push((span, with));
    }
    splice_rows(rows, replace);
}

/// The new sentences key characters `r` consist of, if they are whole.
fn whole(new: &Document, r: Range<usize>) -> Option<Range<usize>> {
    let first = new.sentences.partition_point(|s| s.chars().end <= r.start);
    let last = new.sentences.partition_point(|s| s.chars().end < r.end);
    let (a, b) = (new.sentences.get(first)?, new.sentences.get(last)?);
    (a.chars().start == r.start && b.chars().end == r.end).then_some(first..last + 1)
}

/// [`key_text`] of a row's side: key characters `r` of sentences
/// `sentences`. When `r` is those sentences whole (nearly every row), its
/// key bytes are theirs, without the two searches of [`key_text`].
pub(crate) fn key_text_in<'d>(doc: &'d Document, sentences: &Range<usize>, r: &Range<usize>) -> &'d str {
    match doc.whole_key(sentences, r).filter(|_| !r.is_empty()) {
        Some(k) => {
            debug_assert_eq!(&doc.keys[k.clone()], key_text(doc, r));
            &doc.keys[k]
        }
        None => key_text(doc, r),
    }
}

/// Key text of key characters `r` (which start and end at sentence
/// boundaries or inside one sentence).
pub(crate) fn key_text<'d>(doc: &'d Document, r: &Range<usize>) -> &'d str {
    if r.is_empty() {
        return "";
    }
    // The sentence holding r.start, and the byte where r starts in it.
    let s = doc.sentences.partition_point(|s| s.chars().end <= r.start);
    let Some(first) = doc.sentences.get(s) else { return "" };
    // At a sentence's start or end (nearly always) the byte is known;
    // inside one, its characters are counted from the start, or from the
    // end when that is nearer.
    let offset = |sentence: &crate::segment::Sentence, at: usize| {
        let n = at.saturating_sub(sentence.chars().start);
        let (len, key) = (sentence.chars().len(), &doc.keys[sentence.key()]);
        if n == 0 {
            sentence.key().start
        } else if n >= len {
            sentence.key().end
        } else if key.len() == len {
            sentence.key().start + n // ASCII
        } else if n <= len / 2 {
            sentence.key().start + key.char_indices().nth(n).map_or(key.len(), |(b, _)| b)
        } else {
            sentence.key().start + key.char_indices().rev().nth(len - n - 1).map_or(0, |(b, _)| b)
        }
    };
    let start = offset(first, r.start);
    let e = doc.sentences.partition_point(|s| s.chars().end < r.end).min(doc.sentences.len() - 1);
    let end = offset(&doc.sentences[e], r.end);
    &doc.keys[start..end.max(start)]
}

/// Step 6: a removed sentence whose key (spaces aside) equals an added
/// sentence's key is a move: the two rows become its two halves.
fn find_moves(old: &Document, new: &Document, rows: &mut [Row]) {
    // Each added row, in order, takes the earliest removed row not yet
    // taken whose key is its own (spaces aside): a hash shared by
    // different keys is told apart by comparing the keys. Only rows with
    // the same hash can pair, so the two sides are sorted by hash (rows in
    // order within a hash) and each hash's rows are paired on their own,
    // with the same outcome. (Both sides' hashes are taken on the pool:
    // two unrelated texts are tens of thousands of removed and added rows.
    // Sorted lists of hashes and row numbers, 16 bytes a row, are a fifth
    // of what a map of lists and every key's slice took, at the
    // refinements' peak of memory.)
    let of_kind =
        |kind: RowKind| (0..rows.len()).filter(|&i| rows[i].kind == kind).map(|i| i as u32).collect::<Vec<u32>>();
    let (gone, came) = (of_kind(RowKind::Removed), of_kind(RowKind::Added));
    if gone.is_empty() || came.is_empty() {
        return;
    }
    let seen: &[Row] = rows;
    let old_key = |i: u32| key_text_in(old, &seen[i as usize].old.get(), &seen[i as usize].old_chars.get());
    let new_key = |i: u32| key_text_in(new, &seen[i as usize].new.get(), &seen[i as usize].new_chars.get());
    fn hashed(rows: &[u32], hash: impl Fn(u32) -> u64 + Sync) -> Vec<(u64, u32)> {
        let mut h: Vec<(u64, u32)> = par_map(rows, PAR_MIN, |&i| (hash(i), i));
        // (Row numbers are distinct: the order is total.)
        h.sort_unstable();
        h
    }
    let gone = hashed(&gone, |i| spaceless_hash(old_key(i)));
    let came = hashed(&came, |i| spaceless_hash(new_key(i)));
    let mut taken = vec![false; gone.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let (mut g, mut c) = (0, 0);
    while g < gone.len() && c < came.len() {
        let h = gone[g].0.min(came[c].0);
        let g_end = g + gone[g..].partition_point(|x| x.0 == h);
        let c_end = c + came[c..].partition_point(|x| x.0 == h);
        // (The removed rows before `first` are all taken: a sentence
        // repeated a thousand times is not searched a thousand times over.)
        let mut first = g;
        for &(_, to) in &came[c..c_end] {
            while first < g_end && taken[first] {
                first += 1;
            }
            let key = new_key(to);
            let from = (first..g_end).find(|&k| !taken[k] && same_but_spaces(old_key(gone[k].1), key));
            if let Some(k) = from {
                taken[k] = true;
                pairs.push((gone[k].1 as usize, to as usize));
            }
        }
        (g, c) = (g_end, c_end);
    }
    for (from, to) in pairs {
        rows[to].kind = RowKind::MovedTo;
        rows[to].set_partner(Some(from));
        rows[to].similarity = 1.0;
        rows[from].kind = RowKind::MovedFrom;
        rows[from].set_partner(Some(to));
        rows[from].similarity = 1.0;
    }
}

/// Removed and added sentences shorter than this (key characters) are not
/// paired as moves by similarity: "谢谢。" is alike too many sentences.
const MOVE_MIN_CHARS: usize = 10;
/// More removed or added sentences than this (two unrelated books) and
/// only exact moves are found.
const MOVE_MAX_ROWS: usize = 50_000;
// (A move index numbers its items in two bytes: see `MoveIndex::postings`.)
const _: () = assert!(MOVE_MAX_ROWS <= u16::MAX as usize + 1);
/// Profile elements shared by more added sentences than this (common
/// characters and bigrams) do not propose candidates.
const MOVE_POSTING_CAP: usize = 48;
/// Candidates per removed sentence whose similarity is computed.
const MOVE_CANDIDATES: usize = 6;
/// Items from which the move index is built in two halves, one a core
/// ([`MoveIndex::new`]). A smaller index is built on this thread: its
/// memory then comes from this thread's arena, where the steps before
/// freed theirs, not from fresh pages of the pool's (0.3 MB less at the
/// peak of English *sentences permuted*, 2,404 items), and two halves
/// would save a fraction of a millisecond. Two unrelated books are 9,000
/// to 13,000 items.
const MOVE_INDEX_HALVES: usize = 8_192;

/// Step 5e: a removed sentence and an added one elsewhere that are alike
/// (Dice of their profiles at least `thresholds[0]`, the move threshold,
/// see [`similarity`]) are
/// one sentence that moved and was reworded: the two rows become the two
/// halves of a move, whose inline diff the report shows.
///
/// Cost stays near linear ([`MoveIndex`]): the profile elements of the
/// smaller side go into an inverted index, each sentence of the other side
/// looks up its elements (skipping those shared by more than
/// [`MOVE_POSTING_CAP`] sentences) and only its [`MOVE_CANDIDATES`] best
/// candidates by shared elements are compared in full; pairs are then
/// taken best first, each sentence once. Past
/// [`MOVE_MAX_ROWS`] removed or added sentences, or past the deadline,
/// nothing more is paired. Then moves grow over their neighbours: the
/// sentence before or after a moved one that was also removed there and
/// added next to its counterpart moved with it when the two are as alike
/// as a reworded sentence is (`thresholds[1]`, `--threshold`) — short
/// sentences too — or both start with a unit label of the same kind
/// (`第九条`/`第二十九条`: an article's heading moves with it).
///
/// Returns how many sentences were searched among (removed and added; 0
/// when there was no search).
fn find_similar_moves(sk: &Sketches, rows: &mut [Row], thresholds: [f32; 2], deadline: Instant) -> usize {
    let [threshold, reworded] = thresholds;
    let [old, new] = sk.docs;
    let long = |doc: &Document, s: &Range<usize>, r: &Range<usize>| {
        r.len() >= MOVE_MIN_CHARS && !key_text_in(doc, s, r).is_empty()
    };
    let (mut removed, mut added): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for (i, r) in rows.iter().enumerate() {
        match r.kind {
            RowKind::Removed if long(old, &r.old.get(), &r.old_chars.get()) => removed.push(i),
            RowKind::Added if long(new, &r.new.get(), &r.new_chars.get()) => added.push(i),
            _ => {}
        }
    }
    if removed.is_empty() || added.is_empty() || removed.len().max(added.len()) > MOVE_MAX_ROWS {
        return 0;
    }
    let searched = removed.len() + added.len();
    if searched >= GIVE_BACK_MIN_SEARCHED {
        // A search among many sentences (two unrelated texts) is the peak
        // of the refinements' memory: the code of the steps before it
        // (the alignment's, the other refinements') is not kept resident
        // under it, nor the heap they freed (the alignment's megabytes of
        // small lists, in the arena of the thread that made them, where
        // the search's items and sketches, made on the pool, do not reuse
        // them: two unrelated 1 MB Chinese texts, 1.0-1.4 MB of the peak;
        // wall x0.99-1.01).
        crate::prefault::let_go_of_code_between_steps(old.keys.len() + new.keys.len());
        crate::prefault::give_back_free_memory();
    }
    // Once the index of a large search is built, the heap its census
    // freed is handed back before the probes: the census's lists and maps
    // are made on both cores, half in the pool's arena, where the probes'
    // tables and sketches do not reuse them (two unrelated 1 MB Chinese
    // texts: 0.9 MB of the run's peak). So is the probes' once they are
    // done, before the code of the steps after the search is faulted in
    // again on top of it (two unrelated English texts: 0.3 MB).
    let give_back = || {
        if searched >= GIVE_BACK_MIN_SEARCHED {
            crate::prefault::give_back_free_memory();
        }
    };
    let tau = threshold.clamp(0.0, 1.0);
    let seen: &[Row] = rows;
    // Sketches already made are read from the cache; the others are made
    // for this step alone, not cached: nothing after it asks for them, and
    // held to the end of the refinements they were the run's peak on a
    // book whose sentences were permuted.
    let old_sketch = |i: usize| sk.lookup(OLD, &seen[i].old.get(), &seen[i].old_chars.get());
    let new_sketch = |i: usize| sk.lookup(NEW, &seen[i].new.get(), &seen[i].new_chars.get());
    // The smaller side is indexed and the other looks it up, its sketches
    // made as the probes reach them (a large index's own, those not
    // cached, made for its census and again as candidates reach them: see
    // `Indexed`); both ways when they are as large (the mirrored
    // comparison finds the same pairs), with both sides' sketches made
    // once, the index built on one thread while the pool makes the other
    // side's.
    let mut found: Vec<(usize, usize, f32)> = Vec::new();
    if removed.len() == added.len() {
        let ads = par_map(&added, PAR_MIN, |&i| new_sketch(i));
        let (index, rs) = rayon::join(|| MoveIndex::new(&ads), || par_map(&removed, PAR_MIN, |&i| old_sketch(i)));
        give_back();
        found.extend(index.probe(rs.len(), |n| &rs[n], tau, deadline).into_iter().map(|(a, r, d)| (r, a, d)));
        drop(index);
        let index = MoveIndex::new(&rs);
        give_back();
        found.extend(index.probe(ads.len(), |n| &ads[n], tau, deadline));
    } else if added.len() < removed.len() {
        let lazy = added.len() >= MOVE_INDEX_HALVES;
        let ads = par_map(&added, PAR_MIN, |&i| sk.indexed(NEW, &seen[i].new.get(), &seen[i].new_chars.get(), lazy));
        let index = MoveIndex::new(&ads);
        give_back();
        let probed = index.probe(removed.len(), |n| old_sketch(removed[n]), tau, deadline);
        found.extend(probed.into_iter().map(|(a, r, d)| (r, a, d)));
    } else {
        let lazy = removed.len() >= MOVE_INDEX_HALVES;
        let rs = par_map(&removed, PAR_MIN, |&i| sk.indexed(OLD, &seen[i].old.get(), &seen[i].old_chars.get(), lazy));
        let index = MoveIndex::new(&rs);
        give_back();
        found.extend(index.probe(added.len(), |n| new_sketch(added[n]), tau, deadline));
    }
    give_back();
    let mut pairs: Vec<(f32, usize, usize)> = found.into_iter().map(|(r, a, d)| (d, removed[r], added[a])).collect();
    if pairs.is_empty() {
        return searched;
    }
    // Best pairs first; ties in document order.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    pairs.dedup();
    let mut moved: Vec<(usize, usize)> = Vec::new();
    for (d, from, to) in pairs {
        if rows[from].kind != RowKind::Removed || rows[to].kind != RowKind::Added {
            continue;
        }
        pair_move(rows, from, to, d);
        moved.push((from, to));
    }
    // Grow the moves over their neighbours (an article's heading, the
    // next sentence of a moved paragraph).
    let unit = |doc: &Document, r: &Range<usize>| crate::structure::key_unit(key_text(doc, r));
    for (from, to) in moved {
        for step in [-1isize, 1] {
            let (mut f, mut t) = (from, to);
            while let (Some(nf), Some(nt)) = (f.checked_add_signed(step), t.checked_add_signed(step)) {
                if nf >= rows.len() || nt >= rows.len() {
                    break;
                }
                if rows[nf].kind != RowKind::Removed || rows[nt].kind != RowKind::Added {
                    break;
                }
                let (o, n) = (&rows[nf].old_chars, &rows[nt].new_chars);
                let d = sk.alike_in((&rows[nf].old.get(), &o.get()), (&rows[nt].new.get(), &n.get()));
                let same_unit = unit(old, &o.get()).is_some() && unit(old, &o.get()) == unit(new, &n.get());
                if d < reworded && !same_unit {
                    break;
                }
                pair_move(rows, nf, nt, d);
                (f, t) = (nf, nt);
            }
        }
    }
    searched
}

/// Distinct elements of a profile that propose candidates: characters,
/// words and their bigrams (see `similarity::profile`).
fn elements(s: similarity::SketchView<'_>) -> impl Iterator<Item = u32> + '_ {
    let mut last = None;
    s.without_letter_pairs().filter(move |&x| {
        let new = last != Some(x);
        last = Some(x);
        new
    })
}

/// The inverted index of [`find_similar_moves`] over the sketches
/// `items`: for each profile element shared by at most
/// [`MOVE_POSTING_CAP`] items, its run of item numbers in `postings`
/// (see [`MoveIndex::run`]).
struct MoveIndex<'s, S> {
    items: &'s [S],
    /// Where each listed element's run starts in `postings`.
    runs: ElementMap<u32>,
    /// The runs, back to back, each its length (at most
    /// [`MOVE_POSTING_CAP`]) and then its item numbers, two bytes each:
    /// an index holds at most [`MOVE_MAX_ROWS`] items. (Two unrelated 1 MB
    /// texts list half a million postings; with their ends in the map of
    /// runs and four bytes an item, the run's list and map were a third
    /// larger, at the move search's peak of memory.)
    postings: Vec<u16>,
    /// The elements that have a run, as bits of their [`Listed`] hashes.
    listed: Listed,
}

impl<'s, S: MoveItem> MoveIndex<'s, S> {
    /// The index of `index`'s elements: each element is numbered at its
    /// first sight (the one lookup an element makes), its occurrences
    /// counted by number, and the postings filled in item order from the
    /// numbers noted on the way (the profiles are read once). Reading the
    /// profiles (all over the heap) is most of the cost: with many items
    /// ([`MOVE_INDEX_HALVES`]), each half is numbered on a core of its own
    /// and the second half's numbers are then carried over into the first's.
    fn new(index: &'s [S]) -> Self {
        let half = if index.len() >= MOVE_INDEX_HALVES { index.len() / 2 } else { index.len() };
        Self::in_halves(index, half)
    }

    /// [`MoveIndex::new`] with the items split at `half`.
    fn in_halves(index: &'s [S], half: usize) -> Self {
        debug_assert!(index.len() <= usize::from(u16::MAX) + 1, "{} items", index.len());
        let (first, second) = index.split_at(half);
        let (mut census, rest) = if second.is_empty() {
            (Census::of(first), Census::default())
        } else {
            rayon::join(|| Census::of(first), || Census::of(second))
        };
        // Each list goes as soon as nothing needs it, not at the index's
        // peak (two unrelated 1 MB Chinese texts: 47,000 elements). The
        // second half's map is not needed to carry its numbers over (its
        // list of elements is).
        let Census { number: rest_number, seen: rest_seen, noted: rest_noted, ends: rest_ends } = rest;
        drop(rest_number);
        // The second half's numbers in the first's numbering.
        let carried: Vec<u32> = rest_seen.iter().map(|&(x, c)| census.count(x, c)).collect();
        drop(rest_seen);
        let Census { number, seen, noted, ends } = census;
        drop(number);
        // Each element's run of postings (none for the common ones), in a
        // map made at its size (growing, it held its old table and the
        // new one at once).
        const SKIP: u32 = u32::MAX;
        let listed = seen.iter().filter(|&&(_, c)| c as usize <= MOVE_POSTING_CAP).count();
        let mut next: Vec<u32> = Vec::with_capacity(seen.len());
        let mut runs: ElementMap<u32> = ElementMap::with_capacity_and_hasher(listed, Default::default());
        let mut total = 0u32;
        for &(x, c) in &seen {
            if c as usize <= MOVE_POSTING_CAP {
                runs.insert(x, total);
                next.push(total + 1);
                total += 1 + c;
            } else {
                next.push(SKIP);
            }
        }
        let mut postings = vec![0u16; total as usize];
        for (&(x, c), &at) in seen.iter().zip(&next) {
            if at != SKIP {
                debug_assert_eq!(runs.get(&x), Some(&(at - 1)));
                postings[at as usize - 1] = c as u16;
            }
        }
        drop(seen);
        let mut post = |k: usize, n: u32| {
            let slot = &mut next[n as usize];
            if *slot != SKIP {
                postings[*slot as usize] = k as u16;
                *slot += 1;
            }
        };
        let mut from = 0;
        for (k, &end) in ends.iter().enumerate() {
            noted.each(from..end as usize, |n| post(k, n));
            from = end as usize;
        }
        let mut from = 0;
        for (k, &end) in rest_ends.iter().enumerate() {
            rest_noted.each(from..end as usize, |n| post(half + k, carried[n as usize]));
            from = end as usize;
        }
        let listed = Listed::of(runs.keys().copied(), runs.len());
        MoveIndex { items: index, runs, postings, listed }
    }

    /// The item numbers of element `x`'s run, in order, if it has one.
    #[inline]
    fn run(&self, x: u32) -> Option<&[u16]> {
        let at = *self.runs.get(&x)? as usize;
        let len = usize::from(self.postings[at]);
        Some(&self.postings[at + 1..at + 1 + len])
    }

    /// Pairs (index item, probe item, Dice) at least `tau` alike: each
    /// probe counts the elements it shares with each indexed item (elements
    /// shared by more than [`MOVE_POSTING_CAP`] items do not count, nor the
    /// letter pairs inside words, which every English sentence shares) and
    /// only its [`MOVE_CANDIDATES`] best candidates are compared in full.
    fn probe<P: similarity::AsSketch>(
        &self,
        count: usize,
        probe: impl Fn(usize) -> P + Sync,
        tau: f32,
        deadline: Instant,
    ) -> Vec<(usize, usize, f32)> {
        let MoveIndex { items: index, listed, .. } = self;
        // The probes (`probe(n)`, n < count) in chunks, on every core: each
        // chunk counts its votes in its own table; the pairs come back in
        // probe order.
        let chunk = PAR_MIN.max(count.div_ceil(4 * rayon::current_num_threads()));
        let per_chunk: Vec<Vec<(usize, usize, f32)>> = {
            use rayon::prelude::*;
            (0..count.div_ceil(chunk))
                .into_par_iter()
                // (Each chunk a task of its own: see `par_map`.)
                .with_max_len(1)
                .map(|c| {
                    let mut out = Vec::new();
                    // Votes per indexed item (a probe is one sentence of at
                    // most MAX_SENTENCE_CHARS key characters: it shares at
                    // most a few thousand distinct elements with an item;
                    // the count saturates past 16 bits), and the items voted for,
                    // written without a branch: `touched[..len]` (one slot
                    // more than items: a vote for an item already noted
                    // writes past the list, even when it holds them all).
                    let mut votes = vec![0u16; index.len()];
                    let mut touched = vec![0u16; index.len() + 1];
                    let mut best: Vec<(u32, u32)> = Vec::new();
                    for n in c * chunk..(c * chunk + chunk).min(count) {
                        if n % 256 == 0 && Instant::now() > deadline {
                            break;
                        }
                        let sk = probe(n);
                        let sk = sk.sketch();
                        let mut len = 0;
                        for x in elements(sk) {
                            if !listed.may_have(x) {
                                continue;
                            }
                            let Some(run) = self.run(x) else { continue };
                            for &k in run {
                                let v = &mut votes[usize::from(k)];
                                touched[len] = k;
                                len += usize::from(*v == 0);
                                *v = v.saturating_add(1);
                            }
                        }
                        // A candidate shares at least two elements (one is chance).
                        best.clear();
                        best.extend(
                            touched[..len]
                                .iter()
                                .map(|&k| (u32::from(votes[usize::from(k)]), u32::from(k)))
                                .filter(|&(v, _)| v >= 2),
                        );
                        for &k in &touched[..len] {
                            votes[usize::from(k)] = 0;
                        }
                        let keep = MOVE_CANDIDATES.min(best.len());
                        if keep == 0 {
                            continue;
                        }
                        best.select_nth_unstable_by(keep - 1, |a, b| b.cmp(a));
                        for &(_, k) in &best[..keep] {
                            let item = &index[k as usize];
                            let other = item.head();
                            // Dice can reach tau only if the sizes and signatures allow it.
                            let (x, y) = (sk.len(), other.len());
                            if 2.0 * (x.min(y) as f32) < tau * (x + y) as f32 || !sk.may_reach(&other, tau) {
                                continue;
                            }
                            let other = item.full();
                            if let Some(d) = sk.dice_at_least(&other, tau) {
                                out.push((k as usize, n, d));
                            }
                        }
                    }
                    out
                })
                .collect()
        };
        per_chunk.concat()
    }
}

/// A set of elements as bits of their hashes, some bits a member (a
/// Bloom filter with one hash): most elements a probe of
/// [`MoveIndex::probe`] looks up have no run (two unrelated texts share
/// few), and a bit in a table of 64 KB answers most of them where the
/// lookup in the map of runs (a megabyte) took a cache miss and a branch
/// no predictor guesses. It never says no to a member.
struct Listed {
    bits: Vec<u64>,
    /// How far the hash is shifted down to number a bit.
    shift: u32,
}

impl Listed {
    /// The set of `n` elements `xs`, in about 8 bits an element.
    fn of(xs: impl Iterator<Item = u32>, n: usize) -> Listed {
        let bits_log = (n.max(1) * 8).next_power_of_two().trailing_zeros().clamp(6, 31);
        let mut l = Listed { bits: vec![0; 1 << (bits_log - 6)], shift: 32 - bits_log };
        for x in xs {
            let h = l.bit(x);
            l.bits[h >> 6] |= 1 << (h & 63);
        }
        l
    }

    #[inline]
    fn bit(&self, x: u32) -> usize {
        (x.wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    /// Could `x` be in the set? (False: it is not.)
    #[inline]
    fn may_have(&self, x: u32) -> bool {
        let h = self.bit(x);
        self.bits[h >> 6] & (1 << (h & 63)) != 0
    }
}

/// The elements of some sketches, numbered at first sight (see
/// [`MoveIndex::new`]).
#[derive(Default)]
struct Census {
    /// Each element's number.
    number: ElementMap<u32>,
    /// Per element number: the element and how often it occurs (or, for
    /// an element below U+10000 that occurs more than `MOVE_POSTING_CAP`
    /// times, one more than that: see [`Census::of`]).
    seen: Vec<(u32, u32)>,
    /// The number of each element of each item, in order, up to its
    /// `MOVE_POSTING_CAP`th occurrence (an element seen more often has no
    /// run: see [`Census::of`]).
    noted: Numbers,
    /// Where each item's numbers end in `noted`: the postings are filled
    /// from these, without reading the profiles a second time.
    ends: Vec<u32>,
}

impl Census {
    /// The elements of `items`, in order.
    fn of<S: MoveItem>(items: &[S]) -> Census {
        // (Room for the kept sketches' elements; the list grows past it
        // for those made as the census reads them.)
        let mut c = Census {
            noted: Numbers::with_capacity(items.iter().map(|s| s.kept_elements()).sum()),
            ends: Vec::with_capacity(items.len()),
            ..Census::default()
        };
        // The elements below U+10000 (Han characters, marks) seen more
        // than MOVE_POSTING_CAP times, by bit: their later occurrences are
        // neither looked up nor counted (see below).
        let mut common = vec![0u64; 1 << 10];
        for s in items {
            s.with_sketch(|sketch| {
                for x in elements(sketch) {
                    let narrow = (x as usize) < common.len() * 64;
                    if narrow && common[x as usize >> 6] & 1 << (x & 63) != 0 {
                        continue;
                    }
                    let k = c.count(x, 1);
                    // Past MOVE_POSTING_CAP occurrences in these items an
                    // element has no run in the index (nor in an index of
                    // more items), whatever its exact count: its later
                    // occurrences are not noted, and a narrow one's not
                    // even counted. (Two unrelated Chinese texts: most of
                    // a half's 470,000 elements are a few thousand common
                    // characters.)
                    if c.seen[k as usize].1 as usize <= MOVE_POSTING_CAP {
                        c.noted.push(k);
                    } else if narrow {
                        common[x as usize >> 6] |= 1 << (x & 63);
                    }
                }
            });
            c.ends.push(c.noted.len() as u32);
        }
        // (Its spare room, what was reserved for occurrences not noted, is
        // handed back to the heap, for the index's lists.)
        c.noted.shrink_to_fit();
        c
    }

    /// Count `n` more occurrences of element `x`; returns its number
    /// (given at its first sight).
    fn count(&mut self, x: u32, n: u32) -> u32 {
        let seen = &mut self.seen;
        let k = *self.number.entry(x).or_insert_with(|| {
            seen.push((x, 0));
            seen.len() as u32 - 1
        });
        seen[k as usize].1 += n;
        k
    }
}

/// [`Census::noted`]: element numbers, two bytes each while they fit
/// (the distinct elements of half of two unrelated 1 MB Chinese texts'
/// sentences are 47,000; their 470,000 numbers are the move index's
/// largest list while it is built), four bytes once one does not.
enum Numbers {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Numbers {
    fn default() -> Self {
        Numbers::Narrow(Vec::new())
    }
}

impl Numbers {
    fn with_capacity(n: usize) -> Numbers {
        Numbers::Narrow(Vec::with_capacity(n))
    }

    fn len(&self) -> usize {
        match self {
            Numbers::Narrow(v) => v.len(),
            Numbers::Wide(v) => v.len(),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Numbers::Narrow(v) => v.shrink_to_fit(),
            Numbers::Wide(v) => v.shrink_to_fit(),
        }
    }

    #[inline]
    fn push(&mut self, k: u32) {
        match self {
            Numbers::Narrow(v) => match u16::try_from(k) {
                Ok(k) => v.push(k),
                Err(_) => {
                    let mut wide = Vec::with_capacity(v.capacity().max(v.len() + 1));
                    wide.extend(v.iter().map(|&x| u32::from(x)));
                    wide.push(k);
                    *self = Numbers::Wide(wide);
                }
            },
            Numbers::Wide(v) => v.push(k),
        }
    }

    /// `f` of the numbers at positions `r`, in order.
    #[inline]
    fn each(&self, r: Range<usize>, f: impl FnMut(u32)) {
        match self {
            Numbers::Narrow(v) => v[r].iter().map(|&x| u32::from(x)).for_each(f),
            Numbers::Wide(v) => v[r].iter().copied().for_each(f),
        }
    }
}

/// A map keyed by profile elements (see [`similarity::profile`]): a
/// multiplication mixes them well enough, where the default hasher would
/// cost more than the lookups it serves (a million of them for two
/// unrelated books).
type ElementMap<V> = HashMap<u32, V, std::hash::BuildHasherDefault<ElementHasher>>;

/// The hasher of [`ElementMap`].
#[derive(Default)]
struct ElementHasher(u64);

impl std::hash::Hasher for ElementHasher {
    fn finish(&self) -> u64 {
        // The high bits of the product are the mixed ones; fold them down
        // for the table's index.
        self.0 ^ (self.0 >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b) ^ (self.0 as u32));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (u64::from(n) ^ self.0.rotate_left(5)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Below this many items a step runs on one thread ([`par_map`]).
const PAR_MIN: usize = 512;

/// `f` of every item, in order; on every core when there are at least
/// two chunks of `chunk` items (a book whose every sentence changed, two
/// unrelated texts). Small steps run on the calling thread: handing a few
/// cheap items to other threads costs more than it saves.
///
/// The items go to the pool in tasks of about `chunk` items
/// (`with_max_len`). Left to itself, rayon cuts a list into about four
/// parts for two threads and cuts a part again only when another thread
/// steals it, so a thread that finished early waited, idle, for the
/// other's last quarter (on two unrelated texts, milliseconds of one core
/// at a time in the perf timeline); every parallel loop here over items
/// of uneven cost hands them out the same way.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], chunk: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    par_map_init(items, chunk, || (), |_, item| f(item))
}

/// [`par_map`] where `f` also gets scratch state that each task makes once
/// with `init` and keeps from item to item (buffers reused across items).
pub(crate) fn par_map_init<T: Sync, R: Send, S>(
    items: &[T],
    chunk: usize,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() < 2 * chunk.max(1) {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    use rayon::prelude::*;
    items.par_iter().with_min_len(chunk).with_max_len(chunk).map_init(init, f).collect()
}

/// Touch the pages of `spare`, memory about to be written in order on
/// one thread, on rayon's pool first: a book's rows are megabytes of fresh
/// pages, and the first touch of each (a page fault, 2–3 µs here) kept the
/// other thread waiting.
fn prefault<T: Send>(spare: &mut [std::mem::MaybeUninit<T>]) {
    use rayon::prelude::*;
    let size = std::mem::size_of::<T>().max(1);
    if spare.len() * size < PREFAULT_MIN {
        return;
    }
    spare.par_chunks_mut((PAGE / size).max(1)).with_min_len(PAGES_PER_JOB).for_each(|page| {
        page[0] = std::mem::MaybeUninit::zeroed();
        // (Written, as far as the optimiser knows, for someone to read.)
        std::hint::black_box(&mut page[0]);
    });
}

/// Bytes below which [`prefault`] leaves the pages to their writer.
const PREFAULT_MIN: usize = 1 << 20;
/// The size of a page of memory (or a divisor of it).
const PAGE: usize = 4096;
/// Pages touched by one task of [`prefault`].
const PAGES_PER_JOB: usize = 64;

/// Make removed row `from` and added row `to` the two halves of a move.
fn pair_move(rows: &mut [Row], from: usize, to: usize, similarity: f32) {
    rows[to].kind = RowKind::MovedTo;
    rows[to].set_partner(Some(from));
    rows[to].similarity = similarity;
    rows[from].kind = RowKind::MovedFrom;
    rows[from].set_partner(Some(to));
    rows[from].similarity = similarity;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{LineFilter, Source};
    use crate::normalize::NormalizeOptions;
    use crate::segment::segment;
    use std::time::Duration;

    /// A row is 72 bytes on a 64-bit target (its ranges in 32 bits, its
    /// pieces a boxed list of packed pieces), a sketch or a view of one 16
    /// and a move search's reference to either 24; a range round-trips.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn rows_and_their_ranges_are_compact() {
        assert_eq!(std::mem::size_of::<Row>(), 72);
        assert_eq!(std::mem::size_of::<PackedPiece>(), 12);
        assert_eq!(std::mem::size_of::<similarity::Sketch>(), 16);
        assert_eq!(std::mem::size_of::<similarity::SketchView>(), 16);
        assert_eq!(std::mem::size_of::<SketchRef>(), 24);
        let r = Range32::from(3..7);
        assert_eq!((r.get(), r.start(), r.end(), r.len(), r.is_empty()), (3..7, 3, 7, 4, false));
        let e = Range32::from(5..5);
        assert_eq!((e.len(), e.is_empty()), (0, true));
    }

    fn docs(a: &str, b: &str, norm: NormalizeOptions) -> (Source, Source, Document, Document) {
        let (sa, sb) = (Source::from_text("a", a), Source::from_text("b", b));
        let f = LineFilter::default();
        let (da, db) = (segment(&sa, &f, &norm), segment(&sb, &f, &norm));
        (sa, sb, da, db)
    }

    fn opts() -> DiffOptions {
        DiffOptions {
            threshold: 0.5,
            detect_moves: true,
            move_threshold: Some(0.6),
            deadline: Instant::now() + Duration::from_secs(60),
        }
    }

    /// Rows as (kind, old key, new key).
    fn rows_of(a: &str, b: &str, norm: NormalizeOptions) -> Vec<(RowKind, String, String)> {
        let (_, _, da, db) = docs(a, b, norm);
        diff(&da, &db, &opts())
            .iter()
            .map(|r| {
                (r.kind, key_text(&da, &r.old_chars.get()).to_string(), key_text(&db, &r.new_chars.get()).to_string())
            })
            .collect()
    }

    fn kinds(a: &str, b: &str) -> Vec<RowKind> {
        rows_of(a, b, NormalizeOptions::default()).into_iter().map(|r| r.0).collect()
    }

    #[test]
    fn a_swapped_terminator_is_one_modified_row() {
        let got = rows_of("甲乙丙。丁戊己。庚辛。", "甲乙丙；丁戊己。庚辛。", NormalizeOptions::default());
        assert_eq!(got[0], (RowKind::Modified, "甲乙丙.".into(), "甲乙丙;".into()));
        assert_eq!(got[1].0, RowKind::Equal);
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn ignoring_punctuation_a_recogniser_copy_is_equal() {
        let norm = NormalizeOptions { ignore_punctuation: true, ignore_case: true, ..NormalizeOptions::default() };
        let got = rows_of(
            "We met in Wuzhen. The internet is our common home! Let us build it together.",
            "we met in wuzhen the internet is our common home let us build it together",
            norm,
        );
        assert!(got.iter().all(|r| matches!(r.0, RowKind::Equal | RowKind::Resegmented)), "{got:?}");
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn unrelated_sentences_are_removed_and_added() {
        assert_eq!(
            kinds("甲。今天天气很好。乙。", "甲。我们讨论互联网治理。乙。"),
            [RowKind::Equal, RowKind::Removed, RowKind::Added, RowKind::Equal]
        );
    }

    #[test]
    fn sentences_that_share_a_few_words_by_chance_are_removed_and_added() {
        assert_eq!(
            kinds(
                "在第二届世界互联网大会开幕式上的讲话\n（2015年12月16日，乌镇）\n习近平\n尊敬的各位嘉宾：",
                "95. 习近平在世界互联网大会上发表主旨演讲\n尊敬的各位嘉宾："
            ),
            [RowKind::Removed, RowKind::Removed, RowKind::Removed, RowKind::Added, RowKind::Equal]
        );
    }

    #[test]
    fn moved_sentences_are_found() {
        let k = kinds("甲。乙乙乙乙乙乙。丙。丁。", "甲。丙。丁。乙乙乙乙乙乙。");
        assert!(k.contains(&RowKind::MovedFrom) && k.contains(&RowKind::MovedTo), "{k:?}");
    }

    #[test]
    fn a_sentence_that_moved_and_changed_is_one_move() {
        let a = "甲。农村集体经济组织应当成立民主理财小组，由三至五名成员组成。丙丙丙。丁丁丁。己己己。庚庚庚。戊。";
        let b = "甲。丙丙丙。丁丁丁。己己己。庚庚庚。农村集体经济组织应当成立民主理财小组，由三至七名成员组成。戊。";
        let (_, _, da, db) = docs(a, b, NormalizeOptions::default());
        let rows = diff(&da, &db, &opts());
        let to: Vec<&Row> = rows.iter().filter(|r| r.kind == RowKind::MovedTo).collect();
        assert_eq!(to.len(), 1, "{rows:?}");
        assert!(to[0].pieces.iter().any(|p| p.kind() != PieceKind::Equal), "the move carries its edit");
        assert!(!rows.iter().any(|r| matches!(r.kind, RowKind::Added | RowKind::Removed)), "{rows:?}");
        // Without similarity moves: a removal and an addition.
        let exact = DiffOptions { move_threshold: None, ..opts() };
        let rows = diff(&da, &db, &exact);
        assert!(rows.iter().any(|r| r.kind == RowKind::Removed) && rows.iter().any(|r| r.kind == RowKind::Added));
    }

    /// A sentence's sketch is the same whether it was prepared with
    /// others, made on a later request or made alone.
    #[test]
    fn prepared_sketches_are_the_sketches_of_their_sentences() {
        let old: String = (0..40).map(|i| format!("第{i}句讲的是苹果和梨子的故事。")).collect();
        let new: String = (0..30).map(|i| format!("Sentence {i} is 𠀀 about apples. ")).collect();
        let (_, _, od, nd) = docs(&old, &new, NormalizeOptions::default());
        let mut sk = Sketches::new(&od, &nd);
        sk.prepare(OLD, (0..40).filter(|s| s % 3 != 0).rev().collect());
        sk.prepare(NEW, vec![5, 1, 5, 29]);
        sk.prepare(NEW, vec![1, 2, 3]);
        for (side, doc) in [(OLD, &od), (NEW, &nd)] {
            for s in 0..doc.sentences.len() {
                let alone = similarity::Sketch::new(doc.key(s));
                assert_eq!(sk.sentence(side, s).words(), alone.view().words(), "side {side} sentence {s}");
                assert_eq!(sk.cached(side, s).map(|v| v.words()), Some(alone.view().words()));
            }
        }
        assert_eq!(sk.cache[NEW].lists.len(), 2);
    }

    /// A xorshift generator from `seed` (not 0): the same numbers on
    /// every run.
    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// The move index's set of listed elements has every member, and few
    /// others (a false answer only costs a lookup).
    #[test]
    fn the_listed_set_has_its_members_and_few_others() {
        let mut next = {
            let mut random = xorshift(0x1234_5678);
            move || random() as u32
        };
        for n in [0, 1, 100, 45_000] {
            let members: Vec<u32> = (0..n).map(|_| next()).collect();
            let listed = Listed::of(members.iter().copied(), members.len());
            assert!(members.iter().all(|&m| listed.may_have(m)), "{n}");
            let set: std::collections::HashSet<u32> = members.iter().copied().collect();
            let others: Vec<u32> = (0..10_000).map(|_| next()).filter(|o| !set.contains(o)).collect();
            let false_yes = others.iter().filter(|&&o| listed.may_have(o)).count();
            assert!(false_yes * 5 < others.len(), "{n}: {false_yes} of {}", others.len());
        }
    }

    /// The move index lists, for every element shared by at most
    /// `MOVE_POSTING_CAP` items, the items that have it, in item order,
    /// and nothing for the others.
    #[test]
    fn the_move_index_lists_each_rare_element_s_items_in_order() {
        // 60 sentences that share `的` and `是` (common: no list), and
        // bigrams each shared by a few.
        let keys: Vec<String> = (0..60)
            .map(|i| format!("这是第{}句的内容，关于{}和{}。", i % 7, ["山", "水", "风", "云"][i % 4], i % 5))
            .collect();
        let sketches: Vec<similarity::Sketch> = keys.iter().map(|k| similarity::Sketch::new(k)).collect();
        let index = MoveIndex::new(&sketches[..]);
        // Numbered in two halves (as many items are), it is the same index.
        for half in [1, 25, 59] {
            let split = MoveIndex::in_halves(&sketches[..], half);
            assert_eq!((&split.runs, &split.postings), (&index.runs, &index.postings), "split at {half}");
        }
        let (listed, elements) = index_against_a_reference(&sketches, &index);
        assert!(listed > 10 && listed < elements, "{listed} of {elements}");
    }

    /// Each element of `sketches` shared by at most `MOVE_POSTING_CAP`
    /// items lists them in `index`, in order, and no other has a list;
    /// returns how many are listed and how many there are.
    fn index_against_a_reference(
        sketches: &[similarity::Sketch],
        index: &MoveIndex<similarity::Sketch>,
    ) -> (usize, usize) {
        let mut reference: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        assert!(sketches.len() <= 1 << 16, "items are numbered in two bytes");
        for (k, s) in sketches.iter().enumerate() {
            for x in elements(s.view()) {
                reference.entry(x).or_default().push(k as u32);
            }
        }
        let mut listed = 0;
        for (x, items) in &reference {
            match index.run(*x) {
                Some(run) => {
                    assert!(items.len() <= MOVE_POSTING_CAP);
                    assert!(run.iter().map(|&k| u32::from(k)).eq(items.iter().copied()), "element {x:#x}");
                    listed += 1;
                }
                None => assert!(items.len() > MOVE_POSTING_CAP, "element {x:#x} in {} items", items.len()),
            }
        }
        assert_eq!(index.runs.len(), listed);
        (listed, reference.len())
    }

    /// An index whose items' sketches are cached, kept or made when asked
    /// for ([`Indexed`]) lists the same runs, and its probes find the
    /// same pairs, as one over the sketches themselves.
    #[test]
    fn an_index_of_sketches_made_when_asked_is_the_same_index() {
        let keys: Vec<String> = (0..300)
            .map(|i| format!("这是第{}句的内容，关于{}和{}。", i % 37, ["山", "水", "风", "云", "雨"][i % 5], i % 11))
            .collect();
        let sketches: Vec<similarity::Sketch> = keys.iter().map(|k| similarity::Sketch::new(k)).collect();
        let items: Vec<Indexed> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| match i % 3 {
                0 => Indexed::Cached(sketches[i].view()),
                1 => Indexed::Kept(similarity::Sketch::new(k)),
                _ => Indexed::Made(Box::new(MadeItem { key: k, head: OnceLock::new(), full: OnceLock::new() })),
            })
            .collect();
        let (plain, lazy) = (MoveIndex::new(&sketches[..]), MoveIndex::new(&items[..]));
        assert_eq!((&plain.runs, &plain.postings), (&lazy.runs, &lazy.postings));
        // Before the probes, a made item keeps its head alone.
        assert!(items
            .iter()
            .all(|x| !matches!(x, Indexed::Made(m) if m.full.get().is_some() || m.head.get().is_none())));
        let probes: Vec<similarity::Sketch> =
            keys.iter().rev().map(|k| similarity::Sketch::new(&format!("{k}另"))).collect();
        let far = Instant::now() + std::time::Duration::from_secs(3600);
        let found = plain.probe(probes.len(), |n| &probes[n], 0.5, far);
        assert!(found.len() > 100, "{} pairs", found.len());
        assert_eq!(lazy.probe(probes.len(), |n| &probes[n], 0.5, far), found);
    }

    /// More distinct elements than two bytes number (a census's numbers
    /// are stored in two bytes until then): the index is the same.
    #[test]
    fn the_move_index_numbers_elements_past_two_bytes() {
        let mut random = xorshift(0x9E37_79B9_7F4A_7C15);
        let mut han = || char::from_u32(0x4E00 + (random() % 20_000) as u32).unwrap();
        let keys: Vec<String> = (0..2_500).map(|_| (0..40).map(|_| han()).collect()).collect();
        let sketches: Vec<similarity::Sketch> = keys.iter().map(|k| similarity::Sketch::new(k)).collect();
        let census = Census::of(&sketches[..]);
        assert!(census.seen.len() > 1 << 16, "{} elements", census.seen.len());
        assert!(matches!(census.noted, Numbers::Wide(_)));
        assert_eq!(census.noted.len(), census.ends.last().copied().unwrap_or(0) as usize);
        let index = MoveIndex::new(&sketches[..]);
        let split = MoveIndex::in_halves(&sketches[..], 1_000);
        assert_eq!((&split.runs, &split.postings), (&index.runs, &index.postings));
        let (listed, elements) = index_against_a_reference(&sketches, &index);
        assert!(listed > 1 << 16 && listed <= elements, "{listed} of {elements}");
    }

    #[test]
    fn the_halves_of_a_move_find_each_other_after_a_splice() {
        // A removed and an added row paired into one modified row before a
        // move: every later row shifts by one, the move's halves with them.
        let r = |kind| Row::new(kind, 0..0, 0..0, 0..0, 0..0);
        let mut rows = vec![r(RowKind::Removed), r(RowKind::Added), r(RowKind::MovedFrom), r(RowKind::MovedTo)];
        rows[2].set_partner(Some(3));
        rows[3].set_partner(Some(2));
        splice_rows(&mut rows, vec![(0..2, vec![r(RowKind::Modified)])]);
        let got: Vec<(RowKind, Option<usize>)> = rows.iter().map(|r| (r.kind, r.partner())).collect();
        assert_eq!(got, [(RowKind::Modified, None), (RowKind::MovedFrom, Some(2)), (RowKind::MovedTo, Some(1))]);
    }

    proptest::proptest! {
        /// Splicing rows within their list (from the start or from the end)
        /// gives the list a new one gets: the same rows in the same order,
        /// the halves of every kept move still pointing at each other.
        #[test]
        fn splicing_in_place_is_splicing_into_a_new_list(
            n in 1usize..40,
            spec in proptest::collection::vec((0usize..4, 1usize..5, 0usize..5), 0..8),
            room in 0usize..40,
            moves in proptest::collection::vec((0usize..40, 0usize..40), 0..6),
        ) {
            // Rows told apart by their old sentence; replacements by their new one.
            let row = |k: usize| Row::new(RowKind::Removed, k..k + 1, 0..0, 0..0, 0..0);
            let made = |k: usize| Row::new(RowKind::Added, 0..0, k..k + 1, 0..0, 0..0);
            let mut rows: Vec<Row> = Vec::with_capacity(n + room);
            rows.extend((0..n).map(row));
            for &(a, b) in &moves {
                let (a, b) = (a % n, b % n);
                if a != b && rows[a].partner().is_none() && rows[b].partner().is_none() {
                    rows[a].set_partner(Some(b));
                    rows[b].set_partner(Some(a));
                }
            }
            // Ranges in order, not overlapping, not empty: (gap before,
            // length, rows instead).
            let (mut replace, mut at, mut made_k) = (Vec::new(), 0, 1000);
            for (gap, len, with) in spec {
                let start = at + gap;
                let end = (start + len).min(n);
                if start >= n {
                    break;
                }
                replace.push((start..end, (0..with).map(|k| made(made_k + k)).collect::<Vec<Row>>()));
                made_k += with;
                at = end;
            }
            let mut expected = rows.clone();
            let (cut, added) = replace.iter().fold((0, 0), |(c, a), (r, w): &(Range<usize>, Vec<Row>)| (c + r.len(), a + w.len()));
            let len = n - cut + added;
            let ranges: Vec<(Range<usize>, usize)> = replace.iter().map(|(r, w)| (r.clone(), w.len())).collect();
            let mut moved_to = vec![NOWHERE; n];
            Splice { ranges: &ranges, len }.into_new_list(&mut expected, |k, _, out| out.extend(replace[k].1.iter().cloned()), &mut moved_to);
            repoint_partners(&mut expected, &moved_to);
            // Each range's rows are made from its rows as they were.
            let original = rows.clone();
            let mut made_from = vec![None; ranges.len()];
            splice_rows_with(&mut rows, &ranges, |k, replaced, out| {
                made_from[k] = Some(replaced.to_vec());
                out.extend(replace[k].1.iter().cloned());
            });
            proptest::prop_assert_eq!(rows, expected);
            for ((range, _), from) in ranges.iter().zip(made_from) {
                proptest::prop_assert_eq!(from.as_deref(), Some(&original[range.clone()]));
            }
        }
    }

    proptest::proptest! {
        /// Keys equal but for their spaces hash alike: the key's own hash
        /// without spaces, the gathered bytes' with them.
        #[test]
        fn keys_equal_but_for_spaces_hash_alike(words in proptest::collection::vec("[a-z华中。,’]{0,6}", 0..8), gaps in proptest::collection::vec(0usize..3, 8)) {
            let bare: String = words.concat();
            let spaced: String = words.iter().zip(&gaps).map(|(w, &g)| format!("{}{w}", " ".repeat(g))).collect();
            proptest::prop_assert_eq!(spaceless_hash(&spaced), spaceless_hash(&bare));
            proptest::prop_assert_eq!(spaceless_hash(&bare), crate::hash::key_hash(&bare));
        }
    }

    #[test]
    fn a_rows_key_text_is_found_from_its_sentences() {
        let (_, _, d, _) = docs("你好世界。 Step up, now!\n\n再见！ End", "", NormalizeOptions::default());
        let n = d.sentences.len();
        for s in 0..n {
            for e in s + 1..=n {
                let r = d.sentences[s].chars().start..d.sentences[e - 1].chars().end;
                assert_eq!(key_text_in(&d, &(s..e), &r), key_text(&d, &r));
                // A part of the sentences is searched for.
                let inner = r.start + 1..r.end;
                assert_eq!(key_text_in(&d, &(s..e), &inner), key_text(&d, &inner));
            }
        }
        assert_eq!(key_text_in(&d, &(n..n), &(0..0)), "");
    }

    #[test]
    fn key_text_slices_inside_sentences() {
        let (_, _, da, _) = docs("你好世界。再见！", "", NormalizeOptions::default());
        assert_eq!(key_text(&da, &(1..3)), "好世");
        assert_eq!(key_text(&da, &(0..8)), "你好世界.再见!");
        assert_eq!(key_text(&da, &(5..5)), "");
        // Counted from the end of the sentence, and across two.
        assert_eq!(key_text(&da, &(6..7)), "见");
        assert_eq!(key_text(&da, &(3..6)), "界.再");
        let (_, _, de, _) = docs("Hello there world. Bye now.", "", NormalizeOptions::default());
        assert_eq!(key_text(&de, &(6..11)), "there");
        assert_eq!(key_text(&de, &(13..23)), "orld. Bye ");
    }
}
