//! How alike two stretches of key text are, for deciding whether a changed
//! row is one reworded sentence or a removal and an addition.

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
pub(crate) fn profile(key: &str) -> Vec<u32> {
    with_profile(key, <[u32]>::to_vec)
}

/// `f` of the [`profile`] of `key`, built in this thread's scratch
/// buffers: a move search makes tens of thousands of profiles, each of
/// which grew push by push through several reallocations; from here each
/// is copied out once, at its size.
fn with_profile<R>(key: &str, f: impl FnOnce(&[u32]) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<(Vec<u32>, Vec<u32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
    }
    // (`profile_into` and `f` call nothing that could come back here.)
    SCRATCH.with_borrow_mut(|scratch| {
        let (out, inner) = scratch;
        profile_into(key, out, inner);
        let r = f(out);
        // A long stretch's buffers are not kept.
        if out.capacity() > SCRATCH_KEEP {
            *scratch = (Vec::new(), Vec::new());
        }
        r
    })
}

/// The two top bits of a profile's letter pair. A word's code has the
/// second set and a bigram's the first; either may have the other too, by
/// its hash, and then looks like a letter pair and is taken for one.
/// Letter pairs sort last.
const LETTER_PAIR: u32 = 0xC000_0000;

/// Is profile element `x` a letter pair inside a word?
fn is_letter_pair(x: u32) -> bool {
    x & LETTER_PAIR == LETTER_PAIR
}

/// Scratch buffers larger than this (elements) are let go after use.
const SCRATCH_KEEP: usize = 1 << 16;

/// [`profile`] into `out`, with `inner` as scratch space.
fn profile_into(key: &str, out: &mut Vec<u32>, inner: &mut Vec<u32>) {
    out.clear();
    inner.clear();
    // Units first, then their bigrams, then the letter pairs.
    let mut word: Option<u32> = None;
    let mut prev_letter: Option<u32> = None;
    for c in key.chars() {
        // (ASCII first: most keys that are not Han are.)
        let wordy = if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '_'
        } else {
            !crate::chars::is_han(c) && crate::chars::is_word_char(c)
        };
        if wordy {
            let lc = if c.is_ascii() { c.to_ascii_lowercase() } else { c.to_lowercase().next().unwrap_or(c) } as u32;
            word = Some(word.unwrap_or(0x811C_9DC5).wrapping_mul(0x0100_0193) ^ lc);
            // Letter pairs inside words keep `123456`/`123457x` or
            // `communication`/`communications` similar.
            if let Some(p) = prev_letter {
                inner.push((p.wrapping_mul(0x2545_F491) ^ lc.rotate_left(7)) | LETTER_PAIR);
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
    out.append(inner);
    out.sort_unstable();
}

/// Elements below this are units of the Basic Multilingual Plane (a Han
/// character, a mark of punctuation): a [`Sketch`] keeps them in two bytes.
/// Every other element (a unit past the plane, a word, a bigram, a letter
/// pair) is at or above it, so a sorted profile is its narrow elements
/// followed by the rest.
const NARROW: u32 = 0x1_0000;

/// A sorted profile seen as its narrow elements (below [`NARROW`]) and the
/// rest: two profiles share only narrow elements in their narrow parts and
/// only the others in the rest, so each part is merged with its kind.
#[derive(Clone, Copy)]
pub(crate) struct Profile<'a> {
    narrow: Narrow<'a>,
    rest: &'a [u32],
}

/// The narrow part of a [`Profile`]: two bytes an element in a sketch, four
/// in a profile made for one comparison.
#[derive(Clone, Copy)]
enum Narrow<'a> {
    Packed(&'a [u16]),
    Wide(&'a [u32]),
}

impl<'a> Profile<'a> {
    /// The parts of profile `sorted` (as [`profile`] makes it).
    pub(crate) fn of(sorted: &'a [u32]) -> Profile<'a> {
        let k = sorted.partition_point(|&x| x < NARROW);
        Profile { narrow: Narrow::Wide(&sorted[..k]), rest: &sorted[k..] }
    }

    /// How many elements the profile has.
    pub(crate) fn len(&self) -> usize {
        let narrow = match self.narrow {
            Narrow::Packed(a) => a.len(),
            Narrow::Wide(a) => a.len(),
        };
        narrow + self.rest.len()
    }
}

/// How many elements two profiles share (as multisets).
fn intersection(a: Profile, b: Profile) -> usize {
    let narrow = match (a.narrow, b.narrow) {
        (Narrow::Packed(x), Narrow::Packed(y)) => shared(x, y),
        (Narrow::Packed(x), Narrow::Wide(y)) => shared(x, y),
        (Narrow::Wide(x), Narrow::Packed(y)) => shared(x, y),
        (Narrow::Wide(x), Narrow::Wide(y)) => shared(x, y),
    };
    narrow + shared(a.rest, b.rest)
}

/// How many elements two sorted lists share (as multisets).
fn shared<A: Copy + Into<u32>, B: Copy + Into<u32>>(a: &[A], b: &[B]) -> usize {
    // A merge without branches on the comparison (which no predictor
    // guesses: two unrelated profiles interleave at random); a `match` on
    // the ordering made pairing alike rows of unrelated English text
    // take 7.0 ms where this takes 4.2.
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        merge_step(a, b, &mut i, &mut j, &mut n);
    }
    n
}

/// One step of the merge of two sorted lists that counts what they share
/// (`i`, `j` in bounds): the outcome of the comparison added, not branched on.
#[inline(always)]
fn merge_step<A: Copy + Into<u32>, B: Copy + Into<u32>>(a: &[A], b: &[B], i: &mut usize, j: &mut usize, n: &mut usize) {
    let (x, y): (u32, u32) = (a[*i].into(), b[*j].into());
    *n += usize::from(x == y);
    *i += usize::from(x <= y);
    *j += usize::from(y <= x);
}

/// Dice similarity of two profiles.
pub(crate) fn dice(a: Profile, b: Profile) -> f32 {
    if a.len() == 0 && b.len() == 0 {
        return 1.0;
    }
    2.0 * intersection(a, b) as f32 / (a.len() + b.len()) as f32
}

/// A profile with a 256-bit signature of its elements, so that most
/// pairs that cannot be alike are ruled out without comparing profiles.
///
/// Its words (see [`write_sketch`]) are a head of [`SKETCH_HEAD`] (how many
/// of the signature's bits are set, how many narrow elements the profile
/// has and how many others, where the letter pairs begin among those, the
/// signature), the narrow elements two to a word, then the others. A
/// sketch owns them in one allocation; the cache of [`crate::diff`] keeps
/// a side's sketches back to back in one list and hands out
/// [`SketchView`]s of it.
#[derive(Clone)]
pub(crate) struct Sketch {
    data: Box<[u32]>,
}

/// A sketch's words, borrowed (from a [`Sketch`] or a list of them).
#[derive(Clone, Copy)]
pub(crate) struct SketchView<'a> {
    data: &'a [u32],
}

/// Words before a sketch's elements: the signature's set bits, how many
/// narrow elements, how many others, where the letter pairs begin among
/// the others, the 256-bit signature.
pub(crate) const SKETCH_HEAD: usize = 4 + 8;

/// Words that `narrow` narrow elements and `rest` others take in a sketch.
fn sketch_words(narrow: usize, rest: usize) -> usize {
    SKETCH_HEAD + narrow.div_ceil(2) + rest
}

/// Append the sketch of `key` to `out` (see [`Sketch`]).
pub(crate) fn write_sketch(key: &str, out: &mut Vec<u32>) {
    with_profile(key, |profile| {
        let mut bits = [0u32; 8];
        for &x in profile {
            let h = x.wrapping_mul(0x9E37_79B1) >> 24;
            bits[(h >> 5) as usize & 7] |= 1 << (h & 31);
        }
        let ones: u32 = bits.iter().map(|b| b.count_ones()).sum();
        let (narrow, rest) = profile.split_at(profile.partition_point(|&x| x < NARROW));
        // Where the letter pairs begin (they sort last): found while the
        // profile is in cache, so that a move search reads a sketch's
        // elements without first searching its profile, one cache miss
        // after another.
        let letter_pairs_from = rest.partition_point(|&x| !is_letter_pair(x));
        let count = |n: usize| u32::try_from(n).expect("a profile is shorter than its key");
        out.reserve(sketch_words(narrow.len(), rest.len()));
        out.extend([ones, count(narrow.len()), count(rest.len()), count(letter_pairs_from)]);
        out.extend(bits);
        let at = out.len();
        out.resize(at + narrow.len().div_ceil(2), 0);
        for (slot, &x) in bytemuck::cast_slice_mut::<u32, u16>(&mut out[at..]).iter_mut().zip(narrow) {
            *slot = x as u16;
        }
        out.extend_from_slice(rest);
    })
}

impl Sketch {
    pub fn new(key: &str) -> Sketch {
        let mut data = Vec::new();
        write_sketch(key, &mut data);
        Sketch { data: data.into_boxed_slice() }
    }

    /// The sketch's words, borrowed.
    #[inline]
    pub fn view(&self) -> SketchView<'_> {
        SketchView { data: &self.data }
    }
}

/// Something that is or holds a sketch (a [`Sketch`], a view of one, a
/// reference to either).
pub(crate) trait AsSketch {
    /// The sketch, borrowed.
    fn sketch(&self) -> SketchView<'_>;
}

impl AsSketch for Sketch {
    fn sketch(&self) -> SketchView<'_> {
        self.view()
    }
}

impl AsSketch for SketchView<'_> {
    fn sketch(&self) -> SketchView<'_> {
        *self
    }
}

impl<T: AsSketch + ?Sized> AsSketch for &T {
    fn sketch(&self) -> SketchView<'_> {
        (**self).sketch()
    }
}

impl<'a> SketchView<'a> {
    /// The sketch written at word `start` of `words` (by [`write_sketch`]).
    pub(crate) fn at(words: &'a [u32], start: usize) -> SketchView<'a> {
        let head = &words[start..start + SKETCH_HEAD];
        let len = sketch_words(head[1] as usize, head[2] as usize);
        SketchView { data: &words[start..start + len] }
    }

    /// The sketch's words.
    #[cfg(test)]
    pub(crate) fn words(&self) -> &'a [u32] {
        self.data
    }

    /// The sketch's head: its counts and signature (see [`Sketch`]).
    pub(crate) fn head(&self) -> [u32; SKETCH_HEAD] {
        self.data[..SKETCH_HEAD].try_into().expect("a sketch starts with its head")
    }

    /// A view of a sketch's head alone (from [`SketchView::head`]), for
    /// [`SketchView::len`] and [`SketchView::may_reach`] only: it has no
    /// elements to read.
    pub(crate) fn of_head(head: &'a [u32; SKETCH_HEAD]) -> SketchView<'a> {
        SketchView { data: head }
    }

    /// The narrow elements, in order.
    #[inline]
    fn narrow(&self) -> &'a [u16] {
        let n = self.data[1] as usize;
        &bytemuck::cast_slice::<u32, u16>(&self.data[SKETCH_HEAD..SKETCH_HEAD + n.div_ceil(2)])[..n]
    }

    /// The other elements, in order.
    #[inline]
    fn rest(&self) -> &'a [u32] {
        &self.data[self.data.len() - self.data[2] as usize..]
    }

    /// The profile ([`profile`]).
    #[inline]
    pub fn profile(&self) -> Profile<'a> {
        Profile { narrow: Narrow::Packed(self.narrow()), rest: self.rest() }
    }

    /// How many elements the profile has.
    #[inline]
    pub fn len(&self) -> usize {
        (self.data[1] + self.data[2]) as usize
    }

    /// The signature's words.
    #[inline]
    fn bits(&self) -> &'a [u32] {
        &self.data[4..SKETCH_HEAD]
    }

    /// How many of the signature's bits are set.
    #[inline]
    fn ones(&self) -> u32 {
        self.data[0]
    }

    /// The profile's elements up to its letter pairs, in order: its units
    /// (characters, words) and their bigrams.
    pub fn without_letter_pairs(&self) -> impl Iterator<Item = u32> + 'a {
        let rest = &self.rest()[..self.data[3] as usize];
        self.narrow().iter().map(|&x| u32::from(x)).chain(rest.iter().copied())
    }

    /// How many elements [`SketchView::without_letter_pairs`] gives.
    pub fn without_letter_pairs_len(&self) -> usize {
        (self.data[1] + self.data[3]) as usize
    }

    /// Could Dice of the two profiles reach `tau`? The signatures share at
    /// least as many bits as the profiles share elements (up to
    /// collisions), so a low share of common bits rules a pair out.
    pub fn may_reach(&self, other: &SketchView, tau: f32) -> bool {
        let common: u32 = self.bits().iter().zip(other.bits()).map(|(a, b)| (a & b).count_ones()).sum();
        // Saturated signatures (long keys) say nothing; short ones are
        // judged on the bits, with room for elements that collide.
        2.0 * common as f32 >= 0.7 * tau * (self.ones() + other.ones()) as f32
    }

    /// Dice of the two profiles when it is at least `tau`: the merge stops
    /// as soon as the elements left could no longer bring it there (most
    /// candidates of a move search are not alike), and the value is
    /// otherwise exactly [`dice`]'s.
    pub fn dice_at_least(&self, other: &SketchView, tau: f32) -> Option<f32> {
        let total = (self.len() + other.len()) as f32;
        if self.len() == 0 && other.len() == 0 {
            return Some(1.0).filter(|&d| d >= tau);
        }
        let (mut n, mut steps) = (0, 0u32);
        // The narrow parts, then the rest; every 32 steps: could what is
        // left still reach tau? (When it cannot, the answer is None
        // whenever it is asked.)
        let rest_room = self.rest().len().min(other.rest().len());
        // (The same comparison as the answer's: a bound at least the
        // answer's count passes whenever the answer does.)
        let reaches = |n: usize| 2.0 * n as f32 / total >= tau;
        if !merge_while_reachable(self.narrow(), other.narrow(), &mut n, &mut steps, |n| reaches(n + rest_room)) {
            return None;
        }
        if !merge_while_reachable(self.rest(), other.rest(), &mut n, &mut steps, reaches) {
            return None;
        }
        Some(2.0 * n as f32 / total).filter(|&d| d >= tau)
    }
}

/// The merge of [`shared`], adding to `n`, checked every 32 `steps` with
/// `reachable` (given what is shared plus what could still be): false as
/// soon as it says no.
#[inline(always)]
fn merge_while_reachable<A: Copy + Into<u32>, B: Copy + Into<u32>>(
    a: &[A],
    b: &[B],
    n: &mut usize,
    steps: &mut u32,
    reachable: impl Fn(usize) -> bool,
) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if steps.is_multiple_of(32) && !reachable(*n + (a.len() - i).min(b.len() - j)) {
            return false;
        }
        *steps += 1;
        merge_step(a, b, &mut i, &mut j, n);
    }
    true
}

/// Lists whose every pair is compared (old × new items); longer ones are
/// paired within a window around the diagonal.
const PAIR_FULL: usize = 40_000;
/// Lists with at least this many pairs have them compared on the pool.
const PAIR_PARALLEL: usize = 2_048;
/// Half-width of that window, in items.
const PAIR_WINDOW: usize = 16;

/// Pair the items of two lists of keys in order, each with its most alike
/// counterpart (Dice at least `threshold`): a dynamic program that
/// maximises the similarity gained above the threshold, weighted by length
/// (for long lists, a greedy pass within a window around the diagonal).
/// Returns, in order, `(Some(i), Some(j))` for a pair and `(Some(i), None)`
/// / `(None, Some(j))` for an item left alone.
pub(crate) fn pair_alike(old: &[&str], new: &[&str], threshold: f32) -> Vec<(Option<usize>, Option<usize>)> {
    let po: Vec<Sketch> = old.iter().map(|k| Sketch::new(k)).collect();
    let pn: Vec<Sketch> = new.iter().map(|k| Sketch::new(k)).collect();
    pair_alike_sketches(&po, &pn, threshold)
}

/// [`pair_alike`] on sketches made already.
pub(crate) fn pair_alike_sketches<S: AsSketch + Sync>(
    po: &[S],
    pn: &[S],
    threshold: f32,
) -> Vec<(Option<usize>, Option<usize>)> {
    let (m, n) = (po.len(), pn.len());
    let tau = threshold.clamp(0.0, 0.99);
    // Dice can reach the threshold only if the lengths and signatures allow it.
    let alike = |i: usize, j: usize| -> Option<f32> {
        let (a, b) = (po[i].sketch(), pn[j].sketch());
        let (x, y) = (a.len(), b.len());
        if 2.0 * (x.min(y) as f32) < tau * (x + y) as f32 || !a.may_reach(&b, tau) {
            return None;
        }
        a.dice_at_least(&b, tau)
    };
    if m.saturating_mul(n) > PAIR_FULL {
        return pair_in_window(m, n, alike);
    }
    // Every pair's similarity (the program below asks for each once), on
    // the pool when there are many: a run of hundreds of long sentences
    // against dozens is tens of thousands of profile merges.
    let table: Vec<Option<f32>> = if m * n >= PAIR_PARALLEL {
        use rayon::prelude::*;
        (0..m * n).into_par_iter().with_min_len(256).map(|c| alike(c / n, c % n)).collect()
    } else {
        (0..m * n).map(|c| alike(c / n, c % n)).collect()
    };
    let alike = |i: usize, j: usize| table[i * n + j];
    let w = n + 1;
    let mut score = vec![0f32; (m + 1) * w];
    // 0: from the left (new alone), 1: from above (old alone), 2: pair.
    let mut step = vec![0u8; (m + 1) * w];
    for i in 0..=m {
        for j in 0..=n {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = (f32::NEG_INFINITY, 0u8);
            if j > 0 {
                best = (score[i * w + j - 1], 0);
            }
            if i > 0 && score[(i - 1) * w + j] > best.0 {
                best = (score[(i - 1) * w + j], 1);
            }
            if i > 0 && j > 0 {
                if let Some(d) = alike(i - 1, j - 1) {
                    let weight = (po[i - 1].sketch().len() + pn[j - 1].sketch().len()).max(1) as f32;
                    let gain = weight * (d - tau + 0.01);
                    if score[(i - 1) * w + j - 1] + gain > best.0 {
                        best = (score[(i - 1) * w + j - 1] + gain, 2);
                    }
                }
            }
            score[i * w + j] = best.0;
            step[i * w + j] = best.1;
        }
    }
    let mut out = Vec::with_capacity(m + n);
    let (mut i, mut j) = (m, n);
    while i > 0 || j > 0 {
        match step[i * w + j] {
            2 => {
                out.push((Some(i - 1), Some(j - 1)));
                i -= 1;
                j -= 1;
            }
            1 => {
                out.push((Some(i - 1), None));
                i -= 1;
            }
            _ => {
                out.push((None, Some(j - 1)));
                j -= 1;
            }
        }
    }
    out.reverse();
    out
}

/// [`pair_alike`] for long lists: each new item, in order, is paired with
/// its most alike old item after the last one paired, within a window
/// around the diagonal.
fn pair_in_window(
    m: usize,
    n: usize,
    alike: impl Fn(usize, usize) -> Option<f32>,
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = Vec::with_capacity(m + n);
    let mut next_old = 0;
    for j in 0..n {
        let center = j * m / n.max(1);
        let (lo, hi) = (next_old.max(center.saturating_sub(PAIR_WINDOW)), (center + PAIR_WINDOW).min(m));
        let best =
            (lo..hi).filter_map(|i| alike(i, j).map(|d| (i, d))).fold(None, |b: Option<(usize, f32)>, (i, d)| {
                if b.is_none_or(|(_, bd)| d > bd) {
                    Some((i, d))
                } else {
                    b
                }
            });
        if let Some((i, _)) = best {
            out.extend((next_old..i).map(|k| (Some(k), None)));
            out.push((Some(i), Some(j)));
            next_old = i + 1;
        } else {
            out.push((None, Some(j)));
        }
    }
    out.extend((next_old..m).map(|k| (Some(k), None)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alike_items_are_paired_in_order_the_rest_stand_alone() {
        let old = ["为各国企业在华投资兴业提供服务。", "今天天气很好。"];
        let new = ["我们讨论互联网治理。", "为各国企业在中国投资兴业提供服务。"];
        assert_eq!(pair_alike(&old, &new, 0.5), [(None, Some(0)), (Some(0), Some(1)), (Some(1), None)]);
        assert_eq!(pair_alike(&[], &["a"], 0.5), [(None, Some(0))]);
        assert!(pair_alike(&[], &[], 0.5).is_empty());
    }

    #[test]
    fn long_lists_are_paired_near_the_diagonal() {
        let old: Vec<String> = (0..400).map(|i| format!("第{i}句讲的是苹果和梨子的故事。")).collect();
        let mut new: Vec<String> = (0..400).map(|i| format!("第{i}句讲的是苹果和桃子的故事。")).collect();
        new.insert(100, "完全不同的一句话出现在这里。".to_string());
        let (o, n): (Vec<&str>, Vec<&str>) =
            (old.iter().map(|s| s.as_str()).collect(), new.iter().map(|s| s.as_str()).collect());
        let pairs = pair_alike(&o, &n, 0.5);
        let paired = pairs.iter().filter(|p| p.0.is_some() && p.1.is_some()).count();
        assert_eq!(paired, 400);
        assert!(pairs.contains(&(None, Some(100))));
    }

    /// Keys with narrow units (Han characters, marks), units past the
    /// Basic Multilingual Plane, words and letter pairs, with odd and even
    /// counts of each.
    const KEYS: [&str; 9] = [
        "",
        "为各国企业在华投资兴业提供服务。",
        "为各国企业在中国投资兴业提供服务",
        "𠀀𠀁是𠀂的",
        "countries should step up communication",
        "Countries, should start up communications 𠀀中",
        "a",
        "中",
        "中文 English 混合 text 123 𠀁",
    ];

    #[test]
    fn a_sketch_keeps_its_profile_in_two_parts() {
        for key in KEYS {
            let p = profile(key);
            let sketch = Sketch::new(key);
            let v = sketch.view();
            assert_eq!(v.len(), p.len(), "{key}");
            let narrow = p.iter().filter(|&&x| x < NARROW).count();
            assert_eq!((v.narrow().len(), v.rest().len()), (narrow, p.len() - narrow), "{key}");
            let whole: Vec<u32> = v.narrow().iter().map(|&x| u32::from(x)).chain(v.rest().iter().copied()).collect();
            assert_eq!(whole, p, "{key}");
            let units: Vec<u32> = p.iter().copied().filter(|&x| !is_letter_pair(x)).collect();
            assert_eq!(v.without_letter_pairs().collect::<Vec<_>>(), units, "{key}");
            assert_eq!(v.without_letter_pairs_len(), units.len(), "{key}");
            // Its head alone has its length and signature.
            let head = v.head();
            assert_eq!(SketchView::of_head(&head).len(), p.len(), "{key}");
            assert!(v.may_reach(&SketchView::of_head(&head), 1.0), "{key}");
            // Written into a list after another, it reads the same.
            let mut list = Vec::new();
            write_sketch("前面的句子。", &mut list);
            let at = list.len();
            write_sketch(key, &mut list);
            assert_eq!(SketchView::at(&list, at).words(), v.words(), "{key}");
        }
    }

    #[test]
    fn dice_of_sketches_is_dice_of_profiles() {
        for a in KEYS {
            for b in KEYS {
                let (pa, pb) = (profile(a), profile(b));
                let d = dice(Profile::of(&pa), Profile::of(&pb));
                // The plain merge, element by element.
                let (mut i, mut j, mut n) = (0, 0, 0);
                while i < pa.len() && j < pb.len() {
                    merge_step(&pa, &pb, &mut i, &mut j, &mut n);
                }
                let plain =
                    if pa.is_empty() && pb.is_empty() { 1.0 } else { 2.0 * n as f32 / (pa.len() + pb.len()) as f32 };
                assert_eq!(d, plain, "{a} / {b}");
                let (sa, sb) = (Sketch::new(a), Sketch::new(b));
                assert_eq!(dice(sa.view().profile(), sb.view().profile()), d, "{a} / {b}");
                for tau in [0.0, 0.2, 0.5, 0.7, 0.9, 1.0] {
                    let expected = Some(d).filter(|&d| d >= tau);
                    assert_eq!(sa.view().dice_at_least(&sb.view(), tau), expected, "{a} / {b} at {tau}");
                }
            }
        }
    }

    fn sim(a: &str, b: &str) -> f32 {
        dice(Profile::of(&profile(a)), Profile::of(&profile(b)))
    }

    #[test]
    fn one_changed_word_keeps_a_sentence_similar() {
        assert!(sim("为各国企业在华投资兴业提供服务。", "为各国企业在中国投资兴业提供服务。") > 0.7);
        assert!(sim("123456", "123457x") >= 0.5);
        assert!(sim("countries should step up communication", "countries should start up communications") > 0.5);
    }

    #[test]
    fn unrelated_sentences_are_not_similar() {
        assert!(sim("今天天气很好。", "我们讨论互联网治理。") < 0.3);
        assert!(sim("the weather is fine today", "we discussed internet governance") < 0.3);
        assert_eq!(sim("", ""), 1.0);
    }
}
