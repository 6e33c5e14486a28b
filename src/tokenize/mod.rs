//! Word tokens for the inline diff.
//!
//! A character diff of two Chinese sentences is confetti (`在[-华-]{+中+}…`
//! lines up the wrong characters as often as the right ones), and a
//! whitespace tokeniser sees a whole Chinese clause as one "word". tvdiff
//! cuts Han text into dictionary words as jieba does (so `在华投资兴业` is
//! `在|华|投资|兴业` and `在中国投资兴业` is `在|中国|投资|兴业`) and Latin
//! text into words, numbers, spaces and single punctuation marks.
//!
//! # jieba's cut on a dictionary compiled into the binary
//!
//! jieba's dictionary has 349,000 words; loading them into `jieba-rs`
//! costs ~150 ms and ~35 MB, which would dominate a comparison of two
//! near-identical files. So `build.rs` compiles the word list into a static
//! character trie (6-byte node records in breadth-first order, labelled by
//! each character's rank among the word list's 12,045 characters, 3 MB,
//! embedded in the binary and read in place; a table of ranks by code
//! point, 80 KB, whose first ranks are the root's children; each first
//! character has a small hash index of its children, 0.75 MB in all, so
//! that the step to a word's second character is one probe, not a binary
//! search among hundreds; nothing is built at run time), and
//! [`cut_han_into`] runs jieba's own algorithm for a cut without the HMM on
//! it:
//!
//! 1. every dictionary word that starts at each character is found by
//!    walking the trie from there (jieba's DAG; a character where no word
//!    starts stands alone with frequency 1);
//! 2. from the end of the text back, each character takes the word that
//!    maximises `ln(freq) − ln(total) + best(after the word)`, a tie going
//!    to the longer word (jieba's `calc`), with jieba's arithmetic in the
//!    same order, so the route is the same to the last bit;
//! 3. the words of the route are the cut.
//!
//! Characters that jieba does not count as Han (`〇`, `々`, the iteration
//! marks, Unicode's newest extensions) cut a run into separate blocks and
//! are words of their own, as in jieba. A test compares the cut with
//! `jieba-rs` loaded with the whole word list on every sentence of the
//! Chinese samples and on text made to be hard (rare characters, long
//! runs, characters from every block).
//!
//! The segmenter has no state: nothing is loaded per comparison, threads
//! cut at once without locks, and the cost is one trie walk per character
//! (a previous design fed the words found to an empty `jieba-rs` under a
//! lock and walked both tries; on 1 MB with every sentence changed that was
//! 45 ms of two cores).
//!
//! The word list (`dict.txt`, word and frequency per line) is jieba's
//! dictionary (MIT licence); `build.rs` reads it as `Jieba::with_dict`
//! would (the last line of a repeated word wins).

use crate::chars::{is_han, is_punct, is_word_char};
use std::ops::Range;

/// The dictionary compiled by `build.rs`: a character trie with its nodes
/// numbered breadth-first (node 0 is the root; a node's children have
/// consecutive numbers, in increasing rank), labelled by the ranks of the
/// characters (see `build.rs`).
mod dict {
    include!(concat!(env!("OUT_DIR"), "/dict_trie.rs"));

    /// A character's rank (see `build.rs`).
    pub type Rank = u16;

    /// Each character's rank, a little-endian `u16` per code point up to
    /// [`TOP_CHAR`] (`0xFFFF`: none).
    static RANKS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dict_ranks.bin"));
    const _: () = assert!(include_bytes!(concat!(env!("OUT_DIR"), "/dict_ranks.bin")).len() == 2 * (TOP_CHAR + 1));

    /// One 6-byte record per node and one more at the end, then two zero
    /// bytes (see `build.rs`): `first`, so that node `n`'s children are
    /// `first(n)..first(n + 1)`; the rank of the character leading to the
    /// node; and 1 + the index in [`FREQS`] of the frequency of the word
    /// ending there (0 if none does).
    static TRIE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dict_trie.bin"));
    const _: () = assert!(include_bytes!(concat!(env!("OUT_DIR"), "/dict_trie.bin")).len() == 6 * (NODES + 1) + 2);

    /// Node `n`'s record, in the low 48 bits.
    #[inline(always)]
    fn record(n: usize) -> u64 {
        let b = &TRIE[6 * n..6 * n + 8];
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    /// Node `n`'s first child.
    #[inline(always)]
    fn first(n: usize) -> u32 {
        (record(n) & ((1 << FIRST_BITS) - 1)) as u32
    }

    /// The rank of the character on the edge into node `n`.
    #[inline(always)]
    fn label(n: usize) -> Rank {
        ((record(n) >> FIRST_BITS) & ((1 << LABEL_BITS) - 1)) as Rank
    }

    /// 1 + the index in [`FREQS`] of the frequency of the word ending at
    /// node `n`, or 0.
    #[inline(always)]
    fn freq_slot(n: usize) -> u32 {
        (record(n) >> (FIRST_BITS + LABEL_BITS)) as u32 & ((1 << FREQ_BITS) - 1)
    }

    /// The rank of `c`, if a word has it.
    #[inline]
    pub fn rank(c: char) -> Option<Rank> {
        let i = 2 * (c as usize);
        let b = RANKS.get(i..i + 2)?;
        Some(u16::from_le_bytes([b[0], b[1]])).filter(|&r| r != u16::MAX)
    }

    /// The root's child on the character of rank `r`: node `1 + r`, if
    /// that character starts a word (the root's children are those
    /// characters, in rank order).
    #[inline]
    pub fn start(r: Rank) -> Option<u32> {
        ((r as usize) < ROOTS).then_some(u32::from(r) + 1)
    }

    /// The second-level indexes (see `build.rs`): `ROOTS` little-endian
    /// `u32` heads, then `INDEX_SLOTS` little-endian `u16` slots.
    static INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dict_index.bin"));
    const _: () =
        assert!(include_bytes!(concat!(env!("OUT_DIR"), "/dict_index.bin")).len() == 4 * ROOTS + 2 * INDEX_SLOTS);

    #[inline(always)]
    fn head(i: usize) -> u32 {
        let b = &INDEX[4 * i..4 * i + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    #[inline(always)]
    fn slot(i: usize) -> u16 {
        let b = &INDEX[4 * ROOTS + 2 * i..4 * ROOTS + 2 * i + 2];
        u16::from_le_bytes([b[0], b[1]])
    }

    /// The child on rank `r` of node `n`, a child of the root: [`child`],
    /// in one probe of `n`'s index rather than a binary search of its
    /// children.
    #[inline]
    pub fn second(n: u32, r: Rank) -> Option<u32> {
        let head = head((n as usize).checked_sub(1).filter(|&i| i < ROOTS)?);
        let (start, size) = ((head >> 11) as usize, (head & 0x7FF) as usize);
        if size == 0 {
            return None;
        }
        let h = u32::from(r).wrapping_mul(INDEX_MUL);
        let tag = (h & 15) as u16;
        let first = first(n as usize);
        let mut i = ((u64::from(h) * size as u64) >> 32) as usize;
        loop {
            let s = slot(start + i);
            if s == 0 {
                return None;
            }
            if s & 15 == tag {
                let child = first + u32::from(s >> 4) - 1;
                if label(child as usize) == r {
                    return Some(child);
                }
            }
            i = if i + 1 == size { 0 } else { i + 1 };
        }
    }

    /// The child of node `n` on rank `r`.
    #[inline]
    pub fn child(n: u32, r: Rank) -> Option<u32> {
        if n == 0 {
            return start(r);
        }
        let (mut lo, mut hi) = (first(n as usize), first(n as usize + 1));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match label(mid as usize).cmp(&r) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The frequency of the word ending at node `n`, if one does.
    #[cfg(test)]
    pub fn freq(n: u32) -> Option<u32> {
        freq_slot(n as usize).checked_sub(1).map(|i| FREQS[i as usize])
    }

    /// Let the kernel take back the dictionary's resident pages (see
    /// [`super::let_go_of_dictionary`]), when they are mapped from a file
    /// (asked once: an executable unpacked at run time has its data in
    /// anonymous memory, which letting go would zero).
    pub fn let_go() {
        static FROM_A_FILE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        if *FROM_A_FILE.get_or_init(mapped_from_a_file) {
            for data in [TRIE, INDEX, RANKS] {
                // SAFETY: compiled into the executable's read-only data,
                // never written, and mapped from a file (just checked).
                unsafe { crate::prefault::let_go(data) };
            }
        }
    }

    /// Are the dictionary's three tables mapped from a file?
    pub fn mapped_from_a_file() -> bool {
        crate::prefault::mapped_from_a_file(&[TRIE, INDEX, RANKS])
    }

    /// `ln` of the frequency of the word ending at node `n`, if one does:
    /// `(freq as f64).ln()`, as jieba computes it, taken once per distinct
    /// frequency.
    #[inline]
    pub fn log_freq(n: u32) -> Option<f64> {
        static LOGS: std::sync::OnceLock<Box<[f64]>> = std::sync::OnceLock::new();
        let i = freq_slot(n as usize).checked_sub(1)?;
        let logs = LOGS.get_or_init(|| FREQS.iter().map(|&f| (f as f64).ln()).collect());
        Some(logs[i as usize])
    }
}

/// The dictionary is read in place from the executable, and the kernel
/// maps an executable's pages 64 KB around each one read, so the few
/// hundred look-ups of a handful of changed sentences make all of it
/// resident (3.7 MB). Once the inline diffs are made no step of a
/// comparison reads it: this lets the kernel take its pages back (they
/// stay in the page cache; a later cut maps them again, as the first one
/// did), so the report and what comes after are not made on top of them.
pub(crate) fn let_go_of_dictionary() {
    // (Only after a cut: a comparison that cut no Han text has nothing
    // of the dictionary resident.)
    if CUT.swap(false, std::sync::atomic::Ordering::Relaxed) {
        dict::let_go();
    }
}

/// Has a cut read the dictionary since it was last let go of? (Only a
/// hint: a cut on another thread may set it just before a let-go clears
/// it, and then the pages it maps again stay until the next let-go.)
static CUT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Does jieba count `c` as Han (its `RE_HAN` without the ASCII part)? A
/// few characters tvdiff counts as Han are not (`〇`, `々`, the newest
/// extensions): jieba leaves them out of its blocks, each a word of its
/// own.
#[inline]
fn jieba_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2EBEF
        | 0x2F800..=0x2FA1F)
}

/// Cut a run of Han characters into dictionary words, as jieba cuts it
/// with its whole dictionary and no HMM (see the module docs); the words
/// are ranges of indices into `run`, in order, covering it.
#[cfg(test)]
pub(crate) fn cut_han(run: &[char]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(run.len());
    cut_han_into(run, 0, &mut |r| out.push(r));
    out
}

thread_local! {
    /// This thread's buffer for jieba's route (see [`cut_block`]), kept
    /// from cut to cut: an inline diff cuts thousands of short clauses.
    static ROUTE: std::cell::RefCell<Route> = const { std::cell::RefCell::new(Route { best: Vec::new(), ranks: Vec::new() }) };
}

/// [`cut_block`]'s buffers: jieba's route, and the block's characters as
/// dictionary ranks.
struct Route {
    best: Vec<(f64, usize)>,
    ranks: Vec<dict::Rank>,
}

/// The rank [`Route::ranks`] holds for a character in no word.
const NO_RANK: dict::Rank = dict::Rank::MAX;

/// Cut a run of Han characters into dictionary words, as jieba cuts it
/// with its whole dictionary and no HMM (see the module docs), handing
/// each word to `emit` in order as a range of indices into `run` offset
/// by `base`.
fn cut_han_into(run: &[char], base: usize, emit: &mut impl FnMut(Range<usize>)) {
    ROUTE.with_borrow_mut(|route| {
        let mut i = 0;
        while i < run.len() {
            if !jieba_han(run[i]) {
                emit(base + i..base + i + 1);
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < run.len() && jieba_han(run[j]) {
                j += 1;
            }
            cut_block(&run[i..j], base + i, route, emit);
            i = j;
        }
        // A long run's route is not kept.
        if route.best.capacity() > ROUTE_KEEP {
            *route = Route { best: Vec::new(), ranks: Vec::new() };
        }
    });
}

/// Route buffers longer than this are let go after use.
const ROUTE_KEEP: usize = 1 << 12;

/// Steps 1–3 of the module docs on one block of jieba's Han characters
/// (`base`: the block's index in the text, added to the words' ranges).
fn cut_block(block: &[char], base: usize, route: &mut Route, emit: &mut impl FnMut(Range<usize>)) {
    if !CUT.load(std::sync::atomic::Ordering::Relaxed) {
        CUT.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let n = block.len();
    let log_total = (dict::TOTAL as f64).ln();
    // ln(1) − ln(total): a character no word starts at.
    let log_one = 0.0f64 - log_total;
    // Each character's rank, looked up once (a walk reads several).
    let Route { best: route, ranks } = route;
    ranks.clear();
    ranks.extend(block.iter().map(|&c| dict::rank(c).unwrap_or(NO_RANK)));
    route.clear();
    route.resize(n + 1, (0.0, n));
    for idx in (0..n).rev() {
        // The best word starting at idx, over every dictionary word there
        // (the trie walk), ties to the longer one.
        let mut best: Option<(f64, usize)> = None;
        let mut node = 0;
        for (end, &r) in (idx + 1..=n).zip(&ranks[idx..]) {
            if r == NO_RANK {
                break;
            }
            // The step to the first character is by its rank, to the
            // second by the first's index.
            let next = match end - idx {
                1 => dict::start(r),
                2 => dict::second(node, r),
                _ => dict::child(node, r),
            };
            let Some(next) = next else { break };
            node = next;
            if let Some(log_freq) = dict::log_freq(node) {
                let prob = log_freq - log_total + route[end].0;
                if best.is_none_or(|(p, e)| prob > p || (prob == p && end > e)) {
                    best = Some((prob, end));
                }
            }
        }
        route[idx] = best.unwrap_or((log_one + route[idx + 1].0, idx + 1));
    }
    let mut x = 0;
    while x < n {
        let y = route[x].1;
        emit(base + x..base + y);
        x = y;
    }
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A Chinese word (one or more Han characters).
    Han,
    /// A word of letters or digits in another script.
    Word,
    /// A single space.
    Space,
    /// A single punctuation mark.
    Punct,
    /// Anything else (emoji, symbols of other scripts), one character.
    Other,
}

/// A token: a range of character indices into the tokenised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Character indices.
    pub range: Range<usize>,
    /// Kind.
    pub kind: TokenKind,
}

/// Cut key characters into tokens: Han runs into dictionary words,
/// letters and digits into words (`6.7`, `1,300` and `10:30` are one),
/// each space and mark on its own.
pub fn tokenize(chars: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_beside(chars, None, &mut out);
    out
}

/// [`tokenize`] into `out` (cleared first), with the tokens of another
/// text at hand (`beside`: its characters and their tokens): a Han run of
/// `chars` that is also a whole run of the other text, at the same place
/// from the start or from the end, takes its words from there instead of
/// being cut again. The cut of a run depends on nothing but the run, so
/// the tokens are the same as [`tokenize`]'s; an inline diff cuts the two
/// sides of a changed window, whose runs other than the changed ones are
/// alike.
pub(crate) fn tokenize_beside(chars: &[char], beside: Option<(&[char], &[Token])>, out: &mut Vec<Token>) {
    // At most one token per character: reserved at once, not grown.
    out.clear();
    out.reserve(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let mut j = i + 1;
            while j < chars.len() && is_han(chars[j]) {
                j += 1;
            }
            match beside.and_then(|(other, tokens)| same_run(&chars[i..j], i, chars.len(), other, tokens)) {
                Some((words, shift)) => out.extend(words.iter().map(|t| Token {
                    range: t.range.start + i - shift..t.range.end + i - shift,
                    kind: TokenKind::Han,
                })),
                None => cut_han_into(&chars[i..j], i, &mut |range| out.push(Token { range, kind: TokenKind::Han })),
            }
            i = j;
        } else if is_word_char(c) {
            let mut j = i + 1;
            loop {
                while j < chars.len() && is_word_char(chars[j]) && !is_han(chars[j]) {
                    j += 1;
                }
                // Keep 6.7, 1,300 and 10:30 in one token.
                let joins = j + 1 < chars.len()
                    && matches!(chars[j], '.' | ',' | ':')
                    && chars[j - 1].is_ascii_digit()
                    && chars[j + 1].is_ascii_digit();
                if joins {
                    j += 1;
                } else {
                    break;
                }
            }
            out.push(Token { range: i..j, kind: TokenKind::Word });
            i = j;
        } else {
            let kind = if c == ' ' {
                TokenKind::Space
            } else if is_punct(c) {
                TokenKind::Punct
            } else {
                TokenKind::Other
            };
            out.push(Token { range: i..i + 1, kind });
            i += 1;
        }
    }
}

/// The words of the run `run` (at `at` in a text of `len` characters) in
/// the other text (`other`, cut into `tokens`), where `run` is a whole Han
/// run of it too at `at` or at the same distance from its end: the run's
/// tokens there and the run's start in `other`.
fn same_run<'t>(
    run: &[char],
    at: usize,
    len: usize,
    other: &[char],
    tokens: &'t [Token],
) -> Option<(&'t [Token], usize)> {
    let from_end = (other.len() + at).checked_sub(len);
    let place = [Some(at), from_end.filter(|&s| s != at)].into_iter().flatten().find(|&s| {
        let e = s + run.len();
        e <= other.len()
            && other[s..e] == *run
            && (s == 0 || !is_han(other[s - 1]))
            && (e == other.len() || !is_han(other[e]))
    })?;
    let first = tokens.partition_point(|t| t.range.start < place);
    let last = first + tokens[first..].partition_point(|t| t.range.end <= place + run.len());
    Some((&tokens[first..last], place))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jieba_rs::Jieba;

    fn words(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        tokenize(&chars).iter().map(|t| chars[t.range.clone()].iter().collect()).collect()
    }

    fn cut(run: &str) -> Vec<String> {
        let chars: Vec<char> = run.chars().collect();
        cut_han(&chars).into_iter().map(|r| chars[r].iter().collect()).collect()
    }

    /// Letting go of the dictionary's pages changes nothing a cut reads:
    /// the words after it are the words before it, also when another
    /// thread lets go while this one cuts.
    #[test]
    fn letting_go_of_the_dictionary_keeps_its_words() {
        let text = "让各国人民了解中华优秀传统文化为各国企业在华投资兴业提供更好的环境";
        let before = cut(text);
        let_go_of_dictionary();
        assert_eq!(cut(text), before);
        // (A test binary's data is mapped from its file, as the
        // executable's is.)
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        assert!(dict::mapped_from_a_file(), "the dictionary would never be let go of");
        std::thread::scope(|s| {
            s.spawn(|| (0..50).for_each(|_| let_go_of_dictionary()));
            for _ in 0..50 {
                assert_eq!(cut(text), before);
            }
        });
    }

    #[test]
    fn seed_phrases_segment_into_words() {
        assert_eq!(
            words("让各国人民了解中华优秀传统文化"),
            ["让", "各国", "人民", "了解", "中华", "优秀", "传统", "文化"]
        );
        assert!(words("互联网是人类的共同家园").contains(&"的".to_string()));
        assert_eq!(words("在中国投资兴业"), ["在", "中国", "投资", "兴业"]);
    }

    /// The whole word list, for the reference segmenter.
    static DICT: &str = include_str!("dict.txt");

    /// jieba with the whole dictionary: the reference.
    fn full_jieba() -> &'static Jieba {
        static FULL: std::sync::OnceLock<Jieba> = std::sync::OnceLock::new();
        FULL.get_or_init(|| Jieba::with_dict(&mut DICT.as_bytes()).unwrap())
    }

    fn reference_cut(run: &str) -> Vec<String> {
        full_jieba().cut(run, false).into_iter().map(|t| t.word.to_string()).collect()
    }

    /// Lines and sentences of the Chinese samples.
    fn sample_sentences() -> Vec<&'static str> {
        let texts = [
            include_str!("../../samples/seed-001-xinhua-pdf-zh.txt"),
            include_str!("../../samples/seed-000-blog-en-zh.txt"),
            include_str!("../../samples/seed-003-bilingual-zh-en.txt"),
            include_str!("../../samples/sanzijing_new_edition.txt"),
            include_str!("../../samples/sanzijing_traditional_qing.txt"),
        ];
        let ends = ['\n', '。', '！', '？', '；'];
        let mut out: Vec<&str> = texts.iter().flat_map(|t| t.split(ends)).filter(|s| s.chars().any(is_han)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The maximal Han runs of `s`, as tokenize hands them to the segmenter.
    fn han_runs(s: &str) -> Vec<&str> {
        s.split(|c: char| !is_han(c)).filter(|r| !r.is_empty()).collect()
    }

    #[test]
    fn segments_like_jieba_with_the_full_dictionary() {
        let sentences = sample_sentences();
        assert!(sentences.len() > 250, "{} sentences", sentences.len());
        for run in sentences.iter().flat_map(|s| han_runs(s)) {
            assert_eq!(cut(run), reference_cut(run), "{run}");
        }
    }

    /// Runs made to be hard: dictionary words glued together so that many
    /// words overlap (every route has rivals), rare and supplementary
    /// characters, the characters jieba does not count as Han in the
    /// middle of runs, characters no word starts with.
    #[test]
    fn segments_like_jieba_on_hard_runs() {
        let words: Vec<&str> = DICT.lines().filter_map(|l| l.split(' ').next()).collect();
        let odd = ['〇', '々', '〡', '〸', '\u{3400}', '\u{20000}', '\u{2A700}', '\u{30000}', '\u{F900}', '\u{2F800}'];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        for _ in 0..3_000 {
            let mut run = String::new();
            for _ in 0..1 + next(12) {
                match next(10) {
                    0 => run.push(odd[next(odd.len())]),
                    1 => run.extend(char::from_u32(0x4E00 + next(0x5200) as u32)),
                    2 => run.extend(char::from_u32(0x3400 + next(0x19C0) as u32)),
                    _ => run.push_str(words[next(words.len())]),
                }
            }
            let run: String = run.chars().filter(|&c| is_han(c)).collect();
            if !run.is_empty() {
                assert_eq!(cut(&run), reference_cut(&run), "{run}");
            }
        }
    }

    #[test]
    fn cut_covers_the_run() {
        for run in ["中", "〇〇", "中华人民共和国万岁", "\u{30000}\u{30001}中国"] {
            let chars: Vec<char> = run.chars().collect();
            let mut at = 0;
            for r in cut_han(&chars) {
                assert_eq!(r.start, at);
                assert!(r.end > r.start);
                at = r.end;
            }
            assert_eq!(at, chars.len());
        }
        assert!(cut_han(&[]).is_empty());
    }

    /// The child of node `n` on character `c`.
    fn child(n: u32, c: char) -> Option<u32> {
        dict::child(n, dict::rank(c)?)
    }

    #[test]
    fn build_script_reads_the_dictionary_like_jieba() {
        // The total is the one jieba computes.
        let total: u64 = DICT.lines().map(|l| l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap()).sum();
        assert_eq!(dict::TOTAL, total);
        assert_eq!(dict::WORDS, DICT.lines().count());
        for line in DICT.lines() {
            let (word, freq) = line.split_once(' ').unwrap();
            let node = word.chars().try_fold(0, child).unwrap();
            let freq: u32 = freq.parse().unwrap();
            assert_eq!(dict::freq(node), Some(freq), "{word}");
            assert_eq!(dict::log_freq(node), Some((freq as f64).ln()), "{word}");
        }
        assert_eq!(child(0, 'x').and_then(|n| child(n, 'y')), None);
        assert_eq!(dict::rank('x'), None);
        assert_eq!(dict::rank('\u{10FFFF}'), None);
        assert!(dict::FREQS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_second_level_index_is_the_trie() {
        // Every child of every child of the root is found, at its node.
        let mut found = 0;
        for line in DICT.lines() {
            let mut chars = line.split(' ').next().unwrap().chars();
            if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
                let n = child(0, a).unwrap();
                let r = dict::rank(b).unwrap();
                assert_eq!(dict::second(n, r), dict::child(n, r), "{a}{b}");
                assert!(dict::second(n, r).is_some());
                found += 1;
            }
        }
        assert!(found > 100_000);
        // Characters that follow no first character are not found.
        let han: Vec<char> = ('\u{4E00}'..='\u{4F00}').chain(['x', '\u{10FFFF}', '\u{1}', '\u{20000}']).collect();
        for &a in &han {
            let Some(n) = child(0, a) else { continue };
            for &b in &han {
                let Some(r) = dict::rank(b) else { continue };
                assert_eq!(dict::second(n, r), dict::child(n, r), "{a}{b}");
            }
        }
        // Each of the word list's characters has a rank of its own.
        let mut ranks: Vec<u16> = ('\0'..='\u{FFFF}').filter_map(dict::rank).collect();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks, (0..dict::CHARS as u16).collect::<Vec<_>>());
        // Only children of the root have an index.
        assert_eq!(dict::second(0, dict::rank('中').unwrap()), None);
    }

    proptest::proptest! {
        /// Words taken from the other side of an inline diff are the words
        /// a cut of its own would give: texts made of a few clauses, the
        /// second a copy of the first with some clauses changed, moved or
        /// dropped (so runs recur at the same place from the start, from
        /// the end, both or neither, next to letters, digits and marks).
        #[test]
        fn tokens_beside_another_text_are_its_own(
            clauses in proptest::collection::vec(
                proptest::sample::select(vec!["为各国企业", "在华投资兴业", "中华", "人民", "共和国", "〇々", "abc", "6.7", "，", "。", " ", "的"]),
                0..12,
            ),
            edits in proptest::collection::vec((0usize..12, 0usize..4), 0..4),
        ) {
            let old: Vec<char> = clauses.concat().chars().collect();
            let mut changed = clauses.clone();
            for (at, what) in edits {
                if changed.is_empty() {
                    changed.push("在中国");
                    continue;
                }
                let at = at % changed.len();
                match what {
                    0 => { changed.remove(at); }
                    1 => changed.insert(at, "投资"),
                    2 => changed[at] = "在中国投资",
                    _ => { let c = changed.remove(at); changed.push(c); }
                }
            }
            let new: Vec<char> = changed.concat().chars().collect();
            let old_tokens = tokenize(&old);
            let mut beside = vec![Token { range: 0..1, kind: TokenKind::Other }];
            tokenize_beside(&new, Some((&old, &old_tokens)), &mut beside);
            proptest::prop_assert_eq!(&beside, &tokenize(&new));
            let new_tokens = tokenize(&new);
            tokenize_beside(&old, Some((&new, &new_tokens)), &mut beside);
            proptest::prop_assert_eq!(beside, old_tokens);
        }
    }

    /// A run that is only part of a run of the other text is cut on its
    /// own: `华人民共和国` after a comma is not the end of `中华人民共和国`
    /// (one word), nor is `中华人民` its start.
    #[test]
    fn tokens_beside_a_longer_run_are_cut_again() {
        let chars = |s: &str| s.chars().collect::<Vec<char>>();
        let old = chars("中华人民共和国");
        let old_tokens = tokenize(&old);
        for new in ["，华人民共和国", "中华人民，共和国", "中华人民"] {
            let new = chars(new);
            let mut beside = Vec::new();
            tokenize_beside(&new, Some((&old, &old_tokens)), &mut beside);
            assert_eq!(beside, tokenize(&new));
        }
    }

    #[test]
    fn tokens_cover_the_input() {
        let s = "Hello, 世界! 10:30 a.m. — ok";
        let chars: Vec<char> = s.chars().collect();
        let toks = tokenize(&chars);
        let mut at = 0;
        for t in &toks {
            assert_eq!(t.range.start, at);
            at = t.range.end;
        }
        assert_eq!(at, chars.len());
    }
}

#[cfg(test)]
mod examples {
    //! The examples that documented these items when they were public.

    #[test]
    fn cut_han_example() {
        let run: Vec<char> = "为各国企业在华投资兴业".chars().collect();
        let words: Vec<String> = super::cut_han(&run).into_iter().map(|r| run[r].iter().collect()).collect();
        assert_eq!(words, ["为", "各国", "企业", "在", "华", "投资", "兴业"]);
    }

    #[test]
    fn tokenize_example() {
        use crate::tokenize::tokenize;
        let chars: Vec<char> = "为各国企业在华投资兴业, step up 6.7 units".chars().collect();
        let words: Vec<String> = tokenize(&chars).iter().map(|t| chars[t.range.clone()].iter().collect()).collect();
        assert_eq!(
            words,
            ["为", "各国", "企业", "在", "华", "投资", "兴业", ",", " ", "step", " ", "up", " ", "6.7", " ", "units"]
        );
    }
}
