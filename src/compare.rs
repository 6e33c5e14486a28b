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
use crate::diff::{diff, DiffOptions, Row};
use crate::error::Error;
use crate::error_rate::{error_rate, ErrorUnit, Tokenizer};
use crate::inline::PieceKind;
use crate::input::{LineFilter, Source};
use crate::normalize::byte_range;
use crate::normalize::{NChar, Rule};
use crate::recogniser::{filler_only, filler_rows, unpunctuated};
use crate::report::{
    Change, ChangeKind, Edit, EditClass, EditOp, Location, Locator, Report, Row as ReportRow, RowKind, Span, Summary,
    VersionInfo,
};
use crate::segment::{segment, CharCursor, Document};
use crate::Options;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Range;
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
    let started = Instant::now();
    let deadline = opts.deadline(started);
    let filter = line_filter(opts)?;
    // A recogniser's transcript has no punctuation: unless asked to keep
    // it, punctuation is not compared (see `recogniser`).
    let (o_bare, n_bare) = std::thread::scope(|s| {
        let h = s.spawn(|| unpunctuated(&old.text));
        (h.join().expect("punctuation census thread panicked"), unpunctuated(&new.text))
    });
    let mut opts = opts.clone();
    opts.auto_ignore_punctuation = (o_bare || n_bare) && !opts.keep_punctuation && !opts.normalize.ignore_punctuation;
    if opts.auto_ignore_punctuation {
        opts.normalize.ignore_punctuation = true;
    }
    let opts = &opts;
    let t_census = started.elapsed();
    let norm = opts.normalize;
    // Each thread segments one version and takes its facts (the SHA-256
    // of a book is a few milliseconds).
    let prepare = |src: &Source| {
        let doc = segment(src, &filter, &norm);
        let info = version_info(src, &doc);
        (doc, info)
    };
    let ((od, mut oinfo), (nd, mut ninfo)) = std::thread::scope(|s| {
        let h = s.spawn(|| prepare(old));
        let n = prepare(new);
        (h.join().expect("segmentation thread panicked"), n)
    });
    (oinfo.unpunctuated, ninfo.unpunctuated) = (o_bare, n_bare);

    let t_segment = started.elapsed();
    let diff_opts = DiffOptions { threshold: opts.threshold, detect_moves: opts.detect_moves, deadline };
    let rows = diff(&od, &nd, &diff_opts);
    let t_align = started.elapsed();
    // The error rate reads only the alignment: it is scored while the
    // report is built.
    let tokens = Tokenizer { unit: error_unit(&oinfo, &ninfo), drop_fillers: opts.ignore_fillers };
    let ((mut summary, changes, report_rows), (rate, t_rate)) = std::thread::scope(|s| {
        let h = s.spawn(|| {
            let t = Instant::now();
            (error_rate(&od, &nd, &rows, tokens, deadline), t.elapsed())
        });
        let built = build(old, new, &od, &nd, &rows, opts);
        (built, h.join().expect("error-rate thread panicked"))
    });
    summary.error_rate = Some(rate);
    let report = Report { old: oinfo, new: ninfo, options: opts.clone(), summary, changes, rows: report_rows };
    if std::env::var_os("TVDIFF_TRACE").is_some() {
        eprintln!(
            "tvdiff: timings: punctuation census {t_census:?}, segment {:?}, align {:?}, report {:?} (error rate {t_rate:?} of it, in parallel)",
            t_segment - t_census,
            t_align - t_segment,
            started.elapsed() - t_align
        );
    }
    Ok(report)
}

/// Characters for a Chinese reference (or a Chinese hypothesis against a
/// reference with no letters), words otherwise.
fn error_unit(old: &VersionInfo, new: &VersionInfo) -> ErrorUnit {
    match (old.script, new.script) {
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
    let (o, n) = std::thread::scope(|s| {
        let h = s.spawn(|| Source::from_path_with(old, &opts.decode));
        let n = Source::from_path_with(new, &opts.decode);
        (h.join().expect("reader thread panicked"), n)
    });
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

/// Facts about one version (compare's `old`/`new`, each collation witness).
pub(crate) fn version_info(src: &Source, doc: &Document) -> VersionInfo {
    // The first 100,000 key characters decide.
    let sample = doc.keys.char_indices().nth(100_000).map_or(doc.keys.as_str(), |(end, _)| &doc.keys[..end]);
    let script = dominant_script(sample);
    VersionInfo {
        path: src.name.clone(),
        bytes: src.text.len(),
        encoding: src.encoding.clone(),
        replaced_bytes: src.replaced_bytes,
        sha256: hex(&Sha256::digest(src.text.as_bytes())),
        lines: src.line_count(),
        lines_compared: doc.lines_kept,
        lines_dropped: doc.lines_dropped,
        sentences: doc.sentences.len(),
        script,
        // `compare` fills it in (it decides before segmenting).
        unpunctuated: false,
    }
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
            let (or, nr) = (r.old_chars.clone(), r.new_chars.clone());
            let (ob, nb) = (byte_span(od, &r.old, &or), byte_span(nd, &r.new, &nr));
            if old.text.get(ob.clone()) == new.text.get(nb.clone()) {
                continue;
            }
            // Only where either version has an irregular character can the
            // two differ (see `Document::walk_irregular_pairs`).
            let mut here = Absorbed::new();
            let walked = r.kind == RowKind::Equal
                && Document::walk_irregular_pairs(od, or.clone(), nd, nr.clone(), |a, b, prev| {
                    count_absorbed_at(&old.text, a, &new.text, b, prev, &mut here)
                });
            if !walked || cfg!(debug_assertions) {
                let mut full = Absorbed::new();
                count_row_noise(&old.text, ocur.get(or), &new.text, ncur.get(nr), &mut full);
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
    if rows.len() < 2_000 || threads < 2 {
        return count(rows);
    }
    let (first, second) = rows.split_at(rows.len() / 2);
    let (mut counts, more) = std::thread::scope(|s| {
        let h = s.spawn(|| count(second));
        (count(first), h.join().expect("noise-counting thread panicked"))
    });
    for (rule, n) in more {
        *counts.entry(rule).or_default() += n;
    }
    counts
}

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
            doc.sentences.partition_point(|s| s.chars.end <= r.start),
            doc.sentences.partition_point(|s| s.chars.end < r.end),
        ),
    };
    let start = match doc.sentences.get(first) {
        Some(s) if s.chars.start == r.start => s.start,
        _ => doc.chars(r.start..r.start + 1).first().map_or(0, |c| c.start as usize),
    };
    let end = match doc.sentences.get(last) {
        Some(s) if s.chars.end == r.end => s.end,
        _ => doc.chars(r.end - 1..r.end).first().map_or(start, |c| c.end as usize),
    };
    start..end.max(start)
}

/// The report: a fold over the rows of the alignment.
fn build(
    old: &Source,
    new: &Source,
    od: &Document,
    nd: &Document,
    aligned: &[Row],
    opts: &Options,
) -> (Summary, Vec<Change>, Vec<ReportRow>) {
    let mut ol = Locator::new(old);
    let mut nl = Locator::new(new);
    let mut summary = Summary::default();
    let mut absorbed = equal_noise(old, new, od, nd, aligned);
    let mut edits_by_class: BTreeMap<EditClass, usize> = BTreeMap::new();
    let mut matched_chars = 0usize;
    let total_chars: usize = od.sentences.iter().map(|s| s.chars.len()).sum::<usize>()
        + nd.sentences.iter().map(|s| s.chars.len()).sum::<usize>();

    // Rows that differ only by filler words are equal (`--ignore-fillers`).
    let fillers = if opts.ignore_fillers { filler_rows(od, nd, aligned) } else { Vec::new() };
    let only_fillers = |i: usize| fillers.get(i).is_some_and(|&n| n > 0);

    // Change ids first, so that a moved-from row can point at its change.
    let mut change_of_row = vec![None; aligned.len()];
    let mut next = 0;
    for (i, r) in aligned.iter().enumerate() {
        if matches!(r.kind, RowKind::Modified | RowKind::Added | RowKind::Removed | RowKind::MovedTo)
            && !only_fillers(i)
        {
            change_of_row[i] = Some(next);
            next += 1;
        }
    }
    for (i, r) in aligned.iter().enumerate() {
        if r.kind == RowKind::MovedFrom {
            change_of_row[i] = r.partner.and_then(|p| change_of_row[p]);
        }
    }

    let (mut ocur, mut ncur) = (CharCursor::new(od), CharCursor::new(nd));
    let mut changes = Vec::with_capacity(next);
    let mut rows = Vec::with_capacity(if opts.rows { aligned.len() } else { 0 });
    let mut in_reseg = false;
    for (i, r) in aligned.iter().enumerate() {
        let span =
            |loc: &mut Locator, doc: &Document, sentences: &Range<usize>, chars: &Range<usize>| -> Option<Span> {
                (!chars.is_empty()).then(|| {
                    let b = byte_span(doc, sentences, chars);
                    loc.span(b.start, b.end)
                })
            };
        let sentences = |r: &Row| ([r.old.start, r.old.end], [r.new.start, r.new.end]);
        if r.kind != RowKind::Resegmented {
            in_reseg = false;
        }
        if only_fillers(i) {
            summary.equal += 1;
            *absorbed.entry(Rule::Filler).or_default() += fillers[i];
            matched_chars += r.old_chars.len() + r.new_chars.len();
            if opts.rows {
                let (o, n) = (span(&mut ol, od, &r.old, &r.old_chars), span(&mut nl, nd, &r.new, &r.new_chars));
                rows.push(ReportRow { kind: RowKind::Equal, old: o, new: n, change: None });
            }
            continue;
        }
        match r.kind {
            RowKind::Equal => {
                // (Their noise was counted by `equal_noise`.)
                summary.equal += 1;
                matched_chars += r.old_chars.len() + r.new_chars.len();
            }
            RowKind::Resegmented => {
                summary.equal += 1;
                // Consecutive rows that share a new sentence are one place.
                if !in_reseg {
                    summary.resegmented += 1;
                }
                in_reseg = true;
                matched_chars += r.old_chars.len() + r.new_chars.len();
            }
            RowKind::Modified => {
                summary.modified += 1;
                let (oc, nc) = (ocur.get(r.old_chars.clone()), ncur.get(r.new_chars.clone()));
                let (old_span, new_span) =
                    (span(&mut ol, od, &r.old, &r.old_chars), span(&mut nl, nd, &r.new, &r.new_chars));
                let mut edits = Vec::new();
                let mut eq = 0;
                for p in &r.pieces {
                    if p.kind == PieceKind::Equal {
                        eq += p.old.len() + p.new.len();
                        count_absorbed(&old.text, &oc[p.old.clone()], &new.text, &nc[p.new.clone()], &mut absorbed);
                        continue;
                    }
                    let (ob, oe) = byte_range(oc, &p.old);
                    let (nb, ne) = byte_range(nc, &p.new);
                    let okey: String = oc[p.old.clone()].iter().map(|c| c.ch).collect();
                    let nkey: String = nc[p.new.clone()].iter().map(|c| c.ch).collect();
                    if opts.ignore_fillers && filler_only(&okey, &nkey) {
                        *absorbed.entry(Rule::Filler).or_default() += 1;
                        eq += p.old.len() + p.new.len();
                        continue;
                    }
                    let class = edit_class(&okey, &nkey);
                    *edits_by_class.entry(class).or_default() += 1;
                    edits.push(Edit {
                        op: match p.kind {
                            PieceKind::Insert => EditOp::Insert,
                            PieceKind::Delete => EditOp::Delete,
                            _ => EditOp::Replace,
                        },
                        old: old.text[ob..oe].to_string(),
                        new: new.text[nb..ne].to_string(),
                        class,
                        old_at: ol.location(ob, oe),
                        new_at: nl.location(nb, ne),
                    });
                }
                matched_chars += eq;
                let (os, ns) = sentences(r);
                // Page and time of the changed words, not of the whole sentence.
                let (mut old_span, mut new_span) = (old_span, new_span);
                let at = |f: fn(&Edit) -> Location| edits.iter().map(f).map(|l| (l.start, l.end)).collect::<Vec<_>>();
                if let Some(s) = old_span.as_mut() {
                    ol.place(s, &at(|e| e.old_at));
                }
                if let Some(s) = new_span.as_mut() {
                    nl.place(s, &at(|e| e.new_at));
                }
                changes.push(Change {
                    id: changes.len(),
                    kind: ChangeKind::Modified,
                    class: change_class(edits.iter().map(|e| e.class)),
                    old: old_span,
                    new: new_span,
                    similarity: r.similarity,
                    edits,
                    old_sentences: os,
                    new_sentences: ns,
                });
            }
            RowKind::Added | RowKind::Removed => {
                let added = r.kind == RowKind::Added;
                if added {
                    summary.added += 1;
                } else {
                    summary.removed += 1;
                }
                let key = if added { ncur.get(r.new_chars.clone()) } else { ocur.get(r.old_chars.clone()) };
                let class = if key.iter().all(|c| is_punct(c.ch) || c.is_space()) {
                    EditClass::Punctuation
                } else {
                    EditClass::Wording
                };
                let (os, ns) = sentences(r);
                changes.push(Change {
                    id: changes.len(),
                    kind: if added { ChangeKind::Added } else { ChangeKind::Removed },
                    class,
                    old: span(&mut ol, od, &r.old, &r.old_chars),
                    new: span(&mut nl, nd, &r.new, &r.new_chars),
                    similarity: 0.0,
                    edits: vec![],
                    old_sentences: os,
                    new_sentences: ns,
                });
            }
            RowKind::MovedTo => {
                summary.moved += 1;
                let from = &aligned[r.partner.expect("a move has two halves")];
                let (fo, fnc) = (od.chars(from.old_chars.clone()), ncur.get(r.new_chars.clone()));
                matched_chars += fo.len() + fnc.len();
                count_row_noise(&old.text, &fo, &new.text, fnc, &mut absorbed);
                let mut ol2 = Locator::new(old);
                changes.push(Change {
                    id: changes.len(),
                    kind: ChangeKind::Moved,
                    class: EditClass::Wording,
                    old: span(&mut ol2, od, &from.old, &from.old_chars),
                    new: span(&mut nl, nd, &r.new, &r.new_chars),
                    similarity: 1.0,
                    edits: vec![],
                    old_sentences: [from.old.start, from.old.end],
                    new_sentences: [r.new.start, r.new.end],
                });
            }
            RowKind::MovedFrom => {}
        }
        if !opts.rows {
            continue;
        }
        let (old_span, new_span) = match r.kind {
            RowKind::MovedTo => (None, span(&mut nl, nd, &r.new, &r.new_chars)),
            RowKind::MovedFrom => (span(&mut ol, od, &r.old, &r.old_chars), None),
            _ => (span(&mut ol, od, &r.old, &r.old_chars), span(&mut nl, nd, &r.new, &r.new_chars)),
        };
        rows.push(ReportRow { kind: r.kind, old: old_span, new: new_span, change: change_of_row[i] });
    }
    summary.similarity =
        if total_chars == 0 { 100.0 } else { (matched_chars as f64 * 1000.0 / total_chars as f64).round() / 10.0 };
    summary.edits = edits_by_class;
    summary.absorbed = absorbed;
    (summary, changes, rows)
}
