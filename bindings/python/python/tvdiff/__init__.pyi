"""Type stubs for tvdiff (see the module docstring and docs/python.md)."""

import os
from typing import Any, Dict, Literal, Optional, Sequence, Union

__version__: str

Text = Union[str, bytes]
Report = Dict[str, Any]
Lang = Literal["all", "zh", "en"]
Format = Literal["text", "srt", "vtt", "markdown", "html", "docx", "pdf"]

def default_options() -> Dict[str, Any]: ...
def compare(
    old: Text,
    new: Text,
    *,
    old_name: str = "old",
    new_name: str = "new",
    full: bool = False,
    lang: Lang = "all",
    ignore_lines: Sequence[str] = (),
    ignore_punctuation: bool = False,
    ignore_case: bool = False,
    fold_chinese: bool = False,
    width: bool = True,
    quotes: bool = True,
    dashes: bool = True,
    spacing: bool = True,
    line_breaks: bool = True,
    threshold: float = 0.5,
    timeout_ms: int = 10000,
    detect_moves: bool = True,
    encoding: Optional[str] = None,
    lossy: bool = False,
    format: Optional[Format] = None,
    max_size: Optional[int] = None,
    **options: Any,
) -> Report: ...
def compare_files(
    old_path: Union[str, os.PathLike[str]],
    new_path: Union[str, os.PathLike[str]],
    *,
    full: bool = False,
    lang: Lang = "all",
    ignore_lines: Sequence[str] = (),
    ignore_punctuation: bool = False,
    ignore_case: bool = False,
    fold_chinese: bool = False,
    width: bool = True,
    quotes: bool = True,
    dashes: bool = True,
    spacing: bool = True,
    line_breaks: bool = True,
    threshold: float = 0.5,
    timeout_ms: int = 10000,
    detect_moves: bool = True,
    encoding: Optional[str] = None,
    lossy: bool = False,
    format: Optional[Format] = None,
    max_size: Optional[int] = None,
    **options: Any,
) -> Report: ...
def render_html(
    report: Union[Report, str],
    title: Optional[str] = None,
    *,
    generated: Optional[str] = None,
    layout: str = "rows",
) -> str: ...
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
) -> str: ...
def collate(
    texts_or_paths: Sequence[Union[str, bytes, os.PathLike[str]]],
    names: Optional[Sequence[str]] = None,
    base: Union[int, str] = 0,
    *,
    lang: Lang = "all",
    ignore_lines: Sequence[str] = (),
    ignore_punctuation: bool = False,
    ignore_case: bool = False,
    fold_chinese: bool = False,
    width: bool = True,
    quotes: bool = True,
    dashes: bool = True,
    spacing: bool = True,
    line_breaks: bool = True,
    threshold: float = 0.5,
    timeout_ms: int = 10000,
    detect_moves: bool = True,
    encoding: Optional[str] = None,
    lossy: bool = False,
    format: Optional[Format] = None,
    max_size: Optional[int] = None,
    **options: Any,
) -> Dict[str, Any]: ...
