//! The reader registry: which format a file is, and the reader that turns
//! it into the text tvdiff compares.
//!
//! Readers are tried in the order of the table `READERS`, the way difftastic guesses
//! a language with ordered detectors. Each row names a [`Format`], the file
//! extensions it claims, a content sniffer (magic bytes or the first lines)
//! and the function that reads it. The choice, for a file `name` with bytes
//! `bytes`:
//!
//! 1. `--from FORMAT` ([`DecodeOptions::format`]) wins: the file is read as
//!    that format, and the reader fails plainly if it is not one.
//! 2. The extension picks a reader, and the content confirms it. If the
//!    content is clearly another format (a `.txt` that is really SRT, an
//!    `.html` that is a PDF), the content wins.
//! 3. A binary format whose content does not match (a `.pdf` that does not
//!    start with `%PDF-`, a `.docx` that is not a zip of a Word document) is
//!    an error naming the file: guessing would compare garbage.
//! 4. An unknown extension (or none) is sniffed; if no sniffer matches, the
//!    file is plain text.
//!
//! Plain text is read exactly as before the registry existed
//! ([`super::decode`]): byte offsets are offsets into the file.
//!
//! To add a format, write a module with a `read` function and a sniffer,
//! add a [`Format`] variant, and add one row to `READERS` (before the
//! plain-text row, which must stay last).

use super::decode::{self, DecodeOptions};
use super::origin::{Extracted, Format};
use crate::error::Error;

/// One row of the registry.
pub(crate) struct Reader {
    /// The format this reader produces.
    pub format: Format,
    /// Lower-case file extensions (without the dot) that name this format.
    pub extensions: &'static [&'static str],
    /// Does the content look like this format? Must be cheap: it looks at
    /// the first bytes (or, for a zip, its directory).
    pub sniff: fn(&[u8]) -> bool,
    /// A binary format: a file that claims it by extension but fails the
    /// sniffer is an error rather than read as text.
    pub binary: bool,
    /// Read the bytes of file `name`.
    pub read: fn(&str, &[u8], &DecodeOptions) -> Result<Reading, Error>,
}

/// What a reader returns: the extracted text and how its bytes were decoded.
#[derive(Debug)]
pub(crate) struct Reading {
    /// The text to compare and its origin.
    pub extracted: Extracted,
    /// The encoding of the bytes (for binary formats, what they hold).
    pub encoding: String,
    /// Bytes replaced by U+FFFD (lossy decoding only).
    pub replaced_bytes: usize,
}

impl Reading {
    /// A reading of text decoded as `d`.
    pub(crate) fn decoded(extracted: Extracted, d: &decode::Decoded) -> Reading {
        Reading { extracted, encoding: d.encoding.clone(), replaced_bytes: d.replaced_bytes }
    }
}

/// The readers, in the order their sniffers are tried. Binary formats come
/// first (their magic bytes are unambiguous), then the text formats with a
/// recognisable first line; Markdown has no sniffer (any text could be
/// Markdown) and plain text claims everything else.
pub(crate) const READERS: &[Reader] = &[
    Reader {
        format: Format::Pdf,
        extensions: &["pdf"],
        sniff: super::pdf::sniff,
        binary: true,
        read: super::pdf::read,
    },
    Reader {
        format: Format::Docx,
        extensions: &["docx", "docm", "dotx"],
        sniff: super::docx::sniff,
        binary: true,
        read: super::docx::read,
    },
    Reader {
        format: Format::Vtt,
        extensions: &["vtt", "webvtt"],
        sniff: super::captions::sniff_vtt,
        binary: false,
        read: super::captions::read_vtt,
    },
    Reader {
        format: Format::Srt,
        extensions: &["srt"],
        sniff: super::captions::sniff_srt,
        binary: false,
        read: super::captions::read_srt,
    },
    Reader {
        format: Format::Html,
        extensions: &["html", "htm", "xhtml", "shtml"],
        sniff: super::html::sniff,
        binary: false,
        read: super::html::read,
    },
    Reader {
        format: Format::Markdown,
        extensions: &["md", "markdown", "mdown", "mkd"],
        sniff: never,
        binary: false,
        read: super::markdown::read,
    },
    Reader { format: Format::Text, extensions: &["txt", "text"], sniff: never, binary: false, read: read_text },
];

fn never(_: &[u8]) -> bool {
    false
}

/// Plain text: decoded as it is (see [`super::decode`]).
fn read_text(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<Reading, Error> {
    let d = decode::decode(name, bytes, opts)?;
    Ok(Reading {
        encoding: d.encoding,
        replaced_bytes: d.replaced_bytes,
        extracted: Extracted { text: d.text, origin: Default::default() },
    })
}

fn reader(format: Format) -> &'static Reader {
    READERS.iter().find(|r| r.format == format).expect("every format has a reader")
}

/// The lower-case extension of `name`, if it has one.
fn extension(name: &str) -> Option<String> {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = file.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// The format file `name` with content `bytes` is read as (see the module
/// documentation for the rules), or an error when the extension names a
/// binary format the content is not.
///
/// ```
/// use tvdiff::input::{format::detect, origin::Format};
/// assert_eq!(detect("a.txt", b"1\n00:00:01,000 --> 00:00:02,000\nHi\n", None).unwrap(), Format::Srt);
/// assert_eq!(detect("a.txt", "互联网".as_bytes(), None).unwrap(), Format::Text);
/// assert_eq!(detect("notes", b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n", None).unwrap(), Format::Vtt);
/// assert!(detect("a.pdf", b"not a pdf", None).is_err());
/// assert_eq!(detect("a.pdf", b"anything", Some(Format::Text)).unwrap(), Format::Text);
/// ```
pub fn detect(name: &str, bytes: &[u8], forced: Option<Format>) -> Result<Format, Error> {
    if let Some(f) = forced {
        return Ok(f);
    }
    let sniffed = READERS.iter().find(|r| (r.sniff)(bytes)).map(|r| r.format);
    let claimed = extension(name).and_then(|ext| READERS.iter().find(|r| r.extensions.contains(&ext.as_str())));
    match (claimed, sniffed) {
        (Some(r), _) if (r.sniff)(bytes) => Ok(r.format),
        // A `.pdf` that is an HTML error page is not to be compared as one.
        (Some(r), s) if r.binary => Err(Error::input(name, not_a(r.format, bytes, s))),
        (_, Some(s)) => Ok(s),
        (Some(r), None) => Ok(r.format),
        (None, None) => Ok(Format::Text),
    }
}

/// Why a file named as a binary format is not one.
fn not_a(format: Format, bytes: &[u8], looks_like: Option<Format>) -> String {
    let why = match format {
        Format::Pdf if bytes.is_empty() => "is empty, not a PDF".into(),
        Format::Pdf => "is not a PDF (it does not start with %PDF-)".into(),
        Format::Docx => super::docx::not_a_docx(bytes),
        f => format!("is not a {} file", f.name()),
    };
    match looks_like {
        Some(other) => {
            format!("{why}; it looks like {} (use --from {} to read it as that)", describe(other), other.name())
        }
        None => why,
    }
}

fn describe(f: Format) -> &'static str {
    match f {
        Format::Text => "plain text",
        Format::Srt => "SRT captions",
        Format::Vtt => "WebVTT captions",
        Format::Markdown => "Markdown",
        Format::Html => "an HTML page",
        Format::Docx => "a Word document",
        Format::Pdf => "a PDF",
    }
}

/// Read file `name` (its content `bytes`) as the format [`detect`] chooses
/// and return the text to compare with its origin. A document that yields
/// no text at all is an error: an empty comparison would look like success.
///
/// ```
/// use tvdiff::input::{decode::DecodeOptions, format::extract, origin::Format};
/// let srt = "1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> world\n\n2\n00:00:02,600 --> 00:00:04,000\nagain.\n";
/// let e = extract("a.srt", srt.as_bytes(), &DecodeOptions::default()).unwrap();
/// assert_eq!(e.text, "Hello world again.\n");
/// assert_eq!(e.origin.format, Format::Srt);
/// assert_eq!(e.origin.cues[1].start, 2.6);
/// ```
pub fn extract(name: &str, bytes: &[u8], opts: &DecodeOptions) -> Result<Extracted, Error> {
    let format = detect(name, bytes, opts.format)?;
    read_as(name, bytes, opts, format).map(|r| r.extracted)
}

/// Read `bytes` as `format`, with the checks every reader shares.
pub(crate) fn read_as(name: &str, bytes: &[u8], opts: &DecodeOptions, format: Format) -> Result<Reading, Error> {
    let mut reading = (reader(format).read)(name, bytes, opts).map_err(one_line)?;
    reading.extracted.origin.format = format;
    if format != Format::Text && !reading.extracted.text.chars().any(|c| !c.is_whitespace()) {
        return Err(Error::input(name, format!("has no text to compare (read as {})", format.name())));
    }
    Ok(reading)
}

/// Errors are one line, whatever a parser's message contains.
fn one_line(e: Error) -> Error {
    match e {
        Error::Input { path, message } if message.contains(['\n', '\r']) => {
            Error::Input { path, message: message.split_whitespace().collect::<Vec<_>>().join(" ") }
        }
        e => e,
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let f = match s.to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => Format::Text,
            "srt" | "subrip" => Format::Srt,
            "vtt" | "webvtt" => Format::Vtt,
            "markdown" | "md" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "docx" | "word" => Format::Docx,
            "pdf" => Format::Pdf,
            _ => return Err(format!("unknown format '{s}' (expected text, srt, vtt, markdown, html, docx or pdf)")),
        };
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_chooses_and_content_confirms_or_overrides() {
        let srt = b"1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n";
        assert_eq!(detect("a.srt", srt, None).unwrap(), Format::Srt);
        assert_eq!(detect("dir.v2/a.txt", srt, None).unwrap(), Format::Srt);
        assert_eq!(detect("a.html", b"%PDF-1.7\n", None).unwrap(), Format::Pdf);
        assert_eq!(detect("a.md", b"# Title\n\ntext", None).unwrap(), Format::Markdown);
        assert_eq!(detect("page.HTM", b"<p>fragment</p>", None).unwrap(), Format::Html);
        assert_eq!(detect("noext", b"<!DOCTYPE html><p>x", None).unwrap(), Format::Html);
        assert_eq!(detect("a.txt", b"plain words", None).unwrap(), Format::Text);
        assert_eq!(detect(".bashrc", b"plain words", None).unwrap(), Format::Text);
        let err = detect("dir/report.pdf", b"<html>", None).unwrap_err().to_string();
        assert!(
            err.starts_with("dir/report.pdf: ") && err.contains("not a PDF") && err.contains("an HTML page"),
            "{err}"
        );
        let err = detect("a.docx", b"PK\x03\x04 not word", None).unwrap_err().to_string();
        assert!(err.contains("not a Word document"), "{err}");
    }

    #[test]
    fn every_format_has_one_reader_and_plain_text_is_last() {
        for f in [Format::Text, Format::Srt, Format::Vtt, Format::Markdown, Format::Html, Format::Docx, Format::Pdf] {
            assert_eq!(READERS.iter().filter(|r| r.format == f).count(), 1, "{f:?}");
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert_eq!(READERS.last().unwrap().format, Format::Text);
        let mut exts: Vec<&str> = READERS.iter().flat_map(|r| r.extensions.iter().copied()).collect();
        let n = exts.len();
        exts.sort_unstable();
        exts.dedup();
        assert_eq!(exts.len(), n, "an extension is claimed twice");
    }

    #[test]
    fn a_document_without_text_is_an_error() {
        let err = extract("empty.html", b"<html><body><nav>menu</nav></body></html>", &DecodeOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("empty.html") && err.contains("no text"), "{err}");
        // An empty plain-text file is still a (trivially equal) version.
        assert_eq!(extract("e.txt", b"", &DecodeOptions::default()).unwrap().text, "");
    }
}
