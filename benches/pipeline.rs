//! Micro-benchmarks, one per pipeline stage, on the texts in `samples/` (so
//! `cargo bench --features bench` works on a fresh clone; the feature builds
//! criterion, which a plain `cargo test` no longer compiles). Each bench is kept short; the
//! end-to-end numbers at book length are in docs/performance.md
//! (`bench/run.sh`).
//!
//! ```text
//! cargo bench --features bench --bench pipeline            # all stages
//! cargo bench --features bench --bench pipeline -- inline  # one stage
//! ```

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;
use tvdiff::input::{Lang, LineFilter, Source};
use tvdiff::internals::diff_chars;
use tvdiff::internals::segment;
use tvdiff::internals::{normalize_line, normalize_str};
use tvdiff::report::ChangeKind;
use tvdiff::NormalizeOptions;
use tvdiff::{compare, Options};

fn sample(name: &str) -> Source {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples").join(name);
    Source::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const BLOG: &str = "seed-000-blog-en-zh.txt";
const XINHUA: &str = "seed-001-xinhua-pdf-zh.txt";
const BILINGUAL: &str = "seed-003-bilingual-zh-en.txt";
const EN_72: &str = "en-wrapped-72.txt";
const EN_50: &str = "en-wrapped-50.txt";

fn normalize(c: &mut Criterion) {
    let src = sample(BILINGUAL);
    let opts = NormalizeOptions::default();
    let lines = src.lines();
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(src.text.len() as u64));
    g.bench_function("normalize_line/seed-003 (26 KB, zh+en)", |b| {
        b.iter(|| {
            let mut n = 0;
            for l in &lines {
                n += normalize_line(&src.text, l.start..l.end, &opts).len();
            }
            black_box(n)
        })
    });
    g.finish();
}

fn segmentation(c: &mut Criterion) {
    let norm = NormalizeOptions::default();
    let filter = LineFilter::default();
    let mut g = c.benchmark_group("segment");
    for name in [BILINGUAL, XINHUA] {
        let src = sample(name);
        g.throughput(Throughput::Bytes(src.text.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(segment(&src, &filter, &norm).sentences.len())));
    }
    g.finish();
}

/// Alignment is internal; its cost shows in comparisons whose versions
/// cut their sentences differently or paraphrase each other.
fn alignment(c: &mut Criterion) {
    let zh = Options { lang: Lang::Zh, ..Options::default() };
    let en = Options { lang: Lang::En, ..Options::default() };
    let (a, b) = (sample(BLOG), sample(XINHUA));
    let (speech, summary) = (sample(BILINGUAL), sample("seed-002-summary-en.txt"));
    // The agency text re-punctuated: every full stop a semicolon.
    let repunct = Source::from_text("repunct", b.text.replace('。', "；"));
    let mut g = c.benchmark_group("align");
    g.bench_function("seed-000 zh vs seed-001 (near-identical)", |bch| {
        bch.iter(|| black_box(compare(&a, &b, &zh).unwrap().changes.len()))
    });
    g.bench_function("seed-001 vs itself with every 。 a ； (resegmented)", |bch| {
        bch.iter(|| black_box(compare(&b, &repunct, &zh).unwrap().changes.len()))
    });
    g.bench_function("seed-003 en vs seed-002 (paraphrase)", |bch| {
        bch.iter(|| black_box(compare(&speech, &summary, &en).unwrap().changes.len()))
    });
    g.finish();
}

/// The longest modified sentence pair between the blog and the agency text,
/// as key characters.
fn long_pair() -> (Vec<char>, Vec<char>) {
    let opts = Options { lang: Lang::Zh, ..Options::default() };
    let report = compare(&sample(BLOG), &sample(XINHUA), &opts).unwrap();
    let change = report
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Modified)
        .max_by_key(|c| c.old.as_ref().map_or(0, |s| s.text.len()))
        .expect("the samples have a modified sentence");
    let key = |t: &str| normalize_str(t, &NormalizeOptions::default()).chars().collect::<Vec<char>>();
    (key(&change.old.as_ref().unwrap().text), key(&change.new.as_ref().unwrap().text))
}

fn inline(c: &mut Criterion) {
    let (o, n) = long_pair();
    let mut g = c.benchmark_group("inline");
    g.bench_function(format!("diff_chars/{}+{} chars", o.len(), n.len()), |b| {
        b.iter(|| black_box(diff_chars(&o, &n, None).len()))
    });
    g.finish();
}

fn full_compare(c: &mut Criterion) {
    let zh = Options { lang: Lang::Zh, ..Options::default() };
    let (a, b) = (sample(BLOG), sample(XINHUA));
    let (e72, e50) = (sample(EN_72), sample(EN_50));
    let mut g = c.benchmark_group("compare");
    g.throughput(Throughput::Bytes((a.text.len() + b.text.len()) as u64));
    g.bench_function("seed-000 vs seed-001 --lang zh", |bch| {
        bch.iter(|| black_box(compare(&a, &b, &zh).unwrap().changes.len()))
    });
    g.throughput(Throughput::Bytes((e72.text.len() + e50.text.len()) as u64));
    g.bench_function("en-wrapped-72 vs en-wrapped-50 (noise only)", |bch| {
        bch.iter(|| black_box(compare(&e72, &e50, &Options::default()).unwrap().changes.len()))
    });
    // Reading and decoding included.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    g.bench_function("compare_files seed-000 vs seed-001 --lang zh", |bch| {
        bch.iter_batched(
            || (dir.join(BLOG), dir.join(XINHUA)),
            |(x, y)| black_box(tvdiff::compare_files(x, y, &zh).unwrap().changes.len()),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = stages;
    config = config();
    targets = normalize, segmentation, alignment, inline, full_compare
}
criterion_main!(stages);
