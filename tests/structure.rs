//! Numbered documents (issue 15, docs/structure.md), driven through the
//! binary on the revised laws in `samples/law/` (samples/README.md: what
//! each revision did). A regulation revised the way legislatures revise —
//! one article inserted, every later number and cross-reference shifted, a
//! term replaced throughout, one article moved elsewhere and reworded —
//! reports the inserted article as one added change labelled with its new
//! number, every number shift as renumbering (hidden by default, counted),
//! the term as one recurring group with the right count, the moved article
//! as one moved change with its edits, and every change with its section.

mod common;

use common::{assert_report_faithful, json_report, run, sample, sample_text};
use tvdiff::report::{ChangeKind, Edit, EditClass, Report};

const ZH_OLD: &str = "law/binjiang-2018.txt";
const ZH_NEW: &str = "law/binjiang-2024.txt";
const EN_OLD: &str = "law/harbour-2015.txt";
const EN_NEW: &str = "law/harbour-2023.txt";

fn report(old: &str, new: &str) -> Report {
    json_report(&[&sample(old), &sample(new)]).0
}

fn edits(r: &Report) -> impl Iterator<Item = &Edit> {
    r.changes.iter().flat_map(|c| &c.edits)
}

/// The wording edits other than the recurring term, as (old, new).
fn other_wording<'a>(r: &'a Report, term: (&str, &str)) -> Vec<(&'a str, &'a str)> {
    edits(r)
        .filter(|e| e.class == EditClass::Wording && (e.old.as_str(), e.new.as_str()) != term)
        .map(|e| (e.old.as_str(), e.new.as_str()))
        .collect()
}

#[test]
fn the_regulation_report_reads_like_the_revision() {
    let r = report(ZH_OLD, ZH_NEW);
    assert_report_faithful(&r, &sample_text(ZH_OLD), &sample_text(ZH_NEW));

    // The inserted article: one added change, labelled with its new number.
    let added: Vec<_> = r.changes.iter().filter(|c| c.kind == ChangeKind::Added).collect();
    assert_eq!(added.len(), 1, "{added:#?}");
    let new = added[0].new.as_ref().unwrap();
    assert_eq!(new.section.as_deref(), Some("第二十一条"));
    assert_eq!(new.path, ["第三章 资产管理", "第二十一条"]);
    assert!(new.text.starts_with("第二十一条　农村集体经济组织应当将集体资产纳入"));
    assert!(!r.changes.iter().any(|c| c.kind == ChangeKind::Removed));

    // Every number shift is renumbering; 25 articles changed number.
    assert_eq!(r.summary.renumbered.get("article"), Some(&25));
    assert_eq!(r.summary.edits.get(&EditClass::Renumbering), Some(&30));
    // The only other edits: the term, the real changes of wording (numbers
    // that are not article numbers among them) and the note under the title.
    let mut other = other_wording(&r, ("帐", "账"));
    other.sort();
    assert_eq!(
        other,
        [
            ("", "和资产、资源管理"),
            (
                "2018年9月20日某某省第十三届人民代表大会常务委员会第五次会议批准",
                "根据2024年4月25日滨江市第十七届人民代表大会常务委员会第二十次会议《关于修改〈滨江市农村集体资金资产资源管理条例〉的决定》修正"
            ),
            ("一", "二"),
            ("一", "二"),
            ("三", "二"),
            ("五", "七"),
        ]
    );
    // Cross-references too: 本条例第十条、第十一条 → 第九条、第十条.
    let p_cash = r.changes.iter().find(|c| c.old.as_ref().is_some_and(|s| s.text.starts_with("第三十三条"))).unwrap();
    assert_eq!(p_cash.class, EditClass::Renumbering, "{p_cash:#?}");
    assert!(p_cash.new.as_ref().unwrap().text.contains("违反本条例第九条、第十条规定"));

    // The term: one recurring group with the right count.
    assert_eq!(r.summary.recurring.len(), 1, "{:?}", r.summary.recurring);
    let g = &r.summary.recurring[0];
    assert_eq!((g.old.as_str(), g.new.as_str(), g.count, g.class), ("帐", "账", 21, EditClass::Wording));
    assert_eq!(edits(&r).filter(|e| e.recurring == Some(0)).count(), 21);

    // The moved article: one moved change carrying its edits.
    let moved: Vec<_> = r.changes.iter().filter(|c| c.kind == ChangeKind::Moved).collect();
    assert_eq!(moved.len(), 1, "{moved:#?}");
    let m = moved[0];
    assert_eq!(m.old.as_ref().unwrap().section.as_deref(), Some("第九条"));
    assert_eq!(m.new.as_ref().unwrap().section.as_deref(), Some("第二十九条"));
    assert_eq!(m.new.as_ref().unwrap().path, ["第五章 民主监督", "第二十九条"]);
    assert_eq!(m.old_sentences[1] - m.old_sentences[0], 2, "both sentences of the article, one change");
    let pairs: Vec<(&str, &str, EditClass)> =
        m.edits.iter().map(|e| (e.old.as_str(), e.new.as_str(), e.class)).collect();
    assert_eq!(
        pairs,
        [
            ("", "二十", EditClass::Renumbering),
            ("五", "七", EditClass::Wording),
            ("", "和资产、资源管理", EditClass::Wording)
        ]
    );

    // Every change after the title block names its unit on each side it has.
    for c in r.changes.iter().filter(|c| c.old.as_ref().or(c.new.as_ref()).is_some_and(|s| s.line > 3)) {
        for s in [&c.old, &c.new].into_iter().flatten() {
            assert!(s.section.is_some() && !s.path.is_empty(), "change {} has no section: {s:#?}", c.id);
        }
    }
}

#[test]
fn an_article_line_always_starts_a_sentence() {
    // Item (三) of 第十三条 ends without a full stop on a long line; the
    // next article must not be run into it.
    let r = report(ZH_OLD, ZH_NEW);
    for row in &r.rows {
        for s in [&row.old, &row.new].into_iter().flatten() {
            assert!(!s.text.contains("重大事项\n第"), "{:?}", s.text);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let long =
        "对违反本条例规定的行为，由有关主管部门依照有关法律、行政法规的规定予以处罚，构成犯罪的，依法追究刑事责任";
    std::fs::write(&a, format!("第四十一条　{long}\n第四十二条　本条例自2018年12月1日起施行。\n")).unwrap();
    std::fs::write(&b, format!("第四十一条　{long}\n第四十二条　本条例自2019年1月1日起施行。\n")).unwrap();
    let run = run(&["--format", "json", a.to_str().unwrap(), b.to_str().unwrap()]);
    let r = run.report();
    assert_eq!(r.changes.len(), 1);
    let old = r.changes[0].old.as_ref().unwrap();
    assert!(old.text.starts_with("第四十二条"), "{:?}", old.text);
    assert_eq!(old.section.as_deref(), Some("第四十二条"));
}

#[test]
fn the_terminal_hides_renumbering_and_counts_it() {
    let (o, n) = (sample(ZH_OLD), sample(ZH_NEW));
    let plain = run(&["--color", "never", &o, &n]);
    assert_eq!(plain.status, 1);
    assert!(!plain.stdout.contains("modified, renumbering"), "{}", plain.stdout);
    assert!(plain.stdout.contains("Renumbered: 25 articles (30 edits not shown; --show-renumbering shows them)"));
    assert!(plain.stdout.contains("Recurring: 帐 → 账 ×21"));
    // The hunk header names the article on each side.
    assert!(
        plain
            .stdout
            .contains("@@ samples/law/binjiang-2018.txt:25:1 第十条 → samples/law/binjiang-2024.txt:24:1 第九条 @@"),
        "{}",
        plain.stdout
    );
    // The moved article: one header, its edits inline.
    assert_eq!(plain.stdout.matches("@@ moved, wording").count(), 1);
    assert!(plain.stdout.contains("> 民主理财小组由三至[-五-]{+七+}名成员组成"));
    let shown = run(&["--color", "never", "--show-renumbering", &o, &n]);
    assert!(shown.stdout.contains("@@ modified, renumbering"));
    assert!(shown.stdout.contains("~ 第十[-一-]条　农村集体经济组织应当实行现金限额管理"), "{}", shown.stdout);
}

#[test]
fn the_ordinance_report_reads_like_the_revision() {
    let r = report(EN_OLD, EN_NEW);
    assert_report_faithful(&r, &sample_text(EN_OLD), &sample_text(EN_NEW));
    // The inserted article (heading and two paragraphs): one added change.
    let added: Vec<_> = r.changes.iter().filter(|c| c.kind == ChangeKind::Added).collect();
    assert_eq!(added.len(), 1, "{added:#?}");
    let new = added[0].new.as_ref().unwrap();
    assert_eq!(new.section.as_deref(), Some("Article 8"));
    assert!(new.text.starts_with("Article 8 Electronic records\n(1) Records made"));
    assert!(new.text.ends_with("electronic records are kept."));
    // Renumbering, including `Article 6(2)` and `Articles 4 and 9`.
    assert_eq!(r.summary.renumbered.get("article"), Some(&12));
    let mut other = other_wording(&r, ("shall", "must"));
    other.sort();
    assert_eq!(other, [("enacted", "amended by Ordinance No. 3 of 2023"), ("once", "twice"), ("twenty", "fifteen")]);
    assert!(edits(&r).any(|e| e.class == EditClass::Renumbering && e.old == "5" && e.new == "4"));
    // The term.
    let g = &r.summary.recurring;
    assert_eq!(g.len(), 1);
    assert_eq!((g[0].old.as_str(), g[0].new.as_str(), g[0].count), ("shall", "must", 24));
    // The moved article: heading and two sentences, one change.
    let moved: Vec<_> = r.changes.iter().filter(|c| c.kind == ChangeKind::Moved).collect();
    assert_eq!(moved.len(), 1);
    let m = moved[0];
    assert_eq!(m.old.as_ref().unwrap().section.as_deref(), Some("Article 3"));
    assert_eq!(m.new.as_ref().unwrap().section.as_deref(), Some("Article 19"));
    assert_eq!(m.new.as_ref().unwrap().path, ["Chapter IV Oversight", "Article 19 Records officer"]);
    assert!(m.edits.iter().any(|e| (e.old.as_str(), e.new.as_str(), e.class) == ("once", "twice", EditClass::Wording)));
    assert!(m.edits.iter().any(|e| (e.old.as_str(), e.new.as_str(), e.class) == ("3", "19", EditClass::Renumbering)));
    for c in r.changes.iter().filter(|c| c.old.as_ref().or(c.new.as_ref()).is_some_and(|s| s.line > 3)) {
        for s in [&c.old, &c.new].into_iter().flatten() {
            assert!(s.section.is_some(), "change {} has no section: {s:#?}", c.id);
        }
    }
}

#[test]
fn the_comparison_table_has_one_row_per_article() {
    let (o, n) = (sample(ZH_OLD), sample(ZH_NEW));
    let csv = run(&["--format", "table-csv", &o, &n]);
    assert_eq!(csv.status, 1);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines[0], "old_article,new_article,old_text,new_text,changes,edits");
    let row = |prefix: &str| csv.stdout.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}"));
    assert!(row(",第二十一条,,第二十一条　农村集体经济组织应当将").ends_with(",added,"));
    assert!(row("第九条,,").contains(",moved to 第二十九条,"));
    assert!(row("第九条,第二十九条,").ends_with(",\"moved from 第九条, modified\",五→七; →和资产、资源管理"));
    assert!(row("第十一条,第十条,").ends_with(",renumbered,"));
    // Items stay in their article's row (a quoted cell over several lines).
    let items = csv.stdout.find("第十三条,第十二条,\"第十三条　下列事项").expect("the article's row");
    assert!(csv.stdout[items..].split("\n第十四条").next().unwrap().contains("\n（三）法律、法规规定的其他"));
    assert!(!csv.stdout.contains("（三）,"), "no row of its own for an item");

    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("t.html");
    let html = run(&["--format", "html", "--layout", "table", "-o", page.to_str().unwrap(), &o, &n]);
    assert_eq!(html.status, 1, "{}", html.stderr);
    let page = std::fs::read_to_string(page).unwrap();
    for needle in [
        "修改前",
        "修改后",
        "（新增）",
        "（原第九条，移至此处）",
        "（移至第二十九条）",
        "条文序号作相应调整:</span> 第十条–第二十一条 → 第九条–第二十条; 第九条 → 第二十九条; 第二十九条–第四十条 → 第三十条–第四十一条",
        "<del>帐</del>",
        "<ins>账</ins>",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    assert!(!page.contains("<script"), "the table page needs no script");
}

#[test]
fn a_sentence_that_moved_and_changed_in_plain_prose_is_one_move() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let filler: Vec<String> =
        (1..=8).map(|i| format!("This is filler sentence number {i} about nothing much.")).collect();
    let moved = "The committee shall publish its annual report before the end of March each year.";
    let changed = "The committee shall publish its annual report before the end of April each year.";
    std::fs::write(&a, format!("{moved}\n{}\n", filler.join("\n"))).unwrap();
    std::fs::write(&b, format!("{}\n{changed}\n", filler.join("\n"))).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let r = run(&["--format", "json", a, b]).report();
    assert_eq!(r.changes.len(), 1, "{:#?}", r.changes);
    assert_eq!(r.changes[0].kind, ChangeKind::Moved);
    assert_eq!(
        r.changes[0].edits.iter().map(|e| (e.old.as_str(), e.new.as_str())).collect::<Vec<_>>(),
        [("March", "April")]
    );
    // With the move threshold at 1, only unchanged sentences move.
    let exact = run(&["--format", "json", "--move-threshold", "1", a, b]).report();
    let kinds: Vec<ChangeKind> = exact.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [ChangeKind::Removed, ChangeKind::Added]);
}

/// Every console block of the README is what the binary prints for its
/// command (the first one is also checked in tests/hardening.rs).
#[test]
fn the_readme_console_blocks_are_what_the_binary_prints() {
    let readme = common::read_text("README.md");
    let blocks: Vec<&str> = readme.split("```console\n").skip(1).map(|b| b.split("\n```").next().unwrap()).collect();
    assert!(blocks.len() >= 2, "the README shows a comparison table");
    for block in blocks {
        // A block may show several commands, each followed by its output.
        for example in block.split("\n$ ").map(|e| e.strip_prefix("$ ").unwrap_or(e)) {
            let (command, expected) = example.split_once('\n').unwrap_or((example, ""));
            let args: Vec<&str> = command.strip_prefix("tvdiff ").expect("a tvdiff command").split(' ').collect();
            let out = run(&args);
            let expected = if expected.is_empty() { String::new() } else { format!("{expected}\n") };
            assert_eq!(out.stdout, expected, "README.md: `{command}` prints something else");
        }
    }
}
