#!/usr/bin/env python3
"""Time commands against a reference command, alternately, in one run.

    python3 bench/ratio.py [--runs N] [--json OUT.jsonl] [--group G] \\
        REF_NAME='cmd args…' NAME='cmd args…' [NAME='cmd args…' …]

The machines benchmarks run on are shared and their load drifts by the
minute, so a timing is only meaningful next to another taken in the same
moments: each round runs the reference and then every other command once,
round after round, and the result is the median of each command's wall
times and the median of its per-round ratios to the reference (a ratio
within a round cancels most of the drift). Output goes to stderr as a table
and, with --json, one JSON line per command is appended to OUT.jsonl:
{"name", "group", "median_s", "ratio", "ratio_min", "ratio_max", "ratio_to"
(the median per-round ratio to each other command), "runs", "exit", "cmd"}.

Standard library only.
"""

import json
import shlex
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, p.returncode


def main(argv):
    runs, out, group = 7, None, "ratio"
    args = []
    it = iter(argv)
    for a in it:
        if a == "--runs":
            runs = int(next(it))
        elif a == "--json":
            out = next(it)
        elif a == "--group":
            group = next(it)
        else:
            args.append(a)
    if len(args) < 2 or any("=" not in a for a in args):
        sys.exit(__doc__)
    cmds = [(a.split("=", 1)[0], shlex.split(a.split("=", 1)[1])) for a in args]
    for _, cmd in cmds:  # warm-up: page cache, dynamic loader
        run_once(cmd)
    times = {name: [] for name, _ in cmds}
    codes = {}
    for _ in range(runs):
        for name, cmd in cmds:
            t, code = run_once(cmd)
            times[name].append(t)
            codes[name] = code
    ref = cmds[0][0]
    lines = []
    for name, cmd in cmds:
        ratios = [t / r for t, r in zip(times[name], times[ref])]
        row = {
            "name": name,
            "group": group,
            "tool": cmd[0].rsplit("/", 1)[-1],
            "rss_kb": None,
            "min_s": min(times[name]),
            "max_s": max(times[name]),
            "median_s": statistics.median(times[name]),
            "ratio": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            # The median per-round ratio to every command of the run.
            "ratio_to": {
                other: statistics.median(t / o for t, o in zip(times[name], times[other]))
                for other, _ in cmds
                if other != name
            },
            "runs": runs,
            "exit": codes[name],
            "cmd": " ".join(cmd),
        }
        lines.append(row)
        print(f"{name:32} {row['median_s'] * 1000:8.1f} ms  ×{row['ratio']:.2f} of {ref}", file=sys.stderr)
    if out:
        with open(out, "a") as f:
            for row in lines:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
