//! The differences as captions: `--format srt` and `--format vtt` write one
//! cue per change, timed where the change is in the video, so that a
//! reviewer can watch the video with the differences on screen.
//!
//! **Times.** A change takes the time of its new side (the changed words'
//! cues, [`Span::time`]) when the new version was read from captions, else
//! that of its old side. A change with no time of its own (a sentence of
//! the official transcript that the captions lack, compared as `tvdiff
//! transcript.txt captions.srt`) is placed where it would be: right after
//! the end of the nearest earlier row of the comparison that has a time
//! (or before the next one), for [`PLACED_SECONDS`]. A change that cannot be
//! placed at all (neither version is captions, or the report has no rows)
//! is left out; the WebVTT file says how many in a `NOTE`, SRT has no
//! comments.
//!
//! **Text.** A modified sentence is shown with its edits in place and a
//! little unchanged text around them: `…在[华→中国]投资…` for a
//! replacement, `[+传统]` for an insertion, `[-的]` for a deletion. An
//! added sentence is `+ …`, a removed one `− …` (a minus sign: a line
//! starting with `- ` is a dialogue turn in captions), a moved one
//! `moved: …`. Lines are wrapped at [`LINE_COLUMNS`] display columns (a
//! Han character takes two).
//!
//! **Order.** Cues are sorted by time and never overlap: a cue that starts
//! while the previous one is still shown ends the previous one, unless that
//! would leave it less than [`MIN_SECONDS`] on screen, in which case the
//! two changes share one cue (one line each). A cue is at least
//! [`MIN_SECONDS`] long.
//!
//! **Escaping.** WebVTT cue text escapes `&`, `<` and `>`; SRT has no
//! escapes, so `<` and `>` become `‹` and `›` (players read `<i>` as a
//! tag). Either file reads back with tvdiff's own caption reader to the
//! same text.

use super::{merged_pieces, Piece};
use crate::render::escape::name;
use crate::report::{Change, ChangeKind, Report, Span, TimeSpan};
use std::fmt::Write;
use unicode_width::UnicodeWidthChar;

/// Width of a caption line, in display columns.
pub const LINE_COLUMNS: usize = 42;
/// Shortest time a cue is shown, in seconds.
pub const MIN_SECONDS: f64 = 1.0;
/// How long a change without a time of its own is shown, in seconds.
pub const PLACED_SECONDS: f64 = 2.0;
/// Unchanged text kept next to an edit (a Han character weighs 1, a word 2).
const CONTEXT_WEIGHT: usize = 8;
/// Text kept of an added, removed or moved sentence.
const SENTENCE_WEIGHT: usize = 40;

/// One cue of the output.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffCue {
    /// When it appears, in seconds.
    pub start: f64,
    /// When it disappears, in seconds.
    pub end: f64,
    /// The changes it shows ([`Change::id`]s).
    pub changes: Vec<usize>,
    /// Its lines of text, unescaped.
    pub lines: Vec<String>,
}

/// The cues of a report, and the changes left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiffCues {
    /// In time order, not overlapping.
    pub cues: Vec<DiffCue>,
    /// Ids of the changes that could not be placed in time.
    pub untimed: Vec<usize>,
}

/// The cues for `report` (see the module documentation).
pub fn cues(report: &Report) -> DiffCues {
    let mut timed: Vec<DiffCue> = Vec::new();
    let mut untimed = Vec::new();
    let place = Placement::new(report);
    for c in &report.changes {
        let Some((start, end)) = own_time(c).or_else(|| place.time(c)) else {
            untimed.push(c.id);
            continue;
        };
        let end = end.max(start + MIN_SECONDS);
        timed.push(DiffCue { start, end, changes: vec![c.id], lines: wrap(&change_text(c), LINE_COLUMNS) });
    }
    timed.sort_by(|a, b| a.start.total_cmp(&b.start).then(a.end.total_cmp(&b.end)).then(a.changes.cmp(&b.changes)));
    let mut cues: Vec<DiffCue> = Vec::with_capacity(timed.len());
    for cue in timed {
        match cues.last_mut() {
            Some(prev) if cue.start < prev.end => {
                if cue.start >= prev.start + MIN_SECONDS {
                    prev.end = cue.start;
                    cues.push(cue);
                } else {
                    prev.end = prev.end.max(cue.end);
                    prev.changes.extend(cue.changes);
                    prev.lines.extend(cue.lines);
                }
            }
            _ => cues.push(cue),
        }
    }
    DiffCues { cues, untimed }
}

/// A change's own time: its new side's, else its old side's.
fn own_time(c: &Change) -> Option<(f64, f64)> {
    let t = c.new.as_ref().and_then(|s| s.time).or_else(|| c.old.as_ref().and_then(|s| s.time))?;
    Some((t.start, t.end))
}

/// Where changes without a time stand: after the nearest earlier row with
/// a time, or before the nearest later one. Worked out for all rows in two
/// passes (a book compared with its captions has tens of thousands of
/// changes; looking around each one's row was quadratic).
struct Placement {
    /// The first row of each change, by change id.
    row_of: std::collections::HashMap<usize, usize>,
    /// The time of the last row with one before row `i`.
    before: Vec<Option<TimeSpan>>,
    /// The time of the first row with one after row `i`.
    after: Vec<Option<TimeSpan>>,
}

impl Placement {
    fn new(report: &Report) -> Placement {
        let rows = &report.rows;
        let time = |r: &crate::report::Row| {
            let t = |s: &Option<Box<Span>>| s.as_ref().and_then(|s| s.time);
            t(&r.new).or(t(&r.old))
        };
        let mut row_of = std::collections::HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            if let Some(id) = r.change {
                row_of.entry(id).or_insert(i);
            }
        }
        let mut before = Vec::with_capacity(rows.len());
        let mut last = None;
        for r in rows {
            before.push(last);
            last = time(r).or(last);
        }
        let mut after = vec![None; rows.len()];
        let mut next = None;
        for (i, r) in rows.iter().enumerate().rev() {
            after[i] = next;
            next = time(r).or(next);
        }
        Placement { row_of, before, after }
    }

    /// Where change `c` stands, if it has a row and some row has a time.
    fn time(&self, c: &Change) -> Option<(f64, f64)> {
        let at = *self.row_of.get(&c.id)?;
        if let Some(t) = self.before[at] {
            return Some((t.end, t.end + PLACED_SECONDS));
        }
        let t = self.after[at]?;
        let start = (t.start - PLACED_SECONDS).max(0.0);
        Some((start, start + PLACED_SECONDS))
    }
}

/// One line of text for a change.
fn change_text(c: &Change) -> String {
    let sentence = |s: &Option<Box<Span>>| s.as_ref().map_or(String::new(), |s| clip(&flat(&s.text), SENTENCE_WEIGHT));
    match c.kind {
        ChangeKind::Added => format!("+ {}", sentence(&c.new)),
        ChangeKind::Removed => format!("− {}", sentence(&c.old)),
        ChangeKind::Moved => format!("moved: {}", sentence(&c.new)),
        ChangeKind::Modified => modified_text(c),
    }
}

/// `…在[华→中国]投资…`: the new sentence with its edits in place and a
/// little context around them.
fn modified_text(c: &Change) -> String {
    let pieces = merged_pieces(c);
    let last = pieces.len().saturating_sub(1);
    let mut out = String::new();
    let mut k = 0;
    while k < pieces.len() {
        match pieces[k] {
            Piece::Same(s) => {
                let s = flat(s);
                let kept = match (k == 0, k == last) {
                    (true, true) => s,
                    (true, false) => keep_end(&s),
                    (false, true) => keep_start(&s),
                    (false, false) => keep_both(&s),
                };
                out.push_str(if out.ends_with(' ') { kept.trim_start() } else { &kept });
                k += 1;
            }
            Piece::Deleted(d) => {
                if let Some(Piece::Inserted(i)) = pieces.get(k + 1) {
                    bracket(&mut out, &[d, i], |p| format!("{}→{}", p[0], p[1]));
                    k += 2;
                } else {
                    bracket(&mut out, &[d], |p| format!("-{}", p[0]));
                    k += 1;
                }
            }
            Piece::Inserted(i) => {
                bracket(&mut out, &[i], |p| format!("+{}", p[0]));
                k += 1;
            }
        }
    }
    out.trim().to_string()
}

/// An edit in brackets, the spaces at its ends kept outside them
/// (`to [+my] dear`, not `to [+my ]dear`).
fn bracket(out: &mut String, texts: &[&str], inside: impl Fn(&[&str]) -> String) {
    let flats: Vec<String> = texts.iter().map(|t| flat(t)).collect();
    let lead = flats.iter().any(|t| t.starts_with(' '));
    let trail = flats.iter().any(|t| t.ends_with(' '));
    let trimmed: Vec<&str> = flats.iter().map(|t| t.trim()).collect();
    if lead && !out.ends_with(' ') {
        out.push(' ');
    }
    let _ = write!(out, "[{}]", inside(&trimmed));
    if trail {
        out.push(' ');
    }
}

/// Text on one line: runs of white space become one space (none between
/// two Chinese characters), control characters go.
fn flat(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if c.is_control() {
            continue;
        }
        if space {
            // (A space at the very start is kept: it separates the text
            // from an edit before it.)
            let between_cjk = out.chars().next_back().is_some_and(crate::chars::is_cjk) && crate::chars::is_cjk(c);
            if !between_cjk {
                out.push(' ');
            }
            space = false;
        }
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    out
}

/// Units of text for eliding: a Han character (weight 1) or a word with
/// the spaces after it (weight 2).
fn units(s: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in s.char_indices() {
        let han = crate::chars::is_cjk(c);
        if han {
            if in_word || start < i {
                out.push((&s[start..i], 2));
            }
            out.push((&s[i..i + c.len_utf8()], 1));
            start = i + c.len_utf8();
            in_word = false;
        } else if c == ' ' {
            in_word = false;
        } else {
            if !in_word && start < i && !s[start..i].trim().is_empty() {
                out.push((&s[start..i], 2));
                start = i;
            }
            in_word = true;
        }
    }
    if start < s.len() {
        out.push((&s[start..], if s[start..].trim().is_empty() { 0 } else { 2 }));
    }
    out
}

fn weight(u: &[(&str, usize)]) -> usize {
    u.iter().map(|u| u.1).sum()
}

/// The end of `s`, about [`CONTEXT_WEIGHT`] long, after `…`.
fn keep_end(s: &str) -> String {
    let u = units(s);
    let mut w = 0;
    let from = u.iter().rposition(|x| {
        w += x.1;
        w >= CONTEXT_WEIGHT
    });
    match from {
        Some(i) if i > 0 && weight(&u[..i]) > 2 => format!("…{}", u[i..].iter().map(|x| x.0).collect::<String>()),
        _ => s.to_string(),
    }
}

/// The start of `s`, about [`CONTEXT_WEIGHT`] long, before `…`.
fn keep_start(s: &str) -> String {
    let u = units(s);
    let mut w = 0;
    let to = u.iter().position(|x| {
        w += x.1;
        w >= CONTEXT_WEIGHT
    });
    match to {
        Some(i) if weight(&u[i + 1..]) > 2 => format!("{}…", u[..=i].iter().map(|x| x.0).collect::<String>()),
        _ => s.to_string(),
    }
}

/// Both ends of `s` with `…` between, when that saves something.
fn keep_both(s: &str) -> String {
    let u = units(s);
    if weight(&u) <= 2 * CONTEXT_WEIGHT + 2 {
        return s.to_string();
    }
    let (head, tail) = (keep_start(s), keep_end(s));
    format!("{}{}", head.trim_end_matches('…'), tail)
}

/// A sentence shortened to about `max` weight, with `…`.
fn clip(s: &str, max: usize) -> String {
    let u = units(s);
    if weight(&u) <= max + 2 {
        return s.trim().to_string();
    }
    let mut w = 0;
    let mut out = String::new();
    for x in u {
        if w + x.1 > max {
            break;
        }
        w += x.1;
        out.push_str(x.0);
    }
    format!("{}…", out.trim_end())
}

/// Wrap `text` into lines of at most `width` display columns: at spaces in
/// Latin text, anywhere in Chinese (a word longer than a line overflows).
/// A line never starts like a caption's dialogue turn (`- `, `>>`) and is
/// never one bracketed edit alone (a caption reader would take `[…]` on its
/// own for a sound description): such a line joins the one before it.
fn wrap(text: &str, width: usize) -> Vec<String> {
    // Atoms: a CJK character, or a run of other non-space characters; each
    // with whether a space came before it.
    let mut atoms: Vec<(bool, &str)> = Vec::new();
    let mut space = false;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let cjk = crate::chars::is_cjk(c);
        if c == ' ' || cjk {
            if let Some(s) = start.take() {
                atoms.push((space, &text[s..i]));
                space = false;
            }
            if cjk {
                atoms.push((space, &text[i..i + c.len_utf8()]));
            }
            space = c == ' ';
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        atoms.push((space, &text[s..]));
    }
    let cols = |s: &str| s.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>();
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (spaced, atom) in atoms {
        let sep = if spaced && !cur.is_empty() { 1 } else { 0 };
        if !cur.is_empty() && cols(&cur) + sep + cols(atom) > width {
            lines.push(std::mem::take(&mut cur));
        } else if sep == 1 {
            cur.push(' ');
        }
        cur.push_str(atom);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    let mut k = 1;
    while k < lines.len() {
        let t = lines[k].trim();
        let lone = t.starts_with('[') && t.ends_with(']') && !t[1..].contains('[');
        if lone || bad_start(t) {
            let line = lines.remove(k);
            let sep = if line.starts_with(|c: char| crate::chars::is_cjk(c)) { "" } else { " " };
            lines[k - 1] = format!("{}{sep}{}", lines[k - 1], line);
            continue;
        }
        k += 1;
    }
    if lines.len() > 1 && lines[0].starts_with('[') && lines[0].ends_with(']') && !lines[0][1..].contains('[') {
        let first = lines.remove(0);
        lines[0] = format!("{first} {}", lines[0]);
    }
    lines
}

/// Would a line starting with `s` be read as a dialogue turn or a speaker?
fn bad_start(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with("- ") || t.starts_with("– ") || t.starts_with(">>") || t == "-" || t == "–"
}

/// `HH:MM:SS` and milliseconds, with `sep` before them.
fn timestamp(seconds: f64, sep: char) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// Cue times in whole milliseconds, each cue ending no later than the
/// next begins and lasting at least a millisecond.
fn millis(cues: &[DiffCue]) -> Vec<(f64, f64)> {
    let ms = |s: f64| (s.max(0.0) * 1000.0).round() / 1000.0;
    let mut out: Vec<(f64, f64)> = cues.iter().map(|c| (ms(c.start), ms(c.end))).collect();
    for k in 0..out.len() {
        if k + 1 < out.len() {
            out[k].1 = out[k].1.min(out[k + 1].0);
        }
        out[k].1 = out[k].1.max(out[k].0 + 0.001);
    }
    out
}

/// The differences as SubRip captions (`.srt`).
///
/// ```
/// use tvdiff::{compare, input::Source, Options};
/// let old = Source::from_text("t.txt", "我们热情欢迎各国企业在华投资兴业。");
/// let srt = "1\n00:00:01,000 --> 00:00:04,000\n我们热情欢迎各国企业在中国投资兴业。\n";
/// let new = Source::from_bytes("c.srt", srt.as_bytes().to_vec())?;
/// let report = compare(&old, &new, &Options::default())?;
/// let out = tvdiff::render::captions::srt(&report);
/// assert_eq!(out, "1\n00:00:01,000 --> 00:00:04,000\n…情欢迎各国企业在[华→中国]投资兴业。\n\n");
/// # Ok::<(), tvdiff::Error>(())
/// ```
pub fn srt(report: &Report) -> String {
    let d = cues(report);
    let mut out = String::new();
    for (n, (cue, (start, end))) in d.cues.iter().zip(millis(&d.cues)).enumerate() {
        let _ = writeln!(out, "{}\n{} --> {}", n + 1, timestamp(start, ','), timestamp(end, ','));
        for line in &cue.lines {
            out.push_str(&line.replace('<', "‹").replace('>', "›"));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// The differences as WebVTT captions (`.vtt`), with a `NOTE` naming the
/// versions and the changes left out.
///
/// ```
/// use tvdiff::{compare, input::Source, Options};
/// let old = Source::from_text("t.txt", "Ladies and gentlemen, dear friends.");
/// let vtt = "WEBVTT\n\n00:01.000 --> 00:03.500\nLadies and gentlemen, my dear friends.\n";
/// let new = Source::from_bytes("c.vtt", vtt.as_bytes().to_vec())?;
/// let report = compare(&old, &new, &Options::default())?;
/// let out = tvdiff::render::captions::vtt(&report);
/// assert!(out.starts_with("WEBVTT\n\nNOTE\n"));
/// assert!(out.ends_with("change-0\n00:00:01.000 --> 00:00:03.500\nLadies and gentlemen, [+my] dear friends.\n\n"));
/// # Ok::<(), tvdiff::Error>(())
/// ```
pub fn vtt(report: &Report) -> String {
    let d = cues(report);
    let safe = |s: &str| name(s).replace("-->", "->");
    let mut out = String::from("WEBVTT\n\nNOTE\n");
    let n = report.changes.len();
    let _ = writeln!(
        out,
        "tvdiff {}: {} → {}, {n} {}.",
        env!("CARGO_PKG_VERSION"),
        safe(&report.old.path),
        safe(&report.new.path),
        if n == 1 { "change" } else { "changes" }
    );
    if !d.untimed.is_empty() {
        let ids: Vec<String> = d.untimed.iter().map(|i| i.to_string()).collect();
        let _ = writeln!(
            out,
            "{} without a time (neither version has one there) left out: {}.",
            if d.untimed.len() == 1 { "1 change" } else { "Changes" },
            ids.join(", ")
        );
    }
    out.push('\n');
    for (cue, (start, end)) in d.cues.iter().zip(millis(&d.cues)) {
        let ids: Vec<String> = cue.changes.iter().map(|i| i.to_string()).collect();
        let _ = writeln!(out, "change-{}\n{} --> {}", ids.join("+"), timestamp(start, '.'), timestamp(end, '.'));
        for line in &cue.lines {
            out.push_str(&line.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_spaces_or_anywhere_in_chinese() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("中国愿通过互联网架设国际交流桥梁", 10), ["中国愿通过", "互联网架设", "国际交流桥", "梁"]);
        // Never a line that starts a dialogue turn, nor a bracketed edit alone.
        assert!(wrap("living - rather than dead", 8).iter().all(|l| !l.starts_with("- ")));
        assert_eq!(wrap("abc [x→yyyyyy] d", 12), ["abc", "[x→yyyyyy] d"]);
        assert_eq!(wrap("abc [x→yyyyyy]", 8), ["abc [x→yyyyyy]"]);
    }

    #[test]
    fn context_is_elided_around_edits() {
        assert_eq!(keep_end("让各国人民了解中华优秀"), "…人民了解中华优秀");
        assert_eq!(keep_start("文化，让中国人民了解各国"), "文化，让中国人民…");
        assert_eq!(keep_end("we will open wider to the world and"), "…to the world and");
        assert_eq!(keep_end("short"), "short");
        assert_eq!(clip("abc", 40), "abc");
    }

    #[test]
    fn times_are_milliseconds() {
        assert_eq!(timestamp(3723.5, ','), "01:02:03,500");
        assert_eq!(timestamp(0.0004, '.'), "00:00:00.000");
    }
}
