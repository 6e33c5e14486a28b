//! Word and character error rates: the standard score of one transcript
//! against another, reported with every comparison (`summary.error_rate`).
//!
//! The OLD version is the reference, NEW the hypothesis. The tokens are
//! those of the compared key text ([`Document::keys`]): normalised as the
//! options say (width folded, lower-cased with `ignore_case`, traditional
//! characters folded with `fold_chinese`), with punctuation always
//! removed, and with filler words removed under `ignore_fillers`:
//!
//! - **char** unit (CER), when the reference is mostly Han text: every
//!   letter, digit and Han character is a token;
//! - **word** unit (WER) otherwise: every Han character, and every run of
//!   other letters and digits, is a token. An apostrophe between two
//!   letters stays in its word (`don't`), and so do `.`, `,` and `:`
//!   between two digits (`6.7`, `1,300`, `10:30`); every other mark
//!   separates (`well-known` is two words).
//!
//! The counts come from a minimum edit alignment with unit costs, as jiwer
//! and NIST sclite compute them: rate = (S + D + I) / N with N = H + S + D
//! the reference length. Among the alignments of minimum cost the one
//! chosen is the one rapidfuzz (under jiwer) chooses — common prefix and
//! suffix matched first, then traced back from the end preferring a
//! deletion, a substitution, an insertion and a match, in that order — so
//! that the hits, substitutions, deletions and insertions agree with
//! jiwer's, not only the rate.
//!
//! **Speed.** A full edit-distance table of two books (a million tokens
//! each) cannot be built. The alignment the report is made of already
//! pairs the versions: every equal and resegmented row whose two sides have
//! the same tokens is taken as hits, and the exact dynamic program runs
//! only on the stretches between them (a changed sentence or a few),
//! after their common prefix and suffix are set aside, on numbered tokens
//! and in Ukkonen's band (only the diagonals an alignment of the cost found
//! so far can use). When every stretch fits the table ([`MAX_CELLS`]) and
//! all of them a budget per report, the rate is exact. Otherwise (every
//! sentence of a book reworded, sentences permuted, unrelated texts) a
//! large stretch is cut where the alignment paired an old text with a new
//! one, each piece aligned on its own — exactly when it is small, by
//! pairing its tokens as substitutions when it is not — and the result is
//! an upper bound on the edit distance: [`ErrorRate::exact`] is false. A
//! stretch with a single row too large for the table is first diffed with
//! Myers' algorithm (under the comparison's deadline), and each replaced
//! hunk is aligned as a piece. The stretches are scored on every core.

use crate::chars::is_alnum as alnum;
use crate::diff::Row;
use crate::report::RowKind;
use crate::segment::Document;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The largest edit-distance table (cells) built for one stretch: 4 Mi
/// cells of 4 bytes.
pub const MAX_CELLS: usize = 1 << 22;

/// What an error rate counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorUnit {
    /// Words: word error rate (WER), for Latin-script text.
    Word,
    /// Characters: character error rate (CER), for Chinese text.
    Char,
}

impl ErrorUnit {
    /// `WER` or `CER`.
    pub fn abbreviation(self) -> &'static str {
        match self {
            ErrorUnit::Word => "WER",
            ErrorUnit::Char => "CER",
        }
    }

    /// `words` or `chars`.
    pub fn plural(self) -> &'static str {
        match self {
            ErrorUnit::Word => "words",
            ErrorUnit::Char => "chars",
        }
    }
}

/// The error rate of the new version against the old one as the reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRate {
    /// Words (WER) or characters (CER).
    pub unit: ErrorUnit,
    /// Which version is the reference: always `"old"`.
    pub reference: String,
    /// Reference tokens the hypothesis has, aligned.
    pub hits: usize,
    /// Reference tokens replaced by another token.
    pub substitutions: usize,
    /// Reference tokens the hypothesis lacks.
    pub deletions: usize,
    /// Hypothesis tokens the reference lacks.
    pub insertions: usize,
    /// (S + D + I) / N with N = H + S + D; 0 when both versions are
    /// empty, 1 when only the reference is.
    pub rate: f64,
    /// The counts are from a minimum edit alignment. False when a stretch
    /// was too large for the exact table and the counts are an upper bound.
    pub exact: bool,
}

impl ErrorRate {
    /// Reference length N = H + S + D.
    pub fn reference_len(&self) -> usize {
        self.hits + self.substitutions + self.deletions
    }

    /// `CER 2.31% (S 12, D 3, I 5 of 866 chars)`.
    pub fn label(&self) -> String {
        format!(
            "{} {:.2}% (S {}, D {}, I {} of {} {}){}",
            self.unit.abbreviation(),
            self.rate * 100.0,
            self.substitutions,
            self.deletions,
            self.insertions,
            self.reference_len(),
            self.unit.plural(),
            if self.exact { "" } else { ", at most" }
        )
    }
}

/// Hit, substitution, deletion and insertion counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub hits: usize,
    pub subs: usize,
    pub dels: usize,
    pub ins: usize,
}

impl Counts {
    /// `n` old tokens against `m` new ones paired in order: substitutions,
    /// then the rest deleted or inserted (an upper bound, for text too
    /// large to align).
    fn paired(n: usize, m: usize) -> Counts {
        let s = n.min(m);
        Counts { hits: 0, subs: s, dels: n - s, ins: m - s }
    }

    fn add(&mut self, o: Counts) {
        self.hits += o.hits;
        self.subs += o.subs;
        self.dels += o.dels;
        self.ins += o.ins;
    }
}

/// How a key text is cut into tokens.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tokenizer {
    /// Words or characters.
    pub unit: ErrorUnit,
    /// Leave filler words out.
    pub drop_fillers: bool,
}

impl Tokenizer {
    /// Append the tokens of `key` to `out`.
    pub fn tokens<'a>(&self, key: &'a str, out: &mut Vec<&'a str>) {
        if self.unit == ErrorUnit::Char {
            self.char_tokens(key, |token, _| out.push(token));
            return;
        }
        let first = out.len();
        self.word_tokens(key, out);
        if self.drop_fillers {
            // Two-character fillers (那个), as two Han tokens.
            let mut k = first;
            let mut w = first;
            while k < out.len() {
                let pair = out.get(k + 1).is_some_and(|n| {
                    crate::recogniser::ZH_FILLERS
                        .iter()
                        .any(|f| f.chars().count() == 2 && f.strip_prefix(out[k]) == Some(n))
                });
                if pair {
                    k += 2;
                    continue;
                }
                out[w] = out[k];
                w += 1;
                k += 1;
            }
            out.truncate(w);
        }
    }

    /// The tokens of `key` for [`ErrorUnit::Char`], each one character,
    /// handed to `emit` as its slice of `key` and as the character.
    fn char_tokens<'a>(&self, key: &'a str, mut emit: impl FnMut(&'a str, char)) {
        let mut each = |text: &'a str| {
            for (i, c) in text.char_indices().filter(|&(_, c)| alnum(c)) {
                emit(&text[i..i + c.len_utf8()], c);
            }
        };
        if self.drop_fillers {
            // Words first (to drop `um` from Chinese text), then each
            // character of the words that are left.
            let mut words = Vec::new();
            Tokenizer { unit: ErrorUnit::Word, drop_fillers: true }.tokens(key, &mut words);
            words.into_iter().for_each(each);
        } else {
            each(key);
        }
    }

    /// How many tokens [`Tokenizer::tokens`] gives for `key`, without
    /// making them: the anchors' count (most of a book), so it is fast on
    /// ASCII and common Han text.
    pub fn count(&self, key: &str) -> usize {
        match self.unit {
            _ if self.drop_fillers => {
                let mut v = Vec::new();
                self.tokens(key, &mut v);
                v.len()
            }
            ErrorUnit::Char if key.is_ascii() => key.bytes().filter(u8::is_ascii_alphanumeric).count(),
            ErrorUnit::Char => key.chars().filter(|&c| alnum(c)).count(),
            ErrorUnit::Word if key.is_ascii() => {
                let b = key.as_bytes();
                let mut n = 0;
                for i in 0..b.len() {
                    if !b[i].is_ascii_alphanumeric() {
                        continue;
                    }
                    let continues = i >= 1 && b[i - 1].is_ascii_alphanumeric()
                        || i >= 2
                            && b[i - 2].is_ascii_alphanumeric()
                            && match b[i - 1] {
                                b'\'' => b[i - 2].is_ascii_alphabetic() && b[i].is_ascii_alphabetic(),
                                b'.' | b',' | b':' => b[i - 2].is_ascii_digit() && b[i].is_ascii_digit(),
                                _ => false,
                            };
                    n += usize::from(!continues);
                }
                n
            }
            ErrorUnit::Word => {
                // Each character classed once (ASCII without Unicode's
                // tables): English keys with a few curly quotes are most
                // of a book.
                #[derive(Clone, Copy, PartialEq)]
                enum Class {
                    Han,
                    Word,
                    Other,
                }
                let class = |c: char| {
                    if c.is_ascii() {
                        if c.is_ascii_alphanumeric() {
                            Class::Word
                        } else {
                            Class::Other
                        }
                    } else if matches!(c as u32, 0x4E00..=0x9FFF) || crate::chars::is_han(c) {
                        Class::Han
                    } else if alnum(c) {
                        Class::Word
                    } else {
                        Class::Other
                    }
                };
                let (mut p2, mut p1) = (' ', ' ');
                let (mut k2, mut k1) = (Class::Other, Class::Other);
                let mut n = 0;
                for c in key.chars() {
                    let k = class(c);
                    if k == Class::Han {
                        n += 1;
                    } else if k == Class::Word {
                        let continues = k1 == Class::Word
                            || k2 == Class::Word
                                && match p1 {
                                    '\'' | '’' => p2.is_alphabetic() && c.is_alphabetic(),
                                    '.' | ',' | ':' => p2.is_ascii_digit() && c.is_ascii_digit(),
                                    _ => false,
                                };
                        n += usize::from(!continues);
                    }
                    (p2, p1) = (p1, c);
                    (k2, k1) = (k1, k);
                }
                n
            }
        }
    }

    /// [`Tokenizer::tokens`] in word units, single-word fillers dropped.
    fn word_tokens<'a>(&self, key: &'a str, out: &mut Vec<&'a str>) {
        let fillers = |t: &str| self.drop_fillers && crate::recogniser::is_filler_word(&t.to_lowercase());
        if key.is_ascii() {
            // The same rules on bytes (most English keys): letters and
            // digits make words, an apostrophe between letters and `.`,
            // `,` or `:` between digits stay inside them.
            let b = key.as_bytes();
            let mut start: Option<usize> = None;
            for i in 0..b.len() {
                let c = b[i];
                let joins = start.is_some()
                    && match c {
                        b'\'' => {
                            i > 0 && b[i - 1].is_ascii_alphabetic() && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
                        }
                        b'.' | b',' | b':' => {
                            i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                        }
                        _ => false,
                    };
                if c.is_ascii_alphanumeric() || joins {
                    start.get_or_insert(i);
                } else if let Some(s) = start.take() {
                    let t = &key[s..i];
                    if !fillers(t) {
                        out.push(t);
                    }
                }
            }
            if let Some(s) = start {
                let t = &key[s..];
                if !fillers(t) {
                    out.push(t);
                }
            }
            return;
        }
        self.word_tokens_mixed(key, out);
    }

    /// [`Tokenizer::word_tokens`] for any text, ASCII characters classed
    /// without Unicode's tables and the next character decoded only after
    /// a mark that may join (an English book with curly quotes is mostly
    /// ASCII in keys that are not). Cuts as [`Self::word_tokens_chars`]
    /// does (a test holds the two equal).
    fn word_tokens_mixed<'a>(&self, key: &'a str, out: &mut Vec<&'a str>) {
        let fillers = |t: &str| self.drop_fillers && crate::recogniser::is_filler_word(&t.to_lowercase());
        let b = key.as_bytes();
        let at = |i: usize| -> char {
            match b.get(i) {
                None => ' ',
                Some(&x) if x < 0x80 => char::from(x),
                Some(_) => key[i..].chars().next().unwrap_or(' '),
            }
        };
        let mut start: Option<usize> = None; // start of the word being read
        let mut prev = ' ';
        let mut i = 0;
        while i < b.len() {
            let c = at(i);
            let len = c.len_utf8();
            let (han, word_char) = if c.is_ascii() {
                (false, c.is_ascii_alphanumeric())
            } else {
                let han = crate::chars::is_han(c);
                (han, !han && alnum(c))
            };
            // Marks that stay inside a word or a number.
            let joins = start.is_some()
                && match c {
                    '\'' | '’' => {
                        let next = at(i + len);
                        prev.is_alphabetic() && next.is_alphabetic() && !crate::chars::is_han(next)
                    }
                    '.' | ',' | ':' => prev.is_ascii_digit() && at(i + len).is_ascii_digit(),
                    _ => false,
                };
            if word_char || joins {
                start.get_or_insert(i);
            } else {
                if let Some(s) = start.take() {
                    let t = &key[s..i];
                    if !fillers(t) {
                        out.push(t);
                    }
                }
                if han {
                    let t = &key[i..i + len];
                    if !fillers(t) {
                        out.push(t);
                    }
                }
            }
            prev = c;
            i += len;
        }
        if let Some(s) = start {
            let t = &key[s..];
            if !fillers(t) {
                out.push(t);
            }
        }
    }

    /// [`Tokenizer::word_tokens`] character by character (any text): the
    /// reference the faster paths are tested against.
    #[cfg(test)]
    fn word_tokens_chars<'a>(&self, key: &'a str, out: &mut Vec<&'a str>) {
        let fillers = |t: &str| self.drop_fillers && crate::recogniser::is_filler_word(&t.to_lowercase());
        let mut start: Option<usize> = None; // start of the word being read
        let mut chars = key.char_indices().peekable();
        let mut prev = ' ';
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map_or(' ', |&(_, n)| n);
            let han = crate::chars::is_han(c);
            let word_char = alnum(c) && !han;
            // Marks that stay inside a word or a number.
            let joins = start.is_some()
                && match c {
                    '\'' | '’' => prev.is_alphabetic() && next.is_alphabetic() && !crate::chars::is_han(next),
                    '.' | ',' | ':' => prev.is_ascii_digit() && next.is_ascii_digit(),
                    _ => false,
                };
            if word_char || joins {
                start.get_or_insert(i);
            } else {
                if let Some(s) = start.take() {
                    let t = &key[s..i];
                    if !fillers(t) {
                        out.push(t);
                    }
                }
                if han {
                    let t = &key[i..i + c.len_utf8()];
                    if !fillers(t) {
                        out.push(t);
                    }
                }
            }
            prev = c;
        }
        if let Some(s) = start {
            let t = &key[s..];
            if !fillers(t) {
                out.push(t);
            }
        }
    }
}

/// The byte offset in [`Document::keys`] of key character `c`.
fn key_byte(doc: &Document, c: usize) -> usize {
    if c >= doc.key_chars {
        return doc.keys.len();
    }
    let s = doc.sentences.partition_point(|s| s.chars().end <= c);
    let nth = |text: &str, n: usize| text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
    match doc.sentences.get(s) {
        Some(sen) if sen.chars().start <= c => sen.key().start + nth(&doc.keys[sen.key()], c - sen.chars().start),
        // Between two sentences: count back from the next one.
        Some(sen) => {
            let back = sen.chars().start - c;
            doc.keys[..sen.key().start].char_indices().rev().nth(back - 1).map_or(0, |(i, _)| i)
        }
        None => match doc.sentences.last() {
            Some(last) => last.key().end + nth(&doc.keys[last.key().end..], c - last.chars().end),
            None => nth(&doc.keys, c),
        },
    }
}

/// The key text of key characters `r`.
fn key_text<'d>(doc: &'d Document, r: &Range<usize>) -> &'d str {
    if r.is_empty() {
        return "";
    }
    // A whole sentence (the usual case): its key range is known.
    let s = doc.sentences.partition_point(|s| s.chars().start < r.start);
    if let Some(sen) = doc.sentences.get(s).filter(|sen| sen.chars() == *r) {
        return &doc.keys[sen.key()];
    }
    &doc.keys[key_byte(doc, r.start)..key_byte(doc, r.end)]
}

/// The key text of a row's side: key characters `chars`, which the row's
/// `sentences` hold. When they are those sentences whole (nearly every
/// anchor) the key range is known without searching.
fn row_key<'d>(doc: &'d Document, sentences: &Range<usize>, chars: &Range<usize>) -> &'d str {
    if let (Some(first), Some(last)) = (doc.sentences.get(sentences.start), sentences.end.checked_sub(1)) {
        if let Some(last) = doc.sentences.get(last).filter(|_| sentences.start < sentences.end) {
            if first.chars().start == chars.start && last.chars().end == chars.end {
                return &doc.keys[first.key().start..last.key().end];
            }
        }
    }
    key_text(doc, chars)
}

/// The error rate of `new` against `old`, both tokenised by `tok`, using
/// the `rows` of their alignment as anchors (see the module docs).
///
/// In three steps: the anchors' tokens are counted and the stretches
/// between them listed ([`stretches`]); each stretch is given the exact
/// table or is cut at the alignment's pairs ([`plan`]: all exact when
/// they fit the report's budget of [`EXACT_CELLS`]); then the stretches
/// are scored, on every core (they are independent, and the sum does not
/// depend on the order).
///
/// `counts` holds [`sentence_counts`] of `old` (or nothing, and the
/// anchors are counted here).
pub(crate) fn error_rate(
    old: &Document,
    new: &Document,
    rows: &[Row],
    tok: Tokenizer,
    counts: &[u32],
    deadline: Instant,
) -> ErrorRate {
    let (hits, between) = stretches(old, new, rows, tok, counts);
    let whole = plan(&between, tok);
    // One stretch may be most of a book: they are handed out one by one.
    let scored = crate::diff::par_map(&between.iter().zip(whole).collect::<Vec<_>>(), 1, |(b, whole)| {
        // Each character token as its `char` (4 bytes, not a 16-byte
        // slice: two unrelated Chinese texts are one stretch of hundreds
        // of thousands of tokens a side, listed while the report is made).
        match (*whole, tok.unit) {
            (true, ErrorUnit::Char) => b.exact::<char>(tok, deadline),
            (true, ErrorUnit::Word) => b.exact::<&str>(tok, deadline),
            (false, ErrorUnit::Char) => (b.cut::<char>(tok), false),
            (false, ErrorUnit::Word) => (b.cut::<&str>(tok), false),
        }
    });
    let mut total = Counts { hits, ..Counts::default() };
    let mut exact = true;
    for (c, e) in scored {
        total.add(c);
        exact &= e;
    }
    rate_of(total, tok.unit, exact)
}

/// How many tokens `tok` cuts each sentence of `doc` into (see
/// [`error_rate`]), from the first sentence on until `stop` is set: the
/// sentences not counted by then are counted by the error rate.
pub(crate) fn sentence_counts(doc: &Document, tok: Tokenizer, stop: &AtomicBool) -> Vec<u32> {
    let mut counts = Vec::with_capacity(doc.sentences.len());
    for i in 0..doc.sentences.len() {
        if i % 256 == 0 && stop.load(Ordering::Acquire) {
            break;
        }
        counts.push(u32::try_from(tok.count(doc.key(i))).unwrap_or(u32::MAX));
    }
    counts
}

/// Step 1: the tokens of the anchors (rows the alignment found equal whose
/// tokens are equal, in order on both sides) and the stretches between
/// them, with the rows each holds.
fn stretches<'d>(
    old: &'d Document,
    new: &'d Document,
    rows: &'d [Row],
    tok: Tokenizer,
    counts: &[u32],
) -> (usize, Vec<Between<'d>>) {
    // The tokens of every row that can be an anchor (found equal, tokens
    // equal), on every core: a book is tens of thousands of such rows,
    // and tokenising them is most of the rate's work on a normal pair.
    let anchor_hits = |r: &Row| -> Option<usize> {
        if !matches!(r.kind, RowKind::Equal | RowKind::Resegmented) || r.old_chars.is_empty() {
            return None;
        }
        let (ka, kb) = (row_key(old, &r.old.get(), &r.old_chars.get()), row_key(new, &r.new.get(), &r.new_chars.get()));
        // Equal keys (nearly every anchor) have equal tokens: count them,
        // or look up the count of a whole old sentence.
        if ka == kb {
            let whole = r.old.len() == 1 && old.sentences[r.old.start()].chars() == r.old_chars.get();
            return Some(match counts.get(r.old.start()).filter(|&&n| whole && n != u32::MAX) {
                Some(&n) => n as usize,
                None => tok.count(ka),
            });
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        tok.tokens(ka, &mut a);
        tok.tokens(kb, &mut b);
        (a == b).then_some(a.len())
    };
    let candidates: Vec<Option<usize>> = crate::diff::par_map(rows, ANCHOR_CHUNK, anchor_hits);
    let mut hits = 0;
    let mut out = Vec::new();
    let (mut po, mut pn) = (0usize, 0usize);
    // Where po and pn are in the key text, when known (an anchor that ends
    // a sentence): the text between two anchors is then sliced directly.
    let (mut po_key, mut pn_key) = (Some(0), Some(0));
    // The first row after the last anchor.
    let mut after = 0;
    for (i, (r, cand)) in rows.iter().zip(candidates).enumerate() {
        // In order on both sides; otherwise part of the stretch around it.
        let Some(anchor_hits) = cand.filter(|_| r.old_chars.start() >= po && r.new_chars.start() >= pn) else {
            continue;
        };
        // Two anchors side by side, or with only spaces and marks between
        // them (the space between two English sentences: nearly every
        // anchor of a normal pair), leave nothing to score.
        let tokenless = |doc: &Document, from: Option<usize>, sentences: &Range<usize>, chars: &Range<usize>| {
            let to =
                doc.sentences.get(sentences.start).filter(|s| s.chars().start == chars.start).map(|s| s.key().start);
            from.zip(to).and_then(|(a, b)| doc.keys.get(a..b)).is_some_and(|t| !t.chars().any(alnum))
        };
        let empty = after == i
            && (po == r.old_chars.start() || tokenless(old, po_key, &r.old.get(), &r.old_chars.get()))
            && (pn == r.new_chars.start() || tokenless(new, pn_key, &r.new.get(), &r.new_chars.get()));
        if !empty {
            out.push(Between {
                old,
                new,
                rows: &rows[after..i],
                old_chars: po..r.old_chars.start(),
                new_chars: pn..r.new_chars.start(),
            });
        }
        let end_key = |doc: &Document, sentences: &Range<usize>, chars: &Range<usize>| {
            let last = sentences.end.checked_sub(1).and_then(|l| doc.sentences.get(l));
            last.filter(|s| s.chars().end == chars.end && sentences.start < sentences.end).map(|s| s.key().end)
        };
        (po_key, pn_key) =
            (end_key(old, &r.old.get(), &r.old_chars.get()), end_key(new, &r.new.get(), &r.new_chars.get()));
        hits += anchor_hits;
        po = r.old_chars.end();
        pn = r.new_chars.end();
        after = i + 1;
    }
    out.push(Between { old, new, rows: &rows[after..], old_chars: po..old.key_chars, new_chars: pn..new.key_chars });
    (hits, out)
}

/// Rows per task when the anchors are counted on rayon's pool.
const ANCHOR_CHUNK: usize = 4096;

/// Step 2: which stretches get the exact table. When every stretch fits
/// [`MAX_CELLS`] and all of them together fit [`EXACT_CELLS`], all do and
/// the rate is exact (nearly every pair). Otherwise the rate is an upper
/// bound whatever is done, and only the stretches a piece's table
/// ([`PIECE_CELLS`]) holds are aligned whole; the others are cut. A
/// stretch with fewer than two rows is always aligned whole: there is
/// nowhere to cut it.
fn plan(between: &[Between], tok: Tokenizer) -> Vec<bool> {
    let cuttable = |b: &Between| b.rows.len() >= 2;
    // Only a cuttable stretch's table size decides anything, and only up
    // to MAX_CELLS (past it, no stretch is aligned whole unless it fits
    // PIECE_CELLS): counting stops there.
    let cells = crate::diff::par_map(between, 64, |b| {
        let (sa, sb) = (key_text(b.old, &b.old_chars), key_text(b.new, &b.new_chars));
        if cuttable(b) {
            cells_within(tok, sa, sb, MAX_CELLS)
        } else {
            0
        }
    });
    let mut sum = 0usize;
    let all = between.iter().zip(&cells).all(|(b, &c)| {
        sum = sum.saturating_add(if cuttable(b) { c } else { 0 });
        !cuttable(b) || c <= MAX_CELLS
    }) && sum <= EXACT_CELLS;
    between.iter().zip(cells).map(|(b, c)| all || !cuttable(b) || c <= PIECE_CELLS).collect()
}

/// `(count(a) + 1) × (count(b) + 1)` tokens' table cells, exact when it
/// is at most `limit`; otherwise some number above `limit`, found without
/// counting the rest: the texts are counted a chunk at a time, side by
/// side, and counts only grow. A chunk ends after a space (no word spans
/// one) or, in characters, anywhere; with fillers dropped the texts are
/// counted whole.
fn cells_within(tok: Tokenizer, a: &str, b: &str, limit: usize) -> usize {
    let whole = |a: &str, b: &str| (tok.count(a) + 1).saturating_mul(tok.count(b) + 1);
    if tok.drop_fillers {
        return whole(a, b);
    }
    let chunk = |s: &str| -> usize {
        if s.len() <= CHUNK_BYTES {
            return s.len();
        }
        match tok.unit {
            ErrorUnit::Char => (CHUNK_BYTES..s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len()),
            ErrorUnit::Word => {
                s.as_bytes()[CHUNK_BYTES..].iter().position(|&c| c == b' ').map_or(s.len(), |p| CHUNK_BYTES + p + 1)
            }
        }
    };
    let (mut ra, mut rb) = (a, b);
    let (mut ca, mut cb) = (0usize, 0usize);
    loop {
        let (ha, ta) = ra.split_at(chunk(ra));
        let (hb, tb) = rb.split_at(chunk(rb));
        (ca, cb) = (ca + tok.count(ha), cb + tok.count(hb));
        (ra, rb) = (ta, tb);
        let cells = (ca + 1).saturating_mul(cb + 1);
        if cells > limit || ra.is_empty() && rb.is_empty() {
            debug_assert!(cells > limit || cells == whole(a, b));
            return cells;
        }
    }
}

/// Bytes counted at a time by [`cells_within`].
const CHUNK_BYTES: usize = 16 * 1024;

/// The stretch of both versions between two anchors, and the alignment's
/// rows in it.
struct Between<'d> {
    old: &'d Document,
    new: &'d Document,
    rows: &'d [Row],
    old_chars: Range<usize>,
    new_chars: Range<usize>,
}

impl<'d> Between<'d> {
    /// Step 3a: the counts of the whole stretch aligned at once, and
    /// whether they are exact (see [`align`]).
    fn exact<T: Token<'d>>(&self, tok: Tokenizer, deadline: Instant) -> (Counts, bool) {
        let (sa, sb) = (key_text(self.old, &self.old_chars), key_text(self.new, &self.new_chars));
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        T::trimmed_into(sa, sb, tok, (&mut ta, &mut tb)).map_or((Counts::default(), true), |mut c| {
            let (middle, exact) = align(&ta, &tb, deadline);
            c.add(middle);
            (c, exact)
        })
    }

    /// Step 3b: the counts of a stretch too large for one table (every
    /// sentence of a book reworded, two unrelated texts), or for what was
    /// left of the budget, an upper bound. It is cut where the alignment
    /// paired an old text with a new one: each pair, and each run of
    /// added and removed text between pairs, is aligned on its own —
    /// exactly when it fits [`PIECE_CELLS`], else by pairing its tokens as
    /// substitutions (the alignment found nothing in common there). The
    /// cost stays linear in the stretch, where one shortest edit script
    /// over it would grow with its length times its differences.
    fn cut<T: Token<'d>>(&self, tok: Tokenizer) -> Counts {
        // The pieces first (in order), then their counts, on every core.
        let mut pieces: Vec<(Range<usize>, Range<usize>)> = Vec::new();
        let (mut co, mut cn) = (self.old_chars.start, self.new_chars.start);
        for r in self.rows {
            let paired = !r.old_chars.is_empty()
                && !r.new_chars.is_empty()
                && r.old_chars.start() >= co
                && r.new_chars.start() >= cn
                && r.old_chars.end() <= self.old_chars.end
                && r.new_chars.end() <= self.new_chars.end;
            if paired {
                pieces.push((co..r.old_chars.start(), cn..r.new_chars.start()));
                pieces.push((r.old_chars.get(), r.new_chars.get()));
                (co, cn) = (r.old_chars.end(), r.new_chars.end());
            }
        }
        pieces.push((co..self.old_chars.end, cn..self.new_chars.end));
        // Each task reuses its token lists from piece to piece (a book
        // whose every sentence changed is tens of thousands of pieces).
        let count = |(ta, tb): &mut (Vec<T>, Vec<T>), (o, n): &(Range<usize>, Range<usize>)| {
            let (a, b) = (key_text(self.old, o), key_text(self.new, n));
            T::trimmed_into(a, b, tok, (ta, tb)).map_or_else(Counts::default, |mut c| {
                c.add(align_or_pair(ta, tb));
                c
            })
        };
        let mut total = Counts::default();
        for c in crate::diff::par_map_init(&pieces, PIECE_TASK, Default::default, count) {
            total.add(c);
        }
        total
    }
}

/// Pieces of a cut stretch per task of rayon's pool, at least.
const PIECE_TASK: usize = 256;

/// [`align`] for a piece of a stretch cut at the alignment's pairs: exact
/// when its band fits [`PIECE_CELLS`]; otherwise, past the common
/// beginning and end, tokens are paired in order as substitutions and the
/// rest deleted or inserted. A piece that needs more is text the
/// alignment moved or found nothing in common with (sentences permuted,
/// unrelated paragraphs): filling a table for it would cost time and tell
/// little.
fn align_or_pair<T: Eq + std::hash::Hash>(a: &[T], b: &[T]) -> Counts {
    let (mut c, a, b) = trim_common(a, b);
    match (a.len(), b.len()) {
        // Nothing or one token on each side left (a word changed, added
        // or dropped: most pieces): what the table would find, without one.
        (0, _) | (_, 0) | (1, 1) => c.add(Counts::paired(a.len(), b.len())),
        _ => c.add(levenshtein_interned(a, b, PIECE_CELLS).unwrap_or_else(|| Counts::paired(a.len(), b.len()))),
    }
    c
}

/// The common beginning and end of `a` and `b` as hits, and what lies
/// between.
fn trim_common<'t, T: Eq>(a: &'t [T], b: &'t [T]) -> (Counts, &'t [T], &'t [T]) {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let hits = Counts { hits: pre + suf, ..Counts::default() };
    (hits, &a[..a.len() - suf], &b[..b.len() - suf])
}

/// The report's value for counts `c`.
fn rate_of(c: Counts, unit: ErrorUnit, exact: bool) -> ErrorRate {
    let n = c.hits + c.subs + c.dels;
    let errors = c.subs + c.dels + c.ins;
    let rate = if n > 0 {
        errors as f64 / n as f64
    } else if errors > 0 {
        1.0
    } else {
        0.0
    };
    ErrorRate {
        unit,
        reference: "old".into(),
        hits: c.hits,
        substitutions: c.subs,
        deletions: c.dels,
        insertions: c.ins,
        rate,
        exact,
    }
}

/// The tokens of two stretches of key text into lists the caller keeps
/// (cleared first); false when neither stretch holds a letter or digit
/// (between two anchors there is often only the space between sentences).
fn tokens_into<'a, T: Token<'a>>(a: &'a str, b: &'a str, tok: Tokenizer, (ta, tb): (&mut Vec<T>, &mut Vec<T>)) -> bool {
    ta.clear();
    tb.clear();
    if !a.chars().chain(b.chars()).any(alnum) {
        return false;
    }
    T::push(tok, a, ta);
    T::push(tok, b, tb);
    true
}

/// A token as the alignments of the error rate compare it: the text of a
/// word, or the one character of a character token.
trait Token<'a>: Eq + std::hash::Hash + Copy + Send + Sync {
    /// Append the tokens `tok` cuts `key` into.
    fn push(tok: Tokenizer, key: &'a str, out: &mut Vec<Self>);

    /// [`tokens_into`], where the tokens may leave out any common
    /// beginning and end of the two lists (as [`trim_common`] finds them),
    /// returned as hits: `None` when neither text has a token to count.
    fn trimmed_into(a: &'a str, b: &'a str, tok: Tokenizer, lists: (&mut Vec<Self>, &mut Vec<Self>)) -> Option<Counts> {
        tokens_into(a, b, tok, lists).then(Counts::default)
    }
}

impl<'a> Token<'a> for &'a str {
    fn push(tok: Tokenizer, key: &'a str, out: &mut Vec<Self>) {
        tok.tokens(key, out);
    }
}

/// Only for [`ErrorUnit::Char`], whose every token is one character.
impl Token<'_> for char {
    fn push(tok: Tokenizer, key: &str, out: &mut Vec<Self>) {
        debug_assert_eq!(tok.unit, ErrorUnit::Char);
        // What `Tokenizer::tokens` cuts, without the slices.
        tok.char_tokens(key, |_, c| out.push(c));
    }

    /// Without fillers to drop, a character's token is the character if it
    /// is a letter or digit, whatever is around it: the common beginning
    /// and end of the two token lists are found on the texts, and only
    /// what lies between is listed (a sentence with one character changed,
    /// of a book whose every sentence changed, lists one or two).
    fn trimmed_into(a: &str, b: &str, tok: Tokenizer, (ta, tb): (&mut Vec<Self>, &mut Vec<Self>)) -> Option<Counts> {
        if tok.drop_fillers {
            return tokens_into(a, b, tok, (ta, tb)).then(Counts::default);
        }
        ta.clear();
        tb.clear();
        let (pre, [ia, ib], more) = common_tokens(a.char_indices(), b.char_indices(), |i, c| i + c.len_utf8());
        if pre == 0 && more == [false, false] {
            // Neither text has a letter or digit.
            return None;
        }
        let (a, b) = (&a[ia.unwrap_or(0)..], &b[ib.unwrap_or(0)..]);
        let (suf, [ja, jb], _) = common_tokens(a.char_indices().rev(), b.char_indices().rev(), |i, _| i);
        let (a, b) = (&a[..ja.unwrap_or(a.len())], &b[..jb.unwrap_or(b.len())]);
        Self::push(tok, a, ta);
        Self::push(tok, b, tb);
        Some(Counts { hits: pre + suf, ..Counts::default() })
    }
}

/// The letters and digits that two texts (their characters with their
/// byte offsets, in either direction) have in common from where they are
/// read, as [`trim_common`] counts them on the token lists: how many; the
/// byte offset in each text past the last of them (`past` of its offset
/// and character), if there is one; and whether each text has a letter or
/// digit after them.
fn common_tokens(
    a: impl Iterator<Item = (usize, char)>,
    b: impl Iterator<Item = (usize, char)>,
    past: impl Fn(usize, char) -> usize,
) -> (usize, [Option<usize>; 2], [bool; 2]) {
    let (mut a, mut b) = (a.filter(|&(_, c)| alnum(c)), b.filter(|&(_, c)| alnum(c)));
    let (mut n, mut at) = (0, [None, None]);
    loop {
        match (a.next(), b.next()) {
            (Some((i, c)), Some((j, d))) if c == d => {
                n += 1;
                at = [Some(past(i, c)), Some(past(j, d))];
            }
            (x, y) => return (n, at, [x.is_some(), y.is_some()]),
        }
    }
}

/// The counts of a minimum edit alignment of `a` (reference) and `b`
/// (hypothesis); false when a part was too large to align exactly.
pub(crate) fn align<T: Eq + std::hash::Hash>(a: &[T], b: &[T], deadline: Instant) -> (Counts, bool) {
    let (mut c, a, b) = trim_common(a, b);
    if a.is_empty() || b.is_empty() {
        c.dels += a.len();
        c.ins += b.len();
        return (c, true);
    }
    if (a.len() + 1).saturating_mul(b.len() + 1) <= MAX_CELLS {
        c.add(levenshtein_interned(a, b, usize::MAX).expect("no budget"));
        return (c, true);
    }
    // Too large for one table: Myers' shortest insert/delete script first.
    for op in similar::capture_diff_slices_deadline(similar::Algorithm::Myers, a, b, Some(deadline)) {
        match op {
            similar::DiffOp::Equal { len, .. } => c.hits += len,
            similar::DiffOp::Delete { old_len, .. } => c.dels += old_len,
            similar::DiffOp::Insert { new_len, .. } => c.ins += new_len,
            similar::DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let (x, y) = (&a[old_index..old_index + old_len], &b[new_index..new_index + new_len]);
                if (x.len() + 1).saturating_mul(y.len() + 1) <= MAX_CELLS {
                    c.add(levenshtein_interned(x, y, usize::MAX).expect("no budget"));
                } else {
                    c.add(Counts::paired(old_len, new_len));
                }
            }
        }
    }
    (c, false)
}

/// [`levenshtein`] on small integers standing for the tokens: the table
/// compares every token of `a` with every token of `b`, and comparing two
/// numbers is several times cheaper than comparing two strings (a book
/// with every sentence reworded fills tens of millions of cells). `None`
/// when the table would need more than `budget` cells.
fn levenshtein_interned<T: Eq + std::hash::Hash>(a: &[T], b: &[T], budget: usize) -> Option<Counts> {
    if Band::new(a.len(), b.len(), first_k(a.len(), b.len())).cells() > budget {
        return None;
    }
    // A small table (a changed sentence: most pieces) costs less than
    // numbering its tokens.
    if a.len().saturating_mul(b.len()) <= SMALL_TABLE {
        return levenshtein_within(a, b, budget);
    }
    let mut ids: rustc_hash::FxHashMap<&T, u32> = rustc_hash::FxHashMap::default();
    ids.reserve(a.len() + b.len());
    let mut number = |t| {
        let next = ids.len() as u32;
        *ids.entry(t).or_insert(next)
    };
    let a: Vec<u32> = a.iter().map(&mut number).collect();
    let b: Vec<u32> = b.iter().map(&mut number).collect();
    // The bag distance (tokens one side has more of than the other) is a
    // lower bound of the cost, and the band only widens with the bound
    // tried: when the band of the bag distance is over the budget, so is
    // the band in which the search would stop (unrelated text, where
    // `levenshtein_within` would fill ever wider bands up to the budget
    // before giving up).
    let mut surplus = vec![0i64; ids.len()];
    for &x in &a {
        surplus[x as usize] += 1;
    }
    for &x in &b {
        surplus[x as usize] -= 1;
    }
    let (more_a, more_b) = surplus.iter().fold((0, 0), |(p, q), &s| (p + s.max(0), q + (-s).max(0)));
    if Band::new(a.len(), b.len(), more_a.max(more_b) as usize).cells() > budget {
        debug_assert_eq!(levenshtein_within(&a, &b, budget), None);
        return None;
    }
    levenshtein_within(&a, &b, budget)
}

/// Token pairs below which [`levenshtein_interned`] compares the tokens
/// themselves.
const SMALL_TABLE: usize = 1024;

/// Cells the exact tables of one report may fill together (about 8 ms):
/// past them, stretches are cut at the alignment's pairs ([`plan`],
/// [`Between::cut`]) and the rate is an upper bound. Normal pairs use a
/// few per cent of it; sentences permuted through a book would otherwise
/// fill a full table for each stretch between two anchors.
const EXACT_CELLS: usize = 2 * MAX_CELLS;

/// Cells a piece of a stretch may fill before it is paired instead
/// ([`align_or_pair`]): 65,536, a fraction of a millisecond.
const PIECE_CELLS: usize = 1 << 16;

/// The first cost bound tried for `n` against `m` tokens.
fn first_k(n: usize, m: usize) -> usize {
    n.abs_diff(m) + 16
}

/// Exact minimum edit alignment, traced back from the end preferring
/// deletion, substitution, insertion, match (rapidfuzz's choice among
/// equally short alignments).
///
/// Ukkonen's band: an alignment that costs at most `k` never leaves the
/// diagonals within `k` of both the start and the end, so the table is
/// filled only there, and `k` doubles until the cost found is within it.
/// Versions that differ by a few words in a long paragraph fill a thin
/// band instead of the whole square. The band holds every cell of every
/// cheapest alignment with its true value, and no other cell can tie with
/// them, so the traceback takes the same steps as the full table's
/// (`banded_equals_the_full_table`).
#[cfg(test)]
fn levenshtein<T: Eq>(a: &[T], b: &[T]) -> Counts {
    levenshtein_within(a, b, usize::MAX).expect("no budget")
}

/// [`levenshtein`], or `None` once the band would need more than `budget`
/// cells.
fn levenshtein_within<T: Eq>(a: &[T], b: &[T], budget: usize) -> Option<Counts> {
    let (n, m) = (a.len(), b.len());
    let mut k = first_k(n, m);
    TABLE.with_borrow_mut(|d| loop {
        let band = Band::new(n, m, k);
        if band.cells() > budget {
            return None;
        }
        band.fill(a, b, d);
        if band.whole || d[band.at(n, m)] as usize <= k {
            let counts = band.trace(d, a, b);
            if d.capacity() > KEEP_CELLS {
                *d = Vec::new();
            }
            return Some(counts);
        }
        // Quadruple: a pair that is not alike reaches the whole table in
        // few rounds, at most a third more work than filling it at once.
        k = k.saturating_mul(4);
    })
}

thread_local! {
    /// The table, reused: a book's hard shapes fill thousands of them, and
    /// a fresh allocation of each costs more in page faults than the filling.
    static TABLE: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Tables larger than this (in cells) are given back after use.
const KEEP_CELLS: usize = 1 << 20;

/// The diagonals `j - i` in `lo..=hi` of the `(n+1) × (m+1)` table.
///
/// A thin band is stored diagonal by diagonal (`shift` 1: row `i` holds
/// the diagonals `lo..=hi`); the whole table row by row (`shift` 0: row
/// `i` holds the columns `0..=m`). Either way each row is `stride` cells
/// with one [`FAR`] cell on either side, so that a cell's three neighbours
/// are at fixed distances in the store whether or not they are in it.
struct Band {
    n: usize,
    m: usize,
    lo: isize,
    hi: isize,
    stride: usize,
    shift: usize,
    /// The band covers the whole table.
    whole: bool,
}

/// A cell outside the band: larger than any cost, and safe to add 1 to.
const FAR: u32 = u32::MAX / 2;

impl Band {
    /// The cells through which an alignment costing at most `k` can pass,
    /// `|j - i| + |(m - n) - (j - i)| <= k`; the whole table once that is
    /// more than half as wide as a row.
    fn new(n: usize, m: usize, k: usize) -> Band {
        let delta = m as isize - n as isize;
        let spare = (k.saturating_sub(delta.unsigned_abs()) / 2) as isize;
        let (lo, hi) = (delta.min(0) - spare, delta.max(0) + spare);
        if (hi - lo + 1) * 2 > (m + 1) as isize || (lo <= -(n as isize) && hi >= m as isize) {
            return Band { n, m, lo: -(n as isize), hi: m as isize, stride: m + 3, shift: 0, whole: true };
        }
        Band { n, m, lo, hi, stride: (hi - lo + 3) as usize, shift: 1, whole: false }
    }

    /// The cells of the store.
    fn cells(&self) -> usize {
        (self.n + 1).saturating_mul(self.stride)
    }

    /// Index of cell `(i, j)`, which must be in the band.
    fn at(&self, i: usize, j: usize) -> usize {
        let first = if self.whole { 0 } else { i as isize + self.lo };
        i * self.stride + (j as isize - first) as usize + 1
    }

    /// The value of `(i, j)`, [`FAR`] outside the band.
    fn get(&self, d: &[u32], i: usize, j: usize) -> u32 {
        let t = j as isize - i as isize;
        if t < self.lo || t > self.hi {
            FAR
        } else {
            d[self.at(i, j)]
        }
    }

    /// The columns of row `i` in the band.
    fn columns(&self, i: usize) -> std::ops::RangeInclusive<usize> {
        let first = (i as isize + self.lo).max(0) as usize;
        let last = (i as isize + self.hi).min(self.m as isize) as usize;
        first..=last
    }

    /// The edit distances of every prefix pair in the band, in `d`. Cells
    /// never written (outside the band, or `j` past either end) are
    /// [`FAR`].
    fn fill<T: Eq>(&self, a: &[T], b: &[T], d: &mut Vec<u32>) {
        let s = self.stride;
        d.clear();
        d.resize(self.cells(), FAR);
        for j in self.columns(0) {
            let at = self.at(0, j);
            d[at] = j as u32;
        }
        // Offsets of (i-1, j-1) and (i-1, j) from (i, j): a row up, on the
        // same diagonal and the next one (band), or one column left and
        // the same column (whole table); (i, j-1) is always the cell before.
        let (up_left, up) = (s + 1 - self.shift, s - self.shift);
        for i in 1..=self.n {
            let cols = self.columns(i);
            let mut j = *cols.start();
            let end = *cols.end();
            if j == 0 {
                let at = self.at(i, 0);
                d[at] = i as u32;
                j = 1;
            }
            if j > end {
                continue;
            }
            let x = &a[i - 1];
            let first = self.at(i, j);
            for (at, y) in (first..).zip(&b[j - 1..end]) {
                let sub = d[at - up_left] + u32::from(x != y);
                let del = d[at - up] + 1;
                let ins = d[at - 1] + 1;
                d[at] = sub.min(del).min(ins);
            }
        }
    }

    /// Count the steps of the alignment traced back from `(n, m)`.
    fn trace<T: Eq>(&self, d: &[u32], a: &[T], b: &[T]) -> Counts {
        let mut c = Counts::default();
        let (mut i, mut j) = (self.n, self.m);
        while i > 0 || j > 0 {
            let here = self.get(d, i, j);
            if i > 0 && here == self.get(d, i - 1, j) + 1 {
                c.dels += 1;
                i -= 1;
            } else if i > 0 && j > 0 && a[i - 1] != b[j - 1] && here == self.get(d, i - 1, j - 1) + 1 {
                c.subs += 1;
                i -= 1;
                j -= 1;
            } else if j > 0 && here == self.get(d, i, j - 1) + 1 {
                c.ins += 1;
                j -= 1;
            } else {
                debug_assert!(i > 0 && j > 0 && a[i - 1] == b[j - 1] && here == self.get(d, i - 1, j - 1));
                c.hits += 1;
                i -= 1;
                j -= 1;
            }
        }
        c
    }
}

/// The tokens [`error_rate`] scores, for a version segmented with the
/// report's options: for `bench/error_rate.py`, which checks the counts
/// against jiwer on the same sequences.
#[cfg(feature = "internals")]
pub fn scored_tokens(doc: &Document, unit: ErrorUnit, drop_fillers: bool) -> Vec<String> {
    let mut out = Vec::new();
    Tokenizer { unit, drop_fillers }.tokens(&doc.keys, &mut out);
    out.into_iter().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The shortcuts of `align_or_pair` (nothing or one token left on a
        /// side) count what the table counts.
        #[test]
        fn a_piece_counts_what_its_table_counts(
            a in proptest::collection::vec(0u8..4, 0..6),
            b in proptest::collection::vec(0u8..4, 0..6),
        ) {
            let (mut table, x, y) = trim_common(&a, &b);
            table.add(levenshtein_interned(x, y, PIECE_CELLS).expect("a small table"));
            proptest::prop_assert_eq!(align_or_pair(&a, &b), table);
        }

        /// A piece's character tokens listed without their common
        /// beginning and end count what the whole lists count, and `None`
        /// is a piece without letters or digits; with fillers to drop, as
        /// before.
        #[test]
        fn trimmed_character_lists_count_what_whole_lists_count(
            a in "[ab甲乙1 ，。!é]{0,12}",
            b in "[ab甲乙1 ，。!é]{0,12}",
            drop_fillers in proptest::bool::ANY,
        ) {
            let tok = Tokenizer { unit: ErrorUnit::Char, drop_fillers };
            let (mut ta, mut tb) = (vec!['x'], vec!['y']);
            let trimmed = <char as Token>::trimmed_into(&a, &b, tok, (&mut ta, &mut tb)).map(|mut c| {
                c.add(align_or_pair(&ta, &tb));
                c
            });
            let (mut wa, mut wb): (Vec<char>, Vec<char>) = (Vec::new(), Vec::new());
            let whole = tokens_into(&a, &b, tok, (&mut wa, &mut wb)).then(|| align_or_pair(&wa, &wb));
            proptest::prop_assert_eq!(trimmed, whole);
        }
    }

    #[test]
    fn sentence_counts_given_ahead_change_nothing() {
        use crate::input::{LineFilter, Source};
        let old = "互联网是人类的共同家园。各国应该加强合作。Um, we will open wider. The end.\n一般规定。";
        let new = "互联网是人类共同的家园。各国应该加强合作。We will open wider. The end.\n一般规定。新增一句。";
        let norm = crate::NormalizeOptions::default();
        let seg = |t: &str| crate::segment::segment(&Source::from_text("t", t), &LineFilter::default(), &norm);
        let (od, nd) = (seg(old), seg(new));
        let opts = crate::diff::DiffOptions {
            threshold: 0.5,
            detect_moves: true,
            move_threshold: Some(0.6),
            deadline: Instant::now() + std::time::Duration::from_secs(60),
        };
        let rows = crate::diff::diff(&od, &nd, &opts);
        for unit in [ErrorUnit::Word, ErrorUnit::Char] {
            for drop_fillers in [false, true] {
                let tok = Tokenizer { unit, drop_fillers };
                let counts = sentence_counts(&od, tok, &AtomicBool::new(false));
                assert_eq!(counts.len(), od.sentences.len());
                assert!(sentence_counts(&od, tok, &AtomicBool::new(true)).is_empty(), "stopped before it began");
                let here = error_rate(&od, &nd, &rows, tok, &[], opts.deadline);
                // All counted ahead, or only the first ones (the count was
                // stopped when the anchoring was done).
                for ahead in [&counts[..], &counts[..counts.len() / 2]] {
                    let ahead = error_rate(&od, &nd, &rows, tok, ahead, opts.deadline);
                    assert_eq!(format!("{ahead:?}"), format!("{here:?}"), "{unit:?}, fillers dropped: {drop_fillers}");
                }
            }
        }
    }

    #[test]
    fn table_cells_are_counted_exactly_up_to_the_limit() {
        // Texts longer than a chunk, with words that would span a chunk's
        // end if it were cut anywhere: English, Chinese without spaces,
        // a mix, and one side much shorter than the other.
        let en = "It's 6.7 percent, up 1,300 at 10:30 — don't count twice. ".repeat(700);
        let zh = "互联网是人类的共同家园，让各国人民了解中华优秀传统文化。".repeat(500);
        let mixed = format!("{en}{zh}{en}");
        let short = "a few words, 中文 too";
        for unit in [ErrorUnit::Word, ErrorUnit::Char] {
            for drop_fillers in [false, true] {
                let tok = Tokenizer { unit, drop_fillers };
                for (a, b) in
                    [(&en[..], &zh[..]), (&mixed[..], short), (short, &mixed[..]), (&en[..], &en[..]), (short, short)]
                {
                    let exact = (tok.count(a) + 1) * (tok.count(b) + 1);
                    for limit in [0, 100, exact - 1, exact, exact + 1, usize::MAX] {
                        let got = cells_within(tok, a, b, limit);
                        if exact <= limit {
                            assert_eq!(got, exact, "{unit:?} {limit}");
                        } else {
                            assert!(got > limit, "{unit:?} {limit}: {got}");
                        }
                    }
                }
            }
        }
    }

    fn far() -> Instant {
        Instant::now() + std::time::Duration::from_secs(60)
    }

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    fn counts(a: &str, b: &str) -> (usize, usize, usize, usize) {
        let (c, exact) = align(&words(a), &words(b), far());
        assert!(exact);
        (c.hits, c.subs, c.dels, c.ins)
    }

    /// The whole table, as `levenshtein` filled it before the band: the
    /// reference the band must agree with.
    fn full_table<T: Eq>(a: &[T], b: &[T]) -> Counts {
        let (n, m) = (a.len(), b.len());
        let w = m + 1;
        let mut d = vec![0u32; (n + 1) * w];
        for (j, cell) in d[..w].iter_mut().enumerate() {
            *cell = j as u32;
        }
        for i in 1..=n {
            let row = i * w;
            d[row] = i as u32;
            for j in 1..=m {
                let sub = d[row - w + j - 1] + u32::from(a[i - 1] != b[j - 1]);
                let del = d[row - w + j] + 1;
                let ins = d[row + j - 1] + 1;
                d[row + j] = sub.min(del).min(ins);
            }
        }
        let mut c = Counts::default();
        let (mut i, mut j) = (n, m);
        while i > 0 || j > 0 {
            let here = d[i * w + j];
            if i > 0 && here == d[(i - 1) * w + j] + 1 {
                c.dels += 1;
                i -= 1;
            } else if i > 0 && j > 0 && a[i - 1] != b[j - 1] && here == d[(i - 1) * w + j - 1] + 1 {
                c.subs += 1;
                i -= 1;
                j -= 1;
            } else if j > 0 && here == d[i * w + j - 1] + 1 {
                c.ins += 1;
                j -= 1;
            } else {
                debug_assert!(i > 0 && j > 0 && a[i - 1] == b[j - 1] && here == d[(i - 1) * w + j - 1]);
                c.hits += 1;
                i -= 1;
                j -= 1;
            }
        }
        c
    }

    #[test]
    fn banded_equals_the_full_table() {
        // A small deterministic generator: pairs alike and unlike, of
        // every length up to 60 over alphabets of 2 to 6 letters.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for _ in 0..3000 {
            let letters = 2 + next(5);
            let n = next(60) as usize;
            let a: Vec<u64> = (0..n).map(|_| next(letters)).collect();
            // b: a with a few edits, or unrelated.
            let b: Vec<u64> = if next(4) == 0 {
                (0..next(60)).map(|_| next(letters)).collect()
            } else {
                let mut b = a.clone();
                for _ in 0..next(8) {
                    let at = next(b.len() as u64 + 1) as usize;
                    match next(3) {
                        0 if at < b.len() => b[at] = next(letters),
                        1 if at < b.len() => drop(b.remove(at)),
                        _ => b.insert(at, next(letters)),
                    }
                }
                b
            };
            let (x, y) = (levenshtein(&a, &b), full_table(&a, &b));
            assert_eq!((x.hits, x.subs, x.dels, x.ins), (y.hits, y.subs, y.dels, y.ins), "{a:?} {b:?}");
        }
    }

    #[test]
    fn counts_agree_with_jiwer_on_ties() {
        // Values from jiwer 4.0 (rapidfuzz 3.14): process_words(ref, hyp).
        assert_eq!(counts("a b", "b c"), (0, 2, 0, 0));
        assert_eq!(counts("a b c d", "b x y z"), (0, 4, 0, 0));
        assert_eq!(counts("x a b", "a b y"), (2, 0, 1, 1));
        assert_eq!(counts("the cat sat on the mat", "the cat sat on mat"), (5, 0, 1, 0));
        assert_eq!(counts("", "a b"), (0, 0, 0, 2));
        assert_eq!(counts("a b", ""), (0, 0, 2, 0));
    }

    #[test]
    fn tokens_follow_the_unit() {
        let tok = |unit, s: &'static str| {
            let mut out = Vec::new();
            Tokenizer { unit, drop_fillers: true }.tokens(s, &mut out);
            out
        };
        assert_eq!(
            tok(ErrorUnit::Word, "we don't, um, say 6.7 well-known"),
            ["we", "don't", "say", "6.7", "well", "known"]
        );
        assert_eq!(tok(ErrorUnit::Word, "在华 APEC 投资。"), ["在", "华", "APEC", "投", "资"]);
        assert_eq!(tok(ErrorUnit::Char, "呃，在华 AB 6.7亿。"), ["在", "华", "A", "B", "6", "7", "亿"]);
        assert_eq!(tok(ErrorUnit::Char, "那个，在华那个人"), ["在", "华", "人"]);
    }

    #[test]
    fn counting_agrees_with_tokenising() {
        let samples = [
            "we don't, um, say 6.7 well-known 1,300 at 10:30 a.b 'quoted' it's''s",
            "在华 APEC 投资。6.7亿 x'y z:1 1:z ,,a",
            "o'clock 3.14.15 a''b '' 7,,8 ",
            "",
            "   ",
            "é'b ünïcode words",
            "Pávlovna’s “Well,” — 2,5 中’a a’中 x.中 9:中",
        ];
        for unit in [ErrorUnit::Word, ErrorUnit::Char] {
            for drop_fillers in [false, true] {
                let t = Tokenizer { unit, drop_fillers };
                for s in samples {
                    let mut v = Vec::new();
                    t.tokens(s, &mut v);
                    assert_eq!(t.count(s), v.len(), "{unit:?} {drop_fillers} {s:?}: {v:?}");
                }
            }
        }
    }

    #[test]
    fn character_tokens_are_the_tokens_characters() {
        let samples = [
            "呃，在华 AB 6.7亿。",
            "那个，在华那个人，嗯，um we don't say 6.7",
            "é'b ünïcode words Pávlovna’s “Well,” — 2,5 中’a",
            "",
            "，。 ",
        ];
        // And random keys of fillers, letters, digits, marks and spaces.
        let alphabet: Vec<char> = "那个嗯呃啊在华umhe6.7,'’ ，。x".chars().collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let random: Vec<String> = (0..500).map(|_| random_key(&alphabet, &mut seed, 24)).collect();
        for drop_fillers in [false, true] {
            let t = Tokenizer { unit: ErrorUnit::Char, drop_fillers };
            for s in samples.iter().copied().chain(random.iter().map(String::as_str)) {
                let mut slices: Vec<&str> = Vec::new();
                t.tokens(s, &mut slices);
                assert!(slices.iter().all(|w| w.chars().count() == 1), "{s:?}: {slices:?}");
                let mut chars: Vec<char> = Vec::new();
                <char as Token>::push(t, s, &mut chars);
                assert_eq!(chars, slices.iter().map(|w| w.chars().next().unwrap()).collect::<Vec<_>>(), "{s:?}");
            }
        }
    }

    /// A random key of fewer than `max` characters of `alphabet`
    /// (xorshift on `seed`).
    fn random_key(alphabet: &[char], seed: &mut u64, max: u64) -> String {
        let len = (*seed % max) as usize;
        (0..len)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                alphabet[(*seed % alphabet.len() as u64) as usize]
            })
            .collect()
    }

    /// The byte path for ASCII keys cuts as the character path does.
    #[test]
    fn ascii_words_are_cut_as_characters_are() {
        let alphabet: Vec<char> = "ab'Z09.,: -'x1.2,3:4um".chars().collect();
        let mut seed = 0x1234_5678_9ABC_DEF1u64;
        for _ in 0..20_000 {
            let key = random_key(&alphabet, &mut seed, 24);
            for drop_fillers in [false, true] {
                let t = Tokenizer { unit: ErrorUnit::Word, drop_fillers };
                let (mut fast, mut chars) = (Vec::new(), Vec::new());
                t.word_tokens(&key, &mut fast);
                t.word_tokens_chars(&key, &mut chars);
                assert_eq!(fast, chars, "{key:?}");
            }
        }
    }

    /// The path for mixed text cuts as the character path does.
    #[test]
    fn mixed_words_are_cut_as_characters_are() {
        let alphabet: Vec<char> = "ab'Z0 9.,:-’é中文〇 um呃\u{3400}“”—x1Ä".chars().collect();
        let mut seed = 0x0A1B_2C3D_4E5F_6071u64;
        for _ in 0..20_000 {
            let key = random_key(&alphabet, &mut seed, 20);
            for drop_fillers in [false, true] {
                let t = Tokenizer { unit: ErrorUnit::Word, drop_fillers };
                let (mut fast, mut chars) = (Vec::new(), Vec::new());
                t.word_tokens_mixed(&key, &mut fast);
                t.word_tokens_chars(&key, &mut chars);
                assert_eq!(fast, chars, "{key:?}");
            }
        }
    }

    /// Counting agrees with tokenising on random text of every kind of
    /// character the two tell apart.
    #[test]
    fn counting_agrees_with_tokenising_on_random_text() {
        let alphabet: Vec<char> = "ab'Z0 9.,:-’é中文〇 um呃\u{3400}“”—x1".chars().collect();
        let mut seed = 0x0F1E_2D3C_4B5A_6978u64;
        for _ in 0..20_000 {
            let key = random_key(&alphabet, &mut seed, 20);
            for unit in [ErrorUnit::Word, ErrorUnit::Char] {
                for drop_fillers in [false, true] {
                    let t = Tokenizer { unit, drop_fillers };
                    let mut v = Vec::new();
                    t.tokens(&key, &mut v);
                    assert_eq!(t.count(&key), v.len(), "{unit:?} {drop_fillers} {key:?}: {v:?}");
                }
            }
        }
    }

    #[test]
    fn rates_on_small_pairs() {
        let r = rate_of(Counts { hits: 8, subs: 1, dels: 1, ins: 2 }, ErrorUnit::Word, true);
        assert!((r.rate - 0.4).abs() < 1e-12);
        assert_eq!(r.label(), "WER 40.00% (S 1, D 1, I 2 of 10 words)");
        assert_eq!(rate_of(Counts::default(), ErrorUnit::Char, true).rate, 0.0);
        assert_eq!(rate_of(Counts { ins: 3, ..Counts::default() }, ErrorUnit::Char, true).rate, 1.0);
    }

    #[test]
    fn a_stretch_too_large_for_the_table_is_an_upper_bound() {
        let a: Vec<u32> = (0..3000).collect();
        let mut b = a.clone();
        b[1500] = 99_999;
        b.insert(10, 77_777);
        b.remove(2900);
        let (c, exact) = align(&a, &b, far());
        assert!(!exact);
        assert_eq!((c.subs + c.dels + c.ins), 3);
        assert_eq!(c.hits + c.subs + c.dels, 3000);
    }
}
