//! Word tokens for the inline diff.
//!
//! A character diff of two Chinese sentences is confetti (`在[-华-]{+中+}…`
//! lines up the wrong characters as often as the right ones), and a
//! whitespace tokeniser sees a whole Chinese clause as one "word". tvdiff
//! cuts Han text into dictionary words with `jieba-rs` (so `在华投资兴业`
//! is `在|华|投资|兴业` and `在中国投资兴业` is `在|中国|投资|兴业`) and
//! Latin text into words, numbers, spaces and single punctuation marks.
//!
//! Loading jieba's dictionary costs tens of milliseconds and tens of
//! megabytes, so it happens lazily, once per process, and only when a
//! modified sentence contains Han text. [`warm_up`] lets a caller start the
//! load on another thread while it does other work.

use crate::chars::{is_han, is_punct, is_word_char};
use jieba_rs::Jieba;
use std::ops::Range;
use std::sync::OnceLock;

static JIEBA: OnceLock<Jieba> = OnceLock::new();

/// The shared word segmenter, loaded on first use.
pub fn segmenter() -> &'static Jieba {
    JIEBA.get_or_init(Jieba::new)
}

/// Start loading the word segmenter in the background (no-op if loaded).
pub fn warm_up() {
    if JIEBA.get().is_none() {
        std::thread::spawn(|| {
            segmenter();
        });
    }
}

/// Has the segmenter been loaded in this process?
pub fn segmenter_loaded() -> bool {
    JIEBA.get().is_some()
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

/// Cut `chars` into tokens.
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
            for t in segmenter().cut(&run, false) {
                out.push(Token { range: i + t.start..i + t.end, kind: TokenKind::Han });
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
