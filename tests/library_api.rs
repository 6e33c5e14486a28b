//! The library's public API under arguments a caller may pass by mistake or
//! a report that was edited by hand: nothing reachable from safe public API
//! panics (issue 13). Each case returns an answer or an error.

use tvdiff::input::Source;
use tvdiff::report::{Change, ChangeKind, EditClass, Report, Row, RowKind, Span};
use tvdiff::{compare, Error, Options};

fn pair() -> (Source, Source) {
    (
        Source::from_text("old.txt", "互联网是人类的共同家园。为各国企业在华投资兴业提供服务！"),
        Source::from_text("new.txt", "互联网是人类共同家园。\n为各国企业在中国投资兴业提供服务！"),
    )
}

#[test]
fn any_timeout_and_threshold_compare() {
    let (old, new) = pair();
    for timeout_ms in [0, 1, u64::MAX / 2, u64::MAX] {
        for threshold in [f32::NAN, -1.0, 0.0, 0.5, 1.0, 2.0, f32::INFINITY] {
            let opts = Options { timeout_ms, threshold, ..Options::default() };
            let r = compare(&old, &new, &opts).expect("options are all usable");
            assert!(r.has_changes(), "timeout {timeout_ms}, threshold {threshold}");
        }
    }
}

#[test]
fn a_bad_pattern_is_an_error_not_a_panic() {
    let (old, new) = pair();
    let opts = Options { ignore_lines: vec!["(".into()], ..Options::default() };
    assert!(matches!(compare(&old, &new, &opts), Err(Error::Usage(_))));
    let sources = [("A".to_string(), old.clone()), ("B".to_string(), new.clone())];
    assert!(tvdiff::collate::collate(&sources, 0, &opts).is_err());
    assert!(tvdiff::collate::collate(&sources, 5, &Options::default()).is_err());
    assert!(tvdiff::collate::collate(&sources[..1], 0, &Options::default()).is_err());
}

#[test]
fn source_positions_out_of_range_are_clamped() {
    let s = Source::from_text("t", "第一行\n第二行");
    assert_eq!(s.line_count(), 2);
    assert_eq!(s.line_col(usize::MAX), (2, 4));
    assert_eq!(s.line_col(4), s.line_col(4)); // inside a character: no panic
    assert_eq!(s.lines().len(), 2);
}

/// A report whose rows point at changes that are not there, whose spans
/// lie outside any text and whose counts disagree: every renderer still
/// writes something.
#[test]
fn renderers_survive_a_report_edited_by_hand() {
    let (old, new) = pair();
    let mut r: Report = compare(&old, &new, &Options::default()).unwrap();
    let span = Span {
        text: "x".into(),
        start: usize::MAX - 1,
        end: 3,
        line: 0,
        column: u32::MAX,
        end_line: 0,
        page: Some(0),
        time: Some(tvdiff::report::TimeSpan { start: f64::NAN, end: -1.0 }),
        section: Some("第十二条".into()),
        path: vec!["第二章".into(), "第十二条".into()],
    };
    r.changes.push(Change {
        id: 99,
        kind: ChangeKind::Moved,
        class: EditClass::Wording,
        old: Some(Box::new(span.clone())),
        new: None,
        similarity: f32::NAN,
        edits: vec![],
        old_sentences: [usize::MAX, 0],
        new_sentences: [0, usize::MAX],
    });
    // Rows that say they follow rows left out (`Options::row_context`),
    // more of them than a text could have.
    r.rows.push(Row {
        kind: RowKind::Modified,
        old: Some(Box::new(span.clone())),
        new: Some(Box::new(span.clone())),
        change: Some(12345),
        skipped: 3,
    });
    r.rows.push(Row {
        kind: RowKind::Equal,
        old: Some(Box::new(span.clone())),
        new: Some(Box::new(span)),
        change: None,
        skipped: usize::MAX,
    });
    r.rows.push(Row { kind: RowKind::MovedFrom, old: None, new: None, change: Some(usize::MAX), skipped: usize::MAX });
    r.summary.equal = usize::MAX;
    // Through JSON, as a caller who edited the file would hand it back
    // (JSON has no NaN: those become numbers a hand could have written).
    let mut plain = r.clone();
    for c in &mut plain.changes {
        c.similarity = 0.5;
        if let Some(s) = c.old.as_mut() {
            s.time = Some(tvdiff::report::TimeSpan { start: 5.0, end: -1.0 });
        }
    }
    let json = tvdiff::render::json::render(&plain, false);
    let back: Report = serde_json::from_str(&json).expect("the JSON reads back");
    for report in [&r, &back] {
        for side_by_side in [false, true] {
            let opts = tvdiff::render::terminal::TerminalOptions { side_by_side, ..Default::default() };
            assert!(!tvdiff::render::terminal::render(report, &opts).is_empty());
        }
        let html = tvdiff::render::html::render(report, &Default::default());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!tvdiff::render::json::render(report, true).is_empty());
    }
}

/// A report built without rows (or read back from JSON written without
/// `--full`) still shows every change in the terminal and HTML renderers.
#[test]
fn a_report_without_rows_renders_its_changes() {
    let (old, new) = pair();
    let r = compare(&old, &new, &Options { rows: false, ..Options::default() }).unwrap();
    assert!(r.rows.is_empty());
    let text = tvdiff::render::terminal::render(&r, &Default::default());
    assert!(text.contains("[-华-]{+中国+}"), "{text}");
    assert!(text.contains("[-的-]"), "{text}");
    let html = tvdiff::render::html::render(&r, &Default::default());
    assert!(html.contains("中国"));
}

/// rayon's pool, every worker busy comparing: the library
/// parallelises inside on the same pool, so no worker may end up waiting
/// on a thread that waits on the pool (the batch command once hung so).
/// The pairs are large enough for every parallel step (thousands of
/// changed sentences); a watchdog turns a hang into a failure.
#[test]
fn compare_and_collate_finish_inside_a_busy_rayon_pool() {
    use rayon::prelude::*;
    // Sentences permuted and reworded: thousands of removed, added and
    // modified rows.
    let text = |word: &str, order: usize| {
        (0..3_000)
            .map(|i| (i * order) % 3_001)
            .map(|i| format!("Sentence {i} {word} the {} topic of part {} in chapter {}. ", i % 7, i / 7, i % 13))
            .collect::<String>()
    };
    let (old, new) = (Source::from_text("old.txt", text("says", 1)), Source::from_text("new.txt", text("tells", 7)));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The global pool (the one the library's own steps use), with more
        // comparisons than it has workers.
        let busy = 2 * rayon::current_num_threads();
        let changed: Vec<usize> = (0..busy)
            .into_par_iter()
            .map(|_| compare(&old, &new, &Options::default()).expect("compares").changes.len())
            .collect();
        let sources = [("A".to_string(), old.clone()), ("B".to_string(), new.clone()), ("C".to_string(), old)];
        let collated: Vec<bool> = (0..busy)
            .into_par_iter()
            .map(|_| tvdiff::collate::collate(&sources, 0, &Options::default()).is_ok())
            .collect();
        let _ = tx.send((changed, collated));
    });
    let (changed, collated) =
        rx.recv_timeout(std::time::Duration::from_secs(120)).expect("compare inside a busy rayon pool deadlocked");
    assert!(changed.iter().all(|&n| n > 1_000 && n == changed[0]), "{changed:?}");
    assert!(collated.iter().all(|&ok| ok));
}
