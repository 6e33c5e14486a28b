#!/usr/bin/env python3
"""Make the caption fixtures of samples/formats/ (deterministic, stdlib only).

    python3 samples/formats/make_captions.py

Two texts, each as SRT and as WebVTT, cut into cues the way caption files
are: no wording change, only the cutting, the time codes and the caption
machinery.

- blog-zh.srt / blog-zh.vtt: the Chinese half of seed-000-blog-en-zh.txt
  (lines 55-129, the text of blog-zh.md), cut into cues of 14-24
  characters anywhere, even inside a word.
- speech-en.srt / speech-en.vtt: the English paragraphs of
  seed-003-bilingual-zh-en.txt (line 14 on, lines without Han characters,
  trailing white space stripped: the paragraphs of en-wrapped-72.txt), cut
  into cues of 6-11 words.

A cue has one line, or two when it is long (more than 16 characters or 7
words), split in the middle. Cue lengths come from a fixed linear
congruential sequence, so every run writes the same files. Time codes:
0.22 s per character or 0.38 s per word, 0.1 s between the cues of a
paragraph and 2.5 s between paragraphs (a pause, which tvdiff reads as a
line break). The SRT files number their cues; speech-en.srt has a UTF-8
byte-order mark and CRLF line ends. The WebVTT files have a header with
metadata, a NOTE and a STYLE block, cue identifiers on some cues, cue
settings on others, hours left out of the time codes, <v> voice tags
(English) and <i>/<c> tags around some words.
"""

import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
SAMPLES = HERE.parent


class Lengths:
    """A deterministic sequence of cue lengths in [lo, hi]."""

    def __init__(self, seed):
        self.state = seed

    def next(self, lo, hi):
        self.state = (self.state * 1103515245 + 12345) % (1 << 31)
        return lo + (self.state >> 16) % (hi - lo + 1)


def zh_paragraphs():
    lines = (SAMPLES / "seed-000-blog-en-zh.txt").read_text(encoding="utf-8").split("\n")[54:129]
    return [l.strip() for l in lines if l.strip()]


def en_paragraphs():
    lines = (SAMPLES / "seed-003-bilingual-zh-en.txt").read_text(encoding="utf-8").split("\n")[13:]
    han = re.compile(r"[\u4e00-\u9fff]")
    return [l.strip() for l in lines if l.strip() and not han.search(l)]


def zh_cues(paras, lengths):
    """(paragraph index, lines) per cue."""
    for p, text in enumerate(paras):
        i = 0
        while i < len(text):
            n = lengths.next(14, 24)
            chunk = text[i : i + n]
            i += n
            if len(chunk) > 16:
                half = len(chunk) // 2
                yield p, [chunk[:half], chunk[half:]], len(chunk)
            else:
                yield p, [chunk], len(chunk)


def en_cues(paras, lengths):
    for p, text in enumerate(paras):
        words = text.split()
        i = 0
        while i < len(words):
            n = lengths.next(6, 11)
            chunk = words[i : i + n]
            i += n
            if len(chunk) > 7:
                half = len(chunk) // 2
                yield p, [" ".join(chunk[:half]), " ".join(chunk[half:])], len(chunk) * 1.7
            else:
                yield p, [" ".join(chunk)], len(chunk) * 1.7


def timed(cues, per_unit):
    """Add start and end times (seconds) to the cues."""
    t = 1.0
    last_p = None
    for p, lines, units in cues:
        if last_p is not None:
            t += 2.5 if p != last_p else 0.1
        start = round(t, 3)
        end = round(t + units * per_unit, 3)
        t = end
        last_p = p
        yield start, end, lines


def srt_time(s):
    ms = round(s * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def vtt_time(s):
    ms = round(s * 1000)
    h = ms // 3600000
    core = f"{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"
    return f"{h:02d}:{core}" if h else core


def write_srt(path, cues, crlf=False, bom=False):
    out = []
    for n, (start, end, lines) in enumerate(cues, 1):
        out.append(str(n))
        out.append(f"{srt_time(start)} --> {srt_time(end)}")
        out.extend(lines)
        out.append("")
    text = "\n".join(out)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))


def write_vtt(path, cues, voice=None):
    out = [
        "WEBVTT - tvdiff caption fixture",
        "Kind: captions",
        "Language: " + ("en" if voice else "zh-CN"),
        "",
        "NOTE Made by samples/formats/make_captions.py;",
        "the words are the sample text's, the cutting and times are made up.",
        "",
        "STYLE",
        "::cue(.hl) { color: yellow; }",
        "",
    ]
    for n, (start, end, lines) in enumerate(cues, 1):
        if n % 5 == 1:
            out.append(f"cue-{n}")
        settings = " line:85% align:center" if n % 4 == 0 else ""
        out.append(f"{vtt_time(start)} --> {vtt_time(end)}{settings}")
        lines = list(lines)
        if n % 7 == 3:
            lines[0] = f"<i>{lines[0]}</i>"
        if n % 11 == 5:
            lines[-1] = f"<c.hl>{lines[-1]}</c>"
        if voice:
            lines[0] = f"<v {voice}>{lines[0]}"
        out.extend(lines)
        out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


def main():
    zh = list(timed(zh_cues(zh_paragraphs(), Lengths(2015)), 0.22))
    write_srt(HERE / "blog-zh.srt", zh)
    write_vtt(HERE / "blog-zh.vtt", zh)
    en = list(timed(en_cues(en_paragraphs(), Lengths(1216)), 0.38 / 1.7))
    write_srt(HERE / "speech-en.srt", en, crlf=True, bom=True)
    write_vtt(HERE / "speech-en.vtt", en, voice="Xi Jinping")


if __name__ == "__main__":
    main()
