//! End-to-end tests of `tvdiff OLD NEW` on the real seed texts (see
//! `samples/README.md`, "Known real differences"): the tool must find the
//! handful of wording changes a careful reader finds, and nothing that is
//! only punctuation width, spacing or line wrapping.

mod common;

use common::*;
use tvdiff::report::{Change, ChangeKind, EditClass, EditOp, Report};
use unicode_width::UnicodeWidthStr;

/// The four wording edits between the Chinese versions live in sentences
/// that contain one of these.
fn wording_sentence(c: &Change) -> Option<&'static str> {
    let t = change_text(c);
    ["中华优秀", "投资兴业", "人类共同家园", "人类的共同家园", "助力"].into_iter().find(|m| t.contains(m))
}

/// The title, dateline, byline and source lines differ in every version.
fn is_front_or_back_matter(c: &Change) -> bool {
    let t = change_text(c);
    ["在第二届世界互联网大会", "习近平", "2015年12月16日", "来源：新华网"].iter().any(|m| t.contains(m))
}

fn changes_containing<'a>(r: &'a Report, marker: &str) -> Vec<&'a Change> {
    r.changes.iter().filter(|c| change_text(c).contains(marker)).collect()
}

/// No reported edit is only a full-width/half-width or spacing variant.
fn assert_no_noise_edits(r: &Report) {
    for (c, e) in all_edits(r) {
        assert_ne!(
            fold_width_and_spaces(&e.old),
            fold_width_and_spaces(&e.new),
            "change {} reports {:?} → {:?}, which differ only in punctuation width or spacing",
            c.id,
            e.old,
            e.new
        );
        assert_ne!(e.class, EditClass::Spacing, "change {} has a spacing edit {:?} → {:?}", c.id, e.old, e.new);
    }
    assert!(!r.summary.edits.contains_key(&EditClass::Spacing), "summary counts spacing edits: {:?}", r.summary.edits);
}

fn zh_000_vs_001() -> (Report, Run) {
    json_report(&["--lang", "zh", &sample(SEED_000), &sample(SEED_001)])
}

fn zh_001_vs_003() -> (Report, Run) {
    json_report(&["--lang", "zh", &sample(SEED_001), &sample(SEED_003)])
}

// ---------------------------------------------------------------------------
// 1. The blog's Chinese text (000) against the Xinhua release (001).

#[test]
fn the_blog_and_xinhua_versions_differ_so_the_exit_status_is_1() {
    let (_, run) = zh_000_vs_001();
    assert_eq!(run.status, 1);
}

#[test]
fn chuan_tong_is_found_added_in_the_xinhua_version() {
    let (r, _) = zh_000_vs_001();
    let hits = changes_containing(&r, "中华优秀");
    assert_eq!(hits.len(), 1, "one change in the sentence with 中华优秀…文化");
    let c = hits[0];
    assert_eq!(c.kind, ChangeKind::Modified);
    assert!(c.new.as_ref().unwrap().text.contains("中华优秀传统文化"));
    assert!(c.old.as_ref().unwrap().text.contains("中华优秀文化"));
    assert_eq!(edit_triples(c), [(EditOp::Insert, "", "传统")]);
    assert_eq!(c.edits[0].class, EditClass::Wording);
}

#[test]
fn the_zai_hua_change_is_found_in_both_places() {
    let (r, _) = zh_000_vs_001();
    let hua: Vec<(&Change, &tvdiff::report::Edit)> =
        all_edits(&r).filter(|(_, e)| e.old == "华" && e.new == "中国").collect();
    assert_eq!(hua.len(), 2, "华→中国 is reported exactly twice");
    for (c, e) in &hua {
        assert_eq!(e.op, EditOp::Replace);
        assert_eq!(e.class, EditClass::Wording);
        assert_eq!(c.kind, ChangeKind::Modified);
        assert!(c.old.as_ref().unwrap().text.contains("在华投资兴业"));
        assert!(c.new.as_ref().unwrap().text.contains("在中国投资兴业"));
        assert_eq!(c.edits.len(), 1, "nothing else changed in {:?}", c.new.as_ref().unwrap().text);
    }
    assert_ne!(hua[0].0.id, hua[1].0.id, "the two places are two different sentences");
    assert_ne!(hua[0].0.new.as_ref().unwrap().text, hua[1].0.new.as_ref().unwrap().text);
}

#[test]
fn the_dropped_de_in_common_home_is_found() {
    let (r, _) = zh_000_vs_001();
    let hits = changes_containing(&r, "共同家园");
    assert_eq!(hits.len(), 1);
    let c = hits[0];
    assert!(c.old.as_ref().unwrap().text.contains("人类的共同家园"));
    assert!(c.new.as_ref().unwrap().text.contains("人类共同家园"));
    assert_eq!(edit_triples(c), [(EditOp::Delete, "的", "")]);
    assert_eq!(c.edits[0].class, EditClass::Wording);
}

#[test]
fn everything_else_reported_is_title_dateline_byline_or_source_line() {
    let (r, _) = zh_000_vs_001();
    let mut wording = Vec::new();
    for c in &r.changes {
        match wording_sentence(c) {
            Some(_) => wording.push(c),
            None => assert!(
                is_front_or_back_matter(c),
                "unexpected change {:?}: {:?} → {:?}",
                c.kind,
                c.old.as_ref().map(|s| &s.text),
                c.new.as_ref().map(|s| &s.text)
            ),
        }
    }
    // 传统, 华→中国 (twice), 的: four sentences.
    assert_eq!(wording.len(), 4, "{wording:#?}");
    let edits: Vec<(EditOp, &str, &str)> = wording.iter().flat_map(|c| edit_triples(c)).collect();
    // In document order.
    assert_eq!(
        edits,
        [
            (EditOp::Insert, "", "传统"),
            (EditOp::Replace, "华", "中国"),
            (EditOp::Replace, "华", "中国"),
            (EditOp::Delete, "的", "")
        ]
    );
    // The byline, the dateline and the source line are there too.
    assert!(r.changes.iter().any(|c| change_text(c).contains("2015年12月16日")), "dateline");
    assert!(r.changes.iter().any(|c| change_text(c).contains("习近平")), "byline");
    assert!(r.changes.iter().any(|c| change_text(c).contains("来源：新华网")), "source line");
}

#[test]
fn full_width_commas_are_not_a_change() {
    // 000's Chinese half uses `,` `:` `!` `;` `(` `)`; 001 uses `，：！；（）`.
    let (r, _) = zh_000_vs_001();
    assert!(!all_edits(&r).any(|(_, e)| e.old == "，" && e.new == ","), "no ，→, edit");
    assert!(!all_edits(&r).any(|(_, e)| e.old == "," && e.new == "，"), "no ,→， edit");
    assert!(!r.summary.edits.contains_key(&EditClass::Punctuation), "{:?}", r.summary.edits);
    assert_no_noise_edits(&r);
    // …and the summary says how many such differences it set aside.
    assert!(r.summary.absorbed.get(&tvdiff::Rule::Width).copied().unwrap_or(0) > 100);
}

// ---------------------------------------------------------------------------
// 2. The Xinhua release (001) against the bilingual collection (003).

#[test]
fn the_same_word_changes_are_found_in_the_other_direction() {
    let (r, run) = zh_001_vs_003();
    assert_eq!(run.status, 1);
    let hua: Vec<_> = all_edits(&r).filter(|(_, e)| e.old == "中国" && e.new == "华").collect();
    assert_eq!(hua.len(), 2, "中国→华 twice");
    assert_ne!(hua[0].0.id, hua[1].0.id);
    for (c, e) in &hua {
        assert_eq!(e.op, EditOp::Replace);
        assert!(change_text(c).contains("投资兴业"));
    }
    let tradition = changes_containing(&r, "中华优秀");
    assert_eq!(tradition.len(), 1);
    assert_eq!(edit_triples(tradition[0]), [(EditOp::Delete, "传统", "")]);
    let home = changes_containing(&r, "共同家园");
    assert_eq!(home.len(), 1);
    assert_eq!(edit_triples(home[0]), [(EditOp::Insert, "", "的")]);
}

#[test]
fn the_exclamation_mark_dropped_after_zhu_li_is_a_punctuation_edit() {
    let (r, _) = zh_001_vs_003();
    let hits = changes_containing(&r, "助力");
    assert_eq!(hits.len(), 1);
    let c = hits[0];
    assert_eq!(c.kind, ChangeKind::Modified);
    assert_eq!(c.class, EditClass::Punctuation);
    assert_eq!(c.edits.len(), 1);
    let e = &c.edits[0];
    assert_eq!((e.op, e.old.as_str(), e.new.as_str(), e.class), (EditOp::Delete, "！", "", EditClass::Punctuation));
    assert!(c.old.as_ref().unwrap().text.ends_with("助力！"));
    assert!(c.new.as_ref().unwrap().text.ends_with("助力"));
}

#[test]
fn between_xinhua_and_the_collection_nothing_else_is_reported() {
    let (r, _) = zh_001_vs_003();
    let wording: Vec<&Change> = r.changes.iter().filter(|c| wording_sentence(c).is_some()).collect();
    // 传统, 中国→华 twice, 的, 助力！.
    assert_eq!(wording.len(), 5, "{wording:#?}");
    for c in r.changes.iter().filter(|c| wording_sentence(c).is_none()) {
        assert!(is_front_or_back_matter(c), "unexpected change: {c:#?}");
    }
    assert_no_noise_edits(&r);
}

// ---------------------------------------------------------------------------
// 3. The official English translation (003) against the live blog (004).

fn assert_step_up_became_start_up(r: &Report) {
    let found = r.changes.iter().filter(|c| c.kind == ChangeKind::Modified).any(|c| {
        let one_edit = c
            .edits
            .iter()
            .any(|e| e.old.contains("step up communication") && e.new.contains("start up communications"));
        let together = c.edits.iter().any(|e| e.old.contains("step"))
            && c.edits.iter().any(|e| e.new.contains("start"))
            && c.edits.iter().any(|e| e.new.contains("communications"));
        (one_edit || together) && c.new.as_ref().is_some_and(|s| s.text.contains("Countries should start up"))
    });
    assert!(found, "no modified change turns `step up communication` into `start up communications`");
}

#[test]
fn step_up_communication_becomes_start_up_communications_in_the_live_blog() {
    let (r, run) = json_report(&["--lang", "en", &sample(SEED_003), &sample(SEED_004)]);
    assert_eq!(run.status, 1);
    assert_step_up_became_start_up(&r);
}

#[test]
fn live_blog_timestamps_can_be_ignored_without_losing_the_word_change() {
    let (r, _) = json_report(&["--lang", "en", "--ignore-lines", TIMESTAMP_RE, &sample(SEED_003), &sample(SEED_004)]);
    assert_step_up_became_start_up(&r);
    let timestamp = regex::Regex::new(TIMESTAMP_RE).unwrap();
    let (plain, _) = json_report(&["--lang", "en", &sample(SEED_003), &sample(SEED_004)]);
    let reported = |r: &Report| {
        r.changes.iter().filter_map(|c| c.new.as_ref()).filter(|s| timestamp.is_match(s.text.trim())).count()
    };
    assert!(reported(&plain) > 0, "without the option the timestamp lines are reported as added");
    assert_eq!(reported(&r), 0, "with it they are not");
    assert!(r.new.lines_dropped > plain.new.lines_dropped, "the timestamp lines are counted as dropped");
}

// ---------------------------------------------------------------------------
// 4. Versions that differ only in formatting.

#[test]
fn a_noise_only_copy_compares_equal() {
    let (r, run) = json_report(&[&sample(SEED_001), &sample(SEED_001_NOISE)]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
    let s = &r.summary;
    assert_eq!((s.modified, s.added, s.removed), (0, 0, 0));
    let absorbed = &run.json()["summary"]["absorbed"];
    for rule in ["width", "spacing", "line-break"] {
        assert!(absorbed[rule].as_u64().unwrap_or(0) > 0, "nothing absorbed by {rule}: {absorbed}");
    }
}

#[test]
fn re_wrapped_english_with_curly_quotes_compares_equal() {
    let run = run(&[&sample(EN_72), &sample(EN_50)]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    let (r, _) = json_report(&[&sample(EN_72), &sample(EN_50)]);
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
}

#[test]
fn a_narrow_newspaper_column_is_not_a_change() {
    // One paragraph of 001, and the same paragraph set in a 12-character
    // column.
    let (a, b) = ("samples/fixtures/column-excerpt-zh.txt", "samples/fixtures/column-narrow-zh.txt");
    let (r, run) = json_report(&[a, b]);
    assert!(r.changes.is_empty(), "{}", run.stdout);
    assert_eq!(run.status, 0);
}

#[test]
fn a_file_compared_with_itself_is_100_percent_similar() {
    for name in [SEED_000, SEED_001, SEED_003, SEED_004, SANZIJING_NEW] {
        let (_, run) = json_report(&[&sample(name), &sample(name)]);
        assert_eq!(run.status, 0, "{name}");
        let json = run.json();
        assert_eq!(json["summary"]["similarity"].as_f64(), Some(100.0), "{name}");
        assert_eq!(json["changes"].as_array().map(Vec::len), Some(0), "{name}");
    }
}

// ---------------------------------------------------------------------------
// 5. Every position in a report points at the text it claims.

fn assert_comparison_faithful(args: &[&str], old: &str, new: &str) {
    let (r, _) = json_report(args);
    assert!(!r.changes.is_empty() || !r.rows.is_empty());
    assert_report_faithful(&r, &read_text(old), &read_text(new));
}

#[test]
fn every_span_of_the_chinese_comparisons_slices_the_file_back() {
    let (a, b, c) = (sample(SEED_000), sample(SEED_001), sample(SEED_003));
    assert_comparison_faithful(&["--lang", "zh", &a, &b], &a, &b);
    assert_comparison_faithful(&["--lang", "zh", &b, &c], &b, &c);
    assert_comparison_faithful(&["--lang", "zh", "--keep-width", &a, &b], &a, &b);
}

#[test]
fn every_span_of_the_english_comparisons_slices_the_file_back() {
    let (c, d, w) = (sample(SEED_003), sample(SEED_004), sample(EN_50));
    assert_comparison_faithful(&["--lang", "en", "--ignore-lines", TIMESTAMP_RE, &c, &d], &c, &d);
    assert_comparison_faithful(&["--lang", "en", &w, &c], &w, &c);
}

#[test]
fn every_span_of_the_sanzijing_revision_slices_the_file_back() {
    let (a, b) = (sample(SANZIJING_OLD), sample(SANZIJING_NEW));
    assert_comparison_faithful(&[&a, &b], &a, &b);
}

#[test]
fn spans_count_a_byte_order_mark_and_crlf_line_ends_faithfully() {
    // A BOM and CRLF line ends against LF: offsets are into the file as
    // stored, lines are counted by their breaks, columns in characters.
    let (a, b) = ("samples/fixtures/crlf-bom-old.txt", "samples/fixtures/lf-new.txt");
    let (r, run) = json_report(&[a, b]);
    assert_eq!(run.status, 1);
    assert_eq!(r.old.encoding, "UTF-8 with BOM");
    assert_report_faithful(&r, &read_text(a), &read_text(b));
    let hua = all_edits(&r).find(|(_, e)| e.old == "华").expect("华→中国 across a line break");
    assert_eq!((hua.1.old_at.line, hua.1.new_at.line), (3, 3));
    assert_eq!(hua.1.new, "中国");
}

// ---------------------------------------------------------------------------
// 6. What a person sees in the terminal.

fn terminal(args: &[&str]) -> String {
    let run = run(args);
    assert!(run.status <= 1, "{}", run.stderr);
    run.stdout
}

#[test]
fn the_terminal_report_marks_the_changed_words_in_place() {
    let out = terminal(&["--lang", "zh", "--color", "never", &sample(SEED_000), &sample(SEED_001)]);
    assert!(out.contains("在[-华-]{+中国+}投资兴业"), "{out}");
    assert!(out.contains("中华优秀{+传统+}文化"), "{out}");
    assert!(out.contains("人类[-的-]共同家园"), "{out}");
    assert_eq!(out.matches("在[-华-]{+中国+}投资兴业").count(), 2);
}

#[test]
fn each_changed_sentence_comes_under_a_header_with_both_locations() {
    let (a, b) = (sample(SEED_000), sample(SEED_001));
    let out = terminal(&["--lang", "zh", "--color", "never", &a, &b]);
    let lines: Vec<&str> = out.lines().collect();
    let mut shown = 0;
    for (i, l) in lines.iter().enumerate() {
        if ["~ ", "+ ", "- "].iter().any(|m| l.starts_with(m)) {
            shown += 1;
            // The header, then the unchanged context before the change.
            let h = lines[..i].iter().rev().find(|h| !h.starts_with("  ")).expect("a header before the first change");
            assert!(h.starts_with("@@ ") && h.contains(&a) && h.contains(&b), "no header above {l:?}: {h:?}");
        }
    }
    let (r, _) = zh_000_vs_001();
    assert_eq!(shown, r.changes.len(), "every change is shown once");
    for c in &r.changes {
        let o = c.old.as_ref().map_or(format!("{a} (none)"), |s| format!("{a}:{}:{}", s.line, s.column));
        let n = c.new.as_ref().map_or(format!("{b} (none)"), |s| format!("{b}:{}:{}", s.line, s.column));
        let header = format!("@@ {o} → {n} @@");
        assert!(out.contains(&header), "missing header {header:?} in\n{out}");
    }
    // The 传统 sentence is on line 115 of the blog and line 60 of Xinhua.
    assert!(lines.iter().any(|l| l.contains(&format!("{a}:115:")) && l.contains(&format!("{b}:60:"))));
}

#[test]
fn the_terminal_report_ends_with_a_summary_of_what_was_ignored() {
    let out = terminal(&["--lang", "zh", "--color", "never", &sample(SEED_000), &sample(SEED_001)]);
    let lines: Vec<&str> = out.lines().collect();
    let summary = lines.iter().position(|l| l.starts_with("Summary:")).expect("a Summary: line");
    let ignored = lines.iter().position(|l| l.starts_with("Ignored:")).expect("an Ignored: line");
    assert!(summary < ignored && ignored == lines.len() - 1, "{out}");
    assert!(lines[summary].contains("5 modified"), "{}", lines[summary]);
    assert!(lines[ignored].contains("punctuation-width"), "{}", lines[ignored]);
}

#[test]
fn colour_is_used_only_when_asked_or_on_a_terminal() {
    let (a, b) = (sample(SEED_000), sample(SEED_001));
    let always = terminal(&["--lang", "zh", "--color", "always", &a, &b]);
    assert!(always.contains("\x1b["), "--color always uses ANSI escapes");
    let never = terminal(&["--lang", "zh", "--color", "never", &a, &b]);
    assert!(!never.contains('\x1b'));
    // stdout is a pipe here, so `auto` means no colour…
    let auto = run_cmd(tvdiff().args(["--lang", "zh", "--color", "auto", &a, &b]));
    assert!(!auto.stdout.contains('\x1b'), "auto on a pipe");
    // …and NO_COLOR is honoured too.
    let no_color = run_cmd(tvdiff().env("NO_COLOR", "1").args(["--lang", "zh", "--color", "auto", &a, &b]));
    assert!(!no_color.stdout.contains('\x1b'), "NO_COLOR=1");
    assert_eq!(no_color.stdout, never);
}

#[test]
fn context_controls_how_many_unchanged_sentences_are_shown() {
    let (a, b) = (sample(SEED_000), sample(SEED_001));
    let unchanged = |n: &str| {
        let out = terminal(&["--lang", "zh", "--color", "never", "--context", n, &a, &b]);
        out.lines().filter(|l| l.starts_with("  ")).count()
    };
    let (c0, c1, c2) = (unchanged("0"), unchanged("1"), unchanged("2"));
    assert_eq!(c0, 0, "--context 0 shows only the changes");
    assert!(c0 < c1 && c1 < c2, "context 0/1/2 show {c0}/{c1}/{c2} unchanged sentences");
}

#[test]
fn side_by_side_fits_the_width_and_keeps_the_columns_aligned() {
    for (lang, a, b) in [("zh", SEED_000, SEED_001), ("zh", SEED_001, SEED_003), ("all", SANZIJING_OLD, SANZIJING_NEW)]
    {
        let out =
            terminal(&["--lang", lang, "--side-by-side", "--width", "100", "--color", "never", &sample(a), &sample(b)]);
        let mut bar_col = None;
        let mut rows = 0;
        for l in out.lines().take_while(|l| !l.starts_with("Summary:")) {
            assert!(l.width() <= 100, "{a} vs {b}: line is {} columns wide: {l:?}", l.width());
            if let Some(k) = l.find('│') {
                rows += 1;
                let col = l[..k].width();
                assert_eq!(*bar_col.get_or_insert(col), col, "{a} vs {b}: │ moved in {l:?}");
            }
        }
        assert!(rows > 5, "{a} vs {b}: side-by-side rows shown");
    }
}

#[test]
fn side_by_side_summary_fits_the_width_too() {
    let out = terminal(&[
        "--lang",
        "zh",
        "--side-by-side",
        "--width",
        "100",
        "--color",
        "never",
        &sample(SEED_000),
        &sample(SEED_001),
    ]);
    for l in out.lines() {
        assert!(l.width() <= 100, "line is {} columns wide: {l:?}", l.width());
    }
}

// ---------------------------------------------------------------------------
// 7. Options.

#[test]
fn keep_width_reports_the_punctuation_width_differences() {
    let (a, b) = (sample(SEED_000), sample(SEED_001));
    let (plain, _) = json_report(&["--lang", "zh", &a, &b]);
    let (kept, run) = json_report(&["--lang", "zh", "--keep-width", &a, &b]);
    assert_eq!(run.status, 1);
    let punct = |r: &Report| all_edits(r).filter(|(_, e)| e.class == EditClass::Punctuation).count();
    assert_eq!(punct(&plain), 0);
    assert!(punct(&kept) > 0, "--keep-width shows `,`/`，` edits");
    assert!(all_edits(&kept).any(|(_, e)| e.old.contains(',') && e.new.contains('，')));
    assert!(kept.summary.edits.get(&EditClass::Punctuation).copied().unwrap_or(0) > 0);
}

#[test]
fn keep_width_does_not_change_where_sentences_end() {
    // 001 is all full-width: whether `，` folds to `,` cannot change where
    // its sentences end.
    let a = sample(SEED_001);
    let (plain, _) = json_report(&["--lang", "zh", &a, &a]);
    let (kept, _) = json_report(&["--lang", "zh", "--keep-width", &a, &a]);
    assert_eq!(kept.old.sentences, plain.old.sentences);
    // And the 传统 change is still shown in its own sentence.
    let (r, _) = json_report(&["--lang", "zh", "--keep-width", &sample(SEED_000), &a]);
    let c = changes_containing(&r, "中华优秀");
    assert_eq!(c.len(), 1);
    assert!(!change_text(c[0]).contains("投资兴业"), "the 传统 sentence is not merged with its neighbours");
}

#[test]
fn ignore_punctuation_drops_the_zhu_li_exclamation_change() {
    let (a, b) = (sample(SEED_001), sample(SEED_003));
    let (r, _) = json_report(&["--lang", "zh", "--ignore-punctuation", &a, &b]);
    assert!(changes_containing(&r, "助力").is_empty(), "{:#?}", changes_containing(&r, "助力"));
    assert!(!all_edits(&r).any(|(_, e)| e.class == EditClass::Punctuation));
    // The wording changes are still there.
    assert_eq!(all_edits(&r).filter(|(_, e)| e.old == "中国" && e.new == "华").count(), 2);
}

#[test]
fn quiet_prints_nothing_and_answers_with_the_exit_status() {
    let different = run(&["-q", "--lang", "zh", &sample(SEED_000), &sample(SEED_001)]);
    assert_eq!((different.status, different.stdout.as_str(), different.stderr.as_str()), (1, "", ""));
    let same = run(&["--quiet", &sample(SEED_001), &sample(SEED_001_NOISE)]);
    assert_eq!((same.status, same.stdout.as_str(), same.stderr.as_str()), (0, "", ""));
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let r = run(&["--lang", "zh", "-o", file.to_str().unwrap(), &sample(SEED_000), &sample(SEED_001)]);
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("在[-华-]{+中国+}投资兴业"), "a file gets no colour: {text}");
    assert!(text.contains("Summary:"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("report.txt")], "no temporary file left behind");
}

#[test]
fn json_written_to_a_file_parses() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let r =
        run(&["--format", "json", "--lang", "zh", "-o", file.to_str().unwrap(), &sample(SEED_001), &sample(SEED_003)]);
    assert_eq!(r.status, 1);
    assert_eq!(r.stdout, "");
    let report: Report = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).expect("the file is a report");
    assert_eq!(report.summary.modified, report.changes.iter().filter(|c| c.kind == ChangeKind::Modified).count());
    assert!(report.has_changes());
}
