#!/usr/bin/env python3
"""The hard shapes of issue 10: 1 MB of each corpus book and copies of it
that are hard for an aligner, written to OUT_DIR (bench/run.sh times them,
bench/same_output.sh compares reports on them). Deterministic.

    python3 bench/hard_shapes.py CORPUS_DIR OUT_DIR

hard_LANG.txt                the first 1 MB (English: past the contents)
hard_LANG_unrelated.txt      the next 1 MB of the same book
hard_LANG_every.txt          one Han character (one English word) replaced
                             in every sentence
hard_LANG_shuffled.txt       the lines (English: paragraphs) in random order
hard_LANG_permuted.txt       the sentences in random order, one run of text
"""
import random, re, sys
corpus, p = sys.argv[1:]
MB = 1 << 20
def cut(text, n):
    b = text.encode()[:n]
    return b[: b.rfind(b"\n") + 1].decode()
zh = open(f"{corpus}/zh_large.txt", encoding="utf-8").read()
en = open(f"{corpus}/en_large.txt", encoding="utf-8").read().replace("\r\n", "\n")
en = en[en.find("CHAPTER I", en.find("CHAPTER I") + 10):]  # past the table of contents
for lang, text in (("zh", zh), ("en", en)):
    rng = random.Random(10)
    first = cut(text, MB)
    rest = text.encode()[len(first.encode()):].decode(errors="ignore")
    open(f"{p}/hard_{lang}.txt", "w").write(first)
    open(f"{p}/hard_{lang}_unrelated.txt", "w").write(cut(rest, MB))
    if lang == "zh":
        word = re.compile(r"[\u4e00-\u9fff]")
        han = [c for c in first if "\u4e00" <= c <= "\u9fff"]
        def change(sentence):
            # One Han character of the sentence replaced by another.
            spots = [m.start() for m in word.finditer(sentence)]
            if not spots:
                return sentence
            i = rng.choice(spots)
            return sentence[:i] + rng.choice(han) + sentence[i + 1:]
        split = re.compile(r"[^。！？]*[。！？]+[”」』]?|[^。！？]+$")
    else:
        words = re.findall(r"\b[a-z]{3,}\b", first)
        def change(sentence):
            spots = [m for m in re.finditer(r"\b[a-z]{3,}\b", sentence)]
            if not spots:
                return sentence
            m = rng.choice(spots)
            return sentence[:m.start()] + rng.choice(words) + sentence[m.end():]
        split = re.compile(r"[^.!?]*[.!?]+[\"’”]?\s*|[^.!?]+$")
    sentences = [s for s in split.findall(first) if s]
    open(f"{p}/hard_{lang}_every.txt", "w").write("".join(change(s) for s in sentences))
    paragraphs = first.split("\n\n" if lang == "en" else "\n")
    rng.shuffle(paragraphs)
    open(f"{p}/hard_{lang}_shuffled.txt", "w").write(("\n\n" if lang == "en" else "\n").join(paragraphs))
    perm = sentences[:]
    rng.shuffle(perm)
    open(f"{p}/hard_{lang}_permuted.txt", "w").write("".join(perm))
