//! Stage 1: input — read a version from disk, index its lines, and decide
//! which lines take part in the comparison.
//!
//! A file is read by the reader its format needs ([`mod@format`]: plain text,
//! SRT/WebVTT captions, Markdown, HTML, Word `.docx`, PDF), chosen by
//! extension and confirmed by content. A plain-text file is kept exactly as
//! the file has it (a UTF-8 byte-order mark included, so that every byte
//! offset tvdiff reports is an offset into the file). Any other format is
//! compared as the text its reader extracted (what `tvdiff extract` prints);
//! offsets are offsets into that text, and [`Source::origin`] maps them
//! back to pages and cue times. Line breaks are `\n`, `\r\n` and a lone
//! `\r`.
//!
//! Two filters choose the lines to compare, because real versions carry text
//! the other versions lack:
//! - [`Lang`] keeps the lines whose dominant script is Han (`zh`) or Latin
//!   (`en`), so a bilingual collection that alternates a Chinese paragraph
//!   with its English translation can be compared with a Chinese-only
//!   release. Lines with no letters at all (dates, numbers, rules) are kept
//!   in every language.
//! - `--ignore-lines REGEX` drops lines such as live-blog timestamps or
//!   boilerplate.
//!
//! A dropped line is not simply skipped: it ends the sentence before it (see
//! the segmenter), because a paragraph followed by its translation is
//! finished even when its final `！` is missing.

mod captions;
pub mod decode;
mod docx;
pub mod format;
mod html;
mod markdown;
pub mod origin;
mod pdf;
mod pdf_fonts;
mod prose;
pub mod read;

use crate::chars::{dominant_script, Script};
use crate::error::Error;
use decode::DecodeOptions;
use origin::{Format, Origin};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Which lines to compare, by dominant script.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Every line.
    #[default]
    All,
    /// Lines that are mostly Han (Chinese).
    Zh,
    /// Lines that are mostly Latin script (English).
    En,
}

impl Lang {
    /// Does a line with this dominant script take part?
    pub fn keeps(self, script: Script) -> bool {
        match (self, script) {
            (Lang::All, _) | (_, Script::Neutral) => true,
            (Lang::Zh, s) => s == Script::Han,
            (Lang::En, s) => s == Script::Latin,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "all" => Ok(Lang::All),
            "zh" | "chinese" | "han" => Ok(Lang::Zh),
            "en" | "english" | "latin" => Ok(Lang::En),
            _ => Err(format!("unknown language '{s}' (expected zh, en or all)")),
        }
    }
}

/// One version of the text: its name and its original, unmodified content.
#[derive(Debug, Clone)]
pub struct Source {
    /// The name shown in reports (usually the path as given).
    pub name: String,
    /// The full original text.
    pub text: String,
    /// How the bytes were decoded (`"UTF-8"`, `"UTF-8 with BOM"`, `"GBK"`, …).
    pub encoding: String,
    /// Bytes replaced by U+FFFD because they could not be decoded (only with
    /// lossy decoding).
    pub replaced_bytes: usize,
    /// The format the text was extracted from and how its offsets map
    /// back to the source (pages, cue times); plain text for `.txt`.
    pub origin: Origin,
    line_starts: Vec<usize>,
}

/// One line of a [`Source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub number: u32,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character (before the line break).
    pub end: usize,
}

/// Whether a line takes part in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStatus {
    /// The line is compared.
    Kept,
    /// The line is blank (only spaces or invisible characters).
    Blank,
    /// The line was removed by `--lang` or `--ignore-lines`.
    Dropped,
}

/// Chooses the lines to compare.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    /// Keep only lines of this dominant script.
    pub lang: Lang,
    /// Drop lines matching any of these.
    pub ignore: Vec<Regex>,
}

impl LineFilter {
    /// Is a line blank (only spaces or invisible characters)? Such a line
    /// is [`LineStatus::Blank`] whatever the filter.
    pub fn is_blank(line: &str) -> bool {
        line.chars().all(|c| c.is_whitespace() || crate::chars::is_invisible(c))
    }

    /// The status of one line's text.
    pub fn status(&self, line: &str) -> LineStatus {
        if Self::is_blank(line) {
            return LineStatus::Blank;
        }
        if self.lang != Lang::All && !self.lang.keeps(dominant_script(line)) {
            return LineStatus::Dropped;
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if self.ignore.iter().any(|re| re.is_match(trimmed)) {
            return LineStatus::Dropped;
        }
        LineStatus::Kept
    }
}

impl Source {
    /// Wrap text that is already in memory.
    ///
    /// ```
    /// let s = tvdiff::input::Source::from_text("a.txt", "第一行\r\n第二行");
    /// assert_eq!(s.lines().len(), 2);
    /// assert_eq!(s.line_col(s.text.find("第二").unwrap()), (2, 1));
    /// ```
    pub fn from_text(name: impl Into<String>, text: impl Into<String>) -> Source {
        let text = text.into();
        let encoding = if text.starts_with('\u{FEFF}') { "UTF-8 with BOM" } else { "UTF-8" };
        let line_starts = line_starts(&text);
        Source {
            name: name.into(),
            text,
            encoding: encoding.to_string(),
            replaced_bytes: 0,
            origin: Origin::default(),
            line_starts,
        }
    }

    /// Read a file, detecting its encoding (see [`decode`]). Errors name
    /// the file and say what is wrong: missing, a directory or device,
    /// unreadable, larger than the size limit, binary, or not decodable
    /// (with the byte offset of the first bad byte). `-` is standard input
    /// (see [`read`]).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Source, Error> {
        Self::from_path_with(path, &DecodeOptions::default())
    }

    /// Read a file with explicit decoding options (and, with
    /// [`DecodeOptions::format`], a forced format).
    pub fn from_path_with(path: impl AsRef<Path>, opts: &DecodeOptions) -> Result<Source, Error> {
        let path = path.as_ref();
        let name = if path.as_os_str() == "-" {
            "standard input".to_string()
        } else {
            crate::render::escape::path_lossless(path)
        };
        let bytes = read::read(path, opts.max_size.unwrap_or(read::DEFAULT_MAX_SIZE))?;
        Self::from_vec_with(name, bytes, opts)
    }

    /// Decode bytes read from somewhere named `name` (format and encoding
    /// detected; the name's extension helps choose the format).
    pub fn from_bytes(name: impl Into<String>, bytes: Vec<u8>) -> Result<Source, Error> {
        Self::from_vec_with(name.into(), bytes, &DecodeOptions::default())
    }

    /// Decode bytes with explicit decoding options.
    pub fn from_bytes_with(name: impl Into<String>, bytes: &[u8], opts: &DecodeOptions) -> Result<Source, Error> {
        let name = name.into();
        let fmt = format::detect(&name, bytes, opts.format)?;
        if fmt == Format::Text {
            let d = decode::decode(&name, bytes, opts)?;
            return Ok(Self::decoded(name, d));
        }
        Ok(Self::read(name.clone(), format::read_as(&name, bytes, opts, fmt)?))
    }

    /// Owned bytes: plain text (the usual case) becomes the text without a
    /// copy, exactly as before formats existed.
    fn from_vec_with(name: String, bytes: Vec<u8>, opts: &DecodeOptions) -> Result<Source, Error> {
        let fmt = format::detect(&name, &bytes, opts.format)?;
        if fmt == Format::Text {
            let d = decode::decode_vec(&name, bytes, opts)?;
            return Ok(Self::decoded(name, d));
        }
        let reading = format::read_as(&name, &bytes, opts, fmt)?;
        Ok(Self::read(name, reading))
    }

    fn decoded(name: String, d: decode::Decoded) -> Source {
        let mut src = Source::from_text(name, d.text);
        src.encoding = d.encoding;
        src.replaced_bytes = d.replaced_bytes;
        src
    }

    fn read(name: String, r: format::Reading) -> Source {
        let mut src = Source::from_text(name, r.extracted.text);
        src.encoding = r.encoding;
        src.replaced_bytes = r.replaced_bytes;
        src.origin = r.extracted.origin;
        src
    }

    /// The lines of the text, in order.
    pub fn lines(&self) -> Vec<Line> {
        (0..self.line_starts.len()).map(|i| self.line(i)).collect()
    }

    /// Line `index` (0-based), without its terminator; callers keep
    /// `index` below [`Source::line_count`].
    pub(crate) fn line(&self, index: usize) -> Line {
        let bytes = self.text.as_bytes();
        let start = self.line_starts[index];
        let mut end = self.line_starts.get(index + 1).copied().unwrap_or(bytes.len());
        // Strip the terminator: "\r\n", "\n" or "\r".
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        } else if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Line { number: (index + 1) as u32, start, end }
    }

    /// 1-based line and column (in characters) of byte offset `byte`.
    pub fn line_col(&self, byte: usize) -> (u32, u32) {
        let idx = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[idx];
        let byte = byte.min(self.text.len());
        let col = self.text.get(start..byte).map_or(byte - start, |s| s.chars().count()) + 1;
        (idx as u32 + 1, col as u32)
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    // "\n", "\r\n" and a lone "\r" each end a line.
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue; // the "\n" that follows ends the line
        }
        starts.push(i + 1);
    }
    if starts.len() > 1 && *starts.last().unwrap() == bytes.len() {
        starts.pop();
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_cr_and_lf_are_line_breaks() {
        let s = Source::from_text("t", "a\r\nb\rc\nd\n");
        let lines: Vec<&str> = s.lines().iter().map(|l| &s.text[l.start..l.end]).collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        assert_eq!(s.line_col(s.text.find('d').unwrap()), (4, 1));
    }

    #[test]
    fn bilingual_lines_are_filtered_by_script() {
        let f = LineFilter { lang: Lang::Zh, ignore: vec![] };
        assert_eq!(f.status("尊敬的侯赛因总统，\t"), LineStatus::Kept);
        assert_eq!(f.status("President Mamnoon Hussain,"), LineStatus::Dropped);
        assert_eq!(f.status("(2015)"), LineStatus::Kept);
        assert_eq!(f.status("  \t"), LineStatus::Blank);
        let f = LineFilter { lang: Lang::All, ignore: vec![Regex::new(r"^\d{1,2}:\d{2} [ap]\.m\.").unwrap()] };
        assert_eq!(f.status("10:47 a.m."), LineStatus::Dropped);
    }

    #[test]
    fn bad_bytes_are_reported_with_offset() {
        let err = Source::from_bytes(
            "x.txt",
            "好的，谢谢大家。我们走吧。今天再次来到这里，既感到亲切熟悉。"
                .as_bytes()
                .iter()
                .copied()
                .chain([0xff])
                .collect(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("x.txt") && err.to_string().contains("byte offset"), "{err}");
        let err = Source::from_bytes("y.bin", b"a\0b".to_vec()).unwrap_err();
        assert!(err.to_string().contains("binary"));
    }
}
