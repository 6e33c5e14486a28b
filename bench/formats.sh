#!/usr/bin/env bash
# How long the format readers take on book-length documents: a 300-page PDF
# (English and Chinese, printed by Chromium) and a 2 MB .docx (pandoc), each
# read with `tvdiff extract` (the whole input stage: reading, extracting,
# indexing lines) and compared with its own plain text.
#
#   bash bench/formats.sh                    # needs pandoc and chromium
#   CORPUS=/path/to/corpus RUNS=5 bash bench/formats.sh
#   TVDIFF=target/debug/tvdiff bash bench/formats.sh   # skip the release build
#
# Debian: apt-get install -y --no-install-recommends pandoc chromium
# fonts-noto-cjk fonts-wqy-microhei. The documents are made in
# target/bench/formats/ (not committed). Prints one line per document:
# pages or size, and the best and median of RUNS timed runs in ms.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
OUT=${BENCH_OUT:-$ROOT/target/bench/formats}
RUNS=${RUNS:-5}
mkdir -p "$OUT"

if [ -z "${TVDIFF:-}" ]; then
    cargo build --release --quiet --bin tvdiff || exit 2
    TVDIFF=$ROOT/target/release/tvdiff
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser)

# Book text as paragraphs (blank-line paragraphs in English, lines in
# Chinese), as .txt, .md (for pandoc) and .html (for Chromium).
python3 - "$CORPUS" "$OUT" <<'EOF'
import sys, pathlib, html
corpus, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def paras(name, limit, zh=False):
    text = (corpus / name).read_text(encoding="utf-8")
    ps = [p.strip() for p in (text.split("\n") if zh else text.split("\n\n")) if p.strip()]
    if not zh:
        ps = [" ".join(p.split()) for p in ps]
    out_ps, n = [], 0
    for p in ps:
        out_ps.append(p)
        n += len(p.encode())
        if n >= limit:
            break
    return out_ps
books = {
    "en": paras("en_large.txt", 1_000_000),
    "zh": paras("zh_large.txt", 900_000, zh=True),
    # A 2 MB .docx: the whole English book and the whole Chinese one.
    "docx": paras("en_large.txt", 10**9) + paras("zh_large.txt", 10**9, zh=True),
}
for name, ps in books.items():
    zh = name == "zh"
    (out / f"{name}.txt").write_text("\n\n".join(ps) + "\n", encoding="utf-8")
    (out / f"{name}.md").write_text("\n\n".join(p.replace("*", "").replace("_", "").replace("#", "") for p in ps) + "\n", encoding="utf-8")
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in ps)
    font = "WenQuanYi Micro Hei" if zh else "DejaVu Serif"
    (out / f"{name}.html").write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{font-family:"{font}";font-synthesis:none}}</style></head><body>{body}</body></html>',
        encoding="utf-8")
EOF

[ -f "$OUT/book-en.pdf" ] || "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --print-to-pdf="$OUT/book-en.pdf" "file://$OUT/en.html" 2>/dev/null
[ -f "$OUT/book-zh.pdf" ] || "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --print-to-pdf="$OUT/book-zh.pdf" "file://$OUT/zh.html" 2>/dev/null
[ -f "$OUT/book.docx" ] || pandoc -f markdown-smart -t docx -o "$OUT/book.docx" "$OUT/docx.md"

time_ms() { # best and median of RUNS runs of the command, in ms
    python3 - "$RUNS" "$@" <<'EOF'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
ts = []
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ts.append((time.perf_counter() - t) * 1000)
    if r.returncode not in (0, 1):
        sys.exit(f"{cmd}: exit {r.returncode}: {r.stderr.decode()}")
ts.sort()
print(f"{ts[0]:.0f} / {ts[len(ts) // 2]:.0f}")
EOF
}

pages() { # pdfinfo (poppler-utils) when installed, else a count of page objects
    if command -v pdfinfo >/dev/null; then pdfinfo "$1" | awk '/^Pages:/ {print $2}'
    else python3 -c "import re,sys; print(len(re.findall(rb'/Type\s*/Page[^s]', open(sys.argv[1],'rb').read())))" "$1"; fi
}

echo "| document | size | extract (best / median ms) | compare with its .txt (best / median ms) |"
echo "|---|---|---|---|"
for f in book-en.pdf:en.txt book-zh.pdf:zh.txt book.docx:docx.txt; do
    doc=${f%%:*} txt=${f##*:}
    size=$(du -k "$OUT/$doc" | cut -f1)
    what="${size} KB"
    case $doc in *.pdf) what="$(pages "$OUT/$doc") pages, $what" ;; esac
    ex=$(time_ms "$TVDIFF" extract "$OUT/$doc")
    cmp=$(time_ms "$TVDIFF" --format json "$OUT/$txt" "$OUT/$doc")
    echo "| $doc | $what | $ex | $cmp |"
done
