#!/usr/bin/env bash
# Write src/symbol-order.txt: the functions a comparison runs, hottest
# first, which build.rs asks the linker to lay out first and together (the
# kernel maps an executable 64 KB around each page a run touches, so code
# spread over the whole of .text is resident memory on every run).
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
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/cg.$n" "$BIN" $r >/dev/null 2>"$WORK/err.$n" || status=$?
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
for f in sorted(glob.glob(f"{work}/cg.*")):
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
            continue
        if cur and re.match(r"^[+\-*]?\d", line):
            parts = line.split()
            if len(parts) >= 2 and parts[-1].isdigit():
                cost[cur] += int(parts[-1])
# Mangled Rust and C++ names only (the C library's are not in the binary).
syms = [n for n, _ in cost.most_common() if n.startswith("_ZN") or n.startswith("_R")]
with open(out, "w") as fh:
    fh.write("\n".join(syms) + "\n")
print(f"symbol_order.sh: {len(syms)} functions in {out}", file=sys.stderr)
EOF
