//! Stage 4: alignment — decide which sentence of one version corresponds to
//! which sentence of the other.
//!
//! The aligner knows nothing about text beyond a comparison key per sentence
//! (the seam `similar` keeps between its algorithms and its text layer). It
//! works in three passes:
//!
//! 1. **Anchors.** The sequences of keys are diffed with `similar`'s Patience
//!    algorithm (unique sentences lock in first, Myers inside), under a
//!    deadline so that no input can make it hang: past the deadline the
//!    diff degrades to a coarser but still correct answer.
//! 2. **Gaps.** Between anchors, a dynamic program in the spirit of
//!    Gale–Church chooses among link types 1-1, 1-0, 0-1 and k-1 / 1-k,
//!    scoring each pairing by the similarity of the sentences (Dice over
//!    characters and character bigrams) above a threshold. A k-1 link (up
//!    to 12-1) whose texts are equal once spaces are ignored is a
//!    *resegmentation* — the versions only cut the text differently — and
//!    is no change at all; fuzzy k-1 pairings (a reworded sentence that is
//!    also cut differently) are tried for k = 2, and k = 3 in small gaps. Very large gaps
//!    (two unrelated texts) use a windowed greedy pairing instead, so cost
//!    stays linear in practice.
//! 3. **Moves.** A removed sentence whose key equals an added sentence's key
//!    elsewhere is a move.
//!
//! Pairing by best similarity inside a gap (rather than pairing only
//! adjacent sentences, as `similar`'s inline mode does) is what lets tvdiff
//! report "this sentence changed" instead of "one sentence removed, another
//! added" when versions also add or drop sentences nearby.

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp};
use std::collections::HashMap;
use std::ops::Range;
use std::time::{Duration, Instant};

/// How alignment behaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignOptions {
    /// Minimum similarity (0–1, Dice over characters and bigrams) for two
    /// different sentences to be paired as *modified*.
    pub threshold: f32,
    /// Give up refining after this long and return a coarser alignment.
    pub timeout: Duration,
    /// Look for moved sentences.
    pub detect_moves: bool,
}

impl Default for AlignOptions {
    fn default() -> Self {
        AlignOptions { threshold: 0.5, timeout: Duration::from_secs(5), detect_moves: true }
    }
}

/// What a link between the versions says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Identical keys.
    Equal,
    /// The same text cut into a different number of sentences.
    Resegmented,
    /// Similar sentences: the wording changed.
    Modified,
    /// Only in the old version.
    Removed,
    /// Only in the new version.
    Added,
    /// Old position of a moved sentence.
    MovedFrom,
    /// New position of a moved sentence.
    MovedTo,
}

/// One link: a range of old sentences and a range of new sentences (either
/// may be empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// What kind of link.
    pub kind: LinkKind,
    /// Old sentence indices.
    pub old: Range<usize>,
    /// New sentence indices.
    pub new: Range<usize>,
    /// Similarity of the linked sentences (1 for equal).
    pub similarity: f32,
    /// For moves: the index of the other half of the move in the link list.
    pub partner: Option<usize>,
}

/// A sentence as the aligner sees it.
#[derive(Debug, Clone, Copy)]
pub struct Unit<'a> {
    /// Comparison key.
    pub key: &'a str,
    /// May this sentence be merged with the one before it?
    pub joinable: bool,
}

/// Align two sequences of sentences.
///
/// ```
/// use tvdiff::align::{align, AlignOptions, LinkKind, Unit};
/// let u = |k| Unit { key: k, joinable: true };
/// let old = [u("标题"), u("第一句。"), u("让各国人民了解中华优秀文化。")];
/// let new = [u("标题第一句。"), u("让各国人民了解中华优秀传统文化。")];
/// let links = align(&old, &new, &AlignOptions::default());
/// let kinds: Vec<LinkKind> = links.iter().map(|l| l.kind).collect();
/// assert_eq!(kinds, [LinkKind::Resegmented, LinkKind::Modified]);
/// ```
pub fn align(old: &[Unit], new: &[Unit], opts: &AlignOptions) -> Vec<Link> {
    // Diff algorithms break ties differently in the two directions; aligning
    // in one canonical order and mirroring makes align(b, a) the exact
    // mirror image of align(a, b).
    if old.iter().map(|u| u.key).gt(new.iter().map(|u| u.key)) {
        let mut links = align_ordered(new, old, opts);
        for l in &mut links {
            std::mem::swap(&mut l.old, &mut l.new);
            l.kind = match l.kind {
                LinkKind::Removed => LinkKind::Added,
                LinkKind::Added => LinkKind::Removed,
                LinkKind::MovedFrom => LinkKind::MovedTo,
                LinkKind::MovedTo => LinkKind::MovedFrom,
                k => k,
            };
        }
        return links;
    }
    align_ordered(old, new, opts)
}

fn align_ordered(old: &[Unit], new: &[Unit], opts: &AlignOptions) -> Vec<Link> {
    let deadline = Instant::now() + opts.timeout;
    let old_keys: Vec<&str> = old.iter().map(|u| u.key).collect();
    let new_keys: Vec<&str> = new.iter().map(|u| u.key).collect();
    let ops = similar::capture_diff_slices_deadline(Algorithm::Patience, &old_keys, &new_keys, Some(deadline));

    // Segments: runs of equal sentences and the gaps between them.
    let mut segs: Vec<Seg> = Vec::new();
    for op in ops {
        match op {
            DiffOp::Equal { old_index, new_index, len } => {
                segs.push(Seg::Equal { old: old_index, new: new_index, len })
            }
            other => {
                let (o, n) = (other.old_range(), other.new_range());
                match segs.last_mut() {
                    Some(Seg::Gap { old: go, new: gn }) => {
                        go.end = o.end;
                        gn.end = n.end;
                    }
                    _ => segs.push(Seg::Gap { old: o, new: n }),
                }
            }
        }
    }
    let segs = join_gaps(segs);

    let mut links = Vec::with_capacity(old.len().max(new.len()));
    for seg in segs {
        match seg {
            Seg::Equal { old: o, new: n, len } => {
                for k in 0..len {
                    links.push(Link {
                        kind: LinkKind::Equal,
                        old: o + k..o + k + 1,
                        new: n + k..n + k + 1,
                        similarity: 1.0,
                        partner: None,
                    });
                }
            }
            Seg::Gap { old: o, new: n } => align_gap(old, new, o, n, opts, deadline, &mut links),
        }
    }
    if opts.detect_moves {
        find_moves(old, new, &mut links);
    }
    links
}

/// A run of equal sentences, or a gap between such runs.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Equal { old: usize, new: usize, len: usize },
    Gap { old: Range<usize>, new: Range<usize> },
}

/// Join two gaps separated by a run of one or two equal sentences into one
/// gap, when the result is small, so the gap aligner can choose which copy
/// of a repeated sentence pairs with which. With repeated sentences a diff
/// may pair the wrong copy: old `A A` against new `A A′₁ A′₂` (the second
/// `A` cut in two) can come out as "first A removed, second A equal, A′₁ and
/// A′₂ added"; in one gap the aligner finds "first A equal, second A
/// resegmented as A′₁ A′₂". Equal sentences inside a gap are still paired as
/// equal (their similarity is 1).
fn join_gaps(segs: Vec<Seg>) -> Vec<Seg> {
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    let mut iter = segs.into_iter().peekable();
    while let Some(seg) = iter.next() {
        if let (Some(Seg::Gap { old: go, new: gn }), Seg::Equal { len, .. }) = (out.last(), &seg) {
            if let Some(Seg::Gap { old: no, new: nn }) = iter.peek() {
                let joined = (go.start..no.end, gn.start..nn.end);
                if *len <= 2 && joined.0.len() * joined.1.len() <= SMALL_GAP {
                    iter.next();
                    out.pop();
                    out.push(Seg::Gap { old: joined.0, new: joined.1 });
                    continue;
                }
            }
        }
        out.push(seg);
    }
    out
}

/// Similarity profile of a key: its units and unit bigrams, as sorted
/// codes. A unit is a Han character, a punctuation mark, or a whole word of
/// another script (lower-cased); spaces only separate units.
///
/// Dice over this multiset behaves well for short Chinese sentences (one
/// changed word in five characters still scores above 0.5) and for long
/// ones (two unrelated Chinese sentences share characters such as 的 and
/// 是, but few bigrams). Latin text is compared by words, word pairs and the
/// letter pairs inside words, not by single letters: unrelated English
/// sentences share most letters, but few words and fewer word pairs.
fn profile(key: &str) -> Vec<u32> {
    let mut units: Vec<u32> = Vec::with_capacity(key.len() / 2);
    let mut inner: Vec<u32> = Vec::new();
    let mut word: Option<u32> = None;
    let mut prev_letter: Option<u32> = None;
    for c in key.chars() {
        if crate::chars::is_word_char(c) && !crate::chars::is_han(c) {
            let lc = c.to_lowercase().next().unwrap_or(c) as u32;
            word = Some(word.unwrap_or(0x811C_9DC5).wrapping_mul(0x0100_0193) ^ lc);
            // Letter pairs inside words keep `123456`/`123457x` or
            // `communication`/`communications` similar.
            if let Some(p) = prev_letter {
                inner.push((p.wrapping_mul(0x2545_F491) ^ lc.rotate_left(7)) | 0xC000_0000);
            }
            prev_letter = Some(lc);
            continue;
        }
        prev_letter = None;
        if let Some(w) = word.take() {
            units.push(w | 0x4000_0000);
        }
        if c != ' ' {
            units.push(c as u32);
        }
    }
    if let Some(w) = word {
        units.push(w | 0x4000_0000);
    }
    let mut out = units.clone();
    out.append(&mut inner);
    out.extend(units.windows(2).map(|w| (w[0].wrapping_mul(0x9E37_79B1) ^ w[1].rotate_left(13)) | 0x8000_0000));
    out.sort_unstable();
    out
}

fn intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice similarity of two profiles.
fn dice(a: &[u32], b: &[u32]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * intersection(a, b) as f32 / (a.len() + b.len()) as f32
}

fn merged(parts: &[Vec<u32>]) -> Vec<u32> {
    let mut v: Vec<u32> = parts.iter().flatten().copied().collect();
    v.sort_unstable();
    v
}

fn strip_spaces_eq<'a>(parts_a: impl IntoIterator<Item = &'a str>, parts_b: impl IntoIterator<Item = &'a str>) -> bool {
    let a = parts_a.into_iter().flat_map(|s| s.chars()).filter(|c| *c != ' ');
    let b = parts_b.into_iter().flat_map(|s| s.chars()).filter(|c| *c != ' ');
    a.eq(b)
}

/// Largest gap (cells) aligned by the full dynamic program.
const DP_LIMIT: usize = 250_000;
/// Most sentences of one version that one sentence of the other can stand
/// for (a sentence set in a narrow column can be cut into many pieces).
const MAX_MERGE: usize = 12;
/// Gaps this small (cells) also try fuzzy 3-to-1 merges.
const SMALL_GAP: usize = 10_000;
/// Window of the greedy pairing used for larger gaps.
const WINDOW: usize = 24;

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Start,
    Del,
    Ins,
    Pair,
    /// k old sentences to one new.
    MergeOld(u8),
    /// One old sentence to k new.
    MergeNew(u8),
}

fn align_gap(
    old: &[Unit],
    new: &[Unit],
    ro: Range<usize>,
    rn: Range<usize>,
    opts: &AlignOptions,
    deadline: Instant,
    links: &mut Vec<Link>,
) {
    let (m, n) = (ro.len(), rn.len());
    let link =
        |kind, o: Range<usize>, nw: Range<usize>, similarity| Link { kind, old: o, new: nw, similarity, partner: None };
    if m == 0 || n == 0 {
        links.extend(ro.clone().map(|i| link(LinkKind::Removed, i..i + 1, rn.start..rn.start, 0.0)));
        links.extend(rn.map(|j| link(LinkKind::Added, ro.end..ro.end, j..j + 1, 0.0)));
        return;
    }
    let po: Vec<Vec<u32>> = ro.clone().map(|i| profile(old[i].key)).collect();
    let pn: Vec<Vec<u32>> = rn.clone().map(|j| profile(new[j].key)).collect();
    // Profiles of runs of 2 and 3 sentences, for the fuzzy merges: computed
    // once per position, not once per cell.
    let runs = |p: &[Vec<u32>], k: usize| -> Vec<Vec<u32>> {
        (0..=p.len()).map(|i| if i >= k { merged(&p[i - k..i]) } else { Vec::new() }).collect()
    };
    let small_gap = m * n <= SMALL_GAP;
    let (po2, pn2) = (runs(&po, 2), runs(&pn, 2));
    let (po3, pn3) = if small_gap { (runs(&po, 3), runs(&pn, 3)) } else { (Vec::new(), Vec::new()) };
    let tau = opts.threshold.clamp(0.0, 0.99);
    let gain = |sim: f32, w: usize| if sim >= tau { w as f32 * (sim - tau) / (1.0 - tau) } else { f32::NEG_INFINITY };
    let possible = |a: usize, b: usize| 2.0 * a.min(b) as f32 / (a + b).max(1) as f32 >= tau;

    if m * n > DP_LIMIT || Instant::now() > deadline {
        // Windowed greedy pairing, monotonic.
        let mut next_old = 0;
        for j in 0..n {
            let center = j * m / n;
            let lo = next_old.max(center.saturating_sub(WINDOW));
            let hi = (center + WINDOW).min(m);
            let mut best: Option<(usize, f32)> = None;
            for (i, p) in po.iter().enumerate().take(hi).skip(lo) {
                if !possible(p.len(), pn[j].len()) {
                    continue;
                }
                let s = dice(p, &pn[j]);
                if s >= tau && best.is_none_or(|(_, b)| s > b) {
                    best = Some((i, s));
                }
            }
            if let Some((i, s)) = best {
                for k in next_old..i {
                    links.push(link(
                        LinkKind::Removed,
                        ro.start + k..ro.start + k + 1,
                        rn.start + j..rn.start + j,
                        0.0,
                    ));
                }
                let kind =
                    if old[ro.start + i].key == new[rn.start + j].key { LinkKind::Equal } else { LinkKind::Modified };
                links.push(link(kind, ro.start + i..ro.start + i + 1, rn.start + j..rn.start + j + 1, s));
                next_old = i + 1;
            } else {
                links.push(link(
                    LinkKind::Added,
                    ro.start + next_old..ro.start + next_old,
                    rn.start + j..rn.start + j + 1,
                    0.0,
                ));
            }
        }
        for k in next_old..m {
            links.push(link(LinkKind::Removed, ro.start + k..ro.start + k + 1, rn.end..rn.end, 0.0));
        }
        return;
    }

    let w = n + 1;
    let mut score = vec![f32::NEG_INFINITY; (m + 1) * (n + 1)];
    let mut back = vec![Step::Start; (m + 1) * (n + 1)];
    let mut sims = vec![0f32; (m + 1) * (n + 1)];
    score[0] = 0.0;
    let len = |p: &Vec<u32>| p.len().max(1);
    let small = small_gap;
    // Prefix sums of key lengths without spaces, for the exact-merge filter.
    let cum = |units: &[Unit], r: &Range<usize>| -> Vec<usize> {
        let mut v = vec![0];
        for u in &units[r.clone()] {
            v.push(v.last().copied().unwrap_or(0) + u.key.chars().filter(|c| *c != ' ').count());
        }
        v
    };
    let (ocum, ncum) = (cum(old, &ro), cum(new, &rn));
    for i in 0..=m {
        for j in 0..=n {
            let here = i * w + j;
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = (f32::NEG_INFINITY, Step::Start, 0f32);
            let mut consider = |s: f32, step: Step, sim: f32| {
                if s > best.0 {
                    best = (s, step, sim);
                }
            };
            if i > 0 {
                consider(score[(i - 1) * w + j], Step::Del, 0.0);
            }
            if j > 0 {
                consider(score[i * w + j - 1], Step::Ins, 0.0);
            }
            if i > 0 && j > 0 && possible(po[i - 1].len(), pn[j - 1].len()) {
                let s = dice(&po[i - 1], &pn[j - 1]);
                consider(score[(i - 1) * w + j - 1] + gain(s, len(&po[i - 1]) + len(&pn[j - 1])), Step::Pair, s);
            }
            // k sentences of one version against one of the other (a
            // sentence cut differently, a missing full stop, a heading run
            // into its paragraph). Fuzzy merges are tried for k = 2 (and 3
            // in small gaps); exact resegmentations up to MAX_MERGE.
            for k in 2..=MAX_MERGE {
                let fuzzy = k == 2 || k == 3 && small;
                if i >= k && j > 0 && (i - k + 1..i).all(|x| old[ro.start + x].joinable) {
                    // Equal lengths (spaces aside) first: a cheap filter for the exact test.
                    let exact = ocum[i] - ocum[i - k] == ncum[j] - ncum[j - 1]
                        && strip_spaces_eq((i - k..i).map(|x| old[ro.start + x].key), [new[rn.start + j - 1].key]);
                    if exact || fuzzy {
                        let s = if exact { 1.0 } else { dice(if k == 2 { &po2[i] } else { &po3[i] }, &pn[j - 1]) };
                        let wgt = po[i - k..i].iter().map(len).sum::<usize>() + len(&pn[j - 1]);
                        let penalty = 0.5 * (k - 1) as f32;
                        consider(score[(i - k) * w + j - 1] + gain(s, wgt) - penalty, Step::MergeOld(k as u8), s);
                    }
                }
                if j >= k && i > 0 && (j - k + 1..j).all(|x| new[rn.start + x].joinable) {
                    let exact = ncum[j] - ncum[j - k] == ocum[i] - ocum[i - 1]
                        && strip_spaces_eq([old[ro.start + i - 1].key], (j - k..j).map(|x| new[rn.start + x].key));
                    if exact || fuzzy {
                        let s = if exact { 1.0 } else { dice(&po[i - 1], if k == 2 { &pn2[j] } else { &pn3[j] }) };
                        let wgt = pn[j - k..j].iter().map(len).sum::<usize>() + len(&po[i - 1]);
                        let penalty = 0.5 * (k - 1) as f32;
                        consider(score[(i - 1) * w + j - k] + gain(s, wgt) - penalty, Step::MergeNew(k as u8), s);
                    }
                }
            }
            score[here] = best.0;
            back[here] = best.1;
            sims[here] = best.2;
        }
    }
    // Trace back.
    let mut out = Vec::new();
    let (mut i, mut j) = (m, n);
    while i > 0 || j > 0 {
        let here = i * w + j;
        let s = sims[here];
        let (oi, nj) = (ro.start + i, rn.start + j);
        match back[here] {
            Step::Del => {
                out.push(link(LinkKind::Removed, oi - 1..oi, nj..nj, 0.0));
                i -= 1;
            }
            Step::Ins => {
                out.push(link(LinkKind::Added, oi..oi, nj - 1..nj, 0.0));
                j -= 1;
            }
            Step::Pair => {
                let kind = if old[oi - 1].key == new[nj - 1].key { LinkKind::Equal } else { LinkKind::Modified };
                out.push(link(kind, oi - 1..oi, nj - 1..nj, s));
                i -= 1;
                j -= 1;
            }
            Step::MergeOld(k) => {
                let k = k as usize;
                let kind = if s >= 1.0 { LinkKind::Resegmented } else { LinkKind::Modified };
                out.push(link(kind, oi - k..oi, nj - 1..nj, s));
                i -= k;
                j -= 1;
            }
            Step::MergeNew(k) => {
                let k = k as usize;
                let kind = if s >= 1.0 { LinkKind::Resegmented } else { LinkKind::Modified };
                out.push(link(kind, oi - 1..oi, nj - k..nj, s));
                i -= 1;
                j -= k;
            }
            Step::Start => unreachable!("every cell but the origin has a predecessor"),
        }
    }
    out.reverse();
    links.extend(out);
}

/// Turn removed/added pairs with identical keys into moves.
fn find_moves(old: &[Unit], new: &[Unit], links: &mut [Link]) {
    let mut removed: HashMap<&str, Vec<usize>> = HashMap::new();
    for (idx, l) in links.iter().enumerate() {
        if l.kind == LinkKind::Removed {
            removed.entry(old[l.old.start].key).or_default().push(idx);
        }
    }
    if removed.is_empty() {
        return;
    }
    for list in removed.values_mut() {
        list.reverse(); // pop() takes the earliest
    }
    for idx in 0..links.len() {
        if links[idx].kind != LinkKind::Added {
            continue;
        }
        let key = new[links[idx].new.start].key;
        if let Some(from) = removed.get_mut(key).and_then(|v| v.pop()) {
            links[idx].kind = LinkKind::MovedTo;
            links[idx].partner = Some(from);
            links[idx].similarity = 1.0;
            links[from].kind = LinkKind::MovedFrom;
            links[from].partner = Some(idx);
            links[from].similarity = 1.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(keys: &[&'static str]) -> Vec<Unit<'static>> {
        keys.iter().map(|k| Unit { key: k, joinable: true }).collect()
    }

    fn kinds(old: &[&'static str], new: &[&'static str]) -> Vec<(LinkKind, Range<usize>, Range<usize>)> {
        align(&units(old), &units(new), &AlignOptions::default()).into_iter().map(|l| (l.kind, l.old, l.new)).collect()
    }

    #[test]
    fn best_match_not_adjacent() {
        let got = kinds(
            &["A。", "为各国企业在华投资兴业提供更好的服务。", "Z。"],
            &["A。", "完全不同的一句话出现在这里。", "为各国企业在中国投资兴业提供更好的服务。", "Z。"],
        );
        assert_eq!(got[1], (LinkKind::Added, 1..1, 1..2));
        assert_eq!(got[2], (LinkKind::Modified, 1..2, 2..3));
    }

    #[test]
    fn missing_full_stop_is_one_change() {
        let got = kinds(&["第一句话很长很长。", "第二句也不短。"], &["第一句话很长很长第二句也不短。"]);
        assert_eq!(got, [(LinkKind::Modified, 0..2, 0..1)]);
    }

    #[test]
    fn moves_are_found() {
        let got = kinds(&["甲。", "乙乙乙乙。", "丙。"], &["甲。", "丙。", "乙乙乙乙。"]);
        let k: Vec<LinkKind> = got.iter().map(|g| g.0).collect();
        assert!(k.contains(&LinkKind::MovedFrom) && k.contains(&LinkKind::MovedTo), "{k:?}");
    }

    #[test]
    fn unrelated_large_inputs_take_the_greedy_path() {
        let old: Vec<String> = (0..800).map(|i| format!("old sentence number {i} about apples.")).collect();
        let new: Vec<String> = (0..800).map(|i| format!("新的第{i}句讲的是香蕉。")).collect();
        let uo: Vec<Unit> = old.iter().map(|k| Unit { key: k, joinable: true }).collect();
        let un: Vec<Unit> = new.iter().map(|k| Unit { key: k, joinable: true }).collect();
        let links = align(&uo, &un, &AlignOptions::default());
        let removed = links.iter().filter(|l| l.kind == LinkKind::Removed).count();
        let added = links.iter().filter(|l| l.kind == LinkKind::Added).count();
        assert_eq!((removed, added), (800, 800));
    }
}
