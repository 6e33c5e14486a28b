//! Stage 7: the report model — plain data that every renderer reads.
//!
//! A [`Report`] is the single source of truth about a comparison: renderers
//! (terminal, JSON, HTML) are pure functions of it and never diff again. It
//! serialises with serde; `docs/json.md` documents the JSON form.
//!
//! Every piece of text in a report is *original* text, sliced from the input
//! with byte offsets that are also reported, so a reader can always find
//! what the file really says.

pub use crate::error_rate::{ErrorRate, ErrorUnit};
use crate::input::Source;
use crate::normalize::Rule;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The result of comparing two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The old version.
    pub old: VersionInfo,
    /// The new version.
    pub new: VersionInfo,
    /// The options the comparison ran with.
    pub options: crate::Options,
    /// Counts.
    pub summary: Summary,
    /// The changes, in document order.
    pub changes: Vec<Change>,
    /// Every aligned sentence, changed or not, in document order. Renderers
    /// that show the whole text (HTML, terminal context) read it; the JSON
    /// output leaves it out unless asked (`--full`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Row>,
}

impl Report {
    /// Did the comparison find any difference?
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// Facts about one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// The path (or name) as given.
    pub path: String,
    /// Size in bytes.
    pub bytes: usize,
    /// How the bytes were decoded.
    pub encoding: String,
    /// Bytes that could not be decoded and were replaced by U+FFFD (only
    /// with `--lossy`; otherwise undecodable input is an error).
    #[serde(default)]
    pub replaced_bytes: usize,
    /// SHA-256 of the bytes as read (hex).
    pub sha256: String,
    /// Number of lines.
    pub lines: usize,
    /// Lines that took part in the comparison.
    pub lines_compared: usize,
    /// Lines removed by `--lang` or `--ignore-lines`.
    pub lines_dropped: usize,
    /// Number of sentences compared.
    pub sentences: usize,
    /// The dominant script of the compared text (`han`, `latin`, `neutral`).
    pub script: crate::chars::Script,
    /// The version has (almost) no punctuation: a speech recogniser's
    /// transcript, most likely (see `docs/captions.md`).
    #[serde(default)]
    pub unpunctuated: bool,
}

/// Counts over the whole comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Sentence pairs equal after normalisation (resegmented ones included).
    pub equal: usize,
    /// Sentence pairs whose wording changed.
    pub modified: usize,
    /// Sentences only in the new version.
    pub added: usize,
    /// Sentences only in the old version.
    pub removed: usize,
    /// Sentences that moved.
    pub moved: usize,
    /// Places where the versions only cut sentences differently.
    pub resegmented: usize,
    /// Share of key characters the versions have in common, 0–100.
    pub similarity: f64,
    /// Edits by class, over all modified sentences.
    pub edits: BTreeMap<EditClass, usize>,
    /// Differences absorbed by each normalisation rule (rule id → count).
    pub absorbed: BTreeMap<Rule, usize>,
    /// Word (or character) error rate of the new version against the old
    /// one as the reference (see `docs/captions.md`). Always set by
    /// [`crate::compare`]; `None` only in a report read from older JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<ErrorRate>,
    /// Numbered units whose number changed, by unit (`article` → 25): an
    /// inserted, deleted or moved unit shifted them (see
    /// [`EditClass::Renumbering`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renumbered: BTreeMap<String, usize>,
    /// Edits that occur three times or more (the same old and new text,
    /// normalised), most frequent first: a term replaced throughout.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recurring: Vec<Recurring>,
}

/// An edit made again and again (`帐` → `账` ×21).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurring {
    /// The old text (as the first occurrence has it).
    pub old: String,
    /// The new text.
    pub new: String,
    /// How many edits make it.
    pub count: usize,
    /// Their class.
    pub class: EditClass,
}

/// The kind of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A sentence (or two, where the versions cut differently) was reworded.
    Modified,
    /// A sentence only in the new version.
    Added,
    /// A sentence only in the old version.
    Removed,
    /// A sentence that stands elsewhere in the new version.
    Moved,
}

/// What an edit changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditClass {
    /// Words changed.
    Wording,
    /// Only punctuation changed (a dropped `！`).
    Punctuation,
    /// Only spaces between words changed (`Chinawill` / `China will`).
    Spacing,
    /// Only letter case changed.
    Case,
    /// A unit number or cross-reference shifted by a consistent
    /// renumbering (`第十七条` → `第二十条` after an article was inserted).
    Renumbering,
}

impl EditClass {
    /// Its name, for humans and in the JSON report (serde's lowercase
    /// name: the JSON renderer's tests hold the two equal).
    pub fn label(self) -> &'static str {
        match self {
            EditClass::Wording => "wording",
            EditClass::Punctuation => "punctuation",
            EditClass::Spacing => "spacing",
            EditClass::Case => "case",
            EditClass::Renumbering => "renumbering",
        }
    }
}

/// When a stretch of caption text is shown, in seconds from the start of
/// the media.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeSpan {
    /// When the first cue holding it appears.
    pub start: f64,
    /// When the last cue holding it disappears.
    pub end: f64,
}

impl TimeSpan {
    /// `HH:MM:SS.s` (hours omitted when zero) of the start, as a video
    /// player shows it: `@ 00:03:12.5` in the terminal header.
    pub fn label(&self) -> String {
        let tenths = (self.start.max(0.0) * 10.0).round() as u64;
        let (h, m, s, t) = (tenths / 36_000, tenths / 600 % 60, tenths / 10 % 60, tenths % 10);
        if h > 0 {
            format!("{h:02}:{m:02}:{s:02}.{t}")
        } else {
            format!("{m:02}:{s:02}.{t}")
        }
    }
}

/// Where a piece of original text is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The original text.
    pub text: String,
    /// Start byte offset in the input.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column (in characters) of `start`.
    pub column: u32,
    /// 1-based line of the last character.
    pub end_line: u32,
    /// For a version read from a PDF: the 1-based page (of the changed
    /// words, for a modified change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// For a version read from captions: when the cues holding the text
    /// (the changed words, for a modified change) are shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeSpan>,
    /// In a numbered document: the innermost numbered unit the text (the
    /// changed words, for a modified change) stands in, `第十二条`,
    /// `Article 12` (an item's article; see `docs/structure.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Every unit enclosing it, outermost first: `["第二章 申请与审核",
    /// "第十二条"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
}

/// A position without text (used for edits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Start byte offset in the input.
    pub start: usize,
    /// End byte offset (exclusive; equal to start for an insertion point).
    pub end: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters.
    pub column: u32,
}

/// Edit operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EditOp {
    /// Text only in the new sentence.
    Insert,
    /// Text only in the old sentence.
    Delete,
    /// Old text replaced by new text.
    Replace,
}

/// One wording change inside a modified sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Operation.
    pub op: EditOp,
    /// Original old text (empty for an insertion).
    pub old: String,
    /// Original new text (empty for a deletion).
    pub new: String,
    /// What kind of change.
    pub class: EditClass,
    /// Where the old text is (for an insertion: the point it would go).
    pub old_at: Location,
    /// Where the new text is (for a deletion: the point it was).
    pub new_at: Location,
    /// Index into [`Summary::recurring`] when this edit is one of a
    /// recurring group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<usize>,
}

/// One change between the versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Index of this change in [`Report::changes`].
    pub id: usize,
    /// Kind.
    pub kind: ChangeKind,
    /// Dominant class: `punctuation` if every edit is punctuation, etc.
    pub class: EditClass,
    /// The old sentence(s); `null` for an added sentence.
    pub old: Option<Box<Span>>,
    /// The new sentence(s); `null` for a removed sentence.
    pub new: Option<Box<Span>>,
    /// Similarity of the two sentences' keys, 0–1.
    pub similarity: f32,
    /// Inline edits (modified sentences only).
    pub edits: Vec<Edit>,
    /// Old sentence indices `[start, end)`.
    pub old_sentences: [usize; 2],
    /// New sentence indices `[start, end)`.
    pub new_sentences: [usize; 2],
}

/// The kind of an aligned row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// Equal sentences.
    Equal,
    /// Equal text cut into sentences differently.
    Resegmented,
    /// Modified sentences.
    Modified,
    /// Added sentence.
    Added,
    /// Removed sentence.
    Removed,
    /// Where a moved sentence was.
    MovedFrom,
    /// Where a moved sentence now is.
    MovedTo,
}

/// One aligned row of the full comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Kind.
    pub kind: RowKind,
    /// Old sentence(s) on this row.
    pub old: Option<Box<Span>>,
    /// New sentence(s) on this row.
    pub new: Option<Box<Span>>,
    /// The change this row shows, if any (index into [`Report::changes`]).
    pub change: Option<usize>,
    /// Rows of the alignment left out right before this one, when only
    /// the rows around changes were filled ([`crate::Options::row_context`]);
    /// 0 when every row is.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Builds [`Span`]s and [`Location`]s from byte offsets into a [`Source`].
///
/// Turns byte offsets into line:column, fast for offsets that mostly
/// increase (a 10 MB single-line file must not cost a rescan per span).
pub(crate) struct Locator<'a> {
    source: &'a Source,
    last: (usize, u32, u32), // byte, line, column
}

impl<'a> Locator<'a> {
    /// The source this locator reads.
    pub fn source(&self) -> &'a Source {
        self.source
    }

    /// A locator for `source`.
    pub fn new(source: &'a Source) -> Self {
        Locator { source, last: (0, 1, 1) }
    }

    /// 1-based line and column (characters) of byte offset `byte`.
    pub fn locate(&mut self, byte: usize) -> (u32, u32) {
        let (lb, ll, lc) = self.last;
        let text = &self.source.text;
        let result = match text.get(lb..byte) {
            Some(between) if !between.contains(['\n', '\r']) => (ll, lc + between.chars().count() as u32),
            _ => self.source.line_col(byte),
        };
        self.last = (byte, result.0, result.1);
        result
    }

    /// The span of original text `start..end`.
    pub fn span(&mut self, start: usize, end: usize) -> Span {
        let (line, column) = self.locate(start);
        let t = &self.source.text[start..end];
        // The line of the last character: count the line breaks before it
        // ("\n", "\r\n" and a lone "\r" once each). A span can end with a
        // line break (with --keep-line-breaks); that break ends the span's
        // last line, it does not start another.
        let last = t.chars().next_back().map_or(0, char::len_utf8);
        let all = self.source.text.as_bytes();
        let breaks = (start..end - last)
            .filter(|&i| all[i] == b'\n' || all[i] == b'\r' && all.get(i + 1) != Some(&b'\n'))
            .count();
        let end_line = line + breaks as u32;
        let origin = &self.source.origin;
        Span {
            text: t.to_string(),
            start,
            end,
            line,
            column,
            end_line,
            page: origin.page_at(start),
            time: origin.time_of(start..end).map(|(start, end)| TimeSpan { start, end }),
            section: None,
            path: Vec::new(),
        }
    }

    /// Point `span`'s page and time at the changed words `ranges` (byte
    /// ranges; an empty one is an insertion point) rather than its whole
    /// text, when there are any.
    pub fn place(&self, span: &mut Span, ranges: &[(usize, usize)]) {
        let Some(&(first, _)) = ranges.first() else { return };
        let origin = &self.source.origin;
        span.page = origin.page_at(first).or(span.page);
        let mut time: Option<TimeSpan> = None;
        for &(s, e) in ranges {
            if let Some((a, b)) = origin.time_of(s..e) {
                time =
                    Some(time.map_or(TimeSpan { start: a, end: b }, |t| TimeSpan {
                        start: t.start.min(a),
                        end: t.end.max(b),
                    }));
            }
        }
        span.time = time.or(span.time);
    }

    /// The location of `start..end`, without text.
    pub fn location(&mut self, start: usize, end: usize) -> Location {
        let (line, column) = self.locate(start);
        Location { start, end, line, column }
    }
}
