//! Step 3: align the token streams of a region where the versions differ.
//!
//! The result is a list of [`Op`]s — runs of equal tokens and *hunks*
//! (old tokens replaced by new ones; either side may be empty) — covering
//! both streams in order. The work is done in named steps, each tested on
//! its own:
//!
//! 1. [`trim`]: equal tokens at both ends are equal, whatever is between.
//! 2. Tiny ranges go straight to `similar`'s Myers diff (minimal edit
//!    scripts, which is what a reader expects of a short sentence).
//! 3. [`related`]: a larger range is aligned only if the two sides share
//!    a fair part of their runs of four tokens; two unrelated stretches (a
//!    paragraph moved away and another moved in) are one hunk, at once,
//!    instead of a quadratic search that would only find confetti.
//! 4. Small related ranges go to Myers too. [`unique_anchors`]: larger
//!    ones are cut at *anchors*, runs of `k` tokens that occur exactly
//!    once in each version, chained in order
//!    (the longest increasing chain, as Patience diff does), and each piece
//!    between two anchors is aligned the same way, recursively. A piece is
//!    small compared with the whole, so a token that is common in a book is
//!    often unique in the piece: the recursion finds finer anchors as it
//!    goes down. This is what keeps a book whose every sentence changed, or
//!    whose paragraphs were shuffled, near linear time.
//! 5. [`drop_chance_matches`]: an equal run shorter than the edits around
//!    it is a chance match between unrelated stretches and joins them.
//! 6. [`rematch_at_boundaries`]: an equal run that could match another
//!    copy of itself inside the hunk next to it takes the copy that leaves
//!    whole sentences over.
//! 7. [`slide`]: an insertion or deletion that could be placed at several
//!    positions (`a b b c` → `a b c`) is moved to where it lines up with
//!    sentence boundaries, else to the leftmost one, so that the same
//!    difference is always reported at the same place — what lets
//!    collation group witnesses that read alike.
//!
//! Every step honours the deadline: past it, what is left becomes one hunk,
//! a coarser but still correct answer. (A Myers diff of a small range, up to
//! [`SMALL`] tokens, runs to its end once started: it takes microseconds.)

use similar::algorithms::{myers, Capture};
use similar::DiffOp;
use std::collections::HashMap;
use std::ops::Range;
use std::time::Instant;

/// One step of an alignment of two token streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// Tokens `old` equal tokens `new` (ranges of equal length).
    Equal { old: Range<usize>, new: Range<usize> },
    /// Tokens `old` became tokens `new` (either may be empty, not both).
    Hunk { old: Range<usize>, new: Range<usize> },
}

/// Ranges no longer than this (both sides together) go straight to Myers,
/// whatever they hold: a sentence or two.
const TINY: usize = 64;
/// Ranges no longer than this go to Myers once they are found related.
const SMALL: usize = 600;

/// Align `a` with `b`: ops covering both in order, adjacent hunks merged.
pub(crate) fn align_tokens(a: &[u32], b: &[u32], deadline: Instant, bounds: &Bounds) -> Vec<Op> {
    // Diff algorithms break ties differently in the two directions; aligning
    // in one canonical order and mirroring makes the alignment of b with a
    // the exact mirror image of the alignment of a with b.
    if a > b {
        let ops = align_ordered(b, a, deadline, &bounds.mirrored());
        return ops
            .into_iter()
            .map(|op| match op {
                Op::Equal { old, new } => Op::Equal { old: new, new: old },
                Op::Hunk { old, new } => Op::Hunk { old: new, new: old },
            })
            .collect();
    }
    align_ordered(a, b, deadline, bounds)
}

fn align_ordered(a: &[u32], b: &[u32], deadline: Instant, bounds: &Bounds) -> Vec<Op> {
    let mut out = Ops::default();
    align_range(a, 0..a.len(), b, 0..b.len(), deadline, &mut out);
    let ops = drop_chance_matches(out.0, bounds);
    let ops = rematch_at_boundaries(a, b, ops, bounds);
    slide(a, b, ops, bounds)
}

/// Step 5b: an equal run next to a hunk may match an earlier (or later)
/// copy of itself inside the hunk just as well: `X。X。` against `Y X。`
/// aligns the second `X。` or the first with equal length. The one that
/// leaves whole sentences over — removed or added as sentences — is taken;
/// otherwise a sentence would be reported as cut in two, its halves given
/// to the neighbours.
pub(crate) fn rematch_at_boundaries(a: &[u32], b: &[u32], ops: Vec<Op>, bounds: &Bounds) -> Vec<Op> {
    let mut out = Ops::default();
    let mut i = 0;
    while i < ops.len() {
        let op = ops[i].clone();
        i += 1;
        let Op::Equal { old: eo, new: en } = op else {
            if let Op::Hunk { old, new } = op {
                out.hunk(old, new);
            }
            continue;
        };
        let len = eo.len();
        // A hunk before the run: look for a copy of the run inside it.
        if let Some(Op::Hunk { old: ho, new: hn }) = out.0.last().cloned() {
            let ends_both = (bounds.old)(eo.end) && (bounds.new)(en.end);
            let copy = |seq: &[u32], run: &Range<usize>, within: &Range<usize>, is_bound: &dyn Fn(usize) -> bool| {
                (within.start + len..=within.end)
                    .rev()
                    .filter(|&e| e > within.start && is_bound(e))
                    .map(|e| e - len)
                    .find(|&p| seq[p..p + len] == seq[run.clone()])
            };
            // The old side has the extra sentences: delete them after the run.
            if ends_both && !ho.is_empty() {
                if let Some(p) = copy(a, &eo, &ho, bounds.old) {
                    out.0.pop();
                    out.hunk(ho.start..p, hn.clone());
                    out.equal(p..p + len, en.clone());
                    out.hunk(p + len..eo.end, en.end..en.end);
                    continue;
                }
            }
            // The new side has them: insert them after the run.
            if ends_both && !hn.is_empty() {
                if let Some(q) = copy(b, &en, &hn, bounds.new) {
                    out.0.pop();
                    out.hunk(ho.clone(), hn.start..q);
                    out.equal(eo.clone(), q..q + len);
                    out.hunk(eo.end..eo.end, q + len..en.end);
                    continue;
                }
            }
        }
        // A hunk after the run: look for a later copy of it inside.
        if let Some(Op::Hunk { old: ho, new: hn }) = ops.get(i).cloned() {
            let starts_both = (bounds.old)(eo.start) && (bounds.new)(en.start);
            let copy = |seq: &[u32], run: &Range<usize>, within: &Range<usize>, is_bound: &dyn Fn(usize) -> bool| {
                (within.start..=within.end.saturating_sub(len))
                    .filter(|&p| is_bound(p))
                    .find(|&p| p + len <= within.end && seq[p..p + len] == seq[run.clone()])
            };
            if starts_both && !ho.is_empty() {
                if let Some(p) = copy(a, &eo, &ho, bounds.old) {
                    i += 1;
                    out.hunk(eo.start..p, en.start..en.start);
                    out.equal(p..p + len, en.clone());
                    out.hunk(p + len..ho.end, hn);
                    continue;
                }
            }
            if starts_both && !hn.is_empty() {
                if let Some(q) = copy(b, &en, &hn, bounds.new) {
                    i += 1;
                    out.hunk(eo.start..eo.start, en.start..q);
                    out.equal(eo.clone(), q..q + len);
                    out.hunk(ho, q + len..hn.end);
                    continue;
                }
            }
        }
        out.equal(eo, en);
    }
    out.0
}

/// Step 5a: an equal run no longer than the replacements on both sides of
/// it is a chance match (diff-match-patch's semantic clean-up, measured on
/// the smaller side of each hunk, in key characters): two unrelated
/// stretches always share a few characters or common words, and lining
/// them up would cut both into confetti. Such a run joins the edits around
/// it into one hunk — unless it ends a sentence in both versions, where
/// it is what keeps the sentences of a rewritten passage side by side.
pub(crate) fn drop_chance_matches(ops: Vec<Op>, bounds: &Bounds) -> Vec<Op> {
    // A hunk's size is its smaller side: an equal run next to an insertion
    // (a sentence inserted by a reworded one) is no chance match, however
    // long the insertion; between two replacements it may be.
    let size = |r: &Range<usize>, n: &Range<usize>| (bounds.old_width)(r).min((bounds.new_width)(n));
    let mut out: Vec<Op> = Vec::with_capacity(ops.len());
    for op in ops {
        out.push(op);
        while let [.., Op::Hunk { old: lo, new: ln }, Op::Equal { old: eo, new: en }, Op::Hunk { old: ro, new: rn }] =
            &out[..]
        {
            let len = (bounds.old_width)(eo);
            let sentence_end = (bounds.old)(eo.end) && (bounds.new)(en.end);
            if sentence_end || len > size(lo, ln) || len > size(ro, rn) {
                break;
            }
            let (old, new) = (lo.start..ro.end, ln.start..rn.end);
            out.truncate(out.len() - 3);
            // The merged hunk may now join the hunk before it.
            match out.last_mut() {
                Some(Op::Hunk { old: po, new: pn }) => {
                    po.end = old.end;
                    pn.end = new.end;
                }
                _ => out.push(Op::Hunk { old, new }),
            }
        }
    }
    out
}

/// Collects ops, merging adjacent equal runs and adjacent hunks.
#[derive(Default)]
struct Ops(Vec<Op>);

impl Ops {
    fn push(&mut self, op: Op) {
        match op {
            Op::Equal { old, new } => self.equal(old, new),
            Op::Hunk { old, new } => self.hunk(old, new),
        }
    }

    fn equal(&mut self, old: Range<usize>, new: Range<usize>) {
        if old.is_empty() {
            return;
        }
        if let Some(Op::Equal { old: o, new: n }) = self.0.last_mut() {
            if o.end == old.start && n.end == new.start {
                o.end = old.end;
                n.end = new.end;
                return;
            }
        }
        self.0.push(Op::Equal { old, new });
    }

    fn hunk(&mut self, old: Range<usize>, new: Range<usize>) {
        if old.is_empty() && new.is_empty() {
            return;
        }
        if let Some(Op::Hunk { old: o, new: n }) = self.0.last_mut() {
            if o.end == old.start && n.end == new.start {
                o.end = old.end;
                n.end = new.end;
                return;
            }
        }
        self.0.push(Op::Hunk { old, new });
    }
}

fn align_range(a: &[u32], ra: Range<usize>, b: &[u32], rb: Range<usize>, deadline: Instant, out: &mut Ops) {
    let (ra, rb, prefix, suffix) = trim(a, ra, b, rb);
    out.equal(prefix.0, prefix.1);
    let n = ra.len() + rb.len();
    // One token against one (they differ: the ends were trimmed) is the
    // hunk Myers would find: the piece between two anchors of a sentence
    // with one word changed.
    let single = ra.len() == 1 && rb.len() == 1;
    if ra.is_empty() || rb.is_empty() || single || Instant::now() > deadline {
        out.hunk(ra, rb);
    } else if n <= TINY {
        myers_range(a, ra, b, rb, deadline, out);
    } else if n <= SMALL {
        if related(a, ra.clone(), b, rb.clone(), RELATED_GRAM) {
            myers_range(a, ra, b, rb, deadline, out);
        } else {
            out.hunk(ra, rb);
        }
    } else {
        let k = gram_len(n);
        let (chain, related_here) = unique_anchors_related(a, ra.clone(), b, rb.clone(), k);
        // Anchors covering a fair part of the smaller side prove the two
        // related; otherwise ask.
        let proven = chain.len() * k * 5 >= ra.len().min(rb.len());
        if !proven && !related_here.unwrap_or_else(|| related(a, ra.clone(), b, rb.clone(), RELATED_GRAM)) {
            out.hunk(ra, rb);
        } else if chain.is_empty() {
            myers_range(a, ra, b, rb, deadline, out);
        } else if n >= PARALLEL && chain.len() >= 2 {
            // The pieces between anchors are independent: a large range is
            // cut in two at its middle anchor, and the halves are aligned on
            // two threads where there are two (the same answer either way).
            let (x, y) = chain[chain.len() / 2];
            let mut left = Ops::default();
            let half = |left: &mut Ops| align_range(a, ra.start..x, b, rb.start..y, deadline, left);
            let other = || {
                let mut right = Ops::default();
                align_range(a, x + k..ra.end, b, y + k..rb.end, deadline, &mut right);
                right
            };
            let right = if threads() >= 2 {
                rayon::join(|| half(&mut left), other).1
            } else {
                half(&mut left);
                other()
            };
            for op in left.0 {
                out.push(op);
            }
            out.equal(x..x + k, y..y + k);
            for op in right.0 {
                out.push(op);
            }
        } else {
            let (mut ca, mut cb) = (ra.start, rb.start);
            for (x, y) in chain {
                align_range(a, ca..x, b, cb..y, deadline, out);
                out.equal(x..x + k, y..y + k);
                (ca, cb) = (x + k, y + k);
            }
            align_range(a, ca..ra.end, b, cb..rb.end, deadline, out);
        }
    }
    out.equal(suffix.0, suffix.1);
}

/// Ranges at least this long (both sides, tokens) are split between two
/// threads.
const PARALLEL: usize = 100_000;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Length of the token runs that anchor a range of `n` tokens (both sides
/// together): single tokens in small ranges, longer runs in large ones,
/// where a single Han character or a common word is rarely unique.
fn gram_len(n: usize) -> usize {
    match n {
        0..=4_000 => 1,
        4_001..=40_000 => 2,
        _ => 4,
    }
}

/// Step 1: strip the common prefix and suffix. Returns the middle ranges
/// and the equal prefix and suffix (as old/new range pairs).
#[allow(clippy::type_complexity)]
pub(crate) fn trim(
    a: &[u32],
    ra: Range<usize>,
    b: &[u32],
    rb: Range<usize>,
) -> (Range<usize>, Range<usize>, (Range<usize>, Range<usize>), (Range<usize>, Range<usize>)) {
    let p = a[ra.clone()].iter().zip(&b[rb.clone()]).take_while(|(x, y)| x == y).count();
    let (sa, sb) = (ra.start + p, rb.start + p);
    let s = a[sa..ra.end].iter().rev().zip(b[sb..rb.end].iter().rev()).take_while(|(x, y)| x == y).count();
    let (ea, eb) = (ra.end - s, rb.end - s);
    (sa..ea, sb..eb, (ra.start..sa, rb.start..sb), (ea..ra.end, eb..rb.end))
}

/// `similar`'s Myers diff of the two ranges, under the deadline when they
/// are larger than [`SMALL`]: a small diff finishes in microseconds, and
/// Myers asks the clock at every step under a deadline (a book whose every
/// sentence changed is tens of thousands of small diffs).
fn myers_range(a: &[u32], ra: Range<usize>, b: &[u32], rb: Range<usize>, deadline: Instant, out: &mut Ops) {
    let mut capture = Capture::new();
    let deadline = (ra.len() + rb.len() > SMALL).then_some(deadline);
    let Ok(()) = myers::diff_deadline(&mut capture, a, ra, b, rb, deadline);
    for op in capture.into_ops() {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                out.equal(old_index..old_index + len, new_index..new_index + len)
            }
            other => out.hunk(other.old_range(), other.new_range()),
        }
    }
}

/// Hashes of token runs are already well mixed: tables keyed by them need
/// no second hash.
#[derive(Default, Clone, Copy)]
pub(crate) struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type GramMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<Prehashed>>;
type GramSet = std::collections::HashSet<u64, std::hash::BuildHasherDefault<Prehashed>>;

/// A hash of the `k` tokens starting at `i` (well mixed: see [`Prehashed`]).
fn gram(s: &[u32], i: usize, k: usize) -> u64 {
    let h =
        s[i..i + k].iter().fold(0xCBF2_9CE4_8422_2325u64, |h, &t| (h ^ t as u64).wrapping_mul(0x0000_0100_0000_01B3));
    // Finalise (murmur3's mixer) so every bit of the table index depends on every token.
    let h = (h ^ h >> 33).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let h = (h ^ h >> 33).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ h >> 33
}

/// Step 3: runs of `k` tokens that occur exactly once in each range,
/// chained in order: the start positions `(old, new)` of the longest chain
/// increasing on both sides, without overlaps.
#[cfg(test)]
pub(crate) fn unique_anchors(
    a: &[u32],
    ra: Range<usize>,
    b: &[u32],
    rb: Range<usize>,
    k: usize,
) -> Vec<(usize, usize)> {
    unique_anchors_related(a, ra, b, rb, k).0
}

/// [`unique_anchors`], and when `k` is [`related`]'s gram length, what
/// `related` would answer, read off the same table of grams (a large
/// range of unrelated text asks both; the table is most of the cost).
fn unique_anchors_related(
    a: &[u32],
    ra: Range<usize>,
    b: &[u32],
    rb: Range<usize>,
    k: usize,
) -> (Vec<(usize, usize)>, Option<bool>) {
    if ra.len() < k || rb.len() < k {
        return (Vec::new(), None);
    }
    if ra.end.max(rb.end) > Seen::POSITION as usize {
        // (1 Gi tokens in one region: far past the default size cap; such a
        // region gets no anchors, a coarser answer.)
        return (Vec::new(), None);
    }
    // gram → where it is in the smaller range and in the larger one, each
    // with how often it occurs there (see `Seen`): a book's table is
    // hundreds of thousands of entries, and its size is what the time goes
    // to. Only the smaller range's grams are entered (the larger range's
    // are looked up): an anchor is in both, and two unrelated stretches of
    // unequal length make a table of the shorter one's size.
    let a_smaller = ra.len() <= rb.len();
    let ((s, rs), (l, rl)) = if a_smaller { ((a, ra), (b, rb)) } else { ((b, rb), (a, ra)) };
    let mut seen: GramMap<(u32, u32)> = GramMap::with_capacity_and_hasher(rs.len(), Default::default());
    for i in rs.start..=rs.end - k {
        let e = seen.entry(gram(s, i, k)).or_insert((i as u32, 0));
        e.0 = Seen::count(e.0);
    }
    for j in rl.start..=rl.end - k {
        if let Some(e) = seen.get_mut(&gram(l, j, k)) {
            e.1 = Seen::count(j as u32 | e.1 & !Seen::POSITION);
        }
    }
    // `related`'s sample, looked up here: a gram of the smaller range is in
    // the larger one when the table counted it there.
    let related = (k == RELATED_GRAM).then(|| {
        let step = ((rs.len() + 1 - k) / RELATED_SAMPLE).max(1);
        let (mut hits, mut tried) = (0usize, 0usize);
        for i in (rs.start..=rs.end - k).step_by(step) {
            tried += 1;
            hits += usize::from(seen.get(&gram(s, i, k)).is_some_and(|e| Seen::times(e.1) > 0));
        }
        hits * 5 >= tried
    });
    let mut pairs: Vec<(usize, usize)> = seen
        .into_values()
        .filter(|&(x, y)| Seen::times(x) == 1 && Seen::times(y) == 1)
        .map(|(x, y)| ((x & Seen::POSITION) as usize, (y & Seen::POSITION) as usize))
        .map(|(ps, pl)| if a_smaller { (ps, pl) } else { (pl, ps) })
        .filter(|&(pa, pb)| a[pa..pa + k] == b[pb..pb + k])
        .collect();
    pairs.sort_unstable();
    let chain = longest_increasing(pairs);
    // Drop anchors that overlap the one before (k > 1).
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(chain.len());
    for (x, y) in chain {
        if out.last().is_none_or(|&(px, py)| x >= px + k && y >= py + k) {
            out.push((x, y));
        }
    }
    (out, related)
}

/// A gram's place in one side of [`unique_anchors_related`]'s table: a
/// position (the first occurrence in the smaller range, the last in the
/// larger) in the low 30 bits and how often it occurs in the top two (0,
/// 1, or 2 for more), so that an entry is 16 bytes with its key rather
/// than 24.
struct Seen;

impl Seen {
    /// The bits of the position.
    const POSITION: u32 = (1 << 30) - 1;

    /// `place` with one more occurrence counted (2 stands for more).
    #[inline]
    fn count(place: u32) -> u32 {
        if Self::times(place) < 2 {
            place + (1 << 30)
        } else {
            place
        }
    }

    /// How often: 0, 1, or 2 for more.
    #[inline]
    fn times(place: u32) -> u32 {
        place >> 30
    }
}

/// The longest chain of `pairs` (sorted by old position, old positions
/// distinct) whose new positions increase: patience sorting, O(n log n).
/// The chain is what is left of `pairs`, in place: a book's anchoring
/// chains tens of thousands of pairs, and two more lists as long were
/// hundreds of fresh pages on a step that runs on one thread.
pub(crate) fn longest_increasing<T: Copy + Ord>(mut pairs: Vec<(T, T)>) -> Vec<(T, T)> {
    // Between near-identical versions every pair extends the chain.
    if pairs.windows(2).all(|w| w[0].1 < w[1].1) {
        return pairs;
    }
    // Indices into pairs (a list of anchors is far shorter than 4 Gi).
    const NONE: u32 = u32::MAX;
    debug_assert!(pairs.len() < NONE as usize);
    // tails[l]: index of the pair ending the best chain of length l + 1.
    let mut tails: Vec<u32> = Vec::new();
    let mut prev: Vec<u32> = vec![NONE; pairs.len()];
    for (i, &(_, y)) in pairs.iter().enumerate() {
        // A pair after every chain's end extends the longest: between two
        // near-identical versions, almost every pair (no binary search).
        let l = match tails.last() {
            Some(&t) if pairs[t as usize].1 < y => tails.len(),
            _ => tails.partition_point(|&t| pairs[t as usize].1 < y),
        };
        if l > 0 {
            prev[i] = tails[l - 1];
        }
        if l == tails.len() {
            tails.push(i as u32);
        } else {
            tails[l] = i as u32;
        }
    }
    let mut keep = vec![false; pairs.len()];
    let mut at = tails.last().copied().unwrap_or(NONE);
    while at != NONE {
        keep[at as usize] = true;
        at = prev[at as usize];
    }
    let mut k = 0;
    pairs.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    pairs
}

/// Runs of this many tokens (at least) decide whether two stretches are
/// related: two unrelated pages of one book share many character pairs
/// (`笑道`, `了一`), few runs of four.
const RELATED_GRAM: usize = 4;
/// About how many grams of the smaller side [`related`] looks up.
const RELATED_SAMPLE: usize = 4_000;

/// Step 4: do the two ranges share enough of their `k`-grams (at least a
/// fifth of the smaller side's) to be worth a Myers search? Sampled: at
/// most ~4,000 grams of the smaller side are looked up.
pub(crate) fn related(a: &[u32], ra: Range<usize>, b: &[u32], rb: Range<usize>, k: usize) -> bool {
    let k = k.max(RELATED_GRAM).min(ra.len()).min(rb.len()).max(1);
    let (small, rs, large, rl) = if ra.len() <= rb.len() { (a, ra, b, rb) } else { (b, rb, a, ra) };
    let grams: GramSet = (rl.start..=rl.end - k).map(|i| gram(large, i, k)).collect();
    let n = rs.len() + 1 - k;
    let step = (n / RELATED_SAMPLE).max(1);
    let (mut hits, mut tried) = (0usize, 0usize);
    for i in (rs.start..=rs.end - k).step_by(step) {
        tried += 1;
        hits += usize::from(grams.contains(&gram(small, i, k)));
    }
    hits * 5 >= tried
}

/// What the later steps need to know of the two token streams beyond
/// their ids: where sentences start (true for a token that starts one, and
/// for the end of the stream), and how wide a run of tokens is in key
/// characters (a word weighs more than a comma).
pub(crate) struct Bounds<'a> {
    pub old: &'a dyn Fn(usize) -> bool,
    pub new: &'a dyn Fn(usize) -> bool,
    pub old_width: &'a dyn Fn(&Range<usize>) -> usize,
    pub new_width: &'a dyn Fn(&Range<usize>) -> usize,
}

impl Bounds<'_> {
    /// The same, seen from the other side.
    fn mirrored(&self) -> Bounds<'_> {
        Bounds { old: self.new, new: self.old, old_width: self.new_width, new_width: self.old_width }
    }
}

/// Step 5: a pure insertion or deletion that could stand at several
/// places (`x [+y x+]` is the same edit as `[+x y+] x`) is put where it
/// lines up best with sentence boundaries — a whole inserted sentence
/// starts and ends at boundaries, not one token early — and among equally
/// good places at the leftmost, so that the same difference is always
/// reported at the same place.
pub(crate) fn slide(a: &[u32], b: &[u32], mut ops: Vec<Op>, bounds: &Bounds) -> Vec<Op> {
    let eq_len = |op: Option<&Op>| match op {
        Some(Op::Equal { old, .. }) => old.len(),
        _ => 0,
    };
    let mut i = 0;
    while i < ops.len() {
        i += 1;
        let Op::Hunk { old, new } = ops[i - 1].clone() else { continue };
        let i = i - 1;
        if old.is_empty() == new.is_empty() {
            continue;
        }
        let deletion = new.is_empty();
        let (seq, r) = if deletion { (a, old.clone()) } else { (b, new.clone()) };
        let (before, after) = (eq_len(i.checked_sub(1).and_then(|j| ops.get(j))), eq_len(ops.get(i + 1)));
        let (left, right) = crate::inline::slide_room(seq, &r, before, after);
        if left == 0 && right == 0 {
            continue;
        }
        let score = |d: isize| {
            let at = |x: usize| (x as isize + d) as usize;
            let (edge, point) = if deletion { (bounds.old, bounds.new) } else { (bounds.new, bounds.old) };
            let (x, y, q) = if deletion {
                (at(old.start), at(old.end), at(new.start))
            } else {
                (at(new.start), at(new.end), at(old.start))
            };
            2 * u8::from(edge(x)) + 2 * u8::from(edge(y)) + u8::from(point(q))
        };
        let mut best = -(left as isize);
        for d in -(left as isize) + 1..=right as isize {
            if score(d) > score(best) {
                best = d;
            }
        }
        if best == 0 {
            continue;
        }
        let shift = |r: &Range<usize>| (r.start as isize + best) as usize..(r.end as isize + best) as usize;
        ops[i] = Op::Hunk { old: shift(&old), new: shift(&new) };
        // The tokens the edit slid over are equal on the other side of it.
        let moved = best.unsigned_abs();
        if best < 0 {
            if let Some(Op::Equal { old, new }) = ops.get_mut(i - 1) {
                old.end -= moved;
                new.end -= moved;
            }
            let over = Op::Equal { old: old.end - moved..old.end, new: new.end - moved..new.end };
            match ops.get_mut(i + 1) {
                Some(Op::Equal { old, new }) => {
                    old.start -= moved;
                    new.start -= moved;
                }
                _ => ops.insert(i + 1, over),
            }
        } else {
            if let Some(Op::Equal { old, new }) = ops.get_mut(i + 1) {
                old.start += moved;
                new.start += moved;
            }
            let over = Op::Equal { old: old.start..old.start + moved, new: new.start..new.start + moved };
            match i.checked_sub(1).and_then(|j| ops.get_mut(j)) {
                Some(Op::Equal { old, new }) => {
                    old.end += moved;
                    new.end += moved;
                }
                _ => ops.insert(i, over),
            }
        }
    }
    let mut out = Ops::default();
    for op in ops {
        match op {
            Op::Equal { old, new } => out.equal(old, new),
            Op::Hunk { old, new } => out.hunk(old, new),
        }
    }
    out.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const NONE: Bounds = Bounds { old: &|_| false, new: &|_| false, old_width: &|r| r.len(), new_width: &|r| r.len() };

    fn ids(s: &str) -> Vec<u32> {
        s.chars().map(|c| c as u32).collect()
    }

    fn show(a: &str, b: &str) -> String {
        let (x, y) = (ids(a), ids(b));
        let ops = align_tokens(&x, &y, Instant::now() + Duration::from_secs(60), &NONE);
        check_cover(&ops, x.len(), y.len());
        let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut s = String::new();
        for op in ops {
            match op {
                Op::Equal { old, .. } => s.extend(&ac[old]),
                Op::Hunk { old, new } => {
                    if !old.is_empty() {
                        s += &format!("[-{}-]", ac[old].iter().collect::<String>());
                    }
                    if !new.is_empty() {
                        s += &format!("{{+{}+}}", bc[new].iter().collect::<String>());
                    }
                }
            }
        }
        s
    }

    fn check_cover(ops: &[Op], n: usize, m: usize) {
        let (mut ca, mut cb) = (0, 0);
        for op in ops {
            let (o, nw) = match op {
                Op::Equal { old, new } => {
                    assert_eq!(old.len(), new.len());
                    (old, new)
                }
                Op::Hunk { old, new } => {
                    assert!(!old.is_empty() || !new.is_empty());
                    (old, new)
                }
            };
            assert_eq!((o.start, nw.start), (ca, cb), "{ops:?}");
            (ca, cb) = (o.end, nw.end);
        }
        assert_eq!((ca, cb), (n, m), "{ops:?}");
    }

    #[test]
    fn a_gram_place_counts_to_two_and_keeps_its_position() {
        let at = 123_456;
        let once = Seen::count(at);
        assert_eq!((Seen::times(at), Seen::times(once)), (0, 1));
        let many = Seen::count(Seen::count(once));
        assert_eq!((Seen::times(Seen::count(once)), Seen::times(many)), (2, 2));
        assert_eq!(many & Seen::POSITION, at);
        // The highest position a table holds.
        assert_eq!(Seen::count(Seen::count(Seen::POSITION)) & Seen::POSITION, Seen::POSITION);
    }

    #[test]
    fn small_edits_are_minimal() {
        assert_eq!(show("为各国企业在华投资兴业", "为各国企业在中国投资兴业"), "为各国企业在[-华-]{+中国+}投资兴业");
        assert_eq!(show("了解中华优秀文化", "了解中华优秀传统文化"), "了解中华优秀{+传统+}文化");
        assert_eq!(show("甲乙丙丁戊", "甲乙己丁戊"), "甲乙[-丙-]{+己+}丁戊");
        assert_eq!(show("", "新"), "{+新+}");
        assert_eq!(show("旧", ""), "[-旧-]");
    }

    #[test]
    fn an_ambiguous_insertion_slides_left() {
        assert_eq!(show("abc", "abbc"), "a{+b+}bc");
        assert_eq!(show("xabab", "xababab"), "x{+ab+}abab");
        assert_eq!(show("好好学习", "好学习"), "[-好-]好学习");
    }

    #[test]
    fn an_ambiguous_edit_lines_up_with_sentence_boundaries() {
        // 甲。|乙。 → 甲。|新。|乙。: Myers may insert "。新" after 甲.
        let (a, b) = (ids("甲。乙。"), ids("甲。新。乙。"));
        let (ob, nb) = ([0usize, 2, 4], [0usize, 2, 4, 6]);
        let bounds = Bounds { old: &|t| ob.contains(&t), new: &|t| nb.contains(&t), ..NONE };
        let ops = align_tokens(&a, &b, Instant::now() + Duration::from_secs(60), &bounds);
        assert_eq!(ops[1], Op::Hunk { old: 2..2, new: 2..4 });
    }

    #[test]
    fn trim_finds_common_ends() {
        let (a, b) = (ids("abcxyzdef"), ids("abcQdef"));
        let (ra, rb, p, s) = trim(&a, 0..a.len(), &b, 0..b.len());
        assert_eq!((ra, rb, p, s), (3..6, 3..4, (0..3, 0..3), (6..9, 4..7)));
    }

    #[test]
    fn unique_anchors_chain_in_order() {
        let (a, b) = (ids("aXbYcZd"), ids("aZbYcXd"));
        // X and Z are unique but cross; the chain keeps the longest order.
        let chain = unique_anchors(&a, 0..a.len(), &b, 0..b.len(), 1);
        let letters: Vec<char> = chain.iter().map(|&(x, _)| a[x] as u8 as char).collect();
        assert_eq!(letters, ['a', 'b', 'Y', 'c', 'd']);
    }

    /// A xorshift stream from `seed`: each call a number below its argument.
    fn below(mut seed: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        }
    }

    /// The anchors are the runs of k tokens found exactly once in each
    /// range, chained: the same found by comparing the runs themselves,
    /// whichever range is the smaller (the table holds only its runs).
    #[test]
    fn unique_anchors_are_the_runs_unique_in_both_ranges() {
        let mut next = below(0x2545_F491_4F6C_DD1Du64);
        let mut anchored = 0;
        for case in 0..300 {
            let (la, lb) = (next(300) as usize, next(300) as usize);
            let alphabet = [2, 4, 12, 400][case % 4];
            let a: Vec<u32> = (0..la).map(|_| next(alphabet) as u32).collect();
            let b: Vec<u32> =
                (0..lb).map(|i| if i < la && next(3) > 0 { a[i] } else { next(alphabet) as u32 }).collect();
            let (ra, rb) = (next(8) as usize..la, 0..lb.saturating_sub(next(8) as usize));
            let (ra, rb) = (ra.start.min(la)..la, rb);
            let k = 1 + case % 4;
            // Each run's count and place in a (first) and b (last).
            let mut runs: std::collections::BTreeMap<&[u32], [(usize, usize); 2]> = Default::default();
            for i in ra.start..(ra.end + 1).saturating_sub(k).max(ra.start) {
                let e = runs.entry(&a[i..i + k]).or_insert([(0, i), (0, 0)]);
                e[0].0 += 1;
            }
            for j in rb.start..(rb.end + 1).saturating_sub(k).max(rb.start) {
                if let Some(e) = runs.get_mut(&b[j..j + k]) {
                    e[1] = (e[1].0 + 1, j);
                }
            }
            let mut pairs: Vec<(usize, usize)> =
                runs.values().filter(|[x, y]| x.0 == 1 && y.0 == 1).map(|[x, y]| (x.1, y.1)).collect();
            pairs.sort_unstable();
            let mut want: Vec<(usize, usize)> = Vec::new();
            for (x, y) in longest_increasing(pairs) {
                if want.last().is_none_or(|&(px, py)| x >= px + k && y >= py + k) {
                    want.push((x, y));
                }
            }
            let got = unique_anchors(&a, ra.clone(), &b, rb.clone(), k);
            assert_eq!(got, want, "case {case}: {ra:?} of {la} against {rb:?} of {lb}, k = {k}");
            anchored += usize::from(!got.is_empty());
        }
        assert!(anchored > 100, "{anchored}");
    }

    /// The relatedness read off the anchors' table is `related`'s answer:
    /// random streams over small and large alphabets (related and not),
    /// either side the smaller, lengths around the sampling step.
    #[test]
    fn relatedness_from_the_anchor_table_is_related() {
        let mut next = below(0x9E37_79B9_7F4A_7C15u64);
        let mut answers = [0, 0];
        for case in 0..200 {
            let (la, lb) = (4 + next(12_000) as usize, 4 + next(12_000) as usize);
            let alphabet = [3, 8, 50, 5_000][case % 4];
            let a: Vec<u32> = (0..la).map(|_| next(alphabet) as u32).collect();
            // b: a copy of part of a with some tokens changed, or fresh.
            let b: Vec<u32> = if case % 3 == 0 {
                (0..lb).map(|_| next(alphabet) as u32 + 7_000).collect()
            } else {
                (0..lb).map(|i| if next(4) == 0 { next(alphabet) as u32 } else { a[i % la] }).collect()
            };
            let (_, here) = unique_anchors_related(&a, 0..la, &b, 0..lb, RELATED_GRAM);
            let want = related(&a, 0..la, &b, 0..lb, RELATED_GRAM);
            assert_eq!(here, Some(want), "case {case}: {la} vs {lb} tokens over {alphabet}");
            answers[usize::from(want)] += 1;
            assert_eq!(unique_anchors_related(&a, 0..la, &b, 0..lb, 2).1, None);
        }
        assert!(answers[0] > 20 && answers[1] > 20, "{answers:?}");
    }

    #[test]
    fn longest_increasing_chain() {
        let pairs = [(0, 5), (1, 1), (2, 2), (3, 0), (4, 3), (5, 4)];
        assert_eq!(longest_increasing(pairs.to_vec()), [(1, 1), (2, 2), (4, 3), (5, 4)]);
        assert!(longest_increasing(Vec::<(u32, u32)>::new()).is_empty());
        assert_eq!(longest_increasing(vec![(0, 0), (1, 2), (2, 3)]), [(0, 0), (1, 2), (2, 3)]);
        assert_eq!(longest_increasing(vec![(0, 1), (1, 1)]), [(1, 1)]);
        // The chain of a random permutation is as the plain patience
        // sorting (a binary search for every pair) chooses it, and so is
        // that of a sequence that is mostly increasing.
        let reference = |pairs: &[(usize, usize)]| {
            let mut tails: Vec<usize> = Vec::new();
            let mut prev: Vec<Option<usize>> = vec![None; pairs.len()];
            for (i, &(_, y)) in pairs.iter().enumerate() {
                let l = tails.partition_point(|&t| pairs[t].1 < y);
                prev[i] = l.checked_sub(1).map(|k| tails[k]);
                if l == tails.len() {
                    tails.push(i);
                } else {
                    tails[l] = i;
                }
            }
            let mut chain = Vec::new();
            let mut at = tails.last().copied();
            while let Some(i) = at {
                chain.push(pairs[i]);
                at = prev[i];
            }
            chain.reverse();
            chain
        };
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for n in [1, 2, 10, 100, 1000] {
            let shuffled: Vec<(usize, usize)> = (0..n).map(|i| (i, next() % n)).collect();
            assert_eq!(longest_increasing(shuffled.clone()), reference(&shuffled));
            let mostly: Vec<(usize, usize)> =
                (0..n).map(|i| (i, if next() % 10 == 0 { next() % n } else { 3 * i })).collect();
            assert_eq!(longest_increasing(mostly.clone()), reference(&mostly));
        }
    }

    #[test]
    fn unrelated_stretches_are_one_hunk() {
        let a: Vec<u32> = (0..5000).map(|i| (i * 7919 % 3001) + 1).collect();
        let b: Vec<u32> = (0..5000).map(|i| (i * 104_729 % 2999) + 5000).collect();
        assert!(!related(&a, 0..a.len(), &b, 0..b.len(), 2));
        let ops = align_tokens(&a, &b, Instant::now() + Duration::from_secs(60), &NONE);
        assert_eq!(ops, [Op::Hunk { old: 0..5000, new: 0..5000 }]);
        assert!(related(&a, 0..a.len(), &a, 0..a.len(), 2));
    }

    #[test]
    fn large_ranges_with_many_edits_align_by_anchors() {
        // A long text with an edit every 20 tokens.
        let a: Vec<u32> = (0..30_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 20) % 3000).collect();
        let mut b = a.clone();
        for i in (10..b.len()).step_by(20) {
            b[i] = 9_999;
        }
        let ops = align_tokens(&a, &b, Instant::now() + Duration::from_secs(60), &NONE);
        check_cover(&ops, a.len(), b.len());
        let changed: usize = ops.iter().map(|o| if let Op::Hunk { old, .. } = o { old.len() } else { 0 }).sum();
        assert!(changed <= 1_600, "{changed} tokens changed");
    }

    #[test]
    fn chance_matches_between_unrelated_stretches_are_dropped() {
        assert_eq!(
            show("今天天气很好我们去公园", "讨论互联网很好治理问题"),
            "[-今天天气很好我们去公园-]{+讨论互联网很好治理问题+}"
        );
        // A run longer than the edits around it stays.
        assert_eq!(show("甲乙丙丁戊己庚", "子乙丙丁戊己丑"), "[-甲-]{+子+}乙丙丁戊己[-庚-]{+丑+}");
    }

    #[test]
    fn an_equal_run_matches_the_copy_that_leaves_whole_sentences() {
        // X。X。 against Y X。: the second X。 is dropped, not half of each.
        let (a, b) = (ids("甲乙丙。甲乙丙。"), ids("丁乙丙。"));
        let (ob, nb) = ([0usize, 4, 8], [0usize, 4]);
        let bounds = Bounds { old: &|t| ob.contains(&t), new: &|t| nb.contains(&t), ..NONE };
        let ops = align_tokens(&a, &b, Instant::now() + Duration::from_secs(60), &bounds);
        assert_eq!(
            ops,
            [Op::Hunk { old: 0..1, new: 0..1 }, Op::Equal { old: 1..4, new: 1..4 }, Op::Hunk { old: 4..8, new: 4..4 }]
        );
        // And the mirror image: an inserted sentence.
        let ops = align_tokens(&b, &a, Instant::now() + Duration::from_secs(60), &bounds.mirrored());
        assert_eq!(
            ops,
            [Op::Hunk { old: 0..1, new: 0..1 }, Op::Equal { old: 1..4, new: 1..4 }, Op::Hunk { old: 4..4, new: 4..8 }]
        );
    }

    proptest::proptest! {
        /// Aligning b with a is the mirror image of aligning a with b,
        /// whatever the tokens and sentence boundaries.
        #[test]
        fn the_alignment_is_symmetric(
            a in proptest::collection::vec(0u32..6, 0..60),
            b in proptest::collection::vec(0u32..6, 0..60),
            cuts in proptest::collection::vec(0usize..60, 0..8),
        ) {
            let (ab, bb): (Vec<usize>, Vec<usize>) = (cuts.clone(), cuts.iter().map(|c| c / 2).collect());
            let bounds = Bounds {
                old: &|t| t == 0 || t >= a.len() || ab.contains(&t),
                new: &|t| t == 0 || t >= b.len() || bb.contains(&t),
                old_width: &|r| r.len(),
                new_width: &|r| r.len(),
            };
            let far = Instant::now() + Duration::from_secs(60);
            let forward = align_tokens(&a, &b, far, &bounds);
            let backward = align_tokens(&b, &a, far, &bounds.mirrored());
            let mirrored: Vec<Op> = backward
                .into_iter()
                .map(|op| match op {
                    Op::Equal { old, new } => Op::Equal { old: new, new: old },
                    Op::Hunk { old, new } => Op::Hunk { old: new, new: old },
                })
                .collect();
            check_cover(&forward, a.len(), b.len());
            proptest::prop_assert_eq!(forward, mirrored);
        }
    }

    #[test]
    fn past_the_deadline_the_rest_is_one_hunk() {
        let (a, b) = (ids("abcdef"), ids("abXdef"));
        let ops = align_tokens(&a, &b, Instant::now() - Duration::from_secs(1), &NONE);
        check_cover(&ops, a.len(), b.len());
        assert_eq!(
            ops,
            [Op::Equal { old: 0..2, new: 0..2 }, Op::Hunk { old: 2..3, new: 2..3 }, Op::Equal { old: 3..6, new: 3..6 }]
        );
        let (a, b) = (ids("abcdefgh"), ids("abXdeYgh"));
        let ops = align_tokens(&a, &b, Instant::now() - Duration::from_secs(1), &NONE);
        assert_eq!(
            ops,
            [Op::Equal { old: 0..2, new: 0..2 }, Op::Hunk { old: 2..6, new: 2..6 }, Op::Equal { old: 6..8, new: 6..8 }]
        );
    }
}
