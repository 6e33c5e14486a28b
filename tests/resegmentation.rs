//! Versions that cut the same words into sentences differently: terminators
//! swapped or dropped, lines without a full stop, a speech recogniser's
//! transcript with no punctuation and no paragraphs. Sentence boundaries
//! must never decide what is a change.
//!
//! The material is in `samples/reseg/`: 30 KB of 红楼梦 and 50 KB of *War
//! and Peace*, and copies made from them by `examples/make_variant.rs`
//! (commands in `samples/README.md`), each with the ground truth of the
//! edits hidden in it. The tests drive the real binary and score its JSON
//! as `bench/score.py` does.

mod common;

use common::tvdiff;
use serde_json::Value;

const BOOKS: [(&str, &str); 2] = [("hlm-ch3", "zh"), ("wp-book1-ch1", "en")];
const MODES: [&str; 2] = ["terminators", "asr"];

fn path(name: &str) -> String {
    format!("samples/reseg/{name}")
}

/// `--ignore-punctuation`, and `-i` for a lower-cased English transcript.
fn flags(lang: &str, mode: &str) -> Vec<&'static str> {
    let mut f = vec!["--ignore-punctuation"];
    if lang == "en" && mode == "asr" {
        f.push("-i");
    }
    f
}

/// Run `tvdiff -f json FLAGS OLD NEW`: (exit status, report).
fn run(flags: &[&str], old: &str, new: &str) -> (i32, Value) {
    let out = tvdiff()
        .current_dir(common::repo())
        .args(["-f", "json"])
        .args(flags)
        .args([old, new])
        .output()
        .expect("tvdiff runs");
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{old} {new}: {e}; stderr {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

fn truth(name: &str) -> Value {
    let text = std::fs::read_to_string(common::repo().join(path(name))).expect("truth file");
    serde_json::from_str(&text).expect("truth JSON")
}

#[test]
fn noise_only_copies_cut_differently_report_nothing() {
    for (book, lang) in BOOKS {
        for mode in MODES {
            let copy = path(&format!("{book}.{mode}.noise.txt"));
            let (code, r) = run(&flags(lang, mode), &path(&format!("{book}.txt")), &copy);
            assert_eq!(r["changes"].as_array().map(Vec::len), Some(0), "{copy}: {}", r["summary"]);
            assert_eq!(code, 0, "{copy}");
        }
    }
}

#[test]
fn repunctuated_copies_report_punctuation_edits_only() {
    for (book, _) in BOOKS {
        let copy = path(&format!("{book}.terminators.noise.txt"));
        let (code, r) = run(&[], &path(&format!("{book}.txt")), &copy);
        assert_eq!(code, 1);
        let changes = r["changes"].as_array().expect("changes");
        assert!(changes.len() > 20, "{copy}: the copy was re-punctuated");
        for c in changes {
            assert_eq!(c["kind"], "modified", "{copy}: never a sentence added or removed: {c}");
            assert_eq!(c["class"], "punctuation", "{copy}: {c}");
        }
        let s = &r["summary"];
        assert_eq!((s["added"].as_u64(), s["removed"].as_u64()), (Some(0), Some(0)));
    }
}

/// Recall, precision and the share of found edits reported exactly, as
/// `bench/score.py` computes them.
struct Score {
    recall: f64,
    precision: f64,
    exact: f64,
}

fn score(report: &Value, truth: &Value) -> Score {
    // Reported items: every edit of a modified change, every other change.
    let mut items: Vec<(bool, String, String, i64, i64)> = Vec::new();
    for c in report["changes"].as_array().expect("changes") {
        if c["kind"] == "modified" {
            for e in c["edits"].as_array().expect("edits") {
                let at = &e["new_at"];
                items.push((
                    true,
                    e["old"].as_str().unwrap_or("").to_string(),
                    e["new"].as_str().unwrap_or("").to_string(),
                    at["start"].as_i64().unwrap_or(-10),
                    at["end"].as_i64().unwrap_or(-10),
                ));
            }
        } else {
            let (s, e) = match c["new"].as_object() {
                Some(n) => (n["start"].as_i64().unwrap_or(-10), n["end"].as_i64().unwrap_or(-10)),
                None => (-10, -10),
            };
            items.push((false, String::new(), String::new(), s, e));
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
    let (mut found, mut exact) = (0usize, 0usize);
    let mut matched = std::collections::BTreeSet::new();
    for t in edits {
        let (t_old, t_new) = (t["old"].as_str().unwrap().trim(), t["new"].as_str().unwrap().trim());
        let (ts, te) = (t["offset"].as_i64().unwrap(), t["end"].as_i64().unwrap());
        let mut best: Option<(bool, usize)> = None;
        for (k, (is_edit, old, new, s, e)) in items.iter().enumerate() {
            if !(*is_edit && *s <= te + 1 && ts <= *e + 1) {
                continue;
            }
            if (old.trim(), new.trim()) == (t_old, t_new) {
                best = Some((true, k));
                break;
            }
            if core(old, new) == (t_old.to_string(), t_new.to_string()) {
                best = Some((false, k));
            }
        }
        if let Some((is_exact, k)) = best {
            found += 1;
            exact += usize::from(is_exact);
            matched.insert(k);
        }
    }
    Score {
        recall: found as f64 / edits.len() as f64,
        precision: if items.is_empty() { 1.0 } else { matched.len() as f64 / items.len() as f64 },
        exact: if found == 0 { 0.0 } else { exact as f64 / found as f64 },
    }
}

#[test]
fn edits_hidden_in_copies_cut_differently_are_found() {
    for (book, lang) in BOOKS {
        for mode in MODES {
            let name = format!("{book}.{mode}.edits");
            let (code, r) = run(&flags(lang, mode), &path(&format!("{book}.txt")), &path(&format!("{name}.txt")));
            assert_eq!(code, 1);
            let s = score(&r, &truth(&format!("{name}.json")));
            eprintln!("{name}: recall {:.3}, precision {:.3}, exact {:.3}", s.recall, s.precision, s.exact);
            assert!(s.recall >= 0.95 && s.precision >= 0.95, "{name}: recall {} precision {}", s.recall, s.precision);
            assert!(s.exact >= 0.9, "{name}: only {} of found edits reported as their own words", s.exact);
        }
    }
}
