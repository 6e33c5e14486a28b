//! `tvdiff._tvdiff`: the native half of the Python package.
//!
//! Thin by design. Python passes options as one JSON object of flat keys
//! (`{"lang": "zh", "ignore_case": true}`), which [`options`] lays over the
//! serialised `tvdiff::Options::default()`: a key is looked up among the
//! top-level fields, then `normalize`, then `decode`. A field added to the
//! library's `Options` is therefore accepted from Python without a change
//! here. Reports and collations go back to Python as JSON text (the
//! structure of `tvdiff --format json`), which `json.loads` turns into
//! dicts and lists; the renderers take that structure back the same way.
//! Every comparison runs with the GIL released (`Python::detach`).

use pyo3::exceptions::{PyFileNotFoundError, PyIsADirectoryError, PyOSError, PyPermissionError, PyValueError};
use pyo3::prelude::*;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use tvdiff::collate::collate as collate_sources;
use tvdiff::input::decode::DecodeOptions;
use tvdiff::input::Source;
use tvdiff::render::{html, terminal};
use tvdiff::report::{ChangeKind, Row, RowKind, Span};
use tvdiff::{Error, Options, Report};

// errno values: the same in POSIX and in the Windows C runtime.
const ENOENT: i32 = 2;
const EACCES: i32 = 13;
const EISDIR: i32 = 21;

/// A `tvdiff::Error` as the Python exception a Python user expects. The
/// library turns I/O errors into messages; for a file error the path is
/// looked at again to choose `FileNotFoundError`, `IsADirectoryError` or
/// `PermissionError` (with `errno` and `filename` set, as `open` would).
/// Every other input problem (binary, undecodable, too large) and every bad
/// option is a `ValueError` with the library's message.
fn py_err(e: Error, paths: &[&Path]) -> PyErr {
    match &e {
        Error::Input { message, .. } => {
            for p in paths {
                let filename = p.to_string_lossy().into_owned();
                match std::fs::metadata(p) {
                    Err(io) if io.kind() == std::io::ErrorKind::NotFound => {
                        return PyFileNotFoundError::new_err((ENOENT, message.clone(), filename));
                    }
                    Err(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                        return PyPermissionError::new_err((EACCES, message.clone(), filename));
                    }
                    Ok(m) if m.is_dir() => return PyIsADirectoryError::new_err((EISDIR, message.clone(), filename)),
                    Ok(_) => {
                        if let Err(io) = std::fs::File::open(p) {
                            if io.kind() == std::io::ErrorKind::PermissionDenied {
                                return PyPermissionError::new_err((EACCES, message.clone(), filename));
                            }
                        }
                    }
                    Err(_) => {}
                }
            }
            PyValueError::new_err(e.to_string())
        }
        Error::Usage(_) => PyValueError::new_err(e.to_string()),
        Error::Output { .. } => PyOSError::new_err(e.to_string()),
    }
}

/// `Options` from flat Python keyword arguments (a JSON object), laid over
/// the defaults. Unknown keys and bad values are a `ValueError` naming the
/// option.
fn options(flat: &str) -> PyResult<Options> {
    let given: Map<String, Value> =
        serde_json::from_str(flat).map_err(|e| PyValueError::new_err(format!("options: {e}")))?;
    let defaults = serde_json::to_value(Options::default()).expect("Options serialises");
    let mut merged = defaults.clone();
    // `max_size` is not serialised by the library; `rows` is set by the
    // caller (`full=`), not as an option.
    let mut max_size = None;
    for (key, value) in &given {
        if key == "max_size" {
            max_size = match value {
                Value::Null => None,
                v => Some(v.as_u64().ok_or_else(|| bad(key, "expected a number of bytes"))?),
            };
            continue;
        }
        let slot = place(&mut merged, key).ok_or_else(|| {
            let known = option_names().join(", ");
            PyValueError::new_err(format!("unknown option '{key}' (known: {known})"))
        })?;
        *slot = value.clone();
    }
    let mut opts: Options = match serde_json::from_value(merged) {
        Ok(o) => o,
        Err(e) => {
            // Find the option at fault: each given key alone over the defaults.
            for (key, value) in &given {
                let mut one = defaults.clone();
                if let Some(slot) = place(&mut one, key) {
                    *slot = value.clone();
                    if let Err(e) = serde_json::from_value::<Options>(one) {
                        return Err(bad(key, &e.to_string()));
                    }
                }
            }
            return Err(PyValueError::new_err(format!("options: {e}")));
        }
    };
    if !(0.0..=1.0).contains(&opts.threshold) {
        return Err(bad("threshold", "expected a ratio between 0 and 1"));
    }
    opts.decode.max_size = max_size;
    Ok(opts)
}

fn bad(key: &str, why: &str) -> PyErr {
    PyValueError::new_err(format!("option '{key}': {why}"))
}

/// The JSON slot of a flat option name: a top-level field of `Options`, or a
/// field of its `normalize` or `decode` part.
fn place<'a>(merged: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let top = merged.as_object_mut()?;
    if top.contains_key(key) && !matches!(key, "normalize" | "decode") {
        return top.get_mut(key);
    }
    for part in ["normalize", "decode"] {
        if top.get(part).and_then(Value::as_object).is_some_and(|o| o.contains_key(key)) {
            return top.get_mut(part)?.as_object_mut()?.get_mut(key);
        }
    }
    None
}

/// Every flat option name, in the order the library declares them.
fn option_names() -> Vec<String> {
    let defaults = serde_json::to_value(Options::default()).expect("Options serialises");
    let mut names = Vec::new();
    for (k, v) in defaults.as_object().expect("an object") {
        match (k.as_str(), v) {
            ("normalize" | "decode", Value::Object(o)) => names.extend(o.keys().cloned()),
            _ => names.push(k.clone()),
        }
    }
    names.push("max_size".to_string());
    names
}

/// Text as `str` or undecoded bytes (encoding and format detected as for a
/// file).
#[derive(FromPyObject)]
enum Input {
    Text(String),
    Bytes(Vec<u8>),
}

impl Input {
    fn source(self, name: String, decode: &DecodeOptions) -> Result<Source, Error> {
        match self {
            Input::Text(t) => Ok(Source::from_text(name, t)),
            Input::Bytes(b) => Source::from_bytes_with(name, &b, decode),
        }
    }
}

/// The report as the JSON `tvdiff --format json` writes (with `full`, the
/// rows too), compact, written straight from the report (no intermediate
/// `serde_json::Value`).
fn report_json(report: &Report) -> String {
    #[derive(serde::Serialize)]
    struct View<'a> {
        tool: Tool,
        #[serde(flatten)]
        report: &'a Report,
    }
    #[derive(serde::Serialize)]
    struct Tool {
        name: &'static str,
        version: &'static str,
    }
    let view = View { tool: Tool { name: "tvdiff", version: tvdiff_version() }, report };
    serde_json::to_string(&view).expect("the report model serialises")
}

fn tvdiff_version() -> &'static str {
    // The library's version; the bindings are versioned with it.
    env!("CARGO_PKG_VERSION")
}

/// Compare two texts (`str`, or `bytes` to decode); the report as JSON.
#[pyfunction]
#[pyo3(signature = (old, new, old_name, new_name, options, full))]
fn compare(
    py: Python<'_>,
    old: Input,
    new: Input,
    old_name: String,
    new_name: String,
    options: &str,
    full: bool,
) -> PyResult<String> {
    let mut opts = self::options(options)?;
    opts.rows = full;
    py.detach(move || {
        let old = old.source(old_name, &opts.decode)?;
        let new = new.source(new_name, &opts.decode)?;
        let report = tvdiff::compare(&old, &new, &opts)?;
        Ok(report_json(&report))
    })
    .map_err(|e| py_err(e, &[]))
}

/// Read two files and compare them; the report as JSON.
#[pyfunction]
#[pyo3(signature = (old, new, options, full))]
fn compare_files(py: Python<'_>, old: PathBuf, new: PathBuf, options: &str, full: bool) -> PyResult<String> {
    let mut opts = self::options(options)?;
    opts.rows = full;
    let (o, n) = (old.clone(), new.clone());
    py.detach(move || tvdiff::compare_files(&o, &n, &opts).map(|r| report_json(&r)))
        .map_err(|e| py_err(e, &[&old, &new]))
}

/// A report from Python (JSON text), checked so that the renderers can
/// trust it: a report edited in Python whose rows point at changes it no
/// longer has is a `ValueError`, not a panic. A report without rows (the
/// default of `compare`) gets one row per change, as the HTML renderer does
/// for such reports, so the terminal view lists the changes too.
///
/// A report arrives as Python objects (read with `pythonize`: 1.7 times
/// quicker than `json.dumps` + serde_json on a 3 MB report) or as JSON text.
fn parse_report(report: &Bound<'_, PyAny>) -> PyResult<Report> {
    let bad = |e: &dyn std::fmt::Display| PyValueError::new_err(format!("not a tvdiff report: {e}"));
    let mut r: Report = match report.extract::<String>() {
        Ok(text) => serde_json::from_str(&text).map_err(|e| bad(&e))?,
        Err(_) => pythonize::depythonize(report).map_err(|e| bad(&e))?,
    };
    for (i, row) in r.rows.iter().enumerate() {
        if let Some(c) = row.change.filter(|&c| c >= r.changes.len()) {
            return Err(PyValueError::new_err(format!(
                "not a consistent tvdiff report: rows[{i}] refers to change {c}, but there are {} changes",
                r.changes.len()
            )));
        }
    }
    if r.rows.is_empty() {
        r.rows = r
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| Row {
                kind: match c.kind {
                    ChangeKind::Modified => RowKind::Modified,
                    ChangeKind::Added => RowKind::Added,
                    ChangeKind::Removed => RowKind::Removed,
                    ChangeKind::Moved => RowKind::MovedTo,
                },
                old: if c.kind == ChangeKind::Moved { None } else { c.old.clone() },
                new: c.new.clone(),
                change: Some(i),
                skipped: 0,
            })
            .collect();
    }
    Ok(r)
}

/// Run a renderer; a panic on a report it cannot read (one edited by hand)
/// becomes a `ValueError` rather than pyo3's `PanicException`.
fn render_safely(py: Python<'_>, f: impl FnOnce() -> String + Send) -> PyResult<String> {
    py.detach(move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)))
        .map_err(|_| PyValueError::new_err("cannot render this report: it is not consistent (edited by hand?)"))
}

/// A report (dicts and lists, or JSON text) as a self-contained HTML page.
#[pyfunction]
#[pyo3(signature = (report, title=None, generated=None, layout="rows"))]
fn render_html(
    py: Python<'_>,
    report: &Bound<'_, PyAny>,
    title: Option<String>,
    generated: Option<String>,
    layout: &str,
) -> PyResult<String> {
    let layout = match layout {
        "rows" => html::Layout::Rows,
        "table" => html::Layout::Table,
        other => return Err(PyValueError::new_err(format!("layout: {other:?} is not one of \"rows\", \"table\""))),
    };
    let report = parse_report(report)?;
    render_safely(py, move || html::render(&report, &html::HtmlOptions { title, generated, layout }))
}

/// A report (dicts and lists, or JSON text) as the terminal report.
#[pyfunction]
#[pyo3(signature = (report, color, side_by_side, width, context, elide, summary, show_renumbering=false))]
#[allow(clippy::too_many_arguments)] // the Python signature, one argument each
fn render_terminal(
    py: Python<'_>,
    report: &Bound<'_, PyAny>,
    color: bool,
    side_by_side: bool,
    width: usize,
    context: usize,
    elide: Option<usize>,
    summary: bool,
    show_renumbering: bool,
) -> PyResult<String> {
    let report = parse_report(report)?;
    let opts = terminal::TerminalOptions { color, context, side_by_side, width, summary, elide, show_renumbering };
    render_safely(py, move || terminal::render(&report, &opts))
}

/// One collation witness from Python: `(siglum, kind, value)` with kind
/// `text` (a `str`), `bytes` or `path`.
enum Witness {
    Data(String, Input),
    Path(String, PathBuf),
}

/// Collate witnesses against `base`; the collation as JSON.
#[pyfunction]
#[pyo3(signature = (witnesses, base, options))]
fn collate(
    py: Python<'_>,
    witnesses: Vec<(String, String, Bound<'_, PyAny>)>,
    base: usize,
    options: &str,
) -> PyResult<String> {
    let opts = self::options(options)?;
    let mut ws = Vec::with_capacity(witnesses.len());
    let mut paths = Vec::new();
    for (siglum, kind, value) in witnesses {
        ws.push(match kind.as_str() {
            "path" => {
                let p: PathBuf = value.extract()?;
                paths.push(p.clone());
                Witness::Path(siglum, p)
            }
            _ => Witness::Data(siglum, value.extract()?),
        });
    }
    py.detach(move || {
        let mut sources = Vec::with_capacity(ws.len());
        for w in ws {
            sources.push(match w {
                Witness::Path(siglum, p) => {
                    let s = Source::from_path_with(&p, &opts.decode)?;
                    (siglum, s)
                }
                Witness::Data(siglum, input) => {
                    let s = input.source(siglum.clone(), &opts.decode)?;
                    (siglum, s)
                }
            });
        }
        collate_sources(&sources, base, &opts).map(|c| c.to_json())
    })
    .map_err(|e| py_err(e, &paths.iter().map(PathBuf::as_path).collect::<Vec<_>>()))
}

/// Compare many pairs (for Spark); the changes as columns, one entry per
/// change plus one `equal` entry for each pair without changes: a JSON
/// object of equally long arrays (`pair` is the pair's index in the input).
/// A missing text (`None`) is compared as empty.
#[pyfunction]
#[pyo3(signature = (olds, news, options, old_name="old", new_name="new"))]
fn changes_batch(
    py: Python<'_>,
    olds: Vec<Option<String>>,
    news: Vec<Option<String>>,
    options: &str,
    old_name: &str,
    new_name: &str,
) -> PyResult<String> {
    if olds.len() != news.len() {
        return Err(PyValueError::new_err("changes_batch: old and new columns differ in length"));
    }
    let mut opts = self::options(options)?;
    opts.rows = false;
    let (old_name, new_name) = (old_name.to_string(), new_name.to_string());
    py.detach(move || {
        let mut cols = Columns::default();
        for (i, (o, n)) in olds.into_iter().zip(news).enumerate() {
            let old = Source::from_text(old_name.clone(), o.unwrap_or_default());
            let new = Source::from_text(new_name.clone(), n.unwrap_or_default());
            let report = tvdiff::compare(&old, &new, &opts)?;
            cols.push_pair(i, &report);
        }
        Ok(cols.into_json())
    })
    .map_err(|e| py_err(e, &[]))
}

/// The columns of `changes_batch`.
#[derive(Default)]
struct Columns {
    pair: Vec<usize>,
    kind: Vec<String>,
    change_id: Vec<Option<usize>>,
    class: Vec<Option<&'static str>>,
    similarity: Vec<Option<f32>>,
    old: SpanColumns,
    new: SpanColumns,
    edits: Vec<Value>,
    summary: [Vec<usize>; 6],
    pair_similarity: Vec<f64>,
}

#[derive(Default)]
struct SpanColumns {
    text: Vec<Option<String>>,
    start: Vec<Option<usize>>,
    end: Vec<Option<usize>>,
    line: Vec<Option<u32>>,
    column: Vec<Option<u32>>,
    end_line: Vec<Option<u32>>,
}

impl SpanColumns {
    fn push(&mut self, s: Option<&Span>) {
        self.text.push(s.map(|s| s.text.clone()));
        self.start.push(s.map(|s| s.start));
        self.end.push(s.map(|s| s.end));
        self.line.push(s.map(|s| s.line));
        self.column.push(s.map(|s| s.column));
        self.end_line.push(s.map(|s| s.end_line));
    }

    fn into_json(self, side: &str, out: &mut Map<String, Value>) {
        out.insert(format!("{side}_text"), json!(self.text));
        out.insert(format!("{side}_start"), json!(self.start));
        out.insert(format!("{side}_end"), json!(self.end));
        out.insert(format!("{side}_line"), json!(self.line));
        out.insert(format!("{side}_column"), json!(self.column));
        out.insert(format!("{side}_end_line"), json!(self.end_line));
    }
}

const SUMMARY: [&str; 6] =
    ["pair_equal", "pair_modified", "pair_added", "pair_removed", "pair_moved", "pair_resegmented"];

impl Columns {
    fn push_pair(&mut self, pair: usize, r: &Report) {
        let s = &r.summary;
        let counts = [s.equal, s.modified, s.added, s.removed, s.moved, s.resegmented];
        let row = |cols: &mut Columns| {
            cols.pair.push(pair);
            for (col, n) in cols.summary.iter_mut().zip(counts) {
                col.push(n);
            }
            cols.pair_similarity.push(s.similarity);
        };
        if r.changes.is_empty() {
            row(self);
            self.kind.push("equal".to_string());
            self.change_id.push(None);
            self.class.push(None);
            self.similarity.push(None);
            self.old.push(None);
            self.new.push(None);
            self.edits.push(Value::Array(vec![]));
            return;
        }
        for c in &r.changes {
            row(self);
            self.kind.push(label(c.kind));
            self.change_id.push(Some(c.id));
            self.class.push(Some(c.class.label()));
            self.similarity.push(Some(c.similarity));
            self.old.push(c.old.as_deref());
            self.new.push(c.new.as_deref());
            self.edits.push(Value::Array(
                c.edits
                    .iter()
                    .map(|e| {
                        json!({
                            "op": label(e.op),
                            "old": e.old, "new": e.new, "class": e.class.label(),
                            "old_start": e.old_at.start, "old_end": e.old_at.end,
                            "old_line": e.old_at.line, "old_column": e.old_at.column,
                            "new_start": e.new_at.start, "new_end": e.new_at.end,
                            "new_line": e.new_at.line, "new_column": e.new_at.column,
                        })
                    })
                    .collect(),
            ));
        }
    }

    fn into_json(self) -> String {
        let mut out = Map::new();
        out.insert("pair".into(), json!(self.pair));
        out.insert("kind".into(), json!(self.kind));
        out.insert("change_id".into(), json!(self.change_id));
        out.insert("class".into(), json!(self.class));
        self.old.into_json("old", &mut out);
        self.new.into_json("new", &mut out);
        out.insert("similarity".into(), json!(self.similarity));
        out.insert("edits".into(), Value::Array(self.edits));
        for (name, col) in SUMMARY.iter().zip(self.summary) {
            out.insert((*name).into(), json!(col));
        }
        out.insert("pair_similarity".into(), json!(self.pair_similarity));
        serde_json::to_string(&Value::Object(out)).expect("JSON values serialise")
    }
}

/// The serde name of a unit enum variant (`modified`, `insert`, …).
fn label<T: serde::Serialize>(v: T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The default options as JSON (flat names → values).
#[pyfunction]
fn default_options() -> String {
    let defaults = serde_json::to_value(Options::default()).expect("Options serialises");
    let mut flat = Map::new();
    for (k, v) in defaults.as_object().expect("an object") {
        match (k.as_str(), v) {
            ("normalize" | "decode", Value::Object(o)) => flat.extend(o.clone()),
            _ => {
                flat.insert(k.clone(), v.clone());
            }
        }
    }
    flat.insert("max_size".into(), Value::Null);
    serde_json::to_string(&Value::Object(flat)).expect("JSON values serialise")
}

#[pymodule]
fn _tvdiff(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", tvdiff_version())?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(compare_files, m)?)?;
    m.add_function(wrap_pyfunction!(render_html, m)?)?;
    m.add_function(wrap_pyfunction!(render_terminal, m)?)?;
    m.add_function(wrap_pyfunction!(collate, m)?)?;
    m.add_function(wrap_pyfunction!(changes_batch, m)?)?;
    m.add_function(wrap_pyfunction!(default_options, m)?)?;
    Ok(())
}
