#!/usr/bin/env python3
"""Seed the fuzz corpora (fuzz/corpus/<target>/, git-ignored) from samples/.

Each target reads option bytes from the front of its input (see
fuzz/src/checks.rs), so every seed is those bytes followed by text:

- decode:    1 flag byte + a sample chunk, as UTF-8, UTF-8 with BOM,
             UTF-16LE/BE with and without BOM, GBK, Big5 (and a few bad bytes)
- normalize: 1 byte of normalisation switches + a chunk
- segment:   2 option bytes + a chunk
- compare:   2 option bytes + 2-byte split offset + two chunks
             (two real versions of the same passage)
- html:      5 option bytes + 2-byte split offset + two chunks
- names:     1 flag byte + a file name: the samples' names and hostile ones
             (ESC/OSC/CSI, C1, line breaks, bidi overrides, non-UTF-8 bytes)
- read_pdf, read_docx, read_html, read_markdown, read_srt, read_vtt:
             the fixtures of samples/formats/ as they are

Chunks are at most ~2 KB so that each run stays fast. Run from anywhere:
    python3 fuzz/seed_corpus.py
"""

import hashlib
import os
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "samples")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
CHUNK = 2000


def text(name):
    with open(os.path.join(SAMPLES, name), encoding="utf-8") as f:
        return f.read()


def chunks(s, n=CHUNK, limit=4):
    """Up to `limit` pieces of about `n` bytes, cut at line ends."""
    out, cur = [], ""
    for line in s.splitlines(keepends=True):
        if len(cur.encode()) + len(line.encode()) > n and cur:
            out.append(cur)
            cur = ""
            if len(out) == limit:
                break
        cur += line
    if cur and len(out) < limit:
        out.append(cur)
    return out


def save(target, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def pair(a, b):
    a, b = a.encode(), b.encode()
    return struct.pack("<H", len(a)) + a + b


names = sorted(n for n in os.listdir(SAMPLES) if n.endswith(".txt"))
all_chunks = [c for n in names for c in chunks(text(n), limit=2)]

for c in all_chunks:
    u = c.encode()
    for flags, data in [
        (0, u),
        (0, b"\xef\xbb\xbf" + u),
        (0, b"\xff\xfe" + c.encode("utf-16-le")),
        (0, c.encode("utf-16-le")),
        (0, b"\xfe\xff" + c.encode("utf-16-be")),
        (0, c.encode("utf-16-be")),
        (0, c.encode("gbk", errors="replace")),
        (0, c.encode("big5", errors="replace")),
        (1, u[: len(u) // 2] + b"\xff\xfe\xfd" + u[len(u) // 2 :]),
        (0b110, c.encode("gbk", errors="replace")),  # --encoding gbk
    ]:
        save("decode", bytes([flags]) + data)
    save("normalize", b"\x00" + u)
    save("normalize", b"\x80" + u)  # --fold-chinese
    save("segment", b"\x00\x00" + u)
    save("segment", b"\x00\x01" + u)  # --lang zh

# Real pairs: the same passage in two published versions.
pairs = [
    ("seed-000-blog-en-zh.txt", "seed-001-xinhua-pdf-zh.txt"),
    ("seed-001-xinhua-pdf-zh.txt", "seed-001-noise.txt"),
    ("en-wrapped-72.txt", "en-wrapped-50.txt"),
    ("seed-002-summary-en.txt", "seed-004-liveblog-en.txt"),
    ("sanzijing_traditional_qing.txt", "sanzijing_new_edition.txt"),
    ("seed-003-bilingual-zh-en.txt", "seed-001-xinhua-pdf-zh.txt"),
]
fixtures = os.path.join(SAMPLES, "fixtures")
for a, b in pairs:
    for ca, cb in zip(chunks(text(a), 1500, 3), chunks(text(b), 1500, 3)):
        save("compare", b"\x00\x00" + pair(ca, cb))
        save("compare", b"\x00\x01" + pair(ca, cb))  # --lang zh
        save("compare", b"\x80\x00" + pair(ca, cb))  # --fold-chinese
        save("html", bytes([0, 1, 0, 128, 0]) + pair(ca, cb))
        save("html", bytes([2, 9, 0x55, 30, 0x80]) + pair(ca, cb))  # side by side
if os.path.isdir(fixtures):
    with open(os.path.join(fixtures, "crlf-bom-old.txt"), "rb") as f:
        old = f.read().decode("utf-8")
    with open(os.path.join(fixtures, "lf-new.txt"), "rb") as f:
        new = f.read().decode("utf-8")
    save("compare", b"\x00\x00" + pair(old[:CHUNK], new[:CHUNK]))
    save("html", bytes(5) + pair(old[:CHUNK], new[:CHUNK]))

for name in sorted(os.listdir(SAMPLES)):
    save("names", b"\x01" + ("samples/" + name).encode("utf-8"))
for name in [
    b"osc\x1b]0;pwned\x07.txt",
    b"csi\x1b[2J.txt",
    "c1\u009b31m.txt".encode("utf-8"),
    b"two\nlines.txt",
    "bidi\u202etxt.exe".encode("utf-8"),
    b"a\xff\xfe.txt",
    "ls\u2028ps.txt".encode("utf-8"),
]:
    save("names", b"\x01" + name)
    save("names", b"\xfe" + name)
# The format readers: the fixtures of samples/formats/ as they are (the
# readers take the whole file, with no option bytes).
formats = os.path.join(SAMPLES, "formats")
READ = {".pdf": "read_pdf", ".docx": "read_docx", ".html": "read_html", ".md": "read_markdown", ".srt": "read_srt", ".vtt": "read_vtt"}
for root, _, files in os.walk(formats):
    for name in sorted(files):
        target = READ.get(os.path.splitext(name)[1])
        if target:
            with open(os.path.join(root, name), "rb") as f:
                save(target, f.read())

for t in sorted(os.listdir(CORPUS)):
    print(t, len(os.listdir(os.path.join(CORPUS, t))))
