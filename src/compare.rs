//! The pipeline: input → normalise → segment → align → inline diff →
//! classify → report.
//!
//! [`compare`] runs every stage and builds the [`Report`]. The two versions
//! are normalised, segmented and hashed on two threads; after alignment,
//! the noise absorbed by equal sentences is counted on two threads too
//! (rebuilding key characters only where the original texts differ), and
//! the word segmenter is set up for the modified sentences only. Rows are
//! built only when [`Options::rows`] asks for them.

use crate::align::{align, AlignOptions, Link, LinkKind, Unit};
use crate::chars::{dominant_script, is_punct};
use crate::classify::{change_class, count_absorbed, count_absorbed_at, edit_class, Absorbed};
use crate::error::Error;
use crate::inline::{diff_sentences_with, PieceKind};
use crate::input::{LineFilter, Source};
use crate::normalize::{byte_range, NChar};
use crate::report::*;
use crate::segment::{segment, CharCursor, Document};
use crate::Options;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Range;
use std::time::{Duration, Instant};

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
    let deadline = started + Duration::from_millis(opts.timeout_ms.max(1));
    let filter = line_filter(opts)?;
    let norm = opts.normalize;
    // Each thread segments one version and takes its facts (the SHA-256
    // of a book is a few milliseconds).
    let prepare = |src: &Source| {
        let doc = segment(src, &filter, &norm);
        let info = version_info(src, &doc);
        (doc, info)
    };
    let ((od, oinfo), (nd, ninfo)) = std::thread::scope(|s| {
        let h = s.spawn(|| prepare(old));
        let n = prepare(new);
        (h.join().expect("segmentation thread panicked"), n)
    });

    let (ou, nu) = (units(&od), units(&nd));
    let align_opts = AlignOptions {
        threshold: opts.threshold,
        timeout: deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1)),
        detect_moves: opts.detect_moves,
    };
    let t_segment = started.elapsed();
    let links = align(&ou, &nu, &align_opts);
    let t_align = started.elapsed();
    let (summary, changes, rows) = build(old, new, &od, &nd, &links, opts, deadline);
    let report = Report { old: oinfo, new: ninfo, options: opts.clone(), summary, changes, rows };
    if std::env::var_os("TVDIFF_TRACE").is_some() {
        eprintln!(
            "tvdiff: timings: segment {:?}, align {:?}, report {:?}",
            t_segment,
            t_align - t_segment,
            started.elapsed() - t_align
        );
    }
    Ok(report)
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

fn line_filter(opts: &Options) -> Result<LineFilter, Error> {
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

fn units(d: &Document) -> Vec<Unit<'_>> {
    d.sentences.iter().map(|s| Unit { key: &d.keys[s.key.clone()], joinable: !s.hard_break_before }).collect()
}

fn version_info(src: &Source, doc: &Document) -> VersionInfo {
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
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Key-character range covering sentences `r` (the text between them included).
fn chars_of(doc: &Document, r: &Range<usize>) -> Range<usize> {
    if r.is_empty() {
        return 0..0;
    }
    doc.sentences[r.start].chars.start..doc.sentences[r.end - 1].chars.end
}

/// Key text of sentences `r` (the text between them included).
fn key_text<'d>(doc: &'d Document, r: &Range<usize>) -> &'d str {
    if r.is_empty() {
        return "";
    }
    &doc.keys[doc.sentences[r.start].key.start..doc.sentences[r.end - 1].key.end]
}

/// Original text covering sentences `r`.
fn text_of<'s>(src: &'s Source, doc: &Document, r: &Range<usize>) -> &'s str {
    if r.is_empty() {
        return "";
    }
    &src.text[doc.sentences[r.start].start..doc.sentences[r.end - 1].end]
}

/// The noise absorbed in equal sentences. Sentences whose original text is
/// identical have none; the others are normalised again (block by block,
/// see [`Document`]) and compared character by character, the links split
/// between two threads: on a noisy pair this is most of the report's work.
fn equal_noise(old: &Source, new: &Source, od: &Document, nd: &Document, links: &[Link]) -> Absorbed {
    let count = |part: &[Link]| {
        let (mut ocur, mut ncur) = (CharCursor::new(od), CharCursor::new(nd));
        let mut counts = Absorbed::new();
        for l in part.iter().filter(|l| l.kind == LinkKind::Equal) {
            if text_of(old, od, &l.old) == text_of(new, nd, &l.new) {
                continue;
            }
            let (or, nr) = (chars_of(od, &l.old), chars_of(nd, &l.new));
            // Only where either version has an irregular character can the
            // two differ (see `Document::walk_irregular_pairs`).
            let mut here = Absorbed::new();
            let walked = Document::walk_irregular_pairs(od, or.clone(), nd, nr.clone(), |a, b, prev| {
                count_absorbed_at(&old.text, a, &new.text, b, prev, &mut here)
            });
            if !walked || cfg!(debug_assertions) {
                let mut full = Absorbed::new();
                count_absorbed(&old.text, ocur.get(or), &new.text, ncur.get(nr), &mut full);
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
    if links.len() < 2_000 || threads < 2 {
        return count(links);
    }
    let (first, second) = links.split_at(links.len() / 2);
    let (mut counts, more) = std::thread::scope(|s| {
        let h = s.spawn(|| count(second));
        (count(first), h.join().expect("noise-counting thread panicked"))
    });
    for (rule, n) in more {
        *counts.entry(rule).or_default() += n;
    }
    counts
}

fn build(
    old: &Source,
    new: &Source,
    od: &Document,
    nd: &Document,
    links: &[Link],
    opts: &Options,
    deadline: Instant,
) -> (Summary, Vec<Change>, Vec<Row>) {
    let mut ol = Locator::new(old);
    let mut nl = Locator::new(new);
    let mut summary = Summary::default();
    let mut absorbed = equal_noise(old, new, od, nd, links);
    let mut edits_by_class: BTreeMap<EditClass, usize> = BTreeMap::new();
    let mut matched_chars = 0usize;
    let total_chars: usize = od.sentences.iter().map(|s| s.chars.len()).sum::<usize>()
        + nd.sentences.iter().map(|s| s.chars.len()).sum::<usize>();

    // Change ids first, so that a moved-from row can point at its change.
    let mut change_of_link = vec![None; links.len()];
    let mut next = 0;
    for (i, l) in links.iter().enumerate() {
        if matches!(l.kind, LinkKind::Modified | LinkKind::Added | LinkKind::Removed | LinkKind::MovedTo) {
            change_of_link[i] = Some(next);
            next += 1;
        }
    }
    for (i, l) in links.iter().enumerate() {
        if l.kind == LinkKind::MovedFrom {
            change_of_link[i] = l.partner.and_then(|p| change_of_link[p]);
        }
    }

    // One word segmenter for all modified sentences (see tokenize's docs).
    let seg = crate::tokenize::shared_segmenter(
        links
            .iter()
            .filter(|l| l.kind == LinkKind::Modified)
            .flat_map(|l| key_text(od, &l.old).chars().chain(key_text(nd, &l.new).chars())),
    );
    // Key characters are recomputed for the sentences that need them (see
    // `Document`), each block once.
    let (mut ocur, mut ncur) = (CharCursor::new(od), CharCursor::new(nd));
    let mut changes = Vec::with_capacity(next);
    let mut rows = Vec::with_capacity(if opts.rows { links.len() } else { 0 });
    for (i, l) in links.iter().enumerate() {
        let ospan = |ol: &mut Locator, r: &std::ops::Range<usize>| -> Option<Span> {
            (!r.is_empty()).then(|| ol.span(od.sentences[r.start].start, od.sentences[r.end - 1].end))
        };
        let nspan = |nl: &mut Locator, r: &std::ops::Range<usize>| -> Option<Span> {
            (!r.is_empty()).then(|| nl.span(nd.sentences[r.start].start, nd.sentences[r.end - 1].end))
        };
        let (ocr, ncr) = (chars_of(od, &l.old), chars_of(nd, &l.new));
        let sentences = |l: &Link| ([l.old.start, l.old.end], [l.new.start, l.new.end]);
        let row_kind = match l.kind {
            LinkKind::Equal => {
                // (Their noise was counted by `equal_noise`.)
                summary.equal += 1;
                matched_chars += ocr.len() + ncr.len();
                RowKind::Equal
            }
            LinkKind::Resegmented => {
                summary.equal += 1;
                summary.resegmented += 1;
                matched_chars += ocr.len() + ncr.len();
                let (oc, nc) = (ocur.get(ocr), ncur.get(ncr));
                let strip = |c: &[NChar]| c.iter().copied().filter(|c| !c.is_space()).collect::<Vec<_>>();
                count_absorbed(&old.text, &strip(oc), &new.text, &strip(nc), &mut absorbed);
                RowKind::Resegmented
            }
            LinkKind::Modified => {
                summary.modified += 1;
                let (oc, nc) = (ocur.get(ocr), ncur.get(ncr));
                let (old_span, new_span) = (ospan(&mut ol, &l.old), nspan(&mut nl, &l.new));
                let pieces = diff_sentences_with(&seg, oc, nc, Some(deadline));
                let mut edits = Vec::new();
                let mut eq = 0;
                for p in &pieces {
                    if p.kind == PieceKind::Equal {
                        eq += p.old.len() + p.new.len();
                        count_absorbed(&old.text, &oc[p.old.clone()], &new.text, &nc[p.new.clone()], &mut absorbed);
                        continue;
                    }
                    let (ob, oe) = byte_range(oc, &p.old);
                    let (nb, ne) = byte_range(nc, &p.new);
                    let okey: String = oc[p.old.clone()].iter().map(|c| c.ch).collect();
                    let nkey: String = nc[p.new.clone()].iter().map(|c| c.ch).collect();
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
                let similarity = if oc.len() + nc.len() == 0 { 1.0 } else { eq as f32 / (oc.len() + nc.len()) as f32 };
                let (os, ns) = sentences(l);
                changes.push(Change {
                    id: changes.len(),
                    kind: ChangeKind::Modified,
                    class: change_class(edits.iter().map(|e| e.class)),
                    old: old_span,
                    new: new_span,
                    similarity,
                    edits,
                    old_sentences: os,
                    new_sentences: ns,
                });
                RowKind::Modified
            }
            LinkKind::Added | LinkKind::Removed => {
                let added = l.kind == LinkKind::Added;
                if added {
                    summary.added += 1;
                } else {
                    summary.removed += 1;
                }
                let key = if added { ncur.get(ncr) } else { ocur.get(ocr) };
                let class = if key.iter().all(|c| is_punct(c.ch) || c.is_space()) {
                    EditClass::Punctuation
                } else {
                    EditClass::Wording
                };
                let (os, ns) = sentences(l);
                changes.push(Change {
                    id: changes.len(),
                    kind: if added { ChangeKind::Added } else { ChangeKind::Removed },
                    class,
                    old: ospan(&mut ol, &l.old),
                    new: nspan(&mut nl, &l.new),
                    similarity: 0.0,
                    edits: vec![],
                    old_sentences: os,
                    new_sentences: ns,
                });
                if added {
                    RowKind::Added
                } else {
                    RowKind::Removed
                }
            }
            LinkKind::MovedTo => {
                summary.moved += 1;
                let from = &links[l.partner.expect("a move has two halves")];
                let (fo, fnc) = (od.chars(chars_of(od, &from.old)), ncur.get(ncr));
                matched_chars += fo.len() + fnc.len();
                count_absorbed(&old.text, &fo, &new.text, fnc, &mut absorbed);
                let mut ol2 = Locator::new(old);
                changes.push(Change {
                    id: changes.len(),
                    kind: ChangeKind::Moved,
                    class: EditClass::Wording,
                    old: ospan(&mut ol2, &from.old),
                    new: nspan(&mut nl, &l.new),
                    similarity: 1.0,
                    edits: vec![],
                    old_sentences: [from.old.start, from.old.end],
                    new_sentences: [l.new.start, l.new.end],
                });
                RowKind::MovedTo
            }
            LinkKind::MovedFrom => RowKind::MovedFrom,
        };
        if !opts.rows {
            continue;
        }
        let (old_span, new_span) = match row_kind {
            RowKind::MovedTo => (None, nspan(&mut nl, &l.new)),
            RowKind::MovedFrom => (ospan(&mut ol, &l.old), None),
            _ => (ospan(&mut ol, &l.old), nspan(&mut nl, &l.new)),
        };
        rows.push(Row { kind: row_kind, old: old_span, new: new_span, change: change_of_link[i] });
    }
    summary.similarity =
        if total_chars == 0 { 100.0 } else { (matched_chars as f64 * 1000.0 / total_chars as f64).round() / 10.0 };
    summary.edits = edits_by_class;
    summary.absorbed = absorbed;
    (summary, changes, rows)
}
