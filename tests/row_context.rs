//! Reports that fill only the rows around their changes
//! (`Options::row_context`, what the terminal output asks for): they hold
//! exactly the rows of the full report within the context of a changed
//! row, each saying how many rows were left out before it, and the
//! terminal shows the same from them as from the full report.

use std::path::PathBuf;
use tvdiff::input::Source;
use tvdiff::render::terminal::{render, TerminalOptions};
use tvdiff::report::{Report, RowKind};
use tvdiff::{compare, Options};

fn sample(name: &str) -> Source {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples").join(name);
    Source::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Pairs with changes of every kind: wording, punctuation, re-cut
/// sentences, renumbered and moved articles, long unchanged runs.
const PAIRS: [(&str, &str); 6] = [
    ("seed-000-blog-en-zh.txt", "seed-001-xinhua-pdf-zh.txt"),
    ("seed-003-bilingual-zh-en.txt", "seed-002-summary-en.txt"),
    ("en-wrapped-72.txt", "en-wrapped-50.txt"),
    ("law/excerpt-2018.txt", "law/excerpt-2024.txt"),
    ("law/harbour-2015.txt", "law/harbour-2023.txt"),
    ("reseg/hlm-ch3.txt", "reseg/hlm-ch3.terminators.edits.txt"),
];

fn reports(old: &Source, new: &Source, context: usize) -> (Report, Report) {
    let full = compare(old, new, &Options::default()).expect("compare");
    let near = compare(old, new, &Options { row_context: Some(context), ..Options::default() }).expect("compare");
    (full, near)
}

#[test]
fn the_rows_kept_are_the_full_reports_rows_near_a_change() {
    for (a, b) in PAIRS {
        let (old, new) = (sample(a), sample(b));
        for context in [0, 1, 3] {
            let (full, near) = reports(&old, &new, context);
            assert_eq!(full.changes, near.changes, "{a} {b}: the changes do not depend on the rows");
            assert_eq!(full.summary, near.summary, "{a} {b}");
            assert!(full.rows.iter().all(|r| r.skipped == 0));
            let changed = |k: RowKind| !matches!(k, RowKind::Equal | RowKind::Resegmented);
            // Each kept row is the full report's row at its place.
            let mut at = 0;
            let mut places = Vec::new();
            for r in &near.rows {
                at += r.skipped;
                let mut same = full.rows[at].clone();
                same.skipped = r.skipped;
                assert_eq!(*r, same, "{a} {b} context {context}: row {at}");
                places.push(at);
                at += 1;
            }
            assert!(at <= full.rows.len());
            // And they are exactly the rows within `context` of a changed one.
            let wanted: Vec<usize> = (0..full.rows.len())
                .filter(|&i| {
                    let lo = i.saturating_sub(context);
                    let hi = (i + context).min(full.rows.len() - 1);
                    (lo..=hi).any(|j| changed(full.rows[j].kind))
                })
                .collect();
            assert_eq!(places, wanted, "{a} {b} context {context}");
            if full.changes.is_empty() {
                assert!(near.rows.is_empty(), "{a} {b}: no change, no row");
            }
        }
    }
}

#[test]
fn the_terminal_shows_the_same_from_either_report() {
    for (a, b) in PAIRS {
        let (old, new) = (sample(a), sample(b));
        for context in [0, 1, 2, 5] {
            let (full, near) = reports(&old, &new, context);
            assert!(near.rows.len() <= full.rows.len());
            for show_renumbering in [false, true] {
                for color in [false, true] {
                    let opts = TerminalOptions { color, context, show_renumbering, ..TerminalOptions::default() };
                    assert_eq!(
                        render(&near, &opts),
                        render(&full, &opts),
                        "{a} {b}: context {context}, renumbering {show_renumbering}, colour {color}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_html_report_says_where_rows_were_left_out() {
    let (old, new) = (sample("reseg/hlm-ch3.txt"), sample("reseg/hlm-ch3.terminators.edits.txt"));
    let (full, near) = reports(&old, &new, 1);
    let opts = tvdiff::render::html::HtmlOptions::default();
    let (whole, part) = (tvdiff::render::html::render(&full, &opts), tvdiff::render::html::render(&near, &opts));
    assert!(!whole.contains("not in this report"));
    let gaps = near.rows.iter().filter(|r| r.skipped > 0).count();
    assert_eq!(part.matches("not in this report").count(), gaps);
    // Every change is still shown, as in the full report.
    for c in &near.changes {
        let id = format!(" id=\"c{}\"", c.id);
        assert!(whole.contains(&id) && part.contains(&id), "change {}", c.id);
    }
}

#[test]
fn a_book_pair_keeps_only_the_rows_around_its_changes() {
    // Chapter 3 of 红楼梦 against a copy with edits and re-cut sentences:
    // most of its rows are unchanged and left out.
    let (old, new) = (sample("reseg/hlm-ch3.txt"), sample("reseg/hlm-ch3.terminators.edits.txt"));
    let (full, near) = reports(&old, &new, 1);
    assert!(!full.changes.is_empty());
    let left_out: usize = near.rows.iter().map(|r| r.skipped).sum();
    assert!(left_out > 0, "unchanged rows between the changes are left out");
    assert!(near.rows.len() + left_out <= full.rows.len());
    assert!(near.rows.len() < full.rows.len());
}
