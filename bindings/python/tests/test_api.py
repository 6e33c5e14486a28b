"""The Python API on the repository's samples."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import tvdiff

from conftest import REPO, SAMPLES


def edits(report):
    return [(e["old"], e["new"]) for c in report["changes"] for e in c["edits"]]


def test_seed_pair_finds_what_a_careful_reader_finds(seed_pair):
    old, new = seed_pair
    r = tvdiff.compare_files(old, new, lang="zh")
    found = edits(r)
    assert found.count(("华", "中国")) == 2
    assert ("", "传统") in found
    assert ("的", "") in found
    s = r["summary"]
    assert (s["equal"], s["modified"], s["added"], s["removed"], s["moved"]) == (96, 5, 2, 1, 0)
    assert s["absorbed"]["width"] == 191
    # The report is the JSON of `tvdiff --format json`.
    assert r["tool"]["name"] == "tvdiff"
    assert r["old"]["path"] == str(old) and r["old"]["sentences"] == 102
    assert r["options"]["lang"] == "zh"
    assert "rows" not in r
    # Every edit slices the original file back to its text.
    text = old.read_bytes()
    for c in r["changes"]:
        for e in c["edits"]:
            at = e["old_at"]
            assert text[at["start"] : at["end"]].decode() == e["old"]


def test_texts_and_bytes(seed_pair):
    old, new = seed_pair
    from_text = tvdiff.compare(old.read_text(), new.read_text(), lang="zh", old_name="a", new_name="b")
    from_bytes = tvdiff.compare(old.read_bytes(), new.read_bytes(), lang="zh", old_name="a", new_name="b")
    assert from_text == from_bytes
    assert from_text["old"]["path"] == "a" and from_text["new"]["path"] == "b"
    assert edits(from_text) == edits(tvdiff.compare_files(old, new, lang="zh"))
    # bytes are decoded as a file is: GBK detected.
    gbk = tvdiff.compare("在华投资兴业。".encode("gbk"), "在中国投资兴业。".encode("gbk"))
    assert gbk["old"]["encoding"] == "GBK"
    assert edits(gbk) == [("华", "中国")]


def test_noise_is_not_a_change(samples):
    r = tvdiff.compare_files(samples / "seed-001-xinhua-pdf-zh.txt", samples / "seed-001-noise.txt")
    assert r["changes"] == []
    assert r["summary"]["absorbed"]["width"] > 0


def test_options_change_what_is_reported():
    old, new = "他说:“你好!”世界很大。", "他说：「你好！」世界很大"
    assert tvdiff.compare(old, new)["changes"][0]["edits"][0]["class"] == "punctuation"
    assert tvdiff.compare(old, new, ignore_punctuation=True)["changes"] == []
    # Folds can be switched off by name.
    assert tvdiff.compare("你好,世界。", "你好，世界。")["changes"] == []
    assert tvdiff.compare("你好,世界。", "你好，世界。", width=False)["changes"] != []
    assert tvdiff.compare("Hello World.", "hello world.", ignore_case=True)["changes"] == []
    assert tvdiff.compare("Hello World.", "hello world.")["summary"]["edits"] == {"case": 1}
    assert tvdiff.compare("網路發展。", "网路发展。", fold_chinese=True)["changes"] == []
    moved_a, moved_b = "甲乙丙丁。戊己庚辛。壬癸子丑。", "戊己庚辛。壬癸子丑。甲乙丙丁。"
    assert tvdiff.compare(moved_a, moved_b)["summary"]["moved"] == 1
    assert tvdiff.compare(moved_a, moved_b, detect_moves=False)["summary"]["moved"] == 0
    blog = "10:47 a.m.\nXi spoke.\n10:50 a.m.\nHe left."
    assert tvdiff.compare(blog, "Xi spoke.\nHe left.", ignore_lines=[r"^\d{1,2}:\d{2} [ap]\.m\.$"])["changes"] == []
    assert tvdiff.compare(blog, "Xi spoke.\nHe left.", ignore_lines=r"^\d{1,2}:\d{2} [ap]\.m\.$")["changes"] == []
    bilingual = "在华投资。\nInvest in China.\n"
    r = tvdiff.compare(bilingual, "在中国投资。\nInvest in China.\n", lang="en")
    assert r["changes"] == [] and r["old"]["lines_dropped"] == 1
    assert tvdiff.compare(bilingual, "在中国投资。\nInvest in China.\n", lang="Chinese")["summary"]["modified"] == 1
    # Threshold: below it, a rewritten sentence is removed + added.
    a, b = "今天天气很好。", "今天天气不好。"
    assert tvdiff.compare(a, b)["summary"]["modified"] == 1
    assert tvdiff.compare(a, b, threshold=1.0)["summary"]["modified"] == 0
    assert tvdiff.compare(a, b, timeout_ms=1, full=True)["rows"]
    assert tvdiff.compare("", "", full=True)["rows"] == [] and "rows" not in tvdiff.compare("", "")
    r = tvdiff.compare(a, b, timeout_ms=5000, threshold=0.7)
    assert r["options"]["timeout_ms"] == 5000 and abs(r["options"]["threshold"] - 0.7) < 1e-6


def test_default_options_list_every_library_option():
    d = tvdiff.default_options()
    assert d["lang"] == "all" and d["threshold"] == 0.5 and d["timeout_ms"] == 10000
    assert d["detect_moves"] is True and d["ignore_case"] is False and d["encoding"] is None
    for name in ("ignore_punctuation", "fold_chinese", "width", "line_breaks", "lossy", "format", "max_size"):
        assert name in d


def test_bad_options_are_value_errors():
    with pytest.raises(ValueError, match="unknown option 'ignore_punctation'"):
        tvdiff.compare("a", "b", ignore_punctation=True)
    with pytest.raises(ValueError, match="unknown option 'rows'"):  # that is full=
        tvdiff.compare("a", "b", rows=True)
    with pytest.raises(ValueError, match="option 'lang'"):
        tvdiff.compare("a", "b", lang="fr")
    with pytest.raises(ValueError, match="invalid regular expression"):
        tvdiff.compare("a", "b", ignore_lines=["(unclosed"])
    with pytest.raises(ValueError, match="option 'threshold'"):
        tvdiff.compare("a", "b", threshold=2)
    with pytest.raises(ValueError, match="option 'timeout_ms'"):
        tvdiff.compare("a", "b", timeout_ms=-1)
    with pytest.raises(ValueError, match="option 'detect_moves'"):
        tvdiff.compare("a", "b", detect_moves="yes")
    with pytest.raises(ValueError, match="unknown encoding"):
        tvdiff.compare(b"a", b"b", encoding="klingon")


def test_file_errors_are_python_exceptions(tmp_path, seed_pair):
    old, _ = seed_pair
    missing = tmp_path / "missing.txt"
    with pytest.raises(FileNotFoundError) as e:
        tvdiff.compare_files(old, missing)
    assert e.value.filename == str(missing) and e.value.errno == 2
    with pytest.raises(FileNotFoundError):
        tvdiff.compare_files(str(missing), old)
    with pytest.raises(IsADirectoryError):
        tvdiff.compare_files(old, tmp_path)
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"PNG\0\0\x01")
    with pytest.raises(ValueError, match="binary"):
        tvdiff.compare_files(binary, old)
    bad = tmp_path / "bad.txt"
    bad.write_bytes("好的，谢谢大家。我们走吧。今天再次来到这里，既感到亲切熟悉。".encode() + b"\xff")
    with pytest.raises(ValueError, match="byte offset"):
        tvdiff.compare_files(bad, old)
    assert tvdiff.compare_files(bad, old, lossy=True)["old"]["replaced_bytes"] == 1
    with pytest.raises(ValueError, match="larger than the limit"):
        tvdiff.compare_files(old, old, max_size=100)
    with pytest.raises(ValueError, match="byte offset"):
        tvdiff.compare(bad.read_bytes(), "x")


def test_render_html(seed_pair):
    r = tvdiff.compare_files(*seed_pair, lang="zh", full=True)
    page = tvdiff.render_html(r, generated="2015-12-16")
    assert page.startswith("<!DOCTYPE html>")
    assert "<del>华</del><ins>中国</ins>" in page and "<ins>传统</ins>" in page
    assert "2015-12-16" in page
    assert "<title>Wuzhen &lt;speech&gt;</title>" in tvdiff.render_html(r, "Wuzhen <speech>")
    # The same page from the report's JSON text, and without rows (changes only).
    assert tvdiff.render_html(json.dumps(r), generated="2015-12-16") == page
    short = tvdiff.compare_files(*seed_pair, lang="zh")
    assert "<del>华</del><ins>中国</ins>" in tvdiff.render_html(short)


def test_render_terminal(seed_pair):
    r = tvdiff.compare_files(*seed_pair, lang="zh", full=True)
    text = tvdiff.render_terminal(r)
    assert "[-华-]{+中国+}" in text and "{+传统+}" in text
    assert "Summary: 96 equal, 5 modified, 2 added, 1 removed, 0 moved sentences" in text
    assert "\x1b[" not in text and "\x1b[" in tvdiff.render_terminal(r, color=True)
    side = tvdiff.render_terminal(r, side_by_side=True, width=80)
    assert side != text and "华" in side
    assert "Summary" not in tvdiff.render_terminal(r, summary=False)
    assert "…" in tvdiff.render_terminal(r, elide=5)
    with pytest.raises(ValueError, match="not a tvdiff report"):
        tvdiff.render_terminal({"changes": []})
    with pytest.raises(TypeError):
        tvdiff.render_html(["not", "a", "report"])


def test_report_round_trips_through_python(seed_pair):
    r = tvdiff.compare_files(*seed_pair, lang="zh", full=True)
    assert len(r["rows"]) >= 100
    # Without rows (the default) the terminal view lists the changes alone.
    short = tvdiff.render_terminal(tvdiff.compare_files(*seed_pair, lang="zh"))
    assert "[-华-]{+中国+}" in short and "尊敬的侯赛因总统" not in short
    assert "尊敬的侯赛因总统" in tvdiff.render_terminal(r)
    # A report edited in Python renders what is left...
    kept = [c for c in r["changes"] if c["kind"] != "modified"]
    for i, c in enumerate(kept):
        c["id"] = i
    edited = dict(r, changes=kept, rows=[])
    text = tvdiff.render_terminal(edited)
    assert "{+习近平+}" in text and "中国" not in text
    # ...and an inconsistent one is a ValueError, not a crash.
    with pytest.raises(ValueError, match="rows\\[\\d+\\] refers to change"):
        tvdiff.render_terminal(dict(r, changes=kept))
    with pytest.raises(ValueError, match="not a tvdiff report"):
        tvdiff.render_html({"summary": {}})


@pytest.mark.skipif(
    not (REPO / "target" / "debug" / "tvdiff").exists() and not os.environ.get("TVDIFF_BIN"),
    reason="the tvdiff binary is not built (cargo build), or set TVDIFF_BIN",
)
def test_same_report_as_the_cli(seed_pair):
    exe = os.environ.get("TVDIFF_BIN") or str(REPO / "target" / "debug" / "tvdiff")
    old, new = (str(p.relative_to(REPO)) for p in seed_pair)
    out = subprocess.run(
        [exe, "--format", "json", "--lang", "zh", old, new], cwd=REPO, capture_output=True, check=False
    )
    assert out.returncode == 1, out.stderr
    cwd = os.getcwd()
    try:
        os.chdir(REPO)
        ours = tvdiff.compare_files(old, new, lang="zh")
    finally:
        os.chdir(cwd)
    assert ours == json.loads(out.stdout)


CHINESE_SEEDS = ["seed-000-blog-en-zh.txt", "seed-001-xinhua-pdf-zh.txt", "seed-003-bilingual-zh-en.txt"]


def test_collate_the_three_chinese_seeds(samples):
    paths = [samples / f for f in CHINESE_SEEDS]
    c = tvdiff.collate(paths, lang="zh")
    assert [w["siglum"] for w in c["witnesses"]] == ["A", "B", "C"]
    assert c["base"] == "A"
    assert c["witnesses"][1]["path"] == str(paths[1])
    readings = {}
    for p in c["positions"]:
        for vp in p["variation_points"]:
            for rd in vp["readings"]:
                readings.setdefault(rd["text"], set()).update(rd["witnesses"])
    # 在华 (000 and 003) against 在中国 (001), and 传统 only in 001.
    assert any("中国" in t and w == {"B"} for t, w in readings.items())
    assert any(t.endswith("华") and {"A", "C"} <= w for t, w in readings.items())
    assert c["summary"]["variation_points"] > 0
    # Texts, named, with another base, give the same readings.
    texts = [p.read_text() for p in paths]
    named = tvdiff.collate(texts, names=["blog", "xinhua", "collection"], base="xinhua", lang="zh")
    assert named["base"] == "xinhua"
    assert named["witnesses"][0]["path"] == "blog"
    assert tvdiff.collate([p.read_bytes() for p in paths], lang="zh")["summary"] == tvdiff.collate(
        texts, lang="zh"
    )["summary"]


def test_collate_errors(samples):
    with pytest.raises(ValueError, match="at least two"):
        tvdiff.collate(["一。"])
    with pytest.raises(ValueError, match="siglum"):
        tvdiff.collate(["一。", "二。"], names=["1x", "B"])
    with pytest.raises(ValueError, match="base"):
        tvdiff.collate(["一。", "二。"], base="Z")
    with pytest.raises(ValueError, match="base"):
        tvdiff.collate(["一。", "二。"], base=5)
    with pytest.raises(FileNotFoundError):
        tvdiff.collate([samples / CHINESE_SEEDS[0], Path("/nonexistent/x.txt")])
    with pytest.raises(TypeError):
        tvdiff.collate(["一。", 2])


def test_module_docstring_example():
    import doctest

    assert doctest.testmod(tvdiff).failed == 0


def test_stubs_and_marker_are_installed():
    pkg = Path(tvdiff.__file__).parent
    assert (pkg / "py.typed").exists() and (pkg / "__init__.pyi").exists()
    assert tvdiff.__version__
    assert tvdiff.compare.__doc__ and "ValueError" in tvdiff.compare.__doc__


def test_the_readme_example_works(capsys):
    """The Python example of README.md, run as written from the repository."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("\n## Python\n") :]
    code = section[section.index("```python\n") + len("```python\n") :]
    code = code[: code.index("```")]
    cwd = os.getcwd()
    try:
        os.chdir(REPO)
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert out.startswith("5 modified, 99.5 % similar\n")
    assert out.count("华 → 中国") == 2 and "~ 在[-华-]{+中国+}投资。" in out


def test_numbered_document_views(samples):
    """The 对照表 layout and renumbering switch reach Python as in the CLI."""
    law = samples / "law"
    r = tvdiff.compare_files(law / "binjiang-2018.txt", law / "binjiang-2024.txt", full=True)
    hidden = tvdiff.render_terminal(r)
    shown = tvdiff.render_terminal(r, show_renumbering=True)
    assert "Renumbered: 25 articles" in hidden
    assert shown.count("\n@@") > hidden.count("\n@@")
    table = tvdiff.render_html(r, layout="table")
    assert "修改前" in table and "修改后" in table
    assert table != tvdiff.render_html(r)
    with pytest.raises(ValueError, match="layout"):
        tvdiff.render_html(r, layout="columns")
