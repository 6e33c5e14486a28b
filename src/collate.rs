//! Collation: many versions at once — a variant table, an apparatus and
//! TEI export.
//!
//! Every version (a *witness*, named by a *siglum* such as `A`) goes through
//! the same input, normalisation and segmentation stages as a two-way
//! comparison. The witnesses are then aligned **against one base witness**:
//!
//! 1. The diff layer that `compare` uses aligns the base with each other
//!    witness, independently (and in parallel): equal sentences anchor, the
//!    rest is aligned word by word and projected onto the base's sentences.
//! 2. Every base sentence becomes one *position*. A witness contributes the
//!    stretch of its text that corresponds to the base sentence — its own
//!    sentence, or the right part of one where it cut its sentences
//!    elsewhere (`split`); a witness that lacks it is *absent* there
//!    (`om.`).
//! 3. Sentences a witness has and the base lacks fall into the gap between
//!    two base positions. Within one gap, the sentences of the different
//!    witnesses are paired with each other by similarity, in order, so that
//!    similar sentences share one position.
//! 4. For each position, every witness's sentence is diffed against the
//!    position's *anchor* (the base, or for a gap position the first witness
//!    that has it) by the inline diff compare uses, whose edits always
//!    stand at one canonical place (an insertion next to a space starts
//!    with its word), so witnesses with the same reading share a variation
//!    point. The anchor
//!    character ranges touched by any witness's edit are widened to whole
//!    words, merged where they overlap or touch, and become *variation
//!    points*; each witness's reading of a variation point is the stretch of
//!    its text that corresponds, and witnesses whose readings have the same
//!    comparison key are grouped.
//!
//! Base-anchored alignment costs one two-way alignment per witness (linear in
//! the number of witnesses) and gives stable output: adding a witness never
//! changes how the others line up with the base. Its cost is that results
//! depend on the base: two non-base witnesses that agree on a sentence the
//! base lacks are only brought together by the gap alignment of step 3, and
//! a reading is always described relative to the base's words. Choose as
//! base the most complete witness (see `docs/collate.md`).
//!
//! The [`Collation`] is plain serde data; renderers (terminal table, HTML
//! apparatus, JSON, TEI XML) are pure functions of it.

use crate::chars::Script;
use crate::classify::{change_class, edit_class};
use crate::diff::similarity::pair_alike;
use crate::diff::{diff, DiffOptions, Row};
use crate::error::Error;
use crate::inline::{diff_sentences, Piece, PieceKind};
use crate::input::Source;
use crate::normalize::{byte_range, key_string, NChar};
use crate::report::RowKind;
use crate::report::{EditClass, Locator, Span};
use crate::segment::{segment, Document};
use crate::tokenize::{tokenize, TokenKind};
use crate::Options;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Instant;

/// The result of collating several witnesses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collation {
    /// The witnesses, in the order they were given.
    pub witnesses: Vec<Witness>,
    /// Siglum of the base witness every other witness was aligned with.
    pub base: String,
    /// The options the collation ran with.
    pub options: Options,
    /// Counts and the similarity matrix.
    pub summary: CollationSummary,
    /// Every position of the multi-alignment, in text order.
    pub positions: Vec<Position>,
}

impl Collation {
    /// Do the witnesses differ anywhere (a variant or a sentence some lack)?
    pub fn has_variants(&self) -> bool {
        self.positions.iter().any(|p| p.status != PositionStatus::Unanimous)
    }

    /// Index of the witness with this siglum.
    pub fn witness_index(&self, siglum: &str) -> Option<usize> {
        self.witnesses.iter().position(|w| w.siglum == siglum)
    }

    /// For each position, does it start a paragraph? A position starts one
    /// when its anchor's text begins on a later line than the anchor's
    /// previous text ended (so the base's paragraphs and line-per-stanza
    /// layouts survive; a sentence a PDF broke across lines does not).
    pub fn paragraph_starts(&self) -> Vec<bool> {
        let mut last_line: Vec<Option<u32>> = vec![None; self.witnesses.len()];
        let mut out = Vec::with_capacity(self.positions.len());
        for (i, p) in self.positions.iter().enumerate() {
            let a = self.witness_index(&p.anchor);
            let span = a.and_then(|a| p.witnesses.get(a)).and_then(|r| r.span.as_ref());
            let starts = match (a.and_then(|a| last_line[a]), span) {
                (Some(prev), Some(s)) => s.line > prev,
                _ => i == 0,
            };
            out.push(starts || i == 0);
            for (w, r) in p.witnesses.iter().enumerate() {
                if let Some(s) = &r.span {
                    last_line[w] = Some(s.end_line);
                }
            }
        }
        out
    }

    /// The collation as pretty-printed JSON (documented in `docs/collate.md`),
    /// with a final newline.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Tool {
            name: &'static str,
            version: &'static str,
        }
        #[derive(Serialize)]
        struct View<'a> {
            tool: Tool,
            #[serde(flatten)]
            collation: &'a Collation,
        }
        let view = View { tool: Tool { name: "tvdiff", version: env!("CARGO_PKG_VERSION") }, collation: self };
        let mut s = serde_json::to_string_pretty(&view).expect("the collation model always serialises");
        s.push('\n');
        s
    }
}

/// One version taking part in a collation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Witness {
    /// Short name (`A`, `B`, …), unique in the collation.
    pub siglum: String,
    /// The path (or name) as given.
    pub path: String,
    /// Size in bytes.
    pub bytes: usize,
    /// How the bytes were decoded.
    pub encoding: String,
    /// SHA-256 of the text as read (hex).
    pub sha256: String,
    /// Number of lines.
    pub lines: usize,
    /// Lines that took part.
    pub lines_compared: usize,
    /// Lines removed by `--lang` or `--ignore-lines`.
    pub lines_dropped: usize,
    /// Number of sentences.
    pub sentences: usize,
    /// Dominant script of the compared text.
    pub script: Script,
    /// Positions where this witness lacks the sentence.
    pub absent: usize,
    /// Variation points where this witness's reading is its own alone
    /// (a *singular* reading), not counting positions it alone has.
    pub singular: usize,
}

/// Counts over the whole collation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CollationSummary {
    /// Number of positions.
    pub positions: usize,
    /// Positions where every witness has the same text (after normalisation).
    pub unanimous: usize,
    /// Positions every witness has, with different readings.
    pub varying: usize,
    /// Positions some witnesses lack.
    pub partial: usize,
    /// Number of variation points.
    pub variation_points: usize,
    /// Variation points by class.
    pub classes: BTreeMap<EditClass, usize>,
    /// The sigla, in the order of the matrix rows and columns.
    pub sigla: Vec<String>,
    /// Pairwise similarity, 0–100: the share of the two witnesses' key
    /// characters they have in common, computed from this alignment (see
    /// `docs/collate.md`).
    pub similarity: Vec<Vec<f64>>,
    /// Pairwise number of positions where the two witnesses disagree (one
    /// lacks the sentence, or their readings differ).
    pub disagreements: Vec<Vec<usize>>,
}

impl CollationSummary {
    /// One cell of the combined matrix renderers show: `·` on the diagonal,
    /// the similarity above it, the number of disagreeing positions below
    /// (empty if the matrices are too small).
    pub fn matrix_cell(&self, i: usize, j: usize) -> String {
        use std::cmp::Ordering::*;
        match i.cmp(&j) {
            Equal => "·".to_string(),
            Less => self.similarity.get(i).and_then(|r| r.get(j)).map_or(String::new(), |v| format!("{v:.1}")),
            Greater => self.disagreements.get(i).and_then(|r| r.get(j)).map_or(String::new(), |v| v.to_string()),
        }
    }
}

/// How the witnesses stand at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PositionStatus {
    /// Every witness has the sentence, with the same text.
    Unanimous,
    /// Every witness has the sentence; the readings differ.
    Variant,
    /// Some witnesses lack the sentence.
    Partial,
}

/// One position of the multi-alignment: a base sentence, or a sentence some
/// witnesses have where the base has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// Index in [`Collation::positions`].
    pub index: usize,
    /// Status.
    pub status: PositionStatus,
    /// The base sentence of this position; `null` when the base lacks it.
    pub base_sentence: Option<usize>,
    /// Siglum of the witness variation points are measured against: the
    /// base, or (when the base lacks the sentence) the first witness that
    /// has it.
    pub anchor: String,
    /// Every witness, in witness order: its sentence here, or absent.
    pub witnesses: Vec<PositionReading>,
    /// Witnesses grouped by identical normalised text, the anchor's group
    /// first. Absent witnesses are in no group.
    pub groups: Vec<Vec<String>>,
    /// Witnesses that lack the sentence (`om.`).
    pub absent: Vec<String>,
    /// Where the readings differ, in text order.
    pub variation_points: Vec<VariationPoint>,
}

impl Position {
    /// The entry of witness `siglum`.
    pub fn witness(&self, siglum: &str) -> Option<&PositionReading> {
        self.witnesses.iter().find(|r| r.siglum == siglum)
    }

    /// Witness `siglum`'s text at this position, cut at its readings of the
    /// variation points (nothing if it lacks the sentence). Renderers use
    /// this; offsets that do not fit the text (a hand-edited collation)
    /// leave the text uncut rather than fail.
    pub fn pieces(&self, siglum: &str) -> Vec<TextPiece<'_>> {
        let Some(span) = self.witness(siglum).and_then(|r| r.span.as_ref()) else { return Vec::new() };
        let mut marks: Vec<(usize, usize, &VariationPoint, usize)> = Vec::new();
        for vp in &self.variation_points {
            for (g, r) in vp.readings.iter().enumerate() {
                if let Some(at) = r.at.iter().find(|a| a.siglum == siglum) {
                    marks.push((at.start, at.end, vp, g));
                }
            }
        }
        marks.sort_by_key(|m| (m.0, m.1, m.2.id));
        let rel = |b: usize| b.checked_sub(span.start);
        let mut out = Vec::with_capacity(2 * marks.len() + 1);
        let mut cursor = 0;
        for (start, end, vp, group) in marks {
            let piece = rel(start).zip(rel(end)).and_then(|(s, e)| {
                let before = span.text.get(cursor..s)?;
                let text = span.text.get(s..e)?;
                Some((before, text, e))
            });
            let Some((before, text, e)) = piece else { return vec![TextPiece::Plain(&span.text)] };
            if !before.is_empty() {
                out.push(TextPiece::Plain(before));
            }
            out.push(TextPiece::Reading { vp, group, text });
            cursor = e;
        }
        match span.text.get(cursor..) {
            Some("") => {}
            Some(rest) => out.push(TextPiece::Plain(rest)),
            None => return vec![TextPiece::Plain(&span.text)],
        }
        out
    }
}

/// A stretch of one witness's text at a position (see [`Position::pieces`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TextPiece<'a> {
    /// Text outside every variation point.
    Plain(&'a str),
    /// The witness's reading of a variation point (empty for an omission).
    Reading {
        /// The variation point.
        vp: &'a VariationPoint,
        /// Index of the witness's reading in `vp.readings`.
        group: usize,
        /// The witness's original text.
        text: &'a str,
    },
}

/// One witness at one position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PositionReading {
    /// The witness.
    pub siglum: String,
    /// Its text here, with location; `null` when absent.
    pub span: Option<Span>,
    /// The witness's sentence indices `[start, end)`; `null` when absent.
    pub sentences: Option<[usize; 2]>,
    /// The witness has one sentence where the base has several: `span` is
    /// the part of that sentence that corresponds to this position.
    pub split: bool,
    /// The sentence moved: when absent, the position where this witness has
    /// it; when present, the position where the base has it.
    pub moved: Option<usize>,
}

/// A place inside a position where the witnesses' readings differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariationPoint {
    /// Number of the variation point, 1-based and unique in the collation.
    pub id: usize,
    /// Index of the position.
    pub position: usize,
    /// `punctuation` when the readings differ only in punctuation, `spacing`
    /// or `case` likewise, otherwise `wording`.
    pub class: EditClass,
    /// The readings, grouped by normalised text; the anchor's first.
    pub readings: Vec<Reading>,
}

/// One reading of a variation point and the witnesses that have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// Sigla of the witnesses with this reading.
    pub witnesses: Vec<String>,
    /// The normalised comparison key (spaces at the ends trimmed).
    pub key: String,
    /// The original text of the first of these witnesses.
    pub text: String,
    /// The reading is empty: these witnesses lack the words others have.
    pub omission: bool,
    /// Where each witness has it, with its own original text.
    pub at: Vec<ReadingAt>,
}

/// A witness's reading of a variation point, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingAt {
    /// The witness.
    pub siglum: String,
    /// Original text (empty for an omission).
    pub text: String,
    /// Start byte offset in the witness's file.
    pub start: usize,
    /// End byte offset (exclusive; equal to start for an omission).
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column (in characters) of `start`.
    pub column: u32,
}

/// Collate `sources` (siglum and text of each witness), aligning every
/// witness against `sources[base]`.
///
/// Errors: fewer than two witnesses, `base` out of range, a siglum that is
/// empty, repeated or not usable as an XML identifier, or a bad
/// `--ignore-lines` pattern in `opts`.
///
/// ```
/// use tvdiff::collate::{collate, PositionStatus};
/// use tvdiff::input::Source;
/// use tvdiff::Options;
///
/// let w = |s: &str, t: &str| (s.to_string(), Source::from_text(format!("{s}.txt"), t));
/// let sources = [
///     w("A", "为各国企业在华投资兴业提供服务!互联网是人类的共同家园。"),
///     w("B", "为各国企业在中国投资兴业提供服务！\n互联网是人类共同家园。"),
///     w("C", "为各国企业在华投资兴业提供服务！互联网是人类的共同家园。"),
/// ];
/// let c = collate(&sources, 0, &Options::default())?;
/// assert_eq!(c.positions.len(), 2);
/// assert!(c.positions.iter().all(|p| p.status == PositionStatus::Variant));
///
/// // The full-width `！` and B's line break are noise; the words are not.
/// let vp = &c.positions[0].variation_points[0];
/// let readings: Vec<(&str, Vec<String>)> =
///     vp.readings.iter().map(|r| (r.text.as_str(), r.witnesses.clone())).collect();
/// assert_eq!(readings, [("华", vec!["A".to_string(), "C".to_string()]), ("中国", vec!["B".to_string()])]);
///
/// // B omits the 的 that A and C read.
/// let vp = &c.positions[1].variation_points[0];
/// assert_eq!(vp.readings[1].witnesses, ["B"]);
/// assert!(vp.readings[1].omission);
/// # Ok::<(), tvdiff::Error>(())
/// ```
pub fn collate(sources: &[(String, Source)], base: usize, opts: &Options) -> Result<Collation, Error> {
    let started = Instant::now();
    let deadline = opts.deadline(started);
    check_sigla(sources, base)?;
    let filter = crate::compare::line_filter(opts)?;
    let norm = opts.normalize;
    // Every witness segmented on rayon's pool, as `compare` segments its
    // two versions (in order: `collect` keeps the witnesses' order).
    let docs: Vec<Segmented> = {
        use rayon::prelude::*;
        sources
            .par_iter()
            .with_max_len(1)
            .map(|(_, src)| {
                let doc = segment(src, &filter, &norm);
                crate::compare::refuse_oversized(src, &doc)?;
                Ok(Segmented { chars: doc.all_chars(), doc })
            })
            .collect::<Result<_, Error>>()?
    };

    let k = sources.len();
    // Every witness against the base, through the diff layer `compare` uses.
    let diff_opts =
        DiffOptions { threshold: opts.threshold, detect_moves: opts.detect_moves, move_threshold: None, deadline };
    // On rayon's pool, not threads of their own: the diff layer uses the
    // pool too, and a caller that is itself one of its workers must not
    // wait on threads that wait on it.
    let rows: Vec<Vec<Row>> = {
        use rayon::prelude::*;
        (0..k)
            .into_par_iter()
            .map(|w| if w == base { Vec::new() } else { diff(&docs[base].doc, &docs[w].doc, &diff_opts) })
            .collect()
    };

    let slots = multi_align(&docs, base, &rows, opts);
    Ok(build(sources, &docs, base, slots, opts, deadline))
}

/// Is `s` usable as a siglum: an XML name (it becomes a TEI `xml:id`)
/// without colons?
pub fn valid_siglum(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return false };
    (first.is_alphabetic() || first == '_') && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn check_sigla(sources: &[(String, Source)], base: usize) -> Result<(), Error> {
    if sources.len() < 2 {
        return Err(Error::Usage(format!("collate needs at least two files, got {}", sources.len())));
    }
    if base >= sources.len() {
        return Err(Error::Usage(format!("base witness {base} is not among the {} witnesses", sources.len())));
    }
    for (i, (siglum, src)) in sources.iter().enumerate() {
        if !valid_siglum(siglum) {
            return Err(Error::Usage(format!(
                "siglum '{siglum}' for {}: a siglum starts with a letter and has only letters, digits, '-', '_' or '.'",
                src.name
            )));
        }
        if sources[..i].iter().any(|(s, _)| s == siglum) {
            return Err(Error::Usage(format!("siglum '{siglum}' is used for more than one file ({})", src.name)));
        }
    }
    Ok(())
}

/// A witness cut into sentences, with all its key characters at hand
/// (collation compares every sentence of every witness word by word).
struct Segmented {
    doc: Document,
    chars: Vec<NChar>,
}

impl std::ops::Deref for Segmented {
    type Target = Document;
    fn deref(&self) -> &Document {
        &self.doc
    }
}

/// A witness's text at one position: key characters of its document.
#[derive(Debug, Clone)]
struct Member {
    /// Range into the witness's `Document::chars` (no spaces at the ends).
    chars: Range<usize>,
    /// The witness's sentences it comes from.
    sentences: Range<usize>,
    /// Only part of those sentences (the base has several here).
    split: bool,
    /// For a moved sentence: the base sentence it corresponds to.
    moved_from: Option<usize>,
}

/// One row of the multi-alignment: the base sentence (if any) and each
/// witness's member.
struct Slot {
    base_sentence: Option<usize>,
    members: Vec<Option<Member>>,
}

fn trim(doc: &Segmented, mut r: Range<usize>) -> Range<usize> {
    while r.start < r.end && doc.chars[r.start].is_space() {
        r.start += 1;
    }
    while r.end > r.start && doc.chars[r.end - 1].is_space() {
        r.end -= 1;
    }
    r
}

fn member_of(doc: &Segmented, sentences: Range<usize>) -> Member {
    let chars = doc.sentences[sentences.start].chars().start..doc.sentences[sentences.end - 1].chars().end;
    Member { chars: trim(doc, chars), sentences, split: false, moved_from: None }
}

fn key_of(doc: &Segmented, m: &Member) -> String {
    key_string(&doc.chars[m.chars.clone()])
}

/// Map anchor character index `x` to the other side of `pieces`, taking the
/// leftmost candidate (an insertion at `x` comes after the result).
fn map_left(pieces: &[Piece], x: usize, new_len: usize) -> usize {
    for p in pieces {
        if p.old.start == x {
            return p.new.start;
        }
        if p.old.start < x && x < p.old.end {
            return if p.kind == PieceKind::Equal { p.new.start + (x - p.old.start) } else { p.new.start };
        }
    }
    new_len
}

/// Map anchor character index `x` to the other side, taking the rightmost
/// candidate (an insertion at `x` comes before the result).
fn map_right(pieces: &[Piece], x: usize) -> usize {
    for p in pieces.iter().rev() {
        if p.old.end == x {
            return p.new.end;
        }
        if p.old.start < x && x < p.old.end {
            return if p.kind == PieceKind::Equal { p.new.start + (x - p.old.start) } else { p.new.end };
        }
    }
    0
}

/// Build the rows of the multi-alignment from each witness's alignment
/// with the base: every base sentence is a position holding what each
/// witness has there (a stretch of a sentence, when the witness cut its
/// sentences elsewhere); sentences only some witnesses have go into the
/// gap before the next base sentence.
fn multi_align(docs: &[Segmented], base: usize, rows: &[Vec<Row>], opts: &Options) -> Vec<Slot> {
    let k = docs.len();
    let bd = &docs[base];
    let nb = bd.sentences.len();
    let mut at_base: Vec<Vec<Option<Member>>> = (0..nb)
        .map(|p| {
            let mut v = vec![None; k];
            v[base] = Some(member_of(bd, p..p + 1));
            v
        })
        .collect();
    // gaps[g][w]: witness w's sentences that the base lacks, before base sentence g.
    let mut gaps: Vec<Vec<Vec<Member>>> = vec![vec![Vec::new(); k]; nb + 1];
    for (w, wr) in rows.iter().enumerate() {
        if w == base {
            continue;
        }
        let wd = &docs[w];
        for r in wr {
            match r.kind {
                RowKind::Equal | RowKind::Resegmented | RowKind::Modified => {
                    let chars = trim(wd, r.new_chars.get());
                    if r.old.is_empty() || chars.is_empty() {
                        continue;
                    }
                    let whole = r.new.len() == 1 && wd.sentences[r.new.start()].chars() == r.new_chars.get();
                    let member = Member { chars, sentences: r.new.get(), split: !whole, moved_from: None };
                    at_base[r.old.start()][w] = Some(member);
                }
                RowKind::Added | RowKind::MovedTo => {
                    if r.new.is_empty() {
                        continue;
                    }
                    let mut m = member_of(wd, r.new.get());
                    if r.kind == RowKind::MovedTo {
                        m.moved_from = r.partner().and_then(|p| wr.get(p)).map(|from| from.old.start());
                    }
                    gaps[r.old.start().min(nb)][w].push(m);
                }
                RowKind::Removed | RowKind::MovedFrom => {}
            }
        }
    }
    let mut slots = Vec::with_capacity(nb + 16);
    for (g, gap) in gaps.into_iter().enumerate() {
        for members in merge_gap(docs, gap, opts) {
            slots.push(Slot { base_sentence: None, members });
        }
        if g < nb {
            slots.push(Slot { base_sentence: Some(g), members: std::mem::take(&mut at_base[g]) });
        }
    }
    slots
}

/// Line up the sentences different witnesses have in one gap of the base:
/// similar sentences share a row (each witness's list is paired in order
/// with the rows so far, by similarity).
fn merge_gap(docs: &[Segmented], gap: Vec<Vec<Member>>, opts: &Options) -> Vec<Vec<Option<Member>>> {
    let k = docs.len();
    let mut rows: Vec<Vec<Option<Member>>> = Vec::new();
    // The key each row is matched by: that of its first witness.
    let mut reps: Vec<String> = Vec::new();
    for (w, list) in gap.into_iter().enumerate() {
        if list.is_empty() {
            continue;
        }
        let keys: Vec<String> = list.iter().map(|m| key_of(&docs[w], m)).collect();
        let rep_refs: Vec<&str> = reps.iter().map(String::as_str).collect();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let pairs = pair_alike(&rep_refs, &key_refs, opts.threshold);
        let mut old_rows: Vec<Option<Vec<Option<Member>>>> = std::mem::take(&mut rows).into_iter().map(Some).collect();
        let old_reps = std::mem::take(&mut reps);
        let mut list: Vec<Option<Member>> = list.into_iter().map(Some).collect();
        for pair in pairs {
            match pair {
                (Some(i), j) => {
                    let mut row = old_rows[i].take().unwrap_or_else(|| vec![None; k]);
                    if let Some(j) = j {
                        row[w] = list[j].take();
                    }
                    rows.push(row);
                    reps.push(old_reps[i].clone());
                }
                (None, Some(j)) => {
                    let mut row = vec![None; k];
                    row[w] = list[j].take();
                    rows.push(row);
                    reps.push(keys[j].clone());
                }
                (None, None) => {}
            }
        }
    }
    rows
}

/// A reading's original text and where it is.
fn reading(loc: &mut Locator, siglum: &str, start: usize, end: usize) -> ReadingAt {
    let (line, column) = loc.locate(start);
    ReadingAt { siglum: siglum.to_string(), text: loc.source().text[start..end].to_string(), start, end, line, column }
}

/// Per-pair bookkeeping for the similarity matrix.
struct PairStats {
    matched: Vec<Vec<usize>>,
    total: Vec<usize>,
    disagree: Vec<Vec<usize>>,
}

fn build(
    sources: &[(String, Source)],
    docs: &[Segmented],
    base: usize,
    slots: Vec<Slot>,
    opts: &Options,
    deadline: Instant,
) -> Collation {
    let k = sources.len();
    let sigla: Vec<String> = sources.iter().map(|(s, _)| s.clone()).collect();
    let mut locators: Vec<Locator> = sources.iter().map(|(_, s)| Locator::new(s)).collect();
    let mut stats = PairStats { matched: vec![vec![0; k]; k], total: vec![0; k], disagree: vec![vec![0; k]; k] };
    let mut positions = Vec::with_capacity(slots.len());
    let mut next_vp = 1;
    // Position of each base sentence, for moves.
    let mut pos_of_base = vec![usize::MAX; docs[base].sentences.len()];
    for (index, slot) in slots.into_iter().enumerate() {
        if let Some(b) = slot.base_sentence {
            pos_of_base[b] = index;
        }
        let mut ctx = PosCtx { sources, docs, base, locators: &mut locators, stats: &mut stats, deadline };
        let pos = position(index, slot, &mut ctx, &mut next_vp);
        positions.push(pos);
    }
    // Cross-reference moved sentences.
    let mut moves = Vec::new();
    for p in &positions {
        for (w, r) in p.witnesses.iter().enumerate() {
            if let Some(b) = r.moved {
                if let Some(&q) = pos_of_base.get(b) {
                    moves.push((p.index, w, q));
                }
            }
        }
    }
    for (p, w, q) in moves {
        positions[p].witnesses[w].moved = (q != usize::MAX).then_some(q);
        if q != usize::MAX && positions[q].witnesses[w].span.is_none() {
            positions[q].witnesses[w].moved = Some(p);
        }
    }

    let mut summary = CollationSummary { positions: positions.len(), sigla: sigla.clone(), ..Default::default() };
    let mut absent = vec![0; k];
    let mut singular = vec![0; k];
    for p in &positions {
        match p.status {
            PositionStatus::Unanimous => summary.unanimous += 1,
            PositionStatus::Variant => summary.varying += 1,
            PositionStatus::Partial => summary.partial += 1,
        }
        for s in &p.absent {
            if let Some(w) = sigla.iter().position(|x| x == s) {
                absent[w] += 1;
            }
        }
        for vp in &p.variation_points {
            summary.variation_points += 1;
            *summary.classes.entry(vp.class).or_default() += 1;
            for r in &vp.readings {
                if let [only] = r.witnesses.as_slice() {
                    if let Some(w) = sigla.iter().position(|x| x == only) {
                        singular[w] += 1;
                    }
                }
            }
        }
    }
    summary.similarity = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    let total = if i == j { 2 * stats.total[i] } else { stats.total[i] + stats.total[j] };
                    let matched = if i == j { total } else { stats.matched[i.min(j)][i.max(j)] };
                    if total == 0 {
                        100.0
                    } else {
                        (matched as f64 * 1000.0 / total as f64).round() / 10.0
                    }
                })
                .collect()
        })
        .collect();
    summary.disagreements = (0..k).map(|i| (0..k).map(|j| stats.disagree[i.min(j)][i.max(j)]).collect()).collect();

    let witnesses = sources
        .iter()
        .zip(docs)
        .enumerate()
        .map(|(w, ((siglum, src), doc))| {
            let v = crate::compare::version_info(
                src,
                doc,
                crate::compare::sha256_hex(&src.text),
                crate::compare::key_script(doc),
            );
            Witness {
                siglum: siglum.clone(),
                path: v.path,
                bytes: v.bytes,
                encoding: v.encoding,
                sha256: v.sha256,
                lines: v.lines,
                lines_compared: v.lines_compared,
                lines_dropped: v.lines_dropped,
                sentences: v.sentences,
                script: v.script,
                absent: absent[w],
                singular: singular[w],
            }
        })
        .collect();
    Collation { witnesses, base: sigla[base].clone(), options: opts.clone(), summary, positions }
}

/// The anchor tokens' boundaries, for widening variation points to words.
struct Words {
    /// For each character, the range of the word token containing it (or
    /// the character alone for spaces and punctuation).
    word: Vec<Range<usize>>,
}

impl Words {
    fn new(chars: &[char]) -> Words {
        let mut word = vec![0..0; chars.len()];
        for t in tokenize(chars) {
            let whole = matches!(t.kind, TokenKind::Han | TokenKind::Word);
            for i in t.range.clone() {
                word[i] = if whole { t.range.clone() } else { i..i + 1 };
            }
        }
        Words { word }
    }

    /// Widen `[a, b)` so that it neither starts nor ends inside a word, nor
    /// inside the original text of one character.
    fn widen(&self, anchor: &[NChar], mut a: usize, mut b: usize) -> (usize, usize) {
        let n = anchor.len();
        loop {
            let (a0, b0) = (a, b);
            if a == b {
                if a > 0 && a < n && self.word[a].start < a {
                    a = self.word[a].start;
                    b = self.word[b].end;
                }
                if a == b && a > 0 && a < n && anchor[a - 1].end > anchor[a].start {
                    a -= 1;
                    b += 1;
                }
            } else {
                if a < n {
                    a = a.min(self.word[a].start);
                }
                if b > 0 && b <= n {
                    b = b.max(self.word[b - 1].end);
                }
            }
            while a > 0 && a < n && anchor[a - 1].end > anchor[a].start {
                a -= 1;
            }
            while b > 0 && b < n && anchor[b].start < anchor[b - 1].end {
                b += 1;
            }
            if (a, b) == (a0, b0) {
                return (a, b);
            }
        }
    }
}

fn trimmed_key(chars: &[NChar]) -> String {
    key_string(chars).trim_matches(' ').to_string()
}

/// What analysing one position needs.
struct PosCtx<'a, 'b> {
    sources: &'a [(String, Source)],
    docs: &'a [Segmented],
    base: usize,
    locators: &'b mut [Locator<'a>],
    stats: &'b mut PairStats,
    deadline: Instant,
}

fn position(index: usize, slot: Slot, cx: &mut PosCtx, next_vp: &mut usize) -> Position {
    let PosCtx { sources, docs, base, deadline, .. } = *cx;
    let locators = &mut *cx.locators;
    let stats = &mut *cx.stats;
    let k = sources.len();
    let sig = |w: usize| sources[w].0.clone();
    let members = slot.members;
    let present: Vec<usize> = (0..k).filter(|&w| members[w].is_some()).collect();
    let anchor = if members[base].is_some() { base } else { present.first().copied().unwrap_or(base) };
    let chars_of = |w: usize| -> &[NChar] { members[w].as_ref().map_or(&[][..], |m| &docs[w].chars[m.chars.clone()]) };
    let keys: Vec<Option<String>> =
        (0..k).map(|w| members[w].as_ref().map(|m| key_string(&docs[w].chars[m.chars.clone()]))).collect();

    // Agreement groups: the anchor's first, then in witness order.
    let mut order: Vec<usize> = vec![anchor];
    order.extend(present.iter().copied().filter(|&w| w != anchor));
    let mut group_of = vec![usize::MAX; k];
    let mut group_keys: Vec<&str> = Vec::new();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for &w in &order {
        let Some(key) = keys[w].as_deref() else { continue };
        let g = match group_keys.iter().position(|g| *g == key) {
            Some(g) => g,
            None => {
                group_keys.push(key);
                groups.push(Vec::new());
                group_keys.len() - 1
            }
        };
        group_of[w] = g;
        groups[g].push(sig(w));
    }

    let witnesses: Vec<PositionReading> = (0..k)
        .map(|w| match &members[w] {
            None => PositionReading { siglum: sig(w), span: None, sentences: None, split: false, moved: None },
            Some(m) => {
                let (s, e) = byte_range(&docs[w].chars, &m.chars);
                PositionReading {
                    siglum: sig(w),
                    span: Some(locators[w].span(s, e)),
                    sentences: Some([m.sentences.start, m.sentences.end]),
                    split: m.split,
                    // A base sentence index for now; `build` turns it into a position.
                    moved: m.moved_from,
                }
            }
        })
        .collect();

    // Variation points.
    let mut vps: Vec<VariationPoint> = Vec::new();
    // Per variation point: (witness, reading key chars length, group) for the matrix.
    let mut vp_stats: Vec<Vec<(usize, usize, usize)>> = Vec::new();
    let mut vp_keys: Vec<Vec<String>> = Vec::new();
    if groups.len() > 1 {
        let ac = chars_of(anchor);
        let achars: Vec<char> = ac.iter().map(|c| c.ch).collect();
        // Each witness's diff against the anchor (None: identical keys).
        let diffs: Vec<Option<Vec<Piece>>> = (0..k)
            .map(|w| {
                (members[w].is_some() && group_of[w] != group_of[anchor])
                    .then(|| diff_sentences(ac, chars_of(w), Some(deadline)))
            })
            .collect();
        let words = Words::new(&achars);
        let mut spans: Vec<(usize, usize)> = diffs
            .iter()
            .flatten()
            .flat_map(|ps| ps.iter().filter(|p| p.kind != PieceKind::Equal))
            .map(|p| words.widen(ac, p.old.start, p.old.end))
            .collect();
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut candidates: Vec<(usize, usize)> = merged;
        // Fall back to the whole sentence if the diffs found nothing to show.
        let mut whole_tried = false;
        loop {
            for &(a, b) in &candidates {
                if let Some((vp, st, ks)) =
                    variation_point(index, a, b, anchor, &present, &group_of, &diffs, &members, docs, sources, locators)
                {
                    vps.push(vp);
                    vp_stats.push(st);
                    vp_keys.push(ks);
                }
            }
            if !vps.is_empty() || whole_tried {
                break;
            }
            whole_tried = true;
            candidates = vec![(0, ac.len())];
        }
    }
    for vp in &mut vps {
        vp.id = *next_vp;
        *next_vp += 1;
    }

    // Matrix bookkeeping.
    let len = |w: usize| members[w].as_ref().map_or(0, |m| m.chars.len());
    for &w in &present {
        stats.total[w] += len(w);
    }
    for i in 0..k {
        for j in i + 1..k {
            let (pi, pj) = (members[i].is_some(), members[j].is_some());
            if !pi && !pj {
                continue;
            }
            if pi != pj || group_of[i] != group_of[j] {
                stats.disagree[i][j] += 1;
            }
            if !(pi && pj) {
                continue;
            }
            if group_of[i] == group_of[j] {
                stats.matched[i][j] += len(i) + len(j);
                continue;
            }
            let mut m = len(i) + len(j);
            for (st, ks) in vp_stats.iter().zip(&vp_keys) {
                let find = |w: usize| st.iter().find(|(x, _, _)| *x == w).copied();
                if let (Some((_, li, gi)), Some((_, lj, gj))) = (find(i), find(j)) {
                    m = m.saturating_sub(li + lj);
                    if gi == gj {
                        m += li + lj;
                    } else {
                        m += 2 * common_chars(&ks[gi], &ks[gj], deadline);
                    }
                }
            }
            stats.matched[i][j] += m;
        }
    }

    let absent: Vec<String> = (0..k).filter(|&w| members[w].is_none()).map(sig).collect();
    let status = if !absent.is_empty() {
        PositionStatus::Partial
    } else if groups.len() > 1 {
        PositionStatus::Variant
    } else {
        PositionStatus::Unanimous
    };
    Position {
        index,
        status,
        base_sentence: slot.base_sentence,
        anchor: sig(anchor),
        witnesses,
        groups,
        absent,
        variation_points: vps,
    }
}

type VpStats = Vec<(usize, usize, usize)>;

/// The readings of anchor characters `[a, b)` in every present witness;
/// `None` if they all agree.
#[allow(clippy::too_many_arguments)]
fn variation_point(
    position: usize,
    a: usize,
    b: usize,
    anchor: usize,
    present: &[usize],
    group_of: &[usize],
    diffs: &[Option<Vec<Piece>>],
    members: &[Option<Member>],
    docs: &[Segmented],
    sources: &[(String, Source)],
    locators: &mut [Locator],
) -> Option<(VariationPoint, VpStats, Vec<String>)> {
    let mut order: Vec<usize> = vec![anchor];
    order.extend(present.iter().copied().filter(|&w| w != anchor));
    let mut readings: Vec<Reading> = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut st: VpStats = Vec::new();
    for w in order {
        let Some(m) = &members[w] else { continue };
        let wc = &docs[w].chars[m.chars.clone()];
        let (ws, we) = match &diffs[w] {
            Some(pieces) if group_of[w] != group_of[anchor] => {
                let s = map_left(pieces, a, wc.len());
                (s, map_right(pieces, b).max(s))
            }
            _ => (a, b),
        };
        let (ws, we) = (ws.min(wc.len()), we.min(wc.len()));
        let r = ws..we;
        let key = trimmed_key(&wc[r.clone()]);
        let (s, e) = byte_range(wc, &r);
        let at = reading(&mut locators[w], &sources[w].0, s, e);
        let g = match keys.iter().position(|x| *x == key) {
            Some(g) => g,
            None => {
                keys.push(key.clone());
                readings.push(Reading {
                    witnesses: Vec::new(),
                    omission: key.is_empty(),
                    text: at.text.clone(),
                    key,
                    at: Vec::new(),
                });
                readings.len() - 1
            }
        };
        st.push((w, r.len(), g));
        readings[g].witnesses.push(sources[w].0.clone());
        readings[g].at.push(at);
    }
    if readings.len() < 2 {
        return None;
    }
    let class = change_class(readings[1..].iter().map(|r| edit_class(&readings[0].key, &r.key)));
    Some((VariationPoint { id: 0, position, class, readings }, st, keys))
}

/// Characters two short keys have in common, in order (for the matrix).
fn common_chars(a: &str, b: &str, deadline: Instant) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    similar::capture_diff_slices_deadline(similar::Algorithm::Myers, &a, &b, Some(deadline))
        .iter()
        .map(|op| match op {
            similar::DiffOp::Equal { len, .. } => *len,
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn run(texts: &[&str]) -> Collation {
        let sources: Vec<(String, Source)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (((b'A' + i as u8) as char).to_string(), Source::from_text(format!("{i}.txt"), *t)))
            .collect();
        collate(&sources, 0, &Options::default()).unwrap()
    }

    fn readings(vp: &VariationPoint) -> Vec<(String, String)> {
        vp.readings.iter().map(|r| (r.key.clone(), r.witnesses.join(" "))).collect()
    }

    #[test]
    fn witnesses_with_the_same_reading_share_one_variation_point() {
        // B and C insert the same word; the rest of B's sentence differs,
        // which must not move where B's insertion is reported.
        let c = run(&[
            "We said it was fine. Then we left.",
            "We said that it was fine today. Then we left.",
            "We said that it was fine. Then we left.",
        ]);
        let vps = &c.positions[0].variation_points;
        let that: Vec<_> = vps.iter().filter(|vp| vp.readings.iter().any(|r| r.key == "that")).collect();
        assert_eq!(that.len(), 1, "{vps:#?}");
        let r = that[0].readings.iter().find(|r| r.key == "that").unwrap();
        assert_eq!(r.witnesses, ["B", "C"]);
    }

    #[test]
    fn a_witness_that_cuts_sentences_elsewhere_lines_up_by_words() {
        let c = run(&["甲乙丙丁。戊己庚辛。", "甲乙丙丁，戊己庚辛。"]);
        assert_eq!(c.positions.len(), 2);
        let vps: Vec<&VariationPoint> = c.positions.iter().flat_map(|p| &p.variation_points).collect();
        assert_eq!(vps.len(), 1);
        assert_eq!(vps[0].class, EditClass::Punctuation);
        assert!(c.positions[0].witnesses[1].split);
        assert_eq!(c.positions[1].status, PositionStatus::Unanimous);
    }

    #[test]
    fn insertion_and_replacement_are_grouped() {
        let c = run(&[
            "让各国人民了解中华优秀文化，为各国企业在华投资兴业提供服务。",
            "让各国人民了解中华优秀传统文化，为各国企业在中国投资兴业提供服务。",
            "让各国人民了解中华优秀文化,为各国企业在华投资兴业提供服务。",
        ]);
        assert_eq!(c.positions.len(), 1);
        let vps = &c.positions[0].variation_points;
        assert_eq!(vps.len(), 2);
        assert_eq!(readings(&vps[0]), [("".into(), "A C".into()), ("传统".into(), "B".into())]);
        assert_eq!(readings(&vps[1]), [("华".into(), "A C".into()), ("中国".into(), "B".into())]);
        assert_eq!(c.positions[0].groups, [vec!["A", "C"], vec!["B"]]);
        assert_eq!(c.summary.disagreements[0], [0, 1, 0]);
    }

    #[test]
    fn sentences_the_base_lacks_share_a_position() {
        let c = run(&[
            "第一句话在这里。第三句话在这里。",
            "第一句话在这里。新加的句子很长很长。第三句话在这里。",
            "第一句话在这里。新加的句子很长很长！第三句话在这里。",
        ]);
        assert_eq!(c.positions.len(), 3);
        let p = &c.positions[1];
        assert_eq!(p.base_sentence, None);
        assert_eq!(p.absent, ["A"]);
        assert_eq!(p.anchor, "B");
        assert_eq!(p.status, PositionStatus::Partial);
        assert_eq!(readings(&p.variation_points[0]), [(".".into(), "B".into()), ("!".into(), "C".into())]);
        assert_eq!(p.variation_points[0].class, EditClass::Punctuation);
    }

    #[test]
    fn a_witness_joining_two_base_sentences_is_split() {
        let c = run(&["第一句话很长很长。第二句也不短。", "第一句话很长很长，第二句也不短。"]);
        assert_eq!(c.positions.len(), 2);
        let w = &c.positions[0].witnesses[1];
        assert!(w.split);
        assert_eq!(w.span.as_ref().unwrap().text, "第一句话很长很长，");
        assert_eq!(c.positions[1].status, PositionStatus::Unanimous);
        assert_eq!(c.positions[0].variation_points[0].class, EditClass::Punctuation);
    }

    #[test]
    fn noise_never_makes_a_variant() {
        let c = run(&["自 21 年前，“互联网+”来了!", "自21年前,「互联网+」\n来了！"]);
        assert!(!c.has_variants());
        assert_eq!(c.summary.similarity[0][1], 100.0);
    }

    #[test]
    fn moves_are_cross_referenced() {
        let c = run(&["甲甲甲。乙乙乙乙。丙丙丙。丁丁丁。", "甲甲甲。丙丙丙。丁丁丁。乙乙乙乙。"]);
        let from = c.positions.iter().find(|p| p.base_sentence == Some(1)).unwrap();
        assert_eq!(from.absent, ["B"]);
        let to = from.witnesses[1].moved.expect("cross-reference");
        assert_eq!(c.positions[to].witnesses[1].moved, Some(from.index));
    }

    #[test]
    fn errors_are_usage_errors() {
        let s = |n: &str| (n.to_string(), Source::from_text("x", "a"));
        assert!(collate(&[s("A")], 0, &Options::default()).is_err());
        assert!(collate(&[s("A"), s("A")], 0, &Options::default()).is_err());
        assert!(collate(&[s("A"), s("1x")], 0, &Options::default()).is_err());
        assert!(collate(&[s("A"), s("B")], 2, &Options::default()).is_err());
    }

    /// Readings lie inside their witness's span, and the anchor's variation
    /// points are in order without overlapping (renderers rely on both).
    fn check_invariants(c: &Collation) {
        for p in &c.positions {
            let span = |s: &str| p.witnesses.iter().find(|r| r.siglum == s).and_then(|r| r.span.as_ref());
            let mut cursor = 0;
            for vp in &p.variation_points {
                assert!(vp.readings.len() >= 2);
                for r in &vp.readings {
                    for at in &r.at {
                        let s = span(&at.siglum).expect("a reading of a present witness");
                        assert!(s.start <= at.start && at.start <= at.end && at.end <= s.end, "{at:?} in {s:?}");
                        assert_eq!(&s.text[at.start - s.start..at.end - s.start], at.text);
                    }
                }
                let a = vp.readings.iter().flat_map(|r| &r.at).find(|a| a.siglum == p.anchor).expect("anchor");
                assert!(a.start >= cursor, "variation points overlap at position {}", p.index);
                cursor = a.end;
            }
        }
        check_renderers(c);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
        #[test]
        fn any_input_collates(texts in proptest::collection::vec(
            proptest::collection::vec(proptest::sample::select(vec![
                "在", "华", "中国", "传统", "文化", "。", "，", ",", "!", "！", " ", "\n", "\n\n", "a", "b c", ".",
                "…", "ﬁ", "㈠", "\u{200B}", "“", "”", "<", "&", "\t", "Mr.", "e\u{301}", "——",
            ]), 0..40).prop_map(|v| v.concat()),
            2..4,
        )) {
            let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
            let c = run(&refs);
            check_invariants(&c);
            let again = run(&refs);
            proptest::prop_assert_eq!(c.to_json(), again.to_json());
        }
    }

    #[test]
    fn renderers_survive_a_hand_edited_collation() {
        let mut c = run(&["为各国企业在华投资兴业。", "为各国企业在中国投资兴业。"]);
        for p in &mut c.positions {
            for vp in &mut p.variation_points {
                for r in &mut vp.readings {
                    for at in &mut r.at {
                        at.start += 1; // inside a character
                        at.end += 1000;
                    }
                }
            }
        }
        c.summary.similarity.clear();
        c.summary.disagreements = vec![vec![]];
        assert_eq!(c.positions[0].pieces("A"), [TextPiece::Plain("为各国企业在华投资兴业。")]);
        check_renderers(&c);
        let c: Collation = serde_json::from_str(&c.to_json()).expect("the JSON reads back");
        check_renderers(&c);
    }

    fn check_renderers(c: &Collation) {
        let _ = crate::render::tei::render(c);
        let _ = crate::render::collate_html::render(c);
        let _ = crate::render::collate_terminal::render(c, &Default::default());
    }

    #[test]
    fn hostile_input_does_not_panic() {
        check_invariants(&run(&["", "ﬁﬁﬁ…… ㈠㈡。\u{200B}", "fi fi ...(一)。"]));
        check_invariants(&run(&["a\u{301}b c. Ⅻ!", "", "ab c. XII!"]));
    }
}
