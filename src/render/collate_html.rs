//! HTML renderer for a [`Collation`]: one self-contained page (no network,
//! no external files) with
//!
//! - the witnesses, the summary and the pairwise similarity matrix;
//! - a list of every variant (variation points and sentences not in every
//!   witness), each linking to its place;
//! - the apparatus view: the base text, paragraph by paragraph, with the
//!   variation points marked and numbered, followed by the paragraph's
//!   apparatus entries (`华] A C; 中国 B`); sentences the base lacks are
//!   shown in their first witness's words and marked as such;
//! - a synopsis table with one column per witness for every position where
//!   the witnesses differ, each witness's readings highlighted.
//!
//! `n` and `p` (or the buttons at the top right) move to the next and
//! previous variant. Colours follow `prefers-color-scheme`. Every piece of
//! input text is escaped with [`super::escape::markup`]; the page contains no date,
//! so it is reproducible.

use super::escape::markup;
use crate::chars::Script;
use crate::collate::{Collation, Position, PositionStatus, TextPiece, VariationPoint};
use std::fmt::Write;

const STYLE: &str = r#"
:root { --bg:#fdfdfc; --fg:#1d1d1f; --muted:#6b6b70; --line:#d8d8dc; --mark:#fff1a8; --cur:#ff9f1a;
  --part:#e8f0ff; --g0:#e3e3e8; --g1:#ffd6d6; --g2:#d3f5d3; --g3:#d6e4ff; --g4:#f3dcff; --g5:#ffe8c7;
  --s0:#c0392b; --s1:#1e8449; --s2:#1f5fbf; --s3:#8e44ad; --s4:#138d90; --s5:#b9770e; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#151517; --fg:#e6e6e9; --muted:#9a9aa2; --line:#3a3a40; --mark:#5a4b00; --cur:#ff9f1a;
    --part:#1d2a44; --g0:#34343a; --g1:#5c2626; --g2:#1f4a23; --g3:#22365e; --g4:#47285a; --g5:#5a4020;
    --s0:#ff7b6b; --s1:#6fd68a; --s2:#7fb0ff; --s3:#d59cf0; --s4:#5fd6d9; --s5:#f0c060; }
}
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:16px/1.7 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; }
header, main { max-width: 70rem; margin: 0 auto; padding: 0 1.2rem; }
h1 { font-size:1.5rem; margin:1.2rem 0 .4rem; } h2 { font-size:1.2rem; margin:2rem 0 .6rem; border-bottom:1px solid var(--line); }
table { border-collapse: collapse; margin:.4rem 0; }
th, td { border:1px solid var(--line); padding:.2rem .5rem; vertical-align: top; text-align:left; }
td.num { text-align:right; font-variant-numeric: tabular-nums; }
.muted, .cls { color:var(--muted); font-size:.85em; }
.sig { font-weight:700; font-family: ui-monospace, monospace; font-size:.9em; }
.w0 { color:var(--s0); } .w1 { color:var(--s1); } .w2 { color:var(--s2); } .w3 { color:var(--s3); } .w4 { color:var(--s4); } .w5 { color:var(--s5); }
mark.vp { background:var(--mark); color:inherit; border-radius:3px; padding:0 1px; }
mark.vp sup, .part > sup { color:var(--muted); font-size:.7em; margin-left:1px; }
.part { background:var(--part); border-bottom:2px dashed var(--line); }
.current { outline:3px solid var(--cur); outline-offset:1px; }
p.text { margin:.8rem 0 .2rem; }
ol.app { margin:.1rem 0 1rem; padding-left:0; list-style:none; font-size:.9em; border-left:3px solid var(--line); }
ol.app li { padding-left:.6rem; }
ol.app a, #variants a { color:inherit; text-decoration:none; }
ol.app a.n { color:var(--muted); font-variant-numeric: tabular-nums; margin-right:.3rem; }
#variants ul { columns: 18rem; font-size:.9em; padding-left:0; list-style:none; }
#variants a { color:var(--muted); font-variant-numeric: tabular-nums; margin-right:.2rem; }
#bar { position:fixed; top:.5rem; right:.5rem; background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:.2rem .4rem; font-size:.9em; }
#bar button { background:none; color:inherit; border:1px solid var(--line); border-radius:4px; cursor:pointer; }
table.syn td:not(.num) { min-width: 12rem; }
table.syn a { color:var(--muted); }
.rdg { border-radius:3px; padding:0 1px; }
.g0 { background:var(--g0); } .g1 { background:var(--g1); } .g2 { background:var(--g2); } .g3 { background:var(--g3); } .g4 { background:var(--g4); } .g5 { background:var(--g5); }
td.om { color:var(--muted); font-style:italic; }
"#;

const SCRIPT: &str = r##"
(function () {
  var targets = Array.prototype.slice.call(document.querySelectorAll('.target'));
  var where = document.getElementById('where');
  var i = -1;
  function show(k) {
    if (!targets.length) return;
    if (i >= 0) targets[i].classList.remove('current');
    i = (k + targets.length) % targets.length;
    var t = targets[i];
    t.classList.add('current');
    t.scrollIntoView({ block: 'center' });
    if (history.replaceState) history.replaceState(null, '', '#' + t.id);
    if (where) where.textContent = (i + 1) + ' / ' + targets.length;
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    if (e.key === 'n') { show(i + 1); e.preventDefault(); }
    else if (e.key === 'p') { show(i - 1); e.preventDefault(); }
  });
  document.getElementById('next').addEventListener('click', function () { show(i + 1); });
  document.getElementById('prev').addEventListener('click', function () { show(i - 1); });
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#"]');
    if (!a) return;
    var k = targets.map(function (t) { return '#' + t.id; }).indexOf(a.getAttribute('href'));
    if (k >= 0) { e.preventDefault(); show(k); }
  });
  if (where) where.textContent = '0 / ' + targets.length;
})();
"##;

struct Ctx<'a> {
    c: &'a Collation,
}

impl Ctx<'_> {
    fn sig(&self, s: &str) -> String {
        let w = self.c.witness_index(s).unwrap_or(0) % 6;
        format!("<span class=\"sig w{w}\">{}</span>", markup(s))
    }

    fn sigla(&self, list: &[String]) -> String {
        list.iter().map(|s| self.sig(s)).collect::<Vec<_>>().join(" ")
    }
}

/// Render a collation as a self-contained HTML page.
///
/// ```
/// use tvdiff::collate::collate;
/// use tvdiff::input::Source;
/// let w = |s: &str, t: &str| (s.to_string(), Source::from_text(format!("{s}.txt"), t));
/// let c = collate(&[w("A", "在华<投资>。"), w("B", "在中国<投资>。")], 0, &Default::default())?;
/// let html = tvdiff::render::collate_html::render(&c);
/// assert!(html.contains("&lt;投资&gt;") && !html.contains("<投资>"));
/// assert!(html.contains("id=\"v1\""));
/// # Ok::<(), tvdiff::Error>(())
/// ```
pub fn render(c: &Collation) -> String {
    let ctx = Ctx { c };
    let base = c.witness_index(&c.base).map(|b| &c.witnesses[b]);
    let lang = match base.map(|w| w.script) {
        Some(Script::Han) => "zh",
        Some(Script::Latin) => "en",
        _ => "und",
    };
    let names: Vec<&str> = c.witnesses.iter().map(|w| w.siglum.as_str()).collect();
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"tvdiff {}\">\n<title>Collation: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        markup(&names.join(", "))
    );
    out.push_str(
        "<div id=\"bar\"><button id=\"prev\" title=\"previous variant (p)\">‹ p</button> \
         <span id=\"where\"></span> <button id=\"next\" title=\"next variant (n)\">n ›</button></div>\n",
    );
    header(&mut out, &ctx);
    out.push_str("<main>\n");
    variant_list(&mut out, &ctx);
    apparatus(&mut out, &ctx);
    synopsis(&mut out, &ctx);
    out.push_str("</main>\n");
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
}

fn header(out: &mut String, ctx: &Ctx) {
    let c = ctx.c;
    let s = &c.summary;
    out.push_str("<header>\n");
    let _ = writeln!(out, "<h1>Collation of {} witnesses</h1>", c.witnesses.len());
    let _ = writeln!(
        out,
        "<p>Base witness {}. {} positions: {} unanimous, {} with variant readings, {} not in every witness; {} variation points{}.</p>",
        ctx.sig(&c.base),
        s.positions,
        s.unanimous,
        s.varying,
        s.partial,
        s.variation_points,
        if s.classes.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                s.classes.iter().map(|(k, v)| format!("{v} {}", k.label())).collect::<Vec<_>>().join(", ")
            )
        }
    );
    out.push_str(
        "<table class=\"wits\"><thead><tr><th>Siglum</th><th>File</th><th>Sentences</th><th>Lacks</th>\
         <th>Singular readings</th><th>SHA-256</th></tr></thead><tbody>\n",
    );
    for w in &c.witnesses {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"muted\" title=\"{}\">{}…</td></tr>",
            ctx.sig(&w.siglum),
            markup(&w.path),
            w.sentences,
            w.absent,
            w.singular,
            markup(&w.sha256),
            markup(w.sha256.get(..12).unwrap_or(&w.sha256))
        );
    }
    out.push_str("</tbody></table>\n");
    out.push_str("<p class=\"muted\">Similarity % (upper right) and number of positions where two witnesses differ (lower left):</p>\n<table class=\"matrix\"><thead><tr><th></th>");
    for sg in &s.sigla {
        let _ = write!(out, "<th>{}</th>", ctx.sig(sg));
    }
    out.push_str("</tr></thead><tbody>\n");
    for (i, sg) in s.sigla.iter().enumerate() {
        let _ = write!(out, "<tr><th>{}</th>", ctx.sig(sg));
        for j in 0..s.sigla.len() {
            let cell = s.matrix_cell(i, j);
            let _ = write!(out, "<td class=\"num\">{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n</header>\n");
}

/// A short plain-text description of a variation point: `华] A C; 中国 B`.
fn vp_summary(ctx: &Ctx, vp: &VariationPoint) -> String {
    let mut parts = Vec::new();
    for (i, r) in vp.readings.iter().enumerate() {
        let text = if r.omission { "<i>om.</i>".to_string() } else { markup(r.text.trim()) };
        let sep = if i == 0 { "]" } else { "" };
        parts.push(format!("<span class=\"rdg g{}\">{text}</span>{sep} {}", i % 6, ctx.sigla(&r.witnesses)));
    }
    parts.join("; ")
}

fn partial_summary(ctx: &Ctx, p: &Position) -> String {
    let present: Vec<String> = p.witnesses.iter().filter(|r| r.span.is_some()).map(|r| r.siglum.clone()).collect();
    let moved: Vec<String> = p
        .witnesses
        .iter()
        .filter_map(|r| {
            r.moved.map(|m| {
                format!(
                    "{} {} <a href=\"#s{}\">§{}</a>",
                    ctx.sig(&r.siglum),
                    if r.span.is_some() { "also at" } else { "moved to" },
                    m + 1,
                    m + 1
                )
            })
        })
        .collect();
    format!(
        "in {}; <i>om.</i> {}{}",
        ctx.sigla(&present),
        ctx.sigla(&p.absent),
        if moved.is_empty() { String::new() } else { format!(" ({})", moved.join(", ")) }
    )
}

fn variant_list(out: &mut String, ctx: &Ctx) {
    let c = ctx.c;
    let n = c.summary.variation_points + c.summary.partial;
    let _ = writeln!(out, "<nav id=\"variants\"><h2>Variants ({n})</h2>");
    out.push_str("<p class=\"muted\">Press <kbd>n</kbd> / <kbd>p</kbd> for the next / previous variant.</p>\n<ul>\n");
    for p in &c.positions {
        if p.status == PositionStatus::Partial {
            let _ = writeln!(
                out,
                "<li><a href=\"#s{}\">§{}</a> {}</li>",
                p.index + 1,
                p.index + 1,
                partial_summary(ctx, p)
            );
        }
        for vp in &p.variation_points {
            let _ = writeln!(
                out,
                "<li><a href=\"#v{}\">{}</a> {} <span class=\"cls\">{}</span></li>",
                vp.id,
                vp.id,
                vp_summary(ctx, vp),
                vp.class.label()
            );
        }
    }
    out.push_str("</ul>\n</nav>\n");
}

/// The anchor's text of a position with its variation points marked.
fn marked_text(out: &mut String, p: &Position) {
    for piece in p.pieces(&p.anchor) {
        match piece {
            TextPiece::Plain(t) => out.push_str(&markup(t)),
            TextPiece::Reading { vp, text, .. } => {
                let lemma = if text.is_empty() { "‸".to_string() } else { markup(text) };
                let _ = write!(
                    out,
                    "<mark class=\"vp target\" id=\"v{}\" title=\"{}\">{lemma}<sup>{}</sup></mark>",
                    vp.id,
                    vp.class.label(),
                    vp.id
                );
            }
        }
    }
}

fn apparatus(out: &mut String, ctx: &Ctx) {
    let c = ctx.c;
    out.push_str("<section id=\"apparatus\"><h2>Text and apparatus</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"muted\">The text of {} with variation points marked; <span class=\"part\">shaded</span> sentences are not in every witness.</p>",
        ctx.sig(&c.base)
    );
    let base_latin = c.witness_index(&c.base).is_some_and(|b| c.witnesses[b].script == Script::Latin);
    let sep = if base_latin { " " } else { "" };
    let starts = c.paragraph_starts();
    let mut entries: Vec<String> = Vec::new();
    let mut open = false;
    let flush = |out: &mut String, entries: &mut Vec<String>| {
        out.push_str("</p>\n");
        if !entries.is_empty() {
            out.push_str("<ol class=\"app\">\n");
            for e in entries.drain(..) {
                out.push_str(&e);
            }
            out.push_str("</ol>\n");
        }
    };
    for (p, &start) in c.positions.iter().zip(&starts) {
        if start || !open {
            if open {
                flush(out, &mut entries);
            }
            out.push_str("<p class=\"text\">");
            open = true;
        } else {
            out.push_str(sep);
        }
        let _ = write!(out, "<span id=\"s{}\"", p.index + 1);
        if p.status == PositionStatus::Partial {
            let present: Vec<&str> =
                p.witnesses.iter().filter(|r| r.span.is_some()).map(|r| r.siglum.as_str()).collect();
            let _ = write!(
                out,
                " class=\"part target\" title=\"only in {}; not in {}\"",
                markup(&present.join(" ")),
                markup(&p.absent.join(" "))
            );
            out.push('>');
            marked_text(out, p);
            let _ = write!(out, "<sup>{}</sup>", markup(&present.join(" ")));
            entries.push(format!(
                "<li><a class=\"n\" href=\"#s{}\">§{}</a> {}</li>\n",
                p.index + 1,
                p.index + 1,
                partial_summary(ctx, p)
            ));
        } else {
            out.push('>');
            marked_text(out, p);
        }
        out.push_str("</span>");
        for vp in &p.variation_points {
            entries.push(format!(
                "<li id=\"a{}\"><a class=\"n\" href=\"#v{}\">{}</a> {} <span class=\"cls\">{}</span></li>\n",
                vp.id,
                vp.id,
                vp.id,
                vp_summary(ctx, vp),
                vp.class.label()
            ));
        }
    }
    if open {
        flush(out, &mut entries);
    }
    out.push_str("</section>\n");
}

fn synopsis(out: &mut String, ctx: &Ctx) {
    let c = ctx.c;
    out.push_str("<section id=\"synopsis\"><h2>Witnesses side by side</h2>\n");
    out.push_str("<p class=\"muted\">Every position where the witnesses differ; readings of the same variation point share a colour when they agree.</p>\n");
    out.push_str("<table class=\"syn\"><thead><tr><th>§</th>");
    for w in &c.witnesses {
        let _ = write!(out, "<th>{}</th>", ctx.sig(&w.siglum));
    }
    out.push_str("</tr></thead><tbody>\n");
    for p in c.positions.iter().filter(|p| p.status != PositionStatus::Unanimous) {
        let _ = write!(out, "<tr><td class=\"num\"><a href=\"#s{}\">{}</a></td>", p.index + 1, p.index + 1);
        for r in &p.witnesses {
            if r.span.is_none() {
                match r.moved {
                    Some(m) => {
                        let _ = write!(out, "<td class=\"om\">om. (at <a href=\"#s{}\">§{}</a>)</td>", m + 1, m + 1);
                    }
                    None => out.push_str("<td class=\"om\">om.</td>"),
                }
                continue;
            }
            out.push_str("<td>");
            for piece in p.pieces(&r.siglum) {
                match piece {
                    TextPiece::Plain(t) => out.push_str(&markup(t)),
                    TextPiece::Reading { vp, group, text } => {
                        let t = if text.is_empty() { "‸".to_string() } else { markup(text) };
                        let _ = write!(
                            out,
                            "<span class=\"rdg g{}\" title=\"variation point {}\">{t}</span>",
                            group % 6,
                            vp.id
                        );
                    }
                }
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n</section>\n");
}
