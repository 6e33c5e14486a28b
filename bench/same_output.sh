#!/usr/bin/env bash
# Are a build's reports byte-identical to a reference build's?
#
#   bash bench/same_output.sh save  [BIN]   # write the reference reports with BIN
#   bash bench/same_output.sh check [BIN]   # run BIN on the same pairs, compare
#
# BIN defaults to target/release/tvdiff. The reports (`-f json --full`, and a
# few terminal and HTML reports) and exit codes of every pair go to
# $SAME_DIR/ref (save) or $SAME_DIR/new (check); `check` lists every pair
# whose report or exit code differs and exits 1 if any does. The pairs:
#   - every two texts of samples/ (both orders) with the default options and
#     with each normalisation switch, --lang zh and --lang en;
#   - samples/reseg/* against their sources, samples/formats/* against the
#     seeds, the fixtures (CRLF + BOM, LF, UTF-16, narrow columns);
#   - the book pairs: zh_large and en_large against a 200-edit and a
#     noise-only variant (examples/make_variant), zh_large against the
#     Zhiping edition, The Origin of Species 1st against 6th edition;
#   - hostile inputs: 5 MB of Han text without punctuation (and a 200-edit
#     variant), 100,000 repeated lines and one more, an empty file, and the
#     hard shapes of bench/run.sh (every sentence changed, paragraphs
#     shuffled, sentences permuted, unrelated text).
# Inputs are generated deterministically into $SAME_DIR/pairs (once).
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${1:-check}
BIN=${2:-$ROOT/target/release/tvdiff}
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
DIR=${SAME_DIR:-$ROOT/target/same_output}
P=$DIR/pairs
case "$MODE" in
    save) OUT=$DIR/ref ;;
    check) OUT=$DIR/new ;;
    *) echo "usage: bench/same_output.sh save|check [BIN]" >&2; exit 2 ;;
esac
[ -x "$BIN" ] || { echo "same_output: $BIN not found (cargo build --release)" >&2; exit 2; }
mkdir -p "$P" "$OUT"
rm -f "$OUT"/*
unset TVDIFF_TRACE

if [ ! -f "$P/.done" ]; then
    echo "== generating inputs in $P" >&2
    cargo build --release --quiet --example make_variant || exit 2
    MV=$ROOT/target/release/examples/make_variant
    for lang in zh en; do
        "$MV" --seed 1 --edits 200 "$CORPUS/${lang}_large.txt" "$P/${lang}_edits.txt" "$P/${lang}_edits.truth.json"
        "$MV" --seed 2 --noise-only "$CORPUS/${lang}_large.txt" "$P/${lang}_noise.txt" "$P/${lang}_noise.truth.json"
    done
    python3 - "$CORPUS" "$P" "$ROOT" <<'EOF'
import sys
corpus, p, root = sys.argv[1:]
MB = 1 << 20
zh = open(f"{corpus}/zh_large.txt", encoding="utf-8").read()
han = "".join(c for c in zh if "\u4e00" <= c <= "\u9fff")
s = han * (5 * MB // 3 // len(han) + 1)
open(f"{p}/nopunct.txt", "w").write(s[: 5 * MB // 3])
line = "The same short sentence.\n"
open(f"{p}/repeat.txt", "w").write(line * 100_000)
open(f"{p}/repeat_plus1.txt", "w").write(line * 100_001)
open(f"{p}/empty.txt", "w").write("")
# UTF-16 (with and without BOM) of a fixture.
t = open(f"{root}/samples/fixtures/lf-new.txt", encoding="utf-8").read()
open(f"{p}/utf16le_bom.txt", "wb").write(b"\xff\xfe" + t.encode("utf-16-le"))
open(f"{p}/utf16be_bom.txt", "wb").write(b"\xfe\xff" + t.encode("utf-16-be"))
EOF
    python3 "$ROOT/bench/hard_shapes.py" "$CORPUS" "$P" || exit 2
    "$MV" --seed 5 --edits 200 "$P/nopunct.txt" "$P/nopunct_edits.txt" "$P/nopunct_edits.truth.json"
    touch "$P/.done"
fi

n=0
# run NAME ARGS...: one report.
run() {
    local name=$1
    shift
    "$BIN" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
    echo $? >"$OUT/$name.rc"
    n=$((n + 1))
}

echo "== running $BIN -> $OUT" >&2
S=samples
texts=("$S"/*.txt)
opts=("" "--lang zh" "--lang en" "--ignore-punctuation" "--ignore-case" "--keep-width" "--keep-spacing"
    "--keep-line-breaks" "--fold-chinese" "--keep-quotes --keep-dashes")
for a in "${texts[@]}"; do
    for b in "${texts[@]}"; do
        [ "$a" = "$b" ] && continue
        for o in "${opts[@]}"; do
            tag=$(echo "$o" | tr -d ' -')
            # shellcheck disable=SC2086
            run "seeds.$(basename "$a" .txt).$(basename "$b" .txt).${tag:-default}" -f json --full $o "$a" "$b"
        done
    done
done
for f in "$S"/reseg/*.txt; do
    base=$S/reseg/$(basename "$f" | cut -d. -f1).txt
    [ "$f" = "$base" ] && continue
    run "reseg.$(basename "$f" .txt)" -f json --full "$base" "$f"
    run "reseg.$(basename "$f" .txt).rev" -f json --full "$f" "$base"
    run "reseg.$(basename "$f" .txt).nopunct" -f json --full --ignore-punctuation "$base" "$f"
done
for f in "$S"/formats/*.*; do
    case "$f" in *.py) continue ;; esac
    for seed in "$S"/seed-000-blog-en-zh.txt "$S"/seed-001-xinhua-pdf-zh.txt "$S"/seed-004-liveblog-en.txt; do
        run "formats.$(basename "$f").$(basename "$seed" .txt)" -f json --full "$f" "$seed"
    done
done
F=$S/fixtures
run fixtures.crlf_lf -f json --full "$F/crlf-bom-old.txt" "$F/lf-new.txt"
run fixtures.lf_crlf -f json --full "$F/lf-new.txt" "$F/crlf-bom-old.txt"
run fixtures.crlf_lf.keep -f json --full --keep-line-breaks --keep-spacing "$F/crlf-bom-old.txt" "$F/lf-new.txt"
run fixtures.utf16le -f json --full "$P/utf16le_bom.txt" "$F/crlf-bom-old.txt"
run fixtures.utf16be -f json --full "$F/lf-new.txt" "$P/utf16be_bom.txt"
run fixtures.columns -f json --full "$F/column-excerpt-zh.txt" "$F/column-narrow-zh.txt"
run fixtures.columns.rev -f json --full "$F/column-narrow-zh.txt" "$F/column-excerpt-zh.txt"
C=$CORPUS
for lang in zh en; do
    run "book.$lang.edits" -f json --full "$C/${lang}_large.txt" "$P/${lang}_edits.txt"
    run "book.$lang.noise" -f json --full "$C/${lang}_large.txt" "$P/${lang}_noise.txt"
    run "book.$lang.edits.rev" -f json --full "$P/${lang}_edits.txt" "$C/${lang}_large.txt"
    run "book.$lang.edits.nopunct" -f json --full --ignore-punctuation "$C/${lang}_large.txt" "$P/${lang}_edits.txt"
    run "book.$lang.edits.keep" -f json --full --keep-width --keep-spacing --keep-line-breaks "$C/${lang}_large.txt" "$P/${lang}_edits.txt"
    run "book.$lang.edits.terminal" -f terminal --color always -W 120 "$C/${lang}_large.txt" "$P/${lang}_edits.txt"
    run "book.$lang.edits.html" -f html "$C/${lang}_large.txt" "$P/${lang}_edits.txt"
    run "book.$lang.edits.plain" -f json "$C/${lang}_large.txt" "$P/${lang}_edits.txt"
done
run book.en.edits.case -f json --full -i "$C/en_large.txt" "$P/en_edits.txt"
run book.zh.zhiping -f json --full "$C/zh_large.txt" "$C/zh_large_variant_zhiping_ch1-80.txt"
run book.zh.zhiping.terminal -f terminal --color always -W 120 "$C/zh_large.txt" "$C/zh_large_variant_zhiping_ch1-80.txt"
run book.origin -f json --full "$C/origin_of_species_1st_ed_1859_pg1228.txt" "$C/origin_of_species_6th_ed_1872_pg2009.txt"
run book.origin.html -f html "$C/origin_of_species_1st_ed_1859_pg1228.txt" "$C/origin_of_species_6th_ed_1872_pg2009.txt"
run book.sanzijing.fold -f json --full --fold-chinese "$C/sanzijing_traditional_qing.txt" "$C/sanzijing_new_edition.txt"
run hostile.nopunct -f json --full "$P/nopunct.txt" "$P/nopunct_edits.txt"
run hostile.repeat -f json --full "$P/repeat.txt" "$P/repeat_plus1.txt"
run hostile.empty_old -f json --full "$P/empty.txt" "$S/seed-001-xinhua-pdf-zh.txt"
run hostile.empty_new -f json --full "$S/seed-003-bilingual-zh-en.txt" "$P/empty.txt"
for lang in zh en; do
    for shape in every shuffled permuted unrelated; do
        run "hard.$lang.$shape" -f json --full "$P/hard_$lang.txt" "$P/hard_${lang}_$shape.txt"
    done
done

echo "same_output: $n reports in $OUT" >&2
[ "$MODE" = save ] && exit 0
bad=0
for f in "$DIR"/ref/*.out "$DIR"/ref/*.rc; do
    g=$OUT/$(basename "$f")
    if ! cmp -s "$f" "$g"; then
        echo "DIFFERS: $(basename "$f")" >&2
        bad=$((bad + 1))
    fi
done
nref=$(find "$DIR/ref" -name '*.rc' | wc -l)
[ "$nref" = "$n" ] || { echo "same_output: $n reports, but the reference has $nref" >&2; bad=$((bad + 1)); }
if [ $bad -gt 0 ]; then
    echo "same_output: $bad differences" >&2
    exit 1
fi
echo "same_output: all $n reports identical" >&2
