//! Step 2: the token streams of the sentences between two anchors.
//!
//! Inside a region where the versions differ, tvdiff aligns *tokens*, not
//! sentences, so that where each version cut its sentences decides nothing.
//! A token is one Han character, one word of another script (letters and
//! digits; `6.7`, `1,300` and `10:30` stay whole) or one punctuation mark or
//! other symbol. Spaces are not tokens: whether two words are separated by
//! one space, a line break or (in Chinese) nothing is noise the normaliser
//! already decided on, and a space never anchors an alignment.
//!
//! Han text is cut into characters here rather than into dictionary words:
//! alignment needs stable, cheap tokens that do not depend on the words
//! around them (two versions cut into words differently would not match),
//! and the per-sentence inline diff ([`crate::inline`]) regroups the
//! edits into words afterwards.
//!
//! Tokens never span a sentence boundary (each sentence is tokenised on its
//! own), so every token belongs to exactly one sentence.

use crate::chars::{is_han, is_word_char};
use crate::segment::Document;
use std::ops::Range;

/// Token ids: a single-character token is its code point; a word gets an
/// interned id above every code point.
const WORD_BASE: u32 = 0x11_0000;

/// Gives words ids shared by both versions (equal words, equal ids).
pub(crate) struct Interner<'a> {
    words: super::anchor::KeyTable<'a>,
}

impl Default for Interner<'_> {
    fn default() -> Self {
        Interner { words: super::anchor::KeyTable::new(1024) }
    }
}

impl<'a> Interner<'a> {
    fn id(&mut self, word: &'a str) -> u32 {
        WORD_BASE + self.words.id(word)
    }
}

/// The tokens of a run of sentences of one version.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Tokens {
    /// Token ids (equal tokens, equal ids, across both versions).
    pub ids: Vec<u32>,
    /// Each token's document-wide key-character range.
    pub chars: Vec<Range<usize>>,
    /// Each token's sentence index.
    pub sentence: Vec<usize>,
}

impl Tokens {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Key characters tokens `r` span (a word counts its letters).
    pub fn width(&self, r: &Range<usize>) -> usize {
        self.chars[r.clone()].iter().map(|c| c.len()).sum()
    }

    /// Is token `t` the first of its sentence? (`t == len()` counts as a
    /// boundary: the end of the run.)
    pub fn starts_sentence(&self, t: usize) -> bool {
        t == 0 || t >= self.ids.len() || self.sentence[t] != self.sentence[t - 1]
    }
}

/// Tokenise sentences `sentences` of `doc`.
pub(crate) fn tokens<'a>(doc: &'a Document, sentences: Range<usize>, words: &mut Interner<'a>) -> Tokens {
    let mut out = Tokens::default();
    for s in sentences {
        let sentence = &doc.sentences[s];
        let key = &doc.keys[sentence.key.clone()];
        push_sentence(key, sentence.chars.start, s, words, &mut out);
    }
    out
}

fn push_sentence<'a>(key: &'a str, first_char: usize, s: usize, words: &mut Interner<'a>, out: &mut Tokens) {
    let word_char = |c: char| is_word_char(c) && !is_han(c);
    let mut chars = key.char_indices().peekable();
    let mut index = first_char; // document-wide index of the next char
    while let Some((byte, c)) = chars.next() {
        let at = index;
        index += 1;
        if c == ' ' {
            continue;
        }
        if !word_char(c) {
            out.ids.push(c as u32);
            out.chars.push(at..at + 1);
            out.sentence.push(s);
            continue;
        }
        // A word: letters and digits; 6.7, 1,300 and 10:30 stay whole.
        let mut prev = c;
        let mut end = byte + c.len_utf8();
        loop {
            match chars.peek().copied() {
                Some((b, n)) if word_char(n) => {
                    chars.next();
                    (prev, end, index) = (n, b + n.len_utf8(), index + 1);
                }
                Some((_, '.' | ',' | ':')) if prev.is_ascii_digit() => {
                    // Only when a digit follows the mark.
                    let mut ahead = chars.clone();
                    ahead.next();
                    match ahead.peek() {
                        Some(&(b, d)) if d.is_ascii_digit() => {
                            chars.next();
                            chars.next();
                            (prev, end, index) = (d, b + d.len_utf8(), index + 2);
                        }
                        _ => break,
                    }
                }
                _ => break,
            }
        }
        out.ids.push(words.id(&key[byte..end]));
        out.chars.push(at..index);
        out.sentence.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{LineFilter, Source};
    use crate::normalize::NormalizeOptions;
    use crate::segment::segment;

    fn texts(doc: &Document, t: &Tokens) -> Vec<String> {
        let all: Vec<char> = doc.keys.chars().collect();
        t.chars.iter().map(|r| all[r.clone()].iter().collect()).collect()
    }

    #[test]
    fn han_characters_words_and_marks_are_tokens_spaces_are_not() {
        let src = Source::from_text("t", "中国有 6.7 亿网民, step up 10:30 now. Next one!");
        let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        let mut words = Interner::default();
        let t = tokens(&doc, 0..doc.sentences.len(), &mut words);
        assert_eq!(
            texts(&doc, &t),
            ["中", "国", "有", "6.7", "亿", "网", "民", ",", "step", "up", "10:30", "now", ".", "Next", "one", "!"]
        );
        assert_eq!(t.sentence, [0; 13].into_iter().chain([1; 3]).collect::<Vec<_>>());
        assert!(t.starts_sentence(0) && t.starts_sentence(13) && !t.starts_sentence(12) && t.starts_sentence(16));
        assert_eq!(t.ids[0], '中' as u32);
    }

    #[test]
    fn equal_words_get_equal_ids_across_versions() {
        let a = Source::from_text("a", "we will step up");
        let b = Source::from_text("b", "step up we must");
        let (da, db) = (
            segment(&a, &LineFilter::default(), &NormalizeOptions::default()),
            segment(&b, &LineFilter::default(), &NormalizeOptions::default()),
        );
        let mut words = Interner::default();
        let (ta, tb) = (tokens(&da, 0..1, &mut words), tokens(&db, 0..1, &mut words));
        assert_eq!(ta.ids[2], tb.ids[0]); // step
        assert_eq!(ta.ids[0], tb.ids[2]); // we
        assert_ne!(ta.ids[1], tb.ids[3]); // will / must
    }
}
