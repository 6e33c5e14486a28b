#!/usr/bin/env bash
# Write src/symbol-order.txt: the functions a comparison runs, which
# build.rs asks the linker to lay out first and together (the kernel maps
# an executable 64 KB around each page a run touches, so code spread over
# the whole of .text is resident memory on every run), grouped by the
# stretches between the comparison's let-goes of its code that they run in
# (reading and segmenting; aligning; a move search among many sentences;
# the inline diffs and the report), the hottest first within each group:
# after a let-go, a stretch maps again its own code and little else.
#
#   bash bench/symbol_order.sh                  # the samples only
#   HARD_DIR=/tmp/p bash bench/symbol_order.sh  # and the 1 MB hard shapes
#                                               # (bench/hard_shapes.py, make_variant)
#
#   bash bench/symbol_order.sh --check         # how many of the listed names
#                                               # the release binary has (exit
#                                               # 1 when some are missing)
#   bash bench/symbol_order.sh --count         # the same as two numbers,
#                                               # found and listed (bench/run.sh)
#
# Needs valgrind (callgrind names every function that ran) and python3. The
# names carry hashes that depend on the toolchain, the release profile and
# the locked dependencies (not on where the tree is), and about a tenth of
# them a hash of the code of the optimisation unit they were compiled in
# (`.llvm.10978696191673743025`: functions LLVM shares between units), which
# any edit of src/ changes, a comment included. Run this again (a minute)
# before committing a change to src/: with 70 of 1,512 names stale, a normal
# 1 MB Chinese pair mapped 1.7 MB more of the executable. (One optimisation
# unit for tvdiff would keep the names, but measured 0.6-1.5 MB more peak
# memory and a slower hard shape against a normal pair.) bench/run.sh
# records how many names the binary it measures has.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BIN=$ROOT/target/release/tvdiff
if [ "${1:-}" = "--check" ] || [ "${1:-}" = "--count" ]; then
    cargo build --release --locked --quiet --bin tvdiff
    total=$(sort -u src/symbol-order.txt | wc -l)
    found=$(nm "$BIN" | awk '{print $NF}' | sort -u | comm -12 - <(sort -u src/symbol-order.txt) | wc -l)
    if [ "$1" = "--count" ]; then
        echo "$found $total"
        exit
    fi
    echo "symbol_order.sh: the release binary has $found of the $total functions in src/symbol-order.txt"
    [ "$found" -eq "$total" ]
    exit
fi
command -v valgrind >/dev/null || { echo "symbol_order.sh: needs valgrind" >&2; exit 2; }
cargo build --release --locked --bin tvdiff
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

runs=(
    "samples/seed-001-noise.txt samples/seed-001-xinhua-pdf-zh.txt"
    "-f json samples/seed-001-noise.txt samples/seed-001-xinhua-pdf-zh.txt"
    "-f html samples/seed-001-noise.txt samples/seed-001-xinhua-pdf-zh.txt"
    "samples/en-wrapped-50.txt samples/en-wrapped-72.txt"
    "samples/sanzijing_new_edition.txt samples/sanzijing_traditional_qing.txt"
)
if [ -n "${HARD_DIR:-}" ]; then
    for l in zh en; do
        for s in normal every unrelated; do
            runs+=("-f json $HARD_DIR/hard_$l.txt $HARD_DIR/hard_${l}_$s.txt")
        done
        runs+=("$HARD_DIR/hard_$l.txt $HARD_DIR/hard_${l}_normal.txt")
        runs+=("-f html $HARD_DIR/hard_$l.txt $HARD_DIR/hard_${l}_normal.txt")
    done
fi
n=0
for r in "${runs[@]}"; do
    n=$((n + 1))
    # (Exit status 1: the versions differ.)
    # shellcheck disable=SC2086
    status=0
    # A profile part for each stretch between two let-goes of the code
    # (`prefault::let_go_of_code`), in cg.N.1, cg.N.2, … and the last in
    # cg.N.
    valgrind --tool=callgrind --demangle=no --dump-before='_ZN6tvdiff8prefault14let_go_of_code17h*' \
        --callgrind-out-file="$WORK/cg.$n" "$BIN" $r >/dev/null 2>"$WORK/err.$n" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "symbol_order.sh: tvdiff $r exited with $status:" >&2
        tail -5 "$WORK/err.$n" >&2
        exit 2
    fi
done

python3 - "$WORK" "$ROOT/src/symbol-order.txt" <<'EOF'
import collections, glob, re, sys
work, out = sys.argv[1], sys.argv[2]
cost = collections.Counter()
# The stretches between let-goes of the code each function ran in, as bits:
# reading and segmenting, aligning, a move search among many sentences (two
# unrelated texts), the inline diffs and the report.
READ, ALIGN, MOVES, REPORT = 1, 2, 4, 8
stretches = collections.Counter()

def read(f, stretch):
    names, cur = {}, None
    for line in open(f, errors="replace"):
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            kind, id_, name = m.groups()
            if name:
                names[id_] = re.sub(r"'\d+$", "", name)
            if kind == "fn":
                cur = names.get(id_)
            elif names.get(id_):
                # A function only called from here is listed too, even
                # when it costs nothing itself.
                cost[names[id_]] += 0
                stretches[names[id_]] |= stretch
            if cur:
                stretches[cur] |= stretch
            continue
        if cur and re.match(r"^[+\-*]?\d", line):
            parts = line.split()
            if len(parts) >= 2 and parts[-1].isdigit():
                cost[cur] += int(parts[-1])

for last in sorted(glob.glob(f"{work}/cg.*[0-9]")):
    if re.search(r"cg\.\d+\.\d+$", last):
        continue
    parts = sorted(glob.glob(f"{last}.*"), key=lambda f: int(f.rsplit(".", 1)[1])) + [last]
    if len(parts) == 1:
        # A small comparison lets go of nothing: its functions count by
        # their cost alone.
        read(last, 0)
        continue
    middle = [ALIGN] + [MOVES] * (len(parts) - 3)
    for f, stretch in zip(parts, [READ] + middle + [REPORT]):
        read(f, stretch)
# The functions of each stretch together, so that after a let-go a stretch
# maps again (64 KB around each page it runs) what it runs and little
# else: functions by the stretches they run in, in an order where those of
# the move search, and those of the report, are side by side (the two
# peaks of memory), the hottest first within each.
order = [READ, READ | ALIGN, ALIGN, ALIGN | MOVES, MOVES, MOVES | REPORT, ALIGN | MOVES | REPORT,
         READ | ALIGN | MOVES | REPORT, READ | ALIGN | REPORT, ALIGN | REPORT, REPORT, READ | REPORT,
         READ | MOVES | REPORT, READ | MOVES, READ | ALIGN | MOVES]
rank = {m: i for i, m in enumerate(order)}
ranked = sorted(cost.items(), key=lambda nc: (rank.get(stretches[nc[0]], len(order)), -nc[1]))
# Mangled Rust and C++ names only (the C library's are not in the binary).
syms = [n for n, _ in ranked if n.startswith("_ZN") or n.startswith("_R")]
with open(out, "w") as fh:
    fh.write("\n".join(syms) + "\n")
print(f"symbol_order.sh: {len(syms)} functions in {out}", file=sys.stderr)
EOF
