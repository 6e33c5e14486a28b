//! Captions and recogniser transcripts (issue 11), driven through the real
//! binary: caption copies of a text report only the edits hidden in them,
//! each at the time of its cue; a recogniser's unpunctuated transcript is
//! recognised; filler words can be ignored; the differences can be written
//! as captions that read back; every report carries an error rate.
//!
//! The material is in `samples/captions/`: SRT copies (captions typed by a
//! person: punctuation kept) and WebVTT copies (automatic captions: no
//! punctuation, lower case) of `samples/reseg/hlm-ch3.txt` (红楼梦) and
//! `samples/reseg/wp-book1-ch1.txt` (*War and Peace*), made by
//! `examples/make_variant.rs --reseg srt|vtt` (commands in
//! `samples/README.md`) with the truth of every edit: its words and the
//! time span of the cue(s) holding it.

mod common;

use common::tvdiff;
use serde_json::Value;

const BOOKS: [(&str, &str); 2] = [("hlm-ch3", "zh"), ("wp-book1-ch1", "en")];
const KINDS: [&str; 2] = ["srt", "vtt"];

fn original(book: &str) -> String {
    format!("samples/reseg/{book}.txt")
}

fn copy(book: &str, kind: &str, what: &str) -> String {
    format!("samples/captions/{book}.{kind}.{what}.{kind}")
}

fn truth(book: &str, kind: &str, what: &str) -> Value {
    let path = common::repo().join(format!("samples/captions/{book}.{kind}.{what}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("truth file")).expect("truth JSON")
}

/// `--ignore-punctuation`, and `-i` for English automatic captions (lower case).
fn flags(lang: &str, kind: &str) -> Vec<&'static str> {
    let mut f = vec!["--ignore-punctuation"];
    if lang == "en" && kind == "vtt" {
        f.push("-i");
    }
    f
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = tvdiff().args(args).output().expect("tvdiff runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `tvdiff -f json ARGS`: exit status and report.
fn json(args: &[&str]) -> (i32, Value) {
    let r = run(&[&["-f", "json"], args].concat());
    let v = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}; stderr {}", r.stderr));
    (r.code, v)
}

#[test]
fn noise_only_caption_copies_report_nothing() {
    for (book, lang) in BOOKS {
        for kind in KINDS {
            let c = copy(book, kind, "noise");
            let (code, r) = json(&[&flags(lang, kind)[..], &[&original(book), &c]].concat());
            assert_eq!(r["changes"].as_array().map(Vec::len), Some(0), "{c}: {}", r["summary"]);
            assert_eq!(code, 0, "{c}");
            assert_eq!(r["summary"]["error_rate"]["rate"], 0.0, "{c}");
        }
    }
    // The fixtures of samples/formats (cues of 14-24 characters / 6-11
    // words, cut anywhere, one or two lines, tags, voices, CRLF, a BOM).
    for file in ["blog-zh.srt", "blog-zh.vtt"] {
        let (code, r) = json(&[
            "--lang",
            "zh",
            "--ignore-punctuation",
            "samples/seed-000-blog-en-zh.txt",
            &format!("samples/formats/{file}"),
        ]);
        assert_eq!((code, r["changes"].as_array().map(Vec::len)), (0, Some(0)), "{file}");
    }
    for file in ["speech-en.srt", "speech-en.vtt"] {
        let (code, r) =
            json(&["-i", "--ignore-punctuation", "samples/en-wrapped-72.txt", &format!("samples/formats/{file}")]);
        assert_eq!((code, r["changes"].as_array().map(Vec::len)), (0, Some(0)), "{file}");
    }
}

#[test]
fn captions_typed_with_punctuation_need_no_option() {
    for (book, _) in BOOKS {
        let c = copy(book, "srt", "noise");
        let (code, r) = json(&[&original(book), &c]);
        assert_eq!((code, r["changes"].as_array().map(Vec::len)), (0, Some(0)), "{c}");
        assert_eq!(r["new"]["unpunctuated"], false);
        assert_eq!(r["options"]["auto_ignore_punctuation"], false);
    }
}

/// What the truth says an edit is, and what the report says at that place.
struct Score {
    recall: f64,
    precision: f64,
    /// Found edits reported as exactly their own words.
    exact: f64,
    /// Found edits whose change's new side is timed over the truth's cue(s).
    time_contains: f64,
    /// … with exactly the truth's cue span.
    time_equal: f64,
}

/// Score a report against the truth by the OLD side (the plain text, whose
/// offsets the truth knows): every edit of a modified change and every
/// other change is a reported item; a truth edit is found by an edit at its
/// place with its words (or its words once the common ends are set aside).
fn score(report: &Value, truth: &Value) -> Score {
    struct Item {
        edit: bool,
        old: String,
        new: String,
        at: (i64, i64),
        time: Option<(f64, f64)>,
    }
    let mut items = Vec::new();
    for c in report["changes"].as_array().expect("changes") {
        let time = c["new"]["time"].as_object().map(|t| (t["start"].as_f64().unwrap(), t["end"].as_f64().unwrap()));
        if c["kind"] == "modified" {
            for e in c["edits"].as_array().expect("edits") {
                let at = &e["old_at"];
                items.push(Item {
                    edit: true,
                    old: e["old"].as_str().unwrap_or("").to_string(),
                    new: e["new"].as_str().unwrap_or("").to_string(),
                    at: (at["start"].as_i64().unwrap(), at["end"].as_i64().unwrap()),
                    time,
                });
            }
        } else {
            items.push(Item { edit: false, old: String::new(), new: String::new(), at: (-10, -10), time: None });
        }
    }
    let core = |o: &str, n: &str| -> (String, String) {
        let (o, n): (Vec<char>, Vec<char>) = (o.chars().collect(), n.chars().collect());
        let p = o.iter().zip(&n).take_while(|(a, b)| a == b).count();
        let s = o[p..].iter().rev().zip(n[p..].iter().rev()).take_while(|(a, b)| a == b).count();
        let t = |v: &[char]| v.iter().collect::<String>().trim().to_string();
        (t(&o[p..o.len() - s]), t(&n[p..n.len() - s]))
    };
    let edits = truth["edits"].as_array().expect("truth edits");
    let (mut found, mut exact, mut contains, mut equal) = (0usize, 0usize, 0usize, 0usize);
    let mut matched = std::collections::BTreeSet::new();
    for t in edits {
        let (t_old, t_new) = (t["old"].as_str().unwrap().trim(), t["new"].as_str().unwrap().trim());
        let (ts, te) = (t["old_offset"].as_i64().unwrap(), t["old_end"].as_i64().unwrap());
        let mut best: Option<(bool, usize)> = None;
        for (k, it) in items.iter().enumerate() {
            if !(it.edit && it.at.0 <= te + 1 && ts <= it.at.1 + 1) {
                continue;
            }
            if (it.old.trim(), it.new.trim()) == (t_old, t_new) {
                best = Some((true, k));
                break;
            }
            if core(&it.old, &it.new) == (t_old.to_string(), t_new.to_string()) {
                best = Some((false, k));
            }
        }
        let Some((is_exact, k)) = best else { continue };
        found += 1;
        exact += usize::from(is_exact);
        matched.insert(k);
        let want = (t["time"]["start"].as_f64().unwrap(), t["time"]["end"].as_f64().unwrap());
        if let Some(got) = items[k].time {
            contains += usize::from(got.0 <= want.0 + 1e-6 && got.1 >= want.1 - 1e-6);
            equal += usize::from((got.0 - want.0).abs() < 1e-6 && (got.1 - want.1).abs() < 1e-6);
        }
    }
    let share = |n: usize| if found == 0 { 0.0 } else { n as f64 / found as f64 };
    Score {
        recall: found as f64 / edits.len() as f64,
        precision: if items.is_empty() { 1.0 } else { matched.len() as f64 / items.len() as f64 },
        exact: share(exact),
        time_contains: share(contains),
        time_equal: share(equal),
    }
}

#[test]
fn edits_hidden_in_captions_are_found_at_the_time_of_their_cue() {
    for (book, lang) in BOOKS {
        for kind in KINDS {
            let c = copy(book, kind, "edits");
            let (code, r) = json(&[&flags(lang, kind)[..], &[&original(book), &c]].concat());
            assert_eq!(code, 1);
            let s = score(&r, &truth(book, kind, "edits"));
            eprintln!(
                "{c}: recall {:.3}, precision {:.3}, exact {:.3}, time over the cue {:.3}, time of the cue exactly {:.3}",
                s.recall, s.precision, s.exact, s.time_contains, s.time_equal
            );
            assert!(s.recall >= 0.95 && s.precision >= 0.95, "{c}: recall {} precision {}", s.recall, s.precision);
            assert!(s.exact >= 0.9, "{c}: only {} of found edits reported as their own words", s.exact);
            assert!(s.time_contains >= 0.9, "{c}: only {} of found edits carry their cue's time", s.time_contains);
            // Two edits in one sentence share its change's span; otherwise
            // the span is the cue's own.
            assert!(s.time_equal >= 0.85, "{c}: only {} of found edits carry exactly their cue's span", s.time_equal);
        }
    }
}

#[test]
fn automatic_captions_are_recognised_as_a_recogniser_transcript() {
    // No --ignore-punctuation: the unpunctuated copy turns it on.
    let c = copy("hlm-ch3", "vtt", "noise");
    let (code, r) = json(&[&original("hlm-ch3"), &c]);
    assert_eq!((code, r["changes"].as_array().map(Vec::len)), (0, Some(0)), "{}", r["summary"]);
    assert_eq!((r["old"]["unpunctuated"].as_bool(), r["new"]["unpunctuated"].as_bool()), (Some(false), Some(true)));
    assert_eq!(r["options"]["auto_ignore_punctuation"], true);
    assert_eq!(r["options"]["normalize"]["ignore_punctuation"], true);
    let t = run(&["--color", "never", &original("hlm-ch3"), &c]);
    assert!(t.stdout.contains("(378 sentences) → samples/captions/hlm-ch3.vtt.noise.vtt"), "{}", t.stdout);
    assert!(t.stdout.contains("no punctuation: a recogniser transcript?)"), "{}", t.stdout);
    assert!(t.stdout.contains("--keep-punctuation"), "{}", t.stdout);
    // Asked to keep it, every missing mark is a change again.
    let (code, r) = json(&["--keep-punctuation", &original("hlm-ch3"), &c]);
    assert_eq!(code, 1);
    assert_eq!(r["options"]["auto_ignore_punctuation"], false);
    assert_eq!(r["options"]["normalize"]["ignore_punctuation"], false);
    let changes = r["changes"].as_array().expect("changes");
    let punct = changes.iter().filter(|c| c["class"] == "punctuation").count();
    assert!(changes.len() > 100 && punct * 10 >= changes.len() * 9, "{punct} of {}", changes.len());
    assert!(changes.iter().all(|c| c["kind"] == "modified"));
    // A punctuated copy is not a recogniser's.
    let (_, r) = json(&[&original("hlm-ch3"), &copy("hlm-ch3", "srt", "noise")]);
    assert_eq!(r["new"]["unpunctuated"], false);
}

#[test]
fn filler_words_are_ignored_when_asked() {
    for (book, lang) in BOOKS {
        for kind in KINDS {
            let c = copy(book, kind, "fillers");
            let inserted = truth(book, kind, "fillers")["noise"]["fillers_inserted"].as_u64().expect("fillers");
            assert!(inserted > 50, "{c}: {inserted} fillers");
            let (code, r) = json(&[&flags(lang, kind)[..], &["--ignore-fillers", &original(book), &c]].concat());
            assert_eq!((code, r["changes"].as_array().map(Vec::len)), (0, Some(0)), "{c}: {}", r["summary"]);
            let absorbed = r["summary"]["absorbed"]["filler"].as_u64().expect("fillers absorbed");
            assert!(absorbed > 0 && absorbed <= inserted, "{c}: {absorbed} of {inserted}");
            assert_eq!(r["summary"]["error_rate"]["rate"], 0.0, "{c}: fillers do not count");
            assert_eq!(r["options"]["ignore_fillers"], true);
            // Without the option they are changes.
            let (code, r) = json(&[&flags(lang, kind)[..], &[&original(book), &c]].concat());
            assert_eq!(code, 1);
            assert!(r["changes"].as_array().expect("changes").len() > 20, "{c}");
        }
    }
    // Only what differs by fillers alone goes: 这个 → 那个 is a change.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(&a, "我们要看这个问题。我们要走。\nWe will go now.\n").unwrap();
    std::fs::write(&b, "嗯，我们要看那个问题。我们呃要走。\nUm, we will, uh, go now.\n").unwrap();
    let (_, r) = json(&["--ignore-fillers", a.to_str().unwrap(), b.to_str().unwrap()]);
    let edits: Vec<(String, String)> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["edits"].as_array().unwrap().iter())
        .map(|e| (e["old"].as_str().unwrap().to_string(), e["new"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(edits, [("这".to_string(), "那".to_string())], "{}", r["summary"]);
}

/// The cues of a caption file as tvdiff's reader sees them: (start, end,
/// text).
fn read_back(name: &str, bytes: &[u8]) -> Vec<(f64, f64, String)> {
    let e = tvdiff::input::format::extract(name, bytes, &Default::default())
        .unwrap_or_else(|e| panic!("{name} does not read back: {e}"));
    e.origin.cues.iter().map(|c| (c.start, c.end, e.text[c.text.clone()].to_string())).collect()
}

#[test]
fn differences_written_as_captions_read_back() {
    for (book, lang) in BOOKS {
        for kind in KINDS {
            let c = copy(book, kind, "edits");
            let (_, report) = json(&[&flags(lang, kind)[..], &[&original(book), &c]].concat());
            let changes = report["changes"].as_array().expect("changes");
            for out in KINDS {
                let r = run(&[&flags(lang, kind)[..], &["-f", out, &original(book), &c]].concat());
                assert_eq!(r.code, 1, "{}", r.stderr);
                assert!(r.stderr.is_empty(), "every change has a time: {}", r.stderr);
                let cues = read_back(&format!("diff.{out}"), r.stdout.as_bytes());
                assert!(!cues.is_empty() && cues.len() <= changes.len(), "{c} as {out}: {} cues", cues.len());
                for w in cues.windows(2) {
                    assert!(w[0].0 < w[1].0 && w[0].1 <= w[1].0 + 1e-9, "{c} as {out}: cues overlap: {w:?}");
                }
                // Each found edit is on screen at its change's time.
                for ch in changes {
                    let t = ch["new"]["time"]["start"].as_f64().expect("timed");
                    let e = &ch["edits"][0];
                    let (o, n) = (e["old"].as_str().unwrap_or(""), e["new"].as_str().unwrap_or(""));
                    let shown =
                        cues.iter().find(|q| q.0 <= t + 1e-3 && t < q.1 + 1e-3).map(|q| q.2.as_str()).unwrap_or("");
                    let want = match (o.trim(), n.trim()) {
                        ("", n) => format!("[+{n}]"),
                        (o, "") => format!("[-{o}]"),
                        (o, n) => format!("[{o}→{n}]"),
                    };
                    assert!(shown.contains(&want), "{c} as {out}: {want} not on screen at {t}: {shown:?}");
                }
                assert_eq!(r.stdout.starts_with("WEBVTT\n"), out == "vtt");
            }
        }
    }
}

#[test]
fn captions_output_escapes_and_places_what_has_no_time() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, srt) = (dir.path().join("t.txt"), dir.path().join("c.srt"));
    std::fs::write(&txt, "We say a < b & c d here.\nThis sentence was never said.\nThe end is near.\n").unwrap();
    std::fs::write(
        &srt,
        "1\n00:00:01,000 --> 00:00:03,000\nWe say a < b & c e here.\n\n2\n00:00:03,000 --> 00:00:04,000\nThe end is near.\n",
    )
    .unwrap();
    let (t, s) = (txt.to_str().unwrap(), srt.to_str().unwrap());
    let vtt = run(&["-f", "vtt", t, s]).stdout;
    assert!(vtt.contains("\n…&lt; b &amp; c [d→e] here.\n"), "{vtt}");
    let cues = read_back("d.vtt", vtt.as_bytes());
    assert_eq!(cues.len(), 2, "{vtt}");
    assert_eq!(cues[0].2, "…< b & c [d→e] here.");
    // The removed sentence has no time of its own: it is placed after the
    // cue before it.
    assert_eq!((cues[1].0, cues[1].2.as_str()), (3.0, "− This sentence was never said."));
    let srt_out = run(&["-f", "srt", t, s]).stdout;
    assert!(srt_out.starts_with("1\n00:00:01,000 --> 00:00:03,000\n…‹ b & c [d→e] here.\n\n2\n"), "{srt_out}");
    assert_eq!(read_back("d.srt", srt_out.as_bytes())[0].2, "…‹ b & c [d→e] here.");
    // Same texts: no cue at all.
    let r = run(&["-f", "srt", t, t]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    // Neither version captions: nothing can be placed, and stderr says so.
    std::fs::write(dir.path().join("u.txt"), "We say a < b & c e here.\n").unwrap();
    let r = run(&["-f", "vtt", t, dir.path().join("u.txt").to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("3 of 3 changes have no time"), "{}", r.stderr);
    assert!(r.stdout.contains("left out: 0, 1, 2.") && !r.stdout.contains("-->"), "{}", r.stdout);
}

#[test]
fn error_rates_of_small_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let pair = |old: &str, new: &str, args: &[&str]| -> Value {
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        std::fs::write(&a, old).unwrap();
        std::fs::write(&b, new).unwrap();
        let (_, r) = json(&[args, &[a.to_str().unwrap(), b.to_str().unwrap()]].concat());
        r["summary"]["error_rate"].clone()
    };
    // (unit, [H, S, D, I], rate to 12 places)
    let counts = |e: &Value| {
        (
            e["unit"].as_str().unwrap().to_string(),
            ["hits", "substitutions", "deletions", "insertions"].map(|k| e[k].as_u64().unwrap()),
            (e["rate"].as_f64().unwrap() * 1e12).round() as u64,
        )
    };
    let r = |x: f64| (x * 1e12).round() as u64;
    // "the cat sat on the mat" → "the cat sit on mat": sat→sit (S), the (D):
    // 2 errors in 6 words.
    let e = pair("The cat sat on the mat.", "the cat sit on mat", &["-i"]);
    assert_eq!(counts(&e), ("word".into(), [4, 1, 1, 0], r(2.0 / 6.0)));
    assert_eq!(e["reference"], "old");
    assert_eq!(e["exact"], true);
    // Case is an error unless folded.
    let e = pair("The cat sat.", "the cat sat.", &[]);
    assert_eq!(counts(&e), ("word".into(), [2, 1, 0, 0], r(1.0 / 3.0)));
    // Chinese: characters. 在华投资 → 在中国投资: 华→中 (S), 国 (I); punctuation never counts.
    let e = pair("为各国企业在华投资兴业。", "为各国企业在中国投资兴业", &[]);
    assert_eq!(counts(&e), ("char".into(), [10, 1, 0, 1], r(2.0 / 11.0)));
    // A sentence replaced by a longer one: 你好 → 谢谢大家 is 2 S and 2 I.
    let e = pair("我们走吧。你好。", "我们走吧。谢谢大家。", &[]);
    assert_eq!(counts(&e), ("char".into(), [4, 2, 0, 2], r(4.0 / 6.0)));
    // A sentence dropped.
    let e = pair("我们走吧。你好。", "我们走吧。", &[]);
    assert_eq!(counts(&e), ("char".into(), [4, 0, 2, 0], r(2.0 / 6.0)));
    // The terminal and the batch summary show it.
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    std::fs::write(&a, "The cat sat on the mat.\n").unwrap();
    std::fs::write(&b, "the cat sit on mat\n").unwrap();
    let t = run(&["--color", "never", "-i", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(t.stdout.contains("\nError rate: WER 33.33% (S 1, D 1, I 0 of 6 words)\nIgnored:"), "{}", t.stdout);
    let (old_dir, new_dir) = (dir.path().join("old"), dir.path().join("new"));
    std::fs::create_dir_all(&old_dir).unwrap();
    std::fs::create_dir_all(&new_dir).unwrap();
    std::fs::copy(&a, old_dir.join("x.txt")).unwrap();
    std::fs::copy(&b, new_dir.join("x.txt")).unwrap();
    let csv = dir.path().join("s.csv");
    let out =
        run(&["batch", "-i", "--summary", csv.to_str().unwrap(), old_dir.to_str().unwrap(), new_dir.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let csv = std::fs::read_to_string(csv).unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",error_unit,error_rate"), "{csv}");
    assert!(lines.next().unwrap().ends_with(",word,0.3333333333333333"), "{csv}");
}

/// The console examples about captions in the README and in
/// docs/captions.md are exactly what the binary prints.
#[test]
fn the_caption_examples_in_the_docs_are_what_the_binary_prints() {
    let mut checked = 0;
    for doc in ["README.md", "docs/captions.md"] {
        let text = common::read_text(doc);
        for block in text.split("```console\n").skip(1) {
            let block = block.split("\n```").next().unwrap();
            let (command, expected) = block.split_once('\n').unwrap();
            let args: Vec<&str> = command.strip_prefix("$ tvdiff ").expect("a tvdiff command").split(' ').collect();
            if !args.iter().any(|a| a.ends_with(".srt") || a.ends_with(".vtt")) {
                continue;
            }
            let r = run(&args);
            assert!(r.code == 0 || r.code == 1, "{doc}: {command}: {}", r.stderr);
            assert_eq!(r.stdout.trim_end(), expected.trim_end(), "{doc}: `{command}` prints something else");
            checked += 1;
        }
    }
    assert_eq!(checked, 2);
}
