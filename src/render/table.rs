//! The comparison table (对照表) of a numbered document: two columns, old
//! (修改前) and new (修改后), one row per article — the layout of the
//! comparison tables legislatures publish with a revised law. Unchanged
//! articles fold away, added and deleted articles are marked, an article
//! that moved stands at its new place with its old text beside it (and a
//! note where it was), and renumbering is noted once above the table
//! rather than marked in every article.
//!
//! [`table`] builds the rows from a report's rows (grouped by the units
//! their spans stand in, see `docs/structure.md`); [`html`] writes the page
//! (`--format html --layout table`), [`csv`] the same table for a
//! spreadsheet (`--format table-csv`). Text without numbered units gets one
//! row per sentence.

use super::escape::{csv_field, markup as esc};
use super::html::{HtmlOptions, CSS};
use super::{edits_within, span_pieces, Piece};
use crate::report::{Change, EditClass, Report, Row, RowKind, Span};
use std::fmt::Write;

/// What happened to the unit a table row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Same wording.
    Unchanged,
    /// Same wording; only its number or its references were renumbered.
    Renumbered,
    /// Its wording changed.
    Modified,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// Moved here (from where the old label says), maybe reworded.
    MovedHere,
    /// Moved away from here.
    MovedAway,
}

impl Status {
    /// The status as a word (CSV, CSS classes).
    pub fn word(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Renumbered => "renumbered",
            Status::Modified => "modified",
            Status::Added => "added",
            Status::Removed => "removed",
            Status::MovedHere => "moved",
            Status::MovedAway => "moved away",
        }
    }

    /// Folded away with the unchanged rows.
    pub fn folds(self) -> bool {
        matches!(self, Status::Unchanged | Status::Renumbered)
    }
}

/// How a piece of a cell is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Unchanged text.
    Same,
    /// Deleted (old column).
    Deleted,
    /// Inserted (new column).
    Inserted,
}

/// One column of a table row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    /// The unit's label (`第十二条`, `Article 12`), if it has one.
    pub label: Option<String>,
    /// The text, in marked pieces.
    pub pieces: Vec<(String, Mark)>,
}

impl Cell {
    /// The cell's text without marks.
    pub fn text(&self) -> String {
        self.pieces.iter().map(|(t, _)| t.as_str()).collect()
    }

    fn is_empty(&self) -> bool {
        self.pieces.iter().all(|(t, _)| t.is_empty())
    }

    fn push(&mut self, pieces: Vec<Piece>, sep_from: Option<&Span>, span: &Span) {
        if !self.pieces.is_empty() {
            if let Some(prev) = sep_from {
                let sep = separator(prev, span);
                if !sep.is_empty() {
                    self.pieces.push((sep.to_string(), Mark::Same));
                }
            }
        }
        for p in pieces {
            let (t, m) = match p {
                Piece::Same(t) => (t, Mark::Same),
                Piece::Deleted(t) => (t, Mark::Deleted),
                Piece::Inserted(t) => (t, Mark::Inserted),
            };
            match self.pieces.last_mut() {
                Some((last, lm)) if *lm == m => last.push_str(t),
                _ => self.pieces.push((t.to_string(), m)),
            }
        }
    }
}

/// What stands between two spans of one cell: a line break when the next
/// starts on a later line, a space between words, nothing next to Chinese.
fn separator(prev: &Span, next: &Span) -> &'static str {
    if next.line > prev.end_line {
        "\n"
    } else if prev.text.ends_with(|c: char| c.is_ascii_punctuation() || c.is_ascii_alphanumeric())
        && next.text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '(' || c == '“' || c == '"')
    {
        " "
    } else {
        ""
    }
}

/// One row of the comparison table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// What happened to the unit.
    pub status: Status,
    /// The old version's text (修改前).
    pub old: Cell,
    /// The new version's text (修改后).
    pub new: Cell,
    /// The changes the row shows (indices into [`Report::changes`]).
    pub changes: Vec<usize>,
    /// For a moved unit, its label on the other side.
    pub moved: Option<String>,
    /// Report rows this table row covers.
    pub rows: std::ops::Range<usize>,
}

/// The comparison table of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The rows, in the new version's order (a removed or moved-away unit
    /// where it stood).
    pub rows: Vec<TableRow>,
    /// Whether the versions have numbered units (rows are units, not
    /// sentences).
    pub structured: bool,
}

fn is_renumbering(e: &crate::report::Edit) -> bool {
    e.class == EditClass::Renumbering
}

/// The unit a report row's side stands in, as the key rows are grouped by:
/// its path down to its section (an article's items are the article).
fn key(s: &Option<Box<Span>>) -> Option<&[String]> {
    s.as_ref().map(|s| {
        let unit = s.section.as_ref().and_then(|sec| s.path.iter().rposition(|t| t.starts_with(sec.as_str())));
        &s.path[..unit.map_or(s.path.len(), |k| k + 1)]
    })
}

/// The report rows grouped into units: consecutive rows stay together
/// while neither side enters another unit.
fn groups(rows: &[Row], structured: bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let (mut ok, mut nk): (Option<&[String]>, Option<&[String]>) = (None, None);
    for (i, r) in rows.iter().enumerate() {
        let (o, n) = (key(&r.old), key(&r.new));
        let split = i > start
            && (!structured || o.is_some() && ok.is_some() && o != ok || n.is_some() && nk.is_some() && n != nk
                // A unit that moved stands apart from its neighbours.
                || matches!(r.kind, RowKind::MovedTo | RowKind::MovedFrom) != matches!(rows[i - 1].kind, RowKind::MovedTo | RowKind::MovedFrom));
        if split {
            out.push(start..i);
            start = i;
            (ok, nk) = (None, None);
        }
        ok = o.or(ok);
        nk = n.or(nk);
    }
    if start < rows.len() {
        out.push(start..rows.len());
    }
    out
}

/// Build the comparison table from `report`'s rows (a report made with
/// [`Options::rows`](crate::Options::rows); without rows, one row per
/// change).
pub fn table(report: &Report) -> Table {
    let fallback;
    let rows: &[Row] = if report.rows.is_empty() {
        fallback = super::rows_from_changes(report);
        &fallback
    } else {
        &report.rows
    };
    let structured = rows.iter().flat_map(|r| [&r.old, &r.new]).flatten().any(|s| !s.path.is_empty());
    let rows = groups(rows, structured).into_iter().map(|g| unit_row(report, rows, g)).collect();
    Table { rows, structured }
}

fn unit_row(report: &Report, rows: &[Row], g: std::ops::Range<usize>) -> TableRow {
    let mut old = Cell::default();
    let mut new = Cell::default();
    let (mut prev_old, mut prev_new): (Option<&Span>, Option<&Span>) = (None, None);
    let mut changes: Vec<usize> = Vec::new();
    let mut moved = None;
    let mut kinds = Vec::new();
    let mut wording = false;
    for r in &rows[g.clone()] {
        let change: Option<&Change> = r.change.and_then(|c| report.changes.get(c));
        if let Some(c) = change {
            if !changes.contains(&c.id) {
                changes.push(c.id);
            }
        }
        kinds.push(r.kind);
        if old.label.is_none() {
            old.label = r.old.as_ref().and_then(|s| s.section.clone());
        }
        if new.label.is_none() {
            new.label = r.new.as_ref().and_then(|s| s.section.clone());
        }
        match (r.kind, change) {
            (RowKind::Modified, Some(c)) => {
                wording |= c.class != EditClass::Renumbering;
                if let Some(s) = &r.old {
                    old.push(span_pieces(s, edits_within(c, s, true), true, is_renumbering), prev_old, s);
                }
                if let Some(s) = &r.new {
                    new.push(span_pieces(s, edits_within(c, s, false), false, is_renumbering), prev_new, s);
                }
            }
            (RowKind::MovedTo, Some(c)) => {
                // The old text beside the new, once per move.
                if moved.is_none() {
                    if let Some(s) = &c.old {
                        old.push(span_pieces(s, &c.edits, true, is_renumbering), prev_old, s);
                        old.label = s.section.clone();
                        moved = s.section.clone().or_else(|| Some(format!("{}", s.line)));
                        prev_old = Some(s);
                    }
                }
                if let Some(s) = &r.new {
                    new.push(span_pieces(s, edits_within(c, s, false), false, is_renumbering), prev_new, s);
                }
            }
            (RowKind::MovedFrom, c) => {
                if let Some(s) = &r.old {
                    old.push(vec![Piece::Same(&s.text)], prev_old, s);
                }
                if moved.is_none() {
                    moved =
                        c.and_then(|c| c.new.as_ref()).map(|s| s.section.clone().unwrap_or_else(|| s.line.to_string()));
                }
            }
            (RowKind::Added, _) => {
                wording = true;
                if let Some(s) = &r.new {
                    new.push(vec![Piece::Inserted(&s.text)], prev_new, s);
                }
            }
            (RowKind::Removed, _) => {
                wording = true;
                if let Some(s) = &r.old {
                    old.push(vec![Piece::Deleted(&s.text)], prev_old, s);
                }
            }
            _ => {
                if let Some(s) = &r.old {
                    old.push(vec![Piece::Same(&s.text)], prev_old, s);
                }
                if let Some(s) = &r.new {
                    new.push(vec![Piece::Same(&s.text)], prev_new, s);
                }
            }
        }
        if r.kind != RowKind::MovedTo {
            prev_old = r.old.as_deref().or(prev_old);
        }
        prev_new = r.new.as_deref().or(prev_new);
    }
    let any = |k: RowKind| kinds.contains(&k);
    let status = if any(RowKind::MovedTo) {
        Status::MovedHere
    } else if any(RowKind::MovedFrom) && new.is_empty() {
        Status::MovedAway
    } else if old.is_empty() && !new.is_empty() && any(RowKind::Added) {
        Status::Added
    } else if new.is_empty() && !old.is_empty() && any(RowKind::Removed) {
        Status::Removed
    } else if wording {
        Status::Modified
    } else if any(RowKind::Modified) || old.label.is_some() && new.label.is_some() && old.label != new.label {
        Status::Renumbered
    } else {
        Status::Unchanged
    };
    TableRow { status, old, new, changes, moved, rows: g }
}

/// Is the report's text Chinese (labels in Chinese)?
fn chinese(report: &Report) -> bool {
    use crate::chars::Script;
    report.old.script == Script::Han || report.new.script == Script::Han
}

/// The renumbering, noted once: runs of units whose number shifted by the
/// same amount (`第十条–第二十一条 → 第九条–第二十条`), and single units
/// that moved to another number.
pub fn renumbering_note(t: &Table) -> Vec<String> {
    let number = |l: &str| crate::structure::heading(l).and_then(|h| h.number.map(|n| (h.kind, n)));
    let mut runs: Vec<(String, String, String, String, i64, u32)> = Vec::new();
    for r in &t.rows {
        let (Some(a), Some(b)) = (&r.old.label, &r.new.label) else { continue };
        if a == b || r.status == Status::Added || r.status == Status::Removed {
            continue;
        }
        let (Some((ka, x)), Some((kb, y))) = (number(a), number(b)) else { continue };
        if ka != kb {
            continue;
        }
        let shift = i64::from(y) - i64::from(x);
        match runs.last_mut() {
            Some(run)
                if r.status != Status::MovedHere && run.4 == shift && number(&run.1).map(|v| v.1 + 1) == Some(x) =>
            {
                run.1 = a.clone();
                run.3 = b.clone();
                run.5 += 1;
            }
            _ => runs.push((a.clone(), a.clone(), b.clone(), b.clone(), shift, 1)),
        }
    }
    runs.into_iter()
        .map(|(a, a2, b, b2, _, n)| if n == 1 { format!("{a} → {b}") } else { format!("{a}–{a2} → {b}–{b2}") })
        .collect()
}

/// The table as CSV: one line per row, `old_article, new_article,
/// old_text, new_text, changes, edits` (the edits that are not
/// renumbering, `old→new`, separated by `; `). Every cell is written
/// formula-safe (see [`csv_field`]).
pub fn csv(report: &Report) -> String {
    let t = table(report);
    let mut out = String::from("old_article,new_article,old_text,new_text,changes,edits\n");
    for r in &t.rows {
        let mut what = r.status.word().to_string();
        if let Some(m) = &r.moved {
            what = match r.status {
                Status::MovedHere => format!("moved from {m}"),
                _ => format!("moved to {m}"),
            };
        }
        if r.status == Status::MovedHere
            && r.changes
                .iter()
                .filter_map(|&c| report.changes.get(c))
                .any(|c| c.edits.iter().any(|e| !is_renumbering(e)))
        {
            what.push_str(", modified");
        }
        // A moved unit's edits are listed where it now stands.
        let listed = if r.status == Status::MovedAway { &[][..] } else { &r.changes[..] };
        let edits: Vec<String> = listed
            .iter()
            .filter_map(|&c| report.changes.get(c))
            .flat_map(|c| c.edits.iter())
            .filter(|e| !is_renumbering(e))
            .map(|e| format!("{}→{}", e.old, e.new))
            .collect();
        let fields = [
            csv_field(r.old.label.as_deref().unwrap_or("")),
            csv_field(r.new.label.as_deref().unwrap_or("")),
            csv_field(&r.old.text()),
            csv_field(&r.new.text()),
            csv_field(&what),
            csv_field(&edits.join("; ")),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

const TABLE_CSS: &str = r#"
/* Comparison table (--layout table) */
.note-renum { font-size: 0.9em; }
.cmpwrap { padding: 0 1.5rem 3rem; }
.cmp { width: 100%; border-collapse: collapse; table-layout: fixed; }
.cmp th, .cmp td { border: 1px solid var(--line); padding: 0.4rem 0.6rem; vertical-align: top; text-align: left; }
.cmp thead th { background: var(--panel); font-size: 0.9em; overflow-wrap: anywhere; }
.cmp td { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.75; }
.cmp del { text-decoration: line-through; }
.cmp ins { font-weight: 600; }
.cmp tr.t-modified td { background: var(--mod-row); }
.cmp tr.t-added td.new { background: var(--add-row); }
.cmp tr.t-removed td.old { background: var(--del-row); }
.cmp tr.t-moved td, .cmp tr.t-moved-away td { background: var(--mov-row); }
.cmp tr.t-added ins, .cmp tr.t-removed del { background: none; }
.cmp .tag { font-size: 0.8em; color: var(--muted); white-space: nowrap; }
.cmp tr.t-moved .tag, .cmp tr.t-moved-away .tag { color: var(--mov); }
.cmp tr.t-added .tag { color: var(--ins-fg); }
.cmp tr.t-removed .tag { color: var(--del-fg); }
.cmp tr.same { display: none; }
.cmp tr.fold td { color: var(--muted); font-size: 0.85em; text-align: center; background: var(--panel); }
#show-same:checked ~ .cmp tr.same { display: table-row; }
#show-same:checked ~ .cmp tr.fold { display: none; }
.toggle-label { display: inline-block; margin: 0 0 0.5rem; font-size: 0.9em; cursor: pointer; }
@media print { .cmp tr { break-inside: avoid; } .toggle-label, #show-same { display: none; } }
"#;

/// The comparison table as a self-contained HTML page (`--format html
/// --layout table`). No script: unchanged articles fold with a checkbox
/// and CSS alone.
pub fn html(report: &Report, opts: &HtmlOptions) -> String {
    let t = table(report);
    let zh = chinese(report);
    let (before, after) = if zh { ("修改前", "修改后") } else { ("Before", "After") };
    let title = opts.title.clone().unwrap_or_else(|| format!("tvdiff: {} → {}", report.old.path, report.new.path));
    let mut out = String::with_capacity(16_384 + report.rows.len() * 160);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         script-src 'none'; img-src data:; base-uri 'none'; form-action 'none'\">\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    let _ = writeln!(out, "<meta name=\"generator\" content=\"tvdiff {}\">", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(out, "<title>{}</title>", esc(&title));
    let _ = writeln!(out, "<style>\n{CSS}{TABLE_CSS}</style>\n</head>");
    out.push_str("<body class=\"table-layout\">\n");
    let folded = t.rows.iter().filter(|r| r.status.folds()).count();
    super::html::header(&mut out, report, opts, &title, 0);
    let lang = if zh { " lang=\"zh\"" } else { "" };
    out.push_str("<div class=\"cmpwrap\">\n");
    let note = renumbering_note(&t);
    if !note.is_empty() {
        let lead = if zh { "条文序号作相应调整" } else { "Renumbered accordingly" };
        let _ =
            writeln!(out, "<p class=\"note-renum\"><span class=\"lbl\">{lead}:</span> {}</p>", esc(&note.join("; ")));
    }
    let unit = if t.structured {
        if zh {
            "条"
        } else {
            "articles"
        }
    } else if zh {
        "句"
    } else {
        "sentences"
    };
    let _ = writeln!(
        out,
        "<input type=\"checkbox\" id=\"show-same\"><label for=\"show-same\" class=\"toggle-label\"> {} ({folded})</label>",
        if zh { format!("显示未修改的{unit}") } else { format!("Show unchanged {unit}") }
    );
    let _ = writeln!(
        out,
        "<table class=\"cmp\"{lang}><thead><tr><th>{before} <span class=\"muted\">{}</span></th>\
         <th>{after} <span class=\"muted\">{}</span></th></tr></thead>\n<tbody>",
        esc(&report.old.path),
        esc(&report.new.path)
    );
    let mut i = 0;
    while i < t.rows.len() {
        if t.rows[i].status.folds() {
            let end = (i..t.rows.len()).find(|&j| !t.rows[j].status.folds()).unwrap_or(t.rows.len());
            let n = end - i;
            let _ = writeln!(
                out,
                "<tr class=\"fold\"><td colspan=\"2\">{}</td></tr>",
                if zh {
                    format!("…… {n} {} 未修改 ……", if t.structured { "条" } else { "句" })
                } else {
                    format!("… {n} unchanged {unit} …")
                }
            );
            for r in &t.rows[i..end] {
                row_html(&mut out, r, zh, " same");
            }
            i = end;
        } else {
            row_html(&mut out, &t.rows[i], zh, "");
            i += 1;
        }
    }
    out.push_str("</tbody>\n</table>\n</div>\n</body>\n</html>\n");
    out
}

fn row_html(out: &mut String, r: &TableRow, zh: bool, extra: &str) {
    let class = r.status.word().replace(' ', "-");
    let id = r.changes.first().map(|c| format!(" id=\"c{c}\"")).unwrap_or_default();
    let _ = write!(out, "<tr class=\"t-{class}{extra}\"{id}><td class=\"old\">");
    let tag = |out: &mut String, s: String| {
        let _ = write!(out, "<span class=\"tag\">{}</span>", esc(&s));
    };
    match r.status {
        Status::Added => tag(out, if zh { "（新增）".into() } else { "(added)".into() }),
        Status::MovedHere => {
            if let Some(m) = &r.moved {
                tag(out, if zh { format!("（原{m}，移至此处）") } else { format!("(formerly {m}, moved here)") });
                out.push('\n');
            }
        }
        _ => {}
    }
    cell_html(out, &r.old);
    out.push_str("</td><td class=\"new\">");
    match r.status {
        Status::Removed => tag(out, if zh { "（删除）".into() } else { "(deleted)".into() }),
        Status::MovedAway => {
            let m = r.moved.clone().unwrap_or_default();
            tag(out, if zh { format!("（移至{m}）") } else { format!("(moved to {m})") });
        }
        _ => {}
    }
    cell_html(out, &r.new);
    out.push_str("</td></tr>\n");
}

fn cell_html(out: &mut String, c: &Cell) {
    for (t, m) in &c.pieces {
        let t = esc(t);
        match m {
            Mark::Same => out.push_str(&t),
            Mark::Deleted => {
                let _ = write!(out, "<del>{t}</del>");
            }
            Mark::Inserted => {
                let _ = write!(out, "<ins>{t}</ins>");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Source;

    fn report(a: &str, b: &str) -> Report {
        crate::compare(&Source::from_text("a", a), &Source::from_text("b", b), &crate::Options::default()).unwrap()
    }

    #[test]
    fn one_row_per_article_with_the_insertion_marked() {
        let a = "第一条　甲甲甲甲。\n第二条　乙乙乙乙。\n第三条　丙丙丙丙，依照本条例第二条。\n";
        let b = "第一条　甲甲甲甲。\n第二条　新新新新新新新新。\n第三条　乙乙乙乙。\n第四条　丙丙丙丙，依照本条例第三条。\n";
        let t = table(&report(a, b));
        assert!(t.structured);
        let st: Vec<(Status, Option<&str>, Option<&str>)> =
            t.rows.iter().map(|r| (r.status, r.old.label.as_deref(), r.new.label.as_deref())).collect();
        assert_eq!(
            st,
            [
                (Status::Unchanged, Some("第一条"), Some("第一条")),
                (Status::Added, None, Some("第二条")),
                (Status::Renumbered, Some("第二条"), Some("第三条")),
                (Status::Renumbered, Some("第三条"), Some("第四条")),
            ]
        );
        assert_eq!(renumbering_note(&t), ["第二条–第三条 → 第三条–第四条"]);
        let csv = csv(&report(a, b));
        assert!(csv.lines().nth(2).unwrap().starts_with(",第二条,,第二条　新新新新新新新新。,added"), "{csv}");
    }

    #[test]
    fn csv_cells_are_formula_safe() {
        let csv = csv(&report("=1+1\n", "=2+2\n"));
        assert!(csv.contains("'=1+1") && csv.contains("'=2+2"), "{csv}");
    }
}
