//! The pipeline: input → normalise → segment → align → inline diff →
//! classify → report.
//!
//! [`compare`] runs every stage and builds the [`Report`]. The two versions
//! are normalised, segmented and hashed on two threads; after alignment,
//! the noise absorbed by equal sentences is counted on two threads too
//! (rebuilding key characters only where the original texts differ), and
//! the word segmenter is set up for the modified sentences only. Rows are
//! built only when [`Options::rows`] asks for them.

use crate::chars::{dominant_script, is_punct, Script};
use crate::classify::{change_class, count_absorbed, count_absorbed_at, edit_class, Absorbed};
use crate::diff::{diff_telling, key_text_in, DiffOptions, Range32, Row};
use crate::error::Error;
use crate::error_rate::{error_rate, sentence_counts, ErrorUnit, Tokenizer};
use crate::inline::{PackedPiece, PieceKind};
use crate::input::{LineFilter, Source};
use crate::made::{Made, MadeChange, MadeEdit, NOT_RECURRING};
use crate::normalize::byte_range;
use crate::normalize::{NChar, Rule};
use crate::recogniser::{filler_only, filler_rows, unpunctuated};
use crate::report::{
    Change, ChangeKind, EditClass, EditOp, Locator, Recurring, Report, Row as ReportRow, RowKind, Span, Summary,
    VersionInfo,
};
use crate::segment::{segment, CharCursor, Document};
use crate::structure::{Outline, Renumbering};
use crate::Options;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

/// Compare two versions.
///
/// ```
/// use tvdiff::{compare, input::Source, Options, report::ChangeKind};
/// let old = Source::from_text("old.txt", "让各国人民了解中华优秀文化，为各国企业在华投资兴业提供服务。");
/// let new = Source::from_text("new.txt", "让各国人民了解中华优秀传统文化,为各国企业在中国投资兴业提供服务。");
/// let report = compare(&old, &new, &Options::default()).unwrap();
/// assert_eq!(report.changes.len(), 1);
/// assert_eq!(report.changes[0].kind, ChangeKind::Modified);
/// let edits: Vec<(&str, &str)> = report.changes[0].edits.iter().map(|e| (e.old.as_str(), e.new.as_str())).collect();
/// assert_eq!(edits, [("", "传统"), ("华", "中国")]);
/// ```
pub fn compare(old: &Source, new: &Source, opts: &Options) -> Result<Report, Error> {
    Comparison::new(old, new, opts).map(Comparison::into_report)
}

/// A comparison whose changes are made when they are asked for: what
/// [`compare`] finds, before the report's [`Change`]s are made.
///
/// The changes of a report hold their sentences' original text, spans
/// and edits: a report of two 1 MB versions whose every sentence changed
/// is ten megabytes of them. A comparison holds what each change says in
/// a few dozen bytes of byte ranges and classes, and makes the
/// [`Change`]s of any range of them on request, the same each time: a
/// renderer that writes as it goes
/// ([`crate::render::json::write_comparison`]) asks for a few hundred at
/// a time and never holds them all. [`Comparison::into_report`] makes
/// every one: `compare(old, new, opts)` is
/// `Comparison::new(old, new, opts)?.into_report()`.
///
/// ```
/// use tvdiff::{compare, input::Source, Comparison, Options};
/// let old = Source::from_text("old.txt", "在华投资。第二句。");
/// let new = Source::from_text("new.txt", "在中国投资。第二句。");
/// let c = Comparison::new(&old, &new, &Options::default()).unwrap();
/// assert_eq!((c.len(), c.summary().modified), (1, 1));
/// let changes = c.changes(0..c.len());
/// assert_eq!(changes[0].edits[0].new, "中国");
/// assert_eq!(changes, compare(&old, &new, &Options::default()).unwrap().changes);
/// ```
pub struct Comparison<'s> {
    /// The report but its changes (`changes` empty).
    head: Report,
    made: Made<'s>,
}

impl<'s> Comparison<'s> {
    /// Compare two versions (see [`compare`]); the changes are made when
    /// they are asked for.
    pub fn new(old: &'s Source, new: &'s Source, opts: &Options) -> Result<Comparison<'s>, Error> {
        compare_lazily(old, new, opts)
    }

    /// The old version's facts.
    pub fn old_version(&self) -> &VersionInfo {
        &self.head.old
    }

    /// The new version's facts.
    pub fn new_version(&self) -> &VersionInfo {
        &self.head.new
    }

    /// The options the comparison ran with (see [`Report::options`]).
    pub fn options(&self) -> &Options {
        &self.head.options
    }

    /// The summary (see [`Report::summary`]).
    pub fn summary(&self) -> &Summary {
        &self.head.summary
    }

    /// The aligned rows, when [`Options::rows`] asked for them (see
    /// [`Report::rows`]).
    pub fn rows(&self) -> &[ReportRow] {
        &self.head.rows
    }

    /// The number of changes.
    pub fn len(&self) -> usize {
        self.made.changes.len()
    }

    /// Are the versions the same (no change)?
    pub fn is_empty(&self) -> bool {
        self.made.changes.is_empty()
    }

    /// Changes `range` (ids `range.start` on), made now.
    ///
    /// # Panics
    ///
    /// If `range` is not within `0..self.len()`.
    pub fn changes(&self, range: Range<usize>) -> Vec<Change> {
        assert!(range.start <= range.end && range.end <= self.len(), "changes {range:?} of {}", self.len());
        self.made.changes(range)
    }

    /// The whole report, every change made.
    pub fn into_report(self) -> Report {
        let Comparison { mut head, made } = self;
        head.changes = made.changes(0..made.changes.len());
        head
    }
}

/// [`Comparison::new`].
fn compare_lazily<'s>(old: &'s Source, new: &'s Source, opts: &Options) -> Result<Comparison<'s>, Error> {
    let started = Instant::now();
    let deadline = opts.deadline(started);
    let filter = line_filter(opts)?;
    // A recogniser's transcript has no punctuation: unless asked to keep
    // it, punctuation is not compared (see `recogniser`). The two versions
    // go to rayon's pool here and below, not to threads of their own: the
    // pool's threads are started once and keep their memory between stages
    // (a new thread's first allocations fault in fresh pages).
    let (o_bare, n_bare) = rayon::join(|| unpunctuated(&old.text), || unpunctuated(&new.text));
    let mut opts = opts.clone();
    opts.auto_ignore_punctuation = (o_bare || n_bare) && !opts.keep_punctuation && !opts.normalize.ignore_punctuation;
    if opts.auto_ignore_punctuation {
        opts.normalize.ignore_punctuation = true;
    }
    let opts = &opts;
    let t_census = started.elapsed();
    let norm = opts.normalize;
    // Each thread segments one version. The versions' facts that the
    // alignment does not need (the SHA-256 of a book is a few
    // milliseconds, the outline of its units) are taken by a thread that
    // has finished segmenting while the other has not (the noisier version
    // takes longer); what is left is taken while the alignment anchors, a
    // step that runs on one thread.
    let facts = |src: &Source| (sha256_hex(&src.text), Outline::detect(src));
    let finished = AtomicUsize::new(0);
    let side = |me: &Source, other: &Source| {
        let doc = segment(me, &filter, &norm);
        let (mut mine, mut theirs) = (None, None);
        if finished.fetch_add(1, Ordering::AcqRel) == 0 {
            mine = Some(facts(me));
            if finished.load(Ordering::Acquire) == 1 {
                theirs = Some(facts(other));
            }
        }
        (doc, mine, theirs)
    };
    let ((od, o_mine, n_theirs), (nd, n_mine, o_theirs)) = rayon::join(|| side(old, new), || side(new, old));
    refuse_oversized(old, &od)?;
    refuse_oversized(new, &nd)?;

    let t_segment = started.elapsed();
    // Reading and segmenting are done: their code need not stay resident
    // under the alignment.
    crate::prefault::let_go_of_code_between_steps(old.text.len() + new.text.len());
    let diff_opts = DiffOptions {
        threshold: opts.threshold,
        detect_moves: opts.detect_moves,
        move_threshold: Some(opts.move_threshold),
        deadline,
    };
    let (ofacts, nfacts) = (o_mine.or(o_theirs), n_mine.or(n_theirs));
    // While the alignment anchors (a step on one thread), the other
    // thread takes what is left of the versions' facts and counts the
    // error rate's tokens in each old sentence: most rows of a normal pair
    // are equal sentences, and the error rate only adds up their counts.
    // (Only until the anchoring is done: after it, the alignment's steps
    // use the pool, and on a pair of unrelated versions there are few
    // equal rows to count anyway.)
    let anchored = AtomicBool::new(false);
    let (rows, ((osha, oo), (nsha, no), (oscript, nscript), counts)) = rayon::join(
        || diff_telling(&od, &nd, &diff_opts, &anchored),
        || {
            let (o, n) = (ofacts.unwrap_or_else(|| facts(old)), nfacts.unwrap_or_else(|| facts(new)));
            let (os, ns) = (key_script(&od), key_script(&nd));
            let tokens = Tokenizer { unit: error_unit(os, ns), drop_fillers: opts.ignore_fillers };
            (o, n, (os, ns), sentence_counts(&od, tokens, &anchored))
        },
    );
    // No step after the alignment's inline diffs cuts words.
    crate::tokenize::let_go_of_dictionary();
    let (mut oinfo, mut ninfo) = (version_info(old, &od, osha, oscript), version_info(new, &nd, nsha, nscript));
    (oinfo.unpunctuated, ninfo.unpunctuated) = (o_bare, n_bare);
    let t_align = started.elapsed();
    let versions = Versions { old, new, od: &od, nd: &nd, oo: &oo, no: &no };
    // The error rate reads only the alignment: it is scored while the
    // report is built.
    let tokens = Tokenizer { unit: error_unit(oinfo.script, ninfo.script), drop_fillers: opts.ignore_fillers };
    // rayon's join, not a thread of its own: the error rate uses rayon's
    // pool, and under `tvdiff batch` (or a library user's rayon code) this
    // thread is one of the pool's workers; waiting for a plain thread that
    // waits for the pool would leave the pool without workers.
    let ((mut summary, made, mut report_rows), (rate, t_rate)) = rayon::join(
        || build(&versions, &rows, opts),
        || {
            let t = Instant::now();
            (error_rate(&od, &nd, &rows, tokens, &counts, deadline), t.elapsed())
        },
    );
    summary.error_rate = Some(rate);
    // The alignment and the segmented versions are freed before the
    // changes are made (the changes as the fold made them need neither):
    // with tens of thousands of changes, the report's text and spans come
    // on top of them otherwise. The alignment's rows are freed here: they
    // are tens of thousands of small blocks (each modified row's pieces),
    // and freed beside the changes' allocations they fought over the
    // allocator's arena locks (the labels of a book whose every sentence
    // changed took twice as long when they were made beside them). The
    // versions' few large buffers are returned to the system (a
    // millisecond on a book) by a worker of the pool.
    drop(rows);
    rayon::spawn(move || drop((od, nd)));
    label_rows(&oo, &no, &mut report_rows);
    let (changes, edits) = made;
    let head =
        Report { old: oinfo, new: ninfo, options: opts.clone(), summary, changes: Vec::new(), rows: report_rows };
    if std::env::var_os("TVDIFF_TRACE").is_some() {
        eprintln!(
            "tvdiff: timings: punctuation census {t_census:?}, segment {:?}, align {:?}, report {:?} (error rate {t_rate:?} of it, in parallel)",
            t_segment - t_census,
            t_align - t_segment,
            started.elapsed() - t_align
        );
    }
    Ok(Comparison { head, made: Made { changes, edits, sources: [old, new], outlines: [oo, no] } })
}

/// A version whose text or key text passes what the comparison's 32-bit
/// offsets reach (see `segment::KEY_LIMIT`) is refused, naming the file:
/// its document stopped there.
pub(crate) fn refuse_oversized(src: &Source, doc: &Document) -> Result<(), Error> {
    if doc.oversized {
        return Err(Error::input(
            &src.name,
            "too large to compare: the text or its comparison key passes 4 GiB (split the file)",
        ));
    }
    Ok(())
}

/// Characters for a Chinese reference (or a Chinese hypothesis against a
/// reference with no letters), words otherwise.
fn error_unit(old: Script, new: Script) -> ErrorUnit {
    match (old, new) {
        (Script::Han, _) | (Script::Neutral, Script::Han) => ErrorUnit::Char,
        _ => ErrorUnit::Word,
    }
}

/// Read two files and compare them.
pub fn compare_files(
    old: impl AsRef<std::path::Path>,
    new: impl AsRef<std::path::Path>,
    opts: &Options,
) -> Result<Report, Error> {
    let (old, new) = (old.as_ref(), new.as_ref());
    let (o, n) =
        rayon::join(|| Source::from_path_with(old, &opts.decode), || Source::from_path_with(new, &opts.decode));
    compare(&o?, &n?, opts)
}

/// The line filter `opts` ask for (`--lang`, `--ignore-lines`); compare and
/// collate read lines the same way.
pub(crate) fn line_filter(opts: &Options) -> Result<LineFilter, Error> {
    let mut ignore = Vec::new();
    for pat in &opts.ignore_lines {
        let re = Regex::new(pat).map_err(|e| {
            // The regex crate's message spans several lines; its last line says what is wrong.
            let msg = e.to_string();
            let why = msg.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("syntax error");
            Error::Usage(format!(
                "--ignore-lines '{pat}': invalid regular expression ({})",
                why.trim_start_matches("error: ")
            ))
        })?;
        ignore.push(re);
    }
    Ok(LineFilter { lang: opts.lang, ignore })
}

/// Facts about one version (compare's `old`/`new`, each collation
/// witness); `sha256` is [`sha256_hex`] of its text and `script`
/// [`key_script`] of its document (both taken where a thread is idle).
pub(crate) fn version_info(src: &Source, doc: &Document, sha256: String, script: Script) -> VersionInfo {
    VersionInfo {
        path: src.name.clone(),
        bytes: src.text.len(),
        encoding: src.encoding.clone(),
        replaced_bytes: src.replaced_bytes,
        sha256,
        lines: src.line_count(),
        lines_compared: doc.lines_kept,
        lines_dropped: doc.lines_dropped,
        sentences: doc.sentences.len(),
        script,
        // `compare` fills it in (it decides before segmenting).
        unpunctuated: false,
    }
}

/// The dominant script of a segmented version (for [`version_info`]): its
/// first 100,000 key characters decide.
pub(crate) fn key_script(doc: &Document) -> Script {
    let sample = doc.keys.char_indices().nth(100_000).map_or(doc.keys.as_str(), |(end, _)| &doc.keys[..end]);
    dominant_script(sample)
}

/// The SHA-256 of a version's text, in lower-case hex.
pub(crate) fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The noise absorbed in equal rows. Sentences whose original text is
/// identical have none; the others are compared character by character
/// where either version has an irregular character (see [`Document`]),
/// the rows split between two threads: on a noisy pair this is most of the
/// report's work.
fn equal_noise(old: &Source, new: &Source, od: &Document, nd: &Document, rows: &[Row]) -> Absorbed {
    let count = |part: &[Row]| {
        let (mut ocur, mut ncur) = (CharCursor::new(od), CharCursor::new(nd));
        let mut counts = Absorbed::new();
        for r in part.iter().filter(|r| matches!(r.kind, RowKind::Equal | RowKind::Resegmented)) {
            let (or, nr) = (r.old_chars, r.new_chars);
            let (ob, nb) = (byte_span(od, &r.old.get(), &or.get()), byte_span(nd, &r.new.get(), &nr.get()));
            if old.text.get(ob.clone()) == new.text.get(nb.clone()) {
                continue;
            }
            // Only where either version has an irregular character can the
            // two differ (see `Document::walk_irregular_pairs`).
            let mut here = Absorbed::new();
            let walked = r.kind == RowKind::Equal
                && Document::walk_irregular_sentence_pairs(
                    od,
                    r.old.get(),
                    or.get(),
                    nd,
                    r.new.get(),
                    nr.get(),
                    |a, b, prev| count_absorbed_at(&old.text, a, &new.text, b, prev, &mut here),
                );
            if !walked || cfg!(debug_assertions) {
                let mut full = Absorbed::new();
                count_row_noise(
                    &old.text,
                    ocur.get_in(&r.old.get(), or.get()),
                    &new.text,
                    ncur.get_in(&r.new.get(), nr.get()),
                    &mut full,
                );
                debug_assert!(!walked || full == here, "sparse noise count {here:?} != full {full:?}");
                here = full;
            }
            for (rule, n) in here {
                *counts.entry(rule).or_default() += n;
            }
        }
        counts
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if rows.len() < 2 * NOISE_PIECE || threads < 2 {
        return count(rows);
    }
    // One job per piece (rayon would otherwise split the list only as
    // often as it has threads): a worker that comes free late still finds
    // pieces to take.
    use rayon::prelude::*;
    rows.par_chunks(NOISE_PIECE).with_max_len(1).map(count).reduce(Absorbed::new, |mut counts, more| {
        for (rule, n) in more {
            *counts.entry(rule).or_default() += n;
        }
        counts
    })
}

/// Rows per piece of [`equal_noise`]'s count on rayon's pool.
const NOISE_PIECE: usize = 2_048;

/// Count the noise between two stretches whose keys are equal, or equal
/// once spaces are set aside (a row the token alignment found equal may
/// differ in a space before a mark: `world ,` / `world,`).
fn count_row_noise(old_text: &str, o: &[NChar], new_text: &str, n: &[NChar], counts: &mut Absorbed) {
    if o.len() == n.len() && o.iter().zip(n).all(|(a, b)| a.ch == b.ch) {
        count_absorbed(old_text, o, new_text, n, counts);
    } else {
        let strip = |c: &[NChar]| c.iter().copied().filter(|c| !c.is_space()).collect::<Vec<_>>();
        count_absorbed(old_text, &strip(o), new_text, &strip(n), counts);
    }
}

/// Byte range of the original text that key characters `r` stand for;
/// `sentences` are the sentences `r` touches. Where `r` starts or ends with
/// a sentence, the sentence's own bounds are used: they include marks the
/// key may lack (`--ignore-punctuation`).
pub(crate) fn byte_span(doc: &Document, sentences: &Range<usize>, r: &Range<usize>) -> Range<usize> {
    if r.is_empty() {
        return 0..0;
    }
    let (first, last) = match (doc.sentences.get(sentences.start), sentences.end.checked_sub(1)) {
        (Some(_), Some(last)) if last < doc.sentences.len() => (sentences.start, last),
        _ => (
            doc.sentences.partition_point(|s| s.chars().end <= r.start),
            doc.sentences.partition_point(|s| s.chars().end < r.end),
        ),
    };
    let start = match doc.sentences.get(first) {
        Some(s) if s.chars().start == r.start => s.start(),
        _ => doc.chars(r.start..r.start + 1).first().map_or(0, |c| c.start as usize),
    };
    let end = match doc.sentences.get(last) {
        Some(s) if s.chars().end == r.end => s.end(),
        _ => doc.chars(r.end - 1..r.end).first().map_or(start, |c| c.end as usize),
    };
    start..end.max(start)
}

/// The two versions as every step of the report sees them.
struct Versions<'a> {
    old: &'a Source,
    new: &'a Source,
    od: &'a Document,
    nd: &'a Document,
    /// Their outlines (headings), empty for unstructured text.
    oo: &'a Outline,
    no: &'a Outline,
}

/// The changes as the fold made them: their records and their edits'.
type Folds = (Vec<MadeChange>, Vec<MadeEdit>);

/// The report: a fold over the rows of the alignment (the changes as
/// records, see [`crate::made`]).
fn build(v: &Versions, aligned: &[Row], opts: &Options) -> (Summary, Folds, Vec<ReportRow>) {
    build_in_pieces(v, aligned, opts, FOLD_PIECE)
}

/// [`build`], folding pieces of about `piece` rows at a time.
fn build_in_pieces<'v>(
    v: &Versions<'v>,
    aligned: &[Row],
    opts: &Options,
    piece: usize,
) -> (Summary, Folds, Vec<ReportRow>) {
    let (old, new, od, nd) = (v.old, v.new, v.od, v.nd);
    let mut summary = Summary::default();
    // The noise in equal rows is counted (in pieces, on rayon's pool)
    // while the changes are numbered: the error rate runs beside the
    // report on the other worker, which takes up what is left of the two
    // when it is done.
    let (mut absorbed, setup) = rayon::join(|| equal_noise(old, new, od, nd, aligned), || Setup::new(v, aligned, opts));
    let Setup { total_chars, renumbering, group, fillers, filled, change_of_row, ids_before, next } = setup;

    // The fold over the rows, in pieces on rayon's pool for a large
    // report (every sentence changed): each piece starts where no unit
    // group and no run of resegmented rows crosses, so it folds alone,
    // and the pieces are joined in order. Each piece writes its changes
    // into its own stretch of the report's (the number of changes before
    // each row is known), so that they are not held twice.
    let cx = Fold {
        v,
        aligned,
        opts,
        renumbering: &renumbering,
        group: &group,
        fillers: &fillers,
        change_of_row: &change_of_row,
        filled: &filled,
    };
    let pieces = fold_pieces(aligned, &group, piece);
    let mut changes = vec![MadeChange::placeholder(); next];
    let mut shares = Vec::with_capacity(pieces.len());
    let mut rest: &mut [MadeChange] = &mut changes;
    for r in pieces {
        let (share, after) = std::mem::take(&mut rest).split_at_mut(ids_before[r.end] - ids_before[r.start]);
        shares.push((r, share));
        rest = after;
    }
    let fold = |(r, share): (Range<usize>, &mut [MadeChange])| cx.fold(r.clone(), ids_before[r.start], share);
    let folded: Vec<Folded> = if shares.len() < 2 {
        shares.into_iter().map(fold).collect()
    } else {
        use rayon::prelude::*;
        // Each piece a task of its own (see `diff::par_map`).
        shares.into_par_iter().with_max_len(1).map(fold).collect()
    };
    let mut rows = Vec::with_capacity(folded.iter().map(|f| f.rows.len()).sum());
    // The pieces' edit keys stay in their lists (one list of all of them,
    // copied while the lists were still held, was a megabyte more at the
    // heap's peak on a book whose every sentence changed).
    let mut keys: Vec<Vec<EditKey<'v>>> = Vec::with_capacity(folded.len());
    // The pieces' edits in one list, each change's range in it moved on
    // by the edits of the pieces before its own.
    let mut edits: Vec<MadeEdit> = Vec::with_capacity(folded.iter().map(|f| f.edits.len()).sum());
    let mut matched_chars = 0usize;
    for f in folded {
        debug_assert_eq!(f.filled, f.share, "a piece made as many changes as its rows were counted for");
        let base = edits.len();
        if base > 0 {
            for c in &mut changes[f.first..f.first + f.filled] {
                c.edits = (base + c.edits.start()..base + c.edits.end()).into();
            }
        }
        edits.extend(f.edits);
        rows.extend(f.rows);
        keys.push(f.keys);
        matched_chars += f.matched_chars;
        for (rule, n) in f.absorbed {
            *absorbed.entry(rule).or_default() += n;
        }
        let c = f.counts;
        summary.equal += c.equal;
        summary.resegmented += c.resegmented;
        summary.modified += c.modified;
        summary.added += c.added;
        summary.removed += c.removed;
        summary.moved += c.moved;
    }
    summary.similarity =
        if total_chars == 0 { 100.0 } else { (matched_chars as f64 * 1000.0 / total_chars as f64).round() / 10.0 };
    // Every edit has its key, made with it in the fold and classified (a
    // list in order, where the edits are behind a pointer a change).
    debug_assert_eq!(keys.iter().map(Vec::len).sum::<usize>(), edits.len());
    let mut edits_by_class: BTreeMap<EditClass, usize> = BTreeMap::new();
    for k in keys.iter().flatten() {
        *edits_by_class.entry(k.class).or_default() += 1;
    }
    summary.edits = edits_by_class;
    summary.absorbed = absorbed;
    summary.renumbered = renumbering.counts();
    summary.recurring = recurring([old, new], &changes, &mut edits, keys);
    (summary, (changes, edits), rows)
}

/// What [`build`] works out before it folds the rows.
struct Setup {
    /// Key characters of both versions.
    total_chars: usize,
    renumbering: Renumbering,
    /// For each row, the first row of its unit group.
    group: Vec<usize>,
    /// For each row, its filler words (with `--ignore-fillers`).
    fillers: Vec<usize>,
    filled: Filled,
    /// For each row, its change's id.
    change_of_row: Vec<Option<usize>>,
    /// The number of changes made by the rows before each row.
    ids_before: Vec<usize>,
    /// The number of changes.
    next: usize,
}

impl Setup {
    fn new(v: &Versions, aligned: &[Row], opts: &Options) -> Setup {
        let (od, nd) = (v.od, v.nd);
        let total_chars: usize = od.sentences.iter().map(|s| s.chars().len()).sum::<usize>()
            + nd.sentences.iter().map(|s| s.chars().len()).sum::<usize>();
        let renumbering = renumbering(v, aligned);
        // Change ids first, so that a moved-from row can point at its change.
        // The sentences of a unit added, removed or moved together are one change.
        let group = unit_groups(v, aligned);
        // Rows that differ only by filler words are equal (`--ignore-fillers`).
        let fillers = if opts.ignore_fillers { filler_rows(od, nd, aligned) } else { Vec::new() };
        let only_fillers = |i: usize| fillers.get(i).is_some_and(|&n| n > 0);
        // A unit whose first sentence is only a filler starts at its next one.
        let group: Vec<usize> = {
            let mut lead: HashMap<usize, usize> = HashMap::new();
            (0..group.len())
                .map(|i| match group[i] {
                    g if g != i && only_fillers(g) && !only_fillers(i) => *lead.entry(g).or_insert(i),
                    g if g != i && only_fillers(g) => i,
                    g => g,
                })
                .collect()
        };
        let filled = Filled::new(aligned, only_fillers, opts);
        let mut change_of_row = vec![None; aligned.len()];
        let mut ids_before = vec![0; aligned.len() + 1];
        let mut next = 0;
        for (i, r) in aligned.iter().enumerate() {
            ids_before[i] = next;
            if matches!(r.kind, RowKind::Modified | RowKind::Added | RowKind::Removed | RowKind::MovedTo)
                && !only_fillers(i)
            {
                if group[i] != i {
                    change_of_row[i] = change_of_row[group[i]];
                    continue;
                }
                change_of_row[i] = Some(next);
                next += 1;
            }
        }
        ids_before[aligned.len()] = next;
        for (i, r) in aligned.iter().enumerate() {
            if r.kind == RowKind::MovedFrom {
                change_of_row[i] = r.partner().and_then(|p| change_of_row[p]);
            }
        }
        Setup { total_chars, renumbering, group, fillers, filled, change_of_row, ids_before, next }
    }
}

/// What folding the rows needs (see [`build`]).
#[derive(Clone, Copy)]
struct Fold<'a, 'v> {
    v: &'a Versions<'v>,
    aligned: &'a [Row],
    opts: &'a Options,
    renumbering: &'a Renumbering,
    group: &'a [usize],
    fillers: &'a [usize],
    change_of_row: &'a [Option<usize>],
    filled: &'a Filled,
}

/// Which rows of the alignment the report fills (see [`Options::rows`] and
/// [`Options::row_context`]).
enum Filled {
    /// None ([`Options::rows`] off).
    None,
    /// Every row.
    All,
    /// For each row, how many rows right before it are left out, or
    /// `usize::MAX` when it is left out itself.
    Some(Vec<usize>),
}

impl Filled {
    /// The rows to fill: every row, or with a `row_context` of `n` the rows
    /// within `n` rows of a changed one (not equal or resegmented, and not
    /// equal but for filler words: `unchanged`).
    fn new(aligned: &[Row], unchanged: impl Fn(usize) -> bool, opts: &Options) -> Filled {
        if !opts.rows {
            return Filled::None;
        }
        let Some(context) = opts.row_context else { return Filled::All };
        let changed = |i: usize| !matches!(aligned[i].kind, RowKind::Equal | RowKind::Resegmented) && !unchanged(i);
        // Distance to the nearest changed row before and after each row.
        let mut near = vec![false; aligned.len()];
        let mut since: Option<usize> = None;
        for (i, n) in near.iter_mut().enumerate() {
            since = if changed(i) { Some(0) } else { since.map(|d| d + 1) };
            *n = since.is_some_and(|d| d <= context);
        }
        let mut until: Option<usize> = None;
        for (i, n) in near.iter_mut().enumerate().rev() {
            until = if changed(i) { Some(0) } else { until.map(|d| d + 1) };
            *n |= until.is_some_and(|d| d <= context);
        }
        let mut left_out = 0;
        let skipped = near
            .into_iter()
            .map(|n| {
                if n {
                    std::mem::take(&mut left_out)
                } else {
                    left_out += 1;
                    usize::MAX
                }
            })
            .collect();
        Filled::Some(skipped)
    }

    /// Is row `i` filled, and how many rows right before it are not?
    fn get(&self, i: usize) -> Option<usize> {
        match self {
            Filled::None => None,
            Filled::All => Some(0),
            Filled::Some(skipped) => skipped.get(i).copied().filter(|&n| n != usize::MAX),
        }
    }
}

/// How many of key characters `chars` lie inside sentences `sentences` of
/// `doc`: a row's stretch may run across the text between two sentences
/// (the space after a full stop), which the summary's total does not count.
fn in_sentences(doc: &Document, sentences: &Range<usize>, chars: &Range<usize>) -> usize {
    doc.sentences
        .get(sentences.clone())
        .unwrap_or_default()
        .iter()
        .map(|s| s.chars().end.min(chars.end).saturating_sub(s.chars().start.max(chars.start)))
        .sum()
}

/// The key characters outside sentences (see [`in_sentences`]) that the
/// equal pieces of a changed row cover: `chars` is the row's stretch of
/// `doc` on one side, `new_side` says which side of the pieces it is.
/// Without pieces (a move of an unchanged sentence) the whole stretch is
/// equal.
fn outside_equal(
    doc: &Document,
    sentences: &Range<usize>,
    chars: &Range<usize>,
    pieces: &[PackedPiece],
    new_side: bool,
) -> usize {
    let outside = |r: Range<usize>| r.len().saturating_sub(in_sentences(doc, sentences, &r));
    if pieces.is_empty() {
        return outside(chars.clone());
    }
    PackedPiece::unpack_all(pieces)
        .filter(|p| p.kind == PieceKind::Equal)
        .map(|p| {
            let r = if new_side { p.new } else { p.old };
            outside(chars.start + r.start..chars.start + r.end)
        })
        .sum()
}

/// What a piece of the fold made: its changes (ids from `first` on),
/// their edits, rows, edit keys, counts, noise and matched characters.
struct Folded<'k> {
    /// Its first change's id; changes written into the piece's share, and
    /// the share's length.
    first: usize,
    filled: usize,
    share: usize,
    /// Its changes' edits (each change's range counts from the list's
    /// start).
    edits: Vec<MadeEdit>,
    rows: Vec<ReportRow>,
    keys: Vec<EditKey<'k>>,
    /// Its row counts (the summary's other fields are filled after the fold).
    counts: Summary,
    absorbed: Absorbed,
    matched_chars: usize,
}

/// A piece's stretch of the report's changes, filled in order by the fold
/// (which pushes a change, or adds to the last one, as it would to a
/// vector).
struct Share<'s> {
    changes: &'s mut [MadeChange],
    len: usize,
}

impl Share<'_> {
    fn push(&mut self, c: MadeChange) {
        self.changes[self.len] = c;
        self.len += 1;
    }

    fn len(&self) -> usize {
        self.len
    }

    fn last_mut(&mut self) -> Option<&mut MadeChange> {
        self.len.checked_sub(1).map(|k| &mut self.changes[k])
    }
}

/// Rows per piece of the fold (a few hundred changes: enough to be worth a
/// task, small enough that the thread that finishes the error rate beside
/// the fold takes its share of them).
const FOLD_PIECE: usize = 512;

/// Where the fold can be cut into pieces: row ranges covering `aligned`,
/// each starting at a row that no unit group reaches back across (no row
/// at or after it belongs to a group whose first row is before it) and
/// that is not resegmented (a run of those counts once).
fn fold_pieces(aligned: &[Row], group: &[usize], size: usize) -> Vec<Range<usize>> {
    let size = size.max(1);
    let n = aligned.len();
    // The smallest group head at or after each row.
    let mut min_head = vec![usize::MAX; n + 1];
    for i in (0..n).rev() {
        min_head[i] = min_head[i + 1].min(group.get(i).copied().unwrap_or(i));
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = size;
    while i < n {
        if min_head[i] >= i && aligned[i].kind != RowKind::Resegmented {
            out.push(start..i);
            start = i;
            i = i.saturating_add(size);
        } else {
            i += 1;
        }
    }
    out.push(start..n);
    out
}

impl<'v> Fold<'_, 'v> {
    /// Fold rows `piece` into changes (and report rows with
    /// [`Options::rows`]).
    /// `first_change`: the id of the piece's first change (the number of
    /// changes the rows before it made).
    fn fold(&self, piece: Range<usize>, first_change: usize, share: &mut [MadeChange]) -> Folded<'v> {
        let Fold { v, aligned, opts, renumbering, group, fillers, change_of_row, filled } = *self;
        let (old, new, od, nd) = (v.old, v.new, v.od, v.nd);
        let only_fillers = |i: usize| fillers.get(i).is_some_and(|&n| n > 0);
        // (The locators place the report rows' spans only.)
        let (mut ol, mut nl) = (Locator::new(old), Locator::new(new));
        let (mut ocur, mut ncur) = (CharCursor::new(od), CharCursor::new(nd));
        let share_len = share.len();
        let mut changes = Share { changes: share, len: 0 };
        let mut made_edits: Vec<MadeEdit> = Vec::new();
        let mut rows = Vec::new();
        let mut keys: Vec<EditKey<'v>> = Vec::new();
        let mut summary = Summary::default();
        let mut absorbed = Absorbed::new();
        let mut matched_chars = 0usize;
        let mut in_reseg = false;
        // A unit change grows over its next sentences: each side it has
        // covers theirs too.
        let grow = |side: &mut Option<Range32>, b: Range<usize>| {
            if let Some(r) = side.as_mut() {
                *r = (r.start().min(b.start)..r.end().max(b.end)).into();
            }
        };
        // A change's edits are the last of the piece's so far: more of them
        // (a unit's next sentence) go after them.
        let add_edits = |made_edits: &mut Vec<MadeEdit>, c: &mut MadeChange, edits: Vec<MadeEdit>| {
            debug_assert_eq!(c.edits.end(), made_edits.len(), "a change's edits are the last ones");
            made_edits.extend(edits);
            c.edits = (c.edits.start()..made_edits.len()).into();
        };
        let span =
            |loc: &mut Locator, doc: &Document, sentences: &Range<usize>, chars: &Range<usize>| -> Option<Box<Span>> {
                (!chars.is_empty()).then(|| {
                    let b = byte_span(doc, sentences, chars);
                    Box::new(loc.span(b.start, b.end))
                })
            };
        // A change's text, as a byte range (none for no key characters).
        let bytes = |doc: &Document, sentences: &Range<usize>, chars: &Range<usize>| -> Option<Range32> {
            (!chars.is_empty()).then(|| byte_span(doc, sentences, chars).into())
        };
        // The key characters of an equal row that the summary's total counts.
        let matched = |r: &Row| {
            in_sentences(od, &r.old.get(), &r.old_chars.get()) + in_sentences(nd, &r.new.get(), &r.new_chars.get())
        };
        for (i, r) in aligned.iter().enumerate().take(piece.end).skip(piece.start) {
            let sentences = |r: &Row| (r.old, r.new);
            if r.kind != RowKind::Resegmented {
                in_reseg = false;
            }
            if only_fillers(i) {
                summary.equal += 1;
                *absorbed.entry(Rule::Filler).or_default() += fillers[i];
                matched_chars += matched(r);
                if let Some(skipped) = filled.get(i) {
                    let (o, n) = (
                        span(&mut ol, od, &r.old.get(), &r.old_chars.get()),
                        span(&mut nl, nd, &r.new.get(), &r.new_chars.get()),
                    );
                    rows.push(ReportRow { kind: RowKind::Equal, old: o, new: n, change: None, skipped });
                }
                continue;
            }
            match r.kind {
                RowKind::Equal => {
                    // (Their noise was counted by `equal_noise`.)
                    summary.equal += 1;
                    matched_chars += matched(r);
                }
                RowKind::Resegmented => {
                    summary.equal += 1;
                    // Consecutive rows that share a new sentence are one place.
                    if !in_reseg {
                        summary.resegmented += 1;
                    }
                    in_reseg = true;
                    matched_chars += matched(r);
                }
                RowKind::Modified => {
                    summary.modified += 1;
                    let (oc, nc) =
                        (ocur.get_in(&r.old.get(), r.old_chars.get()), ncur.get_in(&r.new.get(), r.new_chars.get()));
                    let (old_bytes, new_bytes) =
                        (bytes(od, &r.old.get(), &r.old_chars.get()), bytes(nd, &r.new.get(), &r.new_chars.get()));
                    let mut ed = EditsOf { old, new, absorbed: &mut absorbed, drop_fillers: opts.ignore_fillers };
                    let (ok, nk) = (
                        key_text_in(od, &r.old.get(), &r.old_chars.get()),
                        key_text_in(nd, &r.new.get(), &r.new_chars.get()),
                    );
                    let (mut edits, eq, ks) = ed.edits((oc, ok), (nc, nk), &r.pieces);
                    matched_chars += eq.saturating_sub(
                        outside_equal(od, &r.old.get(), &r.old_chars.get(), &r.pieces, false)
                            + outside_equal(nd, &r.new.get(), &r.new_chars.get(), &r.pieces, true),
                    );
                    classify_renumbering(renumbering, old, new, old_bytes, new_bytes, &mut edits);
                    keys.extend(EditKey::of(first_change + changes.len(), 0, ks, &edits));
                    let (os, ns) = sentences(r);
                    let mut c = MadeChange {
                        kind: ChangeKind::Modified,
                        class: change_class(edits.iter().map(|e| e.class)),
                        // Page and time of the changed words, not of the whole sentence.
                        placed: true,
                        similarity: r.similarity,
                        old: old_bytes,
                        new: new_bytes,
                        edits: (made_edits.len()..made_edits.len()).into(),
                        old_sentences: os,
                        new_sentences: ns,
                    };
                    add_edits(&mut made_edits, &mut c, edits);
                    changes.push(c);
                }
                RowKind::Added | RowKind::Removed => {
                    let added = r.kind == RowKind::Added;
                    if added {
                        summary.added += 1;
                    } else {
                        summary.removed += 1;
                    }
                    // (The key text says it: no characters decoded.)
                    let key = if added {
                        key_text_in(nd, &r.new.get(), &r.new_chars.get())
                    } else {
                        key_text_in(od, &r.old.get(), &r.old_chars.get())
                    };
                    let class = if key.chars().all(|c| is_punct(c) || c == ' ') {
                        EditClass::Punctuation
                    } else {
                        EditClass::Wording
                    };
                    let (os, ns) = sentences(r);
                    if group[i] != i {
                        // The next sentence of a unit added or removed as a whole.
                        let c = changes.last_mut().expect("a group starts with a change");
                        let (doc, sents, chars) =
                            if added { (nd, &r.new, &r.new_chars) } else { (od, &r.old, &r.old_chars) };
                        let b = byte_span(doc, &sents.get(), &chars.get());
                        grow(if added { &mut c.new } else { &mut c.old }, b);
                        c.old_sentences = (c.old_sentences.start()..c.old_sentences.end().max(os.end())).into();
                        c.new_sentences = (c.new_sentences.start()..c.new_sentences.end().max(ns.end())).into();
                        if class == EditClass::Wording {
                            c.class = EditClass::Wording;
                        }
                        // (Its own span for the rows, below.)
                        if let Some(skipped) = filled.get(i) {
                            let (o, n) = (
                                span(&mut ol, od, &r.old.get(), &r.old_chars.get()),
                                span(&mut nl, nd, &r.new.get(), &r.new_chars.get()),
                            );
                            rows.push(ReportRow { kind: r.kind, old: o, new: n, change: change_of_row[i], skipped });
                        }
                        continue;
                    }
                    changes.push(MadeChange {
                        kind: if added { ChangeKind::Added } else { ChangeKind::Removed },
                        class,
                        placed: false,
                        similarity: 0.0,
                        old: bytes(od, &r.old.get(), &r.old_chars.get()),
                        new: bytes(nd, &r.new.get(), &r.new_chars.get()),
                        edits: (made_edits.len()..made_edits.len()).into(),
                        old_sentences: os,
                        new_sentences: ns,
                    });
                }
                RowKind::MovedTo => {
                    summary.moved += 1;
                    let from = &aligned[r.partner().expect("a move has two halves")];
                    let (mut edits, eq, ks) = if r.pieces.is_empty() {
                        // Moved unchanged: its noise only, and none when
                        // the two original texts are the same (a sentence
                        // moved as it was: no key characters to rebuild).
                        let (ob, nb) = (
                            byte_span(od, &from.old.get(), &from.old_chars.get()),
                            byte_span(nd, &r.new.get(), &r.new_chars.get()),
                        );
                        if old.text.get(ob) != new.text.get(nb) {
                            let (fo, fnc) =
                                (od.chars(from.old_chars.get()), ncur.get_in(&r.new.get(), r.new_chars.get()));
                            count_row_noise(&old.text, &fo, &new.text, fnc, &mut absorbed);
                        }
                        (vec![], from.old_chars.len() + r.new_chars.len(), vec![])
                    } else {
                        let (fo, fnc) = (od.chars(from.old_chars.get()), ncur.get_in(&r.new.get(), r.new_chars.get()));
                        let mut ed = EditsOf { old, new, absorbed: &mut absorbed, drop_fillers: opts.ignore_fillers };
                        let (ok, nk) = (
                            key_text_in(od, &from.old.get(), &from.old_chars.get()),
                            key_text_in(nd, &r.new.get(), &r.new_chars.get()),
                        );
                        ed.edits((&fo, ok), (fnc, nk), &r.pieces)
                    };
                    matched_chars += eq.saturating_sub(
                        outside_equal(od, &from.old.get(), &from.old_chars.get(), &r.pieces, false)
                            + outside_equal(nd, &r.new.get(), &r.new_chars.get(), &r.pieces, true),
                    );
                    let old_bytes = bytes(od, &from.old.get(), &from.old_chars.get());
                    let new_bytes = bytes(nd, &r.new.get(), &r.new_chars.get());
                    classify_renumbering(renumbering, old, new, old_bytes, new_bytes, &mut edits);
                    if group[i] != i {
                        // The next sentence of a unit that moved together: one change.
                        let id = first_change + changes.len() - 1;
                        let c = changes.last_mut().expect("a group starts with a change");
                        keys.extend(EditKey::of(id, c.edits.len(), ks, &edits));
                        grow(&mut c.old, byte_span(od, &from.old.get(), &from.old_chars.get()));
                        grow(&mut c.new, byte_span(nd, &r.new.get(), &r.new_chars.get()));
                        add_edits(&mut made_edits, c, edits);
                        c.old_sentences = (c.old_sentences.start()..from.old.end()).into();
                        c.new_sentences = (c.new_sentences.start()..r.new.end()).into();
                        c.similarity = c.similarity.min(r.similarity);
                        c.class = if c.edits.is_empty() {
                            EditClass::Wording
                        } else {
                            change_class(made_edits[c.edits.get()].iter().map(|e| e.class))
                        };
                    } else {
                        keys.extend(EditKey::of(first_change + changes.len(), 0, ks, &edits));
                        let mut c = MadeChange {
                            kind: ChangeKind::Moved,
                            class: if edits.is_empty() {
                                EditClass::Wording
                            } else {
                                change_class(edits.iter().map(|e| e.class))
                            },
                            placed: false,
                            similarity: r.similarity,
                            old: old_bytes,
                            new: new_bytes,
                            edits: (made_edits.len()..made_edits.len()).into(),
                            old_sentences: from.old,
                            new_sentences: r.new,
                        };
                        add_edits(&mut made_edits, &mut c, edits);
                        changes.push(c);
                    }
                }
                RowKind::MovedFrom => {}
            }
            let Some(skipped) = filled.get(i) else { continue };
            let (old_span, new_span) = match r.kind {
                RowKind::MovedTo => (None, span(&mut nl, nd, &r.new.get(), &r.new_chars.get())),
                RowKind::MovedFrom => (span(&mut ol, od, &r.old.get(), &r.old_chars.get()), None),
                _ => (
                    span(&mut ol, od, &r.old.get(), &r.old_chars.get()),
                    span(&mut nl, nd, &r.new.get(), &r.new_chars.get()),
                ),
            };
            rows.push(ReportRow { kind: r.kind, old: old_span, new: new_span, change: change_of_row[i], skipped });
        }
        Folded {
            first: first_change,
            filled: changes.len,
            share: share_len,
            edits: made_edits,
            rows,
            keys,
            counts: summary,
            absorbed,
            matched_chars,
        }
    }
}

/// Builds the edits of a changed pair of stretches (a modified row, a
/// move whose wording changed) from its inline diff, and counts the noise
/// in its equal pieces.
struct EditsOf<'a, 'l> {
    old: &'a Source,
    new: &'a Source,
    absorbed: &'l mut Absorbed,
    /// Edits of filler words only are absorbed (`--ignore-fillers`).
    drop_fillers: bool,
}

impl EditsOf<'_, '_> {
    /// The edits (classed by their text, located by their byte ranges in
    /// the sources), the number of key characters in
    /// equal pieces, and each edit's normalised old and new keys, as
    /// slices of `okeys` and `nkeys`: the key texts of `oc` and `nc`
    /// (every edit of a book whose every sentence changed would otherwise
    /// be two strings built and freed).
    fn edits<'k>(
        &mut self,
        (oc, okeys): (&[NChar], &'k str),
        (nc, nkeys): (&[NChar], &'k str),
        pieces: &[PackedPiece],
    ) -> (Vec<MadeEdit>, usize, Vec<(&'k str, &'k str)>) {
        let (old, new) = (self.old, self.new);
        // Sized for every piece that is not equal (a change has one or two
        // edits, and an `Edit` is large: a vector grown from empty would
        // hold room for four, and there is one per change of a book whose
        // every sentence changed).
        let changed = pieces.iter().filter(|p| p.kind() != PieceKind::Equal).count();
        let mut edits = Vec::with_capacity(changed);
        let mut keys = Vec::with_capacity(changed);
        let mut eq = 0;
        // Where a piece's keys lie in okeys and nkeys: key characters
        // counted from the last place asked for (pieces come in order; a
        // row may have none, or pieces that cover only part of it).
        let byte_at = |(at, byte): &mut (usize, usize), cs: &[NChar], i: usize| {
            if i < *at {
                (*at, *byte) = (0, 0);
            }
            for c in &cs[*at..i] {
                *byte += c.ch.len_utf8();
            }
            *at = i;
            *byte
        };
        let (mut ocur, mut ncur) = ((0, 0), (0, 0));
        for p in PackedPiece::unpack_all(pieces) {
            let (o, n) = (&oc[p.old.clone()], &nc[p.new.clone()]);
            let okey = &okeys[byte_at(&mut ocur, oc, p.old.start)..byte_at(&mut ocur, oc, p.old.end)];
            let nkey = &nkeys[byte_at(&mut ncur, nc, p.new.start)..byte_at(&mut ncur, nc, p.new.end)];
            debug_assert_eq!(okey, o.iter().map(|c| c.ch).collect::<String>());
            debug_assert_eq!(nkey, n.iter().map(|c| c.ch).collect::<String>());
            if p.kind == PieceKind::Equal {
                eq += p.old.len() + p.new.len();
                count_absorbed(&old.text, o, &new.text, n, self.absorbed);
                continue;
            }
            let (ob, oe) = byte_range(oc, &p.old);
            let (nb, ne) = byte_range(nc, &p.new);
            if self.drop_fillers && filler_only(okey, nkey) {
                *self.absorbed.entry(Rule::Filler).or_default() += 1;
                eq += p.old.len() + p.new.len();
                continue;
            }
            edits.push(MadeEdit {
                op: match p.kind {
                    PieceKind::Insert => EditOp::Insert,
                    PieceKind::Delete => EditOp::Delete,
                    _ => EditOp::Replace,
                },
                class: edit_class(okey, nkey),
                old: (ob..oe).into(),
                new: (nb..ne).into(),
                recurring: NOT_RECURRING,
            });
            keys.push((okey, nkey));
        }
        (edits, eq, keys)
    }
}

/// How the revision renumbered its units: headings the alignment paired
/// (an old heading sentence and the new sentence its row holds, a moved
/// heading and where it went) give the mapping (see
/// [`crate::structure::Renumbering`]).
fn renumbering(v: &Versions, aligned: &[Row]) -> Renumbering {
    if v.oo.is_empty() || v.no.is_empty() {
        return Renumbering::default();
    }
    // The heading each sentence starts, if any (by sentence index: every
    // row's sentences are looked up).
    let starts = |doc: &Document, outline: &Outline| -> Vec<Option<usize>> {
        let mut m = vec![None; doc.sentences.len()];
        for (h, head) in outline.headings.iter().enumerate() {
            let s = doc.sentences.partition_point(|s| s.end() <= head.start);
            if doc.sentences.get(s).is_some_and(|x| x.start() == head.start) {
                m[s] = Some(h);
            }
        }
        m
    };
    let (oh, nh) = (starts(v.od, v.oo), starts(v.nd, v.no));
    let mut pairs = Vec::new();
    for r in aligned {
        let old = match r.kind {
            RowKind::MovedFrom | RowKind::Added | RowKind::Removed => continue,
            RowKind::MovedTo => aligned[r.partner().expect("a move has two halves")].old.get(),
            _ => r.old.get(),
        };
        let o: Vec<usize> = old.filter_map(|s| oh.get(s).copied().flatten()).collect();
        let n: Vec<usize> = r.new.get().filter_map(|s| nh.get(s).copied().flatten()).collect();
        pairs.extend(o.into_iter().zip(n));
    }
    Renumbering::new(v.oo, v.no, pairs)
}

/// Class the edits of a change that only follow the renumbering as
/// [`EditClass::Renumbering`]: all of them when the old text, its
/// references renumbered, reads as the new text; otherwise each edit whose
/// two sides are references the mapping takes one to the other.
fn classify_renumbering(
    renumbering: &Renumbering,
    old: &Source,
    new: &Source,
    os: Option<Range32>,
    ns: Option<Range32>,
    edits: &mut [MadeEdit],
) {
    if renumbering.is_empty() || edits.is_empty() {
        return;
    }
    if let (Some(a), Some(b)) = (os, ns) {
        if renumbering.renumbers(&old.text[a.get()], &new.text[b.get()]) {
            edits.iter_mut().for_each(|e| e.class = EditClass::Renumbering);
            return;
        }
    }
    for e in edits.iter_mut().filter(|e| e.class == EditClass::Wording) {
        if renumbering.is_renumbering_edit(&old.text, e.old.get(), &new.text, e.new.get()) {
            e.class = EditClass::Renumbering;
        }
    }
}

/// For each row, the first row of the unit change it belongs to (itself
/// when it starts one): in a numbered document, the sentences of one unit
/// (an article: heading and body) that were added together, removed
/// together or moved together — next to each other on each side they
/// have, in the same article — are one change. In unstructured text every
/// sentence is its own change.
fn unit_groups(v: &Versions, aligned: &[Row]) -> Vec<usize> {
    let mut group: Vec<usize> = (0..aligned.len()).collect();
    if v.oo.is_empty() || v.no.is_empty() {
        return group;
    }
    // Only articles group their sentences (a chapter of a novel is no unit
    // to report as one change).
    let unit = |doc: &Document, outline: &Outline, sentence: usize| {
        doc.sentences.get(sentence).and_then(|s| outline.article_at(s.start()))
    };
    for i in 1..aligned.len() {
        let (a, b) = (&aligned[i - 1], &aligned[i]);
        let same = |doc: &Document, outline: &Outline, x: usize, y: usize| {
            let u = unit(doc, outline, x);
            u.is_some() && u == unit(doc, outline, y)
        };
        let together = match (a.kind, b.kind) {
            (RowKind::Added, RowKind::Added) => {
                b.new.start() == a.new.end() && same(v.nd, v.no, a.new.start(), b.new.start())
            }
            (RowKind::Removed, RowKind::Removed) => {
                b.old.start() == a.old.end() && same(v.od, v.oo, a.old.start(), b.old.start())
            }
            _ => false,
        };
        if together {
            group[i] = group[i - 1];
            continue;
        }
        if a.kind != RowKind::MovedTo || b.kind != RowKind::MovedTo {
            continue;
        }
        let (Some(pa), Some(pb)) = (a.partner(), b.partner()) else { continue };
        let (fa, fb) = (&aligned[pa], &aligned[pb]);
        let together = fb.old.start() == fa.old.end()
            && b.new.start() == a.new.end()
            && same(v.od, v.oo, fa.old.start(), fb.old.start())
            && same(v.nd, v.no, a.new.start(), b.new.start());
        if together {
            group[i] = group[i - 1];
        }
    }
    group
}

/// An edit of the report and what makes edits the same edit (see
/// [`recurring`]): its normalised old and new keys and its class, with a
/// hash of the three taken in the fold, while the keys are in cache.
struct EditKey<'k> {
    /// Its change's id and its index among the change's edits.
    change: usize,
    edit: usize,
    old: &'k str,
    new: &'k str,
    class: EditClass,
    hash: u64,
}

impl<'k> EditKey<'k> {
    /// The keys `ks` of `edits` (in order, classified), the edits of
    /// change `change` from its edit `first` on.
    fn of<'a>(
        change: usize,
        first: usize,
        ks: Vec<(&'k str, &'k str)>,
        edits: &'a [MadeEdit],
    ) -> impl Iterator<Item = EditKey<'k>> + 'a
    where
        'k: 'a,
    {
        debug_assert_eq!(ks.len(), edits.len());
        ks.into_iter().zip(edits).enumerate().map(move |(k, ((old, new), e))| {
            let seed = crate::hash::seed() ^ e.class as u64;
            let hash = crate::hash::hash_bytes(new.as_bytes(), crate::hash::hash_bytes(old.as_bytes(), seed));
            EditKey { change, edit: first + k, old, new, class: e.class, hash }
        })
    }

    /// Is it the same edit as `other`?
    fn same(&self, other: &EditKey) -> bool {
        (self.old, self.new, self.class) == (other.old, other.new, other.class)
    }
}

/// Edits made three times or more (same normalised old and new text, same
/// class; renumbering aside) as [`Recurring`] groups, most frequent first
/// (then in order of first occurrence); each edit of a group points at it.
/// `keys`: every edit, in order, in lists (one per piece of the fold).
///
/// The edits are sorted by their hashes (a list of 16-byte entries, which
/// a book whose every sentence changed, tens of thousands of edits, sorts
/// in a fraction of a millisecond; a hash table of the keys cost it
/// several, its buckets faulted in and each key's text read at random),
/// and the edits with one hash are told apart by their keys: a hash only
/// decides which edits are compared, so no output depends on its value.
fn recurring(
    [old, new]: [&Source; 2],
    changes: &[MadeChange],
    edits: &mut [MadeEdit],
    keys: Vec<Vec<EditKey>>,
) -> Vec<Recurring> {
    // (hash, list, index in the list): sorted, the edits of a hash come
    // in order.
    let mut by_hash: Vec<(u64, u32, u32)> = keys
        .iter()
        .enumerate()
        .flat_map(|(l, list)| {
            list.iter()
                .enumerate()
                .filter(|(_, k)| k.class != EditClass::Renumbering)
                .map(move |(i, k)| (k.hash, l as u32, i as u32))
        })
        .collect();
    by_hash.sort_unstable();
    let key = |(l, i): (u32, u32)| &keys[l as usize][i as usize];
    // Each group: its edits, as (list, index) in order (its count and
    // first occurrence are its length and first entry).
    let mut groups: Vec<Vec<(u32, u32)>> = Vec::new();
    for run in by_hash.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() >= 3) {
        // Almost always one key per hash; the entries are in order.
        let mut distinct: Vec<Vec<(u32, u32)>> = Vec::new();
        for &(_, l, i) in run {
            match distinct.iter_mut().find(|d| key(d[0]).same(key((l, i)))) {
                Some(d) => d.push((l, i)),
                None => distinct.push(vec![(l, i)]),
            }
        }
        groups.extend(distinct.into_iter().filter(|d| d.len() >= 3));
    }
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let mut out = Vec::with_capacity(groups.len());
    // An edit's place in `edits`.
    let at = |k: &EditKey| changes[k.change].edits.start() + k.edit;
    for (g, members) in groups.into_iter().enumerate() {
        let edit = &edits[at(key(members[0]))];
        out.push(Recurring {
            old: old.text[edit.old.get()].to_string(),
            new: new.text[edit.new.get()].to_string(),
            count: members.len(),
            class: edit.class,
        });
        for m in members {
            edits[at(key(m))].recurring = g as u32;
        }
    }
    out
}

/// Label the report rows' spans with their section and path (in a
/// numbered document), by where each starts (the changes' spans are
/// labelled as they are made: see [`crate::made`]).
fn label_rows(oo: &Outline, no: &Outline, rows: &mut [ReportRow]) {
    use rayon::prelude::*;
    // (Each span on its own, on rayon's pool: a label and a path are
    // strings made for every row.)
    const MIN: usize = 1024;
    for old in [true, false] {
        let outline = if old { oo } else { no };
        if outline.is_empty() {
            continue;
        }
        rows.par_iter_mut().with_min_len(MIN).for_each(|r| {
            crate::made::label(outline, if old { r.old.as_deref_mut() } else { r.new.as_deref_mut() }, None)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `recurring`: edits with the same keys and class three times or
    /// more are a group, most frequent first, then by first occurrence;
    /// renumbering never groups; keys that share a hash (forced here) are
    /// still told apart, and the group's text is its first edit's.
    #[test]
    fn recurring_groups_by_keys_not_hashes() {
        use EditClass::{Renumbering as R, Spacing as S, Wording as W};
        // (old key, new key, class, original old text): the keys are
        // normalised, the edits keep their own texts.
        let spec = [
            ("a", "b", W, "Ａ"), // a→b: 3 times, first at 0
            ("x", "y", W, "x"),  // x→y: 4 times, first at 1
            ("a", "b", W, "a"),
            ("x", "y", W, "x"),
            ("a", "b", S, "a"), // another class: its own key (twice)
            ("x", "y", W, "x"),
            ("1", "2", R, "1"), // renumbering: three times, never a group
            ("a", "b", W, "a"),
            ("1", "2", R, "1"),
            ("x", "y", W, "x"),
            ("1", "2", R, "1"),
            ("a", "b", S, "a"),
            ("p", "q", W, "p"), // p→q and r→s: three times each, one hash
            ("r", "s", W, "r"),
            ("p", "q", W, "p"),
            ("r", "s", W, "r"),
            ("r", "s", W, "r"),
            ("p", "q", W, "p"),
        ];
        // Two edits a change, each edit's texts in versions of their own.
        let mut changes = vec![MadeChange::placeholder(); spec.len().div_ceil(2)];
        let mut edits: Vec<MadeEdit> = Vec::new();
        let (mut old_text, mut new_text) = (String::new(), String::new());
        let add = |text: &mut String, t: &str| {
            text.push_str(t);
            Range32::from(text.len() - t.len()..text.len())
        };
        for (i, &(_, n, class, text)) in spec.iter().enumerate() {
            let (old, new) = (add(&mut old_text, text), add(&mut new_text, n));
            let c = &mut changes[i / 2];
            let start = if i % 2 == 0 { edits.len() } else { c.edits.start() };
            edits.push(MadeEdit { op: EditOp::Replace, class, old, new, recurring: NOT_RECURRING });
            c.edits = (start..edits.len()).into();
        }
        let (old, new) = (Source::from_text("old", &old_text), Source::from_text("new", &new_text));
        // In lists of five, as the fold's pieces hand them over.
        let mut keys: Vec<Vec<EditKey>> = Vec::new();
        for (i, &(o, n, _, _)) in spec.iter().enumerate() {
            let ks = vec![(o, n)];
            let mut k: Vec<EditKey> = EditKey::of(i / 2, i % 2, ks, &edits[i..i + 1]).collect();
            if o == "p" || o == "r" {
                k[0].hash = 7;
            }
            if i % 5 == 0 {
                keys.push(Vec::new());
            }
            keys.last_mut().expect("a list").extend(k);
        }
        let groups = recurring([&old, &new], &changes, &mut edits, keys);
        let summary: Vec<(&str, &str, usize, EditClass)> =
            groups.iter().map(|g| (g.old.as_str(), g.new.as_str(), g.count, g.class)).collect();
        assert_eq!(summary, [("x", "y", 4, W), ("Ａ", "b", 3, W), ("p", "q", 3, W), ("r", "s", 3, W)]);
        let of_edit: Vec<Option<usize>> =
            edits.iter().map(|e| (e.recurring != NOT_RECURRING).then_some(e.recurring as usize)).collect();
        let expect: Vec<Option<usize>> = spec
            .iter()
            .map(|&(o, _, class, _)| match (o, class) {
                ("x", _) => Some(0),
                ("a", W) => Some(1),
                ("p", _) => Some(2),
                ("r", _) => Some(3),
                _ => None,
            })
            .collect();
        assert_eq!(of_edit, expect);
    }

    /// A comparison's changes are the same however they are made: all at
    /// once for the report, or in ranges of any size, in any order, again
    /// (spans with their lines, pages, times and sections; edits with their
    /// locations and recurring groups).
    #[test]
    fn changes_made_in_any_ranges_are_the_report_s() {
        let sample = |name: &str| Source::from_path(format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let pairs = [
            ("law/binjiang-2018.txt", "law/binjiang-2024.txt"),
            ("seed-001-xinhua-pdf-zh.txt", "seed-000-blog-en-zh.txt"),
            ("captions/hlm-ch3.srt.noise.srt", "captions/hlm-ch3.srt.edits.srt"),
            ("formats/blog-zh.pdf", "seed-001-xinhua-pdf-zh.txt"),
        ];
        let mut seen = [0; 4];
        for (a, b) in pairs {
            let (old, new) = (sample(a), sample(b));
            let opts = Options::default();
            let report = compare(&old, &new, &opts).unwrap();
            let c = Comparison::new(&old, &new, &opts).unwrap();
            assert_eq!(c.len(), report.changes.len(), "{a}");
            assert!(!c.is_empty(), "{a}");
            assert_eq!((c.old_version(), c.new_version(), c.summary()), (&report.old, &report.new, &report.summary));
            for size in [1, 3, 700] {
                let starts: Vec<usize> = (0..c.len()).step_by(size).collect();
                // Backwards, then again forwards.
                for &start in starts.iter().rev().chain(&starts) {
                    let range = start..c.len().min(start + size);
                    assert_eq!(c.changes(range.clone()), report.changes[range], "{a}, {size} at a time");
                }
            }
            for ch in &report.changes {
                let spans = [ch.old.as_deref(), ch.new.as_deref()];
                seen[0] += spans.iter().flatten().filter(|s| s.section.is_some()).count();
                seen[1] += spans.iter().flatten().filter(|s| s.time.is_some()).count();
                seen[2] += spans.iter().flatten().filter(|s| s.page.is_some()).count();
                seen[3] += ch.edits.iter().filter(|e| e.recurring.is_some()).count();
            }
        }
        assert!(seen.iter().all(|&n| n > 0), "sections, times, pages, recurring edits: {seen:?}");
    }

    /// Folding the rows in pieces gives the report of one fold, whatever
    /// the pieces' size: unit groups (articles added, removed and moved
    /// together), resegmented runs, moves, recurring edits.
    #[test]
    fn the_fold_in_pieces_is_the_fold_in_one() {
        let pairs = [
            (include_str!("../samples/law/binjiang-2018.txt"), include_str!("../samples/law/binjiang-2024.txt")),
            (include_str!("../samples/law/harbour-2015.txt"), include_str!("../samples/law/harbour-2023.txt")),
            (include_str!("../samples/seed-001-xinhua-pdf-zh.txt"), include_str!("../samples/seed-000-blog-en-zh.txt")),
            (include_str!("../samples/en-wrapped-50.txt"), include_str!("../samples/en-wrapped-72.txt")),
            (include_str!("../samples/seed-002-summary-en.txt"), include_str!("../samples/seed-004-liveblog-en.txt")),
        ];
        let mut seen = 0;
        for (a, b) in pairs {
            let (old, new) = (Source::from_text("old", a), Source::from_text("new", b));
            let opts = Options { rows: true, ..Options::default() };
            let filter = line_filter(&opts).unwrap();
            let (od, nd) = (segment(&old, &filter, &opts.normalize), segment(&new, &filter, &opts.normalize));
            let (oo, no) = (Outline::detect(&old), Outline::detect(&new));
            let far = Instant::now() + std::time::Duration::from_secs(3600);
            let diff_opts = DiffOptions {
                threshold: opts.threshold,
                detect_moves: true,
                move_threshold: Some(opts.move_threshold),
                deadline: far,
            };
            let rows = crate::diff::diff(&od, &nd, &diff_opts);
            let v = Versions { old: &old, new: &new, od: &od, nd: &nd, oo: &oo, no: &no };
            let whole = build_in_pieces(&v, &rows, &opts, usize::MAX);
            seen += whole.1 .0.len();
            assert!(whole.2.len() > 10);
            for size in [1, 2, 3, 7] {
                let (summary, changes, report_rows) = build_in_pieces(&v, &rows, &opts, size);
                assert_eq!(summary, whole.0, "piece size {size}");
                assert_eq!(changes, whole.1, "piece size {size}");
                assert_eq!(report_rows, whole.2, "piece size {size}");
            }
        }
        assert!(seen > 50, "{seen} changes");
    }
}
