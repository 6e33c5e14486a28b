//! What the fuzz targets check (issue 6: a user must never get a wrong
//! answer silently, a panic, or a half-written report).
//!
//! Each public function takes the raw bytes the fuzzer made, reads its
//! options from the first bytes and the text from the rest, runs one stage
//! of tvdiff and asserts the stage's contract. A panic (from tvdiff or from
//! a failed assertion) is a finding. The same functions replay saved
//! crashes in `tests/regressions.rs`, which includes this file with
//! `#[path]`; so it depends on nothing but `tvdiff`, `regex`, `serde_json`
//! and `std`.

use std::ops::Range;
use tvdiff::error::Error;
use tvdiff::input::decode::{decode as decode_bytes, DecodeOptions};
use tvdiff::input::{Lang, LineFilter, Source};
use tvdiff::internals::{key_string, normalize_line, normalize_str, NChar};
use tvdiff::internals::{segment as segment_source, MAX_SENTENCE_CHARS};
use tvdiff::render::terminal::{render as render_terminal, TerminalOptions};
use tvdiff::report::{Location, Report, Span};
use tvdiff::NormalizeOptions;
use tvdiff::Options;

/// Encodings `--encoding` may name in the `decode` target (the last is no
/// encoding at all and must be a usage error).
const LABELS: &[&str] = &[
    "utf-8",
    "utf-16le",
    "utf-16be",
    "gbk",
    "gb18030",
    "big5",
    "shift_jis",
    "euc-kr",
    "windows-1252",
    "x-user-defined",
    "iso-2022-jp",
    "replacement",
    "no-such-encoding",
];

/// Regular expressions the `segment` and `compare` targets pass as
/// `--ignore-lines`.
const IGNORE: &[&str] = &[r"^\s*\d", "[a-z]{3}", "^#", "。$"];

/// Option bytes at the front of the input, then the payload.
struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    fn rest(self) -> &'a [u8] {
        self.data
    }
}

/// Normalisation options from one byte, one switch per bit.
fn norm_options(b: u8) -> NormalizeOptions {
    let bit = |i: u8| b & (1 << i) != 0;
    NormalizeOptions {
        width: !bit(0),
        quotes: !bit(1),
        dashes: !bit(2),
        spacing: !bit(3),
        line_breaks: !bit(4),
        ignore_case: bit(5),
        ignore_punctuation: bit(6),
        fold_chinese: bit(7),
    }
}

fn lang(b: u8) -> Lang {
    match b % 3 {
        0 => Lang::All,
        1 => Lang::Zh,
        _ => Lang::En,
    }
}

/// Split `bytes` in two at `at` (taken modulo the length) and decode each
/// half as UTF-8, replacing bad bytes, so every input is some text.
fn two_texts(bytes: &[u8], at: u16) -> (String, String) {
    let at = at as usize % (bytes.len() + 1);
    (String::from_utf8_lossy(&bytes[..at]).into_owned(), String::from_utf8_lossy(&bytes[at..]).into_owned())
}

/// 1-based line and column (in characters) of byte `at`, counted without
/// tvdiff's help: `\n`, `\r\n` and a lone `\r` end a line.
pub fn line_col(text: &str, at: usize) -> (u32, u32) {
    let bytes = text.as_bytes();
    let (mut line, mut line_start, mut i) = (1u32, 0usize, 0usize);
    while i < at {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    if i + 1 == at {
                        break; // between \r and \n: still this line
                    }
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    (line, text[line_start..at].chars().count() as u32 + 1)
}

/// `start..end` is a character range of `text`.
fn assert_range(text: &str, start: usize, end: usize, what: &str) {
    assert!(start <= end, "{what}: start {start} > end {end}");
    assert!(end <= text.len(), "{what}: end {end} is past the end of the text ({} bytes)", text.len());
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: {start}..{end} is not on character boundaries"
    );
}

/// Key characters point into `text`, inside `within`, in order.
fn assert_nchars(text: &str, chars: &[NChar], within: Range<usize>, nonempty: bool, what: &str) {
    let mut prev: Option<&NChar> = None;
    for (i, c) in chars.iter().enumerate() {
        let (s, e) = (c.start as usize, c.end as usize);
        assert_range(text, s, e, &format!("{what}: key char {i} {:?}", c.ch));
        assert!(
            within.start <= s && e <= within.end,
            "{what}: key char {i} {:?} at {s}..{e} is outside {within:?}",
            c.ch
        );
        if nonempty {
            assert!(s < e, "{what}: key char {i} {:?} stands for no original text ({s}..{e})", c.ch);
        }
        if let Some(p) = prev {
            assert!(
                p.start <= c.start && p.end <= c.end,
                "{what}: key chars {} {:?} at {}..{} and {i} {:?} at {s}..{e} go backwards",
                i - 1,
                p.ch,
                p.start,
                p.end,
                c.ch
            );
        }
        prev = Some(c);
    }
}

/// A span of a report is what the file says at that place.
pub fn assert_span(text: &str, span: &Span, what: &str) {
    assert_range(text, span.start, span.end, what);
    assert_eq!(text[span.start..span.end], span.text, "{what}: text at {}..{}", span.start, span.end);
    assert_eq!((span.line, span.column), line_col(text, span.start), "{what}: line:column of byte {}", span.start);
    assert!(span.end_line >= span.line, "{what}: end_line {} < line {}", span.end_line, span.line);
    if let Some(last) = span.text.chars().last() {
        let at = span.end - last.len_utf8();
        assert_eq!(span.end_line, line_col(text, at).0, "{what}: end_line");
    }
}

/// An edit location is a character range of the file, at the line:column
/// reported, inside the sentence it belongs to.
fn assert_location(text: &str, at: &Location, edit_text: &str, sentence: Option<&Span>, what: &str) {
    assert_range(text, at.start, at.end, what);
    assert_eq!(
        &text[at.start..at.end],
        edit_text,
        "{what}: the edit's text is not the text at {}..{}",
        at.start,
        at.end
    );
    assert_eq!((at.line, at.column), line_col(text, at.start), "{what}: line:column of byte {}", at.start);
    if let Some(s) = sentence {
        assert!(
            s.start <= at.start && at.end <= s.end,
            "{what}: {}..{} is outside its sentence {}..{}",
            at.start,
            at.end,
            s.start,
            s.end
        );
    }
}

/// Every position in a report slices the two texts back, and the summary
/// agrees with the changes and rows.
pub fn assert_report(report: &Report, old: &str, new: &str) {
    assert_eq!(report.old.bytes, old.len(), "old.bytes");
    assert_eq!(report.new.bytes, new.len(), "new.bytes");
    for c in &report.changes {
        let what = format!("change {} ({:?})", c.id, c.kind);
        if let Some(s) = &c.old {
            assert_span(old, s, &format!("{what}: old"));
        }
        if let Some(s) = &c.new {
            assert_span(new, s, &format!("{what}: new"));
        }
        assert!(c.old.is_some() || c.new.is_some(), "{what}: has neither side");
        assert!((0.0..=1.0).contains(&c.similarity), "{what}: similarity {}", c.similarity);
        let (mut po, mut pn) = (0, 0);
        for (k, e) in c.edits.iter().enumerate() {
            let w = format!("{what}: edit {k} ({:?} {:?} → {:?})", e.op, e.old, e.new);
            assert_location(old, &e.old_at, &e.old, c.old.as_deref(), &format!("{w}: old_at"));
            assert_location(new, &e.new_at, &e.new, c.new.as_deref(), &format!("{w}: new_at"));
            assert!(e.old_at.start >= po && e.new_at.start >= pn, "{w}: edits out of order");
            (po, pn) = (e.old_at.end, e.new_at.end);
            assert!(!(e.old.is_empty() && e.new.is_empty()), "{w}: an edit that changes nothing");
        }
    }
    for (i, r) in report.rows.iter().enumerate() {
        if let Some(s) = &r.old {
            assert_span(old, s, &format!("row {i} ({:?}): old", r.kind));
        }
        if let Some(s) = &r.new {
            assert_span(new, s, &format!("row {i} ({:?}): new", r.kind));
        }
        if let Some(c) = r.change {
            assert!(c < report.changes.len(), "row {i} points at change {c} of {}", report.changes.len());
        }
    }
    let s = &report.summary;
    assert_eq!(s.modified + s.added + s.removed + s.moved, report.changes.len(), "summary counts vs changes");
    assert!((0.0..=100.0).contains(&s.similarity), "similarity {}", s.similarity);
    assert_eq!(report.has_changes(), !report.changes.is_empty(), "has_changes");
}

/// `decode`: bytes to text with any `--encoding` and `--lossy`.
///
/// Decoding either succeeds with text that has no NUL character (binary
/// files are refused), or fails with one line that names the file and, for
/// a bad byte sequence, the byte offset *in the file* of that sequence.
/// Valid UTF-8 is taken exactly as it is; lossy decoding fails only on
/// binary input, and says how many bytes it replaced.
pub fn decode(data: &[u8]) {
    let mut input = Input { data };
    let flags = input.byte();
    let bytes = input.rest();
    let lossy = flags & 1 != 0;
    let label = (flags & 2 != 0).then(|| LABELS[(flags >> 2) as usize % LABELS.len()]);
    let opts = DecodeOptions { encoding: label.map(String::from), lossy, ..Default::default() };
    match decode_bytes("in.txt", bytes, &opts) {
        Ok(d) => {
            assert!(!d.text.contains('\0'), "text with a NUL character must be refused as binary ({})", d.encoding);
            assert!(!d.encoding.is_empty(), "no encoding name");
            assert!(label != Some("no-such-encoding"), "an unknown encoding name was accepted");
            if lossy {
                assert!(d.replaced_bytes <= bytes.len(), "replaced {} of {} bytes", d.replaced_bytes, bytes.len());
                if d.replaced_bytes > 0 {
                    assert!(d.text.contains('\u{FFFD}'), "{} bytes replaced but no U+FFFD", d.replaced_bytes);
                }
            } else {
                assert_eq!(d.replaced_bytes, 0, "bytes replaced without --lossy");
            }
            if label.is_none() {
                // (Valid UTF-8 with NUL characters is not text: it may be
                // ASCII-heavy UTF-16 without a byte-order mark.)
                if let Some(s) = std::str::from_utf8(bytes).ok().filter(|s| !s.contains('\0')) {
                    assert_eq!(d.text, s, "valid UTF-8 was not taken as it is (decoded as {})", d.encoding);
                    assert!(d.encoding.starts_with("UTF-8"), "valid UTF-8 decoded as {}", d.encoding);
                }
            }
        }
        Err(Error::Usage(m)) => assert_eq!(label, Some("no-such-encoding"), "unexpected usage error: {m}"),
        Err(Error::Output { .. }) => panic!("decoding reported an output error"),
        Err(e @ Error::Input { .. }) => {
            let msg = e.to_string();
            let Error::Input { path, message } = e else { unreachable!() };
            assert_eq!(path, "in.txt", "the error names the file");
            assert!(!msg.contains('\n') && !msg.contains('\r'), "error is not one line: {msg:?}");
            if message.contains("binary") {
                assert!(bytes.contains(&0), "called binary without a NUL byte: {msg}");
                return;
            }
            assert!(!lossy, "lossy decoding failed: {msg}");
            let offset = message
                .split("byte offset ")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("error without a byte offset: {msg}"));
            assert!(offset < bytes.len(), "offset {offset} is past the end of the {}-byte file: {msg}", bytes.len());
            let enc = message.strip_prefix("is not valid ").and_then(|r| r.split(" (").next()).unwrap_or("");
            if enc.starts_with("UTF-8") {
                assert!(std::str::from_utf8(&bytes[..offset]).is_ok(), "bytes before offset {offset} are bad: {msg}");
                let after = std::str::from_utf8(&bytes[offset..]);
                assert!(after.is_err_and(|e| e.valid_up_to() == 0), "byte {offset} is not bad UTF-8: {msg}");
            } else if enc == "UTF-16LE" || enc == "UTF-16BE" {
                let le = enc == "UTF-16LE";
                let bom: &[u8] = if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] };
                let skip = if bytes.starts_with(bom) { 2 } else { 0 };
                let body = &bytes[skip..];
                let units = body.chunks_exact(2).map(|p| if le { [p[0], p[1]] } else { [p[1], p[0]] });
                let units: Vec<u16> = units.map(u16::from_le_bytes).collect();
                let mut at = 0;
                let mut bad = None;
                for r in char::decode_utf16(units.iter().copied()) {
                    match r {
                        Ok(c) => at += c.len_utf16(),
                        Err(_) => {
                            bad = Some(at);
                            break;
                        }
                    }
                }
                let expected = skip + bad.map_or(body.len() - 1, |u| 2 * u);
                assert_eq!(offset, expected, "wrong byte offset in the file for {enc}: {msg}");
            }
        }
    }
}

/// `normalize`: every key character of every line stands for a non-empty
/// character range of the original line, in order; the key of a whole
/// string has no line break when line breaks are folded.
pub fn normalize(data: &[u8]) {
    let mut input = Input { data };
    let opts = norm_options(input.byte());
    let text = String::from_utf8_lossy(input.rest()).into_owned();
    let src = Source::from_text("n", text.as_str());
    for line in src.lines() {
        let chars = normalize_line(&text, line.start..line.end, &opts);
        let what = format!("normalize_line (line {})", line.number);
        assert_nchars(&text, &chars, line.start..line.end, true, &what);
        for c in &chars {
            assert!(!matches!(c.ch, '\n' | '\r'), "{what}: a line break in a line's key");
        }
        if opts.spacing {
            assert!(chars.first().is_none_or(|c| c.ch != ' '), "{what}: key starts with a space");
            assert!(chars.last().is_none_or(|c| c.ch != ' '), "{what}: key ends with a space");
        }
    }
    let key = normalize_str(&text, &opts);
    if opts.line_breaks {
        assert!(!key.contains(['\n', '\r']), "normalize_str kept a line break: {key:?}");
    }
}

/// `segment`: sentences are in order, do not overlap, slice the input, are
/// made of the document's key characters and are never longer than
/// [`MAX_SENTENCE_CHARS`].
pub fn segment(data: &[u8]) {
    let mut input = Input { data };
    let opts = norm_options(input.byte());
    let b = input.byte();
    let ignore = match (b >> 2) as usize % (IGNORE.len() + 1) {
        0 => vec![],
        i => vec![regex::Regex::new(IGNORE[i - 1]).unwrap()],
    };
    let filter = LineFilter { lang: lang(b), ignore };
    let text = String::from_utf8_lossy(input.rest()).into_owned();
    let src = Source::from_text("s", text.as_str());
    let doc = segment_source(&src, &filter, &opts);
    // Key characters are recomputed from the source on demand; all of them
    // at once, one sentence at a time and through a cursor must agree.
    let all = doc.all_chars();
    assert_eq!(all.len(), doc.key_chars, "recomputed key chars");
    assert_nchars(&text, &all, 0..text.len(), false, "document key chars");
    let mut cursor = tvdiff::internals::CharCursor::new(&doc);
    let mut prev: Option<&tvdiff::internals::Sentence> = None;
    for (i, s) in doc.sentences.iter().enumerate() {
        let key = doc.key(i);
        let what = format!("sentence {i} {key:?}");
        assert_range(&text, s.start(), s.end(), &what);
        assert_eq!(s.text(&text), &text[s.start()..s.end()], "{what}: text()");
        assert!(!s.chars().is_empty() && s.chars().end <= all.len(), "{what}: key chars {:?}", s.chars());
        let chars = &all[s.chars()];
        assert_eq!(doc.sentence_chars(i), chars, "{what}: sentence_chars");
        assert_eq!(cursor.get(s.chars()), chars, "{what}: CharCursor");
        let mid = s.chars().start + s.chars().len() / 2;
        // Decoded from the sentence's own start, as a row's are.
        assert_eq!(cursor.get_in(&(i..i + 1), s.chars()), chars, "{what}: CharCursor::get_in");
        assert_eq!(
            cursor.get_in(&(i..i + 1), mid..s.chars().end),
            &all[mid..s.chars().end],
            "{what}: get_in from the middle"
        );
        assert_eq!(
            doc.chars(mid..s.chars().end + 1),
            &all[mid..(s.chars().end + 1).min(all.len())],
            "{what}: from the middle"
        );
        assert_eq!(key, key_string(chars), "{what}: key is not its key chars");
        let (first, last) = (chars[0].start as usize, chars[chars.len() - 1].end as usize);
        if opts.ignore_punctuation {
            // Punctuation is dropped from the key after the sentence is cut,
            // so the sentence's bytes keep its quotes and final mark.
            assert!(
                s.start() <= first && last <= s.end(),
                "{what}: bytes {}..{} vs key chars {first}..{last}",
                s.start(),
                s.end()
            );
        } else {
            assert_eq!((s.start(), s.end()), (first, last), "{what}: bytes are not those of its key chars");
        }
        assert!(chars.len() <= MAX_SENTENCE_CHARS, "{what}: {} key chars", chars.len());
        assert!(!key.starts_with(' ') && !key.ends_with(' '), "{what}: key has spaces at its ends");
        if let Some(p) = prev {
            assert!(p.chars().end <= s.chars().start, "{what}: key chars overlap the previous sentence's");
            assert!(
                p.end() <= s.start(),
                "{what}: bytes {}..{} overlap the previous sentence {:?} at {}..{}",
                s.start(),
                s.end(),
                &doc.keys[p.key()],
                p.start(),
                p.end()
            );
        }
        prev = Some(s);
    }
}

/// Options for a comparison from two bytes.
fn compare_options(norm: u8, b: u8) -> Options {
    Options {
        normalize: norm_options(norm),
        lang: lang(b),
        ignore_lines: if b & 4 != 0 { vec![IGNORE[2].to_string()] } else { vec![] },
        threshold: [0.5, 0.0, 0.3, 1.0][(b >> 3) as usize & 3],
        timeout_ms: if b & 32 != 0 { 0 } else { 10_000 },
        detect_moves: b & 64 == 0,
        decode: Default::default(),
        rows: true,
        move_threshold: (b >> 7) as f32 * 0.4 + 0.6,
        ..Options::default()
    }
}

/// `compare`: the library on two texts made of the input's two halves.
/// Every span and edit location slices its text back at the line:column
/// reported; a text compared with itself has no change; with the normal
/// time budget the same comparison gives the same report twice, and the
/// other way round mirrored counts (checked when the top bit of the second
/// option byte is set).
pub fn compare(data: &[u8]) {
    let mut input = Input { data };
    let (norm, b) = (input.byte(), input.byte());
    let opts = compare_options(norm, b);
    let at = input.u16();
    let (a, b_text) = two_texts(input.rest(), at);
    let (sa, sb) = (Source::from_text("a.txt", a.as_str()), Source::from_text("b.txt", b_text.as_str()));
    let report = tvdiff::compare(&sa, &sb, &opts).expect("comparing text in memory cannot fail");
    assert_report(&report, &a, &b_text);
    // (Re-running costs a second alignment, so only for some inputs.)
    if opts.timeout_ms > 0 && b & 128 != 0 {
        let again = tvdiff::compare(&sa, &sb, &opts).unwrap();
        assert!(again == report, "the same comparison gave two different reports");
        // A comparison's changes made a few at a time, as the JSON writer
        // makes them, backwards, are the report's, and so is its JSON.
        let lazily = tvdiff::Comparison::new(&sa, &sb, &opts).unwrap();
        let starts: Vec<usize> = (0..lazily.len()).step_by(3).collect();
        for &start in starts.iter().rev() {
            let range = start..lazily.len().min(start + 3);
            assert!(lazily.changes(range.clone()) == report.changes[range], "changes made later differ");
        }
        let mut streamed = Vec::new();
        tvdiff::render::json::write_comparison(&lazily, opts.rows, &mut streamed).unwrap();
        assert!(
            streamed == tvdiff::render::json::render(&report, opts.rows).into_bytes(),
            "the comparison's JSON is not the report's"
        );
        // docs/architecture.md: compare(a, b) and compare(b, a) report
        // mirrored changes.
        let back = tvdiff::compare(&sb, &sa, &opts).unwrap();
        assert_report(&back, &b_text, &a);
        let (f, r) = (&report.summary, &back.summary);
        assert_eq!(
            (report.changes.len(), f.added, f.removed, f.modified, f.moved),
            (back.changes.len(), r.removed, r.added, r.modified, r.moved),
            "compare(b, a) does not mirror compare(a, b): changes, added, removed, modified, moved"
        );
    }
    // Options::row_context: only the rows around the changes, from which
    // the terminal shows what it shows from every row.
    if opts.timeout_ms > 0 && at & 1 == 1 {
        let context = usize::from(b >> 3 & 3);
        let near = tvdiff::compare(&sa, &sb, &Options { row_context: Some(context), ..opts.clone() }).unwrap();
        for show_renumbering in [false, true] {
            let topts = TerminalOptions { context, color: false, show_renumbering, ..TerminalOptions::default() };
            assert_eq!(
                render_terminal(&near, &topts),
                render_terminal(&report, &topts),
                "the terminal shows something else from the rows around the changes (context {context})"
            );
        }
    }
    let same = tvdiff::compare(&sa, &sa, &opts).unwrap();
    assert!(
        same.changes.is_empty(),
        "a text compared with itself has {} changes, first: {:?}",
        same.changes.len(),
        same.changes[0]
    );
    assert_report(&same, &a, &a);
}

/// Tag strings the `html` target plants in its input.
const TAGS: &[&str] = &[
    "<script>alert(1)</script>",
    "</script><script>alert(1)//",
    "<img src=x onerror=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "<svg onload=alert(1)>",
    "<style>*{display:none}</style>",
    "<!--",
    "</textarea></title><script>",
    "\"><script>alert(1)</script>",
    "<scr<script>ipt>",
];

/// What must never appear in the page from the input (compared
/// case-insensitively with the count in a page made from harmless text).
const NEEDLES: &[&str] = &["<script", "</script", "<img", "<iframe", "<svg", "<style", "</style", "<!--", "</textarea"];

fn count_ci(hay: &str, needle: &str) -> usize {
    let hay = hay.to_ascii_lowercase();
    hay.matches(needle).count()
}

/// Insert `tag` at the character boundary nearest below `frac`/256 of `text`.
fn plant(text: &str, tag: &str, frac: u8) -> String {
    let mut at = text.len() * frac as usize / 256;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}{tag}{}", &text[..at], &text[at..])
}

/// Upper-case the letters of `s` chosen by the bits of `mask` (cycled).
fn mangle_case(s: &str, mask: u8) -> String {
    s.chars().enumerate().map(|(i, c)| if mask & (1 << (i % 8)) != 0 { c.to_ascii_uppercase() } else { c }).collect()
}

fn html_options() -> tvdiff::render::html::HtmlOptions {
    tvdiff::render::html::HtmlOptions { title: None, generated: Some("1970-01-01".into()), ..Default::default() }
}

/// `html`: render the report of two texts that each contain a hostile tag
/// (and whose file names do too) as HTML, terminal and JSON. The page
/// contains no more `<script`, `<img`, `<!--`, … than a page made from
/// harmless text; the terminal report without colour contains no control
/// character but line breaks; the JSON parses back to the same report;
/// each renderer gives the same output twice.
pub fn html(data: &[u8]) {
    use tvdiff::render::{html, json, terminal};
    let mut input = Input { data };
    let (t1, t2, case, pos) = (input.byte(), input.byte(), input.byte(), input.byte());
    let flags = input.byte();
    let at = input.u16();
    let (a, b) = two_texts(input.rest(), at);
    let tag_a = mangle_case(TAGS[t1 as usize % TAGS.len()], case);
    let tag_b = mangle_case(TAGS[t2 as usize % TAGS.len()], case.rotate_left(3));
    let (a, b) = (plant(&a, &tag_a, pos), plant(&b, &tag_b, pos.wrapping_mul(7)));
    let sa = Source::from_text(format!("old{tag_a}.txt"), a.as_str());
    let sb = Source::from_text(format!("new{tag_b}.txt"), b.as_str());
    let opts = Options { normalize: norm_options(flags & 0x9F), ..Options::default() };
    let report = tvdiff::compare(&sa, &sb, &opts).expect("comparing text in memory cannot fail");
    assert_report(&report, &a, &b);

    static BASELINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let baseline = BASELINE.get_or_init(|| {
        let old =
            Source::from_text("old.txt", "第一句。\n第二句。\n第三句。\n第四句。\n第五句。\n第六句。\n第七句。\n");
        let new =
            Source::from_text("new.txt", "第一句。\n第二句。\n第三句。\n第四句。\n第五句。\n第六句。\n第八句。\n");
        html::render(&tvdiff::compare(&old, &new, &Options::default()).unwrap(), &html_options())
    });
    let page = html::render(&report, &html_options());
    for needle in NEEDLES {
        assert_eq!(
            count_ci(&page, needle),
            count_ci(baseline, needle),
            "the HTML page has an unescaped {needle:?} from the input (tags {tag_a:?}, {tag_b:?})"
        );
    }
    assert!(page == html::render(&report, &html_options()), "HTML output is not deterministic");

    let topts = terminal::TerminalOptions {
        color: false,
        context: (flags >> 5) as usize & 3,
        side_by_side: flags & 0x80 != 0,
        width: 40 + (pos as usize % 128),
        summary: true,
        elide: (flags & 0x10 != 0).then_some(1 + (pos as usize % 30)),
        show_renumbering: flags & 1 != 0,
    };
    let text = terminal::render(&report, &topts);
    if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n') {
        panic!("the terminal report without colour contains control character {c:?}");
    }
    assert!(text == terminal::render(&report, &topts), "terminal output is not deterministic");
    let _ = terminal::render(&report, &terminal::TerminalOptions { color: true, ..topts });

    let full = json::render(&report, true);
    let back: Report = serde_json::from_str(&full).unwrap_or_else(|e| panic!("JSON does not parse back: {e}"));
    assert!(back == report, "the JSON report does not read back as the same report");
    let brief: serde_json::Value = serde_json::from_str(&json::render(&report, false)).expect("JSON parses");
    assert!(brief["changes"].is_array(), "JSON has changes");
}

/// Is a character one that could act on a terminal or forge a line: a C0
/// or C1 control, a line or paragraph separator, a bidirectional control?
fn dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
        || matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069)
}

/// Fuzz target `names` (issue 13): any bytes as a file name. The name as
/// every place shows it — `escape::name`, `escape::path` (any bytes, as a
/// Unix file name can be), an error message, the terminal report's `@@`
/// headers and summary, side by side, the collation's witness list — has
/// no control, line-separator or bidirectional character (the colourless
/// reports keep only their own `\n`), and a name without such characters
/// prints unchanged.
pub fn names(data: &[u8]) {
    use tvdiff::render::escape;
    let mut input = Input { data };
    let flags = input.byte();
    let raw = input.rest();
    let lossy = String::from_utf8_lossy(raw).into_owned();
    let shown = escape::name(&lossy);
    assert!(!shown.chars().any(dangerous), "escape::name left a control character: {shown:?}");
    if !lossy.chars().any(dangerous) {
        assert_eq!(shown, lossy, "a harmless name must print as it is");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let p = std::path::Path::new(std::ffi::OsStr::from_bytes(raw));
        let shown = escape::path(p);
        assert!(!shown.chars().any(dangerous), "escape::path left a control character: {shown:?}");
        if let Ok(s) = std::str::from_utf8(raw) {
            assert_eq!(shown, escape::name(s), "a UTF-8 path shows as its name");
        }
        let lossless = escape::path_lossless(p);
        assert_eq!(lossless.is_empty(), raw.is_empty());
    }
    for e in [
        Error::input(&lossy, "no such file"),
        Error::Usage(format!("--ignore-lines '{lossy}': invalid regular expression")),
        Error::Output { path: lossy.clone(), message: "permission denied".into() },
    ] {
        let msg = e.to_string();
        assert!(!msg.chars().any(dangerous), "an error message with a control character: {msg:?}");
    }
    if flags & 1 == 0 {
        return;
    }
    // The reports that print names.
    let old = Source::from_text(lossy.clone(), "互联网是人类的共同家园。在华投资。");
    let new = Source::from_text(format!("{lossy}\u{1b}[2J"), "互联网是人类共同家园。在中国投资。");
    let report = tvdiff::compare(&old, &new, &Options::default()).expect("plain texts compare");
    for side_by_side in [false, true] {
        let topts = tvdiff::render::terminal::TerminalOptions {
            side_by_side,
            width: 40 + usize::from(flags >> 1),
            ..Default::default()
        };
        let text = tvdiff::render::terminal::render(&report, &topts);
        assert!(
            !text.chars().any(|c| c != '\n' && dangerous(c)),
            "a terminal report with a control character: {text:?}"
        );
    }
    let w = |s: &str, t: &str| (s.to_string(), Source::from_text(format!("{lossy}/{s}"), t));
    let c = tvdiff::collate::collate(&[w("A", "在华投资。"), w("B", "在中国投资。")], 0, &Options::default())
        .expect("plain texts collate");
    let text = tvdiff::render::collate_terminal::render(&c, &Default::default());
    assert!(!text.chars().any(|c| c != '\n' && dangerous(c)), "a collation with a control character: {text:?}");
}

/// The `read_*` targets (one per input format): `data` is a file of
/// `format` (its extension decides the reader, as for a user's file). The
/// reader must not panic or hang; it returns text or a one-line error
/// naming the file. Extracted text is checked as every renderer relies on
/// it: cue ranges, hard breaks and page starts lie inside the text on
/// character boundaries and are sorted; a document never yields an empty
/// text (that would look like a successful comparison). Reading the same
/// bytes twice gives the same answer.
pub fn read(format: &str, data: &[u8]) {
    use tvdiff::input::format::extract;
    let name = format!("fuzz.{format}");
    let opts = DecodeOptions { lossy: data.first().is_some_and(|b| b & 1 == 1), ..Default::default() };
    let first = extract(&name, data, &opts);
    match &first {
        Ok(e) => {
            let text = &e.text;
            let o = &e.origin;
            if format != "txt" {
                assert!(
                    text.chars().any(|c| !c.is_whitespace()),
                    "{format}: an empty extraction was returned as success"
                );
            }
            let mut last = 0;
            for c in &o.cues {
                assert!(
                    c.text.start <= c.text.end && c.text.end <= text.len(),
                    "{format}: cue {:?} outside the text",
                    c.text
                );
                assert!(
                    text.is_char_boundary(c.text.start) && text.is_char_boundary(c.text.end),
                    "{format}: cue not on char boundaries"
                );
                assert!(c.text.start >= last, "{format}: cues overlap or are out of order");
                assert!(c.start.is_finite() && c.end >= c.start, "{format}: cue times {} → {}", c.start, c.end);
                last = c.text.end;
            }
            assert!(o.breaks.windows(2).all(|w| w[0] < w[1]), "{format}: hard breaks not sorted");
            assert!(
                o.breaks.iter().all(|&b| b <= text.len() && text.is_char_boundary(b)),
                "{format}: a hard break outside the text"
            );
            assert!(o.headings.windows(2).all(|w| w[0].0 < w[1].0), "{format}: headings not sorted");
            assert!(
                o.headings.iter().all(|&(h, level)| {
                    h < text.len() && (h == 0 || text[..h].ends_with('\n')) && (1..=9).contains(&level)
                }),
                "{format}: a heading not at a line start of the text, or of no level"
            );
            assert!(o.pages.windows(2).all(|w| w[0].0 <= w[1].0), "{format}: pages not sorted");
            assert!(
                o.pages.iter().all(|&(p, _)| p <= text.len() && text.is_char_boundary(p)),
                "{format}: a page start outside the text"
            );
        }
        Err(err) => {
            let msg = err.to_string();
            assert!(msg.starts_with(&format!("{name}: ")), "the error does not name the file: {msg}");
            assert!(!msg.contains('\n'), "the error is not one line: {msg:?}");
        }
    }
    let second = extract(&name, data, &opts);
    assert_eq!(first.as_ref().ok(), second.as_ref().ok(), "{format}: two readings differ");
}

/// Fuzz target `api` (issue 13): the library's public API with arguments a
/// caller might pass — any timeout and threshold, and a report that was
/// edited by hand (bytes read as JSON, then as a report whose fields are
/// perturbed) — must answer or return an error, never panic.
pub fn api(data: &[u8]) {
    use tvdiff::render::{html, json, terminal};
    let mut input = Input { data };
    let flags = input.byte();
    let threshold = f32::from_bits(u32::from_le_bytes([input.byte(), input.byte(), input.byte(), input.byte()]));
    let timeout_ms = u64::from(input.u16()) << (flags & 0x3F);
    let rest = input.rest();
    let render_all = |report: &tvdiff::Report| {
        for side_by_side in [false, true] {
            let opts = terminal::TerminalOptions { side_by_side, width: 40 + usize::from(flags), ..Default::default() };
            let _ = terminal::render(report, &opts);
        }
        let _ = html::render(report, &html_options());
        let _ = json::render(report, true);
    };
    // A report as JSON (edited by hand).
    if let Ok(report) = serde_json::from_slice::<tvdiff::Report>(rest) {
        render_all(&report);
        return;
    }
    let at = usize::from(flags) * rest.len() / 256;
    let (a, b) = (String::from_utf8_lossy(&rest[..at]), String::from_utf8_lossy(&rest[at..]));
    let opts = Options { threshold, timeout_ms, ..Options::default() };
    let (sa, sb) = (Source::from_text("old.txt", a.as_ref()), Source::from_text("new.txt", b.as_ref()));
    let mut report = tvdiff::compare(&sa, &sb, &opts).expect("any threshold and timeout compare");
    // Perturb what a hand could: indices and offsets out of range.
    for (i, row) in report.rows.iter_mut().enumerate() {
        if i % 3 == usize::from(flags) % 3 {
            row.change = Some(row.change.map_or(usize::MAX, |c| c.wrapping_add(usize::from(flags))));
        }
        if let Some(s) = row.new.as_mut() {
            s.start = s.start.wrapping_mul(usize::from(flags) | 1);
        }
    }
    for c in &mut report.changes {
        c.id = c.id.wrapping_add(usize::from(flags));
        if let Some(s) = c.old.as_mut() {
            s.end = s.end.wrapping_sub(usize::from(flags));
        }
    }
    render_all(&report);
}
