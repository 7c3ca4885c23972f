"""The article-extraction-benchmark body metric: 4-word shingles, per-page P/R, F1 of averages.

Our own implementation of the metric that Scrapinghub's article-extraction-benchmark
defines, so tests and benchmarks score bodies the same way; and ``overlap``, the share of one
text's shingles in another's, with which the body rules compare paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # A text shorter than n words still counts as one (short) shingle.
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def tp_fp_fn(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Shingle counts normalised to sum 1, so that long pages weigh no more than short ones."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def body_scores(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Average P and R over (gold, predicted) pairs, then the F1 of the two averages."""
    counts = [tp_fp_fn(true, pred) for true, pred in pairs]
    ps = [precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1}


def overlap(part: str, whole_shingles: set[tuple[str, ...]]) -> float:
    """The share of ``part``'s 3-word shingles found among ``whole_shingles`` (0.0 for no words)."""
    mine = set(shingles(part, 3))
    return len(mine & whole_shingles) / len(mine) if mine else 0.0


def page_f1(true: str, pred: str) -> float:
    c = tp_fp_fn(true, pred)
    p, r = precision(*c), recall(*c)
    return 2 * p * r / (p + r) if p + r else 0.0
