//! The HTML report (`--format html`, docs/html.md), driven through the real
//! binary and read back with an HTML parser: the page shows the same changes
//! as the JSON report, marks nothing for formatting-only differences, and
//! shows hostile input as text.

use assert_cmd::Command;
use scraper::{ElementRef, Html, Selector};
use std::path::Path;

const SEED_000: &str = "samples/seed-000-blog-en-zh.txt";
const SEED_001: &str = "samples/seed-001-xinhua-pdf-zh.txt";
const SEED_001_NOISE: &str = "samples/seed-001-noise.txt";

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

fn text_of(e: ElementRef) -> String {
    e.text().collect()
}

/// Run `tvdiff ARGS --format html -o DIR/r.html`; the page and the exit code.
fn html_report(args: &[&str]) -> (String, i32) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("r.html");
    let assert = Command::cargo_bin("tvdiff")
        .expect("binary")
        .env("SOURCE_DATE_EPOCH", "1450224000")
        .args(args)
        .args(["--format", "html", "-o"])
        .arg(&out)
        .assert();
    let code = assert.get_output().status.code().expect("exit code");
    assert!(code == 0 || code == 1, "tvdiff failed: {}", String::from_utf8_lossy(&assert.get_output().stderr));
    (std::fs::read_to_string(&out).expect("report written"), code)
}

fn json_report(args: &[&str]) -> serde_json::Value {
    let out =
        Command::cargo_bin("tvdiff").expect("binary").args(args).args(["--format", "json"]).output().expect("run");
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// Rows (`<tr>` in the comparison table) having an `<del>`/`<ins>` whose
/// text is exactly `old`/`new` (`None`: no requirement).
fn rows_with<'a>(doc: &'a Html, del: Option<&str>, ins: Option<&str>) -> Vec<ElementRef<'a>> {
    let has = |row: &ElementRef, tag: &str, want: Option<&str>| match want {
        None => true,
        Some(w) => row.select(&sel(tag)).any(|e| text_of(e) == w),
    };
    doc.select(&sel("#rows tr.row")).filter(|r| has(r, "del", del) && has(r, "ins", ins)).collect()
}

#[test]
fn seed_report_shows_the_known_wording_changes() {
    let args = ["--lang", "zh", SEED_000, SEED_001];
    let (page, code) = html_report(&args);
    assert_eq!(code, 1, "the versions differ");
    let doc = Html::parse_document(&page);

    // 传统 added.
    let chuantong = rows_with(&doc, None, Some("传统"));
    assert_eq!(chuantong.len(), 1, "one row inserts 传统");
    assert!(text_of(chuantong[0]).contains("中华优秀传统文化"));

    // 在华 → 在中国, twice; side by side and in the merged (inline) cell.
    let hua = rows_with(&doc, Some("华"), Some("中国"));
    assert_eq!(hua.len(), 2, "two rows replace 华 by 中国");
    for row in &hua {
        assert!(row.value().classes().any(|c| c == "r-mod"));
        let old = row.select(&sel("td.to")).next().expect("old cell");
        let new = row.select(&sel("td.tn")).next().expect("new cell");
        let merged = row.select(&sel("td.tm")).next().expect("inline cell");
        assert!(text_of(old).contains("在华投资兴业"));
        assert!(text_of(new).contains("在中国投资兴业"));
        assert_eq!(merged.select(&sel("del")).map(text_of).collect::<Vec<_>>(), ["华"]);
        assert_eq!(merged.select(&sel("ins")).map(text_of).collect::<Vec<_>>(), ["中国"]);
    }

    // 人类的共同家园 → 人类共同家园.
    let de = rows_with(&doc, Some("的"), None);
    assert!(
        de.iter().any(|r| text_of(r.select(&sel("td.to")).next().expect("old cell")).contains("人类的共同家园")),
        "a row deletes 的 in 人类的共同家园"
    );

    // As many modified rows as the JSON report has modified sentences.
    let json = json_report(&args);
    let modified = doc.select(&sel("#rows tr.r-mod")).count();
    assert_eq!(modified as u64, json["summary"]["modified"].as_u64().expect("summary.modified"));
    // Every change has its row, and the change list links to each.
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(doc.select(&sel("#rows tr.chg")).count(), changes.len());
    for c in changes {
        let id = c["id"].as_u64().expect("id");
        assert_eq!(doc.select(&sel(&format!("#rows tr#c{id}"))).count(), 1, "row for change {id}");
        assert_eq!(doc.select(&sel(&format!("#change-list a[href='#c{id}']"))).count(), 1);
        assert_eq!(doc.select(&sel(&format!("#overview a[href='#c{id}']"))).count(), 1);
    }
    // Added and removed rows carry a symbol, not only a colour.
    for (class, symbol) in [("r-add", "+"), ("r-del", "−"), ("r-mod", "~")] {
        for row in doc.select(&sel(&format!("tr.{class}"))) {
            let mk = row.select(&sel("td.mk")).next().expect("marker cell");
            assert!(text_of(mk).contains(symbol), "{class} row marked with {symbol}");
        }
    }

    // Header: both versions, the options, the date, the summary.
    let header = text_of(doc.select(&sel("header")).next().expect("header"));
    for want in [
        SEED_000,
        SEED_001,
        json["old"]["sha256"].as_str().expect("sha"),
        json["new"]["sha256"].as_str().expect("sha"),
        "25.4 KiB (25989 bytes)",
        "UTF-8",
        "2015-12-16",
        "language zh",
        "5 modified",
        "2 added",
        "1 removed",
        "similarity 99.5%",
        "5 wording",
        "191 punctuation-width, 7 spacing, 4 line-break differences ignored",
        "0 resegmented places",
    ] {
        assert!(header.contains(want), "header shows {want:?}:\n{header}");
    }
    // Unchanged text is collapsed, its sentences carried as JSON.
    let gaps: Vec<Vec<serde_json::Value>> =
        serde_json::from_str(&text_of(doc.select(&sel("script#tvd-gaps")).next().expect("gap data")))
            .expect("gap JSON");
    let buttons = doc.select(&sel("tr.gap")).count();
    assert_eq!(gaps.len(), buttons);
    let collapsed: usize = gaps.iter().map(Vec::len).sum();
    let shown = doc.select(&sel("#rows tr.row")).count();
    assert_eq!(collapsed + shown, json["summary"]["equal"].as_u64().unwrap_or(0) as usize + changes.len());
    assert!(collapsed > shown, "most unchanged sentences are collapsed ({collapsed} collapsed, {shown} shown)");
}

#[test]
fn formatting_noise_marks_no_row() {
    let (page, code) = html_report(&[SEED_001, SEED_001_NOISE]);
    assert_eq!(code, 0, "width, spacing, quotes and wrapping are not differences");
    let doc = Html::parse_document(&page);
    let marked = "#rows tr.chg, #rows tr.r-mod, #rows tr.r-add, #rows tr.r-del, #rows tr.r-from, #rows tr.r-to, \
                  #rows del, #rows ins, #change-list li, #overview a";
    assert_eq!(doc.select(&sel(marked)).count(), 0);
    assert!(page.contains("No differences"));
}

#[test]
fn moved_rows_link_to_each_other_and_punctuation_changes_are_filterable() {
    let (page, _) = html_report(&["samples/sanzijing_traditional_qing.txt", "samples/sanzijing_new_edition.txt"]);
    let doc = Html::parse_document(&page);
    let from = doc.select(&sel("tr.r-from")).next().expect("a moved-from row");
    let id = from.value().id().expect("moved-from row id");
    let to_id = id.strip_suffix("-from").expect("cN-from");
    let to = doc.select(&sel(&format!("tr#{to_id}"))).next().expect("the moved-to row");
    assert!(to.value().classes().any(|c| c == "r-to"));
    assert_eq!(from.select(&sel(&format!("a.mv[href='#{to_id}']"))).count(), 1);
    assert_eq!(to.select(&sel(&format!("a.mv[href='#{id}']"))).count(), 1);

    let (page, _) = html_report(&["--lang", "zh", SEED_000, "samples/seed-003-bilingual-zh-en.txt"]);
    let doc = Html::parse_document(&page);
    let punct: Vec<_> = doc.select(&sel("tr.r-mod[data-class='punctuation']")).collect();
    assert_eq!(punct.len(), 1, "003 only lacks a ！");
    assert_eq!(punct[0].select(&sel("td.to del")).map(text_of).collect::<String>(), "!");
    assert_eq!(doc.select(&sel("input#hide-punct")).count(), 1);
}

#[test]
fn report_is_reproducible_and_goes_to_stdout_without_output_file() {
    let run = || {
        Command::cargo_bin("tvdiff")
            .expect("binary")
            .env("SOURCE_DATE_EPOCH", "1450224000")
            .args(["--lang", "zh", "--format", "html", SEED_000, SEED_001])
            .output()
            .expect("run")
    };
    let (a, b) = (run(), run());
    assert_eq!(a.status.code(), Some(1));
    assert!(a.stdout.starts_with(b"<!DOCTYPE html>"));
    assert_eq!(a.stdout, b.stdout, "same input and SOURCE_DATE_EPOCH give the same bytes");
    assert!(String::from_utf8_lossy(&a.stdout).contains("<time>2015-12-16</time>"));

    // Self-contained: nothing is fetched from anywhere.
    let page = String::from_utf8_lossy(&a.stdout);
    let doc = Html::parse_document(&page);
    assert_eq!(doc.select(&sel("link, img, iframe, script[src], object, embed")).count(), 0);
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("@import"));

    let bad = Command::cargo_bin("tvdiff")
        .expect("binary")
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["--format", "html", SEED_000, SEED_001])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2), "a malformed SOURCE_DATE_EPOCH is an error");
}

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "<img src=x onerror=alert(1)>";
const TD: &str = "x</td>y";
const AMP: &str = "R&amp;D";

fn hostile_pair(dir: &Path) -> (String, String) {
    // The first sentence ends up in a collapsed run (JSON), the changed one
    // and its neighbours in table rows.
    let mut old = format!("开头{SCRIPT}一句。\n");
    for i in 0..12 {
        old += &format!("这是第{i}句普通的话。\n");
    }
    old += &format!("邻居{IMG}和{AMP}。\n");
    let new = old.clone() + &format!("我们在中国投资{SCRIPT}{IMG}{TD}{AMP}。\n");
    let old = old + &format!("我们在华投资{SCRIPT}{IMG}{TD}{AMP}。\n");
    let (o, n) = (dir.join("old.txt"), dir.join("new.txt"));
    std::fs::write(&o, old).expect("write");
    std::fs::write(&n, new).expect("write");
    (o.display().to_string(), n.display().to_string())
}

#[test]
fn hostile_text_is_shown_not_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (old, new) = hostile_pair(dir.path());
    let (page, code) = html_report(&[&old, &new]);
    assert_eq!(code, 1);

    for raw in [SCRIPT, "<script>alert", IMG, "<img", TD, "onerror=alert(1)>"] {
        assert!(!page.contains(raw), "{raw:?} appears unescaped");
    }
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("x&lt;/td&gt;y"));
    assert!(page.contains("R&amp;amp;D"));
    assert!(page.contains(r"\u003cscript\u003ealert(1)\u003c/script\u003e"), "collapsed text is escaped JSON");

    let doc = Html::parse_document(&page);
    // Only the page's own two scripts, no image, and the rows are intact.
    assert_eq!(doc.select(&sel("script")).count(), 2);
    assert_eq!(doc.select(&sel("script:not([type])")).next().map(text_of).map(|s| s.contains("alert")), Some(false));
    assert_eq!(doc.select(&sel("img")).count(), 0);
    let row = rows_with(&doc, Some("华"), Some("中国"));
    assert_eq!(row.len(), 1);
    assert_eq!(row[0].select(&sel("td")).count(), 6, "a </td> in the text does not end a cell");
    let text = text_of(row[0]);
    for literal in [SCRIPT, IMG, TD, AMP] {
        assert!(text.contains(literal), "row text shows {literal:?} literally: {text}");
    }
    let neighbour = text_of(doc.select(&sel("#rows")).next().expect("table"));
    assert!(neighbour.contains(&format!("邻居{IMG}和{AMP}。")));
    let gaps = text_of(doc.select(&sel("script#tvd-gaps")).next().expect("gap data"));
    let gaps: serde_json::Value = serde_json::from_str(&gaps).expect("gap JSON");
    assert!(gaps.to_string().contains(&format!("开头{SCRIPT}一句。")));
}

/// Changes read from captions show their time, and from a PDF their page,
/// beside the change and in the change list; the error rate is in the
/// header; caption text is escaped like any other.
#[test]
fn captions_and_pdf_changes_show_their_time_and_page() {
    let (page, code) = html_report(&["--lang", "zh", SEED_001, "samples/formats/blog-zh.srt"]);
    assert_eq!(code, 1);
    let doc = Html::parse_document(&page);
    let json = json_report(&["--lang", "zh", SEED_001, "samples/formats/blog-zh.srt"]);
    let mut timed = 0;
    for c in json["changes"].as_array().expect("changes") {
        let Some(t) = c["new"]["time"]["start"].as_f64() else { continue };
        timed += 1;
        let tenths = (t * 10.0).round() as u64;
        let label = format!("@ {:02}:{:02}.{}", tenths / 600, tenths / 10 % 60, tenths % 10);
        let id = c["id"].as_u64().expect("id");
        let row = doc.select(&sel(&format!("#rows tr#c{id}"))).next().expect("the change's row");
        let badge = row.select(&sel("td.tn > span.at")).next().map(text_of);
        assert_eq!(badge.as_deref(), Some(label.as_str()), "change {id}");
        let item = doc.select(&sel(&format!("#change-list a[href='#c{id}']"))).next().expect("list item");
        assert_eq!(
            item.select(&sel("span.at")).map(text_of).collect::<Vec<_>>(),
            std::slice::from_ref(&label),
            "change {id}"
        );
    }
    assert!(timed >= 5, "{timed} changes with a time");
    // The 华/中国 rows are at 11:48.4 and 11:59.4 of the captions.
    let hua = rows_with(&doc, Some("中国"), Some("华"));
    let times: Vec<String> = hua.iter().filter_map(|r| r.select(&sel("td.tn > span.at")).next().map(text_of)).collect();
    assert_eq!(times, ["@ 11:48.4", "@ 11:59.4"]);
    let header = text_of(doc.select(&sel("header")).next().expect("header"));
    let er = json["summary"]["error_rate"]["rate"].as_f64().expect("error rate");
    assert!(
        header.contains(&format!(
            "Error rate (new against old as the reference, punctuation removed): CER {:.2}%",
            er * 100.0
        )),
        "{header}"
    );

    // A PDF: the page of each change.
    let (page, _) = html_report(&["--lang", "zh", SEED_001, "samples/formats/blog-zh.pdf"]);
    let doc = Html::parse_document(&page);
    let pages: Vec<String> = doc.select(&sel("#change-list span.at")).map(text_of).collect();
    assert!(!pages.is_empty() && pages.iter().all(|p| p.starts_with("p. ")), "{pages:?}");

    // Hostile caption text: shown, never run.
    let dir = tempfile::tempdir().expect("temp dir");
    let srt = dir.path().join("c.srt");
    let txt = dir.path().join("t.txt");
    std::fs::write(&txt, "我们在华投资兴业提供服务。\n").expect("write");
    std::fs::write(
        &srt,
        "1\n00:00:01,000 --> 00:00:04,000\n我们在中国&lt;img src=x onerror=alert(1)&gt;投资兴业提供服务。\n",
    )
    .expect("write");
    let (page, _) = html_report(&[txt.to_str().unwrap(), srt.to_str().unwrap()]);
    assert!(!page.contains("<img") && page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let doc = Html::parse_document(&page);
    assert_eq!(doc.select(&sel("#rows td.tn > span.at")).map(text_of).collect::<Vec<_>>(), ["@ 00:01.0"]);
}
