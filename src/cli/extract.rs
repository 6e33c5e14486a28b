//! `tvdiff extract FILE`: print exactly the text tvdiff compares for a file
//! (the extracted text of a PDF, Word document, HTML page, Markdown file or
//! caption file; a plain-text file as it is), or with `--format json` that
//! text with the structure that maps it back to the source: pages, cues
//! with their times, hard breaks and the reader's notes (docs/formats.md).

use super::output;
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::path::PathBuf;
use tvdiff::error::{Error, EXIT_SAME};
use tvdiff::input::decode::DecodeOptions;
use tvdiff::input::origin::{Cue, Format};
use tvdiff::input::Source;

/// Arguments of `tvdiff extract`.
#[derive(Args, Debug, Clone)]
pub struct ExtractArgs {
    /// The file to read.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output: the text that is compared, or JSON with its pages, cues, breaks and notes.
    #[arg(long, short = 'f', value_enum, default_value_t = ExtractFormat::Text)]
    pub format: ExtractFormat,
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Read the file as FORMAT (text, srt, vtt, markdown, html, docx, pdf) instead of choosing by extension and content.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub from: Option<Format>,
    /// Decode text input as NAME (utf-8, gbk, big5, …) instead of detecting.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Replace undecodable bytes with U+FFFD instead of failing.
    #[arg(long)]
    pub lossy: bool,
    /// Refuse a file larger than SIZE (bytes, or with K, M, G: 600M, 2G) [default: 512M].
    #[arg(long, value_name = "SIZE", value_parser = super::parse_size)]
    pub max_size: Option<u64>,
}

/// What `tvdiff extract` prints.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtractFormat {
    /// The extracted text, exactly as compared.
    Text,
    /// The text with its origin: format, pages, cues, hard breaks, notes.
    Json,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// The JSON document `tvdiff extract --format json` writes. Offsets are
/// byte offsets into `text`.
#[derive(Serialize)]
struct Extraction<'a> {
    file: &'a str,
    format: Format,
    encoding: &'a str,
    text: &'a str,
    pages: Vec<PageStart>,
    cues: &'a [Cue],
    breaks: &'a [usize],
    headings: Vec<HeadingStart>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct PageStart {
    page: u32,
    start: usize,
}

#[derive(Serialize)]
struct HeadingStart {
    level: u8,
    start: usize,
}

/// Run `tvdiff extract`.
pub fn run(args: &ExtractArgs) -> Result<i32, Error> {
    let opts = DecodeOptions {
        encoding: args.encoding.clone(),
        lossy: args.lossy,
        format: args.from,
        max_size: args.max_size,
    };
    let src = Source::from_path_with(&args.file, &opts)?;
    let out = match args.format {
        ExtractFormat::Text => src.text.clone(),
        ExtractFormat::Json => {
            let o = &src.origin;
            let doc = Extraction {
                file: &src.name,
                format: o.format,
                encoding: &src.encoding,
                text: &src.text,
                pages: o.pages.iter().map(|&(start, page)| PageStart { page, start }).collect(),
                cues: &o.cues,
                breaks: &o.breaks,
                headings: o.headings.iter().map(|&(start, level)| HeadingStart { level, start }).collect(),
                notes: &o.notes,
            };
            let mut s = serde_json::to_string_pretty(&doc)
                .map_err(|e| Error::Output { path: "JSON".into(), message: e.to_string() })?;
            s.push('\n');
            s
        }
    };
    match &args.output {
        // Never over the file it reads.
        Some(path) => output::write_file(path, out.as_bytes(), &[args.file.as_path()])?,
        None => {
            output::stdout(out.as_bytes())?;
        }
    }
    Ok(EXIT_SAME)
}
