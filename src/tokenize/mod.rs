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
//! character trie (4-byte node records in breadth-first order, labelled by
//! each character's rank among the word list's 12,045 characters, 2 MB,
//! and where each node's children start, 0.2 MB, embedded in the binary
//! and read in place; a table of ranks by code point, 80 KB, whose first
//! ranks are the root's children; nothing is built at run time), and
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

    /// One little-endian `u32` record per node (see `build.rs`): the rank
    /// of the character leading to the node, 1 + the index in [`FREQS`] of
    /// the frequency of the word ending there (0 if none does), and how
    /// many children it has ([`ESCAPED`]: that many or more).
    static TRIE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dict_trie.bin"));
    const _: () = assert!(include_bytes!(concat!(env!("OUT_DIR"), "/dict_trie.bin")).len() == 4 * NODES);

    /// Where children start (see `build.rs`): little-endian `u32`s, the
    /// first child of each node up to `ROOTS + 1`, then of each block's
    /// first node, then the escaped nodes and their counts of children.
    static FIRSTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dict_firsts.bin"));
    const _: () = assert!(
        include_bytes!(concat!(env!("OUT_DIR"), "/dict_firsts.bin")).len() == 4 * (ROOTS + 2 + BLOCKS + 2 * ESCAPES)
    );

    /// Node `n`'s record.
    #[inline(always)]
    fn record(n: usize) -> u32 {
        let b = &TRIE[4 * n..4 * n + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The `i`-th number of [`FIRSTS`].
    #[inline(always)]
    fn firsts(i: usize) -> u32 {
        let b = &FIRSTS[4 * i..4 * i + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The rank of the character on the edge into node `n`.
    #[inline(always)]
    fn label(n: usize) -> Rank {
        (record(n) & ((1 << LABEL_BITS) - 1)) as Rank
    }

    /// 1 + the index in [`FREQS`] of the frequency of the word ending at
    /// node `n`, or 0.
    #[inline(always)]
    fn freq_slot(n: usize) -> u32 {
        (record(n) >> LABEL_BITS) & ((1 << FREQ_BITS) - 1)
    }

    /// How many children node `n` has, if fewer than [`ESCAPED`];
    /// [`ESCAPED`] otherwise.
    #[inline(always)]
    fn count_field(n: usize) -> u32 {
        record(n) >> (LABEL_BITS + FREQ_BITS)
    }

    /// How many children node `n` (deeper than the root's children) has.
    #[inline]
    fn count(n: usize) -> u32 {
        match count_field(n) {
            ESCAPED => {
                let base = ROOTS + 2 + BLOCKS;
                let (mut lo, mut hi) = (0, ESCAPES);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    match (firsts(base + mid) as usize).cmp(&n) {
                        std::cmp::Ordering::Less => lo = mid + 1,
                        std::cmp::Ordering::Greater => hi = mid,
                        std::cmp::Ordering::Equal => return firsts(base + ESCAPES + mid),
                    }
                }
                unreachable!("node {n} is escaped but not listed")
            }
            c => c,
        }
    }

    /// Node `n`'s children: the root's and its children's from the first
    /// table; a deeper node's from its block's first child and the
    /// children of the nodes before it in the block.
    #[inline]
    fn children(n: usize) -> std::ops::Range<u32> {
        if n <= ROOTS {
            return firsts(n)..firsts(n + 1);
        }
        let c = count(n);
        if c == 0 {
            return 0..0;
        }
        let i = n - (ROOTS + 1);
        let start = ROOTS + 1 + i / BLOCK * BLOCK;
        let first = (start..n).fold(firsts(ROOTS + 2 + i / BLOCK), |f, m| f + count(m));
        first..first + c
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

    /// The child of node `n` on rank `r`.
    #[inline]
    pub fn child(n: u32, r: Rank) -> Option<u32> {
        if n == 0 {
            return start(r);
        }
        let std::ops::Range { start: mut lo, end: mut hi } = children(n as usize);
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

    /// Node `n`'s children, for the tests.
    #[cfg(test)]
    pub fn children_of(n: u32) -> std::ops::Range<u32> {
        children(n as usize)
    }

    /// Node `n`'s label, for the tests.
    #[cfg(test)]
    pub fn label_of(n: u32) -> Rank {
        label(n as usize)
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
            for data in [TRIE, FIRSTS, RANKS] {
                // SAFETY: compiled into the executable's read-only data,
                // never written, and mapped from a file (just checked).
                unsafe { crate::prefault::let_go(data) };
            }
        }
    }

    /// Are the dictionary's three tables mapped from a file?
    pub fn mapped_from_a_file() -> bool {
        crate::prefault::mapped_from_a_file(&[TRIE, FIRSTS, RANKS])
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
/// resident (2.2 MB). Once the inline diffs are made no step of a
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
            // The step to the first character is by its rank.
            let next = if end - idx == 1 { dict::start(r) } else { dict::child(node, r) };
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
    fn each_node_finds_its_children() {
        // The children of the nodes in order are consecutive ranges
        // covering every node but the root, each in increasing rank (the
        // blocks' sums and the escapes give the same ranges as the first
        // table would); the root's are its first characters.
        assert_eq!(dict::children_of(0), 1..dict::ROOTS as u32 + 1);
        let mut next = 1;
        let mut escaped = 0;
        for n in 0..dict::NODES as u32 {
            let range = dict::children_of(n);
            if !range.is_empty() {
                assert_eq!(range.start, next, "node {n}");
            }
            assert!(range.clone().zip(range.clone().skip(1)).all(|(a, b)| dict::label_of(a) < dict::label_of(b)));
            escaped += usize::from(n as usize > dict::ROOTS && range.len() >= dict::ESCAPED as usize);
            next = next.max(range.end);
        }
        assert_eq!(next, dict::NODES as u32);
        assert_eq!(escaped, dict::ESCAPES);
        const { assert!(dict::ESCAPES > 0 && dict::BLOCKS > 1000) };
        // Characters that follow no first character are not found.
        assert_eq!(child(0, '中').and_then(|n| child(n, 'x')), None);
        // Each of the word list's characters has a rank of its own.
        let mut ranks: Vec<u16> = ('\0'..='\u{FFFF}').filter_map(dict::rank).collect();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks, (0..dict::CHARS as u16).collect::<Vec<_>>());
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
