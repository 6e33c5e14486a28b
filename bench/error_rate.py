#!/usr/bin/env python3
"""Check tvdiff's summary.error_rate against jiwer on the same token sequences.

    pip install jiwer
    python3 bench/error_rate.py                  # the pairs below
    python3 bench/error_rate.py -- [FLAGS] OLD NEW   # one pair of your own

For each pair, `examples/error_rate_tokens.rs` runs the comparison and prints
the token sequences tvdiff scored (punctuation removed, case folded as the
options say) with tvdiff's counts; jiwer.process_words scores the same
sequences (tokens joined by spaces; no token contains one). The rate must
agree within 3% relative (it is the same minimum edit distance unless a
stretch was too large for tvdiff's exact table); hits, substitutions,
deletions and insertions are printed side by side.
"""

import json
import pathlib
import subprocess
import sys
import time

import jiwer

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "target" / "release" / "examples" / "error_rate_tokens"

# (name, flags, old, new): recogniser-style pairs with edits.
PAIRS = [
    ("zh asr (红楼梦)", [], "samples/reseg/hlm-ch3.txt", "samples/reseg/hlm-ch3.asr.edits.txt"),
    ("en asr (War and Peace)", ["-i"], "samples/reseg/wp-book1-ch1.txt", "samples/reseg/wp-book1-ch1.asr.edits.txt"),
    ("zh terminators", [], "samples/reseg/hlm-ch3.txt", "samples/reseg/hlm-ch3.terminators.edits.txt"),
    ("zh auto captions (vtt)", [], "samples/reseg/hlm-ch3.txt", "samples/captions/hlm-ch3.vtt.edits.vtt"),
    ("en auto captions (vtt)", ["-i"], "samples/reseg/wp-book1-ch1.txt", "samples/captions/wp-book1-ch1.vtt.edits.vtt"),
    ("zh captions (srt)", [], "samples/reseg/hlm-ch3.txt", "samples/captions/hlm-ch3.srt.edits.srt"),
    ("en captions (srt)", ["-i"], "samples/reseg/wp-book1-ch1.txt", "samples/captions/wp-book1-ch1.srt.edits.srt"),
    ("zh fillers (vtt)", ["--ignore-fillers"], "samples/reseg/hlm-ch3.txt", "samples/captions/hlm-ch3.vtt.fillers.vtt"),
    ("en fillers (vtt)", ["-i", "--ignore-fillers"], "samples/reseg/wp-book1-ch1.txt", "samples/captions/wp-book1-ch1.vtt.fillers.vtt"),
    ("zh blog vs agency", ["--lang", "zh"], "samples/seed-000-blog-en-zh.txt", "samples/seed-001-xinhua-pdf-zh.txt"),
    ("en summary vs live blog", ["-i", "--lang", "en"], "samples/seed-002-summary-en.txt", "samples/seed-004-liveblog-en.txt"),
    ("zh 三字经 editions", ["--fold-chinese"], "samples/sanzijing_traditional_qing.txt", "samples/sanzijing_new_edition.txt"),
]

# Denser edits, made here: (name, flags, input, make_variant arguments).
GENERATED = [
    ("zh asr, 250 edits", [], "samples/reseg/hlm-ch3.txt", ["--seed", "21", "--edits", "250", "--reseg", "asr"]),
    ("en asr, 250 edits", ["-i"], "samples/reseg/wp-book1-ch1.txt", ["--seed", "21", "--edits", "250", "--reseg", "asr"]),
    ("zh vtt+fillers, 250 edits", [], "samples/reseg/hlm-ch3.txt", ["--seed", "22", "--edits", "250", "--reseg", "vtt", "--fillers"]),
    ("en vtt+fillers, 250 edits", ["-i"], "samples/reseg/wp-book1-ch1.txt", ["--seed", "22", "--edits", "250", "--reseg", "vtt", "--fillers"]),
]


def generated():
    out = ROOT / "target" / "bench" / "error_rate"
    out.mkdir(parents=True, exist_ok=True)
    mv = ROOT / "target" / "release" / "examples" / "make_variant"
    pairs = []
    for name, flags, src, args in GENERATED:
        ext = "vtt" if "vtt" in args else "txt"
        dst = out / f"{pathlib.Path(src).stem}.{args[1]}.{ext}"
        subprocess.run([str(mv), *args, src, str(dst), str(dst) + ".json"], cwd=ROOT, check=True, capture_output=True)
        pairs.append((name, flags, src, str(dst)))
    return pairs


def build():
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--example", "error_rate_tokens", "--example", "make_variant"],
        cwd=ROOT,
        check=True,
    )


def score(flags, old, new):
    out = subprocess.run([str(EXAMPLE), *flags, old, new], cwd=ROOT, check=True, capture_output=True, text=True)
    d = json.loads(out.stdout)
    t = time.perf_counter()
    j = jiwer.process_words(" ".join(d["reference"]), " ".join(d["hypothesis"]))
    jt = time.perf_counter() - t
    mine = d["tvdiff"]
    theirs = {
        "hits": j.hits,
        "substitutions": j.substitutions,
        "deletions": j.deletions,
        "insertions": j.insertions,
        "rate": j.wer,
    }
    return d["unit"], mine, theirs, d["seconds"], jt


def main(argv):
    build()
    pairs = PAIRS + generated()
    if "--" in argv:
        rest = argv[argv.index("--") + 1 :]
        pairs = [("given", rest[:-2], rest[-2], rest[-1])]
    worst = 0.0
    print(f"{'pair':27} {'unit':4} {'tvdiff rate':>11} {'jiwer rate':>10} {'rel diff':>8}  H/S/D/I tvdiff | jiwer   tvdiff s  jiwer s")
    for name, flags, old, new in pairs:
        if not (ROOT / old).exists() or not (ROOT / new).exists():  # (absolute paths join as themselves)
            print(f"{name:27} (missing {old} or {new})")
            continue
        unit, m, j, secs, jsecs = score(flags, old, new)
        rel = abs(m["rate"] - j["rate"]) / j["rate"] if j["rate"] else abs(m["rate"])
        worst = max(worst, rel)
        counts = lambda c: f"{c['hits']}/{c['substitutions']}/{c['deletions']}/{c['insertions']}"
        print(
            f"{name:27} {unit:4} {m['rate'] * 100:10.3f}% {j['rate'] * 100:9.3f}% {rel * 100:7.3f}%  "
            f"{counts(m)} | {counts(j)}   {secs:.3f}  {jsecs:.3f}"
        )
    print(f"largest relative difference: {worst * 100:.3f}% (limit 3%)")
    return 0 if worst <= 0.03 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
