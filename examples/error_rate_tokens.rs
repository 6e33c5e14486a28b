//! The token sequences tvdiff scores its error rate on, with the counts it
//! reports, as JSON: for `bench/error_rate.py`, which runs jiwer on the
//! same sequences and compares.
//!
//! ```text
//! cargo run --release --example error_rate_tokens -- [-i] [--ignore-punctuation] [--ignore-fillers] [--fold-chinese] [--lang zh|en] OLD NEW
//! ```
//!
//! Prints `{"unit", "reference": [tokens of OLD], "hypothesis": [tokens of
//! NEW], "tvdiff": summary.error_rate, "seconds": time of the comparison}`.

use tvdiff::input::{LineFilter, Source};
use tvdiff::internals::{scored_tokens, segment};
use tvdiff::Options;

fn main() {
    let mut opts = Options { rows: false, ..Options::default() };
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-i" | "--ignore-case" => opts.normalize.ignore_case = true,
            "--ignore-punctuation" => opts.normalize.ignore_punctuation = true,
            "--ignore-fillers" => opts.ignore_fillers = true,
            "--keep-punctuation" => opts.keep_punctuation = true,
            "--fold-chinese" => opts.normalize.fold_chinese = true,
            "--lang" => opts.lang = args.next().and_then(|l| l.parse().ok()).expect("--lang zh|en|all"),
            _ => files.push(a),
        }
    }
    let [old, new] = files.as_slice() else {
        eprintln!("usage: error_rate_tokens [-i] [--ignore-punctuation] [--ignore-fillers] [--lang L] OLD NEW");
        std::process::exit(2);
    };
    let read = |p: &str| Source::from_path(p).unwrap_or_else(|e| panic!("{e}"));
    let (o, n) = (read(old), read(new));
    let started = std::time::Instant::now();
    let report = tvdiff::compare(&o, &n, &opts).unwrap_or_else(|e| panic!("{e}"));
    let seconds = started.elapsed().as_secs_f64();
    let er = report.summary.error_rate.clone().expect("every report has an error rate");
    // The same options the comparison ran with (punctuation may have been
    // ignored automatically).
    let filter = LineFilter { lang: report.options.lang, ignore: vec![] };
    let norm = report.options.normalize;
    let tokens = |s: &Source| scored_tokens(&segment(s, &filter, &norm), er.unit, report.options.ignore_fillers);
    let json = serde_json::json!({
        "unit": er.unit,
        "reference": tokens(&o),
        "hypothesis": tokens(&n),
        "tvdiff": er,
        "seconds": seconds,
    });
    println!("{json}");
}
