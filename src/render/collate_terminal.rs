//! Terminal renderer for a [`Collation`]: a variant table.
//!
//! Each position where the witnesses differ is shown with its witnesses'
//! locations, the anchor's text with numbered variation points marked
//! (`[3 华]`, `[4 ‸]` for a place where some witness adds words), and one
//! line per variation point listing the readings, each followed by the
//! sigla that read it:
//!
//! ```text
//! §60  A 115:112  B 60:112  C 44:112
//!   …让各国人民了解中华优秀[2 ‸]文化，…
//!   2  om. A C │ 传统 B    wording
//! ```
//!
//! A position some witnesses lack ends with `om.` and their sigla. Sigla are
//! coloured when colour is on; without colour the output is plain text.

use crate::collate::{Collation, Position, PositionStatus, TextPiece, VariationPoint};
use crate::render::terminal::flat;
use owo_colors::OwoColorize;
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

/// How to render.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollateTerminalOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Show every position, unanimous ones included.
    pub all: bool,
}

/// Colour of witness `w`'s siglum.
fn siglum(s: &str, w: usize, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    match w % 6 {
        0 => s.red().bold().to_string(),
        1 => s.green().bold().to_string(),
        2 => s.blue().bold().to_string(),
        3 => s.magenta().bold().to_string(),
        4 => s.cyan().bold().to_string(),
        _ => s.yellow().bold().to_string(),
    }
}

fn head(s: &str, color: bool) -> String {
    if color {
        s.cyan().bold().to_string()
    } else {
        s.to_string()
    }
}

fn dim(s: &str, color: bool) -> String {
    if color {
        s.dimmed().to_string()
    } else {
        s.to_string()
    }
}

struct Ctx<'a> {
    c: &'a Collation,
    color: bool,
}

impl Ctx<'_> {
    fn sig(&self, s: &str) -> String {
        siglum(s, self.c.witness_index(s).unwrap_or(0), self.color)
    }

    fn sigla(&self, list: &[String]) -> String {
        list.iter().map(|s| self.sig(s)).collect::<Vec<_>>().join(" ")
    }
}

/// Render a collation as a variant table.
///
/// ```
/// use tvdiff::collate::collate;
/// use tvdiff::input::Source;
/// use tvdiff::render::collate_terminal::{render, CollateTerminalOptions};
/// let w = |s: &str, t: &str| (s.to_string(), Source::from_text(format!("{s}.txt"), t));
/// let c = collate(&[w("A", "在华投资。"), w("B", "在中国投资。"), w("C", "在华投资。")], 0, &Default::default())?;
/// let text = render(&c, &CollateTerminalOptions::default());
/// assert!(text.contains("华 A C │ 中国 B"), "{text}");
/// # Ok::<(), tvdiff::Error>(())
/// ```
pub fn render(c: &Collation, opts: &CollateTerminalOptions) -> String {
    let ctx = Ctx { c, color: opts.color };
    let mut out = String::new();
    let _ =
        writeln!(out, "{} {} witnesses, base {}", head("Collation:", opts.color), c.witnesses.len(), ctx.sig(&c.base));
    let wsig = c.witnesses.iter().map(|w| w.siglum.width()).max().unwrap_or(1);
    let paths: Vec<_> = c.witnesses.iter().map(|w| crate::render::escape::name(&w.path)).collect();
    let wpath = paths.iter().map(|p| p.width()).max().unwrap_or(1);
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    for (i, w) in c.witnesses.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {}{}  {}{}  {}{}",
            siglum(&w.siglum, i, opts.color),
            " ".repeat(wsig - w.siglum.width()),
            paths[i],
            " ".repeat(wpath - paths[i].width()),
            plural(w.sentences, "sentence", "sentences"),
            if w.lines_dropped > 0 {
                format!(", {} filtered out", plural(w.lines_dropped, "line", "lines"))
            } else {
                String::new()
            }
        );
    }
    for p in &c.positions {
        if p.status == PositionStatus::Unanimous && !opts.all {
            continue;
        }
        out.push('\n');
        position(&mut out, &ctx, p);
    }
    out.push('\n');
    out.push_str(&summary(c, opts.color));
    out
}

fn position(out: &mut String, ctx: &Ctx, p: &Position) {
    let color = ctx.color;
    let mut locs = Vec::new();
    for r in &p.witnesses {
        if let Some(s) = &r.span {
            let mut l = format!("{} {}:{}", ctx.sig(&r.siglum), s.line, s.column);
            if let Some(m) = r.moved {
                l += &dim(&format!(" (moved, base at §{})", m + 1), color);
            }
            locs.push(l);
        }
    }
    let _ = writeln!(out, "{}  {}", head(&format!("§{}", p.index + 1), color), locs.join("  "));
    if p.witness(&p.anchor).and_then(|r| r.span.as_ref()).is_none() {
        return;
    }

    // The anchor's text with the variation points marked.
    let mut line = String::from("  ");
    for piece in p.pieces(&p.anchor) {
        match piece {
            TextPiece::Plain(t) => line += &flat(t),
            TextPiece::Reading { vp, text, .. } => {
                let lemma = if text.is_empty() { "‸".to_string() } else { flat(text) };
                if color {
                    let _ = write!(line, "{}{}", format!("{}", vp.id).dimmed(), lemma.yellow().bold().underline());
                } else {
                    let _ = write!(line, "[{} {}]", vp.id, lemma);
                }
            }
        }
    }
    let _ = writeln!(out, "{line}");
    if p.groups.len() > 1 && p.variation_points.is_empty() {
        let _ = writeln!(out, "  {}", ctx.sigla(&p.groups[0]));
    }
    for vp in &p.variation_points {
        variation_point(out, ctx, vp);
    }
    if !p.absent.is_empty() {
        let moved: Vec<String> = p
            .witnesses
            .iter()
            .filter(|r| r.span.is_none())
            .filter_map(|r| r.moved.map(|m| format!("{} at §{}", ctx.sig(&r.siglum), m + 1)))
            .collect();
        let present: Vec<String> = p.witnesses.iter().filter(|r| r.span.is_some()).map(|r| r.siglum.clone()).collect();
        let _ = writeln!(
            out,
            "  {} {} │ om. {}{}",
            dim("in", color),
            ctx.sigla(&present),
            ctx.sigla(&p.absent),
            if moved.is_empty() { String::new() } else { dim(&format!(" (moved: {})", moved.join(", ")), color) }
        );
    }
}

fn variation_point(out: &mut String, ctx: &Ctx, vp: &VariationPoint) {
    let color = ctx.color;
    let readings: Vec<String> = vp
        .readings
        .iter()
        .map(|r| {
            let text = if r.omission { dim("om.", color) } else { flat(r.text.trim()) };
            format!("{text} {}", ctx.sigla(&r.witnesses))
        })
        .collect();
    let sep = format!(" {} ", dim("│", color));
    let _ = writeln!(
        out,
        "  {}  {}    {}",
        dim(&vp.id.to_string(), color),
        readings.join(&sep),
        dim(vp.class.label(), color)
    );
}

/// The closing summary: counts and the pairwise similarity matrix.
pub fn summary(c: &Collation, color: bool) -> String {
    let s = &c.summary;
    let mut out = String::new();
    let classes: Vec<String> = s.classes.iter().map(|(k, v)| format!("{v} {}", k.label())).collect();
    let _ = writeln!(
        out,
        "{} {} positions: {} unanimous, {} with variant readings, {} not in every witness; {} variation points{}",
        head("Summary:", color),
        s.positions,
        s.unanimous,
        s.varying,
        s.partial,
        s.variation_points,
        if classes.is_empty() { String::new() } else { format!(" ({})", classes.join(", ")) }
    );
    let k = s.sigla.len();
    let w = s.sigla.iter().map(|x| x.width()).max().unwrap_or(1).max(6);
    let pad = |t: &str| format!("{}{t}", " ".repeat(w.saturating_sub(t.width())));
    let _ = writeln!(out, "{}", head("Similarity % (upper right) and positions that differ (lower left):", color));
    let mut row = " ".repeat(w + 2);
    for (j, sg) in s.sigla.iter().enumerate() {
        row += &format!(" {}", siglum(&pad(sg), j, color));
    }
    let _ = writeln!(out, "{}", row.trim_end());
    for i in 0..k {
        let mut row = format!("  {}", siglum(&pad(&s.sigla[i]), i, color));
        for j in 0..k {
            let cell = s.matrix_cell(i, j);
            row += &format!(" {}", pad(&cell));
        }
        let _ = writeln!(out, "{row}");
    }
    out
}
