#!/usr/bin/env python3
"""Score a tvdiff JSON report against the ground truth of make_variant.

    python3 bench/score.py REPORT.json TRUTH.json          # JSON on stdout
    python3 bench/score.py --text REPORT.json TRUTH.json   # one line for humans

An injected edit counts as *found* when a reported edit overlaps its byte
range in the new file (touching counts, with one byte of slack, so that an
insertion point just before or after a space still matches) and the texts
match after trimming whitespace: either exactly (`exact`) or once the
characters common to both sides at the start and end of the reported edit
are removed (`found`: tvdiff may show a Chinese edit with its whole word,
e.g. 投资→投源 for 资→源).

Every reported edit, and every added, removed or moved sentence, is a
*reported item*. An item that matches no injected edit is a false positive;
precision is matched items / reported items. On a noise-only pair there is
no truth edit, so every reported item is noise reported as a change.

Standard library only.
"""

import json
import sys


def trim(s):
    return s.strip()


def core(old, new):
    """Strip the common prefix and suffix of a reported edit, then trim."""
    i = 0
    while i < len(old) and i < len(new) and old[i] == new[i]:
        i += 1
    j = 0
    while j < len(old) - i and j < len(new) - i and old[len(old) - 1 - j] == new[len(new) - 1 - j]:
        j += 1
    return trim(old[i:len(old) - j]), trim(new[i:len(new) - j])


def overlaps(a0, a1, b0, b1, slack=1):
    return a0 <= b1 + slack and b0 <= a1 + slack


def items(report):
    """Reported items: (kind, old, new, new_start, new_end)."""
    out = []
    for c in report["changes"]:
        if c["kind"] == "modified":
            for e in c["edits"]:
                out.append(("edit/" + e["class"], e["old"], e["new"], e["new_at"]["start"], e["new_at"]["end"]))
        else:
            span = c["new"] or c["old"]
            start, end = (span["start"], span["end"]) if c["new"] else (-10, -10)
            out.append((c["kind"], (c["old"] or {}).get("text", ""), (c["new"] or {}).get("text", ""), start, end))
    return out


def score(report, truth):
    reported = items(report)
    edits = truth["edits"]
    found = exact = overlap_only = in_sentence_change = 0
    matched_items = set()
    missed = []
    for t in edits:
        t_old, t_new = trim(t["old"]), trim(t["new"])
        best = None
        for k, (kind, old, new, s, e) in enumerate(reported):
            if not overlaps(s, e, t["offset"], t["end"]):
                continue
            if not kind.startswith("edit/"):
                best = best or ("sentence", k)
                continue
            if (trim(old), trim(new)) == (t_old, t_new):
                best = ("exact", k)
                break
            if core(old, new) == (t_old, t_new):
                best = ("found", k)
            elif best is None or best[0] == "sentence":
                best = ("overlap", k)
        if best and best[0] in ("exact", "found"):
            found += 1
            exact += best[0] == "exact"
            matched_items.add(best[1])
        else:
            if best and best[0] == "overlap":
                overlap_only += 1
            if best and best[0] == "sentence":
                in_sentence_change += 1
            missed.append({"truth": t, "nearest": reported[best[1]] if best else None})
    n_rep = len(reported)
    false_pos = [reported[k] for k in range(n_rep) if k not in matched_items]
    by_kind = {}
    for kind, *_ in reported:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return {
        "truth_edits": len(edits),
        "reported_items": n_rep,
        "reported_by_kind": by_kind,
        "found": found,
        "found_exact": exact,
        "overlap_but_text_differs": overlap_only,
        "inside_added_or_removed_sentence": in_sentence_change,
        "recall": round(found / len(edits), 4) if edits else None,
        "precision": round(len(matched_items) / n_rep, 4) if n_rep else (1.0 if edits else None),
        "false_positives": len(false_pos),
        "false_positive_examples": [list(x) for x in false_pos[:8]],
        "missed_examples": missed[:8],
    }


def main(argv):
    text = "--text" in argv
    args = [a for a in argv if a != "--text"]
    if len(args) != 2:
        sys.exit(__doc__)
    with open(args[0], encoding="utf-8") as f:
        report = json.load(f)
    with open(args[1], encoding="utf-8") as f:
        truth = json.load(f)
    s = score(report, truth)
    if text:
        if s["truth_edits"]:
            print(
                f"recall {s['recall']:.3f} ({s['found']}/{s['truth_edits']}, {s['found_exact']} exact), "
                f"precision {s['precision']:.3f} ({s['reported_items']} reported, {s['false_positives']} false)"
            )
        else:
            print(f"noise-only: {s['reported_items']} items reported {s['reported_by_kind']}")
    else:
        json.dump(s, sys.stdout, ensure_ascii=False, indent=1)
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
