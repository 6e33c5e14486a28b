"""The GIL is released while Rust compares, so Python threads go on."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import tvdiff

from conftest import SAMPLES


def big_pair(n):
    """A book-sized pair: the seed pair (26 and 11 kB) repeated n times
    with a numbered line between copies, so each copy differs."""
    old = (SAMPLES / "seed-000-blog-en-zh.txt").read_text()
    new = (SAMPLES / "seed-001-xinhua-pdf-zh.txt").read_text()
    return (
        "\n".join(f"第{i}份。\n{old}" for i in range(n)),
        "\n".join(f"第{i}份。\n{new}" for i in range(n)),
    )


def test_other_threads_run_while_rust_compares():
    # 7.8 MB against 3.2 MB: about 0.1 s on the 2-core machine this was
    # written on; a faster machine gets a bigger pair.
    for n in (300, 1200, 4800):
        span = run_beside_a_loop(*big_pair(n))
        if span["end"] - span["start"] > 0.05:
            break
    start, end, ticks = span["start"], span["end"], span["ticks"]
    inside = [x for x in ticks if start < x < end]
    # Were the GIL held during the Rust call, this loop would stop for its
    # whole length (one gap of most of end - start: 0.37 s of 0.48 s when
    # tried with json.loads of a big document, which holds it); released,
    # the loop ticks all along.
    assert end - start > 0.05, "the comparison was too quick to tell"
    assert len(inside) > 1000, (len(inside), end - start)
    gaps = [b - a for a, b in zip([start] + inside, inside + [end])]
    assert max(gaps) < (end - start) / 2, (max(gaps), end - start)
    assert span["report"]["summary"]["modified"] == 5 * n


def run_beside_a_loop(old, new):
    """Compare on a thread while this thread counts loop iterations."""
    span = {}

    def work():
        span["start"] = time.perf_counter()
        span["report"] = tvdiff.compare(old, new, lang="zh")
        span["end"] = time.perf_counter()

    t = threading.Thread(target=work)
    ticks = []
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    span["ticks"] = ticks
    return span


def test_threads_give_the_same_answers_as_one_thread():
    seeds = sorted(SAMPLES.glob("seed-00*.txt"))
    pairs = [(a, b) for a in seeds for b in seeds]
    expected = [tvdiff.compare_files(a, b) for a, b in pairs]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda p: tvdiff.compare_files(*p), pairs))
    assert got == expected
