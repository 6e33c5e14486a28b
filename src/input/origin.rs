//! Where compared text came from, in the source's own coordinates.
//!
//! A plain-text version is compared as it is, and a byte offset into it is
//! all a reader needs. A document that had to be *extracted* — captions, a
//! PDF, a Word file, an HTML page, Markdown — is compared as the text its
//! reader extracted ([`crate::input::Source::text`]), and reports locate
//! changes in that text; the [`Origin`] maps offsets back to what a person
//! looks for in the original: the page of a PDF, the time of a caption cue.
//! Format readers fill it in; the report's locator reads it.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The format a version was read as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text.
    #[default]
    Text,
    /// SubRip captions (`.srt`).
    Srt,
    /// WebVTT captions (`.vtt`).
    Vtt,
    /// Markdown.
    Markdown,
    /// An HTML page.
    Html,
    /// A Word document (`.docx`).
    Docx,
    /// A PDF document.
    Pdf,
}

impl Format {
    /// The format's stable name (as in JSON and `--from`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Srt => "srt",
            Format::Vtt => "vtt",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// One caption cue: the stretch of extracted text it holds and when it is
/// shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// Byte range of the cue's text in the extracted text.
    pub text: Range<usize>,
    /// When the cue appears, in seconds from the start of the media.
    pub start: f64,
    /// When it disappears, in seconds.
    pub end: f64,
    /// The speaker (`<v Name>` in WebVTT), if the cue names one.
    pub speaker: Option<String>,
}

/// Facts about an extracted version that map its text back to the source.
/// Every list is sorted by text offset and its ranges do not overlap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    /// The format the version was read as.
    pub format: Format,
    /// Pages: the byte offset in the extracted text where each page starts
    /// and its 1-based number. Empty for formats without pages.
    pub pages: Vec<(usize, u32)>,
    /// Caption cues, in order. Empty for formats without time codes.
    pub cues: Vec<Cue>,
    /// Byte offsets of line starts in the extracted text where a hard break
    /// stands (a paragraph, heading, list item or table cell starts): the
    /// segmenter never runs text on across one.
    pub breaks: Vec<usize>,
    /// Byte offsets of line starts in the extracted text where a heading
    /// of the document's own markup starts (Markdown `#`, HTML `<h1>`–`<h6>`,
    /// Word's Heading styles), with its level (1 is the top). The
    /// structure detector takes them as headings even when their text has
    /// no number (see docs/structure.md).
    pub headings: Vec<(usize, u8)>,
    /// What the reader did that a user should know (`"tracked deletions
    /// dropped"`, `"running headers removed: 12"`).
    pub notes: Vec<String>,
}

impl Origin {
    /// The 1-based page of byte offset `at` of the extracted text.
    pub fn page_at(&self, at: usize) -> Option<u32> {
        let i = self.pages.partition_point(|&(start, _)| start <= at);
        i.checked_sub(1).map(|i| self.pages[i].1)
    }

    /// The time span of the cues that hold any of bytes `range` (for an
    /// empty range, the cue at or right before the point).
    pub fn time_of(&self, range: Range<usize>) -> Option<(f64, f64)> {
        if self.cues.is_empty() {
            return None;
        }
        let first = self.cues.partition_point(|c| c.text.end <= range.start);
        let hits = self.cues[first.min(self.cues.len())..]
            .iter()
            .take_while(|c| c.text.start < range.end.max(range.start + 1));
        let mut span: Option<(f64, f64)> = None;
        for c in hits {
            span = Some(span.map_or((c.start, c.end), |(s, e)| (s.min(c.start), e.max(c.end))));
        }
        span.or_else(|| {
            // A point between cues (an insertion): the cue before it.
            let i = self.cues.partition_point(|c| c.text.start <= range.start).checked_sub(1)?;
            Some((self.cues[i].start, self.cues[i].end))
        })
    }
}

/// What a format reader returns: the text to compare and its origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The text that is compared (what `tvdiff extract` prints). Paragraphs
    /// are separated by a blank line.
    pub text: String,
    /// How offsets in `text` map back to the source.
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(a: usize, b: usize, s: f64, e: f64) -> Cue {
        Cue { text: a..b, start: s, end: e, speaker: None }
    }

    #[test]
    fn pages_and_times_are_found_by_offset() {
        let o = Origin {
            pages: vec![(0, 1), (100, 2), (250, 3)],
            cues: vec![cue(0, 10, 1.0, 2.5), cue(11, 20, 2.5, 4.0), cue(21, 30, 4.0, 6.0)],
            ..Origin::default()
        };
        assert_eq!(o.page_at(0), Some(1));
        assert_eq!(o.page_at(99), Some(1));
        assert_eq!(o.page_at(100), Some(2));
        assert_eq!(o.page_at(10_000), Some(3));
        assert_eq!(o.time_of(5..15), Some((1.0, 4.0)));
        assert_eq!(o.time_of(12..12), Some((2.5, 4.0)));
        assert_eq!(o.time_of(10..11), Some((1.0, 2.5)));
        assert_eq!(o.time_of(25..40), Some((4.0, 6.0)));
        assert_eq!(Origin::default().time_of(0..3), None);
        assert_eq!(Origin::default().page_at(3), None);
    }
}
