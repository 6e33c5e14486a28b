#!/usr/bin/env python3
"""Turn the measurements of bench/run.sh into docs/performance.md.

    python3 bench/report.py OUT_DIR docs/performance.md

Reads OUT_DIR/results.jsonl (one measurement per line), OUT_DIR/machine.json
and the ground-truth files in OUT_DIR/pairs, counts the changes each tool
reported from its saved output, scores tvdiff with score.py, evaluates the
targets, and appends the hand-written analysis in bench/analysis.md.
Standard library only.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402


def load(out_dir):
    res = {}
    with open(os.path.join(out_dir, "results.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            res[r["name"]] = r
    with open(os.path.join(out_dir, "machine.json")) as f:
        machine = json.load(f)
    return res, machine


def read(path):
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        return f.read()


def tvdiff_report(r):
    try:
        return json.loads(read(r["out"]))
    except (OSError, ValueError):
        return None


def changes_reported(r):
    """How many changes a tool reported, from its saved output."""
    if r["exit"] not in (0, 1):
        return None
    out = read(r["out"])
    tool = r["tool"]
    if tool == "tvdiff":
        rep = tvdiff_report(r)
        return len(score.items(rep)) if rep else None
    if tool == "git":
        n, body = 0, False
        for line in out.split("\n"):
            if line.startswith("@@"):
                body = True
            elif body and line[:1] in ("-", "+"):
                n += 1
        return n
    if tool == "wdiff":
        return out.count("[-") + out.count("{+")
    if tool == "diff":
        return sum(1 for line in out.split("\n") if line[:1] in ("<", ">"))
    return None


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def input_bytes(r, root, out_dir):
    """Bytes of the two input files of a measurement (the last two arguments)."""
    if r.get("input_bytes"):
        return r["input_bytes"]
    env = {"$OUT/": os.path.abspath(out_dir) + "/",
           "$CORPUS/": os.environ.get("CORPUS", os.path.join(root, "..", "shared", "corpus")) + "/"}
    total = 0
    for a in r["cmd"].split()[-2:]:
        for k, v in env.items():
            a = a.replace(k, v)
        total += size(a if os.path.isabs(a) else os.path.join(root, a))
    return total


def hostile_verdict(r, pairs):
    """(case, answer, sane?) of a hostile-pair measurement."""
    rep = tvdiff_report(r)
    case = r["name"].split(".", 1)[1]
    if not rep:
        return case, f"no report (exit {r['exit']})", False
    su = rep["summary"]
    answer = (f"{su['equal']} equal, {su['modified']} modified, {su['added']} added, "
              f"{su['removed']} removed, {su['moved']} moved; similarity {su['similarity']}%")
    sane = False
    if case.startswith("unrelated"):
        sane = r["exit"] == 1 and su["similarity"] < 30
    elif case == "repeat_100k_plus_one":
        sane = su["added"] == 1 and su["modified"] == su["removed"] == su["moved"] == 0
    elif case == "empty_old":
        sane = su["added"] == rep["new"]["sentences"] and su["modified"] == 0
    elif case == "empty_new":
        sane = su["removed"] == rep["old"]["sentences"] and su["modified"] == 0
    elif case.startswith("no_punctuation"):
        with open(os.path.join(pairs, "h_nopunct_edits.truth.json")) as f:
            s = score.score(rep, json.load(f))
        answer += f"; recall {s['recall']:.3f}, precision {s['precision']:.3f}"
        sane = s["recall"] >= 0.9
    return case, answer, sane


def scale_ks(res, lang):
    """The k of the scaling series of `lang` that were measured, ascending."""
    ks = []
    for name in res:
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "scale" and parts[1] == lang and parts[2].startswith("x"):
            ks.append(int(parts[2][1:]))
    return sorted(ks)


def fmt_t(s):
    if s is None:
        return "—"
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def fmt_mb(kb):
    return "—" if kb is None else f"{kb / 1024:.0f} MB"


def yes(ok):
    return "**met**" if ok else "**not met**"


def main(out_dir, doc):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    res, m = load(out_dir)
    pairs = os.path.join(out_dir, "pairs")
    L = []
    w = L.append

    w("# Performance")
    w("")
    w("Measured by `bash bench/run.sh`, which writes this file (the analysis at the end is")
    w("`bench/analysis.md`, written by hand from the profiles). Re-run it after changing the")
    w("pipeline; `QUICK=1` skips the scaling series and hostile cases, `INSTALL=1` installs the")
    w("peers and timers first (`apt-get install -y hyperfine wdiff time`).")
    w("")
    w("## Machine")
    w("")
    w(f"- {m.get('nproc')} cores, {m.get('cpu')}, {m.get('mem')} RAM, {m.get('kernel')} — shared with other")
    w("  builds while measuring, so single numbers can be noisy; every time is the **median of")
    w(f"  {m.get('runs')} runs** after one warm-up (hyperfine `-N`), end to end (process start to exit, output")
    w(f"  discarded); peak memory is the median over {m.get('memruns') or 1} run(s) (`MEMRUNS`) of the maximum resident")
    w("  set size from `/usr/bin/time`.")
    w(f"- {m.get('rustc')}; tvdiff at commit `{m.get('commit')}`"
      + (" with uncommitted changes in the tree" if m.get("dirty") else "") + ", release build.")
    w(f"- {m.get('git')}; {m.get('wdiff')}; {m.get('diff')}; {m.get('hyperfine')}.")
    w("")
    w("Paths in commands: `$CORPUS` is `../shared/corpus`, `$OUT` is `target/bench`.")
    w("")

    # ---- main table
    w("## tvdiff against git word-diff, wdiff and diff")
    w("")
    w("The pairs are the corpus text against a variant made by `examples/make_variant.rs`:")
    w("")
    w("```sh")
    w("target/release/examples/make_variant --seed 1 --edits 200 $CORPUS/zh_large.txt $OUT/pairs/zh_edits.txt $OUT/pairs/zh_edits.truth.json")
    w("target/release/examples/make_variant --seed 2 --noise-only $CORPUS/zh_large.txt $OUT/pairs/zh_noise.txt $OUT/pairs/zh_noise.truth.json")
    w("# and the same for en_large.txt (CRLF line ends are kept)")
    w("```")
    w("")
    w("*edits* = 200 wording edits (Chinese: 1–3 Han characters inserted, deleted or replaced;")
    w("English: one word) **plus** transcript noise; *noise* = the noise alone (full-width ↔")
    w("half-width punctuation, spaces next to Han text, “”↔「」 or curly↔straight quotes, re-wrapped")
    w("paragraphs). The truth JSON lists every edit with its byte offsets in the new file.")
    w("")
    w("*tvdiff* is its JSON report (`-f json`); *tvdiff (terminal output)* the default output,")
    w("what a user at a terminal reads (`--color never`, written to a file).")
    w("")
    w("*Changes reported*: tvdiff — edits inside modified sentences plus added/removed/moved")
    w("sentences; git — `-`/`+` word lines of `--word-diff=porcelain`; wdiff — `[-…-]` and `{+…+}`")
    w("marks; diff — changed lines (`<`/`>`). *Accuracy* (tvdiff only, `bench/score.py`): recall =")
    w("injected edits found (a reported edit overlaps the edit's byte range in the new file and the")
    w("texts match after trimming), precision = reported items that are injected edits. For the")
    w("others, precision can be at most 200 / changes reported.")
    w("")
    w("| pair | tool | time | × git | peak memory | changes reported | accuracy |")
    w("|---|---|---:|---:|---:|---:|---|")
    scores = {}
    for g in ("zh.edits", "zh.noise", "en.edits", "en.noise"):
        git = res.get(f"{g}.git")
        for tool in ("tvdiff", "terminal", "git", "wdiff", "diff"):
            r = res.get(f"{g}.{tool}")
            if not r:
                continue
            n = changes_reported(r)
            if tool == "terminal":
                # The same comparison, printed for a terminal.
                ratio = r["median_s"] / git["median_s"] if git and git["median_s"] else float("nan")
                w(f"| {g} | tvdiff (terminal output) | {fmt_t(r['median_s'])} | {ratio:.2f} | "
                  f"{fmt_mb(r['rss_kb'])} | — | the same changes, with a sentence of context each |")
                continue
            ratio = r["median_s"] / git["median_s"] if git and git["median_s"] else None
            acc = "—"
            truth_path = os.path.join(pairs, g.replace(".", "_") + ".truth.json")
            if tool == "tvdiff":
                rep = tvdiff_report(r)
                if rep and os.path.exists(truth_path):
                    with open(truth_path) as f:
                        s = score.score(rep, json.load(f))
                    scores[g] = s
                    if s["truth_edits"]:
                        acc = (f"recall {s['recall']:.3f} ({s['found']}/{s['truth_edits']}), "
                               f"precision {s['precision']:.3f}")
                    else:
                        acc = f"{s['reported_items']} noise differences reported"
            elif n is not None:
                if g.endswith("noise"):
                    acc = f"{n} noise differences reported"
                elif n:
                    acc = f"precision ≤ {min(1, 200 / n):.3f}"
            w(f"| {g} | {tool} | {fmt_t(r['median_s'])} | {ratio:.2f} | {fmt_mb(r['rss_kb'])} | "
              f"{'—' if n is None else n} | {acc} |" if ratio is not None else
              f"| {g} | {tool} | {fmt_t(r['median_s'])} | — | {fmt_mb(r['rss_kb'])} | {n} | {acc} |")
    w("")

    # ---- alternating ratios (issue 17)
    alt = [r for r in res.values() if str(r.get("group", "")).startswith("alt.")]
    if alt:
        w("## Alternating ratios: git word-diff, tvdiff and the one-pass floor")
        w("")
        w("The times above are each tool's median over its own runs, taken minutes apart on a")
        w("shared machine. Here `bench/ratio.py` runs git word-diff, tvdiff and the floor program")
        w("(`bench/floor.rs`: read both files on two threads, fold punctuation width and quotes, cut")
        w("sentences, hash them, count the new sentences found in the old version — one pass, no")
        w("per-character records) one after the other, round after round; a ratio is the median")
        w("of the per-round ratios, so the machine's load cancels.")
        w("")
        w("| pair | git word-diff | tvdiff | floor | tvdiff ÷ git (rounds) | tvdiff ÷ floor | floor ÷ git |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for lang in ("zh", "en"):
            for kind in ("edits", "noise"):
                g, t, f = (res.get(f"alt.{lang}.{kind}.{x}") for x in ("git", "tvdiff", "floor"))
                if not (g and t and f):
                    continue
                w(f"| {lang}.{kind} | {fmt_t(g['median_s'])} | {fmt_t(t['median_s'])} | {fmt_t(f['median_s'])} | "
                  f"×{t['ratio']:.2f} ({t['ratio_min']:.2f}–{t['ratio_max']:.2f}) | "
                  f"×{t['ratio_to'][f'alt.{lang}.{kind}.floor']:.2f} | ×{f['ratio']:.2f} |")
        w("")
        runs = alt[0].get("runs")
        w(f"{runs} rounds each. Stage timings of one tvdiff run (`TVDIFF_TRACE=1`, same pairs):")
        w("")
        w("```")
        for lang in ("zh", "en"):
            path = os.path.join(out_dir, "out", f"trace.{lang}.txt")
            if os.path.exists(path):
                for line in read(path).strip().splitlines():
                    w(f"{lang}: {line}")
        w("```")
        w("")

    # ---- targets
    w("## Targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    for lang, label, limit in (("zh", "2.6 MB Chinese", 1.5), ("en", "3.4 MB English", 1.0)):
        alt, git = res.get(f"alt.{lang}.edits.tvdiff"), res.get(f"alt.{lang}.edits.git")
        tv, hgit = res.get(f"{lang}.edits.tvdiff"), res.get(f"{lang}.edits.git")
        if alt and git:
            w(f"| {label}, 200 edits + noise: median wall time ≤ {limit}× git word-diff, timed alternately "
              f"(issue 17; goal ≤ 1.0×) | {fmt_t(alt['median_s'])} vs {fmt_t(git['median_s'])}: "
              f"×{alt['ratio']:.2f} (rounds {alt['ratio_min']:.2f}–{alt['ratio_max']:.2f}) | {yes(alt['ratio'] <= limit)} |")
        elif tv and hgit:
            ratio = tv["median_s"] / hgit["median_s"]
            w(f"| {label}, 200 edits + noise: wall time ≤ {limit}× git word-diff | "
              f"{fmt_t(tv['median_s'])} vs {fmt_t(hgit['median_s'])} = {ratio:.1f}× | {yes(ratio <= limit)} |")
        s, sn = scores.get(f"{lang}.edits"), scores.get(f"{lang}.noise")
        if s and sn:
            only = s["recall"] == 1 and s["precision"] == 1 and sn["reported_items"] == 0
            w(f"| {label}: reports only the real edits | recall {s['recall']:.3f}, precision "
              f"{s['precision']:.3f}; noise-only pair: {sn['reported_items']} reported | {yes(only)} |")
    for lang in ("zh", "en"):
        base = res.get(f"scale.{lang}.x1")
        if not base:
            continue
        ks = scale_ks(res, lang)[1:]
        if not ks:
            continue
        top = ks[-1]
        mbs = input_bytes(res[f"scale.{lang}.x{top}"], root, out_dir) / 2e6
        worst = max((res[f"scale.{lang}.x{k}"]["median_s"] / (k * base["median_s"]), k) for k in ks)
        worst_min = max(res[f"scale.{lang}.x{k}"]["min_s"] / (k * base["min_s"]) for k in ks)
        w(f"| {lang}: time within 1.2× of proportional (1×–{top}×, up to {mbs:.0f} MB a side) | worst median: "
          f"{worst[0]:.2f}× at {worst[1]}×; worst fastest-run: {worst_min:.2f}× | {yes(worst[0] <= 1.2)} |")
        mem = max(res[f"scale.{lang}.x{k}"]["rss_kb"] / (k * base["rss_kb"]) for k in ks
                  if res[f"scale.{lang}.x{k}"]["rss_kb"] and base["rss_kb"])
        w(f"| {lang}: memory within 1.2× of proportional (1×–{top}×) | worst: {mem:.2f}× | {yes(mem <= 1.2)} |")
    hostile = [r for r in res.values() if r["group"] == "hostile"]
    if hostile:
        bounded = all(r["exit"] in (0, 1) for r in hostile)
        worst_t = max(r["median_s"] for r in hostile)
        worst_m = max(r["rss_kb"] or 0 for r in hostile)
        w(f"| hostile cases bounded | slowest {fmt_t(worst_t)}, largest {fmt_mb(worst_m)}, "
          f"all finished: {'yes' if bounded else 'no'} | {yes(bounded)} |")
        insane = [hostile_verdict(r, pairs)[0] for r in hostile if not hostile_verdict(r, pairs)[2]]
        w(f"| hostile cases give a sane answer | {'all sane' if not insane else 'not sane: ' + ', '.join(insane)} "
          f"| {yes(not insane)} |")
    mem_rows = [r for r in res.values() if r["tool"] in ("tvdiff", "terminal") and (r["group"] in
                ("zh.edits", "en.edits", "zh.noise", "en.noise", "scale.zh", "scale.en")
                or r["group"].startswith("hardmem."))]
    if mem_rows:
        worst = max(((r["rss_kb"] or 0) * 1024 / max(1, input_bytes(r, root, out_dir)), r["name"]) for r in mem_rows)
        w(f"| peak memory ≤ 10× combined input size (book pairs, scaling, hard shapes) | worst: {worst[0]:.1f}× "
          f"({worst[1]}) | {yes(worst[0] <= 10)} |")
    floor = [res.get(f"alt.{lang}.edits.tvdiff") for lang in ("zh", "en")]
    if all(floor):
        w("| recorded: ratio to the one-pass floor (`bench/floor.rs`), timed alternately | "
          + "; ".join(f"{lang} ×{r['ratio_to'].get(f'alt.{lang}.edits.floor', float('nan')):.2f}"
                      for lang, r in zip(("zh", "en"), floor)) + " | (no target) |")
    for lang in ("zh", "en"):
        hard = [r for r in res.values() if r.get("group") == f"hard.{lang}" and not r["name"].endswith(".normal")]
        if hard:
            worst = max(hard, key=lambda r: r["ratio"])
            w(f"| {lang}: every hard shape ≤ 4× a normal 1 MB pair (timed alternately) | worst: "
              f"{worst['name'].split('.')[-1].replace('_', ' ')} ×{worst['ratio']:.2f} | {yes(worst['ratio'] <= 4)} |")
    tout = res.get("timeout.1000ms")
    if tout:
        w(f"| `--timeout 1000` on 500 vs 500 long, alike sentences returns within about a second | "
          f"{fmt_t(tout['median_s'])} | {yes(tout['median_s'] <= 1.5)} |")
    so_path = os.path.join(out_dir, "symbol_order.txt")
    so = read(so_path).split() if os.path.exists(so_path) else []
    if len(so) == 2:
        w(f"| recorded: functions of `src/symbol-order.txt` the release binary has (laid out together "
          f"by `build.rs`; `bench/symbol_order.sh` lists them again) | {so[0]} of {so[1]} | (no target) |")
    st = [res.get(f"startup.{k}") for k in ("version", "en_modified", "zh_same", "zh_modified")]
    if all(st):
        w(f"| start-up small | `--version` {fmt_t(st[0]['median_s'])}; tiny English pair "
          f"{fmt_t(st[1]['median_s'])}; tiny Chinese pair, equal {fmt_t(st[2]['median_s'])}, "
          f"modified (word segmenter) {fmt_t(st[3]['median_s'])} | "
          f"{yes(st[3]['median_s'] < 0.2)} (see below) |")
    w("")

    # ---- start-up
    if all(st):
        w("## Start-up and fixed costs")
        w("")
        w("| case | time | peak memory | command |")
        w("|---|---:|---:|---|")
        for r in st:
            w(f"| {r['name']} | {fmt_t(r['median_s'])} | {fmt_mb(r['rss_kb'])} | `{r['cmd']}` |")
        w("")
        w("The tiny files are one sentence each (written by the script; median of 20 runs). A")
        w("modified Chinese sentence also needs the word segmenter: its dictionary is a trie compiled")
        w("into the binary, and only the words that occur in the sentence are loaded into jieba.")
        w("Fixed costs are process start, reading both files and, for Han text, that segmenter;")
        w("nothing else is loaded before the input asks for it.")
        w("")

    # ---- scaling
    if any(r["group"].startswith("scale.") for r in res.values()):
        w("## Scaling")
        w("")
        w("OLD is the corpus text concatenated with itself k times; NEW is a variant of it with")
        w("200·k edits plus noise (`make_variant --seed k --edits 200k`). Proportional time is k × the")
        w("1× time. Note that concatenation makes every sentence occur k times, so from 2× on the")
        w("anchoring diff has no unique sentences to lock in first.")
        w("")
        w("| text | k | input (old+new) | tvdiff (median) | ÷ proportional | fastest run ÷ proportional | peak memory | recall / precision | git word-diff |")
        w("|---|---:|---:|---:|---:|---:|---:|---|---:|")
        for lang in ("zh", "en"):
            base = res.get(f"scale.{lang}.x1")
            for k in scale_ks(res, lang):
                r = res.get(f"scale.{lang}.x{k}")
                if not r or not base:
                    continue
                g = res.get(f"scale.{lang}.x{k}.git")
                truth_path = os.path.join(pairs, f"{lang}_x{k}_edits.truth.json")
                rp = "—"
                rep = tvdiff_report(r)
                if rep and os.path.exists(truth_path):
                    with open(truth_path) as f:
                        s = score.score(rep, json.load(f))
                    rp = f"{s['recall']:.3f} / {s['precision']:.3f}"
                elif r["exit"] not in (0, 1):
                    rp = f"exit {r['exit']}"
                mb = input_bytes(r, root, out_dir) / 1e6
                w(f"| {lang} | {k}× | {mb:.1f} MB | {fmt_t(r['median_s'])} | "
                  f"{r['median_s'] / (k * base['median_s']):.2f} | {r['min_s'] / (k * base['min_s']):.2f} | "
                  f"{fmt_mb(r['rss_kb'])} | {rp} | "
                  f"{fmt_t(g['median_s']) if g else '—'} |")
        w("")
        top = scale_ks(res, "zh")[-1] if scale_ks(res, "zh") else 1
        w(f"Command (k = {top}): `" + res.get(f"scale.zh.x{top}", {"cmd": ""})["cmd"] + "`")
        w("")

    # ---- hostile
    if hostile:
        w("## Hostile pairs")
        w("")
        w(f"Each run is limited to {os.environ.get('LIMIT', '300')} s and 8 GB of address space; "
          "times are medians of 3 runs.")
        w("")
        w("| case | tvdiff time | peak memory | exit | answer | sane? | git word-diff |")
        w("|---|---:|---:|---:|---|---|---:|")
        for r in sorted(hostile, key=lambda r: r["name"]):
            case, answer, sane = hostile_verdict(r, pairs)
            g = res.get(f"{r['name']}.git")
            w(f"| {case} | {fmt_t(r['median_s'])} | {fmt_mb(r['rss_kb'])} | {r['exit']} | {answer} | "
              f"{'yes' if sane else 'no'} | {fmt_t(g['median_s']) if g else '—'} |")
        w("")
        w("Inputs (made by the script): `unrelated_zh_en` — the first 1 MB of zh_large against the")
        w("first 1 MB of en_large; `unrelated_zh_halves` — the first and second 1 MB of zh_large;")
        w("`no_punctuation_5mb` — 5 MB of zh_large's Han characters only (no punctuation, no line")
        w("break) against a copy with 200 edits; `repeat_100k_plus_one` — 100,000 lines")
        w("`The same short sentence.` against 100,001; `empty_old` / `empty_new` — an empty file")
        w("against zh_large / en_large against an empty file. *Sane*: unrelated texts exit 1 with")
        w("similarity under 30%; the repeated sentence is exactly one added sentence; an empty side")
        w("gives only added (removed) sentences; the unpunctuated text finds ≥ 90% of its edits.")
        w("")

    # ---- hard shapes
    hard = [r for r in res.values() if str(r.get("group", "")).startswith("hard.")]
    if hard:
        w("## Hard shapes")
        w("")
        w("Each shape is 1 MB of the corpus text against a copy built by the script, timed")
        w("alternately with a normal pair of the same size (the same text against a copy with")
        w("200 edits and noise) by `bench/ratio.py`: round after round, the normal pair then each")
        rounds = max((r.get("runs") or 0 for r in hard), default=0)
        w("shape, so the ratio is taken within a round and the machine's load cancels")
        w(f"({rounds} rounds, `HRUNS`).")
        w("")
        w("| language | shape | median time | × normal pair (median of rounds) | range | peak memory | ÷ input |")
        w("|---|---|---:|---:|---|---:|---:|")
        short = {"normal": "normal", "every_sentence_changed": "every", "paragraphs_shuffled": "shuffled",
                 "sentences_permuted": "permuted", "unrelated": "unrelated"}
        for r in sorted(hard, key=lambda r: (r["group"], r["name"])):
            lang, shape = r["group"].split(".")[1], r["name"].split(".")[-1]
            m = res.get(f"hardmem.{lang}.{short.get(shape, shape)}")
            per = (f"{m['rss_kb'] * 1024 / max(1, input_bytes(m, root, out_dir)):.1f}×"
                   if m and m.get("rss_kb") else "—")
            w(f"| {lang} | {shape.replace('_', ' ')} | {fmt_t(r['median_s'])} | "
              f"{r['ratio']:.2f} | {r['ratio_min']:.2f}–{r['ratio_max']:.2f} | {fmt_mb(m['rss_kb'] if m else None)} | {per} |")
        w("")
        w("Shapes: *every sentence changed* — one Han character (or one English word) replaced in")
        w("every sentence; *paragraphs shuffled* — the lines (English: paragraphs) in random order;")
        w("*sentences permuted* — the sentences in random order, one run of text; *unrelated* — the")
        w("next 1 MB of the same book.")
        w("")
    tout = [r for r in res.values() if r.get("group") == "timeout"]
    if tout:
        w("## Timeout")
        w("")
        w("500 against 500 long, alike sentences (100 words from a vocabulary of 20, five")
        w("characters changed in each), with and without `--timeout`:")
        w("")
        w("| run | median time |")
        w("|---|---:|")
        for r in tout:
            w(f"| {r['name']} | {fmt_t(r['median_s'])} |")
        w("")

    # ---- commands
    w("## Commands")
    w("")
    w("Every measurement, as the script ran it (times: `hyperfine -N --warmup 1 --runs N '<command>'`;")
    w("memory: `/usr/bin/time -v <command>`):")
    w("")
    w("| measurement | load average before | command |")
    w("|---|---:|---|")
    for r in res.values():
        w(f"| {r['name']} | {r.get('load_before', '—')} | `{r['cmd']}` |")
    w("")
    w("Hard shapes and timeouts: `python3 bench/ratio.py --runs N NAME=command …` (alternating).")
    w("")

    analysis = os.path.join(root, "bench", "analysis.md")
    if os.path.exists(analysis):
        w(read(analysis).rstrip("\n"))
        w("")
    with open(doc, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
