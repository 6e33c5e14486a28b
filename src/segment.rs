//! Stage 3: segmentation — split a version into sentences.
//!
//! Sentences are the unit tvdiff aligns, so they must be cut the same way in
//! every version even though the versions wrap lines differently. The
//! segmenter therefore works on normalised key characters (so `!` and `！`
//! behave alike) in two steps:
//!
//! 1. **Join lines into blocks.** A line that ends a sentence ends its block.
//!    A line without final punctuation is joined to the next one when it
//!    looks wrapped: it is long (≥ 40 columns, or ≥ 80 across a blank line,
//!    as PDF extraction leaves them), the next line starts with a lower-case
//!    letter, or the line itself was already a continuation (so a short
//!    fragment left alone by a PDF break is still joined). A short line that
//!    is not a continuation — a title, dateline, heading or a salutation
//!    such as `尊敬的侯赛因总统，` — is a block, and so a sentence, of its own.
//!    A line dropped by `--lang` or `--ignore-lines` ends the block before it.
//! 2. **Split blocks at sentence ends.** Chinese: `。！？；…` (and their
//!    half-width forms after Han text). English: `.!?` followed by a space
//!    and a word that is not lower-case, unless the word before the full
//!    stop is an abbreviation (`Mr.`, `Dr.`, `No.`, `U.S.`, `e.g.`), an
//!    initial (`J.`) or a list number at the start of a line (`95.`).
//!    Decimals and times (`1.3`, `10:30`) have no space after the mark and
//!    never split. Closing quotes and brackets stay with their sentence.
//!
//! An article, chapter or heading line (`第四十二条　…`, `第二章　总则`,
//! `Article 12`, `# Title`: see `crate::structure`) always starts a block,
//! and a line that is only such a heading is a block of its own.
//!
//! As each sentence's key is written, it is hashed for the anchoring
//! (`crate::diff::anchor`) while its bytes are still in cache: by its own
//! text, or, when it starts a numbered unit, by its text with the unit's
//! number masked ([`Document::masked_keys`]).
//!
//! Heuristics can cut two versions differently, and versions themselves
//! punctuate differently; neither matters for what is reported: sentences
//! are how a report is read, but versions are aligned word by word wherever
//! they differ (see `crate::diff`).

use crate::chars::{is_cjk, is_punct};
use crate::input::{LineFilter, LineStatus, Source};
use crate::normalize::{join_line, normalize_line_marked, NChar, NormalizeOptions};
use std::collections::VecDeque;
use std::ops::Range;

/// Longest sentence, in key characters, before it is cut at a clause mark.
/// Keeps hostile input (megabytes without punctuation) from producing one
/// giant sentence.
pub const MAX_SENTENCE_CHARS: usize = 1000;

/// A line at least this wide (display columns) is taken as wrapped.
const WRAPPED_WIDTH: usize = 40;
/// Across a blank line, only a line this wide is taken as broken mid-sentence.
const BROKEN_WIDTH: usize = 80;

/// One sentence of a version. Its ranges are held in 32 bits (a source
/// is under 4 GiB: see [`crate::normalize::NChar`]): a book is tens of
/// thousands of sentences, written while it is segmented, and at 28 bytes
/// rather than 56 they are half the fresh memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Key characters: see [`Sentence::chars`].
    char_range: [u32; 2],
    /// Source bytes: see [`Sentence::start`].
    byte_range: [u32; 2],
    /// Key bytes: see [`Sentence::key`].
    key_range: [u32; 2],
    /// A dropped line (or the start of the text) comes right before this
    /// sentence: it must not be merged with the previous one.
    pub hard_break_before: bool,
}

impl Sentence {
    /// A sentence of key characters `chars`, source bytes `start..end`
    /// and key bytes `key`.
    fn new(chars: Range<usize>, (start, end): (usize, usize), key: Range<usize>, hard_break_before: bool) -> Self {
        let narrow = |r: Range<usize>| [r.start as u32, r.end as u32];
        debug_assert!([chars.end, end, key.end].iter().all(|&x| u32::try_from(x).is_ok()));
        Sentence {
            char_range: narrow(chars),
            byte_range: narrow(start..end),
            key_range: narrow(key),
            hard_break_before,
        }
    }

    /// The key characters, as document-wide key-character indices (see
    /// [`Document::chars`]).
    #[inline]
    pub fn chars(&self) -> Range<usize> {
        self.char_range[0] as usize..self.char_range[1] as usize
    }

    /// Byte range of the sentence in the original text: its start.
    #[inline]
    pub fn start(&self) -> usize {
        self.byte_range[0] as usize
    }

    /// End byte (exclusive).
    #[inline]
    pub fn end(&self) -> usize {
        self.byte_range[1] as usize
    }

    /// Byte range of the comparison key in [`Document::keys`] (see
    /// [`Document::key`]).
    #[inline]
    pub fn key(&self) -> Range<usize> {
        self.key_range[0] as usize..self.key_range[1] as usize
    }

    /// The original text of the sentence.
    #[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start()..self.end()]
    }
}

/// A key character that [`Document`] cannot infer: see there.
///
/// Eight bytes a record (a Chinese text has an irregular character in
/// six or seven, each mark of punctuation): the character's index, and
/// packed in `meta` its rules, the length of its source and where its
/// source starts, counted from its *base*: the start of its sentence's
/// source when it is a sentence's first key character, else the end of
/// the key character before it (nearly always where it starts itself, or
/// a dropped mark or line break before it). Its key byte is not kept: a
/// decoding walks the key text from a sentence's start, whose key byte
/// the sentence holds. A length or an offset too large for its bits is
/// kept aside, by index (`Document::long_ends`, `Document::far_starts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Irregular {
    /// Document-wide index of the character.
    index: u32,
    /// Rules (low [`RULE_BITS`]), source length ([`LEN_BITS`]) and start
    /// counted from the base (the rest).
    meta: u32,
}

/// Bits of [`Irregular::meta`] for the rules: every [`Rule`]'s bit.
const RULE_BITS: u32 = 10;
/// Bits for the source's length.
const LEN_BITS: u32 = 8;
const _: () = assert!(crate::normalize::Rule::ALL.len() as u32 <= RULE_BITS);
/// The length of a character whose source is this long or longer, or
/// ends before it starts: its end is in `Document::long_ends`.
const LONG: u32 = (1 << LEN_BITS) - 1;
/// The offset from the base of a character whose source starts this far
/// or farther from it, or before it: its start is in
/// `Document::far_starts`.
const FAR: u32 = (1 << (32 - RULE_BITS - LEN_BITS)) - 1;

impl Irregular {
    fn rules(self) -> u16 {
        (self.meta & ((1 << RULE_BITS) - 1)) as u16
    }

    fn len(self) -> u32 {
        (self.meta >> RULE_BITS) & LONG
    }

    fn offset(self) -> u32 {
        self.meta >> (RULE_BITS + LEN_BITS)
    }
}

/// Where [`Document`]'s decoding of key characters starts: key character
/// `index` at key byte `key_byte`, whose source starts at byte `source`
/// unless it is irregular; `first` is the first irregular character at or
/// after it (in `Document::irregular`), `sentence` the first sentence
/// that starts at or after it.
#[derive(Debug, Clone, Copy)]
struct Start {
    index: u32,
    key_byte: u32,
    source: u32,
    first: usize,
    sentence: usize,
}

/// The base an irregular character's start is counted from (see
/// [`Irregular`]), for characters met in order: its sentence's start if it
/// starts one, else where the character before it ended.
struct Bases<'a> {
    sentences: &'a [Sentence],
    /// The first sentence that may start at or after the next character.
    next: usize,
}

impl Bases<'_> {
    #[inline]
    fn base(&mut self, index: u32, prev_end: u32) -> u32 {
        while self.sentences.get(self.next).is_some_and(|s| s.char_range[0] < index) {
            self.next += 1;
        }
        match self.sentences.get(self.next) {
            Some(s) if s.char_range[0] == index => s.byte_range[0],
            _ => prev_end,
        }
    }
}

/// A version cut into sentences.
///
/// Key characters with their source ranges ([`NChar`]) take 16 bytes per
/// character, several times the size of the text, and only the sentences
/// that changed (and equal sentences whose original text differs, to count
/// the noise) ever need them. A document therefore keeps the key text of
/// the whole version in one string, and stores an `NChar` only for the few
/// *irregular* characters: those that a rule changed, that do not start
/// where the previous one ended (after a line break, a dropped space or an
/// invisible character) or whose source is not the character itself, and
/// the first character of every block. Every other key character is its
/// own original text, unchanged by any rule, right after the previous one:
/// its `NChar` is the character, where the previous one ended, its UTF-8
/// length long, with no rule. [`Document::chars`] and [`CharCursor`] rebuild the `NChar`s
/// exactly from the two. A sentence is rebuilt on its own from its start:
/// its first key character's key byte, index and source byte are the
/// sentence's own (with punctuation dropped from the keys, where a
/// sentence's source may start at a dropped mark, its first character is
/// stored as irregular whatever it is).
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The sentences, in order.
    pub sentences: Vec<Sentence>,
    /// The key characters of the whole version, in order, as text (the
    /// text between sentences included).
    pub keys: String,
    /// Number of key characters.
    pub key_chars: usize,
    /// Lines that took part.
    pub lines_kept: usize,
    /// Lines removed by the language filter or `--ignore-lines`.
    pub lines_dropped: usize,
    /// The irregular key characters, by index.
    irregular: Vec<Irregular>,
    /// The ends of the irregular characters whose [`Irregular::len`] is
    /// [`LONG`], by index, in order.
    long_ends: Vec<(u32, u32)>,
    /// The starts of the irregular characters whose [`Irregular::offset`]
    /// is [`FAR`], by index, in order.
    far_starts: Vec<(u32, u32)>,
    /// While the document is built: where the last key character written
    /// ends in the source, and the index and source start of the sentence
    /// being written (the bases of its irregular characters).
    last_end: u32,
    sentence_first: (u32, u32),
    /// For each sentence, the index in `irregular` of the first irregular
    /// character at or after its start.
    first_irregular: Vec<u32>,
    /// For each sentence, [`crate::hash::key_hash`] of the key it anchors
    /// by (its masked key if it has one, see `masked`), taken as the key is
    /// written (its bytes still in cache).
    hashes: Vec<u64>,
    /// The sentences that start a numbered unit, by index, in order, with
    /// their keys with the unit's number masked
    /// ([`crate::structure::mask_label`]): they anchor by these.
    masked: Vec<(usize, String)>,
    /// The text, or its key text, passed what 32-bit offsets reach (see
    /// [`KEY_LIMIT`]): the document stops there, and the comparison
    /// refuses it.
    pub(crate) oversized: bool,
}

/// Bytes of text and of key text, and key characters, a document holds
/// at most: offsets into them are 32-bit ([`NChar`], the irregular
/// characters, [`Sentence`]). A key can be several times its text
/// (`U+FDFA` is 18 characters, 33 bytes), so even a text under the
/// default size limit could pass it.
pub(crate) const KEY_LIMIT: usize = u32::MAX as usize;

impl Document {
    /// The comparison key of sentence `i`.
    pub fn key(&self, i: usize) -> &str {
        &self.keys[self.sentences[i].key()]
    }

    /// [`crate::hash::key_hash`] of the key every sentence anchors by
    /// (see [`Document::masked_keys`]), in order.
    pub(crate) fn anchor_hashes(&self) -> &[u64] {
        &self.hashes
    }

    /// The sentences that start a numbered unit (a few headings), by
    /// index, in order, with their keys with the unit's number masked
    /// (`第九条农村…` → `第#条农村…`): a renumbered article anchors with
    /// its old self.
    pub(crate) fn masked_keys(&self) -> &[(usize, String)] {
        &self.masked
    }

    /// Key characters with document-wide indices `range` (text between
    /// sentences included). Costs time in proportion to the range, counted
    /// from the start of the sentence it begins in.
    pub fn chars(&self, range: Range<usize>) -> Vec<NChar> {
        let mut out = Vec::with_capacity(range.len());
        self.chars_into(range, &mut out);
        out
    }

    /// Every key character of the document.
    pub fn all_chars(&self) -> Vec<NChar> {
        self.chars(0..self.key_chars)
    }

    /// Key characters of sentence `i`.
    #[cfg_attr(not(any(test, feature = "internals")), allow(dead_code))]
    pub fn sentence_chars(&self, i: usize) -> Vec<NChar> {
        self.chars(self.sentences[i].chars())
    }

    /// [`Document::chars`] into `out` (cleared first).
    fn chars_into(&self, range: Range<usize>, out: &mut Vec<NChar>) {
        // Decode forward from the start of the last sentence that starts at
        // or before the range (or from the document's start).
        let sentence = self.sentences.partition_point(|s| s.chars().start <= range.start);
        let start = sentence.checked_sub(1).and_then(|s| self.sentence_start(s));
        let start = start.unwrap_or(Start { index: 0, key_byte: 0, source: 0, first: 0, sentence: 0 });
        self.chars_from(start, range, out)
    }

    /// [`Document::chars_into`] for a range that starts sentence
    /// `sentence` (or inside it): decoded from the sentence's start,
    /// without searching for the last irregular character before the range.
    fn sentence_chars_into(&self, sentence: usize, range: Range<usize>, out: &mut Vec<NChar>) {
        match self.sentence_start(sentence) {
            Some(start) if start.index as usize <= range.start => self.chars_from(start, range, out),
            _ => self.chars_into(range, out),
        }
    }

    /// Where sentence `sentence` starts, to decode from.
    fn sentence_start(&self, sentence: usize) -> Option<Start> {
        let (s, &first) = (self.sentences.get(sentence)?, self.first_irregular.get(sentence)?);
        Some(Start {
            index: s.char_range[0],
            key_byte: s.key_range[0],
            source: s.byte_range[0],
            first: first as usize,
            sentence,
        })
    }

    /// Key characters `range` into `out` (cleared first), decoded from
    /// `start`, which must be at or before the range.
    fn chars_from(&self, start: Start, range: Range<usize>, out: &mut Vec<NChar>) {
        out.clear();
        let range = range.start..range.end.min(self.key_chars);
        if range.is_empty() {
            return;
        }
        debug_assert!(start.index as usize <= range.start);
        debug_assert!(self.irregular[..start.first].last().is_none_or(|x| x.index < start.index));
        let mut irregular = self.irregular[start.first..].iter().peekable();
        let mut bases = Bases { sentences: &self.sentences, next: start.sentence };
        let mut at = start.source;
        for (index, ch) in (start.index as usize..).zip(self.keys[start.key_byte as usize..].chars()) {
            if index >= range.end {
                break;
            }
            let c = match irregular.next_if(|x| x.index as usize == index) {
                Some(&x) => self.nchar(x, ch, bases.base(x.index, at)),
                None => NChar { ch, start: at, end: at + ch.len_utf8() as u32, rules: 0 },
            };
            at = c.end;
            if index >= range.start {
                out.push(c);
            }
        }
    }

    /// Walk two ranges with equal key text, of `a` and of `b`, in step, and
    /// call `f(a_char, b_char, prev_ends)` at each position where either
    /// character is irregular (`prev_ends`: where the characters before
    /// ended, `None` at the ranges' first character). At every other
    /// position both characters are their own original text right after
    /// the previous one, so the two versions cannot differ there. Both
    /// ranges must start at a sentence; returns false (calling nothing)
    /// when the ranges' key texts differ.
    pub fn walk_irregular_pairs(
        a: &Document,
        ar: Range<usize>,
        b: &Document,
        br: Range<usize>,
        f: impl FnMut(&NChar, &NChar, Option<(u32, u32)>),
    ) -> bool {
        let (Some((ka, sa)), Some((kb, sb))) = (a.key_range(&ar), b.key_range(&br)) else {
            return ar.is_empty() && br.is_empty();
        };
        match (a.sentence_start(sa), b.sentence_start(sb)) {
            (Some(xa), Some(xb)) => Self::walk_from(a, ar, ka, xa, b, br, kb, xb, f),
            _ => ar.is_empty() && br.is_empty(),
        }
    }

    /// [`Document::walk_irregular_pairs`] of ranges that are whole
    /// sentences, `asent` of `a` and `bsent` of `b` (as the rows of an
    /// alignment give them): the key bytes and the first irregular
    /// characters are known from the sentences, without a search.
    pub fn walk_irregular_sentence_pairs(
        a: &Document,
        asent: Range<usize>,
        ar: Range<usize>,
        b: &Document,
        bsent: Range<usize>,
        br: Range<usize>,
        f: impl FnMut(&NChar, &NChar, Option<(u32, u32)>),
    ) -> bool {
        let whole =
            |d: &Document, s: &Range<usize>, r: &Range<usize>| Some((d.whole_key(s, r)?, d.sentence_start(s.start)?));
        match (whole(a, &asent, &ar), whole(b, &bsent, &br)) {
            (Some((ka, xa)), Some((kb, xb))) => {
                debug_assert_eq!(a.key_range(&ar), Some((ka.clone(), asent.start)));
                debug_assert_eq!(b.key_range(&br), Some((kb.clone(), bsent.start)));
                Self::walk_from(a, ar, ka, xa, b, br, kb, xb, f)
            }
            _ => Self::walk_irregular_pairs(a, ar, b, br, f),
        }
    }

    /// The walk of [`Document::walk_irregular_pairs`], from key bytes
    /// `ka`/`kb`, the ranges' starts `xa`/`xb` (sentence starts) on.
    #[allow(clippy::too_many_arguments)]
    fn walk_from(
        a: &Document,
        ar: Range<usize>,
        ka: Range<usize>,
        xa: Start,
        b: &Document,
        br: Range<usize>,
        kb: Range<usize>,
        xb: Start,
        mut f: impl FnMut(&NChar, &NChar, Option<(u32, u32)>),
    ) -> bool {
        if a.keys[ka.clone()] != b.keys[kb.clone()] {
            return false;
        }
        let keys = &a.keys[ka.clone()];
        let (mut ia, mut ib) = (xa.first, xb.first);
        debug_assert_eq!(ia, a.irregular.partition_point(|x| (x.index as usize) < ar.start));
        debug_assert_eq!(ib, b.irregular.partition_point(|x| (x.index as usize) < br.start));
        debug_assert_eq!((xa.index as usize, xb.index as usize), (ar.start, br.start));
        let mut bases_a = Bases { sentences: &a.sentences, next: xa.sentence };
        let mut bases_b = Bases { sentences: &b.sentences, next: xb.sentence };
        // After the last position handled: its successor's position and
        // key byte, and per side where its source ended; before the first,
        // the range's own start (a regular first character starts there).
        let (mut next, mut next_byte) = (0, 0);
        let (mut ea, mut eb) = (xa.source, xb.source);
        loop {
            let pending = |d: &Document, i: usize, r: &Range<usize>| {
                d.irregular.get(i).filter(|x| (x.index as usize) < r.end).map(|x| x.index as usize - r.start)
            };
            let p = match (pending(a, ia, &ar), pending(b, ib, &br)) {
                (None, None) => break,
                (x, y) => x.unwrap_or(usize::MAX).min(y.unwrap_or(usize::MAX)),
            };
            let here = |d: &Document, i: usize, r: &Range<usize>| {
                d.irregular.get(i).filter(|x| x.index as usize == r.start + p).copied()
            };
            let (xa, xb) = (here(a, ia, &ar), here(b, ib, &br));
            // The key character at p: the characters since the last handled
            // one were regular on both sides.
            let rest = &keys[next_byte..];
            let skipped = char_offset(rest, p - next);
            let Some(ch) = rest[skipped..].chars().next() else {
                debug_assert!(false, "position {p} is inside the key text");
                break;
            };
            let byte = next_byte + skipped;
            let len = ch.len_utf8();
            // A regular character starts where the previous one ended (each
            // regular one is its own text, as long as its key bytes).
            let side = |d: &Document, x: Option<Irregular>, bases: &mut Bases, end: u32| {
                let prev_end = end + skipped as u32;
                let c = match x {
                    Some(x) => d.nchar(x, ch, bases.base(x.index, prev_end)),
                    None => NChar { ch, start: prev_end, end: prev_end + len as u32, rules: 0 },
                };
                (c, prev_end)
            };
            let ((ca, pa), (cb, pb)) = (side(a, xa, &mut bases_a, ea), side(b, xb, &mut bases_b, eb));
            // Nothing comes before the range's first character.
            f(&ca, &cb, (p > 0).then_some((pa, pb)));
            (next, next_byte) = (p + 1, byte + len);
            (ea, eb) = (ca.end, cb.end);
            ia += usize::from(xa.is_some());
            ib += usize::from(xb.is_some());
        }
        true
    }

    /// The key bytes of key characters `r` when they are sentences
    /// `sentences` whole (a row of the alignment nearly always is): known
    /// from the sentences, without a search.
    pub(crate) fn whole_key(&self, sentences: &Range<usize>, r: &Range<usize>) -> Option<Range<usize>> {
        let first = self.sentences.get(sentences.start)?;
        let last = self.sentences.get(sentences.end.checked_sub(1)?)?;
        (sentences.start < sentences.end && first.chars().start == r.start && last.chars().end == r.end)
            .then_some(first.key().start..last.key().end)
    }

    /// The key bytes of key characters `range`, when it starts and ends at
    /// sentence boundaries, and the sentence it starts.
    fn key_range(&self, range: &Range<usize>) -> Option<(Range<usize>, usize)> {
        let first = self.sentences.partition_point(|s| s.chars().start < range.start);
        let last = self.sentences.partition_point(|s| s.chars().end <= range.end);
        let (s, e) = (self.sentences.get(first)?, self.sentences.get(last.checked_sub(1)?)?);
        (s.chars().start == range.start && e.chars().end == range.end && first < last)
            .then_some((s.key().start..e.key().end, first))
    }

    /// Append a key character that stands for the break between two
    /// blocks (see `Builder::flush`). It belongs to no sentence.
    fn push_separator(&mut self, c: NChar) {
        self.push_irregular(self.key_chars as u32, &c, self.last_end);
        self.keys.push(c.ch);
        self.key_chars += 1;
        self.last_end = c.end;
    }

    /// Record key character `index` as irregular: its source is `c`'s; the
    /// key character before it ended at `prev_end`.
    fn push_irregular(&mut self, index: u32, c: &NChar, prev_end: u32) {
        let base = if index == self.sentence_first.0 { self.sentence_first.1 } else { prev_end };
        let offset = match c.start.checked_sub(base).filter(|&o| o < FAR) {
            Some(offset) => offset,
            None => {
                self.far_starts.push((index, c.start));
                FAR
            }
        };
        let len = match c.end.checked_sub(c.start).filter(|&l| l < LONG) {
            Some(len) => len,
            None => {
                self.long_ends.push((index, c.end));
                LONG
            }
        };
        debug_assert!(u32::from(c.rules) < 1 << RULE_BITS, "{c:?}");
        let meta = u32::from(c.rules) | len << RULE_BITS | offset << (RULE_BITS + LEN_BITS);
        self.irregular.push(Irregular { index, meta });
    }

    /// Irregular character `x`, key character `ch`, with its source range;
    /// `base` as [`Bases`] gives it.
    #[inline]
    fn nchar(&self, x: Irregular, ch: char, base: u32) -> NChar {
        let aside = |list: &[(u32, u32)]| list[list.partition_point(|&(index, _)| index < x.index)].1;
        let start = match x.offset() {
            FAR => aside(&self.far_starts),
            offset => base + offset,
        };
        let end = match x.len() {
            LONG => aside(&self.long_ends),
            len => start + len,
        };
        NChar { ch, start, end, rules: x.rules() }
    }

    /// Append the key characters of a finished block whose sentences are
    /// `sentences` (ascending block index ranges); returns their key byte
    /// ranges. The block's first character is stored as irregular whatever
    /// it is, and with `firsts` each sentence's first too (see
    /// [`Document`]: when a sentence's source may start before its first
    /// key character).
    ///
    /// With `marks` (the block's marks, see [`Builder::flush`]), only the
    /// marked characters are read: every other one is regular.
    fn push_block(
        &mut self,
        text: &str,
        chars: &[NChar],
        sentences: &[(Range<usize>, u32)],
        firsts: bool,
        marks: Option<&[u32]>,
    ) -> Vec<Range<usize>> {
        let mut keys = Vec::with_capacity(sentences.len());
        self.keys.reserve(chars.len());
        // Characters that are their own original text, each right after
        // the previous one, are not encoded one by one: their key bytes are
        // the source bytes `text[run.0..run.1]`, copied at once when the
        // run ends. `run.1` is where the last character ended. A run goes
        // on across sentence boundaries: a sentence's key bytes start and
        // end where the run's pending bytes will.
        let mut run = Run { from: u32::MAX, to: u32::MAX };
        let mut k = 0;
        let mut marks = marks.map(|m| m.iter());
        for (r, source) in sentences {
            // Text between sentences (spaces trimmed off their ends).
            self.push_chars(text, chars, k..r.start, &mut run, marks.as_mut());
            self.sentence_first = ((self.key_chars + r.start) as u32, *source);
            let key_start = self.keys.len() + run.pending();
            self.first_irregular.push(self.irregular.len() as u32);
            let mut from = r.start;
            if firsts {
                self.push_first(text, chars, r.start, &mut run);
                from += 1;
            }
            self.push_chars(text, chars, from..r.end, &mut run, marks.as_mut());
            keys.push(key_start..self.keys.len() + run.pending());
            k = r.end;
        }
        self.push_chars(text, chars, k..chars.len(), &mut run, marks.as_mut());
        run.flush(text, &mut self.keys);
        self.key_chars += chars.len();
        if let Some(last) = chars.last() {
            self.last_end = last.end;
        }
        keys
    }

    /// Append block characters `range` (see `push_block`): the regular
    /// ones extend the run, the others go into the key string and the
    /// irregular list. The first character of the block is irregular.
    ///
    /// With `marks` (the rest of the block's marks, ascending, from the
    /// previous call on), the characters between two marks are regular
    /// without a look at each: the run extends to the last of them.
    #[inline]
    fn push_chars(
        &mut self,
        text: &str,
        chars: &[NChar],
        range: Range<usize>,
        run: &mut Run,
        marks: Option<&mut std::slice::Iter<'_, u32>>,
    ) {
        let mut k = range.start;
        if k == 0 && k < range.end {
            self.push_first(text, chars, 0, run);
            k += 1;
        }
        if let Some(marks) = marks {
            while k < range.end {
                // The next mark at or after `k` (marks before it were
                // passed in an earlier range or repeat one already read).
                let m = loop {
                    match marks.as_slice().first() {
                        Some(&m) if (m as usize) < k => {
                            marks.next();
                        }
                        Some(&m) => break (m as usize).min(range.end),
                        None => break range.end,
                    }
                };
                if m > k {
                    // Characters `k..m` are regular: each starts where
                    // the one before it ends (see `Builder::flush`).
                    debug_assert_eq!(chars[k].start, run.to);
                    run.to = chars[m - 1].end;
                    k = m;
                }
                if k < range.end {
                    self.push_char(text, chars, k, run);
                    k += 1;
                }
            }
            return;
        }
        for k in k..range.end {
            self.push_char(text, chars, k, run);
        }
    }

    /// Append block character `k`, regular or not (see `push_chars`).
    #[inline(always)]
    fn push_char(&mut self, text: &str, chars: &[NChar], k: usize, run: &mut Run) {
        let c = &chars[k];
        // A regular character is rebuilt as `ch` where the previous one
        // ended, with its UTF-8 length and no rule; its source must also
        // *be* `ch`, since the noise count (`walk_irregular_pairs`)
        // skips positions where both versions are regular. No rule
        // changed it and its source is as long as its UTF-8: then its
        // source is the character (see `normalize`).
        let regular = c.rules == 0 && c.start == run.to && c.end.wrapping_sub(c.start) as usize == c.ch.len_utf8();
        debug_assert_eq!(regular, c.rules == 0 && run.to == c.start && is_own_text(text, c));
        if regular {
            run.to = c.end;
        } else {
            self.push_first(text, chars, k, run);
        }
    }

    /// Append block character `k` as an irregular one (see `push_block`).
    #[inline(always)]
    fn push_first(&mut self, text: &str, chars: &[NChar], k: usize, run: &mut Run) {
        let c = &chars[k];
        run.flush(text, &mut self.keys);
        let prev_end = match k.checked_sub(1) {
            Some(p) => chars[p].end,
            None => self.last_end,
        };
        self.push_irregular((self.key_chars + k) as u32, c, prev_end);
        let own = c.rules == 0 && (c.end.wrapping_sub(c.start)) as usize == c.ch.len_utf8();
        debug_assert!(!own || is_own_text(text, c), "{c:?} is not its own text");
        if own {
            *run = Run { from: c.start, to: c.end };
        } else {
            self.keys.push(c.ch);
            *run = Run { from: c.end, to: c.end };
        }
    }
}

/// Source bytes `from..to` not yet appended to the key string: the key
/// text of characters that are their own original text.
struct Run {
    from: u32,
    to: u32,
}

impl Run {
    /// Bytes not yet appended.
    #[inline]
    fn pending(&self) -> usize {
        self.to.saturating_sub(self.from) as usize
    }

    #[inline]
    fn flush(&mut self, text: &str, keys: &mut String) {
        if self.from < self.to {
            keys.push_str(&text[self.from as usize..self.to as usize]);
            self.from = self.to;
        }
    }
}

/// The byte offset of character `n` of `s` (`s.len()` if it has no more):
/// the characters before it are stepped over by their first bytes'
/// lengths, not decoded (the noise walk steps over every regular
/// character between two irregular ones).
#[inline]
fn char_offset(s: &str, n: usize) -> usize {
    let bytes = s.as_bytes();
    let mut at = 0;
    for _ in 0..n {
        let Some(&b) = bytes.get(at) else { return s.len() };
        at += match b {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
    }
    at.min(s.len())
}

/// Is the original text of `c` exactly its key character?
#[inline]
fn is_own_text(text: &str, c: &NChar) -> bool {
    let (start, end) = (c.start as usize, c.end as usize);
    let mut utf8 = [0; 4];
    let own = c.ch.encode_utf8(&mut utf8).as_bytes();
    // A byte loop: these are one to four bytes, too short for `memcmp`.
    end - start == own.len() && text.as_bytes()[start..end].iter().zip(own).all(|(a, b)| a == b)
}

/// Reads key characters of a document into one reused buffer, for callers
/// that go through many sentences.
#[derive(Debug)]
pub struct CharCursor<'a> {
    doc: &'a Document,
    chars: Vec<NChar>,
}

impl<'a> CharCursor<'a> {
    /// A cursor over `doc`.
    pub fn new(doc: &'a Document) -> Self {
        CharCursor { doc, chars: Vec::new() }
    }

    /// Key characters `range`, as [`Document::chars`] gives them.
    pub fn get(&mut self, range: Range<usize>) -> &[NChar] {
        self.doc.chars_into(range, &mut self.chars);
        &self.chars
    }

    /// [`CharCursor::get`] for key characters `range` of sentences
    /// `sentences` (a row of the alignment): decoded from the first
    /// sentence's start, without a search.
    pub fn get_in(&mut self, sentences: &Range<usize>, range: Range<usize>) -> &[NChar] {
        self.doc.sentence_chars_into(sentences.start, range, &mut self.chars);
        &self.chars
    }
}

enum Item {
    /// A line's key characters, their display width and their marks (see
    /// [`normalize_line_marked`]).
    Text(Vec<NChar>, usize, Vec<u32>),
    Blank,
    Dropped,
}

/// Turns lines into [`Item`]s on demand, so that only the few lines the
/// joining rule looks ahead to are held normalised at any time.
struct Lines<'a> {
    source: &'a Source,
    filter: &'a LineFilter,
    norm: &'a NormalizeOptions,
    /// Items of lines `base..base + window.len()`.
    window: VecDeque<Item>,
    base: usize,
    /// Display width of every line read so far (`None`: no text).
    widths: Vec<Option<usize>>,
    /// Buffers of lines already joined, for reuse.
    spare: Vec<Vec<NChar>>,
    /// Their marks' buffers.
    spare_marks: Vec<Vec<u32>>,
    kept: usize,
    dropped: usize,
}

impl Lines<'_> {
    /// Make sure lines `..upto` have been read.
    fn fill(&mut self, upto: usize) {
        let upto = upto.min(self.source.line_count());
        let text = self.source.text.as_str();
        while self.widths.len() < upto {
            let line = self.source.line(self.widths.len());
            let raw = &text[line.start..line.end];
            let item = match self.filter.status(raw) {
                LineStatus::Dropped => {
                    self.dropped += 1;
                    Item::Dropped
                }
                LineStatus::Blank => Item::Blank,
                LineStatus::Kept => {
                    // Room for a character per byte (at most as many, but
                    // for the rare rule that writes several), so that a
                    // long line is not copied as its buffer doubles: a
                    // spare buffer too small is let go, not grown. Up to
                    // LINE_ROOM bytes: a longer line (a file without line
                    // breaks) grows as it fills, as every line did, rather
                    // than reserve 16 bytes for every byte of what may be
                    // hundreds of megabytes (a third of that for Chinese).
                    let room = raw.len().min(LINE_ROOM);
                    let mut chars = self.spare.pop().filter(|b| b.capacity() >= room).unwrap_or_default();
                    let mut marks = self.spare_marks.pop().unwrap_or_default();
                    chars.clear();
                    chars.reserve(room);
                    let width = normalize_line_marked(text, line.start..line.end, self.norm, &mut chars, &mut marks);
                    if chars.is_empty() {
                        self.spare.push(chars);
                        self.spare_marks.push(marks);
                        Item::Blank
                    } else {
                        self.kept += 1;
                        debug_assert_eq!(
                            width,
                            chars.iter().map(|c| crate::normalize::char_width(c.ch)).sum::<usize>()
                        );
                        Item::Text(chars, width, marks)
                    }
                }
            };
            self.widths.push(match item {
                Item::Text(_, w, _) => Some(w),
                _ => None,
            });
            self.window.push_back(item);
        }
    }

    /// Item of line `k` (not yet consumed), if there is such a line.
    fn get(&mut self, k: usize) -> Option<&Item> {
        self.fill(k + 1);
        self.window.get(k - self.base)
    }

    /// Consume the item of line `base`.
    fn pop(&mut self) -> Item {
        self.fill(self.base + 1);
        self.base += 1;
        self.window.pop_front().unwrap_or(Item::Blank)
    }
}

/// Characters a line's buffer is given room for before it is normalised,
/// at most (256 MB of records, reserved but not resident until written;
/// see `Lines::fill`).
const LINE_ROOM: usize = 16 << 20;

/// A block being built, and the document it goes into.
struct Builder<'a> {
    text: &'a str,
    doc: Document,
    block: Vec<NChar>,
    /// The block's marks: its lines' marks (see [`normalize_line_marked`]),
    /// shifted to where each line starts in the block, and the separators
    /// joining lines.
    marks: Vec<u32>,
    hard: bool,
    drop_punct: bool,
    norm: NormalizeOptions,
    /// The last few key characters of the previous block's last sentence,
    /// to choose the separator before the next one.
    tail: Vec<NChar>,
    /// Where the previous block's last key character ends in the source
    /// (spaces after its last sentence included).
    tail_end: u32,
    /// See [`KEY_LIMIT`].
    limit: usize,
    /// How far the key text's and the irregular list's reservations are
    /// populated (see `prefault`).
    keys_ahead: crate::prefault::Ahead,
    irregular_ahead: crate::prefault::Ahead,
    /// The same for the sentence list (the per-sentence hashes and
    /// indexes are a few hundred KB: a populated step ahead would be a
    /// good share of them).
    sentences_ahead: crate::prefault::Ahead,
}

/// Cut `source` into sentences.
pub fn segment(source: &Source, filter: &LineFilter, norm: &NormalizeOptions) -> Document {
    segment_within(source, filter, norm, KEY_LIMIT)
}

/// [`segment`], stopping (the document [`Document::oversized`]) where the
/// text or the keys would pass `limit`.
pub(crate) fn segment_within(source: &Source, filter: &LineFilter, norm: &NormalizeOptions, limit: usize) -> Document {
    let text = source.text.as_str();
    if text.len() > limit {
        return Document { oversized: true, ..Document::default() };
    }
    // Punctuation is needed to find sentence ends; with `ignore_punctuation`
    // it is dropped from each sentence's key after the cut (in `flush`).
    let drop_punct = norm.ignore_punctuation;
    let mut out = Builder {
        text,
        doc: Document::default(),
        block: Vec::new(),
        marks: Vec::new(),
        hard: true,
        drop_punct,
        norm: NormalizeOptions { ignore_punctuation: false, ..*norm },
        tail: Vec::new(),
        tail_end: 0,
        limit,
        keys_ahead: Default::default(),
        irregular_ahead: Default::default(),
        sentences_ahead: Default::default(),
    };
    // Room for the keys up front (they are about as long as the text):
    // growing a string of megabytes copies it again and again, into fresh
    // memory each time. The irregular characters are a few percent of a
    // text's bytes (a Chinese book 4-5%, English 2.6%): room for one per
    // 16 bytes; a text with more grows its list. (Room never written is
    // never resident.)
    out.doc.keys.reserve(text.len());
    out.doc.irregular.reserve(text.len() / 16);
    out.doc.sentences.reserve(text.len() / 64);
    out.doc.first_irregular.reserve(text.len() / 64);
    out.doc.hashes.reserve(text.len() / 64);
    let norm = &NormalizeOptions { ignore_punctuation: false, ..*norm };
    let mut lines = Lines {
        source,
        filter,
        norm,
        window: VecDeque::new(),
        base: 0,
        widths: Vec::with_capacity(source.line_count()),
        spare: Vec::new(),
        spare_marks: Vec::new(),
        kept: 0,
        dropped: 0,
    };

    for k in 0..source.line_count() {
        if out.doc.oversized {
            break;
        }
        // Display widths up to two lines ahead recognise narrow
        // newspaper-style columns: three or more adjacent lines of the same
        // width are wrapped text, however short they are.
        lines.fill(k + 3);
        let item = lines.pop();
        let (line, width, mut line_marks) = match item {
            Item::Dropped => {
                out.flush();
                out.hard = true;
                continue;
            }
            Item::Blank => continue,
            Item::Text(line, width, marks) => (line, width, marks),
        };
        let widths = &lines.widths;
        let same = |a: usize, b: usize| match (widths.get(a).copied().flatten(), widths.get(b).copied().flatten()) {
            (Some(x), Some(y)) => x >= 10 && x.abs_diff(y) <= 1,
            _ => false,
        };
        let in_column = (k >= 2 && same(k - 2, k - 1) && same(k - 1, k))
            || (k >= 1 && same(k - 1, k) && same(k, k + 1))
            || (same(k, k + 1) && same(k + 1, k + 2));
        let continuation = !out.block.is_empty();
        let mut buf = line;
        if continuation {
            let at = out.block.len();
            join_line(&mut out.block, &buf, norm);
            // The separator, if there is one, is marked; the line's marks
            // move to where the line starts.
            let from = out.block.len() - buf.len();
            out.marks.extend((at..from).map(|k| k as u32));
            out.marks.extend(line_marks.iter().map(|&m| m + from as u32));
        } else {
            // The line starts the block: hand its buffer over rather than
            // copy it (a megabyte-long line must not be held twice).
            std::mem::swap(&mut out.block, &mut buf);
            std::mem::swap(&mut out.marks, &mut line_marks);
        }
        let line: &[NChar] = if continuation { &buf } else { &out.block };
        // Look ahead for the next line with text.
        let mut blanks = 0;
        let mut n = k + 1;
        while matches!(lines.get(n), Some(Item::Blank)) {
            blanks += 1;
            n += 1;
        }
        let (next_first, next_closes) = match lines.get(n) {
            // A closing quote or bracket wrapped to the start of the next
            // line still belongs to this line's sentence.
            Some(Item::Text(next, _, _)) => (next.first().copied(), is_closer(text, next, 0)),
            _ => (None, false),
        };
        // An article, chapter or heading line starts a new sentence, and a
        // line that is only a heading is a sentence of its own, whatever
        // the line before it ends with (`…追究刑事责任⏎第四十二条`).
        let raw = |i: usize| {
            let l = source.line(i);
            &text[l.start..l.end]
        };
        let heading_break =
            (next_first.is_some() && crate::structure::starts_unit(raw(n))) || crate::structure::heading_only(raw(k));
        // A line cut in the middle of a word ends in a letter or Han
        // character; a title, salutation or list item usually does not.
        let open_end = line.last().is_some_and(|c| !is_punct(c.ch));
        let join = match next_first {
            None => false,
            Some(next) => {
                !heading_break
                    && !line_ends_sentence(text, line, Some(next.ch))
                    && (continuation && (blanks == 0 || open_end)
                        || width >= if blanks > 0 { BROKEN_WIDTH } else { WRAPPED_WIDTH }
                        || blanks == 0 && open_end && in_column
                        || first_char(text, &next).is_lowercase()
                        || line.last().is_some_and(|c| c.ch == '-'))
            }
        };
        buf.clear();
        lines.spare.push(buf);
        line_marks.clear();
        lines.spare_marks.push(line_marks);
        if !join && !next_closes {
            out.flush();
        }
    }
    out.flush();
    out.doc.lines_kept = lines.kept;
    out.doc.lines_dropped = lines.dropped;
    out.doc
}

/// Does a line end a sentence (given the first character of the next line)?
fn line_ends_sentence(text: &str, line: &[NChar], next: Option<char>) -> bool {
    let mut end = line.len();
    while end > 0 && is_closer(text, line, end - 1) {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && is_terminator(line[start - 1].ch) {
        start -= 1;
    }
    start < end && is_boundary(text, line, 0, start, end, next)
}

impl Builder<'_> {
    /// Move the finished block into the document as sentences. With
    /// `drop_punct`, punctuation leaves the keys here, after the block was
    /// cut at sentence ends (the spans still cover the sentence's own
    /// punctuation).
    fn flush(&mut self) {
        if self.block.is_empty() {
            return;
        }
        // The block's keys (and a separator before it), at most four bytes
        // a character, must stay within the limit.
        let room = |used: usize, more: usize| used.checked_add(more).is_some_and(|n| n <= self.limit);
        let chars = self.block.len() + 1;
        if self.doc.oversized || !room(self.doc.keys.len(), 4 * chars) || !room(self.doc.key_chars, chars) {
            self.doc.oversized = true;
            self.block.clear();
            self.marks.clear();
            return;
        }
        let (text, doc, block) = (self.text, &mut self.doc, &self.block);
        // The block's marks: the characters not marked are regular and no
        // terminators (see `normalize_line_marked`), so that cutting the
        // block and writing its keys read only the marked ones. (With
        // punctuation dropped, the block is rebuilt below and read whole.)
        debug_assert!(unmarked_are_plain(text, block, &self.marks), "marks of {block:?}: {:?}", self.marks);
        let marks = (!self.drop_punct).then_some(self.marks.as_slice());
        let cuts = split_block(text, block, marks);
        // The block's key characters, and where each block index lands in them.
        let (kept, index): (Vec<NChar>, Vec<usize>);
        let (chars, at): (&[NChar], &dyn Fn(usize) -> usize) = if self.drop_punct {
            let mut k = Vec::with_capacity(block.len());
            let mut ix = Vec::with_capacity(block.len() + 1);
            // Punctuation dropped between two words leaves them apart
            // (`dedicate--we` reads as `dedicate -- we` does), except a
            // mark inside a word (`don't`, `U.S.`); spaces it leaves side
            // by side are one.
            let mut gap: Option<(u32, u32, usize)> = None;
            for c in block.iter() {
                ix.push(k.len());
                if is_punct(c.ch) {
                    gap = Some(gap.map_or((c.start, c.end, 1), |(s, _, n)| (s, c.end, n + 1)));
                    continue;
                }
                let last: Option<&NChar> = k.last();
                if c.is_space() && last.is_some_and(|l| l.is_space()) {
                    continue;
                }
                if let Some((start, end, marks)) = gap.take() {
                    let inside_word = marks == 1 && matches!(block_char(text, start), '\'' | '.' | '’');
                    let apart = |x: char| crate::chars::is_word_char(x) && !is_cjk(x);
                    if !c.is_space() && !inside_word && last.is_some_and(|l| apart(l.ch)) && apart(c.ch) {
                        let rules = crate::normalize::Rule::Punctuation.bit();
                        k.push(NChar { ch: ' ', start, end, rules });
                    }
                }
                k.push(*c);
            }
            ix.push(k.len());
            (kept, index) = (k, ix);
            (&kept, &|i| index[i])
        } else {
            (block, &|i| i)
        };
        // The sentences, trimmed of spaces at their ends, with where their
        // sources start (untrimmed); a piece with
        // nothing left to compare (only punctuation) is no sentence.
        let (mut cut, mut trimmed) = (Vec::new(), Vec::new());
        for r in cuts {
            let (mut a, mut b) = (at(r.start), at(r.end));
            while a < b && chars[a].is_space() {
                a += 1;
            }
            while b > a && chars[b - 1].is_space() {
                b -= 1;
            }
            if a < b {
                trimmed.push((a..b, block[r.start].start));
                cut.push(r);
            }
        }
        if trimmed.is_empty() {
            self.block.clear();
            self.marks.clear();
            self.hard = false;
            return;
        }
        // Blocks follow each other in the key text as lines of one block
        // do: a space between Latin words, nothing next to CJK text. A
        // stretch of text that spans two blocks (a row whose new text runs
        // from a heading into its paragraph) then reads as it would in one.
        // The separator is chosen by the sentences' own ends but stands for
        // the source between the blocks' outermost key characters (a space
        // kept at a block's end is the block's own).
        let first = &chars[trimmed[0].0.start..];
        if let Some(sep) = crate::normalize::line_separator(&self.tail, first, &self.norm) {
            doc.push_separator(NChar { start: self.tail_end, end: chars[0].start, ..sep });
        }
        self.tail_end = chars[chars.len() - 1].end;
        let last = trimmed[trimmed.len() - 1].0.end;
        self.tail.clear();
        self.tail.extend_from_slice(&chars[last.saturating_sub(8)..last]);
        let base = doc.key_chars;
        // The block's key text is about as long as its source (a rule may
        // lengthen a character, spaces may be dropped: what is past the
        // populated part faults in as it is written), and at most every
        // character is irregular.
        let span = chars[chars.len() - 1].end.saturating_sub(chars[0].start) as usize;
        self.keys_ahead.string(&mut doc.keys, span);
        self.irregular_ahead.vec(&mut doc.irregular, chars.len());
        self.sentences_ahead.vec(&mut doc.sentences, trimmed.len());
        let keys = doc.push_block(text, chars, &trimmed, self.drop_punct, marks);
        for (n, ((r, (k, _)), key)) in cut.into_iter().zip(trimmed).zip(keys).enumerate() {
            let text = &doc.keys[key.clone()];
            doc.hashes.push(match crate::structure::mask_label(text) {
                Some(masked) => {
                    let hash = crate::hash::key_hash(&masked);
                    doc.masked.push((doc.sentences.len(), masked));
                    hash
                }
                None => crate::hash::key_hash(text),
            });
            doc.sentences.push(Sentence::new(
                base + k.start..base + k.end,
                (block[r.start].start as usize, block[r.end - 1].end as usize),
                key,
                n == 0 && self.hard,
            ));
        }
        debug_assert_eq!(doc.chars(base..base + chars.len()), chars, "the block's key characters are rebuilt exactly");
        self.block.clear();
        self.marks.clear();
        self.hard = false;
    }
}

/// The first character of the original text at byte `at`.
fn block_char(text: &str, at: u32) -> char {
    text.get(at as usize..).and_then(|t| t.chars().next()).unwrap_or(' ')
}

/// The ASCII sentence terminators (see [`is_terminator`]); the
/// normaliser marks them in plain ASCII runs (`normalize_line_marked`).
pub(crate) const ASCII_TERMINATORS: [u8; 4] = *b".!?;";

#[inline]
fn is_terminator(c: char) -> bool {
    // Full-width forms too, for `--keep-width`. Most characters are ASCII
    // or common Han characters: decided by a bit mask or one comparison.
    const ASCII: u128 = {
        let (mut mask, mut i) = (0u128, 0);
        while i < ASCII_TERMINATORS.len() {
            mask |= 1 << ASCII_TERMINATORS[i];
            i += 1;
        }
        mask
    };
    match c as u32 {
        u @ 0..=0x7F => ASCII >> u & 1 != 0,
        0x4E00..=0x9FFF => false,
        _ => matches!(c, '…' | '。' | '！' | '？' | '；' | '｡' | '．'),
    }
}

fn first_char(text: &str, c: &NChar) -> char {
    c.source(text).chars().next().unwrap_or(c.ch)
}

/// Is key char `i` a closing quote or bracket?
fn is_closer(text: &str, chars: &[NChar], i: usize) -> bool {
    match first_char(text, &chars[i]) {
        '”' | '’' | '」' | '』' | '）' | ')' | ']' | '】' | '》' | '〉' | '］' | '〕' | '»' | '›' => {
            true
        }
        '"' | '\'' | '＂' | '＇' => {
            // A straight quote closes when what follows is not a word.
            chars.get(i + 1).is_none_or(|n| n.is_space() || is_punct(n.ch) || is_cjk(n.ch))
        }
        _ => false,
    }
}

/// Are the characters of a block that `marks` leave out (see
/// [`normalize_line_marked`]) no terminators, without a rule, their own
/// text, each where the one before it ends? The first is always marked,
/// and every mark is a character of the block.
pub(crate) fn unmarked_are_plain(text: &str, block: &[NChar], marks: &[u32]) -> bool {
    let mut marked = vec![false; block.len()];
    for &m in marks {
        if let Some(x) = marked.get_mut(m as usize) {
            *x = true;
        }
    }
    marks.windows(2).all(|w| w[0] <= w[1])
        && marks.iter().all(|&m| (m as usize) < block.len())
        && marked.first().is_none_or(|&m| m)
        && (1..block.len()).all(|k| {
            let c = &block[k];
            marked[k] || !is_terminator(c.ch) && c.rules == 0 && is_own_text(text, c) && c.start == block[k - 1].end
        })
}

/// Split a block into sentence ranges (relative to the block). With
/// `marks` (see [`Builder::flush`]), only marked characters can be
/// terminators.
fn split_block(text: &str, block: &[NChar], marks: Option<&[u32]>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut s = 0;
    let mut i = 0;
    let mut marks = marks.map(|m| m.iter().map(|&m| m as usize));
    while i < block.len() {
        if let Some(marks) = marks.as_mut() {
            // The next marked terminator at or after `i`.
            match marks.find(|&m| m >= i && is_terminator(block[m].ch)) {
                Some(m) => i = m,
                None => break,
            }
        } else if !is_terminator(block[i].ch) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < block.len() && (is_terminator(block[j].ch) || j > i && is_closer(text, block, j)) {
            j += 1;
        }
        while inside_piece(block, j) {
            j += 1;
        }
        let next = block.get(j).map(|c| c.ch);
        if is_boundary(text, block, s, i, j, next) {
            push_sentence(&mut out, block, s..j);
            s = j;
        }
        i = j;
    }
    push_sentence(&mut out, block, s..block.len());
    out
}

/// Trim spaces and append, cutting over-long sentences at clause marks.
fn push_sentence(out: &mut Vec<Range<usize>>, block: &[NChar], r: Range<usize>) {
    let (mut a, mut b) = (r.start, r.end);
    while a < b && block[a].is_space() {
        a += 1;
    }
    while b > a && block[b - 1].is_space() {
        b -= 1;
    }
    while b - a > MAX_SENTENCE_CHARS {
        let cut = content_defined_cut(block, a);
        let mut e = cut;
        while e > a && block[e - 1].is_space() {
            e -= 1;
        }
        out.push(a..e);
        a = cut;
        while a < b && block[a].is_space() {
            a += 1;
        }
    }
    if a < b {
        out.push(a..b);
    }
}

/// Where to cut an over-long run of text that starts at `a`.
///
/// The cut depends only on the text near it, never on its distance from
/// the start of the file, so that two versions of a long unpunctuated text
/// are cut at the same places after an insertion or deletion and the
/// sentences after it still align as equal (content-defined chunking, as
/// rsync and backup tools do). The first clause mark (`,` `、` `:` `;`) at
/// least [`MIN_CHUNK`] characters in wins; failing that, the first place
/// where a hash of the last few characters has its low bits zero; failing
/// that (rare), the hard limit.
fn content_defined_cut(block: &[NChar], a: usize) -> usize {
    let lo = a + MIN_CHUNK;
    let hi = a + MAX_SENTENCE_CHARS;
    let mut cut = if let Some(k) = (lo..hi).find(|&k| matches!(block[k].ch, ',' | '、' | ':' | ';')) {
        k + 1
    } else {
        let hash_at = |k: usize| {
            block[k + 1 - CDC_WINDOW..=k]
                .iter()
                .fold(0x811C_9DC5u32, |h, c| (h ^ c.ch as u32).wrapping_mul(0x0100_0193))
        };
        (lo..hi).find(|&k| hash_at(k) & CDC_MASK == 0).map_or(hi, |k| k + 1)
    };
    // Back to the first character of a piece of the source it would split
    // (never past the run's start).
    while cut > a + 1 && inside_piece(block, cut) {
        cut -= 1;
    }
    cut
}

/// Would a cut before block character `k` fall inside one piece of the
/// source (a mark and the combining mark on it: two key characters with
/// the same bytes)? A sentence is never cut there.
fn inside_piece(block: &[NChar], k: usize) -> bool {
    k > 0 && block.get(k).is_some_and(|c| c.start < block[k - 1].end)
}

/// Shortest piece an over-long run is cut into.
const MIN_CHUNK: usize = 200;
/// Characters hashed to find a content-defined cut.
const CDC_WINDOW: usize = 6;
/// A cut where the hash's low 6 bits are zero: about one place in 64.
const CDC_MASK: u32 = 63;

/// English abbreviations after which a full stop does not end a sentence
/// (unless the text ends there).
const NEVER_END: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vol", "vols", "vs", "fig", "figs", "jr", "sr", "gen", "rep",
    "sen", "gov", "lt", "col", "capt", "sgt", "mt", "rev", "hon", "messrs", "art", "pp", "op", "cf", "approx", "e.g",
    "i.e", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "ca", "est", "dept", "univ", "inc.,",
];

/// Does the terminator run `[i, j)` end the sentence that started at `s`?
fn is_boundary(text: &str, chars: &[NChar], s: usize, i: usize, j: usize, next: Option<char>) -> bool {
    let orig = first_char(text, &chars[i]);
    let chinese_mark = matches!(orig, '。' | '！' | '？' | '；' | '…' | '｡' | '．');
    // Chinese context: the nearest character before the mark that is not
    // punctuation is Han (`（2015年）!2020年` is Chinese text with a
    // half-width `!`, although `)` stands right before it).
    let after_cjk =
        chars[..i].iter().rev().take(8).find(|c| !c.is_space() && !is_punct(c.ch)).is_some_and(|c| is_cjk(c.ch));
    let chinese = chinese_mark && orig != '…' || after_cjk;
    let t = chars[i].ch;
    if chinese {
        return true;
    }
    match t {
        ';' | '…' => return false,
        '!' | '?' => {
            return match next {
                None => true,
                Some(' ') => !chars.get(j + 1).is_some_and(|c| first_char(text, c).is_lowercase()),
                Some(n) => is_cjk(n) || is_punct(n),
            };
        }
        _ => {}
    }
    // A full stop in Latin text.
    let Some(n) = next else { return true };
    if n != ' ' && !is_cjk(n) {
        return false; // 1.3, U.S., example.com
    }
    if n == ' ' && chars.get(j + 1).is_some_and(|c| first_char(text, c).is_lowercase()) {
        return false;
    }
    // The word before the full stop.
    let mut w = i;
    while w > s && (crate::chars::is_word_char(chars[w - 1].ch) || chars[w - 1].ch == '.') {
        w -= 1;
    }
    let word: String = chars[w..i].iter().map(|c| c.ch).collect::<String>().to_lowercase();
    if word.is_empty() {
        return true;
    }
    // Letter case from the original text: keys are lower-cased with --ignore-case.
    if word.chars().count() == 1 && first_char(text, &chars[w]).is_uppercase() {
        return false; // an initial: J. R. R. Tolkien
    }
    if w == s && word.chars().all(|c| c.is_ascii_digit()) {
        return false; // a list number at the start: "95. Title"
    }
    !NEVER_END.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        let src = Source::from_text("t", text);
        let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        doc.sentences.iter().map(|s| s.text(text).to_string()).collect()
    }

    #[test]
    fn a_row_decodes_from_its_sentence_as_from_a_search() {
        let text = "“在华”投资， 兴业。 Step  up,now!\n\n第二段：（一）甲乙；丙丁。\r\nEnd";
        let src = Source::from_text("t", text);
        let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        let (mut a, mut b) = (CharCursor::new(&doc), CharCursor::new(&doc));
        for (i, s) in doc.sentences.iter().enumerate() {
            for start in s.chars() {
                for end in start..=doc.key_chars {
                    let whole = b.get(start..end).to_vec();
                    assert_eq!(a.get_in(&(i..i + 1), start..end), whole, "sentence {i}, {start}..{end}");
                }
            }
        }
        // A range before its sentence (a row's empty side) is searched.
        let last = doc.sentences.len() - 1;
        assert_eq!(a.get_in(&(last..last), 0..3), doc.chars(0..3));
    }

    #[test]
    fn a_character_from_a_long_source_keeps_its_range() {
        // A run of 70,000 spaces between two words is one key space whose
        // source is the run: longer than an irregular record's 16-bit
        // length, so its end is kept aside (and another's, of 30,000
        // ideographic spaces). Decoding, from a search and from the sentence, and
        // walking against another version give its range whole.
        let text = format!("中文 ab{}cd，再来。X{}y.", " ".repeat(70_000), "\u{3000}".repeat(30_000));
        let src = Source::from_text("t", &text);
        let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        assert_eq!(doc.long_ends.len(), 2, "{:?}", doc.long_ends);
        let chars = doc.all_chars();
        let long: Vec<(char, usize)> =
            chars.iter().filter(|c| c.end - c.start > 1000).map(|c| (c.ch, (c.end - c.start) as usize)).collect();
        assert_eq!(long, [(' ', 70_000), (' ', 90_000)]);
        // Every character's source range follows the one before it, and
        // the text between them is only spaces.
        for w in chars.windows(2) {
            assert!(w[0].end <= w[1].start, "{w:?}");
            assert!(text[w[0].end as usize..w[1].start as usize].trim().is_empty(), "{w:?}");
        }
        let (mut a, mut b) = (CharCursor::new(&doc), CharCursor::new(&doc));
        for (i, s) in doc.sentences.iter().enumerate() {
            assert_eq!(a.get_in(&(i..i + 1), s.chars()).to_vec(), b.get(s.chars()).to_vec());
        }
        let mut pairs = Vec::new();
        let all = 0..doc.key_chars;
        assert!(Document::walk_irregular_pairs(&doc, all.clone(), &doc, all, |x, y, _| pairs.push((*x, *y))));
        assert!(pairs.iter().any(|(x, _)| x.end - x.start == 70_000));
        assert!(pairs.iter().all(|(x, y)| x == y));
    }

    #[test]
    fn characters_are_stepped_over_by_their_lengths() {
        let s = "a中é𝄞b，";
        for n in 0..=8 {
            let expected = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
            assert_eq!(char_offset(s, n), expected, "{n}");
        }
        assert_eq!(char_offset("", 3), 0);
    }

    #[test]
    fn a_character_far_from_its_base_keeps_its_start() {
        // An irregular record counts its start from the end of the
        // character before it (or its sentence's start) in a few bits: a
        // character after 20,000 invisible characters (dropped) keeps its
        // start aside; the first, after as many blank lines, starts its
        // sentence, whose start is its own. Decoding from anywhere, from
        // the sentence, and walking against another version give it whole.
        let text = format!("{}中文{}再来。好。", "\n".repeat(20_000), "\u{200B}".repeat(20_000));
        let src = Source::from_text("t", &text);
        let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        assert_eq!(doc.far_starts, [(2, text.find('再').unwrap() as u32)]);
        let chars = doc.all_chars();
        let sources: String = chars.iter().map(|c| &text[c.start as usize..c.end as usize]).collect();
        assert_eq!(sources, "中文再来。好。");
        for start in 0..chars.len() {
            assert_eq!(doc.chars(start..chars.len()), chars[start..], "from {start}");
        }
        let mut cursor = CharCursor::new(&doc);
        for (i, s) in doc.sentences.iter().enumerate() {
            assert_eq!(cursor.get_in(&(i..i + 1), s.chars()), &chars[s.chars()]);
        }
        let mut pairs = Vec::new();
        let all = 0..doc.key_chars;
        assert!(Document::walk_irregular_pairs(&doc, all.clone(), &doc, all, |x, y, _| pairs.push((*x, *y))));
        assert!(pairs.iter().any(|(x, _)| x.ch == '再' && x.start as usize == text.find('再').unwrap()));
        assert!(pairs.iter().all(|(x, y)| x == y));
    }

    #[test]
    fn each_sentence_is_hashed_by_the_key_it_anchors_by() {
        let src = Source::from_text(
            "t",
            "第九条　农村土地承包。一般规定如下。\n第十条　其他。\nArticle 12 Scope of this law.",
        );
        let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        let masked: Vec<(usize, &str)> = doc.masked_keys().iter().map(|(i, k)| (*i, k.as_str())).collect();
        assert_eq!(masked.iter().map(|m| m.0).collect::<Vec<_>>(), [0, 2, 3]);
        assert!(masked[0].1.starts_with("第#条"), "{masked:?}");
        assert_eq!(doc.anchor_hashes().len(), doc.sentences.len());
        for (i, &hash) in doc.anchor_hashes().iter().enumerate() {
            let key = masked.iter().find(|m| m.0 == i).map_or(doc.key(i), |m| m.1);
            assert_eq!(hash, crate::hash::key_hash(key), "sentence {i}");
        }
    }

    #[test]
    fn the_fast_terminator_test_agrees_with_the_list() {
        for c in (0..0x11000).filter_map(char::from_u32) {
            let listed = matches!(c, '.' | '!' | '?' | ';' | '…' | '。' | '！' | '？' | '；' | '｡' | '．');
            assert_eq!(is_terminator(c), listed, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn chinese_sentences_keep_closing_quotes() {
        assert_eq!(
            sentences("“凡益之道，与时偕行。”互联网虽然是无形的。让我们携起手来！"),
            ["“凡益之道，与时偕行。”", "互联网虽然是无形的。", "让我们携起手来！"]
        );
        assert_eq!(sentences("一;二;三"), ["一;", "二;", "三"]);
    }

    #[test]
    fn english_abbreviations_decimals_and_times() {
        assert_eq!(
            sentences("Mr. Xi spoke at 10:30 a.m. in the U.S. embassy. It has 1.3 billion people. No. 5 is next."),
            ["Mr. Xi spoke at 10:30 a.m. in the U.S. embassy.", "It has 1.3 billion people.", "No. 5 is next."]
        );
        assert_eq!(sentences("Really? Yes! Fine."), ["Really?", "Yes!", "Fine."]);
    }

    #[test]
    fn pdf_breaks_are_joined_but_titles_stand_alone() {
        let long = "去年，首届世界互联网大会在这里举办，推动了网络创客、网上医院、智慧旅游等快速发展。乌镇的网络化、智慧化，是传统和现代、人文和科技融合发展的生动写照，是中国";
        let text = format!("在第二届世界互联网大会开幕式上的讲话\n\n习近平\n\n{long}\n\n互联网创新发展的一个缩影。");
        assert_eq!(
            sentences(&text),
            [
                "在第二届世界互联网大会开幕式上的讲话",
                "习近平",
                "去年，首届世界互联网大会在这里举办，推动了网络创客、网上医院、智慧旅游等快速发展。",
                "乌镇的网络化、智慧化，是传统和现代、人文和科技融合发展的生动写照，是中国\n\n互联网创新发展的一个缩影。"
            ]
        );
    }

    #[test]
    fn a_closing_quote_wrapped_to_the_next_line_stays_with_its_sentence() {
        assert_eq!(sentences("他问道：“老兄何日到此？\n”众人都笑了。"), ["他问道：“老兄何日到此？\n”", "众人都笑了。"]);
    }

    #[test]
    fn salutations_are_their_own_sentences() {
        assert_eq!(
            sentences("尊敬的侯赛因总统，\n尊敬的梅德韦杰夫总理，\n各位嘉宾，各位朋友：\n欢迎各位嘉宾。"),
            ["尊敬的侯赛因总统，", "尊敬的梅德韦杰夫总理，", "各位嘉宾，各位朋友：", "欢迎各位嘉宾。"]
        );
    }

    #[test]
    fn wrapped_english_paragraphs_are_joined() {
        let s = sentences("Welcome to the beautiful town of Wuzhen for this\nimportant discussion on the Internet. First of all,\non behalf of the people, I welcome you.\n");
        assert_eq!(s.len(), 2);
        assert!(s[0].ends_with("Internet."));
    }

    #[test]
    fn dropped_lines_end_the_sentence() {
        let text = "推动共享共治，为开创更加美好的未来助力\nLet us work hand in hand.\n最后，预祝大会取得圆满成功！";
        let src = Source::from_text("t", text);
        let f = LineFilter { lang: crate::input::Lang::Zh, ignore: vec![] };
        let doc = segment(&src, &f, &NormalizeOptions::default());
        assert_eq!(doc.sentences.len(), 2);
        assert_eq!(doc.lines_dropped, 1);
        assert!(doc.sentences[1].hard_break_before);
    }

    #[test]
    fn long_unpunctuated_text_is_cut_where_the_content_says() {
        let text: String = (0..5000).map(|i| char::from_u32(0x4E00 + (i * 7919 % 2000) as u32).unwrap()).collect();
        let mut shifted = String::from("龘");
        shifted.push_str(&text);
        let a = sentences(&text);
        let b = sentences(&shifted);
        // After the first piece, the cuts fall in the same places.
        let tail = |v: &[String]| v[1..].to_vec();
        assert_eq!(tail(&a), tail(&b));
    }

    #[test]
    fn hostile_input_is_cut_into_bounded_sentences() {
        let text = "字".repeat(5000);
        let s = sentences(&text);
        assert!(s.len() >= 5);
        assert_eq!(s.concat(), text);
    }

    #[test]
    fn lines_ending_in_dropped_characters_are_cut_like_the_others() {
        // Invisible characters after a line's last key character leave a
        // gap with nothing after it: no mark may point past the line (a
        // build of the marks did, and cutting the block read past its end).
        for (with, without) in [
            ("Hello there.\nabc\u{200B}\u{200B}\n", "Hello there.\nabc\n"),
            ("中文。\u{200B}\u{FEFF}\n下一句。\u{200B}\u{200B}", "中文。\n下一句。"),
            ("a.\u{200B}\u{200B}\nb", "a.\nb"),
        ] {
            let keys = |text: &str| {
                let src = Source::from_text("t", text);
                let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
                (0..doc.sentences.len()).map(|i| doc.key(i).to_string()).collect::<Vec<_>>()
            };
            assert_eq!(keys(with), keys(without), "{with:?}");
        }
    }
}

#[cfg(test)]
mod examples {
    //! The examples that documented these items when they were public.

    #[test]
    fn chars_example() {
        use crate::input::{LineFilter, Source};
        use crate::normalize::NormalizeOptions;
        let src = Source::from_text("t", "你好，世界。\n再见！");
        let doc = crate::segment::segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        assert_eq!(doc.key(1), "再见!");
        let chars = doc.chars(doc.sentences[1].chars());
        assert_eq!(chars.iter().map(|c| c.ch).collect::<String>(), "再见!");
        assert_eq!(chars[2].source(&src.text), "！");
    }

    #[test]
    fn key_characters_are_rebuilt_with_their_sources_and_rules() {
        use crate::input::{LineFilter, Source};
        use crate::normalize::{NormalizeOptions, Rule};
        use crate::segment::segment;
        let text = "他说：“你好，世界。”她问＂为什么？＂\n（完）";
        let src = Source::from_text("t", text);
        let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        let chars = doc.all_chars();
        // Every key character stands for one character of the text, in order.
        let sources: String = chars.iter().map(|c| c.source(text)).collect();
        assert_eq!(sources, text.replace('\n', ""));
        // Curly quotes fold by the quotes rule; `＂` by width.
        let quotes: Vec<(&str, u16)> =
            chars.iter().filter(|c| c.ch == '"').map(|c| (c.source(text), c.rules)).collect();
        let (q, w) = (Rule::Quotes.bit(), Rule::Width.bit());
        assert_eq!(quotes, [("“", q), ("”", q), ("＂", w), ("＂", w)]);
        // Any stretch is rebuilt as the whole is.
        for start in 0..chars.len() {
            assert_eq!(doc.chars(start..chars.len()), chars[start..], "from {start}");
        }
    }

    /// A key character with a very long source (a run of 70,000 spaces
    /// between two words is one space) is rebuilt with its whole source.
    #[test]
    fn a_very_long_source_is_rebuilt_whole() {
        use crate::input::{LineFilter, Source};
        use crate::normalize::NormalizeOptions;
        use crate::segment::segment;
        for gap in [" ", "\u{3000}", "\t"] {
            let text = format!("Before{}after. One{}more.", gap.repeat(70_000), gap.repeat(65_535));
            let src = Source::from_text("t", text.as_str());
            let doc = segment(&src, &LineFilter::default(), &NormalizeOptions::default());
            let chars = doc.all_chars();
            let longest = chars.iter().map(|c| c.end - c.start).max().unwrap();
            assert!(longest as usize >= 65_535 * gap.len(), "{gap:?}: {longest}");
            let mut at = 0;
            for c in &chars {
                assert!(c.start >= at, "{gap:?}: {c:?} after {at}");
                at = c.end;
            }
            for start in 0..chars.len() {
                assert_eq!(doc.chars(start..chars.len()), chars[start..], "{gap:?} from {start}");
            }
            // Against a document that holds no long source.
            let short = format!("Before{gap}after. One{gap}more.");
            let d2 =
                segment(&Source::from_text("t", short.as_str()), &LineFilter::default(), &NormalizeOptions::default());
            assert_eq!(d2.keys, doc.keys, "{gap:?}");
        }
    }

    /// A text, or a text whose keys, would pass the 32-bit offsets is not
    /// segmented past them: the document says it is oversized (and the
    /// comparison refuses it, naming the file). Shown with a small limit:
    /// the real one is 4 GiB.
    #[test]
    fn a_document_stops_at_the_offset_limit() {
        use crate::input::{LineFilter, Source};
        use crate::normalize::NormalizeOptions;
        use crate::segment::{segment_within, KEY_LIMIT};
        let (filter, norm) = (LineFilter::default(), NormalizeOptions::default());
        let line = "在华投资兴业。\n";
        let text = line.repeat(100);
        let src = Source::from_text("t", text.as_str());
        let whole = segment_within(&src, &filter, &norm, KEY_LIMIT);
        assert!(!whole.oversized);
        assert_eq!(whole.sentences.len(), 100);
        // The text itself past the limit.
        let none = segment_within(&src, &filter, &norm, text.len() - 1);
        assert!(none.oversized && none.sentences.is_empty());
        // The keys past it, part way: U+FDFA is 18 key characters, 33 key
        // bytes, from 3 bytes of text.
        let wide = Source::from_text("w", "\u{FDFA}。\n".repeat(50));
        let expanded = segment_within(&wide, &filter, &norm, KEY_LIMIT);
        assert!(!expanded.oversized && expanded.sentences.len() == 50);
        assert!(expanded.keys.len() > 4 * wide.text.len(), "{}", expanded.keys.len());
        let limit = 3 * wide.text.len();
        let part = segment_within(&wide, &filter, &norm, limit);
        assert!(part.oversized);
        assert!(!part.sentences.is_empty() && part.sentences.len() < 50, "{}", part.sentences.len());
        assert!(part.keys.len() <= limit && part.key_chars <= limit);
        let err = crate::compare::refuse_oversized(&wide, &segment_within(&wide, &filter, &norm, 10)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "w: too large to compare: the text or its comparison key passes 4 GiB (split the file)"
        );
    }

    #[test]
    fn segment_example() {
        use crate::input::{LineFilter, Source};
        use crate::normalize::NormalizeOptions;
        let src = Source::from_text(
            "t",
            "尊敬的侯赛因总统，\n欢迎各位嘉宾。首先，我谨代表……\nMr. Smith arrived at 10:30 a.m. on Dec. 16. He spoke.",
        );
        let doc = crate::segment::segment(&src, &LineFilter::default(), &NormalizeOptions::default());
        let texts: Vec<&str> = doc.sentences.iter().map(|s| s.text(&src.text)).collect();
        assert_eq!(
            texts,
            [
                "尊敬的侯赛因总统，",
                "欢迎各位嘉宾。",
                "首先，我谨代表……",
                "Mr. Smith arrived at 10:30 a.m. on Dec. 16.",
                "He spoke."
            ]
        );
    }
}
