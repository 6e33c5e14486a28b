//! PDF: the text layer, page by page, read with `pdf-extract` (on `lopdf`,
//! pure Rust), which maps glyphs to Unicode through the fonts' ToUnicode
//! CMaps — Type0/CID fonts (how Chromium, Word and LibreOffice embed
//! Chinese fonts), Type 3 and simple fonts alike.
//!
//! `pdf-extract` reports each glyph with its position; this reader builds
//! the lines itself:
//!
//! - **Reading order** is the order of the page's content stream (how every
//!   producer we tried writes body text), split into lines where the
//!   baseline moves. A space is put between glyphs further apart than
//!   [`SPACE_EM`] of the font size, never between two CJK characters.
//! - **Paragraphs:** a vertical step larger than 1.3 line pitches (the
//!   tightest common step between lines in the document) is a blank line. Lines are kept as they are: the
//!   segmenter joins wrapped lines (as in seed 001). No hard breaks are
//!   recorded: PDF paragraphs are a guess.
//! - **Pages:** [`Origin::pages`] records where each page's text starts.
//!   A page that ends without a sentence-final mark runs on into the next
//!   with a single line break (a sentence cut by the page break stays
//!   one sentence); otherwise pages are separated by a blank line.
//! - **Running headers and footers:** a line among the two topmost or two
//!   bottommost lines of a page whose text — digits masked, so `3/10` and
//!   `4/10` match — recurs there on at least half of the pages (and on two
//!   or more) is removed and counted in a note. A document of one page
//!   keeps everything.
//! - **Hyphenation:** a line ending in a letter and `-`, followed by a line
//!   starting with a lower-case letter, is joined without the hyphen
//!   (`inter-` / `national` → `international`) when the document uses the
//!   joined word elsewhere and never the hyphenated one; otherwise the
//!   hyphen is a compound's (`scarlet-` / `liveried`: a book printed without
//!   hyphenation breaks lines only there) and the lines are joined keeping
//!   it (`scarlet-liveried`).
//! - **Font artefacts:** Kangxi radicals and CJK radical supplement
//!   characters (which producers write into ToUnicode maps when a font
//!   draws a radical and an ideograph with one glyph: Chromium with Noto
//!   CJK gives `⼤` for `大`) are read as the ideograph, and ligatures
//!   (`ﬁ`) as their letters; a note counts them.
//!
//! **Speed:** `pdf-extract` re-parses every font's ToUnicode map on every
//! page; [`super::pdf_fonts`] gives each page small maps of its own first
//! (a 168-page Chinese book: 2.8 s → 0.45 s, the same text), and pages are
//! read on up to four threads.
//!
//! **Failures** are errors naming the file: not a PDF, damaged or
//! truncated, encrypted (a PDF that opens without a password is read), and
//! no text layer at all ("needs OCR"). `pdf-extract` and `lopdf` contain
//! `unwrap`s and `panic!`s reachable from malformed files (the fuzz target
//! `pdf` finds them within minutes), so extraction runs on its own thread
//! under `catch_unwind`: a panic becomes an error (its message is kept out
//! of the terminal), and a file that takes longer than a generous deadline
//! (20 s plus 1 s per MB) is reported instead of hanging.

use super::decode::DecodeOptions;
use super::format::Reading;
use super::origin::{Extracted, Origin};
use crate::chars::is_cjk;
use crate::error::Error;
use pdf_extract::{Document, MediaBox, OutputDev, OutputError, Transform};
use std::sync::mpsc;
use std::time::Duration;

/// A horizontal gap wider than this fraction of the font size between two
/// glyphs is a space.
pub const SPACE_EM: f64 = 0.18;

/// Does the content look like a PDF? (`%PDF-` within the first 1024 bytes,
/// as readers accept.)
pub(crate) fn sniff(bytes: &[u8]) -> bool {
    memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some()
}

/// The name extraction threads carry; the panic hook keeps their panics
/// quiet (they become errors).
const THREAD_NAME: &str = "tvdiff-pdf-reader";

/// Read a PDF.
pub(crate) fn read(name: &str, bytes: &[u8], _opts: &DecodeOptions) -> Result<Reading, Error> {
    let deadline = Duration::from_secs(20 + (bytes.len() as u64 >> 20));
    let extracted = guarded(name, bytes.to_vec(), deadline)?;
    Ok(Reading { extracted, encoding: "PDF text layer".into(), replaced_bytes: 0 })
}

/// Run the extraction on its own thread, turning a panic or a timeout into
/// an error.
fn guarded(name: &str, bytes: Vec<u8>, deadline: Duration) -> Result<Extracted, Error> {
    quiet_panics_of_reader_threads();
    let (tx, rx) = mpsc::channel();
    let owned_name = name.to_string();
    let spawned = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        // lopdf parses nested objects recursively; a deep stack keeps
        // hostile nesting a parse error rather than a crash.
        .stack_size(256 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| extract(&owned_name, &bytes, true));
            let _ = tx.send(result);
        });
    let handle = match spawned {
        Ok(h) => h,
        Err(e) => return Err(Error::input(name, format!("cannot start the PDF reader: {e}"))),
    };
    let answer = rx.recv_timeout(deadline);
    if answer.is_ok() {
        // The thread has sent its answer and is ending: wait for it, so no
        // thread outlives a read that finished.
        let _ = handle.join();
    }
    match answer {
        Ok(Ok(result)) => result,
        Ok(Err(_panic)) => Err(Error::input(name, "is a damaged PDF (the PDF reader failed on it)")),
        Err(_) => {
            Err(Error::input(name, format!("took longer than {} s to read; it may be malformed", deadline.as_secs())))
        }
    }
}

/// Install (once) a panic hook that stays silent for the PDF reader's
/// threads and defers to the previous hook for every other thread.
fn quiet_panics_of_reader_threads() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(THREAD_NAME) {
                previous(info);
            }
        }));
    });
}

/// One glyph as the page draws it.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    /// Baseline, from the top of the page.
    y: f64,
    /// Where the glyph ends horizontally.
    end: f64,
    size: f64,
    text: String,
}

/// Collects the glyphs of one page.
#[derive(Default)]
struct Collector {
    height: f64,
    glyphs: Vec<Glyph>,
}

impl OutputDev for Collector {
    fn begin_page(&mut self, _: u32, media_box: &MediaBox, _: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.height = media_box.ury - media_box.lly;
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _: f64,
        size: f64,
        ch: &str,
    ) -> Result<(), OutputError> {
        let vx = size * trm.m11 + size * trm.m21;
        let vy = size * trm.m12 + size * trm.m22;
        let size = (vx * vy).abs().sqrt();
        let (x, y) = (trm.m31, self.height - trm.m32);
        if x.is_finite() && y.is_finite() && size.is_finite() && self.glyphs.len() < 10_000_000 {
            self.glyphs.push(Glyph { x, y, end: x + width * size, size, text: ch.to_string() });
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A line of a page.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    text: String,
    y: f64,
    size: f64,
    /// A blank line (paragraph gap) stands before it.
    gap_before: bool,
}

/// Extract the text; `trim` gives each page its own small ToUnicode maps
/// first (see [`super::pdf_fonts`]), which changes the speed, not the text.
fn extract(name: &str, bytes: &[u8], trim: bool) -> Result<Extracted, Error> {
    let mut doc = Document::load_mem(bytes).map_err(|e| load_error(name, &e))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(Error::input(name, "is encrypted (it needs a password to open); save an unprotected copy"));
    }
    let page_numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    if page_numbers.is_empty() {
        return Err(Error::input(name, "is a PDF without pages"));
    }
    if trim && page_numbers.len() > 1 {
        super::pdf_fonts::trim_to_unicode_maps(&mut doc);
    }
    let mut pages: Vec<(u32, Vec<Line>)> = Vec::with_capacity(page_numbers.len());
    let mut failed: Vec<u32> = Vec::new();
    let mut any_glyph = false;
    for (n, read) in read_pages(&doc, &page_numbers) {
        match read {
            PageRead::Failed => failed.push(n),
            PageRead::Lines(lines, complete) => {
                if !complete {
                    failed.push(n);
                }
                any_glyph |= !lines.is_empty();
                pages.push((n, lines));
            }
        }
    }
    let pitch = line_pitch(&pages);
    for (_, lines) in &mut pages {
        mark_paragraph_gaps(lines, pitch);
    }
    if !any_glyph {
        if failed.len() == page_numbers.len() {
            return Err(Error::input(name, "is a damaged PDF (no page could be read)"));
        }
        return Err(Error::input(name, "has no text layer (scanned images?) — it needs OCR first"));
    }
    let mut notes = Vec::new();
    if !failed.is_empty() {
        notes.push(format!("pages that could not be read completely: {}", list(&failed)));
    }
    let removed = remove_running_lines(&mut pages);
    if removed > 0 {
        notes.push(format!("running headers/footers and page numbers removed: {removed} lines"));
    }
    let (text, page_starts) = assemble(&pages);
    let (text, fixed) = fix_font_artefacts(&text, &page_starts);
    let (text, page_starts) = (text, fixed.1);
    if fixed.0 > 0 {
        notes.push(format!("font artefacts read as the characters they stand for (radicals, ligatures): {}", fixed.0));
    }
    Ok(Extracted { text, origin: Origin { pages: page_starts, notes, ..Origin::default() } })
}

/// What reading one page gave.
enum PageRead {
    /// Its lines, and whether the page was read to the end.
    Lines(Vec<Line>, bool),
    /// Nothing could be read.
    Failed,
}

fn read_page(doc: &Document, n: u32) -> PageRead {
    let mut c = Collector::default();
    let complete = pdf_extract::output_doc_page(doc, &mut c, n).is_ok();
    if !complete && c.glyphs.is_empty() {
        return PageRead::Failed;
    }
    PageRead::Lines(lines_of(&c.glyphs), complete)
}

/// Read the pages on up to four threads (pages are independent; a long
/// document is read about as many times faster as there are idle cores),
/// in page order.
fn read_pages(doc: &Document, pages: &[u32]) -> Vec<(u32, PageRead)> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4).min(pages.len() / 8).max(1);
    if workers == 1 {
        return pages.iter().map(|&n| (n, read_page(doc, n))).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut out: Vec<(u32, PageRead)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name(THREAD_NAME.into())
                    .stack_size(256 << 20)
                    .spawn_scoped(s, || {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(&n) = pages.get(i) else { break mine };
                            mine.push((n, read_page(doc, n)));
                        }
                    })
                    .ok()
            })
            .collect();
        // A worker's panic is re-raised here, inside the caller's catch_unwind.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    out.sort_by_key(|(n, _)| *n);
    out
}

fn load_error(name: &str, e: &pdf_extract::Error) -> Error {
    let what = e.to_string();
    if what.to_ascii_lowercase().contains("decrypt") || what.to_ascii_lowercase().contains("encrypt") {
        return Error::input(name, "is encrypted (it needs a password to open); save an unprotected copy");
    }
    Error::input(name, format!("is a damaged or truncated PDF ({what})"))
}

fn list(pages: &[u32]) -> String {
    let shown: Vec<String> = pages.iter().take(10).map(u32::to_string).collect();
    let more = if pages.len() > 10 { format!(" and {} more", pages.len() - 10) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// Group a page's glyphs (in content-stream order) into lines.
fn lines_of(glyphs: &[Glyph]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut last: Option<&Glyph> = None;
    for g in glyphs {
        let new_line = match last {
            None => true,
            Some(p) => {
                let size = p.size.max(g.size).max(1e-3);
                (g.y - p.y).abs() > 0.5 * size || g.x < p.x - 0.5 * size
            }
        };
        if new_line {
            lines.push(Line { text: String::new(), y: g.y, size: g.size, gap_before: false });
        } else if let (Some(p), Some(line)) = (last, lines.last_mut()) {
            let gap = g.x - p.end;
            let before = line.text.chars().next_back().unwrap_or(' ');
            let after = g.text.chars().next().unwrap_or(' ');
            let both_cjk = is_cjk(before) && is_cjk(after);
            if gap > SPACE_EM * g.size.max(p.size) && !before.is_whitespace() && !after.is_whitespace() && !both_cjk {
                line.text.push(' ');
            }
        }
        if let Some(line) = lines.last_mut() {
            line.text.push_str(&g.text);
        }
        last = Some(g);
    }
    for l in &mut lines {
        let t = l.text.trim();
        if t.len() != l.text.len() {
            l.text = t.to_string();
        }
    }
    lines.retain(|l| !l.text.is_empty());
    lines
}

/// The document's line pitch, relative to the font size: the tenth
/// percentile of the baseline steps between consecutive lines (steps below
/// 0.8 of the font size — superscripts, overprints — are left out). The
/// tightest common step is the spacing of lines inside a paragraph, even
/// when most paragraphs are one line long.
fn line_pitch(pages: &[(u32, Vec<Line>)]) -> Option<f64> {
    let mut steps: Vec<f64> = pages
        .iter()
        .flat_map(|(_, lines)| lines.windows(2))
        .map(|w| (w[1].y - w[0].y) / w[1].size.max(1e-3))
        .filter(|&d| (0.8..4.0).contains(&d))
        .collect();
    steps.sort_by(f64::total_cmp);
    steps.get(steps.len() / 10).copied()
}

/// A vertical step of more than 1.3 line pitches starts a paragraph.
fn mark_paragraph_gaps(lines: &mut [Line], pitch: Option<f64>) {
    for i in 1..lines.len() {
        let step = (lines[i].y - lines[i - 1].y) / lines[i].size.max(1e-3);
        lines[i].gap_before = step > pitch.map_or(1.5, |p| 1.3 * p);
    }
}

/// The key under which running lines are compared: digits masked, spaces
/// dropped, lower case.
fn running_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_lowercase() })
        .collect()
}

/// Remove headers, footers and page numbers that recur at the top or
/// bottom of most pages; returns how many lines were removed.
fn remove_running_lines(pages: &mut [(u32, Vec<Line>)]) -> usize {
    let with_text = pages.iter().filter(|(_, l)| !l.is_empty()).count();
    if with_text < 2 {
        return 0;
    }
    let edge = |lines: &[Line]| -> Vec<usize> {
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
        let mut picked: Vec<usize> = order.iter().take(2).chain(order.iter().rev().take(2)).copied().collect();
        picked.sort_unstable();
        picked.dedup();
        picked
    };
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (_, lines) in pages.iter() {
        let mut seen: Vec<String> = edge(lines).into_iter().map(|i| running_key(&lines[i].text)).collect();
        seen.sort_unstable();
        seen.dedup();
        for k in seen {
            *counts.entry(k).or_default() += 1;
        }
    }
    let needed = with_text.div_ceil(2).max(2);
    let mut removed = 0;
    for (_, lines) in pages.iter_mut() {
        let drop: Vec<usize> = edge(lines)
            .into_iter()
            .filter(|&i| {
                lines[i].text.chars().count() <= 200
                    && counts.get(&running_key(&lines[i].text)).is_some_and(|&n| n >= needed)
            })
            .collect();
        removed += drop.len();
        for &i in drop.iter().rev() {
            let gap = lines[i].gap_before;
            lines.remove(i);
            if let Some(next) = lines.get_mut(i) {
                next.gap_before |= gap;
            }
        }
        if let Some(first) = lines.first_mut() {
            first.gap_before = false;
        }
    }
    removed
}

/// Ends a sentence: a page ending with one starts a new paragraph.
fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(['”', '’', '"', '\'', '」', '』', ')', '）'])
        .ends_with(['。', '！', '？', '.', '!', '?', '…', ':', '：'])
}

/// A line that ends with a word split by a hyphen.
fn ends_split_word(line: &str) -> bool {
    let mut it = line.chars().rev();
    it.next() == Some('-') && it.next().is_some_and(char::is_alphabetic)
}

/// The words a document uses, to tell a word split by hyphenation from a
/// compound broken at its hyphen.
struct Words {
    /// Lower-case words (runs of letters).
    plain: std::collections::HashSet<String>,
    /// Lower-case hyphenated compounds (`scarlet-liveried`) inside lines.
    compounds: std::collections::HashSet<String>,
}

impl Words {
    fn of(pages: &[(u32, Vec<Line>)]) -> Words {
        let mut w = Words { plain: Default::default(), compounds: Default::default() };
        for (_, lines) in pages {
            for line in lines {
                let t = line.text.strip_suffix('-').unwrap_or(&line.text);
                for run in t.split(|c: char| !(c.is_alphabetic() || c == '-')) {
                    let run = run.trim_matches('-');
                    if run.contains('-') {
                        w.compounds.insert(run.to_lowercase());
                    }
                    w.plain.extend(run.split('-').filter(|p| !p.is_empty()).map(str::to_lowercase));
                }
            }
        }
        w
    }

    /// Is `before` (ending with a hyphen) + `after` one word split by
    /// hyphenation?
    fn is_split(&self, before: &str, after: &str) -> bool {
        if !after.starts_with(char::is_lowercase) {
            return false;
        }
        let head: String = before[..before.len() - 1].chars().rev().take_while(|c| c.is_alphabetic()).collect();
        let head: String = head.chars().rev().collect();
        let tail: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
        let (head, tail) = (head.to_lowercase(), tail.to_lowercase());
        !self.compounds.contains(&format!("{head}-{tail}")) && self.plain.contains(&format!("{head}{tail}"))
    }
}

/// The text of all pages and where each page starts.
fn assemble(pages: &[(u32, Vec<Line>)]) -> (String, Vec<(usize, u32)>) {
    let words = Words::of(pages);
    let mut text = String::new();
    let mut starts = Vec::new();
    let mut prev: Option<&str> = None;
    for (n, lines) in pages {
        for (i, line) in lines.iter().enumerate() {
            let broken_word = prev.is_some_and(ends_split_word) && line.text.starts_with(char::is_lowercase);
            if broken_word {
                // One word either way: without the hyphen if hyphenation
                // split it, with it if it is a compound's.
                if prev.is_some_and(|p| words.is_split(p, &line.text)) {
                    text.pop();
                }
            } else if let Some(p) = prev {
                let blank = if i == 0 { ends_sentence(p) } else { line.gap_before };
                text.push_str(if blank { "\n\n" } else { "\n" });
            }
            if i == 0 {
                starts.push((text.len(), *n));
            }
            text.push_str(&line.text);
            prev = Some(&line.text);
        }
    }
    if !text.is_empty() {
        text.push('\n');
    }
    (text, starts)
}

/// CJK Radicals Supplement characters and the unified ideographs Noto CJK
/// draws with the same glyph (from the fonts' cmaps: for each code point in
/// U+2E80–U+2EFF, the lowest ideograph mapped to its glyph in Noto Sans/
/// Serif CJK). Kangxi radicals (U+2F00–U+2FD5) use their NFKC mapping.
const RADICAL_SUPPLEMENT: &[(u32, u32)] = &[
    (0x2E82, 0x4E5B),
    (0x2E83, 0x4E5A),
    (0x2E85, 0x4EBB),
    (0x2E89, 0x5202),
    (0x2E8B, 0x353E),
    (0x2E8E, 0x5140),
    (0x2E8F, 0x5C23),
    (0x2E90, 0x5C22),
    (0x2E92, 0x5DF3),
    (0x2E93, 0x5E7A),
    (0x2E94, 0x5F51),
    (0x2E95, 0x5F50),
    (0x2E96, 0x5FC4),
    (0x2E98, 0x624C),
    (0x2E99, 0x6535),
    (0x2E9B, 0x65E1),
    (0x2E9E, 0x6B7A),
    (0x2E9F, 0x6BCD),
    (0x2EA0, 0x6C11),
    (0x2EA1, 0x6C35),
    (0x2EA3, 0x706C),
    (0x2EA4, 0x722B),
    (0x2EA6, 0x4E2C),
    (0x2EA8, 0x72AD),
    (0x2EAB, 0x7F52),
    (0x2EAD, 0x793B),
    (0x2EAF, 0x7CF9),
    (0x2EB0, 0x7E9F),
    (0x2EB1, 0x7F53),
    (0x2EB2, 0x7F52),
    (0x2EB3, 0x34C1),
    (0x2EB9, 0x8002),
    (0x2EBA, 0x8080),
    (0x2EBE, 0x8279),
    (0x2EBF, 0x8279),
    (0x2EC1, 0x864E),
    (0x2EC2, 0x8864),
    (0x2EC3, 0x8980),
    (0x2EC4, 0x897F),
    (0x2EC5, 0x89C1),
    (0x2EC6, 0x89D2),
    (0x2EC8, 0x8BA0),
    (0x2EC9, 0x8D1D),
    (0x2ECB, 0x8F66),
    (0x2ECC, 0x8FB6),
    (0x2ECD, 0x8FB6),
    (0x2ECE, 0x8FB6),
    (0x2ED0, 0x9485),
    (0x2ED1, 0x9577),
    (0x2ED2, 0x9578),
    (0x2ED3, 0x957F),
    (0x2ED4, 0x95E8),
    (0x2ED6, 0x961D),
    (0x2ED8, 0x9752),
    (0x2ED9, 0x97E6),
    (0x2EDA, 0x9875),
    (0x2EDB, 0x98CE),
    (0x2EDC, 0x98DE),
    (0x2EDD, 0x98DF),
    (0x2EDF, 0x98E0),
    (0x2EE0, 0x9963),
    (0x2EE2, 0x9A6C),
    (0x2EE3, 0x9AA8),
    (0x2EE4, 0x9B3C),
    (0x2EE5, 0x9C7C),
    (0x2EE6, 0x9E1F),
    (0x2EE7, 0x5364),
    (0x2EE8, 0x9EA6),
    (0x2EE9, 0x9EC4),
    (0x2EEA, 0x9EFE),
    (0x2EEB, 0x6589),
    (0x2EEC, 0x9F50),
    (0x2EED, 0x6B6F),
    (0x2EEE, 0x9F7F),
    (0x2EEF, 0x7ADC),
    (0x2EF0, 0x9F99),
    (0x2EF1, 0x9F9C),
    (0x2EF2, 0x4E80),
    (0x2EF3, 0x9F9F),
];

/// The text a font artefact stands for, if `c` is one.
fn artefact(c: char) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    match c as u32 {
        0x2F00..=0x2FD5 | 0xFB00..=0xFB06 => Some(std::iter::once(c).nfkc().collect()),
        0x2E80..=0x2EFF => RADICAL_SUPPLEMENT
            .binary_search_by_key(&(c as u32), |&(r, _)| r)
            .ok()
            .and_then(|i| char::from_u32(RADICAL_SUPPLEMENT[i].1))
            .map(String::from),
        _ => None,
    }
}

/// Replace font artefacts; page starts move with the text. Returns the new
/// text and (count, page starts).
fn fix_font_artefacts(text: &str, starts: &[(usize, u32)]) -> (String, (usize, Vec<(usize, u32)>)) {
    if !text.chars().any(|c| artefact(c).is_some()) {
        return (text.to_string(), (0, starts.to_vec()));
    }
    let mut out = String::with_capacity(text.len());
    let mut new_starts = Vec::with_capacity(starts.len());
    let mut next = starts.iter().peekable();
    let mut count = 0;
    for (i, c) in text.char_indices() {
        while let Some(&&(at, n)) = next.peek() {
            if at > i {
                break;
            }
            new_starts.push((out.len(), n));
            next.next();
        }
        match artefact(c) {
            Some(s) => {
                count += 1;
                out.push_str(&s);
            }
            None => out.push(c),
        }
    }
    new_starts.extend(next.map(|&(_, n)| (out.len(), n)));
    (out, (count, new_starts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, y: f64) -> Line {
        Line { text: text.into(), y, size: 10.0, gap_before: false }
    }

    fn glyphs(s: &str, x0: f64, y: f64, advance: f64) -> Vec<Glyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                let x = x0 + i as f64 * advance;
                Glyph { x, y, end: x + 5.0, size: 10.0, text: c.to_string() }
            })
            .collect()
    }

    #[test]
    fn glyphs_become_lines_with_spaces_only_where_gaps_are() {
        let mut g = glyphs("ab", 0.0, 100.0, 5.0);
        g.extend(glyphs("cd", 20.0, 100.0, 5.0));
        g.extend(glyphs("中文", 0.0, 112.0, 12.0));
        g.extend(glyphs("next", 0.0, 140.0, 5.0));
        let mut lines = lines_of(&g);
        let pages = vec![(1, lines.clone())];
        mark_paragraph_gaps(&mut lines, line_pitch(&pages));
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["ab cd", "中文", "next"]);
        assert_eq!(lines.iter().map(|l| l.gap_before).collect::<Vec<_>>(), [false, false, true]);
    }

    #[test]
    fn running_headers_footers_and_page_numbers_are_removed() {
        let page = |n: u32, body: &str| {
            (
                n,
                vec![
                    line("11/30/26, 1:36 PM 讲话", 10.0),
                    line(body, 100.0),
                    line(&format!("{body}, more"), 112.0),
                    line(&format!("{n}/4"), 800.0),
                ],
            )
        };
        let mut pages = vec![page(1, "第一页"), page(2, "第二页"), page(3, "第三页"), page(4, "第四页")];
        assert_eq!(remove_running_lines(&mut pages), 8);
        assert_eq!(pages[2].1.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["第三页", "第三页, more"]);
        let mut one = vec![(1, vec![line("Title", 10.0), line("1", 800.0)])];
        assert_eq!(remove_running_lines(&mut one), 0);
    }

    #[test]
    fn pages_run_on_and_hyphens_join() {
        let pages = vec![
            (1, vec![line("The inter-", 10.0), line("national order was", 20.0)]),
            (2, vec![line("built. Then", 10.0), Line { gap_before: true, ..line("New para.", 40.0) }]),
            (
                3,
                vec![
                    line("Last international scarlet-", 10.0),
                    line("liveried; good-", 20.0),
                    line("natured good-natured.", 30.0),
                ],
            ),
        ];
        let (text, starts) = assemble(&pages);
        assert_eq!(
            text,
            "The international order was\nbuilt. Then\n\nNew para.\n\nLast international scarlet-liveried; good-natured good-natured.\n"
        );
        assert_eq!(starts, [(0, 1), (28, 2), (52, 3)]);
        assert_eq!(&text[28..34], "built.");
    }

    #[test]
    fn radicals_and_ligatures_from_fonts_are_repaired() {
        let (t, (n, starts)) = fix_font_artefacts("第⼆届\n⻢上ﬁle", &[(0, 1), (10, 2)]);
        assert_eq!(t, "第二届\n马上file");
        assert_eq!(n, 3);
        assert_eq!(starts, [(0, 1), (10, 2)]);
        assert!(RADICAL_SUPPLEMENT.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn per_page_tounicode_maps_change_nothing_but_the_speed() {
        for file in ["blog-zh.pdf", "blog-zh-headers.pdf", "excerpt-type3.pdf"] {
            let bytes = std::fs::read(format!("samples/formats/{file}")).unwrap();
            let fast = extract(file, &bytes, true).unwrap();
            let slow = extract(file, &bytes, false).unwrap();
            assert_eq!(fast, slow, "{file}");
        }
        let bytes = std::fs::read("samples/formats/blog-zh.pdf").unwrap();
        let mut doc = Document::load_mem(&bytes).unwrap();
        assert!(super::super::pdf_fonts::trim_to_unicode_maps(&mut doc) >= 4, "every page's Chinese font is trimmed");
    }

    #[test]
    fn not_a_pdf_truncated_and_garbage_are_errors_not_panics() {
        let o = DecodeOptions::default();
        let err = read("x.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", &o).unwrap_err().to_string();
        assert!(err.starts_with("x.pdf: is a damaged or truncated PDF"), "{err}");
        let err = read("y.pdf", b"%PDF-", &o).unwrap_err().to_string();
        assert!(err.starts_with("y.pdf: "), "{err}");
    }
}
