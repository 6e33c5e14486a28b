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
    /// The final ids of a draft's words, in the draft's order: the ids
    /// they would have had had the draft's tokens been numbered here one
    /// by one (a new word gets the next id at its first appearance).
    pub(crate) fn number(&mut self, draft: &Draft<'a>) -> Vec<u32> {
        draft.words.keys().iter().map(|w| WORD_BASE + self.words.id(w)).collect()
    }
}

/// The tokens of one side of a region, made on their own (on any thread):
/// a word's id is provisional, `WORD_BASE` + its number among the draft's
/// distinct words, until [`Draft::finish`] gives it the id the
/// [`Interner`] numbered for it. Regions are drafted in parallel and
/// numbered in order, so ids do not depend on threads.
pub(crate) struct Draft<'a> {
    tokens: Tokens,
    words: super::anchor::KeyTable<'a>,
}

impl Draft<'_> {
    /// The tokens with their final ids (`ids` from [`Interner::number`]).
    pub(crate) fn finish(mut self, ids: &[u32]) -> Tokens {
        for id in self.tokens.ids.iter_mut().filter(|id| **id >= WORD_BASE) {
            *id = ids[(*id - WORD_BASE) as usize];
        }
        self.tokens
    }
}

/// The tokens of a run of sentences of one version.
///
/// Each token's key-character range and sentence are kept as `u32`s (a
/// document's key characters and sentences fit: see
/// [`crate::segment::KEY_LIMIT`]): 16 bytes a token instead of 28, for
/// streams that hold one token per Han character of a region (two
/// unrelated 1 MB texts: 8 MB of tokens at once, now 4.7).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Tokens {
    /// Token ids (equal tokens, equal ids, across both versions).
    pub ids: Vec<u32>,
    /// Each token's document-wide key-character range, start and end.
    spans: Vec<[u32; 2]>,
    /// Each token's sentence index.
    sentences: Vec<u32>,
}

impl Tokens {
    /// Room for `n` tokens.
    fn with_capacity(n: usize) -> Tokens {
        Tokens { ids: Vec::with_capacity(n), spans: Vec::with_capacity(n), sentences: Vec::with_capacity(n) }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Append token `id`, key characters `chars` of sentence `sentence`.
    #[inline]
    pub fn push(&mut self, id: u32, chars: Range<usize>, sentence: usize) {
        debug_assert!(chars.end <= u32::MAX as usize && sentence <= u32::MAX as usize);
        self.ids.push(id);
        self.spans.push([chars.start as u32, chars.end as u32]);
        self.sentences.push(sentence as u32);
    }

    /// Token `t`'s document-wide key-character range.
    #[inline]
    pub fn chars(&self, t: usize) -> Range<usize> {
        let [a, b] = self.spans[t];
        a as usize..b as usize
    }

    /// Token `t`'s sentence index.
    #[inline]
    pub fn sentence(&self, t: usize) -> usize {
        self.sentences[t] as usize
    }

    /// Each token's sentence index, in order.
    pub fn sentences(&self) -> &[u32] {
        &self.sentences
    }

    /// Key characters tokens `r` span (a word counts its letters).
    pub fn width(&self, r: &Range<usize>) -> usize {
        self.spans[r.clone()].iter().map(|&[a, b]| (b - a) as usize).sum()
    }

    /// Is token `t` the first of its sentence? (`t == len()` counts as a
    /// boundary: the end of the run.)
    pub fn starts_sentence(&self, t: usize) -> bool {
        t == 0 || t >= self.ids.len() || self.sentences[t] != self.sentences[t - 1]
    }

    /// Overwrite token `w` (`w < len()`) with token `id`, key characters
    /// `chars` of sentence `sentence`.
    pub fn set(&mut self, w: usize, id: u32, chars: Range<usize>, sentence: usize) {
        self.ids[w] = id;
        self.spans[w] = [chars.start as u32, chars.end as u32];
        self.sentences[w] = sentence as u32;
    }

    /// Move tokens `from` down to position `to` (`to <= from.start`;
    /// nothing to do when they are there already).
    pub fn shift_down(&mut self, from: Range<usize>, to: usize) {
        debug_assert!(to <= from.start);
        if from.start == to {
            return;
        }
        self.ids.copy_within(from.clone(), to);
        self.spans.copy_within(from.clone(), to);
        self.sentences.copy_within(from, to);
    }

    /// Keep the first `n` tokens.
    pub fn truncate(&mut self, n: usize) {
        self.ids.truncate(n);
        self.spans.truncate(n);
        self.sentences.truncate(n);
    }
}

/// Tokenise sentences `sentences` of `doc`, numbering words in `words`
/// as they come (a small region: numbering its words twice, in a draft
/// and then here, would cost more than the thread saves).
pub(crate) fn tokens<'a>(doc: &'a Document, sentences: Range<usize>, words: &mut Interner<'a>) -> Tokens {
    tokenise(doc, sentences, &mut words.words)
}

/// Tokenise sentences `sentences` of `doc` (see [`Draft`]).
pub(crate) fn draft(doc: &Document, sentences: Range<usize>) -> Draft<'_> {
    let mut words = super::anchor::KeyTable::new((super::chars_of(doc, &sentences) / 8).clamp(16, 1024));
    Draft { tokens: tokenise(doc, sentences, &mut words), words }
}

/// The tokens of sentences `sentences` of `doc`, words numbered in
/// `words`.
fn tokenise<'a>(doc: &'a Document, sentences: Range<usize>, words: &mut super::anchor::KeyTable<'a>) -> Tokens {
    // At most one token per key character: reserved at once, not grown.
    let n = super::chars_of(doc, &sentences);
    let mut out = Tokens::with_capacity(n);
    for s in sentences {
        let sentence = &doc.sentences[s];
        let key = &doc.keys[sentence.key()];
        push_sentence(key, sentence.chars().start, s, words, &mut out);
    }
    out
}

fn push_sentence<'a>(
    key: &'a str,
    first_char: usize,
    s: usize,
    words: &mut super::anchor::KeyTable<'a>,
    out: &mut Tokens,
) {
    if key.is_ascii() {
        push_ascii_sentence(key, first_char, s, words, out)
    } else {
        push_chars_sentence(key, first_char, s, words, out)
    }
}

/// [`push_sentence`] character by character.
fn push_chars_sentence<'a>(
    key: &'a str,
    first_char: usize,
    s: usize,
    words: &mut super::anchor::KeyTable<'a>,
    out: &mut Tokens,
) {
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
            out.push(c as u32, at..at + 1, s);
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
        out.push(WORD_BASE + words.id(&key[byte..end]), at..index, s);
    }
}

/// [`push_sentence`] for a key that is all ASCII (most English
/// sentences): bytes are characters, and a word character is a letter, a
/// digit or `_`. The same tokens, several times faster (a test holds the
/// two equal).
fn push_ascii_sentence<'a>(
    key: &'a str,
    first_char: usize,
    s: usize,
    words: &mut super::anchor::KeyTable<'a>,
    out: &mut Tokens,
) {
    let b = key.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b' ' {
            i += 1;
            continue;
        }
        let at = first_char + i;
        if !word(c) {
            out.push(u32::from(c), at..at + 1, s);
            i += 1;
            continue;
        }
        // A word; 6.7, 1,300 and 10:30 stay whole.
        let start = i;
        i += 1;
        loop {
            if i < b.len() && word(b[i]) {
                i += 1;
            } else if i + 1 < b.len()
                && matches!(b[i], b'.' | b',' | b':')
                && b[i - 1].is_ascii_digit()
                && b[i + 1].is_ascii_digit()
            {
                i += 2;
            } else {
                break;
            }
        }
        out.push(WORD_BASE + words.id(&key[start..i]), at..first_char + i, s);
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
        (0..t.len()).map(|k| all[t.chars(k)].iter().collect()).collect()
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
        assert_eq!(t.sentences(), [0; 13].into_iter().chain([1; 3]).collect::<Vec<_>>());
        assert!(t.starts_sentence(0) && t.starts_sentence(13) && !t.starts_sentence(12) && t.starts_sentence(16));
        assert_eq!(t.ids[0], '中' as u32);
    }

    #[test]
    fn ascii_sentences_are_cut_as_any_other() {
        // The byte path against the character path, on random strings of
        // the characters that matter (digits and their joining marks,
        // letters, `_`, spaces, other marks).
        let alphabet = b"ab9 0._,:;!'-Z1";
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 24) as usize;
            let key: String =
                (0..len).map(|k| alphabet[((x >> (k % 8 * 8)) as usize + k * 7) % alphabet.len()] as char).collect();
            let (mut fast, mut slow) = (Tokens::default(), Tokens::default());
            let (mut wf, mut ws) = (crate::diff::anchor::KeyTable::new(16), crate::diff::anchor::KeyTable::new(16));
            push_ascii_sentence(&key, 5, 2, &mut wf, &mut fast);
            // (The character path, forced: a non-ASCII key would take it
            // anyway.)
            push_chars_sentence(&key, 5, 2, &mut ws, &mut slow);
            assert_eq!(fast, slow, "{key:?}");
            assert_eq!(wf.keys(), ws.keys(), "{key:?}");
        }
    }

    #[test]
    fn drafts_numbered_in_order_get_the_ids_of_tokens_made_in_order() {
        // Regions of two versions, tokenised one after the other with one
        // interner, and as drafts numbered in the same order afterwards.
        let a = Source::from_text("a", "We will step up. 中国有 6.7 亿网民, step up 10:30 now! Next one? we must.");
        let b = Source::from_text("b", "Step up we must. Next two; 网民 now 10:30 and 6.7 again. Will we?");
        let (da, db) = (
            segment(&a, &LineFilter::default(), &NormalizeOptions::default()),
            segment(&b, &LineFilter::default(), &NormalizeOptions::default()),
        );
        let regions = [(0..2, 0..1), (2..3, 1..3), (3..da.sentences.len(), 3..db.sentences.len())];
        let mut one = Interner::default();
        let direct: Vec<Tokens> = regions
            .iter()
            .flat_map(|(o, n)| [tokens(&da, o.clone(), &mut one), tokens(&db, n.clone(), &mut one)])
            .collect();
        let drafts: Vec<Draft> =
            regions.iter().flat_map(|(o, n)| [draft(&da, o.clone()), draft(&db, n.clone())]).collect();
        let mut two = Interner::default();
        let ids: Vec<Vec<u32>> = drafts.iter().map(|d| two.number(d)).collect();
        let drafted: Vec<Tokens> = drafts.into_iter().zip(&ids).map(|(d, ids)| d.finish(ids)).collect();
        assert_eq!(direct, drafted);
        assert!(direct.iter().any(|t| t.ids.iter().any(|&id| id >= WORD_BASE + 3)));
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
