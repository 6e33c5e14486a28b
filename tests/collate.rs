//! End-to-end tests of `tvdiff collate` on the real texts in `samples/`:
//! the three Chinese versions of the seed speech (the differences a careful
//! reader finds, grouped by witness, and nothing that is only punctuation
//! width, spacing or line breaks), the English versions, and two editions of
//! the 三字經. Outputs are checked as data: JSON with serde_json, TEI with
//! an XML parser.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

const ZH: [&str; 3] =
    ["samples/seed-000-blog-en-zh.txt", "samples/seed-001-xinhua-pdf-zh.txt", "samples/seed-003-bilingual-zh-en.txt"];
const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";

fn tvdiff() -> Command {
    let mut c = Command::cargo_bin("tvdiff").expect("the binary is built");
    c.env_remove("NO_COLOR");
    c
}

/// Run `tvdiff collate ARGS`, expecting exit status `code`; returns stdout.
fn collate(args: &[&str], code: i32) -> String {
    let out = tvdiff().arg("collate").args(args).output().expect("tvdiff runs");
    assert_eq!(
        out.status.code(),
        Some(code),
        "tvdiff collate {args:?}: stderr {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&collate(&all, 1)).expect("valid JSON")
}

fn zh_json() -> Value {
    let mut args = vec!["--lang", "zh"];
    args.extend(ZH);
    json(&args)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// Every variation point, with its position.
fn vps(c: &Value) -> Vec<(&Value, &Value)> {
    let mut out = Vec::new();
    for p in c["positions"].as_array().expect("positions") {
        for vp in p["variation_points"].as_array().expect("variation points") {
            out.push((p, vp));
        }
    }
    out
}

/// A variation point's readings as (key, sigla).
fn readings(vp: &Value) -> Vec<(String, Vec<String>)> {
    vp["readings"]
        .as_array()
        .expect("readings")
        .iter()
        .map(|r| (r["key"].as_str().unwrap_or_default().to_string(), strings(&r["witnesses"])))
        .collect()
}

fn sigla(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The anchor's text of a position.
fn anchor_text(p: &Value) -> String {
    let anchor = p["anchor"].as_str().unwrap_or_default();
    p["witnesses"]
        .as_array()
        .and_then(|ws| ws.iter().find(|w| w["siglum"] == anchor))
        .and_then(|w| w["span"]["text"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Fold what the normaliser folds (punctuation width, quotes, spacing, line
/// breaks), independently of it, to check no variant is only that.
fn fold_noise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '。' => '.',
            '“' | '”' | '「' | '」' => '"',
            '‘' | '’' => '\'',
            _ => c,
        })
        .collect()
}

/// Do the readings differ only by a space between two Latin words?
fn latin_words_glued(vp: &Value) -> bool {
    let texts: Vec<&str> = vp["readings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["at"].as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap()))
        .collect();
    vp["class"] == "spacing" && texts.iter().all(|t| t.is_ascii())
}

fn assert_no_noise_variants(c: &Value) {
    for (p, vp) in vps(c) {
        if latin_words_glued(vp) {
            // `concernedto` for `concerned to` is a real typo in a witness
            // (reported as a spacing variant), not normalisation noise.
            continue;
        }
        let folded: BTreeSet<String> = vp["readings"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["at"].as_array().unwrap().iter().map(|a| fold_noise(a["text"].as_str().unwrap())))
            .collect();
        assert!(
            folded.len() > 1,
            "variation point {} at position {} differs only by noise: {:?}",
            vp["id"],
            p["index"],
            readings(vp)
        );
        assert_ne!(vp["class"], "spacing", "spacing-only variant {:?}", readings(vp));
    }
}

#[test]
fn chinese_seeds_group_the_known_variants() {
    let c = zh_json();
    let wits: Vec<&str> = c["witnesses"].as_array().unwrap().iter().map(|w| w["siglum"].as_str().unwrap()).collect();
    assert_eq!(wits, ["A", "B", "C"]);
    assert_eq!(c["base"], "A");
    for (w, path) in c["witnesses"].as_array().unwrap().iter().zip(ZH) {
        assert_eq!(w["path"], path);
        assert_eq!(w["sha256"].as_str().unwrap().len(), 64);
        assert!(w["sentences"].as_u64().unwrap() > 90);
    }
    let all = vps(&c);

    // 传统 only in 001 (B), against nothing in 000 (A) and 003 (C).
    let chuantong: Vec<_> = all.iter().filter(|(_, vp)| readings(vp).iter().any(|(k, _)| k.contains("传统"))).collect();
    assert_eq!(chuantong.len(), 1, "one variation point mentions 传统");
    let (p, vp) = chuantong[0];
    assert!(anchor_text(p).contains("中华优秀文化"));
    assert_eq!(readings(vp), [(String::new(), sigla(&["A", "C"])), ("传统".into(), sigla(&["B"]))]);
    assert_eq!(vp["class"], "wording");
    assert_eq!(vp["readings"][0]["omission"], true);

    // 在华 / 华 in A and C against 在中国 / 中国 in B, at two positions.
    let hua: Vec<_> = all
        .iter()
        .filter(|(_, vp)| {
            let r = readings(vp);
            r.len() == 2
                && r[0].0.ends_with('华')
                && r[0].1 == sigla(&["A", "C"])
                && r[1].0.ends_with("中国")
                && r[1].1 == sigla(&["B"])
        })
        .collect();
    assert_eq!(hua.len(), 2, "在华/在中国 twice");
    assert_ne!(hua[0].0["index"], hua[1].0["index"], "at two positions");
    for (p, _) in &hua {
        assert!(anchor_text(p).contains("在华投资兴业"));
    }

    // The 的 of 人类的共同家园: in A and C, absent in B.
    let de: Vec<_> = all.iter().filter(|(p, _)| anchor_text(p).contains("人类的共同家园")).collect();
    assert_eq!(de.len(), 1);
    assert_eq!(readings(de[0].1), [("的".into(), sigla(&["A", "C"])), (String::new(), sigla(&["B"]))]);

    // The ！ after 助力: absent only in 003 (C), a punctuation variant.
    let zhuli: Vec<_> = all.iter().filter(|(p, _)| anchor_text(p).contains("未来助力")).collect();
    assert_eq!(zhuli.len(), 1);
    assert_eq!(readings(zhuli[0].1), [("!".into(), sigla(&["A", "B"])), (String::new(), sigla(&["C"]))]);
    assert_eq!(zhuli[0].1["class"], "punctuation");
    let at: Vec<&str> =
        zhuli[0].1["readings"][0]["at"].as_array().unwrap().iter().map(|a| a["text"].as_str().unwrap()).collect();
    assert_eq!(at, ["!", "！"], "each witness's own original text");

    // Nothing else differs among sentences all three have.
    assert_eq!(c["summary"]["varying"], 5);
    let in_all: Vec<_> = all.iter().filter(|(p, _)| p["status"] == "variant").collect();
    assert_eq!(in_all.len(), 5);
    // Sentences only some have: the title, dateline, byline and source lines.
    for p in c["positions"].as_array().unwrap().iter().filter(|p| p["status"] == "partial") {
        let t = anchor_text(p);
        assert!(
            ["在第二届世界互联网大会", "习近平", "2015年12月16日", "来源：新华网"].iter().any(|m| t.contains(m)),
            "unexpected partial position {t:?}"
        );
    }
    assert_no_noise_variants(&c);

    // The similarity matrix is symmetric, 100 on the diagonal.
    let m = &c["summary"]["similarity"];
    for i in 0..3 {
        assert_eq!(m[i][i], 100.0);
        for j in 0..3 {
            assert_eq!(m[i][j], m[j][i]);
            if i != j {
                assert!(m[i][j].as_f64().unwrap() > 95.0);
            }
        }
    }
}

#[test]
fn chinese_seeds_export_as_tei_parallel_segmentation() {
    let mut args = vec!["--lang", "zh", "--format", "tei"];
    args.extend(ZH);
    let xml = collate(&args, 1);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "TEI");
    assert_eq!(root.tag_name().namespace(), Some(TEI_NS));
    let el = |name: &'static str| doc.descendants().filter(move |n| n.is_element() && n.tag_name().name() == name);

    let wits: Vec<(String, String)> = el("witness")
        .map(|w| {
            let id = w.attribute(("http://www.w3.org/XML/1998/namespace", "id")).unwrap_or_default();
            (id.to_string(), w.text().unwrap_or_default().to_string())
        })
        .collect();
    assert_eq!(wits, [("A", ZH[0]), ("B", ZH[1]), ("C", ZH[2])].map(|(a, b)| (a.to_string(), b.to_string())));
    assert!(el("listWit").next().unwrap().ancestors().any(|a| a.tag_name().name() == "sourceDesc"));
    let ve = el("variantEncoding").next().expect("variantEncoding");
    assert_eq!(ve.attribute("method"), Some("parallel-segmentation"));
    assert_eq!(ve.attribute("location"), Some("internal"));
    assert!(el("titleStmt").next().is_some() && el("publicationStmt").next().is_some());

    // Every app's readings, as (wit, text).
    let apps: Vec<Vec<(String, String)>> = el("app")
        .map(|app| {
            app.children()
                .filter(|r| r.is_element())
                .map(|r| {
                    assert_eq!(r.tag_name().name(), "rdg");
                    (r.attribute("wit").unwrap_or_default().to_string(), r.text().unwrap_or_default().to_string())
                })
                .collect()
        })
        .collect();
    let hua = apps
        .iter()
        .filter(|a| {
            a.len() == 2 && a[0].0 == "#A #C" && a[0].1.ends_with('华') && a[1].0 == "#B" && a[1].1.ends_with("中国")
        })
        .count();
    assert_eq!(hua, 2, "在华/在中国 twice: {apps:?}");
    assert!(apps.contains(&vec![("#A #C".into(), String::new()), ("#B".into(), "传统".into())]));
    assert!(apps.contains(&vec![("#A #C".into(), "的".into()), ("#B".into(), String::new())]));
    assert!(apps.contains(&vec![("#A #B".into(), "!".into()), ("#C".into(), String::new())]));
    // A sentence only 001 has: its reading, and an empty one for the others.
    assert!(apps.contains(&vec![("#B".into(), "(来源：新华网)".into()), ("#A #C".into(), String::new())]));
    // Shared text is plain text in the body.
    let body = el("body").next().unwrap();
    let text: String = body.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    assert!(text.contains("中国愿通过互联网架设国际交流桥梁"));
}

#[test]
fn terminal_table_groups_readings() {
    let mut args = vec!["--lang", "zh", "--color", "never"];
    args.extend(ZH);
    let out = collate(&args, 1);
    assert!(!out.contains('\u{1b}'), "no escape codes with --color never");
    for line in ["华 A C │ 中国 B", "om. A C │ 传统 B", "的 A C │ om. B", "! A B │ om. C"] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    assert!(out.contains("在[") && out.contains("Summary:"));

    args[3] = "always";
    let coloured = collate(&args, 1);
    assert!(coloured.contains('\u{1b}'), "colour with --color always");
    // auto: not a terminal, and NO_COLOR set: plain either way.
    let out = tvdiff().env("NO_COLOR", "1").arg("collate").args(["--lang", "zh"]).args(ZH).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn sigla_and_base_can_be_chosen() {
    // 001 as base; 000 and 003 named A and C; 001 gets the first free siglum.
    let c = json(&[
        "--lang",
        "zh",
        "--base",
        ZH[1],
        "--name",
        &format!("A={}", ZH[0]),
        ZH[1],
        "--name",
        &format!("C={}", ZH[2]),
    ]);
    let wits: Vec<(&str, &str)> = c["witnesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["siglum"].as_str().unwrap(), w["path"].as_str().unwrap()))
        .collect();
    assert_eq!(wits, [("A", ZH[0]), ("B", ZH[1]), ("C", ZH[2])]);
    assert_eq!(c["base"], "B");
    // Readings are now measured against 001: its 中国 comes first.
    let hua: Vec<_> = vps(&c)
        .into_iter()
        .filter(|(_, vp)| readings(vp) == [("中国".into(), sigla(&["B"])), ("华".into(), sigla(&["A", "C"]))])
        .collect();
    assert_eq!(hua.len(), 2);

    // Custom sigla, base by siglum.
    let c = json(&[
        "--lang",
        "zh",
        "--name",
        &format!("Blog={}", ZH[0]),
        "--name",
        &format!("Xinhua={}", ZH[1]),
        "--base",
        "Xinhua",
    ]);
    assert_eq!(c["base"], "Xinhua");
    assert_eq!(c["summary"]["sigla"], serde_json::json!(["Blog", "Xinhua"]));
}

#[test]
fn bad_arguments_exit_2_with_one_line() {
    let cases: [(&[&str], &str); 6] = [
        (&[ZH[0], "samples/no-such-file.txt"], "samples/no-such-file.txt"),
        (&["--name", "A", ZH[0], ZH[1]], "--name"),
        (&["--name", "A=", ZH[0], ZH[1]], "--name"),
        (&["--name", &format!("A={}", ZH[0]), "--name", &format!("A={}", ZH[1])], "A"),
        (&["--base", "samples/seed-002-summary-en.txt", ZH[0], ZH[1]], "--base"),
        (&[ZH[0]], "at least two"),
    ];
    for (args, needle) in cases {
        let out = tvdiff().arg("collate").args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: one line, got {err:?}");
        assert!(err.contains(needle), "{args:?}: {err:?} should name {needle}");
        assert!(out.stdout.is_empty());
    }
    let dup = tvdiff()
        .arg("collate")
        .args(["--name", &format!("A={}", ZH[0]), "--name", &format!("A={}", ZH[1])])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already used"));
}

#[test]
fn identical_versions_exit_0() {
    let out = collate(&["samples/en-wrapped-72.txt", "samples/en-wrapped-50.txt", "--color", "never"], 0);
    assert!(out.contains("0 variation points"), "{out}");
}

#[test]
fn english_versions_collate() {
    let c = json(&[
        "--lang",
        "en",
        "samples/seed-003-bilingual-zh-en.txt",
        "samples/seed-004-liveblog-en.txt",
        "samples/seed-000-blog-en-zh.txt",
    ]);
    let step = vps(&c)
        .into_iter()
        .filter(|(_, vp)| {
            let r = readings(vp);
            r.iter().any(|(k, w)| k.contains("step up communication") && w.contains(&"A".to_string()))
                && r.iter().any(|(k, w)| k.contains("start up communications") && w == &sigla(&["B"]))
        })
        .count();
    assert_eq!(step, 1, "step up communication / start up communications");
    // 000's English is another translation: it has sentences of its own.
    assert!(c["witnesses"][2]["absent"].as_u64().unwrap() > 10);
    assert_no_noise_variants(&c);
    // 003 vs 004 are closer than either is to 000.
    let m = &c["summary"]["similarity"];
    assert!(m[0][1].as_f64() > m[1][2].as_f64());
}

#[test]
fn sanzijing_editions_collate() {
    let c = json(&["samples/sanzijing_traditional_qing.txt", "samples/sanzijing_new_edition.txt"]);
    // 絲與竹 → 與絲竹.
    let sizhu: Vec<_> = vps(&c)
        .into_iter()
        .filter(|(p, _)| anchor_text(p).contains("絲與竹"))
        .map(|(p, vp)| (p, readings(vp)))
        .collect();
    assert_eq!(sizhu.len(), 1);
    let (p, r) = &sizhu[0];
    assert_eq!(r.len(), 2);
    assert!(r[0].0.contains("絲與") && r[0].1 == sigla(&["A"]), "{r:?}");
    assert!(r[1].0.contains("與絲") && r[1].1 == sigla(&["B"]), "{r:?}");
    assert!(p["witnesses"][1]["span"]["text"].as_str().unwrap().contains("與絲竹"));
    // Inserted stanzas are sentences only B has.
    let only_b: Vec<String> = c["positions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["absent"] == serde_json::json!(["A"]))
        .map(anchor_text)
        .collect();
    assert!(only_b.len() >= 20, "{} stanzas only in B", only_b.len());
    assert!(only_b.iter().any(|t| t.contains("稱行省，三十五")));
    assert!(only_b.iter().all(|t| !t.is_empty()));
}

#[test]
fn outputs_are_deterministic_and_html_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["json", "tei", "html", "terminal"] {
        let mut outs = Vec::new();
        for run in 0..2 {
            let path = dir.path().join(format!("{format}-{run}"));
            let mut args = vec!["--lang", "zh", "--format", format, "-o", path.to_str().unwrap()];
            args.extend(ZH);
            collate(&args, 1);
            outs.push(std::fs::read(&path).unwrap());
        }
        assert_eq!(outs[0], outs[1], "{format} output differs between runs");
    }
    let html = std::fs::read_to_string(dir.path().join("html-0")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("http://") && !html.contains("https://"), "no network references");
    assert!(html.contains("prefers-color-scheme"));
    assert!(html.contains("传统") && html.contains("id=\"v1\""));
}

#[test]
fn markup_in_input_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, "He said <b>\"hi\"</b> & left.\nThe end \u{1} is near.\n").unwrap();
    std::fs::write(&b, "He said <i>'hi'</i> & left.\nThe end is <near>.\n").unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let tei = collate(&["--format", "tei", a, b], 1);
    let doc = roxmltree::Document::parse(&tei).expect("well-formed TEI from hostile input");
    assert!(doc.descendants().any(|n| n.tag_name().name() == "app"));
    let html = collate(&["--format", "html", a, b], 1);
    assert!(!html.contains("<b>") && !html.contains("<near>") && !html.contains("<i>'"));
    assert!(html.contains("&lt;") && html.contains("&gt;") && html.contains("&amp; left"));
}
