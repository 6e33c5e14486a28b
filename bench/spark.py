#!/usr/bin/env python3
"""Pairs per second: tvdiff.spark.compare_pairs on Spark local[2] against
`tvdiff batch` (and the Python API in one process) on the same pairs.

    python bench/spark.py                      # 2000 pairs, 3 runs each
    PAIRS=10000 RUNS=5 python bench/spark.py
    TVDIFF=target/release/tvdiff python bench/spark.py

Needs the tvdiff Python package with pyspark and pyarrow installed in the
running interpreter (`pip install ./bindings/python pyspark pyarrow
'pandas<3'`), a Java runtime, and a release build of the CLI
(`cargo build --release`; TVDIFF= names another binary).

The pairs are built from the seed samples and written to OLD/ and NEW/
directories: a quarter identical copies, a quarter formatting-only variants
(seed-001 against seed-001-noise, and the others with half-width
punctuation and re-wrapped lines), a quarter with a few words inserted and
a sentence dropped, and a quarter real version pairs (000/001, 001/003,
003/004, 000/003). Each side is 8-26 kB, as a transcript is.

Measured, best of RUNS, all reading the same files:
  batch     `tvdiff batch --summary out.csv OLD NEW` (one process, a thread
            per core), wall time;
  python    tvdiff.compare_files over the pairs in one thread, and in a
            pool of 2 threads (the GIL is released while comparing);
  spark     compare_pairs on local[2]: both directories read with
            spark.read.text(wholetext=True), joined on the file name, the
            changes written to Parquet; and the comparison alone, on the
            joined pairs cached in memory, output discarded (the "noop"
            sink). The session is started (and the JVM warmed by one run)
            before timing, so this is the steady-state rate of a running
            cluster, not start-up, which is reported separately.
Results go to stdout as a Markdown table.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PAIRS = int(os.environ.get("PAIRS", "2000"))
RUNS = int(os.environ.get("RUNS", "3"))
TVDIFF = os.environ.get("TVDIFF") or str(ROOT / "target" / "release" / "tvdiff")


def seed(name):
    return (SAMPLES / name).read_text()


def make_pairs(out, n):
    s = {k: seed(f) for k, f in {
        "000": "seed-000-blog-en-zh.txt", "001": "seed-001-xinhua-pdf-zh.txt",
        "noise": "seed-001-noise.txt", "002": "seed-002-summary-en.txt",
        "003": "seed-003-bilingual-zh-en.txt", "004": "seed-004-liveblog-en.txt",
    }.items()}  # fmt: skip
    docs = [s["000"], s["001"], s["002"], s["003"], s["004"]]
    real = [("000", "001"), ("001", "003"), ("003", "004"), ("000", "003")]
    old_dir, new_dir = out / "old", out / "new"
    old_dir.mkdir(parents=True)
    new_dir.mkdir(parents=True)
    changed = 0
    for i in range(n):
        case = i % 4
        doc = docs[(i // 4) % len(docs)]
        if case == 0:
            old, new = doc, doc
        elif case == 1:
            if (i // 4) % 2 == 0:
                old, new = s["001"], s["noise"]
            else:
                old = doc
                new = doc.replace("，", ",").replace("：", ":").replace("。", "。\n")
        elif case == 2:
            lines = doc.splitlines()
            k = (i * 7) % max(1, len(lines))
            lines[k] = "确实 " + lines[k] + " indeed"
            if len(lines) > 3:
                del lines[(k + 2) % len(lines)]
            old, new = doc, "\n".join(lines)
            changed += 1
        else:
            a, b = real[(i // 4) % len(real)]
            old, new = s[a], s[b]
            changed += 1
        name = f"{i:06d}.txt"
        (old_dir / name).write_text(old)
        (new_dir / name).write_text(new)
    return old_dir, new_dir


def best(f, runs=RUNS):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    import tvdiff

    if not Path(TVDIFF).exists():
        sys.exit(f"bench/spark.py: no tvdiff binary at {TVDIFF} (cargo build --release, or set TVDIFF=)")
    work = Path(tempfile.mkdtemp(prefix="tvdiff-spark-bench-"))
    try:
        old_dir, new_dir = make_pairs(work, PAIRS)
        names = sorted(p.name for p in old_dir.iterdir())
        size = sum(p.stat().st_size for d in (old_dir, new_dir) for p in d.iterdir())
        rows = []

        def batch():
            r = subprocess.run(
                [TVDIFF, "batch", "-q", "--summary", str(work / "out.csv"), str(old_dir), str(new_dir)],
                capture_output=True,
            )
            if r.returncode not in (0, 1):
                raise RuntimeError(r.stderr.decode())

        rows.append(("`tvdiff batch --summary` (2 threads)", best(batch)))

        def python_loop():
            for n in names:
                tvdiff.compare_files(old_dir / n, new_dir / n)

        rows.append(("Python `tvdiff.compare_files`, 1 thread", best(python_loop)))

        def python_pool():
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda n: tvdiff.compare_files(old_dir / n, new_dir / n), names))

        rows.append(("Python `tvdiff.compare_files`, 2 threads", best(python_pool)))

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        from pyspark.sql import SparkSession, functions as F
        from tvdiff.spark import compare_pairs

        t0 = time.perf_counter()
        spark = (
            SparkSession.builder.master("local[2]")
            .appName("tvdiff-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        startup = time.perf_counter() - t0

        def side(d, col):
            return (
                spark.read.text(str(d), wholetext=True)
                .withColumn("file", F.element_at(F.split(F.input_file_name(), "/"), -1))
                .withColumnRenamed("value", col)
            )

        def on_spark():
            df = side(old_dir, "old").join(side(new_dir, "new"), "file")
            out = compare_pairs(df)
            out.write.mode("overwrite").parquet(str(work / "changes.parquet"))

        t0 = time.perf_counter()
        on_spark()
        first = time.perf_counter() - t0
        rows.append(("Spark `compare_pairs`, local[2], files to Parquet", best(on_spark)))

        # The comparison alone: pairs already in memory, output discarded.
        cached = side(old_dir, "old").join(side(new_dir, "new"), "file").repartition(4).cache()
        cached.count()

        def in_memory():
            compare_pairs(cached).write.format("noop").mode("overwrite").save()

        in_memory()
        rows.append(("Spark `compare_pairs`, local[2], cached DataFrame, no output", best(in_memory)))
        check = spark.read.parquet(str(work / "changes.parquet"))
        counted = check.select("file").distinct().count()
        marked = check.where("kind != 'equal'").select("file").distinct().count()
        spark.stop()
        assert counted == PAIRS, (counted, PAIRS)

        print(f"{PAIRS} pairs, {size / 1e6:.1f} MB in all, best of {RUNS} runs; {marked} pairs with changes\n")
        print("| how | seconds | pairs/s |")
        print("|---|---:|---:|")
        for name, t in rows:
            print(f"| {name} | {t:.2f} | {PAIRS / t:,.0f} |")
        print(f"\nSpark: session start {startup:.1f} s, first (cold) run {first:.1f} s.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
