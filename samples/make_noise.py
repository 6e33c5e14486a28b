#!/usr/bin/env python3
"""Generate the noise-only sample variants in this directory.

Run from anywhere:  python3 samples/make_noise.py

Outputs (all deterministic; no randomness is involved):

  seed-001-noise.txt   seed-001-xinhua-pdf-zh.txt with only formatting noise:
                       full-width ，：！；？（） -> half-width , : ! ; ? ( ),
                       the space between Han characters and digits/Latin
                       toggled (removed where present, added where absent),
                       “ ” -> 「 」, and lines over 40 characters re-wrapped
                       every 37 characters (URL lines are left alone).
                       Every Han character and every 。、 mark is unchanged.

  en-wrapped-72.txt    the English paragraphs of seed-003 (lines 14 to the end
                       that contain no Han character, trailing tabs/spaces
                       stripped), one paragraph per source line, separated by
                       blank lines, hard-wrapped at 72 columns.

  en-wrapped-50.txt    the same paragraphs wrapped at 50 columns, with straight
                       quotes made curly: " -> “ / ” alternately, ' -> ’.

The two en-wrapped files differ only in line wrapping and quote style.
"""

import re
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent

SEED_001 = HERE / "seed-001-xinhua-pdf-zh.txt"
SEED_003 = HERE / "seed-003-bilingual-zh-en.txt"

HAN = "\u4e00-\u9fff"
HAN_RE = re.compile(f"[{HAN}]")

# --- seed-001 noise -------------------------------------------------------

FULL_TO_HALF = str.maketrans("，：！；？（）", ",:!;?()")
QUOTES_TO_CORNER = str.maketrans("“”", "「」")

# A Han/alphanumeric boundary, with or without one space in it.  The match is
# either that single space (which we drop) or empty (where we insert one).
BOUNDARY_RE = re.compile(
    f"(?<=[{HAN}]) ?(?=[0-9A-Za-z])|(?<=[0-9A-Za-z]) ?(?=[{HAN}])"
)

WRAP_OVER = 40  # re-wrap lines longer than this
WRAP_EVERY = 37  # ... by breaking after about this many characters


def toggle_spacing(line: str) -> str:
    """`自 21 年前` -> `自21年前`, `2015年` -> `2015 年`."""
    return BOUNDARY_RE.sub(lambda m: "" if m.group() else " ", line)


def _splits_token(line: str, pos: int) -> bool:
    """True if breaking before line[pos] would split a number or Latin word,
    or leave a space at either end of a line."""
    before, after = line[pos - 1], line[pos]
    if before == " " or after == " ":
        return True
    return before.isascii() and before.isalnum() and after.isascii() and (
        after.isalnum() or after == "."
    )


def rewrap(line: str) -> list[str]:
    """Break a long line every WRAP_EVERY characters.

    A break point is nudged forward so it never falls inside a number or a
    Latin word, nor next to a space: the change is pure line-break noise.
    """
    if len(line) <= WRAP_OVER or line.startswith("http"):
        return [line]
    out = []
    start = 0
    while len(line) - start > WRAP_EVERY:
        pos = start + WRAP_EVERY
        while pos < len(line) and _splits_token(line, pos):
            pos += 1
        if pos >= len(line):
            break
        out.append(line[start:pos])
        start = pos
    out.append(line[start:])
    return out


def noise_line(line: str) -> list[str]:
    if line.startswith("http"):
        return [line]
    line = line.translate(FULL_TO_HALF)
    line = toggle_spacing(line)
    line = line.translate(QUOTES_TO_CORNER)
    return rewrap(line)


def make_seed_001_noise() -> str:
    text = SEED_001.read_text(encoding="utf-8")
    out = []
    for line in text.split("\n"):
        out.extend(noise_line(line))
    return "\n".join(out)  # keeps the source's (missing) final newline


# --- seed-003 English, wrapped two ways -----------------------------------


def english_paragraphs_003() -> list[str]:
    lines = SEED_003.read_text(encoding="utf-8").split("\n")
    paras = []
    for line in lines[13:]:  # line 14 to the end
        line = line.rstrip(" \t")
        if line and not HAN_RE.search(line):
            paras.append(line)
    return paras


def curly_quotes(text: str) -> str:
    out = []
    opening = True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        elif ch == "'":
            out.append("’")
        else:
            out.append(ch)
    if not opening:
        raise ValueError("unbalanced straight double quotes")
    return "".join(out)


def wrap_paragraphs(paras: list[str], width: int) -> str:
    blocks = [
        textwrap.fill(
            p, width=width, break_long_words=False, break_on_hyphens=False
        )
        for p in paras
    ]
    return "\n\n".join(blocks) + "\n"


def main() -> None:
    outputs = {
        "seed-001-noise.txt": make_seed_001_noise(),
        "en-wrapped-72.txt": wrap_paragraphs(english_paragraphs_003(), 72),
        "en-wrapped-50.txt": wrap_paragraphs(
            [curly_quotes(p) for p in english_paragraphs_003()], 50
        ),
    }
    for name, text in outputs.items():
        (HERE / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote samples/{name}")


if __name__ == "__main__":
    main()
