//! Word tokens for the inline diff.
//!
//! A character diff of two Chinese sentences is confetti (`在[-华-]{+中+}…`
//! lines up the wrong characters as often as the right ones), and a
//! whitespace tokeniser sees a whole Chinese clause as one "word". tvdiff
//! cuts Han text into dictionary words with `jieba-rs` (so `在华投资兴业`
//! is `在|华|投资|兴业` and `在中国投资兴业` is `在|中国|投资|兴业`) and
//! Latin text into words, numbers, spaces and single punctuation marks.
//!
//! # Why the dictionary is loaded word by word
//!
//! jieba's dictionary has 349,000 words; loading all of them into jieba's
//! trie costs ~150 ms and ~35 MB, which would dominate a comparison of two
//! near-identical files. Only the words that occur in the text being cut
//! can change how it is cut, so a [`WordSegmenter`] starts with an empty
//! jieba and adds words as texts arrive:
//!
//! - At build time, `build.rs` compiles the word list into a static
//!   character trie (breadth-first node arrays, embedded in the binary) and
//!   computes the dictionary's total frequency. Nothing is parsed at run
//!   time.
//! - [`WordSegmenter::for_chars`] only records which Han characters it is
//!   for and creates an empty jieba holding one placeholder word (a
//!   private-use character, which never occurs in Han text) whose frequency
//!   is the whole dictionary's total: jieba's route probabilities divide by
//!   the total, so it must be the full one.
//! - [`WordSegmenter::cut`] first walks the static trie from every character
//!   of the text, through characters the segmenter is for only, and adds
//!   each dictionary word it meets that jieba does not have yet, with its
//!   original frequency, taking the frequency off the placeholder so the
//!   total stays the same. Then jieba cuts the text.
//!
//! Every dictionary word made of the segmenter's characters that occurs in
//! the text is then in jieba with its frequency, and the total is the full
//! dictionary's, so the text is cut exactly as the full dictionary cuts it
//! (words of other characters are never used, as before; a test checks
//! this against jieba loaded with the whole word list). Words added for
//! one text stay for the next, so cutting the same sentences again only
//! costs the trie walk.
//!
//! Measured on 红楼梦 (2.6 MB) against a copy with 200 edits, whose 400
//! modified sentences have 18,000 Han characters, 1,494 distinct (2 cores
//! shared with other work, release build): the previous design, which
//! loaded every word made of the sentences' characters, kept 123,000 words
//! and took 48–77 ms to scan the 349,000 lines and fill jieba's trie
//! before the first cut, then 0.8 ms to cut the sentences. Now
//! [`WordSegmenter::for_chars`] takes 0.3 ms (collecting the characters, an
//! empty jieba), and cutting every sentence once, adding the 3,400 words
//! that occur in them, takes 2.3 ms more; cutting them again takes 1.6 ms
//! (the trie walk about doubles jieba's own work). For one short sentence
//! the segmenter costs 0.02 ms instead of 23–38 ms. The compiled trie (6
//! MB, against 4.2 MB for the word list it replaces in the binary) is
//! read in place; only a directly indexed table of the root's children on
//! BMP characters (256 KB) is built, once per process. No dictionary work
//! happens at all when no sentence has Han text.
//!
//! The word list (`dict.txt`, word and frequency per line) is jieba's
//! dictionary (MIT licence); `build.rs` reads it as `Jieba::with_dict`
//! would (the last line of a repeated word wins).

use crate::chars::{is_han, is_punct, is_word_char};
use jieba_rs::Jieba;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::RwLock;

/// The dictionary compiled by `build.rs`: a character trie with its nodes
/// numbered breadth-first (node 0 is the root; a node's children have
/// consecutive numbers, in increasing character order).
mod dict {
    include!(concat!(env!("OUT_DIR"), "/dict_trie.rs"));

    /// `first[0..=NODES]`, `label[0..NODES]`, `freq[0..NODES]`, as
    /// little-endian `u32`s: node `n`'s children are `first[n]..first[n + 1]`,
    /// `label[n]` is the character leading to it, and `freq[n]` is 1 + the
    /// frequency of the word ending there, or 0 if none does.
    static TRIE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dict_trie.bin"));

    const LABEL: usize = NODES + 1;
    const FREQ: usize = LABEL + NODES;

    #[inline(always)]
    fn at(i: usize) -> u32 {
        let b = &TRIE[4 * i..4 * i + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The child of node `n` on `c`.
    #[inline]
    pub fn child(n: u32, c: char) -> Option<u32> {
        if n == 0 && (c as usize) < 0x10000 {
            return Some(root_bmp()[c as usize]).filter(|&n| n != 0);
        }
        let (mut lo, mut hi) = (at(n as usize), at(n as usize + 1));
        let c = c as u32;
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match at(LABEL + mid as usize).cmp(&c) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The root's children on BMP characters, directly indexed (0: none),
    /// built once per process: the root has thousands of children, and
    /// every character of a text starts a walk there.
    fn root_bmp() -> &'static [u32] {
        static ROOT: std::sync::OnceLock<Box<[u32]>> = std::sync::OnceLock::new();
        ROOT.get_or_init(|| {
            let mut table = vec![0u32; 0x10000].into_boxed_slice();
            for n in at(0)..at(1) {
                if let Some(slot) = table.get_mut(at(LABEL + n as usize) as usize) {
                    *slot = n;
                }
            }
            table
        })
    }

    /// The frequency of the word ending at node `n`, if one does.
    #[inline]
    pub fn freq(n: u32) -> Option<u32> {
        at(FREQ + n as usize).checked_sub(1)
    }
}

/// Stands for the words jieba has not been given, keeping its total
/// frequency the full dictionary's. A private-use character: never Han, so
/// never looked up in Han text.
const PLACEHOLDER: &str = "\u{E000}";

/// A word segmenter for a known set of Han characters.
pub struct WordSegmenter {
    /// `None` when there are no Han characters: nothing to look up.
    words: Option<RwLock<Loaded>>,
    chars: HashSet<char>,
    /// The BMP characters of `chars`, as a bitmap for a fast test.
    bmp: Vec<u64>,
}

/// jieba and which dictionary words it has been given so far.
struct Loaded {
    jieba: Jieba,
    /// A bit per trie node: the word ending there has been added.
    added: Vec<u64>,
    /// Sum of the frequencies of the added words.
    added_total: u64,
}

impl std::fmt::Debug for WordSegmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordSegmenter").field("chars", &self.chars.len()).finish()
    }
}

impl WordSegmenter {
    /// A segmenter that can cut any text made of the Han characters in
    /// `text` (other characters are ignored here).
    pub fn for_chars(text: impl IntoIterator<Item = char>) -> WordSegmenter {
        let chars: HashSet<char> = text.into_iter().filter(|&c| is_han(c)).collect();
        if chars.is_empty() {
            return WordSegmenter { words: None, chars, bmp: Vec::new() };
        }
        let mut bmp = vec![0u64; 1024];
        for &c in &chars {
            let u = c as u32;
            if u < 0x10000 {
                bmp[(u >> 6) as usize] |= 1 << (u & 63);
            }
        }
        let mut jieba = Jieba::empty();
        jieba.add_word(PLACEHOLDER, Some(dict::TOTAL as usize), None);
        let added = vec![0u64; dict::NODES.div_ceil(64)];
        let words = Some(RwLock::new(Loaded { jieba, added, added_total: 0 }));
        WordSegmenter { words, chars, bmp }
    }

    #[inline]
    fn knows(&self, c: char) -> bool {
        let u = c as u32;
        if u < 0x10000 {
            self.bmp[(u >> 6) as usize] & (1 << (u & 63)) != 0
        } else {
            self.chars.contains(&c)
        }
    }

    /// Cut a run of Han text into words. Characters the segmenter was not
    /// built for become single-character words.
    #[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        match &self.words {
            Some(w) => self.with_words(w, text, |j| j.cut(text, false).into_iter().map(|t| t.word).collect()),
            None => text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()]).collect(),
        }
    }

    fn cut_ranges(&self, text: &str) -> Vec<Range<usize>> {
        match &self.words {
            Some(w) => self.with_words(w, text, |j| j.cut(text, false).into_iter().map(|t| t.start..t.end).collect()),
            None => (0..text.chars().count()).map(|i| i..i + 1).collect(),
        }
    }

    /// Run `f` on jieba once it has every dictionary word of the
    /// segmenter's characters that occurs in `text`.
    fn with_words<T>(&self, words: &RwLock<Loaded>, text: &str, f: impl FnOnce(&Jieba) -> T) -> T {
        let missing = {
            let loaded = words.read().unwrap_or_else(|e| e.into_inner());
            let missing = self.missing_words(text, &loaded.added);
            if missing.is_empty() {
                return f(&loaded.jieba);
            }
            missing
        };
        // A panic elsewhere while the lock was held (in a cut, say) leaves
        // the words consistent, so a poisoned lock is used as it is.
        let mut loaded = words.write().unwrap_or_else(|e| e.into_inner());
        let Loaded { jieba, added, added_total } = &mut *loaded;
        for (node, range) in missing {
            let (slot, bit) = (node as usize / 64, 1u64 << (node % 64));
            // Another thread may have added it in the meantime.
            if added[slot] & bit == 0 {
                let freq = dict::freq(node).expect("a word ends at the node");
                jieba.add_word(&text[range], Some(freq as usize), None);
                added[slot] |= bit;
                *added_total += u64::from(freq);
            }
        }
        // Give the placeholder what the words not added yet weigh, so the
        // total is the whole dictionary's again.
        jieba.add_word(PLACEHOLDER, Some((dict::TOTAL - *added_total) as usize), None);
        f(jieba)
    }

    /// The dictionary words made of the segmenter's characters that occur in
    /// `text` and are not in `added`: trie node and byte range in `text`.
    fn missing_words(&self, text: &str, added: &[u64]) -> Vec<(u32, Range<usize>)> {
        let mut missing = Vec::new();
        for (start, _) in text.char_indices() {
            let mut node = 0;
            for (i, c) in text[start..].char_indices() {
                if !self.knows(c) {
                    break;
                }
                let Some(next) = dict::child(node, c) else { break };
                node = next;
                if added[node as usize / 64] & (1 << (node % 64)) == 0 && dict::freq(node).is_some() {
                    missing.push((node, start..start + i + c.len_utf8()));
                }
            }
        }
        missing
    }
}

static SHARED: std::sync::Mutex<Option<std::sync::Arc<WordSegmenter>>> = std::sync::Mutex::new(None);

/// A segmenter for `text`'s Han characters, shared within the process: the
/// last one built is reused when it already covers them, and otherwise
/// rebuilt for the union. Many comparisons in one process (`tvdiff batch`,
/// a library user's loop) then keep the dictionary words they have looked
/// up while no new characters turn up. The segmentation is the same as
/// [`WordSegmenter::for_chars`] would give.
pub fn shared_segmenter(text: impl IntoIterator<Item = char>) -> std::sync::Arc<WordSegmenter> {
    // A bitmap of the BMP first (a book's modified sentences are hundreds
    // of thousands of characters, a few thousand distinct), a set after.
    let mut bmp = vec![0u64; 1024];
    let mut need: HashSet<char> = HashSet::new();
    for c in text.into_iter().filter(|&c| is_han(c)) {
        let u = c as u32;
        if u < 0x10000 {
            bmp[(u >> 6) as usize] |= 1 << (u & 63);
        } else {
            need.insert(c);
        }
    }
    for (w, &bits) in bmp.iter().enumerate() {
        let mut b = bits;
        while b != 0 {
            let i = b.trailing_zeros();
            b &= b - 1;
            need.extend(char::from_u32((w as u32) << 6 | i));
        }
    }
    let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(seg) = slot.as_ref() {
        if need.is_subset(&seg.chars) {
            return seg.clone();
        }
    }
    let all: Vec<char> = need.iter().chain(slot.iter().flat_map(|s| s.chars.iter())).copied().collect();
    let seg = std::sync::Arc::new(WordSegmenter::for_chars(all));
    *slot = Some(seg.clone());
    seg
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

/// Cut `chars` into tokens, with a segmenter built for them.
#[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
pub fn tokenize(chars: &[char]) -> Vec<Token> {
    tokenize_with(chars, &WordSegmenter::for_chars(chars.iter().copied()))
}

/// Cut `chars` into tokens with a segmenter built for (at least) their Han
/// characters.
pub fn tokenize_with(chars: &[char], seg: &WordSegmenter) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let mut j = i + 1;
            while j < chars.len() && is_han(chars[j]) {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            for r in seg.cut_ranges(&run) {
                out.push(Token { range: i + r.start..i + r.end, kind: TokenKind::Han });
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        tokenize(&chars).iter().map(|t| chars[t.range.clone()].iter().collect()).collect()
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

    /// The whole word list, for reference segmenters.
    static DICT: &str = include_str!("dict.txt");

    /// jieba with the whole dictionary: the reference.
    fn full_jieba() -> &'static Jieba {
        static FULL: std::sync::OnceLock<Jieba> = std::sync::OnceLock::new();
        FULL.get_or_init(|| Jieba::with_dict(&mut DICT.as_bytes()).unwrap())
    }

    /// The previous design, kept as a reference for text that is not pure
    /// Han: jieba loaded with the words made of `text`'s Han characters and
    /// a placeholder carrying the rest of the total frequency.
    fn filtered_jieba(text: &str) -> Jieba {
        let chars: HashSet<char> = text.chars().filter(|&c| is_han(c)).collect();
        let mut kept = String::new();
        let (mut total, mut kept_total) = (0u64, 0u64);
        for line in DICT.lines() {
            let (word, freq) = line.split_once(' ').unwrap();
            let f: u64 = freq.trim().parse().unwrap();
            total += f;
            if word.chars().all(|c| chars.contains(&c)) {
                kept_total += f;
                kept.push_str(line);
                kept.push('\n');
            }
        }
        kept.push_str(&format!("\u{E000} {}\n", total - kept_total));
        Jieba::with_dict(&mut kept.as_bytes()).unwrap()
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

    /// jieba's total frequency, which its `Debug` output shows.
    fn total_freq(jieba: &Jieba) -> String {
        let debug = format!("{jieba:?}");
        let at = debug.find("total_freq: ").expect("jieba's Debug shows total_freq");
        debug[at..].split([',', ' ', '}']).nth(1).unwrap().to_string()
    }

    fn reference_cut(run: &str) -> Vec<&str> {
        full_jieba().cut(run, false).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn segments_like_the_full_dictionary() {
        let sentences = sample_sentences();
        assert!(sentences.len() > 250, "{} sentences", sentences.len());
        let runs: Vec<&str> = sentences.iter().flat_map(|s| han_runs(s)).collect();
        // One segmenter for everything, cutting in one order and then the
        // other (words added for earlier runs are in jieba by then).
        let all = WordSegmenter::for_chars(sentences.iter().flat_map(|s| s.chars()));
        for run in runs.iter().chain(runs.iter().rev()) {
            assert_eq!(all.cut(run), reference_cut(run), "{run}");
        }
        // The total frequency is the full dictionary's, whatever was added.
        let loaded = all.words.as_ref().unwrap().read().unwrap();
        assert_eq!(total_freq(&loaded.jieba), total_freq(full_jieba()));
        assert_eq!(total_freq(&loaded.jieba), dict::TOTAL.to_string());
        drop(loaded);
        // One per sentence, as when a single pair is compared.
        for s in &sentences {
            let seg = WordSegmenter::for_chars(s.chars());
            for run in han_runs(s) {
                assert_eq!(seg.cut(run), reference_cut(run), "{run}");
                let ranges = seg.cut_ranges(run);
                let chars: Vec<char> = run.chars().collect();
                let words: Vec<String> = ranges.iter().map(|r| chars[r.clone()].iter().collect()).collect();
                assert_eq!(words, reference_cut(run), "{run}");
            }
        }
        // Several threads adding words to one segmenter at once.
        let shared = WordSegmenter::for_chars(sentences.iter().flat_map(|s| s.chars()));
        std::thread::scope(|scope| {
            for t in 0..4 {
                let (shared, runs) = (&shared, &runs);
                scope.spawn(move || {
                    for run in runs.iter().skip(t).step_by(2) {
                        assert_eq!(shared.cut(run), reference_cut(run), "{run}");
                    }
                });
            }
        });
    }

    #[test]
    fn cuts_any_text_like_the_filtered_dictionary() {
        // Whole lines (Latin, digits, punctuation, characters the segmenter
        // is not for) cut exactly as the previous design cut them.
        let sentences = sample_sentences();
        let half: String = sentences.iter().step_by(2).copied().collect();
        let old = filtered_jieba(&half);
        let seg = WordSegmenter::for_chars(half.chars());
        for s in &sentences {
            let want: Vec<&str> = old.cut(s, false).into_iter().map(|t| t.word).collect();
            assert_eq!(seg.cut(s), want, "{s}");
        }
        let text = "互联网让世界变成了鸡犬之声相闻的地球村相隔万里的人们不再老死不相往来";
        let small = WordSegmenter::for_chars(text.chars());
        let big = WordSegmenter::for_chars(DICT.chars().filter(|c| is_han(*c)).take(30_000).chain(text.chars()));
        assert_eq!(small.cut(text), big.cut(text));
        assert_eq!(small.cut(text), reference_cut(text));
    }

    #[test]
    fn no_han_no_dictionary() {
        let seg = WordSegmenter::for_chars("plain text, 123".chars());
        assert!(seg.words.is_none());
        assert_eq!(seg.cut("中文"), ["中", "文"]);
    }

    #[test]
    fn build_script_reads_the_dictionary_like_jieba() {
        // The total the placeholder keeps is the one jieba computes.
        let total: u64 = DICT.lines().map(|l| l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap()).sum();
        assert_eq!(dict::TOTAL, total);
        assert_eq!(dict::WORDS, DICT.lines().count());
        for line in DICT.lines() {
            let (word, freq) = line.split_once(' ').unwrap();
            let node = word.chars().try_fold(0, dict::child).unwrap();
            assert_eq!(dict::freq(node), Some(freq.parse().unwrap()), "{word}");
        }
        assert_eq!(dict::child(0, 'x').and_then(|n| dict::child(n, 'y')), None);
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
    fn for_chars_example() {
        use crate::tokenize::WordSegmenter;
        let seg = WordSegmenter::for_chars("为各国企业在华投资兴业".chars());
        assert_eq!(seg.cut("为各国企业在华投资兴业"), ["为", "各国", "企业", "在", "华", "投资", "兴业"]);
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
