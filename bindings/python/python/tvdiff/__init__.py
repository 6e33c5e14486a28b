"""tvdiff — transcript variant diff, from Python.

Compare versions of "the same" text (a speech as a news agency published it
and as a blog re-typed it, a PDF extraction, a caption file) and get the
*wording* changes sentence by sentence, with the original text and byte
offsets, while full-width/half-width punctuation, spacing, line wrapping,
quote and dash styles and invisible characters are ignored.

>>> import tvdiff
>>> r = tvdiff.compare("为各国企业在华投资兴业提供服务!", "为各国企业在中国投资兴业提供服务！")
>>> [(e["old"], e["new"]) for c in r["changes"] for e in c["edits"]]
[('华', '中国')]

Reports are plain dicts and lists with the structure of
``tvdiff --format json`` (docs/json.md); :func:`render_html` and
:func:`render_terminal` take them back. The comparison itself runs in Rust
with the GIL released, so threads compare in parallel.

Options (keyword arguments of :func:`compare`, :func:`compare_files`,
:func:`collate` and :func:`tvdiff.spark.compare_pairs`) are the fields of
the Rust library's ``Options``, ``NormalizeOptions`` and ``DecodeOptions``
by name; :func:`default_options` lists them with their defaults:

``lang``
    ``"all"`` (default), ``"zh"`` or ``"en"``: compare only the lines whose
    dominant script is Han or Latin.
``ignore_lines``
    regular expressions (Rust syntax) of lines to drop, e.g. timestamps.
``ignore_punctuation``, ``ignore_case``, ``fold_chinese``
    ignore punctuation entirely; ignore letter case; fold traditional to
    simplified characters (script only). Default ``False``.
``width``, ``quotes``, ``dashes``, ``spacing``, ``line_breaks``
    the noise folds, default ``True`` (``False`` reports such differences).
``threshold``
    minimum similarity (0–1) to pair two sentences as modified (0.5).
``timeout_ms``
    time budget of the diff algorithms (10000); past it they give a coarser
    but correct answer.
``detect_moves``
    report identical sentences found elsewhere as moves (``True``).
``encoding``, ``lossy``, ``format``, ``max_size``
    how files and ``bytes`` are read: force an encoding (``"gbk"``),
    replace undecodable bytes, force a format (``"pdf"``, ``"srt"``, …),
    refuse files larger than this many bytes (default 512 MiB).

An unknown option or a bad value raises :class:`ValueError`.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional, Sequence, Union

from . import _tvdiff

__all__ = [
    "compare",
    "compare_files",
    "render_html",
    "render_terminal",
    "collate",
    "default_options",
    "__version__",
]

__version__: str = _tvdiff.__version__

Text = Union[str, bytes]
Report = Dict[str, Any]


def _options(options: Dict[str, Any]) -> str:
    """Keyword options as the JSON object the native module lays over the
    library's defaults (unknown names are refused there)."""
    opts = dict(options)
    lines = opts.get("ignore_lines")
    if isinstance(lines, str):
        opts["ignore_lines"] = [lines]
    elif lines is not None:
        opts["ignore_lines"] = list(lines)
    lang = opts.get("lang")
    if isinstance(lang, str):
        opts["lang"] = {"chinese": "zh", "han": "zh", "english": "en", "latin": "en"}.get(
            lang.lower(), lang.lower()
        )
    try:
        return json.dumps(opts)
    except TypeError as e:
        raise ValueError(f"options: {e}") from None


def _loaded(text: str, full: bool) -> Report:
    report = json.loads(text)
    if full:
        report.setdefault("rows", [])  # (the model leaves out an empty list)
    return report


def default_options() -> Dict[str, Any]:
    """Every option with its default value."""
    return json.loads(_tvdiff.default_options())


def compare(
    old: Text,
    new: Text,
    *,
    old_name: str = "old",
    new_name: str = "new",
    full: bool = False,
    **options: Any,
) -> Report:
    """Compare two versions of a text.

    ``old`` and ``new`` are ``str`` (compared as they are) or ``bytes``
    (decoded like a file: UTF-8, UTF-16, GBK/GB18030, Big5… detected, and a
    PDF, Word, HTML, Markdown or caption file read as its text).
    ``old_name``/``new_name`` name the versions in the report and in
    rendered output. With ``full=True`` the report also has ``rows``: every
    aligned sentence, which :func:`render_html` and :func:`render_terminal`
    use to show unchanged context. Options: see the module documentation.

    Returns the report as dicts and lists: ``summary`` (counts,
    ``similarity``), ``changes`` (``kind``, ``old``/``new`` spans with
    ``text``, byte ``start``/``end``, ``line``, ``column``; ``edits``), the
    two versions' facts and the options used — the JSON of
    ``tvdiff --format json`` (docs/json.md).

    Raises ``ValueError`` for an unknown option, a bad value (an invalid
    ``ignore_lines`` expression) or undecodable ``bytes``.
    """
    return _loaded(_tvdiff.compare(old, new, old_name, new_name, _options(options), full), full)


def compare_files(
    old_path: Union[str, os.PathLike],
    new_path: Union[str, os.PathLike],
    *,
    full: bool = False,
    **options: Any,
) -> Report:
    """Read two files and compare them (see :func:`compare`).

    Files are read as ``tvdiff OLD NEW`` reads them: plain text in any
    common encoding, or PDF, ``.docx``, HTML, Markdown, SRT/WebVTT by
    extension and content. Byte offsets in the report are offsets into the
    file (for other formats, into the extracted text).

    Raises ``FileNotFoundError`` (``IsADirectoryError``,
    ``PermissionError``) when a file cannot be opened, ``ValueError`` when it
    is binary, undecodable or too large, or an option is bad.
    """
    return _loaded(_tvdiff.compare_files(old_path, new_path, _options(options), full), full)


def _report(report: Union[Report, str]) -> Union[Report, str]:
    if not isinstance(report, (dict, str)):
        raise TypeError(f"expected a report dict (or its JSON text), got {type(report).__name__}")
    return report


def render_html(
    report: Union[Report, str],
    title: Optional[str] = None,
    *,
    generated: Optional[str] = None,
    layout: str = "rows",
) -> str:
    """Render a report as one self-contained HTML page (no outside
    resources): both versions side by side, changes highlighted, a change
    list and navigation (docs/html.md). ``title`` defaults to
    ``tvdiff: OLD → NEW``; ``generated`` is a date shown on the page.
    ``layout="table"`` gives the comparison table of a numbered document
    (修改前/修改后, one row per article; docs/structure.md), as
    ``tvdiff --layout table``.

    A report from ``compare(..., full=True)`` shows the unchanged text
    around the changes too; without ``rows`` the page lists the changes
    only. ``report`` may also be the JSON text of a report.
    """
    if layout not in ("rows", "table"):
        raise ValueError(f"layout: {layout!r} is not one of 'rows', 'table'")
    return _tvdiff.render_html(_report(report), title, generated, layout)


def render_terminal(
    report: Union[Report, str],
    color: bool = False,
    side_by_side: bool = False,
    width: int = 100,
    *,
    context: int = 1,
    elide: Optional[int] = None,
    summary: bool = True,
    show_renumbering: bool = False,
) -> str:
    """Render a report as the terminal report of ``tvdiff OLD NEW``.

    Without ``color`` deletions are written ``[-…-]`` and insertions
    ``{+…+}``; with it, ANSI colours. ``side_by_side`` gives two columns in
    ``width`` display columns. ``context`` unchanged sentences are shown
    around each change (they need a ``full=True`` report); ``elide``
    shortens unchanged stretches inside a changed sentence to that many
    characters around each edit; ``summary`` adds the closing counts;
    ``show_renumbering`` lists changes that only renumber articles (hidden
    and counted by default, as ``tvdiff --show-renumbering``).
    """
    if width < 20:
        raise ValueError("width: at least 20 columns")
    return _tvdiff.render_terminal(_report(report), color, side_by_side, width, context, elide, summary, show_renumbering)


def _siglum(n: int) -> str:
    """Default sigla: A … Z, then AA, AB, … (as ``tvdiff collate``)."""
    letter = chr(ord("A") + n % 26)
    return letter if n < 26 else _siglum(n // 26 - 1) + letter


def collate(
    texts_or_paths: Sequence[Union[str, bytes, os.PathLike]],
    names: Optional[Sequence[str]] = None,
    base: Union[int, str] = 0,
    **options: Any,
) -> Dict[str, Any]:
    """Collate several versions (witnesses) against a base one.

    Each item is a ``str`` (the text itself), ``bytes`` (a file's content,
    decoded as a file is) or an ``os.PathLike`` such as ``pathlib.Path`` (a
    file to read) — a ``str`` is always text, never a path. ``names`` are
    the sigla (default ``A``, ``B``, …; a siglum starts with a letter);
    ``base`` is the index or siglum of the base witness. Options: see the
    module documentation.

    Returns the collation as dicts and lists, the JSON of
    ``tvdiff collate --format json`` (docs/collate.md): ``witnesses``,
    ``summary``, ``positions`` with their ``variation_points`` and
    ``readings``.
    """
    items = list(texts_or_paths)
    if names is None:
        names = [_siglum(i) for i in range(len(items))]
    names = list(names)
    if len(names) != len(items):
        raise ValueError(f"collate: {len(items)} witnesses but {len(names)} names")
    if isinstance(base, str):
        if base not in names:
            raise ValueError(f"collate: base '{base}' is not among the sigla {names}")
        base = names.index(base)
    witnesses = []
    for siglum, item in zip(names, items):
        if isinstance(item, str):
            witnesses.append((siglum, "text", item))
        elif isinstance(item, (bytes, bytearray, memoryview)):
            witnesses.append((siglum, "bytes", bytes(item)))
        elif isinstance(item, os.PathLike):
            witnesses.append((siglum, "path", item))
        else:
            raise TypeError(f"collate: expected str, bytes or a path, got {type(item).__name__}")
    if base < 0:
        base += len(items)
    if not 0 <= base < len(items):
        raise ValueError(f"collate: base witness {base} is not among the {len(items)} witnesses")
    return json.loads(_tvdiff.collate(witnesses, base, _options(options)))
