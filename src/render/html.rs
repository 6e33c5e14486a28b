//! HTML renderer: one self-contained page (inline CSS and JavaScript, no
//! network) showing a [`Report`] side by side or inline, with navigation,
//! collapsed unchanged text and a print layout. `docs/html.md` describes the
//! page.
//!
//! The page is a pure function of the report and the [`HtmlOptions`]: the
//! same input gives byte-identical output. Every piece of input text is
//! HTML-escaped; the unchanged sentences hidden in collapsed runs travel as
//! JSON inside `<script type="application/json">` (with `<`, `>` and `&`
//! written as `\u003c` …) and the page script turns them into rows with
//! `textContent` only when a run is expanded, so a book-length comparison
//! does not put tens of thousands of rows into the DOM. A
//! Content-Security-Policy with the hash of the page script lets no other
//! script run.

use super::escape::{json_for_script, markup as esc};
use super::{edits_within, merged_pieces, new_pieces, old_pieces, span_pieces, Piece};
use crate::error::Error;
use crate::normalize::Rule;
use crate::report::{Change, ChangeKind, EditClass, Report, Row, RowKind, Span};
use sha2::{Digest, Sha256};
use std::fmt::Write;

pub(crate) const CSS: &str = include_str!("html/report.css");
const JS: &str = include_str!("html/report.js");

/// Unchanged rows kept visible on each side of a change.
const CONTEXT: usize = 2;
/// Runs of unchanged rows shorter than this are shown rather than collapsed.
const MIN_COLLAPSE: usize = 4;
/// At most this many marks in the overview bar (nearby changes share one).
const OVERVIEW_BUCKETS: usize = 1000;
/// Characters of text quoted in the change list.
const GIST_CHARS: usize = 36;

/// How to render the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    /// Page title; default `tvdiff: OLD → NEW`.
    pub title: Option<String>,
    /// Date shown as the generation date (e.g. `2025-01-31`); nothing is
    /// shown when `None`. The renderer never reads the clock itself, so the
    /// output is reproducible.
    pub generated: Option<String>,
    /// Sentence rows (the default) or the comparison table of a numbered
    /// document (see [`super::table`]).
    pub layout: Layout,
}

/// How the page is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Layout {
    /// Every sentence in a row, side by side or inline, with navigation.
    #[default]
    Rows,
    /// Two columns 修改前/修改后, one row per article (对照表).
    Table,
}

/// Render `report` as a self-contained HTML page.
///
/// ```
/// use tvdiff::{compare, input::Source, Options};
/// use tvdiff::render::html::{render, HtmlOptions};
///
/// let old = Source::from_text("a.txt", "为各国企业在华投资兴业提供服务。<x>");
/// let new = Source::from_text("b.txt", "为各国企业在中国投资兴业提供服务。<x>");
/// let report = compare(&old, &new, &Options::default())?;
/// let opts = HtmlOptions { generated: Some("2015-12-16".into()), ..Default::default() };
/// let page = render(&report, &opts);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("<del>华</del><ins>中国</ins>"));
/// assert!(page.contains("&lt;x&gt;") && !page.contains("<x>"));
/// assert!(page.contains("2015-12-16"));
/// assert_eq!(page, render(&report, &opts)); // deterministic
/// # Ok::<(), tvdiff::Error>(())
/// ```
pub fn render(report: &Report, opts: &HtmlOptions) -> String {
    if opts.layout == Layout::Table {
        return super::table::html(report, opts);
    }
    let fallback;
    let rows: &[Row] = if report.rows.is_empty() && !report.changes.is_empty() {
        fallback = super::rows_from_changes(report);
        &fallback
    } else {
        &report.rows
    };
    let body = Body::build(report, rows);

    let title = opts.title.clone().unwrap_or_else(|| format!("tvdiff: {} → {}", report.old.path, report.new.path));
    let script_hash = base64(&Sha256::digest(JS.as_bytes()));

    let mut out = String::with_capacity(body.rows.len() + body.gaps_json.len() + CSS.len() + JS.len() + 16_384);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; img-src data:; base-uri 'none'; form-action 'none'\">"
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    let _ = writeln!(out, "<meta name=\"generator\" content=\"tvdiff {}\">", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(out, "<style>\n{CSS}</style>\n</head>");
    out.push_str("<body class=\"side\">\n");

    header(&mut out, report, opts, &title, body.gaps);
    toolbar(&mut out, report, &body);
    change_list(&mut out, report, &body);

    let text_lang = match (report.old.script, report.new.script) {
        (crate::chars::Script::Han, _) | (_, crate::chars::Script::Han) => " lang=\"zh\"",
        _ => "",
    };
    let _ = writeln!(out, "<main id=\"main\">\n<table id=\"rows\" class=\"rows\"{text_lang}>");
    let _ = writeln!(
        out,
        "<thead><tr><th class=\"mk\"><span class=\"sr\">change</span></th>\
         <th class=\"ln lo\">line</th><th class=\"tx to\">Old: {o}</th>\
         <th class=\"ln lnn\">line</th><th class=\"tx tn\">New: {n}</th>\
         <th class=\"tx tm\">{n} <span class=\"muted\">with deletions and insertions from {o}</span></th></tr></thead>",
        o = esc_path(&report.old.path),
        n = esc_path(&report.new.path),
    );
    out.push_str("<tbody>\n");
    out.push_str(&body.rows);
    out.push_str("</tbody>\n</table>\n");
    if rows.is_empty() {
        out.push_str("<p class=\"empty\">Neither version has any sentence to compare.</p>\n");
    }
    out.push_str("</main>\n");

    overview(&mut out, report, rows.len(), &body);

    out.push_str("<script type=\"application/json\" id=\"tvd-gaps\">");
    out.push_str(&body.gaps_json);
    out.push_str("</script>\n<script>");
    out.push_str(JS);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// Today's date in UTC as `YYYY-MM-DD`, for [`HtmlOptions::generated`]: the
/// date of `$SOURCE_DATE_EPOCH` (seconds since 1970) when that variable is
/// set, so that a report can be rebuilt byte for byte, otherwise the system
/// clock's.
///
/// # Errors
///
/// [`Error::Usage`] when `SOURCE_DATE_EPOCH` is set but is not an integer.
pub fn generation_date() -> Result<String, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => {
            let secs: i64 = v.trim().parse().map_err(|_| {
                Error::Usage(format!("SOURCE_DATE_EPOCH='{v}' is not a number of seconds since 1970-01-01"))
            })?;
            Ok(utc_date(secs))
        }
        _ => {
            let now = std::time::SystemTime::now();
            let secs = match now.duration_since(std::time::UNIX_EPOCH) {
                Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
            };
            Ok(utc_date(secs))
        }
    }
}

/// The UTC calendar date (`YYYY-MM-DD`) of a Unix time in seconds
/// (proleptic Gregorian calendar).
///
/// ```
/// use tvdiff::render::html::utc_date;
/// assert_eq!(utc_date(0), "1970-01-01");
/// assert_eq!(utc_date(1_450_224_000), "2015-12-16");
/// assert_eq!(utc_date(951_782_400), "2000-02-29");
/// assert_eq!(utc_date(-1), "1969-12-31");
/// ```
pub fn utc_date(unix_seconds: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let days = unix_seconds.div_euclid(86_400) + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The rendered rows and what the header, change list and overview bar need
/// to know about them.
struct Body {
    /// `<tr>` elements.
    rows: String,
    /// Collapsed runs as JSON, safe inside `<script>`.
    gaps_json: String,
    /// Navigable changes in document order.
    marks: Vec<Mark>,
    /// Number of collapsed runs.
    gaps: usize,
}

/// A change row: what the change list and the overview bar link to.
struct Mark {
    change: usize,
    row: usize,
    from: bool,
}

/// One unchanged row inside a collapsed run, as the page script reads it:
/// `[old line, old text, new line, new text or null when identical, kind]`
/// with kind 0 for equal, 1 for resegmented.
type GapRow<'a> = (String, &'a str, String, Option<&'a str>, u8);

impl Body {
    fn build(report: &Report, rows: &[Row]) -> Body {
        let changed = |r: &Row| !matches!(r.kind, RowKind::Equal | RowKind::Resegmented);
        let mut show = vec![false; rows.len()];
        for (i, r) in rows.iter().enumerate() {
            if changed(r) {
                let lo = i.saturating_sub(CONTEXT);
                let hi = (i + CONTEXT + 1).min(rows.len());
                show[lo..hi].iter_mut().for_each(|s| *s = true);
            }
        }
        let mut body = Body { rows: String::new(), gaps_json: String::new(), marks: Vec::new(), gaps: 0 };
        let mut gaps: Vec<Vec<GapRow>> = Vec::new();
        let mut seen = vec![0u8; report.changes.len()];
        let mut i = 0;
        while i < rows.len() {
            // Rows the report left out (`Options::row_context`): said, and
            // never inside a collapsed run.
            if rows[i].skipped > 0 {
                let n = rows[i].skipped;
                let what = if n == 1 { "sentence" } else { "sentences" };
                let _ = writeln!(
                    body.rows,
                    "<tr class=\"gap\"><td colspan=\"5\">… {n} unchanged {what} not in this report …</td></tr>"
                );
            }
            if show[i] {
                row_html(&mut body, report, rows, i, &mut seen);
                i += 1;
                continue;
            }
            let end = (i..rows.len()).find(|&j| show[j] || j > i && rows[j].skipped > 0).unwrap_or(rows.len());
            if end - i < MIN_COLLAPSE {
                for j in i..end {
                    row_html(&mut body, report, rows, j, &mut seen);
                }
            } else {
                let n = end - i;
                let what = if n == 1 { "sentence" } else { "sentences" };
                let _ = writeln!(
                    body.rows,
                    "<tr class=\"gap\" data-gap=\"{g}\" data-n=\"{n}\"><td colspan=\"5\">\
                     <button type=\"button\" class=\"more\">Show {n} unchanged {what}</button>\
                     <span class=\"pgap\">… {n} unchanged {what} not shown …</span></td></tr>",
                    g = gaps.len(),
                );
                gaps.push(rows[i..end].iter().map(gap_row).collect());
            }
            i = end;
        }
        body.gaps = gaps.len();
        body.gaps_json = json_for_script(&gaps);
        body
    }
}

fn gap_row(r: &Row) -> GapRow<'_> {
    let ot = r.old.as_ref().map_or("", |s| s.text.as_str());
    let nt = r.new.as_ref().map_or("", |s| s.text.as_str());
    let kind = u8::from(r.kind == RowKind::Resegmented);
    (line_label(&r.old), ot, line_label(&r.new), (nt != ot).then_some(nt), kind)
}

fn line_label(s: &Option<Box<Span>>) -> String {
    match s {
        None => String::new(),
        Some(s) if s.end_line > s.line => format!("{}–{}", s.line, s.end_line),
        Some(s) => s.line.to_string(),
    }
}

/// Can the piece helpers slice this change's spans safely? (Always true for
/// a report made by [`compare`](crate::compare); a report read back from
/// JSON might not be.)
fn edits_fit(c: &Change) -> bool {
    let fits = |span: &Option<Box<Span>>, at: crate::report::Location, text: &str| match span {
        None => true,
        Some(s) => {
            s.start <= at.start
                && at.start <= at.end
                && at.end <= s.end
                && s.end - s.start == s.text.len()
                && s.text.is_char_boundary(at.start - s.start)
                && s.text.is_char_boundary(at.end - s.start)
                && (text.is_empty() || s.text.get(at.start - s.start..at.end - s.start) == Some(text))
        }
    };
    let mut last_old = 0;
    let mut last_new = 0;
    c.edits.iter().all(|e| {
        let ok = fits(&c.old, e.old_at, &e.old)
            && fits(&c.new, e.new_at, &e.new)
            && e.old_at.start >= last_old
            && e.new_at.start >= last_new;
        last_old = e.old_at.end;
        last_new = e.new_at.end;
        ok
    })
}

/// Short key of a change kind, as in the `k-…` CSS classes.
fn kind_key(k: ChangeKind) -> &'static str {
    match k {
        ChangeKind::Modified => "mod",
        ChangeKind::Added => "add",
        ChangeKind::Removed => "del",
        ChangeKind::Moved => "to",
    }
}

fn kind_class(k: RowKind) -> &'static str {
    match k {
        RowKind::Equal => "r-eq",
        RowKind::Resegmented => "r-reseg",
        RowKind::Modified => "r-mod",
        RowKind::Added => "r-add",
        RowKind::Removed => "r-del",
        RowKind::MovedFrom => "r-from",
        RowKind::MovedTo => "r-to",
    }
}

/// Marker symbol and its spoken label.
fn marker(k: RowKind, class: Option<EditClass>) -> (&'static str, String) {
    match k {
        RowKind::Equal => ("", String::new()),
        RowKind::Resegmented => ("⇄", "same text, split into sentences differently".into()),
        RowKind::Modified => match class {
            Some(EditClass::Wording) | None => ("~", "modified".into()),
            Some(c) => ("~", format!("modified ({} only)", c.label())),
        },
        RowKind::Added => ("+", "added".into()),
        RowKind::Removed => ("−", "removed".into()),
        RowKind::MovedFrom => ("⇣", "moved away from here".into()),
        RowKind::MovedTo => ("⇡", "moved here".into()),
    }
}

/// Bits of `seen` in [`row_html`]: the change's row (or first row) and
/// its first moved-from row have been written.
const SEEN_TO: u8 = 1;
const SEEN_FROM: u8 = 2;

fn row_html(body: &mut Body, report: &Report, rows: &[Row], i: usize, seen: &mut [u8]) {
    let r = &rows[i];
    let out = &mut body.rows;
    let change = r.change.and_then(|c| report.changes.get(c));
    let kind = r.kind;
    let mut classes = format!("row {}", kind_class(kind));
    let mut id = String::new();
    let mut data = String::new();
    let is_change = !matches!(kind, RowKind::Equal | RowKind::Resegmented);
    if let Some(c) = change.filter(|_| is_change) {
        let from = kind == RowKind::MovedFrom;
        // A change over several rows (a unit added, removed or moved as a
        // whole) is one stop, at its first row.
        if from && seen.get(c.id).is_some_and(|s| s & SEEN_FROM == 0) {
            seen[c.id] |= SEEN_FROM;
            id = format!(" id=\"c{}-from\"", c.id);
        } else if !from && seen.get(c.id).is_some_and(|s| s & SEEN_TO == 0) {
            seen[c.id] |= SEEN_TO;
            id = format!(" id=\"c{}\"", c.id);
            classes.push_str(" chg");
        }
        let _ = write!(data, " data-c=\"{}\" data-class=\"{}\"", c.id, c.class.label());
        if !id.is_empty() {
            body.marks.push(Mark { change: c.id, row: i, from });
        }
    }
    let same_text = r.old.as_ref().map(|s| &s.text) == r.new.as_ref().map(|s| &s.text);
    let (sym, label) = if kind == RowKind::Equal && !same_text {
        ("≈", "same wording; only ignored formatting differs".to_string())
    } else {
        marker(kind, change.map(|c| c.class))
    };
    if kind == RowKind::Equal && !same_text {
        classes.push_str(" fmt");
    }
    let _ = write!(out, "<tr{id} class=\"{classes}\"{data}>");
    if sym.is_empty() {
        out.push_str("<td class=\"mk\"></td>");
    } else {
        let _ = write!(
            out,
            "<td class=\"mk\" title=\"{l}\"><span aria-hidden=\"true\">{sym}</span><span class=\"sr\">{l}</span></td>",
            l = esc(&label)
        );
    }
    let _ = write!(out, "<td class=\"ln lo\">{}</td><td class=\"tx to\">", line_label(&r.old));
    // Where a reader finds a change in the source: PDF page, caption time.
    let (old_at, new_at) = match change.filter(|_| is_change) {
        Some(c) if kind != RowKind::MovedFrom => (at_badge(&c.old), at_badge(&c.new)),
        _ if is_change => (at_badge(&r.old), at_badge(&r.new)),
        _ => (String::new(), String::new()),
    };
    out.push_str(&old_at);
    if is_change {
        section_tag(out, &r.old);
    }
    let modified = change.filter(|c| kind == RowKind::Modified && edits_fit(c));
    // A move that changed: its edits, sentence by sentence.
    let moved = change.filter(|c| !c.edits.is_empty() && edits_fit(c));
    let within = |out: &mut String, c: &Change, s: &Option<Box<Span>>, old: bool| {
        if let Some(s) = s {
            pieces_html(out, &span_pieces(s, edits_within(c, s, old), old, |_| false));
        }
    };
    match (kind, modified) {
        (RowKind::Modified, Some(c)) => pieces_html(out, &old_pieces(c)),
        (RowKind::Removed, _) => wrapped(out, "del", &r.old),
        (RowKind::MovedFrom, _) if moved.is_some() => within(out, moved.expect("checked"), &r.old, true),
        _ => text_opt(out, &r.old),
    }
    if kind == RowKind::MovedFrom {
        if let Some(to) = change.and_then(|c| c.new.as_ref().map(|s| (c.id, s))) {
            let _ = write!(out, " <a class=\"mv\" href=\"#c{}\">moved to line {} ⇣</a>", to.0, to.1.line);
        }
    }
    let _ = write!(out, "</td><td class=\"ln lnn\">{}</td><td class=\"tx tn\">", line_label(&r.new));
    out.push_str(&new_at);
    if is_change {
        section_tag(out, &r.new);
    }
    match (kind, modified) {
        (RowKind::Modified, Some(c)) => pieces_html(out, &new_pieces(c)),
        (RowKind::Added, _) => wrapped(out, "ins", &r.new),
        (RowKind::MovedTo, _) if moved.is_some() => within(out, moved.expect("checked"), &r.new, false),
        _ => text_opt(out, &r.new),
    }
    if kind == RowKind::MovedTo {
        if let Some(from) = change.and_then(|c| c.old.as_ref().map(|s| (c.id, s))) {
            let _ = write!(out, " <a class=\"mv\" href=\"#c{}-from\">moved from line {} ⇡</a>", from.0, from.1.line);
        }
    }
    out.push_str("</td>");
    if let Some(c) = modified {
        out.push_str("<td class=\"tx tm\">");
        out.push_str(&new_at);
        pieces_html(out, &merged_pieces(c));
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

/// The numbered unit a changed row stands in (`第十二条`), unless its text
/// starts with that label anyway; the whole path as the tooltip.
fn section_tag(out: &mut String, s: &Option<Box<Span>>) {
    let Some(s) = s else { return };
    let Some(sec) = &s.section else { return };
    if s.text.trim_start().starts_with(sec.as_str()) {
        return;
    }
    let _ = write!(out, "<span class=\"sec\" title=\"{}\">{}</span> ", esc(&s.path.join(" › ")), esc(sec));
}

fn pieces_html(out: &mut String, pieces: &[Piece]) {
    for p in pieces {
        match p {
            Piece::Same(s) => text(out, s),
            Piece::Deleted(s) if !s.is_empty() => {
                out.push_str("<del>");
                text(out, s);
                out.push_str("</del>");
            }
            Piece::Inserted(s) if !s.is_empty() => {
                out.push_str("<ins>");
                text(out, s);
                out.push_str("</ins>");
            }
            _ => {}
        }
    }
}

/// `p. 3 @ 00:12.5`: the PDF page and the caption time of a span, if it
/// has them.
fn at_label(s: &Option<Box<Span>>) -> Option<String> {
    let s = s.as_ref()?;
    let mut parts = Vec::new();
    if let Some(p) = s.page {
        parts.push(format!("p. {p}"));
    }
    if let Some(t) = s.time {
        parts.push(format!("@ {}", t.label()));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// [`at_label`] as a badge at the start of a text cell (not copied with
/// the text).
fn at_badge(s: &Option<Box<Span>>) -> String {
    match (at_label(s), s.as_ref().and_then(|s| s.time)) {
        (Some(l), Some(t)) => format!(
            "<span class=\"at\" title=\"shown from {} to {} in the captions\">{}</span>",
            esc(&secs(t.start)),
            esc(&secs(t.end)),
            esc(&l)
        ),
        (Some(l), None) => format!("<span class=\"at\" title=\"page in the PDF\">{}</span>", esc(&l)),
        _ => String::new(),
    }
}

/// Seconds as a time code with milliseconds (`00:03:12.500`).
fn secs(s: f64) -> String {
    let ms = (s.max(0.0) * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

fn wrapped(out: &mut String, tag: &str, s: &Option<Box<Span>>) {
    if let Some(s) = s {
        let _ = write!(out, "<{tag}>");
        text(out, &s.text);
        let _ = write!(out, "</{tag}>");
    }
}

fn text_opt(out: &mut String, s: &Option<Box<Span>>) {
    if let Some(s) = s {
        text(out, &s.text);
    }
}

/// Original text for display: escaped; each run of line breaks becomes a
/// `⏎` marker; control characters other than tab become spaces. The page
/// script does the same for rows it materialises.
fn text(out: &mut String, s: &str) {
    let mut first = true;
    for part in s.split(['\r', '\n']) {
        if !first && !out.ends_with(NL_MARK) {
            out.push_str(NL_MARK);
        }
        first = false;
        if part.chars().any(|c| c.is_control() && c != '\t') {
            let cleaned: String = part.chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }).collect();
            out.push_str(&esc(&cleaned));
        } else {
            out.push_str(&esc(part));
        }
    }
}

const NL_MARK: &str = "<span class=\"nl\">⏎</span>";

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn human_bytes(n: usize) -> String {
    if n < 1024 {
        format!("{n} bytes")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB ({n} bytes)", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB ({n} bytes)", n as f64 / (1024.0 * 1024.0))
    }
}

/// A path escaped for the page, with a line-break opportunity after each
/// `/`, so that a narrow screen wraps it between directories rather than
/// at any character.
fn esc_path(p: &str) -> String {
    esc(p).replace('/', "/<wbr>")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The page header: title, versions, summary, options (`gaps`: collapsed
/// runs of unchanged rows, for the hint).
pub(crate) fn header(out: &mut String, report: &Report, opts: &HtmlOptions, title: &str, gaps: usize) {
    let s = &report.summary;
    out.push_str("<header class=\"head\">\n");
    let _ = writeln!(out, "<h1>{}</h1>", esc_path(title));
    out.push_str("<p class=\"meta\">");
    if let Some(date) = &opts.generated {
        let _ = write!(out, "Generated <time>{}</time> by ", esc(date));
    } else {
        out.push_str("Generated by ");
    }
    let _ = writeln!(out, "tvdiff {}.</p>", env!("CARGO_PKG_VERSION"));

    // Versions.
    out.push_str(
        "<table class=\"versions\"><thead><tr><th></th><th>File</th><th>Size</th><th>Lines compared</th>\
         <th>Sentences</th><th>Script</th><th>Encoding</th><th>SHA-256</th></tr></thead><tbody>\n",
    );
    for (label, v) in [("Old", &report.old), ("New", &report.new)] {
        let dropped = if v.lines_dropped > 0 { format!(" ({} filtered out)", v.lines_dropped) } else { String::new() };
        let script = serde_json::to_value(v.script).ok().and_then(|j| j.as_str().map(str::to_string));
        let encoding = if v.replaced_bytes > 0 {
            format!(
                "{} <strong class=\"replaced\">({} undecodable byte{} replaced by \u{FFFD})</strong>",
                esc(&v.encoding),
                v.replaced_bytes,
                if v.replaced_bytes == 1 { "" } else { "s" }
            )
        } else {
            esc(&v.encoding)
        };
        let _ = writeln!(
            out,
            "<tr><th>{label}</th><td class=\"path\" data-label=\"File\">{}</td><td data-label=\"Size\">{}</td>\
             <td data-label=\"Lines compared\">{} of {}{dropped}</td><td data-label=\"Sentences\">{}</td>\
             <td data-label=\"Script\">{}</td><td data-label=\"Encoding\">{}</td>\
             <td class=\"hash\" data-label=\"SHA-256\"><code>{}</code></td></tr>",
            esc_path(&v.path),
            human_bytes(v.bytes),
            v.lines_compared,
            v.lines,
            v.sentences,
            esc(&script.unwrap_or_default())
                + if v.unpunctuated {
                    " <em class=\"asr\">(no punctuation: a recogniser transcript?)</em>"
                } else {
                    ""
                },
            encoding,
            esc(&v.sha256),
        );
    }
    out.push_str("</tbody></table>\n");

    // Summary.
    out.push_str("<section class=\"summary\" aria-label=\"Summary\">\n<ul class=\"counts\">");
    let counts = [
        ("eq", "", s.equal, "equal"),
        ("mod", "~", s.modified, "modified"),
        ("add", "+", s.added, "added"),
        ("del", "−", s.removed, "removed"),
        ("mov", "⇡", s.moved, "moved"),
    ];
    for (cls, sym, n, label) in counts {
        let sym = if sym.is_empty() { String::new() } else { format!("<span aria-hidden=\"true\">{sym}</span> ") };
        let _ = write!(out, "<li class=\"k-{cls}\">{sym}<b>{n}</b> {label}</li>");
    }
    let _ = writeln!(out, "<li class=\"sim\">similarity <b>{:.1}%</b></li></ul>", s.similarity);
    if !s.edits.is_empty() {
        let e: Vec<String> = s.edits.iter().map(|(k, v)| format!("{v} {}", k.label())).collect();
        let _ = writeln!(out, "<p><span class=\"lbl\">Edits by class:</span> {}</p>", esc(&e.join(", ")));
    }
    if !s.renumbered.is_empty() {
        let units: Vec<String> = s.renumbered.iter().map(|(unit, n)| plural(*n, unit, &format!("{unit}s"))).collect();
        let _ = writeln!(
            out,
            "<p class=\"renum\"><span class=\"lbl\">Renumbered:</span> {} (an inserted, deleted or moved unit shifted the numbers after it)</p>",
            esc(&units.join(", "))
        );
    }
    if !s.recurring.is_empty() {
        out.push_str("<p class=\"recurring\"><span class=\"lbl\">Recurring edits:</span> ");
        for (k, g) in s.recurring.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str("<span class=\"rec\">");
            recurring_html(out, g);
            out.push_str("</span>");
        }
        out.push_str("</p>\n");
    }
    let absorbed: Vec<String> =
        Rule::ALL.iter().filter_map(|r| s.absorbed.get(r).map(|n| format!("{n} {}", r.label()))).collect();
    let ignored = if absorbed.is_empty() {
        "no formatting differences".to_string()
    } else {
        format!("{} differences ignored", absorbed.join(", "))
    };
    let _ = writeln!(
        out,
        "<p><span class=\"lbl\">Normalisation:</span> {}; {} (same text, split into sentences differently).</p>",
        esc(&ignored),
        plural(s.resegmented, "resegmented place", "resegmented places"),
    );
    if let Some(er) = &s.error_rate {
        let _ = writeln!(
            out,
            "<p class=\"error-rate\"><span class=\"lbl\">Error rate</span> (new against old as the reference, \
             punctuation removed): <b>{}</b></p>",
            esc(&er.label())
        );
    }
    options_html(out, report);
    out.push_str(
        "<p class=\"legend\"><span class=\"lbl\">Legend:</span> <span class=\"sym\">~</span> modified, \
         <span class=\"sym\">+</span> added, <span class=\"sym\">−</span> removed, \
         <span class=\"sym\">⇣</span>/<span class=\"sym\">⇡</span> moved from/to, \
         <span class=\"sym\">⇄</span> split differently, <span class=\"sym\">≈</span> same wording, other formatting; \
         <del>deleted</del>, <ins>inserted</ins>, <span class=\"nl\">⏎</span> line break in the original.</p>\n",
    );
    if report.changes.is_empty() {
        out.push_str("<p class=\"nodiff\"><b>No differences</b> in wording after normalisation.</p>\n");
    } else if gaps > 0 {
        let _ = writeln!(
            out,
            "<p class=\"noprint hint\">Unchanged text is collapsed around the changes ({gaps} collapsed runs).</p>",
        );
    }
    out.push_str("</section>\n</header>\n");
}

/// `帐 → 账 ×21`, the two texts marked as an edit is.
fn recurring_html(out: &mut String, g: &crate::report::Recurring) {
    if !g.old.is_empty() {
        out.push_str("<del>");
        text(out, &g.old);
        out.push_str("</del>");
    }
    out.push_str(" → ");
    if !g.new.is_empty() {
        out.push_str("<ins>");
        text(out, &g.new);
        out.push_str("</ins>");
    }
    let _ = write!(out, " ×{}", g.count);
}

fn options_html(out: &mut String, report: &Report) {
    let o = &report.options;
    let n = &o.normalize;
    let mut ignored = Vec::new();
    let mut kept = Vec::new();
    for (on, name) in [
        (n.width, "full/half width"),
        (n.quotes, "quote style"),
        (n.dashes, "dashes/ellipses"),
        (n.spacing, "spacing"),
        (n.line_breaks, "line breaks"),
    ] {
        if on {
            ignored.push(name);
        } else {
            kept.push(name);
        }
    }
    if n.ignore_case {
        ignored.push("letter case");
    }
    if n.ignore_punctuation && o.auto_ignore_punctuation {
        ignored.push("all punctuation (automatically: a version has none; --keep-punctuation compares it)");
    } else if n.ignore_punctuation {
        ignored.push("all punctuation");
    }
    if o.ignore_fillers {
        ignored.push("filler words");
    }
    let lang = serde_json::to_value(o.lang).ok().and_then(|j| j.as_str().map(str::to_string)).unwrap_or_default();
    out.push_str("<p class=\"options\"><span class=\"lbl\">Options:</span> ");
    let _ = write!(out, "language <code>{}</code>", esc(&lang));
    let _ = write!(out, "; ignoring {}", if ignored.is_empty() { "nothing".into() } else { ignored.join(", ") });
    if !kept.is_empty() {
        let _ = write!(out, "; significant: {}", kept.join(", "));
    }
    for re in &o.ignore_lines {
        let _ = write!(out, "; lines matching <code>{}</code> dropped", esc(re));
    }
    let _ = writeln!(
        out,
        "; threshold {}; moves {}; timeout {} ms.</p>",
        o.threshold,
        if o.detect_moves {
            format!("detected (reworded ones at similarity ≥ {})", o.move_threshold)
        } else {
            "not detected".into()
        },
        o.timeout_ms
    );
}

fn toolbar(out: &mut String, report: &Report, body: &Body) {
    let n = body.marks.iter().filter(|m| !m.from).count();
    out.push_str("<div class=\"toolbar\" role=\"toolbar\" aria-label=\"Report controls\">\n");
    let _ = writeln!(
        out,
        "<button type=\"button\" id=\"prev\" title=\"Previous change (p)\">↑ Previous</button>\
         <button type=\"button\" id=\"next\" title=\"Next change (n)\">↓ Next</button>\
         <span id=\"pos\" class=\"pos\" aria-live=\"polite\">{}</span>",
        plural(n, "change", "changes")
    );
    out.push_str(
        "<button type=\"button\" id=\"view\" aria-pressed=\"false\" title=\"Switch between two columns and one column\">Inline view</button>\n\
         <label class=\"filter\"><input type=\"checkbox\" id=\"hide-punct\"> Hide punctuation-only changes \
         (<span id=\"npunct\">0</span>)</label>\n",
    );
    // Only a numbered document that was renumbered has renumbering to hide.
    if report.summary.edits.contains_key(&EditClass::Renumbering) {
        out.push_str(
            "<label class=\"filter\"><input type=\"checkbox\" id=\"hide-renum\"> Hide renumbering-only changes \
             (<span id=\"nrenum\">0</span>)</label>\n",
        );
    }
    out.push_str("<span class=\"keys\"><kbd>n</kbd>/<kbd>p</kbd> next/previous</span>\n</div>\n");
}

fn change_list(out: &mut String, report: &Report, body: &Body) {
    let marks: Vec<&Mark> = body.marks.iter().filter(|m| !m.from).collect();
    let n = marks.len();
    let _ = writeln!(
        out,
        "<details class=\"changes\" id=\"changes\"{}>\n<summary>Changes ({n})</summary>\n<ol id=\"change-list\">",
        if n <= 200 { " open" } else { "" }
    );
    // Changes made only of one recurring edit (renumbering aside) are
    // listed together, collapsed, where the first of them stands.
    let group_of = |c: &Change| -> Option<usize> {
        let mut own = c.edits.iter().filter(|e| e.class != EditClass::Renumbering);
        let g = own.next()?.recurring?;
        own.all(|e| e.recurring == Some(g)).then_some(g)
    };
    let groups: Vec<Option<usize>> = marks.iter().map(|m| report.changes.get(m.change).and_then(group_of)).collect();
    let mut done = vec![false; report.summary.recurring.len()];
    for (k, m) in marks.iter().enumerate() {
        let Some(c) = report.changes.get(m.change) else { continue };
        match groups[k] {
            Some(g) if done.get(g) == Some(&false) => {
                done[g] = true;
                let members: Vec<&Change> = marks
                    .iter()
                    .zip(&groups)
                    .filter(|(_, x)| **x == Some(g))
                    .filter_map(|(m, _)| report.changes.get(m.change))
                    .collect();
                let _ = write!(out, "<li class=\"grp\" data-class=\"{}\"><details><summary>", c.class.label());
                if let Some(r) = report.summary.recurring.get(g) {
                    recurring_html(out, r);
                }
                let _ = writeln!(out, " in {}</summary><ol>", plural(members.len(), "change", "changes"));
                for c in members {
                    change_item(out, c);
                }
                out.push_str("</ol></details></li>\n");
            }
            Some(_) => {}
            None => change_item(out, c),
        }
    }
    out.push_str("</ol>\n</details>\n");
}

/// One entry of the change list.
fn change_item(out: &mut String, c: &Change) {
    let (sym, label) = match c.kind {
        ChangeKind::Modified => ("~", "modified"),
        ChangeKind::Added => ("+", "added"),
        ChangeKind::Removed => ("−", "removed"),
        ChangeKind::Moved => ("⇡", "moved"),
    };
    // Where: the line, and the numbered unit when there is one.
    let at = |s: &Option<Box<Span>>| match s {
        None => "–".to_string(),
        Some(s) => match &s.section {
            Some(sec) => format!("{} {}", s.line, sec),
            None => s.line.to_string(),
        },
    };
    let _ = write!(
        out,
        "<li data-class=\"{cls}\"><a href=\"#c{id}\" data-c=\"{id}\"><span class=\"sym k-{k}\" title=\"{label}\">{sym}</span> \
         <span class=\"where\">{o}→{nw}</span> ",
        cls = c.class.label(),
        id = c.id,
        k = kind_key(c.kind),
        o = esc(&at(&c.old)),
        nw = esc(&at(&c.new)),
    );
    // Where a reader finds it in the source: PDF page, caption time.
    if let Some(l) = at_label(&c.new).or_else(|| at_label(&c.old)) {
        let _ = write!(out, "<span class=\"at\">{}</span> ", esc(&l));
    }
    out.push_str("<span class=\"gist\">");
    match c.kind {
        ChangeKind::Modified | ChangeKind::Moved if !c.edits.is_empty() => {
            for (k, e) in c.edits.iter().enumerate().take(3) {
                if k > 0 {
                    out.push_str(" · ");
                }
                if !e.old.is_empty() {
                    out.push_str("<del>");
                    text(out, &clip(&e.old));
                    out.push_str("</del>");
                }
                if !e.new.is_empty() {
                    out.push_str("<ins>");
                    text(out, &clip(&e.new));
                    out.push_str("</ins>");
                }
            }
            if c.edits.len() > 3 {
                let _ = write!(out, " · +{} more", c.edits.len() - 3);
            }
        }
        _ => {
            let s = c.new.as_ref().or(c.old.as_ref()).map_or("", |s| s.text.as_str());
            text(out, &clip(s));
        }
    }
    out.push_str("</span></a></li>\n");
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(GIST_CHARS).collect();
    if s.chars().nth(GIST_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn overview(out: &mut String, report: &Report, total: usize, body: &Body) {
    out.push_str("<nav class=\"overview\" id=\"overview\" aria-label=\"Where the changes are\">");
    let mut last_bucket = usize::MAX;
    for m in &body.marks {
        let bucket = m.row * OVERVIEW_BUCKETS / total.max(1);
        if bucket == last_bucket {
            continue;
        }
        last_bucket = bucket;
        let pct = m.row as f64 * 100.0 / total.max(1) as f64;
        let Some(c) = report.changes.get(m.change) else { continue };
        let (href, kind) =
            if m.from { (format!("c{}-from", c.id), "from") } else { (format!("c{}", c.id), kind_key(c.kind)) };
        let _ = write!(
            out,
            "<a href=\"#{href}\" class=\"ov k-{kind}\" data-c=\"{}\" data-class=\"{}\" style=\"top:{pct:.2}%\" \
             tabindex=\"-1\" aria-hidden=\"true\"></a>",
            c.id,
            c.class.label()
        );
    }
    out.push_str("</nav>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn text_is_escaped_and_line_breaks_marked() {
        let mut s = String::new();
        text(&mut s, "a<b>&\"'\r\n\r\nc\u{0}");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;&#39;<span class=\"nl\">⏎</span>c ");
    }

    #[test]
    fn json_cannot_close_the_script_element() {
        let gaps = vec![vec![("1".to_string(), "</script><!--&", String::new(), None::<&str>, 0u8)]];
        assert_eq!(json_for_script(&gaps), r#"[[["1","\u003c/script\u003e\u003c!--\u0026","",null,0]]]"#);
    }

    #[test]
    fn dates() {
        assert_eq!(utc_date(1_700_000_000), "2023-11-14");
        assert_eq!(utc_date(253_402_300_799), "9999-12-31");
        assert_eq!(utc_date(-62_135_596_800), "0001-01-01");
    }

    #[test]
    fn the_script_has_no_closing_tag() {
        assert!(!JS.to_ascii_lowercase().contains("</script"));
        assert!(!JS.contains("<!--"));
    }
}
