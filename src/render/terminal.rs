//! Terminal renderer: changed sentences with their locations, inline
//! highlights, context and a summary; optionally side by side.
//!
//! Without colour, deletions are written `[-…-]` and insertions `{+…+}`
//! (the `wdiff` convention), so the output still reads in a pipe, a log or
//! an e-mail. Widths are measured in display columns (a Han character takes
//! two), so the side-by-side view stays aligned for Chinese.

use super::{edits_within, merged_span_pieces, span_pieces, Piece};
use crate::normalize::Rule;
use crate::render::escape::name;
use crate::report::{Change, ChangeKind, Edit, EditClass, Report, Row, RowKind, Span};
use owo_colors::OwoColorize;
use std::fmt::Write;
use unicode_width::UnicodeWidthChar;

/// How to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Unchanged sentences shown around each change.
    pub context: usize,
    /// Two columns, old and new.
    pub side_by_side: bool,
    /// Total width in columns (side-by-side view).
    pub width: usize,
    /// Print the closing summary.
    pub summary: bool,
    /// Inside a modified sentence (inline view), shorten an unchanged
    /// stretch to this many characters next to each edit, with `…` in
    /// between. `None` prints every sentence whole.
    pub elide: Option<usize>,
    /// Show edits that only follow a renumbering
    /// ([`EditClass::Renumbering`]); hidden (and counted in the summary)
    /// by default.
    pub show_renumbering: bool,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        TerminalOptions {
            color: false,
            context: 1,
            side_by_side: false,
            width: 100,
            summary: true,
            elide: None,
            show_renumbering: false,
        }
    }
}

/// Where an unchanged stretch of a modified sentence stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stretch {
    /// Before the first edit: keep its end.
    First,
    /// Between two edits: keep both ends.
    Middle,
    /// After the last edit: keep its start.
    Last,
    /// The whole sentence (no edit shown in it).
    Whole,
}

/// Shorten an unchanged stretch to `keep` characters next to the edits
/// around it, `…` standing for what is left out. A stretch is cut only
/// when that saves more than a few characters.
fn elide(s: &str, keep: usize, at: Stretch) -> std::borrow::Cow<'_, str> {
    let n = s.chars().count();
    let slack = 4;
    let cut = |from: usize, to: usize| -> (usize, usize) {
        // Byte offsets of character `from` and `to`.
        let b = |k: usize| s.char_indices().nth(k).map_or(s.len(), |(i, _)| i);
        (b(from), b(to))
    };
    match at {
        Stretch::Whole => std::borrow::Cow::Borrowed(s),
        Stretch::First if n > keep + slack => {
            let (i, _) = cut(n - keep, n);
            std::borrow::Cow::Owned(format!("…{}", &s[i..]))
        }
        Stretch::Last if n > keep + slack => {
            let (i, _) = cut(keep, n);
            std::borrow::Cow::Owned(format!("{}…", &s[..i]))
        }
        Stretch::Middle if n > 2 * keep + slack => {
            let (i, j) = cut(keep, n - keep);
            std::borrow::Cow::Owned(format!("{}…{}", &s[..i], &s[j..]))
        }
        _ => std::borrow::Cow::Borrowed(s),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Sty {
    Plain,
    Del,
    Ins,
    Dim,
    Head,
    Moved,
}

fn paint(s: &str, sty: Sty, color: bool) -> String {
    if !color {
        return match sty {
            Sty::Del => format!("[-{s}-]"),
            Sty::Ins => format!("{{+{s}+}}"),
            _ => s.to_string(),
        };
    }
    match sty {
        Sty::Plain => s.to_string(),
        Sty::Del => s.red().strikethrough().to_string(),
        Sty::Ins => s.green().underline().to_string(),
        Sty::Dim => s.dimmed().to_string(),
        Sty::Head => s.cyan().bold().to_string(),
        Sty::Moved => s.yellow().to_string(),
    }
}

/// Make original text printable on one line: line breaks become `⏎`, tabs
/// and other control characters a space.
pub(crate) fn flat(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' || c == '\n' {
            // One mark for \r\n and for blank-line runs.
            while chars.peek().is_some_and(|n| *n == '\n' || *n == '\r') {
                chars.next();
            }
            out.push('⏎');
        } else if matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069) {
            // Bidirectional overrides would reorder what the reader sees
            // ("Trojan Source"); show them instead of obeying them.
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else if c.is_control() {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn loc(path: &str, span: &Span) -> String {
    let mut s = format!("{}:{}:{}", name(path), span.line, span.column);
    // Where a reader finds it in the source: the PDF page, the caption time.
    if let Some(p) = span.page {
        s += &format!(" p. {p}");
    }
    if let Some(t) = span.time {
        s += &format!(" @ {}", t.label());
    }
    // The numbered unit it stands in: 第十二条, Article 12.
    if let Some(sec) = &span.section {
        s += &format!(" {}", name(sec));
    }
    s
}

/// Is `row` a change that only follows a renumbering, hidden unless
/// `--show-renumbering`?
fn hidden(report: &Report, row: &Row, opts: &TerminalOptions) -> bool {
    !opts.show_renumbering
        && row.kind == RowKind::Modified
        && row.change.and_then(|c| report.changes.get(c)).is_some_and(|c| c.class == EditClass::Renumbering)
}

/// Edits shown as plain text: renumbering, when hidden.
fn plain(opts: &TerminalOptions) -> impl Fn(&Edit) -> bool + '_ {
    move |e: &Edit| !opts.show_renumbering && e.class == EditClass::Renumbering
}

/// Render a report for a terminal.
pub fn render(report: &Report, opts: &TerminalOptions) -> String {
    let mut out = String::new();
    let fallback;
    let rows: &[Row] = if report.rows.is_empty() && !report.changes.is_empty() {
        fallback = super::rows_from_changes(report);
        &fallback
    } else {
        &report.rows
    };
    // Each row's place in the alignment: a report may hold only the rows
    // around its changes (`Options::row_context`), each saying how many
    // were left out before it.
    let mut at = Vec::with_capacity(rows.len());
    let mut next = 0usize;
    for r in rows {
        next = next.saturating_add(r.skipped);
        at.push(next);
        next = next.saturating_add(1);
    }
    // Which rows to show: every changed row and `context` rows around it.
    let changed = |r: &Row| !matches!(r.kind, RowKind::Equal | RowKind::Resegmented) && !hidden(report, r, opts);
    let mut show = vec![false; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if changed(r) {
            let near = |j: &usize| at[i].abs_diff(at[*j]) <= opts.context;
            let lo = (0..i).rev().take_while(near).last().unwrap_or(i);
            let hi = (i..rows.len()).take_while(near).last().unwrap_or(i);
            show[lo..=hi].iter_mut().for_each(|s| *s = true);
        }
    }
    // Side by side, a numbered document shows each changed article whole,
    // its two versions starting on the same line under its labels.
    let mut unit_start: Vec<Option<(Option<String>, Option<String>)>> = Vec::new();
    if opts.side_by_side && rows.iter().flat_map(|r| [&r.old, &r.new]).flatten().any(|s| !s.path.is_empty()) {
        unit_start = vec![None; rows.len()];
        for t in super::table::table(report).rows {
            let g = t.rows.clone();
            if g.len() <= WHOLE_UNIT_ROWS && show[g.clone()].iter().any(|&s| s) && g.clone().any(|i| changed(&rows[i]))
            {
                show[g.clone()].iter_mut().for_each(|s| *s = true);
            }
            unit_start[g.start] = Some((t.old.label, t.new.label));
        }
    }
    if opts.side_by_side && show.iter().any(|&s| s) {
        side_by_side_names(&mut out, report, opts);
    }
    // Inline, the unchanged sentences before a change are printed after
    // its `@@` header, so that they never read as the tail of the hunk
    // above; those after a change (up to `context` of them) follow it.
    let mut lead = String::new();
    let mut last_shown: Option<usize> = None;
    let mut last_change: Option<usize> = None;
    for (i, r) in rows.iter().enumerate() {
        if !show[i] {
            continue;
        }
        if last_shown.is_some_and(|l| at[l].saturating_add(1) != at[i]) {
            out.push_str(&std::mem::take(&mut lead));
            out.push('\n');
        }
        last_shown = Some(i);
        // A unit's labels above its rows, unless its text starts with them.
        if let Some(Some((o, n))) = unit_start.get(i) {
            let says = |label: &Option<String>, s: &Option<Box<Span>>| {
                label.as_ref().is_none_or(|l| s.as_ref().is_none_or(|s| s.text.trim_start().starts_with(l.as_str())))
            };
            if !(says(o, &r.old) && says(n, &r.new)) {
                unit_labels(&mut out, o.as_deref(), n.as_deref(), opts);
            }
        }
        if opts.side_by_side {
            side_by_side_row(&mut out, report, r, opts);
        } else if changed(r) {
            last_change = Some(i);
            inline_row(&mut out, report, r, opts, &mut lead);
        } else if last_change.is_some_and(|c| at[i] - at[c] <= opts.context) && lead.is_empty() {
            inline_row(&mut out, report, r, opts, &mut String::new());
        } else {
            let mut line = String::new();
            inline_row(&mut line, report, r, opts, &mut String::new());
            lead.push_str(&line);
        }
    }
    out.push_str(&lead);
    if opts.summary {
        if !out.is_empty() {
            out.push('\n');
        }
        let text = summary_text(report, opts.color, !opts.show_renumbering);
        if opts.side_by_side {
            // The two-column view promises a width; keep the summary inside it.
            for line in text.lines() {
                out.push_str(&wrap_words(line, opts.width));
            }
        } else {
            out.push_str(&text);
        }
    }
    out
}

/// Articles longer than this many sentences are not shown whole side by
/// side (a chapter of a novel is a unit too): only the changes and their
/// context.
const WHOLE_UNIT_ROWS: usize = 24;

/// The labels of the unit that starts here, one above each column.
fn unit_labels(out: &mut String, old: Option<&str>, new: Option<&str>, opts: &TerminalOptions) {
    if old.is_some() || new.is_some() {
        column_heads(out, &name(old.unwrap_or("")), &name(new.unwrap_or("")), opts);
    }
}

/// The names of the two versions above the two columns.
fn side_by_side_names(out: &mut String, report: &Report, opts: &TerminalOptions) {
    let (o, n) = (format!("--- {}", name(&report.old.path)), format!("+++ {}", name(&report.new.path)));
    column_heads(out, &o, &n, opts);
}

/// One line with `left` above the old column and `right` above the new one
/// (each cut to its column's width).
fn column_heads(out: &mut String, left: &str, right: &str, opts: &TerminalOptions) {
    let c = opts.color;
    let num_w = 5;
    let col = opts.width.saturating_sub(2 * (num_w + 1) + 3) / 2;
    let fit = |s: &str| -> (String, usize) {
        let mut t = String::new();
        let mut w = 0;
        for ch in s.chars() {
            let cw = ch.width().unwrap_or(0);
            if w + cw > col {
                break;
            }
            t.push(ch);
            w += cw;
        }
        (t, w)
    };
    let (o, ow) = fit(left);
    let (n, _) = fit(right);
    let pad = " ".repeat(col.saturating_sub(ow));
    let blank = " ".repeat(num_w + 1);
    let _ = writeln!(
        out,
        "{blank}{}{pad} {} {blank}{}",
        paint(&o, Sty::Head, c),
        paint("│", Sty::Dim, c),
        paint(&n, Sty::Head, c)
    );
}

fn header(out: &mut String, report: &Report, change: &Change, opts: &TerminalOptions) {
    let o =
        change.old.as_ref().map_or_else(|| format!("{} (none)", name(&report.old.path)), |s| loc(&report.old.path, s));
    let n =
        change.new.as_ref().map_or_else(|| format!("{} (none)", name(&report.new.path)), |s| loc(&report.new.path, s));
    let what = match change.kind {
        ChangeKind::Modified => format!("modified, {}", change.class.label()),
        ChangeKind::Added => "added".into(),
        ChangeKind::Removed => "removed".into(),
        ChangeKind::Moved if change.edits.is_empty() => "moved".into(),
        ChangeKind::Moved => format!("moved, {}", change.class.label()),
    };
    let line = format!("@@ {o} → {n} @@ {what}");
    let _ = writeln!(out, "{}", paint(&line, Sty::Head, opts.color));
}

/// One row of the inline view; `lead` (the context before it) is written
/// right after the row's `@@` header.
fn inline_row(out: &mut String, report: &Report, row: &Row, opts: &TerminalOptions, lead: &mut String) {
    let c = opts.color;
    let change = row.change.and_then(|i| report.changes.get(i));
    let context = hidden(report, row, opts);
    match (row.kind, change) {
        (RowKind::Equal | RowKind::Resegmented, _) | (RowKind::Modified, _) if context => {
            let text = row.new.as_ref().or(row.old.as_ref()).map(|s| flat(&s.text)).unwrap_or_default();
            let _ = writeln!(out, "  {}", paint(&text, Sty::Dim, c));
        }
        (RowKind::Equal | RowKind::Resegmented, _) => {
            let text = row.new.as_ref().or(row.old.as_ref()).map(|s| flat(&s.text)).unwrap_or_default();
            let _ = writeln!(out, "  {}", paint(&text, Sty::Dim, c));
        }
        (RowKind::Modified, Some(ch)) => {
            header(out, report, ch, opts);
            out.push_str(&std::mem::take(lead));
            let mut line = String::from("~ ");
            let pieces = match &ch.new {
                Some(span) => merged_span_pieces(span, &ch.edits, plain(opts)),
                None => span_pieces(ch.old.as_ref().expect("a change has a side"), &ch.edits, true, plain(opts)),
            };
            let last = pieces.len().saturating_sub(1);
            let edited = pieces.iter().any(|p| !matches!(p, Piece::Same(_)));
            for (k, p) in pieces.iter().enumerate() {
                match p {
                    Piece::Same(s) => {
                        let at = match (k == 0, k == last) {
                            _ if !edited => Stretch::Whole,
                            (true, _) => Stretch::First,
                            (_, true) => Stretch::Last,
                            _ => Stretch::Middle,
                        };
                        match opts.elide {
                            Some(keep) => line += &flat(&elide(s, keep, at)),
                            None => line += &flat(s),
                        }
                    }
                    Piece::Deleted(s) => line += &paint(&flat(s), Sty::Del, c),
                    Piece::Inserted(s) => line += &paint(&flat(s), Sty::Ins, c),
                }
            }
            let _ = writeln!(out, "{line}");
        }
        (RowKind::Added, Some(ch)) => {
            // A unit added as a whole: one header, a line per sentence.
            let span = row.new.as_ref().or(ch.new.as_ref());
            if ch.new.as_ref().zip(span).is_none_or(|(a, b)| a.start == b.start) {
                header(out, report, ch, opts);
            }
            out.push_str(&std::mem::take(lead));
            let t = span.map(|s| flat(&s.text)).unwrap_or_default();
            let _ = writeln!(out, "+ {}", paint(&t, Sty::Ins, c));
        }
        (RowKind::Removed, Some(ch)) => {
            let span = row.old.as_ref().or(ch.old.as_ref());
            if ch.old.as_ref().zip(span).is_none_or(|(a, b)| a.start == b.start) {
                header(out, report, ch, opts);
            }
            out.push_str(&std::mem::take(lead));
            let t = span.map(|s| flat(&s.text)).unwrap_or_default();
            let _ = writeln!(out, "- {}", paint(&t, Sty::Del, c));
        }
        (RowKind::MovedTo, Some(ch)) => {
            // A unit that moved as a whole: one header, a line per sentence.
            if ch.new.as_ref().zip(row.new.as_ref()).is_none_or(|(a, b)| a.start == b.start) {
                header(out, report, ch, opts);
            }
            out.push_str(&std::mem::take(lead));
            let Some(span) = row.new.as_ref().or(ch.new.as_ref()) else { return };
            let mut line = String::from("> ");
            if ch.edits.is_empty() {
                line += &paint(&flat(&span.text), Sty::Moved, c);
            } else {
                for p in merged_span_pieces(span, edits_within(ch, span, false), plain(opts)) {
                    match p {
                        Piece::Same(s) => line += &paint(&flat(s), Sty::Moved, c),
                        Piece::Deleted(s) => line += &paint(&flat(s), Sty::Del, c),
                        Piece::Inserted(s) => line += &paint(&flat(s), Sty::Ins, c),
                    }
                }
            }
            let _ = writeln!(out, "{line}");
        }
        (RowKind::MovedFrom, ch) => {
            out.push_str(&std::mem::take(lead));
            let t = row.old.as_ref().map(|s| flat(&s.text)).unwrap_or_default();
            let to = ch.and_then(|ch| ch.new.as_ref()).map(|s| loc(&report.new.path, s)).unwrap_or_default();
            let _ = writeln!(out, "< {} {}", paint(&t, Sty::Dim, c), paint(&format!("(moved to {to})"), Sty::Moved, c));
        }
        _ => out.push_str(&std::mem::take(lead)),
    }
}

/// A line of styled pieces, wrapped to `width` display columns.
fn wrap(pieces: &[(String, Sty)], width: usize, color: bool) -> Vec<(String, usize)> {
    let width = width.max(4);
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_w = 0;
    for (text, sty) in pieces {
        // Without colour the markers are part of the text.
        let shown = if color { text.clone() } else { paint(text, *sty, false) };
        let sty = if color { *sty } else { Sty::Plain };
        let mut run = String::new();
        for ch in shown.chars() {
            let w = ch.width().unwrap_or(0);
            if cur_w + w > width {
                cur += &paint(&run, sty, color);
                run.clear();
                lines.push((std::mem::take(&mut cur), cur_w));
                cur_w = 0;
            }
            run.push(ch);
            cur_w += w;
        }
        cur += &paint(&run, sty, color);
    }
    if cur_w > 0 || lines.is_empty() {
        lines.push((cur, cur_w));
    }
    lines
}

fn side_by_side_row(out: &mut String, report: &Report, row: &Row, opts: &TerminalOptions) {
    let c = opts.color;
    let num_w = 5;
    let col = opts.width.saturating_sub(2 * (num_w + 1) + 3) / 2;
    let change = row.change.and_then(|i| report.changes.get(i));
    let to_pieces = |ps: Vec<Piece>| -> Vec<(String, Sty)> {
        ps.into_iter()
            .map(|p| match p {
                Piece::Same(s) => (flat(s), Sty::Plain),
                Piece::Deleted(s) => (flat(s), Sty::Del),
                Piece::Inserted(s) => (flat(s), Sty::Ins),
            })
            .collect()
    };
    let whole = |s: &Option<Box<Span>>, sty: Sty| -> Vec<(String, Sty)> {
        s.as_ref().map(|s| vec![(flat(&s.text), sty)]).unwrap_or_default()
    };
    let side = |s: &Option<Box<Span>>, ch: &Change, old: bool| -> Vec<(String, Sty)> {
        s.as_ref().map(|s| to_pieces(span_pieces(s, edits_within(ch, s, old), old, plain(opts)))).unwrap_or_default()
    };
    let (left, right, mark) = match (row.kind, change) {
        _ if hidden(report, row, opts) => (whole(&row.old, Sty::Dim), whole(&row.new, Sty::Dim), ' '),
        (RowKind::Modified, Some(ch)) => (side(&row.old, ch, true), side(&row.new, ch, false), '~'),
        (RowKind::Added, _) => (vec![], whole(&row.new, Sty::Ins), '+'),
        (RowKind::Removed, _) => (whole(&row.old, Sty::Del), vec![], '-'),
        (RowKind::MovedTo, Some(ch)) if !ch.edits.is_empty() => (vec![], side(&row.new, ch, false), '>'),
        (RowKind::MovedFrom, Some(ch)) if !ch.edits.is_empty() => (side(&row.old, ch, true), vec![], '<'),
        (RowKind::MovedTo, _) => (vec![], whole(&row.new, Sty::Moved), '>'),
        (RowKind::MovedFrom, _) => (whole(&row.old, Sty::Moved), vec![], '<'),
        _ => (whole(&row.old, Sty::Dim), whole(&row.new, Sty::Dim), ' '),
    };
    let lw = wrap(&left, col, c);
    let rw = wrap(&right, col, c);
    let ln = |s: &Option<Box<Span>>| s.as_ref().map(|s| s.line.to_string()).unwrap_or_default();
    let (lnum, rnum) = (ln(&row.old), ln(&row.new));
    let empty = (String::new(), 0);
    for k in 0..lw.len().max(rw.len()) {
        let (l, l_w) = lw.get(k).unwrap_or(&empty);
        let (r, _) = rw.get(k).unwrap_or(&empty);
        let (a, b) = if k == 0 { (lnum.as_str(), rnum.as_str()) } else { ("", "") };
        let pad = " ".repeat(col.saturating_sub(*l_w));
        let m = if k == 0 { mark } else { ' ' };
        let _ = writeln!(
            out,
            "{}{m}{l}{pad} {} {}{m}{r}",
            paint(&format!("{a:>num_w$}"), Sty::Dim, c),
            paint("│", Sty::Dim, c),
            paint(&format!("{b:>num_w$}"), Sty::Dim, c),
        );
    }
}

/// Word-wrap one line of plain or coloured text to `width` display columns,
/// continuation lines indented by two spaces.
fn wrap_words(line: &str, width: usize) -> String {
    let visible = |s: &str| -> usize {
        // Skip ANSI escape sequences when measuring.
        let mut w = 0;
        let mut in_esc = false;
        for c in s.chars() {
            if in_esc {
                in_esc = !c.is_ascii_alphabetic();
            } else if c == '\u{1b}' {
                in_esc = true;
            } else {
                w += c.width().unwrap_or(0);
            }
        }
        w
    };
    let mut out = String::new();
    let mut cur = String::new();
    for word in line.split(' ') {
        let extra = if cur.is_empty() { 0 } else { 1 };
        if !cur.is_empty() && visible(&cur) + extra + visible(word) > width {
            out.push_str(&cur);
            out.push('\n');
            cur = String::from("  ");
        } else if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    out.push_str(&cur);
    out.push('\n');
    out
}

/// The closing summary.
pub fn summary(report: &Report, color: bool) -> String {
    summary_text(report, color, false)
}

/// The closing summary; `hidden`: renumbering edits were not shown.
fn summary_text(report: &Report, color: bool, hidden: bool) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let counts = format!(
        "{} equal, {} modified, {} added, {} removed, {} moved sentences; similarity {:.1}%",
        s.equal, s.modified, s.added, s.removed, s.moved, s.similarity
    );
    let _ = writeln!(out, "{} {counts}", paint("Summary:", Sty::Head, color));
    let _ = writeln!(
        out,
        "{} {} ({}) → {} ({})",
        paint("Versions:", Sty::Head, color),
        name(&report.old.path),
        version_facts(&report.old),
        name(&report.new.path),
        version_facts(&report.new),
    );
    if !s.edits.is_empty() {
        let e: Vec<String> = s.edits.iter().map(|(k, v)| format!("{v} {}", k.label())).collect();
        let _ = writeln!(out, "{} {}", paint("Edits:", Sty::Head, color), e.join(", "));
    }
    if let Some(er) = &s.error_rate {
        let _ = writeln!(out, "{} {}", paint("Error rate:", Sty::Head, color), er.label());
    }
    if !s.renumbered.is_empty() {
        let units: Vec<String> = s.renumbered.iter().map(|(unit, n)| plural(*n, unit, &format!("{unit}s"))).collect();
        let edits = s.edits.get(&EditClass::Renumbering).copied().unwrap_or(0);
        let note = if hidden && edits > 0 {
            format!(" ({} not shown; --show-renumbering shows them)", plural(edits, "edit", "edits"))
        } else {
            String::new()
        };
        let _ = writeln!(out, "{} {}{note}", paint("Renumbered:", Sty::Head, color), units.join(", "));
    }
    if !s.recurring.is_empty() {
        const SHOWN: usize = 5;
        let mut groups: Vec<String> = s
            .recurring
            .iter()
            .take(SHOWN)
            .map(|g| format!("{} → {} ×{}", shown(&g.old), shown(&g.new), g.count))
            .collect();
        if s.recurring.len() > SHOWN {
            groups.push(format!("{} more", s.recurring.len() - SHOWN));
        }
        let _ = writeln!(out, "{} {}", paint("Recurring:", Sty::Head, color), groups.join(", "));
    }
    let mut ignored: Vec<String> =
        Rule::ALL.iter().filter_map(|r| s.absorbed.get(r).map(|n| format!("{n} {}", r.label()))).collect();
    if s.resegmented > 0 {
        ignored.push(format!("{} sentence-split", s.resegmented));
    }
    // Punctuation ignored because a version has none (see `recogniser`).
    let auto = if report.options.auto_ignore_punctuation {
        "; all punctuation, as a version has none (--keep-punctuation compares it)"
    } else {
        ""
    };
    if ignored.is_empty() {
        let _ = writeln!(out, "{} no normalisation differences{auto}", paint("Ignored:", Sty::Head, color));
    } else {
        let _ = writeln!(out, "{} {} differences{auto}", paint("Ignored:", Sty::Head, color), ignored.join(", "));
    }
    out
}

/// An edit's text in the summary: `∅` for nothing, one line.
fn shown(s: &str) -> String {
    if s.is_empty() {
        "∅".into()
    } else {
        flat(s)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn version_facts(v: &crate::report::VersionInfo) -> String {
    let mut facts = vec![plural(v.sentences, "sentence", "sentences")];
    if v.lines_dropped > 0 {
        facts.push(format!("{} filtered out", plural(v.lines_dropped, "line", "lines")));
    }
    if !v.encoding.starts_with("UTF-8") {
        facts.push(v.encoding.clone());
    }
    if v.replaced_bytes > 0 {
        facts.push(format!("{} undecodable, replaced", plural(v.replaced_bytes, "byte", "bytes")));
    }
    if v.unpunctuated {
        facts.push("no punctuation: a recogniser transcript?".into());
    }
    facts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_measures_display_width() {
        let lines = wrap(&[("中文字符测试".to_string(), Sty::Plain)], 5, false);
        assert_eq!(lines.iter().map(|l| l.1).collect::<Vec<_>>(), [4, 4, 4]);
        let lines = wrap(&[("ab".to_string(), Sty::Del)], 20, false);
        assert_eq!(lines[0].0, "[-ab-]");
    }

    #[test]
    fn line_breaks_are_marked() {
        assert_eq!(flat("是中国\r\n\r\n互联网\t创新"), "是中国⏎互联网 创新");
    }
}
