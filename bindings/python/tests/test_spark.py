"""tvdiff.spark.compare_pairs in Spark local mode on 400 pairs."""

import os
import shutil
import sys

import pytest

REQUIRED = bool(os.environ.get("TVDIFF_REQUIRE_SPARK"))  # set by .ci/run: a skip is a failure there


def _need(what):
    if REQUIRED:
        pytest.fail(f"{what} (TVDIFF_REQUIRE_SPARK is set)")
    pytest.skip(what)


try:
    import pyspark  # noqa: F401
    import pyarrow  # noqa: F401
except ImportError as e:  # pragma: no cover
    _need(f"pyspark/pyarrow not installed: {e}")  # at import: skips (or fails) the module

import tvdiff
from tvdiff.spark import CHANGE_COLUMNS, compare_pairs

from conftest import SAMPLES


@pytest.fixture(scope="module")
def spark():
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        _need("no Java runtime (apt-get install default-jre-headless)")
    from pyspark.sql import SparkSession

    # The Python workers must be this interpreter, the one tvdiff is installed in.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    s = (
        SparkSession.builder.master("local[2]")
        .appName("tvdiff-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def lines():
    """Lines of the seeds with some text: Chinese and English."""
    out = []
    for f in sorted(SAMPLES.glob("seed-00*.txt")):
        for line in f.read_text().splitlines():
            line = line.strip()
            if len(line) >= 30 and not line.startswith("http"):
                out.append(line)
    return out


def make_pairs(n=400):
    """n pairs, a quarter each: identical; only noise (half-width
    punctuation, extra spaces, a line break); a word inserted; a sentence
    added. Returns rows (id, source, old, new) and the ids that changed."""
    base = lines()
    rows, changed = [], set()
    for i in range(n):
        text = base[i % len(base)]
        han = any("\u4e00" <= ch <= "\u9fff" for ch in text)
        case = i % 4
        if case == 0:
            new = text
        elif case == 1:
            new = text.replace("，", ",").replace("。", "。\n").replace(" ", "  ")
        elif case == 2:
            if han:
                new = "确实" + text
            else:
                first, _, rest = text.partition(" ")
                new = f"{first} indeed {rest}"
            changed.add(i)
        else:
            new = text + ("我们还要补充一句完整的话。" if han else " We add one more complete sentence here.")
            changed.add(i)
        rows.append((i, f"seed-line-{i % len(base)}", text, new))
    return rows, changed


def test_400_pairs_exactly_the_changed_ones_are_marked(spark):
    rows, changed = make_pairs(400)
    df = spark.createDataFrame(rows, "id long, source string, old string, new string").repartition(4)
    out = compare_pairs(df)
    assert out.columns == ["id", "source"] + CHANGE_COLUMNS
    got = out.collect()
    by_id = {}
    for r in got:
        by_id.setdefault(r["id"], []).append(r)
    assert set(by_id) == set(range(400)), "every input row is accounted for"
    marked = {i for i, rs in by_id.items() if any(r["kind"] != "equal" for r in rs)}
    assert marked == changed
    for i, rs in by_id.items():
        kinds = [r["kind"] for r in rs]
        if i in changed:
            assert "equal" not in kinds
            want = "modified" if i % 4 == 2 else {"modified", "added"}
            assert kinds == ["modified"] if want == "modified" else set(kinds) <= want, (i, kinds)
        else:
            assert kinds == ["equal"], (i, kinds)
            r = rs[0]
            assert r["old_text"] is None and r["edits"] == [] and r["pair_modified"] == 0
    # Keys are kept; the rows of a pair carry its summary; spans are the texts.
    src = {r[0]: r for r in rows}
    for i in (2, 6, 10):
        (r,) = by_id[i]
        assert r["source"] == src[i][1]
        assert r["pair_modified"] == 1 and r["pair_added"] == 0 and 0 < r["pair_similarity"] < 100
        e = r["edits"][0]
        assert e["op"] == "insert" and e["new"] in ("确实", "indeed ", " indeed")
        assert src[i][3].encode()[e["new_start"] : e["new_end"]].decode() == e["new"]
        assert src[i][3].encode()[r["new_start"] : r["new_end"]].decode() == r["new_text"]
        assert r["old_line"] == 1 and r["old_column"] == 1 and r["change_id"] == 0


def test_same_answers_as_the_python_api(spark):
    old = (SAMPLES / "seed-000-blog-en-zh.txt").read_text()
    new = (SAMPLES / "seed-001-xinhua-pdf-zh.txt").read_text()
    df = spark.createDataFrame([("seed", old, new), ("none", None, "一句话。"), ("both", None, None)], ["k", "a", "b"])
    got = compare_pairs(df, old="a", new="b", lang="zh").collect()
    seed = [r for r in got if r["k"] == "seed"]
    report = tvdiff.compare(old, new, lang="zh")
    assert [r["kind"] for r in seed] == [c["kind"] for c in report["changes"]]
    assert [(e["old"], e["new"]) for r in seed for e in r["edits"]] == [
        (e["old"], e["new"]) for c in report["changes"] for e in c["edits"]
    ]
    assert seed[0]["pair_equal"] == report["summary"]["equal"] == 96
    assert [r["kind"] for r in got if r["k"] == "none"] == ["added"]
    assert [r["kind"] for r in got if r["k"] == "both"] == ["equal"]


def test_bad_arguments_fail_on_the_driver(spark):
    df = spark.createDataFrame([(1, "a", "b")], ["id", "old", "new"])
    with pytest.raises(ValueError, match="invalid regular expression"):
        compare_pairs(df, ignore_lines=["("])
    with pytest.raises(ValueError, match="no column 'text'"):
        compare_pairs(df, old="text")
    with pytest.raises(ValueError, match="not string"):
        compare_pairs(df, old="id")
    with pytest.raises(ValueError, match="output column"):
        compare_pairs(df.withColumnRenamed("id", "kind"))
    assert compare_pairs(df.withColumnRenamed("id", "kind"), keys=[]).columns == CHANGE_COLUMNS
