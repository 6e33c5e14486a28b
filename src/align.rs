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
//!    diff degrades to a coarser but still correct answer. Each key is
//!    hashed once, into a dense id (equal keys, equal ids), and the diff
//!    runs on the ids. `similar` would hash every item again in each of its
//!    own passes (unique items, Myers' preflight), so those two outer
//!    layers are redone here with counts indexed by id, step for step as
//!    `similar` 3 takes them, around `similar`'s own Myers search and
//!    compaction; tests check the result against `similar`'s Patience on
//!    the keys, op for op.
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
use similar::algorithms::{DiffHook, NoFinishHook, Replace};
use similar::DiffOp;
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
    align_with(old, new, opts, align_ordered)
}

type Ordered = fn(&[Unit], &[Unit], &AlignOptions) -> Vec<Link>;

fn align_with(old: &[Unit], new: &[Unit], opts: &AlignOptions, align_ordered: Ordered) -> Vec<Link> {
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
    let ids = Ids::new(old, new);
    let ops = patience(&ids, deadline);
    links_from_ops(old, new, ops, opts, deadline)
}

/// Pass 2 and 3 on the result of pass 1.
fn links_from_ops(old: &[Unit], new: &[Unit], ops: Vec<DiffOp>, opts: &AlignOptions, deadline: Instant) -> Vec<Link> {
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

/// The keys of both versions as dense ids: equal keys, equal ids. Ids are
/// given to the old version's keys first, so a key occurs in the old
/// version exactly when its id is below `in_old`.
struct Ids {
    old: Vec<u32>,
    new: Vec<u32>,
    in_old: u32,
    count: u32,
}

impl Ids {
    fn new(old: &[Unit], new: &[Unit]) -> Ids {
        let mut table = KeyTable::new(old.len());
        // Where each old key was last seen, to follow the new version along
        // the old one.
        let mut last_seen: Vec<u32> = Vec::with_capacity(old.len());
        let old_ids: Vec<u32> = old
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let id = table.id(u.key);
                match last_seen.get_mut(id as usize) {
                    Some(at) => *at = i as u32,
                    None => last_seen.push(i as u32),
                }
                id
            })
            .collect();
        let in_old = table.keys.len() as u32;
        // Most sentences of a near-identical version equal the old sentence
        // after the one the previous new sentence matched: comparing with
        // that one first is cheaper than hashing.
        let mut next_old = 0;
        let new_ids = new
            .iter()
            .map(|u| {
                if next_old < old.len() && old[next_old].key == u.key {
                    next_old += 1;
                    return old_ids[next_old - 1];
                }
                let id = table.id(u.key);
                next_old = match last_seen.get(id as usize) {
                    Some(&at) => at as usize + 1,
                    None => next_old + 1,
                };
                id
            })
            .collect();
        Ids { old: old_ids, new: new_ids, in_old, count: table.keys.len() as u32 }
    }
}

/// Open-addressing hash table from keys to dense ids, for [`Ids`]. A slot
/// holds the upper half of the key's hash and the key's id plus one (0 for
/// an empty slot); the key itself is in `keys`, at its id.
struct KeyTable<'a> {
    slots: Vec<u64>,
    keys: Vec<&'a str>,
    seed: u64,
}

impl<'a> KeyTable<'a> {
    fn new(expected: usize) -> Self {
        use std::hash::BuildHasher;
        // Keyed per process, like `std`'s `RandomState`, so that crafted
        // input cannot aim for collisions ahead of time.
        static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let seed = *SEED.get_or_init(|| std::collections::hash_map::RandomState::new().hash_one(0x5EED_u64));
        KeyTable { slots: vec![0; Self::size_for(expected)], keys: Vec::with_capacity(expected), seed }
    }

    /// Slots for `n` keys: at most three quarters full.
    fn size_for(n: usize) -> usize {
        (n + n / 3 + 1).next_power_of_two().max(16)
    }

    /// The id of `key`, a new one if the key is new.
    fn id(&mut self, key: &'a str) -> u32 {
        let tag = hash_key(key.as_bytes(), self.seed) >> 32;
        let mask = self.slots.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                break;
            }
            if slot >> 32 == tag && self.keys[(slot as u32 - 1) as usize] == key {
                return slot as u32 - 1;
            }
            i = (i + 1) & mask;
        }
        let id = u32::try_from(self.keys.len()).ok().filter(|&id| id < u32::MAX).expect("fewer than 2^32 - 1 keys");
        self.keys.push(key);
        self.slots[i] = tag << 32 | (id as u64 + 1);
        if self.slots.len() < Self::size_for(self.keys.len()) {
            self.grow();
        }
        id
    }

    fn grow(&mut self) {
        let old = std::mem::replace(&mut self.slots, vec![0; Self::size_for(self.keys.len()) * 2]);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut i = (slot >> 32) as usize & mask;
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// A fast keyed string hash: one multiplication per sixteen bytes.
fn hash_key(bytes: &[u8], seed: u64) -> u64 {
    let word = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
    let mut h = seed;
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        h = fold_mul(h ^ word(&c[..8]), word(&c[8..]) ^ MUL);
    }
    let rest = chunks.remainder();
    let mut tail = [0u8; 16];
    tail[..rest.len()].copy_from_slice(rest);
    h = fold_mul(h ^ word(&tail[..8]), word(&tail[8..]) ^ MUL ^ bytes.len() as u64);
    fold_mul(h, seed ^ MUL.rotate_left(29))
}

/// Multiply and fold the 128-bit product: every output bit depends on every
/// input bit.
#[inline(always)]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = (a as u128).wrapping_mul(b as u128);
    (p as u64) ^ ((p >> 64) as u64)
}

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// Pass 1: `similar`'s Patience diff (`similar::capture_diff_slices_deadline`
/// with `Algorithm::Patience`) of the key ids, with its outer layer done here
/// on the ids so that no sentence is hashed twice: `similar` finds unique
/// items with a hash map of their contents, here they are counted by id.
/// The result is the same, op for op (a test checks this against
/// `similar`'s own Patience): the steps below mirror `similar` 3.2's
/// `patience::diff_deadline` (the version in Cargo.lock; should an update
/// change those steps, the tests comparing with `similar` fail), and
/// everything inside (Myers, compaction) is `similar`'s own code.
fn patience(ids: &Ids, deadline: Instant) -> Vec<DiffOp> {
    use similar::algorithms::{Capture, Compact};
    let (old, new) = (&ids.old[..], &ids.new[..]);
    let mut d = Compact::new(Replace::new(Capture::new()), old, new);
    let Ok(()) = patience_into(&mut d, ids, deadline);
    d.into_inner().into_inner().into_ops()
}

fn patience_into<D: DiffHook>(d: &mut D, ids: &Ids, deadline: Instant) -> Result<(), D::Error> {
    let (old, new) = (&ids.old[..], &ids.new[..]);
    if nearly_disjoint(ids, deadline) {
        d.delete(0, old.len(), 0)?;
        d.insert(0, 0, new.len())?;
        return d.finish();
    }
    if old.is_empty() || new.is_empty() {
        return gap_diff(d, old, 0..old.len(), new, 0..new.len(), deadline);
    }
    // Sentences that occur once in their version (they need not occur in
    // the other).
    let unique = |seq: &[u32]| -> Vec<usize> {
        let mut count = vec![0u8; ids.count as usize];
        for &id in seq {
            count[id as usize] = count[id as usize].saturating_add(1);
        }
        (0..seq.len()).filter(|&i| count[seq[i] as usize] == 1).collect()
    };
    let (old_unique, new_unique) = (unique(old), unique(new));
    let old_values: Vec<u32> = old_unique.iter().map(|&i| old[i]).collect();
    let new_values: Vec<u32> = new_unique.iter().map(|&i| new[i]).collect();
    let mut hook = Replace::new(PatienceHook {
        d,
        old,
        new,
        old_current: 0,
        new_current: 0,
        old_unique: &old_unique,
        new_unique: &new_unique,
        deadline,
    });
    myers_by_id(&mut hook, &old_values, &new_values, ids.count as usize, deadline)
}

/// `similar`'s Myers diff (`similar::algorithms::myers::diff_deadline`) of
/// two sequences of ids below `id_count`, with its preflight done here with
/// counts indexed by id instead of a hash map of the items.
///
/// The preflight trims the common prefix and suffix and then, when the rest
/// is large and differs at both ends, drops the items that cannot match
/// (no equal item on the other side, or too frequent and surrounded by
/// dropped ones) before running the Myers search proper on what is left.
/// Below, the search proper is `similar`'s own, reached through
/// `myers::diff_deadline` on a new side of another item type
/// ([`OtherId`]): `similar` skips its preflight scan when the two sides'
/// item types differ, and its trimming finds nothing more to do.
fn myers_by_id<D: DiffHook>(
    d: &mut D,
    old: &[u32],
    new: &[u32],
    id_count: usize,
    deadline: Instant,
) -> Result<(), D::Error> {
    use similar::algorithms::myers;
    let (n, m) = (old.len(), new.len());
    let plain = |d: &mut D| myers::diff_deadline(d, old, 0..n, new, 0..m, Some(deadline));
    let unscanned = |d: &mut D| {
        let other: Vec<OtherId> = new.iter().map(|&v| OtherId(v)).collect();
        myers::diff_deadline(d, old, 0..n, &other[..], 0..m, Some(deadline))
    };
    if Instant::now() > deadline {
        return plain(d);
    }
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    let (ro, rn) = (prefix..n - suffix, prefix..m - suffix);
    if !worth_scanning(&old[ro.clone()], &new[rn.clone()]) {
        // `similar` decides the same and goes straight to the search.
        return plain(d);
    }
    let (old_mid, new_mid) = (&old[ro.clone()], &new[rn.clone()]);
    let mut old_counts = vec![0u32; id_count];
    let mut new_counts = vec![0u32; id_count];
    for (seq, counts) in [(old_mid, &mut old_counts), (new_mid, &mut new_counts)] {
        for (i, &v) in seq.iter().enumerate() {
            if i % 1024 == 0 && Instant::now() > deadline {
                return unscanned(d);
            }
            counts[v as usize] += 1;
        }
    }
    let mut kept: [(Vec<u32>, Vec<usize>); 2] = Default::default();
    for (side, (seq, start, opposite)) in
        [(old_mid, ro.start, &new_counts), (new_mid, rn.start, &old_counts)].into_iter().enumerate()
    {
        let actions = record_actions(seq, opposite);
        for (i, &v) in seq.iter().enumerate() {
            if i % 1024 == 0 && Instant::now() > deadline {
                return unscanned(d);
            }
            if keep_record(&actions, i) {
                kept[side].0.push(v);
                kept[side].1.push(start + i);
            }
        }
    }
    let [(old_values, old_indices), (new_values, new_indices)] = kept;
    if old_indices.len() == ro.len() && new_indices.len() == rn.len() {
        return unscanned(d);
    }
    if prefix > 0 {
        d.equal(0, 0, prefix)?;
    }
    let new_values: Vec<OtherId> = new_values.into_iter().map(OtherId).collect();
    let mut hook = ReducedHook {
        d: &mut *d,
        old_indices: &old_indices,
        new_indices: &new_indices,
        old_cursor: ro.start,
        new_cursor: rn.start,
        old_end: ro.end,
        new_end: rn.end,
    };
    myers::diff_deadline(
        &mut hook,
        &old_values[..],
        0..old_values.len(),
        &new_values[..],
        0..new_values.len(),
        Some(deadline),
    )?;
    if suffix > 0 {
        d.equal(n - suffix, m - suffix, suffix)?;
    }
    d.finish()
}

/// An id on the new side of [`myers_by_id`]'s search: equal to the same
/// `u32` on the old side, but of another type.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct OtherId(u32);

impl PartialEq<u32> for OtherId {
    fn eq(&self, other: &u32) -> bool {
        self.0 == *other
    }
}

/// Does `similar`'s Myers preflight scan these (trimmed) ranges for items
/// to drop? Only large ones that differ near both ends.
fn worth_scanning(old: &[u32], new: &[u32]) -> bool {
    let (m, n) = (old.len(), new.len());
    if m < 512 || n < 512 || m.saturating_mul(n) < 128 * 1024 {
        return false;
    }
    if new[0] == old[0] || new[n - 1] == old[m - 1] {
        return false;
    }
    !(1..m.min(n).min(9)).any(|skip| {
        new[skip] == old[0] || new[0] == old[skip] || new[n - 1 - skip] == old[m - 1] || new[n - 1] == old[m - 1 - skip]
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Discard,
    Keep,
    Investigate,
}

/// Per item: no equal item on the other side (drop), a few (keep), or so
/// many that the neighbourhood decides (investigate).
fn record_actions(seq: &[u32], opposite_counts: &[u32]) -> Vec<Action> {
    let limit = seq.len().isqrt().clamp(1, 1024);
    seq.iter()
        .map(|&v| match opposite_counts[v as usize] as usize {
            0 => Action::Discard,
            c if c < limit => Action::Keep,
            _ => Action::Investigate,
        })
        .collect()
}

fn keep_record(actions: &[Action], i: usize) -> bool {
    match actions[i] {
        Action::Discard => false,
        Action::Keep => true,
        Action::Investigate => !confusing_record(actions, i),
    }
}

/// A frequent item is dropped when it sits among dropped items: up to 100
/// items either side (up to the nearest kept one), there are dropped items
/// on both sides, and they outnumber the frequent ones three to one.
fn confusing_record(actions: &[Action], i: usize) -> bool {
    let run = |indices: &mut dyn Iterator<Item = usize>| {
        let (mut discards, mut investigates) = (0usize, 0usize);
        for j in indices.take(100) {
            match actions[j] {
                Action::Discard => discards += 1,
                Action::Investigate => investigates += 1,
                Action::Keep => break,
            }
        }
        (discards, investigates)
    };
    let (left_discards, left_investigates) = run(&mut (0..i).rev());
    if left_discards == 0 {
        return false;
    }
    let (right_discards, right_investigates) = run(&mut (i + 1..actions.len()));
    if right_discards == 0 {
        return false;
    }
    let discards = left_discards + right_discards;
    let investigates = left_investigates + right_investigates + 1;
    investigates.saturating_mul(4) < investigates + discards
}

/// Maps the search over the kept items back to the full ranges: equal runs
/// of kept items are anchors, everything between them is left to the gaps
/// around the anchors.
struct ReducedHook<'a, D> {
    d: &'a mut D,
    old_indices: &'a [usize],
    new_indices: &'a [usize],
    old_cursor: usize,
    new_cursor: usize,
    old_end: usize,
    new_end: usize,
}

impl<D: DiffHook> ReducedHook<'_, D> {
    fn emit_gaps(&mut self, old_anchor: usize, new_anchor: usize) -> Result<(), D::Error> {
        if self.old_cursor < old_anchor {
            self.d.delete(self.old_cursor, old_anchor - self.old_cursor, self.new_cursor)?;
            self.old_cursor = old_anchor;
        }
        if self.new_cursor < new_anchor {
            self.d.insert(self.old_cursor, self.new_cursor, new_anchor - self.new_cursor)?;
            self.new_cursor = new_anchor;
        }
        Ok(())
    }
}

impl<D: DiffHook> DiffHook for ReducedHook<'_, D> {
    type Error = D::Error;

    fn equal(&mut self, old_index: usize, new_index: usize, len: usize) -> Result<(), D::Error> {
        let mut offset = 0;
        while offset < len {
            let old_anchor = self.old_indices[old_index + offset];
            let new_anchor = self.new_indices[new_index + offset];
            self.emit_gaps(old_anchor, new_anchor)?;
            let mut run = 1;
            while offset + run < len
                && self.old_indices[old_index + offset + run] == old_anchor + run
                && self.new_indices[new_index + offset + run] == new_anchor + run
            {
                run += 1;
            }
            self.d.equal(old_anchor, new_anchor, run)?;
            self.old_cursor = old_anchor + run;
            self.new_cursor = new_anchor + run;
            offset += run;
        }
        Ok(())
    }

    fn delete(&mut self, _: usize, _: usize, _: usize) -> Result<(), D::Error> {
        Ok(())
    }

    fn insert(&mut self, _: usize, _: usize, _: usize) -> Result<(), D::Error> {
        Ok(())
    }

    fn finish(&mut self) -> Result<(), D::Error> {
        self.emit_gaps(self.old_end, self.new_end)
    }
}

/// `similar`'s Patience preflight: inputs of at least 512 items on both
/// sides that differ at both ends, and where at most a handful (1 per 1024
/// items, at most 64) of the new items occur in the old version, are one
/// replacement.
fn nearly_disjoint(ids: &Ids, deadline: Instant) -> bool {
    let (old, new) = (&ids.old[..], &ids.new[..]);
    let (m, n) = (old.len(), new.len());
    if Instant::now() > deadline || m < 512 || n < 512 || m.saturating_mul(n) < 128 * 1024 {
        return false;
    }
    if new[0] == old[0] || new[n - 1] == old[m - 1] {
        return false;
    }
    for skip in 1..m.min(n).min(9) {
        if new[skip] == old[0]
            || new[0] == old[skip]
            || new[n - 1 - skip] == old[m - 1]
            || new[n - 1] == old[m - 1 - skip]
        {
            return false;
        }
    }
    let budget = (m.min(n) / 1024).clamp(1, 64);
    let mut common = 0;
    for (i, &id) in new.iter().enumerate() {
        if i % 1024 == 0 && Instant::now() > deadline {
            return false;
        }
        if id < ids.in_old {
            common += 1;
            if common > budget {
                return false;
            }
        }
    }
    true
}

/// `similar`'s Myers diff of `old[ro]` against `new[rn]`, answering the
/// one-sided cases (what Myers emits for them) without consulting the clock.
fn gap_diff<D: DiffHook>(
    d: &mut D,
    old: &[u32],
    ro: Range<usize>,
    new: &[u32],
    rn: Range<usize>,
    deadline: Instant,
) -> Result<(), D::Error> {
    if ro.is_empty() || rn.is_empty() {
        if !ro.is_empty() {
            d.delete(ro.start, ro.len(), rn.start)?;
        } else if !rn.is_empty() {
            d.insert(ro.start, rn.start, rn.len())?;
        }
        return d.finish();
    }
    similar::algorithms::myers::diff_deadline(d, old, ro, new, rn, Some(deadline))
}

/// The anchor walk of `similar`'s Patience: Myers over the unique items
/// reports anchors through `equal`; runs of equal items after the previous
/// anchor are emitted as equal, the rest up to the anchor is diffed with
/// Myers.
struct PatienceHook<'a, D> {
    d: &'a mut D,
    old: &'a [u32],
    new: &'a [u32],
    old_current: usize,
    new_current: usize,
    old_unique: &'a [usize],
    new_unique: &'a [usize],
    deadline: Instant,
}

impl<D: DiffHook> DiffHook for PatienceHook<'_, D> {
    type Error = D::Error;

    fn equal(&mut self, old: usize, new: usize, len: usize) -> Result<(), D::Error> {
        for (o, n) in (old..old + len).zip(new..new + len) {
            let (a0, b0) = (self.old_current, self.new_current);
            let (oa, na) = (self.old_unique[o], self.new_unique[n]);
            while self.old_current < oa
                && self.new_current < na
                && self.new[self.new_current] == self.old[self.old_current]
            {
                self.old_current += 1;
                self.new_current += 1;
            }
            if self.old_current > a0 {
                self.d.equal(a0, b0, self.old_current - a0)?;
            }
            let mut no_finish = NoFinishHook::new(&mut self.d);
            gap_diff(&mut no_finish, self.old, self.old_current..oa, self.new, self.new_current..na, self.deadline)?;
            self.old_current = oa;
            self.new_current = na;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), D::Error> {
        let (ro, rn) = (self.old_current..self.old.len(), self.new_current..self.new.len());
        gap_diff(self.d, self.old, ro, self.new, rn, self.deadline)
    }
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
    // Units first, then their bigrams, then the letter pairs.
    let mut out: Vec<u32> = Vec::with_capacity(key.len() + 2);
    let mut inner: Vec<u32> = Vec::new();
    let mut word: Option<u32> = None;
    let mut prev_letter: Option<u32> = None;
    for c in key.chars() {
        if !crate::chars::is_han(c) && crate::chars::is_word_char(c) {
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
            out.push(w | 0x4000_0000);
        }
        if c != ' ' {
            out.push(c as u32);
        }
    }
    if let Some(w) = word {
        out.push(w | 0x4000_0000);
    }
    for i in 1..out.len() {
        let (a, b) = (out[i - 1], out[i]);
        out.push((a.wrapping_mul(0x9E37_79B1) ^ b.rotate_left(13)) | 0x8000_0000);
    }
    out.append(&mut inner);
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
    // -----------------------------------------------------------------------
    // Pass 1 and the similarity profile are reimplemented for speed; these
    // tests pin them to what they replace.

    /// Pass 1 as `similar` computes it on the keys themselves.
    fn reference_ops(old: &[Unit], new: &[Unit], deadline: Instant) -> Vec<DiffOp> {
        let old_keys: Vec<&str> = old.iter().map(|u| u.key).collect();
        let new_keys: Vec<&str> = new.iter().map(|u| u.key).collect();
        similar::capture_diff_slices_deadline(similar::Algorithm::Patience, &old_keys, &new_keys, Some(deadline))
    }

    fn reference_ordered(old: &[Unit], new: &[Unit], opts: &AlignOptions) -> Vec<Link> {
        let deadline = Instant::now() + opts.timeout;
        links_from_ops(old, new, reference_ops(old, new, deadline), opts, deadline)
    }

    /// The similarity profile as it was first written.
    fn reference_profile(key: &str) -> Vec<u32> {
        let mut units: Vec<u32> = Vec::with_capacity(key.len() / 2);
        let mut inner: Vec<u32> = Vec::new();
        let mut word: Option<u32> = None;
        let mut prev_letter: Option<u32> = None;
        for c in key.chars() {
            if crate::chars::is_word_char(c) && !crate::chars::is_han(c) {
                let lc = c.to_lowercase().next().unwrap_or(c) as u32;
                word = Some(word.unwrap_or(0x811C_9DC5).wrapping_mul(0x0100_0193) ^ lc);
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

    /// xorshift64*: test inputs from a seed.
    struct Rng(u64);

    impl Rng {
        fn new(seed: u64) -> Rng {
            Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
        }
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
        }
    }

    /// Two sequences of item numbers, shaped like the inputs pass 1 sees:
    /// near-identical versions (replaced, inserted, deleted, moved and
    /// repeated stretches), unrelated or nearly disjoint versions, few or
    /// many distinct items, frequent items among unique ones; short ones
    /// and ones long enough (512 and more) for `similar`'s preflights.
    fn sequences(seed: u64) -> (Vec<u32>, Vec<u32>) {
        let mut r = Rng::new(seed);
        let len = [0, 1, 2, 5, 20, 100, 511, 600, 1100, 2100][r.below(10)] + r.below(40);
        let mut fresh = 1_000_000u32;
        let mut fresh = move || {
            fresh += 1;
            fresh
        };
        let alphabet = [1, 2, 3, 8, 40, 1000][r.below(6)];
        let frequent_pct = [0, 0, 5, 30, 100][r.below(5)];
        let mut item = |r: &mut Rng| if r.below(100) < frequent_pct { r.below(alphabet) as u32 } else { fresh() };
        let old: Vec<u32> = (0..len).map(|_| item(&mut r)).collect();
        let new = match r.below(6) {
            // Unrelated, perhaps sharing a few items.
            0 => {
                let mut new: Vec<u32> = (0..len + r.below(50)).map(|_| fresh()).collect();
                for _ in 0..r.below(4) {
                    if !old.is_empty() && !new.is_empty() {
                        let j = r.below(new.len());
                        new[j] = old[r.below(old.len())];
                    }
                }
                new
            }
            // Independent draws from the same items.
            1 => (0..len + r.below(50)).map(|_| item(&mut r)).collect(),
            // Edits.
            _ => {
                let mut new = old.clone();
                let many = r.below(3) == 0;
                for _ in 0..r.below(if many { 300 } else { 12 }) {
                    let at = r.below(new.len() + 1);
                    let long = r.below(4) == 0;
                    let span = 1 + r.below(if long { 30 } else { 3 });
                    let end = (at + span).min(new.len());
                    match r.below(7) {
                        0 | 1 if at < new.len() => new[at] = item(&mut r),
                        2 => new.insert(at, item(&mut r)),
                        3 => {
                            new.drain(at..end);
                        }
                        4 => {
                            let block: Vec<u32> = new.drain(at..end).collect();
                            let to = r.below(new.len() + 1);
                            new.splice(to..to, block);
                        }
                        5 => {
                            let block: Vec<u32> = new[at..end].to_vec();
                            let to = r.below(new.len() + 1);
                            new.splice(to..to, block);
                        }
                        _ => {
                            if !old.is_empty() {
                                new.insert(at, old[r.below(old.len())]);
                            }
                        }
                    }
                }
                new
            }
        };
        if r.below(2) == 0 {
            (new, old)
        } else {
            (old, new)
        }
    }

    fn keyed(items: &[u32]) -> Vec<String> {
        items.iter().map(|i| format!("句子{i}。")).collect()
    }

    fn as_units(keys: &[String]) -> Vec<Unit<'_>> {
        keys.iter().map(|k| Unit { key: k, joinable: true }).collect()
    }

    const NO_HURRY: Duration = Duration::from_secs(3600);

    #[test]
    fn pass_one_matches_similar_patience_on_known_shapes() {
        let cases: [(&[u32], &[u32]); 8] = [
            (&[], &[]),
            (&[1], &[]),
            (&[], &[1, 1]),
            (&[1, 1, 0, 0], &[0, 1, 1, 0]),
            (&[11, 1, 2, 2, 3, 4, 4, 4, 5, 47, 19], &[10, 1, 2, 2, 8, 9, 4, 4, 7, 47, 18]),
            (&[1, 2, 3, 4], &[1, 2, 3]),
            (&[1, 2, 3], &[3, 2, 1]),
            (&[5, 5, 5], &[5, 5]),
        ];
        for (old, new) in cases {
            let (ok, nk) = (keyed(old), keyed(new));
            let (ou, nu) = (as_units(&ok), as_units(&nk));
            let deadline = Instant::now() + NO_HURRY;
            assert_eq!(patience(&Ids::new(&ou, &nu), deadline), reference_ops(&ou, &nu, deadline), "{old:?} {new:?}");
        }
    }

    #[test]
    fn pass_one_matches_similar_patience_on_generated_sequences() {
        for seed in 0..1500 {
            let (old, new) = sequences(seed);
            let (ok, nk) = (keyed(&old), keyed(&new));
            let (ou, nu) = (as_units(&ok), as_units(&nk));
            let deadline = Instant::now() + NO_HURRY;
            let got = patience(&Ids::new(&ou, &nu), deadline);
            assert_eq!(got, reference_ops(&ou, &nu, deadline), "seed {seed}: {} vs {} items", old.len(), new.len());
        }
    }

    #[test]
    fn myers_by_id_matches_similar_myers() {
        use similar::algorithms::{myers, Capture};
        for seed in 0..1500 {
            let (old, new) = sequences(seed ^ 0xABCD);
            // Dense ids, as pass 1 hands them over.
            let mut dense: HashMap<u32, u32> = HashMap::new();
            let mut id = |v: u32| {
                let next = dense.len() as u32;
                *dense.entry(v).or_insert(next)
            };
            let old: Vec<u32> = old.into_iter().map(&mut id).collect();
            let new: Vec<u32> = new.into_iter().map(&mut id).collect();
            let deadline = Instant::now() + NO_HURRY;
            let mut got = Capture::new();
            let Ok(()) = myers_by_id(&mut got, &old, &new, dense.len(), deadline);
            let mut want = Capture::new();
            let Ok(()) = myers::diff_deadline(&mut want, &old, 0..old.len(), &new, 0..new.len(), Some(deadline));
            assert_eq!(got.into_ops(), want.into_ops(), "seed {seed}");
        }
    }

    #[test]
    fn ids_are_equal_exactly_for_equal_keys() {
        for seed in 0..300 {
            let (old, new) = sequences(seed);
            let (ok, nk) = (keyed(&old), keyed(&new));
            let ids = Ids::new(&as_units(&ok), &as_units(&nk));
            let keys: Vec<&String> = ok.iter().chain(&nk).collect();
            let all: Vec<u32> = ids.old.iter().chain(&ids.new).copied().collect();
            let mut first: HashMap<u32, &String> = HashMap::new();
            let mut by_key: HashMap<&String, u32> = HashMap::new();
            for (k, &id) in keys.iter().zip(&all) {
                assert_eq!(*first.entry(id).or_insert(k), *k, "seed {seed}: one id, two keys");
                assert_eq!(*by_key.entry(k).or_insert(id), id, "seed {seed}: one key, two ids");
                assert!(id < ids.count);
                assert_eq!(id < ids.in_old, ok.contains(k));
            }
            assert_eq!(ids.count as usize, by_key.len());
        }
    }

    proptest::proptest! {
        #[test]
        fn profile_matches_reference(s in "[a-zA-Z0-9_ 你好世界人民了解中华，。、！？（）「」…—·\\-'.,;:ÉéÀßİıΣσ½²٣\u{301}\u{200B}😀]{0,60}") {
            proptest::prop_assert_eq!(profile(&s), reference_profile(&s));
        }
    }

    /// A key and whether it may be joined to the sentence before it.
    type Sentence = (String, bool);

    /// Sentence-like keys in which versions differ the way transcripts do:
    /// reworded, cut differently, added, dropped, moved and repeated
    /// sentences.
    fn sentence_versions(seed: u64) -> (Vec<Sentence>, Vec<Sentence>) {
        const CLAUSES: &[&str] = &[
            "互联网是人类的共同家园",
            "中国愿同各国一道",
            "推动网络经济创新发展",
            "促进共同繁荣",
            "让各国人民了解中华优秀文化",
            "the internet is the common home of mankind",
            "countries should step up communication",
            "we are ready to deepen cooperation",
            "凡益之道",
            "与时偕行",
        ];
        let mut r = Rng::new(seed);
        let sentence = |r: &mut Rng| -> String {
            let n = 1 + r.below(3);
            let mut s: String = (0..n).map(|_| CLAUSES[r.below(CLAUSES.len())]).collect::<Vec<_>>().join("，");
            s.push_str(["。", "！", "？", "."][r.below(4)]);
            s
        };
        let len = [0, 1, 3, 10, 40, 120, 600][r.below(7)];
        let old: Vec<Sentence> = (0..len).map(|_| (sentence(&mut r), r.below(5) != 0)).collect();
        let mut new = old.clone();
        let many = r.below(4) == 0;
        for _ in 0..r.below(if many { 60 } else { 8 }) {
            let at = r.below(new.len() + 1);
            match r.below(8) {
                0 if at < new.len() => {
                    // Reworded: one character changed.
                    let mut chars: Vec<char> = new[at].0.chars().collect();
                    let c = r.below(chars.len());
                    chars[c] = ['华', '国', 'x', '了'][r.below(4)];
                    new[at].0 = chars.into_iter().collect();
                }
                1 if at < new.len() && new[at].0.chars().count() >= 2 => {
                    // Cut in two.
                    let chars: Vec<char> = new[at].0.chars().collect();
                    let cut = 1 + r.below(chars.len() - 1);
                    let (a, b): (String, String) = (chars[..cut].iter().collect(), chars[cut..].iter().collect());
                    new[at].0 = a;
                    new.insert(at + 1, (b, true));
                }
                2 if at + 1 < new.len() => {
                    // Joined with the next.
                    let next = new.remove(at + 1).0;
                    new[at].0.push_str(&next);
                }
                3 => new.insert(at, (sentence(&mut r), r.below(5) != 0)),
                4 if at < new.len() => {
                    new.remove(at);
                }
                5 if at < new.len() => {
                    let s = new.remove(at);
                    let to = r.below(new.len() + 1);
                    new.insert(to, s);
                }
                6 if !old.is_empty() => new.insert(at, old[r.below(old.len())].clone()),
                _ => {}
            }
        }
        (old, new)
    }

    #[test]
    fn align_matches_reference_on_generated_versions() {
        for seed in 0..400 {
            let (old, new) = sentence_versions(seed);
            let ou: Vec<Unit> = old.iter().map(|(k, j)| Unit { key: k, joinable: *j }).collect();
            let nu: Vec<Unit> = new.iter().map(|(k, j)| Unit { key: k, joinable: *j }).collect();
            for detect_moves in [true, false] {
                let opts = AlignOptions { timeout: NO_HURRY, detect_moves, ..AlignOptions::default() };
                for (a, b) in [(&ou, &nu), (&nu, &ou)] {
                    let got = align(a, b, &opts);
                    let want = align_with(a, b, &opts, reference_ordered);
                    assert_eq!(got, want, "seed {seed}");
                }
            }
        }
    }
}
