//! Word tokens for the inline diff.
//!
//! A character diff of two Chinese sentences is confetti (`在[-华-]{+中+}…`
//! lines up the wrong characters as often as the right ones), and a
//! whitespace tokeniser sees a whole Chinese clause as one "word". tvdiff
//! cuts Han text into dictionary words with `jieba-rs` (so `在华投资兴业`
//! is `在|华|投资|兴业` and `在中国投资兴业` is `在|中国|投资|兴业`) and
//! Latin text into words, numbers, spaces and single punctuation marks.
//!
//! # Why the dictionary is filtered
//!
//! jieba's dictionary has 349,000 words; building its trie costs ~150 ms
//! and ~35 MB, which would dominate a comparison of two near-identical
//! files. A [`WordSegmenter`] is therefore built for the sentences at hand:
//! it loads only the dictionary words whose characters all occur in those
//! sentences (a scan of the word list, a few milliseconds), plus one
//! placeholder entry that keeps the dictionary's total frequency. Every
//! word that could match inside the sentences is present with its original
//! frequency, so the segmentation is exactly the one the full dictionary
//! gives. No dictionary work happens at all when no sentence has Han text.
//!
//! The word list (`dict.txt`, word and frequency per line) is jieba's
//! dictionary (MIT licence), embedded in the binary.

use crate::chars::{is_han, is_punct, is_word_char};
use jieba_rs::Jieba;
use std::collections::HashSet;
use std::ops::Range;

/// jieba's dictionary: `word frequency` per line.
static DICT: &str = include_str!("dict.txt");

/// A word segmenter for a known set of Han characters.
pub struct WordSegmenter {
    jieba: Option<Jieba>,
    chars: HashSet<char>,
}

impl std::fmt::Debug for WordSegmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordSegmenter").field("chars", &self.chars.len()).finish()
    }
}

impl WordSegmenter {
    /// A segmenter that can cut any text made of the Han characters in
    /// `text` (other characters are ignored here).
    ///
    /// ```
    /// use tvdiff::tokenize::WordSegmenter;
    /// let seg = WordSegmenter::for_chars("为各国企业在华投资兴业".chars());
    /// assert_eq!(seg.cut("为各国企业在华投资兴业"), ["为", "各国", "企业", "在", "华", "投资", "兴业"]);
    /// ```
    pub fn for_chars(text: impl IntoIterator<Item = char>) -> WordSegmenter {
        let chars: HashSet<char> = text.into_iter().filter(|&c| is_han(c)).collect();
        if chars.is_empty() {
            return WordSegmenter { jieba: None, chars };
        }
        // Bitmap of the BMP characters for a fast membership test.
        let mut bmp = vec![0u64; 1024];
        for &c in &chars {
            let u = c as u32;
            if u < 0x10000 {
                bmp[(u >> 6) as usize] |= 1 << (u & 63);
            }
        }
        let known = |c: char| {
            let u = c as u32;
            if u < 0x10000 {
                bmp[(u >> 6) as usize] & (1 << (u & 63)) != 0
            } else {
                chars.contains(&c)
            }
        };
        let mut kept = String::new();
        let mut total = 0u64;
        let mut kept_total = 0u64;
        for line in DICT.lines() {
            let Some((word, freq)) = line.split_once(' ') else { continue };
            let f: u64 = freq.trim().parse().unwrap_or(0);
            total += f;
            if word.chars().all(known) {
                kept_total += f;
                kept.push_str(line);
                kept.push('\n');
            }
        }
        // Keep the full dictionary's total frequency, which the route
        // probabilities depend on, with a word that never occurs in text.
        if total > kept_total {
            kept.push_str(&format!("\u{E000} {}\n", total - kept_total));
        }
        let jieba = Jieba::with_dict(&mut kept.as_bytes()).ok();
        WordSegmenter { jieba, chars }
    }

    /// Cut a run of Han text into words. Characters the segmenter was not
    /// built for become single-character words.
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        match &self.jieba {
            Some(j) => j.cut(text, false).into_iter().map(|t| t.word).collect(),
            None => text.char_indices().map(|(i, c)| &text[i..i + c.len_utf8()]).collect(),
        }
    }

    fn cut_ranges(&self, text: &str) -> Vec<Range<usize>> {
        match &self.jieba {
            Some(j) => j.cut(text, false).into_iter().map(|t| t.start..t.end).collect(),
            None => (0..text.chars().count()).map(|i| i..i + 1).collect(),
        }
    }
}

static SHARED: std::sync::Mutex<Option<std::sync::Arc<WordSegmenter>>> = std::sync::Mutex::new(None);

/// A segmenter for `text`'s Han characters, shared within the process: the
/// last one built is reused when it already covers them, and otherwise
/// rebuilt for the union. Many comparisons in one process (`tvdiff batch`,
/// a library user's loop) then pay for the dictionary scan only while new
/// characters keep turning up. The segmentation is the same as
/// [`WordSegmenter::for_chars`] would give: a superset of the needed words
/// cuts the same way.
pub fn shared_segmenter(text: impl IntoIterator<Item = char>) -> std::sync::Arc<WordSegmenter> {
    let need: HashSet<char> = text.into_iter().filter(|&c| is_han(c)).collect();
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
///
/// ```
/// use tvdiff::tokenize::tokenize;
/// let chars: Vec<char> = "为各国企业在华投资兴业, step up 6.7 units".chars().collect();
/// let words: Vec<String> = tokenize(&chars).iter()
///     .map(|t| chars[t.range.clone()].iter().collect()).collect();
/// assert_eq!(words, ["为", "各国", "企业", "在", "华", "投资", "兴业", ",", " ",
///                    "step", " ", "up", " ", "6.7", " ", "units"]);
/// ```
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

    #[test]
    fn filtered_dictionary_segments_like_the_full_one() {
        let text = "互联网让世界变成了鸡犬之声相闻的地球村相隔万里的人们不再老死不相往来";
        let small = WordSegmenter::for_chars(text.chars());
        let big = WordSegmenter::for_chars(DICT.chars().filter(|c| is_han(*c)).take(30_000).chain(text.chars()));
        assert_eq!(small.cut(text), big.cut(text));
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
