//! Step 1: anchor on equal sentences.
//!
//! Most of a book-length pair is identical sentence for sentence; diffing
//! whole sentences first settles those at the cost of one hash per
//! sentence, and leaves the token alignment ([`super::regions`]) only the
//! regions between them. Each sentence key is hashed once into a dense id
//! (equal keys, equal ids), and a Patience diff runs on the ids under the
//! deadline: sentences unique in both versions lock in first, `similar`'s
//! Myers fills in between.
//!
//! A sentence boundary never decides what is a change: a region between
//! anchors is aligned token by token, whatever its sentences. Anchoring only
//! decides where it is *safe* not to look closer.

use crate::hash::{hash_bytes, seed};
use similar::algorithms::{myers, Capture};
use similar::DiffOp;
use std::ops::Range;
use std::time::Instant;

/// A run of equal sentences, or a region between such runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    /// `len` equal sentences from `old` and `new`.
    Equal { old: usize, new: usize, len: usize },
    /// Sentences that differ.
    Gap { old: Range<usize>, new: Range<usize> },
}

/// One version's sentence keys, by index: a list of them, or a document's
/// (read in place, without collecting them first).
pub(crate) trait Keys<'a>: Copy {
    /// Number of keys.
    fn len(&self) -> usize;
    /// Key `i`.
    fn key(&self, i: usize) -> &'a str;
}

impl<'a> Keys<'a> for &[&'a str] {
    fn len(&self) -> usize {
        <[&str]>::len(self)
    }
    fn key(&self, i: usize) -> &'a str {
        self[i]
    }
}

/// Equal runs and the gaps between them, covering both key lists in order.
#[cfg(test)]
pub(crate) fn anchor(old: &[&str], new: &[&str], deadline: Instant) -> Vec<Seg> {
    anchor_hashed((old, &key_hashes(old)), (new, &key_hashes(new)), deadline)
}

/// [`anchor`], given each key's [`crate::hash::key_hash`] (`hashes[i]` of
/// key `i`): the segmenter hashes each key as it writes it, on a thread
/// per version, before this step, which runs on one.
pub(crate) fn anchor_hashed<'a, K: Keys<'a>>(
    (old, old_hashes): (K, &[u64]),
    (new, new_hashes): (K, &[u64]),
    deadline: Instant,
) -> Vec<Seg> {
    debug_assert!(old.len() == old_hashes.len() && new.len() == new_hashes.len());
    // One canonical order, mirrored: anchoring b on a is the mirror image
    // of anchoring a on b (diffs break ties differently in each direction).
    let all = |k: K| (0..k.len()).map(move |i| k.key(i));
    if all(old).gt(all(new)) {
        return anchor_hashed((new, new_hashes), (old, old_hashes), deadline)
            .into_iter()
            .map(|s| match s {
                Seg::Equal { old, new, len } => Seg::Equal { old: new, new: old, len },
                Seg::Gap { old, new } => Seg::Gap { old: new, new: old },
            })
            .collect();
    }
    let ids = Ids::with_hashes(old, old_hashes, new, new_hashes);
    let mut segs = Segs(Vec::new());
    patience(&ids, deadline, &mut segs);
    join_gaps(segs.0, old, new)
}

/// Collects equal runs and gaps, merging neighbours of the same kind.
struct Segs(Vec<Seg>);

impl Segs {
    fn equal(&mut self, old: usize, new: usize, len: usize) {
        if len == 0 {
            return;
        }
        match self.0.last_mut() {
            Some(Seg::Equal { old: o, new: n, len: l }) if *o + *l == old && *n + *l == new => *l += len,
            _ => self.0.push(Seg::Equal { old, new, len }),
        }
    }

    fn gap(&mut self, old: Range<usize>, new: Range<usize>) {
        if old.is_empty() && new.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some(Seg::Gap { old: o, new: n }) if o.end == old.start && n.end == new.start => {
                o.end = old.end;
                n.end = new.end;
            }
            _ => self.0.push(Seg::Gap { old, new }),
        }
    }
}

/// Patience diff of the sentence ids: sentences that occur exactly once in
/// each version and in the same order (the longest such chain) anchor;
/// equal neighbours extend them; what lies between two anchors is diffed
/// with `similar`'s Myers (under the deadline). With dense ids, counting
/// is an array look-up, not a hash of the sentence.
fn patience(ids: &Ids, deadline: Instant, out: &mut Segs) {
    let (a, b) = (&ids.old[..], &ids.new[..]);
    // How often each id occurs on each side: 0, 1 or more (2). The lists
    // here are as long as the versions, fresh memory on a step that runs
    // on one thread: as narrow as they can be.
    let mut count = vec![[0u8; 2]; ids.count as usize];
    let mut at_new = vec![0u32; ids.count as usize];
    for &x in a {
        count[x as usize][0] = count[x as usize][0].saturating_add(1).min(2);
    }
    for (j, &x) in b.iter().enumerate() {
        count[x as usize][1] = count[x as usize][1].saturating_add(1).min(2);
        at_new[x as usize] = j as u32;
    }
    // (Sentence indices fit in 32 bits: see `Ids::with_hashes`.)
    let pairs: Vec<(u32, u32)> = a
        .iter()
        .enumerate()
        .filter(|&(_, &x)| count[x as usize] == [1, 1])
        .map(|(i, &x)| (i as u32, at_new[x as usize]))
        .collect();
    drop(count);
    let chain = super::regions::longest_increasing(pairs);
    let (mut ca, mut cb) = (0, 0);
    // For `between`: the stamp of the stretch whose new ids are marked.
    let mut mark = vec![0u32; ids.count as usize];
    let mut stamp = 0u32;
    let chain = chain.into_iter().map(|(x, y)| (x as usize, y as usize));
    for (x, y) in chain.chain([(a.len(), b.len())]) {
        if x < ca || y < cb {
            continue; // covered by the equal run before
        }
        stamp += 1;
        between(a, ca..x, b, cb..y, deadline, (&mut mark, stamp), out);
        let run = a[x..].iter().zip(&b[y..]).take_while(|(p, q)| p == q).count();
        out.equal(x, y, run);
        (ca, cb) = (x + run, y + run);
    }
}

/// The stretch between two anchors: equal ends, then Myers on the rest.
fn between(
    a: &[u32],
    ra: Range<usize>,
    b: &[u32],
    rb: Range<usize>,
    deadline: Instant,
    (mark, stamp): (&mut [u32], u32),
    out: &mut Segs,
) {
    let (ra, rb, prefix, suffix) = super::regions::trim(a, ra, b, rb);
    out.equal(prefix.0.start, prefix.1.start, prefix.0.len());
    // How many old sentences of the stretch occur in its new side at all:
    // with (almost) none in common, there is nothing for Myers to find.
    for &x in &b[rb.clone()] {
        mark[x as usize] = stamp;
    }
    let shared = a[ra.clone()].iter().filter(|&&x| mark[x as usize] == stamp).count();
    if ra.is_empty() || rb.is_empty() || shared * 50 < ra.len().min(rb.len()) {
        out.gap(ra, rb);
    } else {
        let mut capture = Capture::new();
        let Ok(()) = myers::diff_deadline(&mut capture, a, ra, b, rb, Some(deadline));
        for op in capture.into_ops() {
            match op {
                DiffOp::Equal { old_index, new_index, len } => out.equal(old_index, new_index, len),
                other => out.gap(other.old_range(), other.new_range()),
            }
        }
    }
    out.equal(suffix.0.start, suffix.1.start, suffix.0.len());
}

/// Most key bytes (both sides) of two gaps and the one or two equal
/// sentences between them for [`join_gaps`] to make them one region.
const JOIN_LIMIT: usize = 20_000;

/// Join two gaps separated by a run of one or two equal sentences into one
/// region, when it stays small: with repeated sentences, a diff may anchor
/// the wrong copy (old `A A` against new `A A′`, the second `A` reworded,
/// can anchor the second `A` and leave the first one "removed"); aligned as
/// one region, the tokens find the right pairing.
fn join_gaps<'a, K: Keys<'a>>(segs: Vec<Seg>, old: K, new: K) -> Vec<Seg> {
    let bytes = |keys: K, r: Range<usize>| r.map(|i| keys.key(i).len()).sum::<usize>();
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    let mut iter = segs.into_iter().peekable();
    while let Some(seg) = iter.next() {
        if let (Some(Seg::Gap { old: go, new: gn }), Seg::Equal { len, .. }) = (out.last(), &seg) {
            if let Some(Seg::Gap { old: no, new: nn }) = iter.peek() {
                let joined = (go.start..no.end, gn.start..nn.end);
                if *len <= 2 && bytes(old, joined.0.clone()) + bytes(new, joined.1.clone()) <= JOIN_LIMIT {
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

/// The keys of both versions as dense ids: equal keys, equal ids. Ids are
/// given to the old version's keys first, so a key occurs in the old
/// version exactly when its id is below `in_old`.
pub(crate) struct Ids {
    old: Vec<u32>,
    new: Vec<u32>,
    #[cfg_attr(not(test), allow(dead_code))]
    in_old: u32,
    count: u32,
}

impl Ids {
    /// Dense ids for the keys of both versions.
    #[cfg(test)]
    pub(crate) fn new(old: &[&str], new: &[&str]) -> Ids {
        Ids::with_hashes(old, &key_hashes(old), new, &key_hashes(new))
    }

    /// [`Ids::new`], given each key's [`crate::hash::key_hash`].
    pub(crate) fn with_hashes<'a, K: Keys<'a>>(old: K, old_hashes: &[u64], new: K, new_hashes: &[u64]) -> Ids {
        // The table holds where each key first occurred (an old index, or
        // a new one with NEW set), not the key: 4 bytes an entry, not 16,
        // of fresh memory on a step that runs on one thread.
        const NEW: u32 = 1 << 31;
        debug_assert!(old.len().max(new.len()) < NEW as usize);
        let key_of = |at: u32| if at & NEW == 0 { old.key(at as usize) } else { new.key((at & !NEW) as usize) };
        let mut table: Table<u32> = Table::new(old.len());
        let id = |table: &mut Table<u32>, key: &str, at: u32, hash: u64| {
            debug_assert_eq!(hash, hash_bytes(key.as_bytes(), table.seed));
            table.id_with(at, hash, |k| key_of(k) == key)
        };
        // Where each old key was last seen, to follow the new version along
        // the old one.
        let mut last_seen: Vec<u32> = Vec::with_capacity(old.len());
        let old_ids: Vec<u32> = (0..old.len())
            .map(|i| {
                let id = id(&mut table, old.key(i), i as u32, old_hashes[i]);
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
        let new_ids = (0..new.len())
            .zip(new_hashes)
            .map(|(i, &hash)| {
                let key = new.key(i);
                if next_old < old.len() && old.key(next_old) == key {
                    next_old += 1;
                    return old_ids[next_old - 1];
                }
                let id = id(&mut table, key, i as u32 | NEW, hash);
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

/// Open-addressing hash table from keys to dense ids, for [`Ids`] and the
/// token streams' words. A slot holds the upper half of the key's hash
/// and the key's id plus one (0 for an empty slot); the key itself, or
/// what finds it (`K`), is in `keys`, at its id.
pub(crate) struct Table<K> {
    slots: Vec<u64>,
    keys: Vec<K>,
    seed: u64,
}

/// A [`Table`] of strings.
pub(crate) type KeyTable<'a> = Table<&'a str>;

impl<K: Copy> Table<K> {
    pub(crate) fn new(expected: usize) -> Self {
        Table { slots: vec![0; Self::size_for(expected)], keys: Vec::with_capacity(expected), seed: seed() }
    }

    /// Slots for `n` keys: at most three quarters full.
    fn size_for(n: usize) -> usize {
        (n + n / 3 + 1).next_power_of_two().max(16)
    }

    /// The keys, by id.
    pub(crate) fn keys(&self) -> &[K] {
        &self.keys
    }

    /// The id of the key `hash` is the [`crate::hash::key_hash`] of, a
    /// new one if the key is new: `key` stands for it, and `same` tells
    /// whether what is stored stands for the same key.
    #[inline]
    pub(crate) fn id_with(&mut self, key: K, hash: u64, same: impl Fn(K) -> bool) -> u32 {
        let tag = hash >> 32;
        let mask = self.slots.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                break;
            }
            if slot >> 32 == tag && same(self.keys[(slot as u32 - 1) as usize]) {
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

impl<'a> Table<&'a str> {
    /// The id of `key`, a new one if the key is new.
    pub(crate) fn id(&mut self, key: &'a str) -> u32 {
        self.id_hashed(key, hash_bytes(key.as_bytes(), self.seed))
    }

    /// [`Table::id`], given the key's [`crate::hash::key_hash`].
    #[inline]
    pub(crate) fn id_hashed(&mut self, key: &'a str, hash: u64) -> u32 {
        debug_assert_eq!(hash, hash_bytes(key.as_bytes(), self.seed));
        self.id_with(key, hash, |k| k == key)
    }
}

/// [`crate::hash::key_hash`] of each key.
#[cfg(test)]
pub(crate) fn key_hashes(keys: &[&str]) -> Vec<u64> {
    keys.iter().map(|k| crate::hash::key_hash(k)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    fn segs(old: &[&str], new: &[&str]) -> Vec<Seg> {
        anchor(old, new, Instant::now() + Duration::from_secs(60))
    }

    #[test]
    fn equal_sentences_anchor_and_the_rest_are_gaps() {
        let got = segs(&["甲。", "乙。", "丙。", "丁。"], &["甲。", "乙乙。", "丙。", "丁。", "戊。"]);
        assert_eq!(got[0], Seg::Equal { old: 0, new: 0, len: 1 });
        // The gaps around 丙丁 (two equal sentences, a small region) are
        // joined into one.
        assert_eq!(got[1..], [Seg::Gap { old: 1..4, new: 1..5 }]);
        let far = segs(
            &["甲。", "乙。", "丙。", "丁。", "戊。", "己。"],
            &["甲。", "乙乙。", "丙。", "丁。", "戊。", "己己。"],
        );
        assert_eq!(far[2], Seg::Equal { old: 2, new: 2, len: 3 });
    }

    #[test]
    fn ids_are_equal_exactly_for_equal_keys() {
        let old = ["a", "b", "a", "c"];
        let new = ["c", "a", "d", "b"];
        let ids = Ids::new(&old, &new);
        let mut by_key: HashMap<&str, u32> = HashMap::new();
        for (k, &id) in old.iter().chain(&new).zip(ids.old.iter().chain(&ids.new)) {
            assert_eq!(*by_key.entry(k).or_insert(id), id);
            assert!(id < ids.count);
            assert_eq!(id < ids.in_old, old.contains(k));
        }
        assert_eq!(ids.count as usize, by_key.len());
    }
}
