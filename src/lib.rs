//! # tvdiff — transcript variant diff
//!
//! tvdiff compares versions of "the same" text — a speech as one agency
//! published it and as a blog re-typed it, a PDF extraction, a bilingual
//! collection, a draft law and its final form — and reports the wording
//! changes between them while ignoring the noise that differs between
//! publishers: full-width vs half-width punctuation, spacing, line wrapping,
//! quote and dash styles, invisible characters.
//!
//! It is a pipeline. The library's API is its two ends — what goes in and
//! what comes out — while the stages between are internal (the
//! `internals` feature exposes them to the benchmarks and fuzz targets):
//!
//! | stage | where | does |
//! |---|---|---|
//! | input | [`input`] | read a version (text in any encoding, PDF, Word, HTML, Markdown, captions), index lines, filter by language / regex |
//! | normalise | internal; [`NormalizeOptions`] | comparison keys that remember their original bytes |
//! | segment | internal | Chinese and English sentences, wrapped lines joined |
//! | diff | internal | equal sentences anchored, the rest aligned word by word and projected back onto the old version's sentences: equal, modified, added, removed, moved |
//! | inline diff | internal | word-level edits inside modified sentences |
//! | classify | internal | wording vs punctuation edits; what normalisation absorbed ([`Rule`]) |
//! | structure | internal | articles, chapters and sections of numbered documents, the unit of each change, renumbering |
//! | compare | [`compare`], [`compare_files`] | two versions → a [`Report`] |
//! | collate | [`collate`] | many versions against a base: variant table, apparatus, TEI |
//! | report | [`report`] | plain serde data every renderer reads |
//! | render | [`render`] | terminal, side-by-side, JSON, HTML, TEI, captions (SRT/WebVTT) |
//!
//! ## Example
//!
//! ```
//! use tvdiff::{compare, input::Source, Options};
//!
//! let old = Source::from_text("blog.txt", "互联网是人类的共同家园。为各国企业在华投资兴业提供服务!");
//! let new = Source::from_text("xinhua.txt", "互联网是人类共同家园。\n为各国企业在中国投资兴业提供服务！");
//! let report = compare(&old, &new, &Options::default())?;
//!
//! // Two sentences changed; the full-width `！` and the line break are noise.
//! assert_eq!(report.summary.modified, 2);
//! let edits: Vec<String> = report.changes.iter()
//!     .flat_map(|c| &c.edits)
//!     .map(|e| format!("{}→{}", e.old, e.new))
//!     .collect();
//! assert_eq!(edits, ["的→", "华→中国"]);
//!
//! // Each edit points back into the original files.
//! let e = &report.changes[1].edits[0];
//! assert_eq!(&old.text[e.old_at.start..e.old_at.end], "华");
//!
//! // Renderers are pure functions of the report.
//! let text = tvdiff::render::terminal::render(&report, &Default::default());
//! assert!(text.contains("[-华-]{+中国+}"));
//! # Ok::<(), tvdiff::Error>(())
//! ```

#![warn(missing_docs)]

mod chars;
mod classify;
pub mod collate;
mod compare;
mod diff;
pub mod error;
mod error_rate;
mod hash;
mod inline;
pub mod input;
mod made;
mod normalize;
mod prefault;
mod recogniser;
pub mod render;
pub mod report;
mod segment;
mod structure;
mod tokenize;

#[cfg(feature = "internals")]
pub mod internals;

pub use chars::Script;
pub use compare::{compare, compare_files, Comparison};
pub use error::Error;
pub use normalize::{NormalizeOptions, Rule};
pub use report::Report;

use serde::{Deserialize, Serialize};

/// Everything that changes what a comparison reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Which normalisations apply.
    pub normalize: normalize::NormalizeOptions,
    /// Which lines take part, by dominant script.
    pub lang: input::Lang,
    /// Regular expressions of lines to drop before comparing.
    pub ignore_lines: Vec<String>,
    /// Minimum similarity (0–1) for two sentences to count as one modified
    /// sentence rather than a removal and an addition.
    pub threshold: f32,
    /// Time budget for the diff algorithms, in milliseconds; past it they
    /// return a coarser but still correct answer.
    pub timeout_ms: u64,
    /// Report identical sentences at different positions as moves.
    pub detect_moves: bool,
    /// How input files are decoded (used by [`compare_files`]).
    #[serde(default)]
    pub decode: input::decode::DecodeOptions,
    /// Fill [`Report::rows`], every aligned sentence with its original
    /// text. The HTML and terminal renderers need them; a caller that reads
    /// only the changes and the summary (the JSON output without `--full`,
    /// `tvdiff batch` summaries) can switch them off and save a copy of
    /// both texts on book-length inputs. Not part of the report's options.
    #[serde(skip_serializing, default = "yes")]
    pub rows: bool,
    /// With [`Options::rows`]: fill only the rows within this many rows of
    /// a changed one (one that is not equal or resegmented), as the
    /// terminal shows each change with its context; each row then says how
    /// many rows were left out right before it ([`report::Row::skipped`]).
    /// On a book with a few hundred changes this is a few thousand rows
    /// instead of tens of thousands, each with its text. The HTML report
    /// marks where rows were left out; the table, CSV and caption views
    /// need every row. `None` (the default) fills every row. Not part of
    /// the report's options.
    #[serde(skip_serializing, default)]
    pub row_context: Option<usize>,
    /// Compare punctuation even when a version has (almost) none, as a
    /// speech recogniser's transcript has: by default punctuation is then
    /// ignored for the comparison (see `auto_ignore_punctuation`).
    #[serde(default)]
    pub keep_punctuation: bool,
    /// Do not report filler words (um, uh, er, 呃, 嗯, 啊, 那个) added or
    /// dropped: edits that differ only by them are counted as absorbed
    /// (`filler`), not reported, and they do not count in the error rate.
    #[serde(default)]
    pub ignore_fillers: bool,
    /// In a report's options: `normalize.ignore_punctuation` was turned on
    /// by tvdiff because a version has (almost) no punctuation (see
    /// [`report::VersionInfo::unpunctuated`]), not by the caller. Ignored
    /// on input.
    #[serde(default)]
    pub auto_ignore_punctuation: bool,
    /// Minimum similarity (0–1) for a removed sentence and an added one
    /// elsewhere to be one sentence that moved and changed; 1 finds only
    /// moves of unchanged sentences. Needs [`Options::detect_moves`].
    #[serde(default = "default_move_threshold")]
    pub move_threshold: f32,
}

fn default_move_threshold() -> f32 {
    0.6
}

fn yes() -> bool {
    true
}

impl Options {
    /// When a comparison that starts at `started` must answer: `timeout_ms`
    /// later (at least a millisecond), or a year later for a timeout too
    /// large to add.
    pub(crate) fn deadline(&self, started: std::time::Instant) -> std::time::Instant {
        let far = std::time::Duration::from_secs(365 * 24 * 3600);
        let budget = std::time::Duration::from_millis(self.timeout_ms.max(1)).min(far);
        started.checked_add(budget).unwrap_or(started)
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            normalize: normalize::NormalizeOptions::default(),
            lang: input::Lang::All,
            ignore_lines: Vec::new(),
            threshold: 0.5,
            timeout_ms: 10_000,
            detect_moves: true,
            decode: input::decode::DecodeOptions::default(),
            rows: true,
            row_context: None,
            keep_punctuation: false,
            ignore_fillers: false,
            auto_ignore_punctuation: false,
            move_threshold: default_move_threshold(),
        }
    }
}
