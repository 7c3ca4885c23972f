"""Text fingerprints for deduplication: exact, near-duplicate (MinHash) and per paragraph."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
from datasketch import MinHash

NUM_PERM = 32  # MinHash permutations: similarity estimates within about ±0.07 at 0.8
BANDS = 8  # LSH bands of 4 rows: a pair at similarity 0.8 shares a band with probability 0.98
ROWS = NUM_PERM // BANDS
SHINGLE = 5  # words per shingle

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Case, accents of form, punctuation and spacing do not make a different text."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text or "").casefold()))


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)


def fingerprint(text: str) -> int:
    """Exact fingerprint of the normalised text."""
    return _hash64(normalise(text).encode("utf-8"))


def paragraph_hash(paragraph: str) -> int:
    return _hash64(normalise(paragraph).encode("utf-8"))


def signature(text: str) -> bytes:
    """MinHash over word shingles, kept as 16 bits per permutation (64 bytes)."""
    words = normalise(text).split()
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.update_batch([g.encode("utf-8") for g in grams if g])
    return (m.hashvalues & 0xFFFF).astype("<u2").tobytes()


def signature_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    x, y = np.frombuffer(a, dtype="<u2"), np.frombuffer(b, dtype="<u2")
    return float(np.mean(x == y)) if len(x) == len(y) and len(x) else 0.0


def band_hashes(sig: bytes) -> list[int]:
    """One bucket per LSH band; texts that share a bucket are near-duplicate candidates."""
    step = ROWS * 2
    return [_hash64(bytes([band]) + sig[band * step : (band + 1) * step]) for band in range(BANDS)]
