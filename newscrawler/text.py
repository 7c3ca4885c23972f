"""Text rules in one place: invisible characters, spacing, normalisation, and the one 64-bit hash
behind every fingerprint (exact text, paragraph, URL key), plus MinHash signatures and LSH bands."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

NUM_PERM = 32  # MinHash permutations kept (8 bits each): similarity within about ±0.07 at 0.8
BANDS = 5  # LSH bands of 3 rows: a pair at similarity 0.8 shares a band with probability 0.97,
ROWS = 3  # at 0.9 with 0.998; candidates are then checked against the whole signature
SHINGLE = 5  # words per shingle

_WORD = re.compile(r"\w+")
# C0 control characters but tab, newline and carriage return: never text, often binary debris.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Control characters (C0 but newline/tab, C1), zero-width and direction marks, soft hyphens.
INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
# Every kind of horizontal space, folded to one ASCII space.
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalise(text: str) -> str:
    """Case, accents of form, punctuation and spacing do not make a different text."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text or "").casefold()))


def hash64(text: str) -> int:
    """The project's one hash: 64-bit signed (SQLite integers are signed), stable across runs."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def fingerprint(text: str) -> int:
    """Exact fingerprint of the normalised text (a whole body, or one paragraph)."""
    return hash64(normalise(text))


def signature(text: str) -> bytes:
    """MinHash over word shingles, kept as 8 bits per permutation (b-bit MinHash, 32 bytes)."""
    words = normalise(text).split()
    grams = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    from datasketch import MinHash  # here: datasketch loads scipy and redis, which extraction never needs

    m = MinHash(num_perm=NUM_PERM, seed=7)
    m.update_batch([g.encode("utf-8") for g in grams if g])
    return bytes((m.hashvalues & 0xFF).astype(np.uint8).tobytes())


def signature_similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets (corrected for 8-bit collisions)."""
    x, y = np.frombuffer(a, dtype=np.uint8), np.frombuffer(b, dtype=np.uint8)
    if len(x) != len(y) or not len(x):
        return 0.0
    agree = float(np.mean(x == y))
    return max(0.0, (agree - 1 / 256) / (1 - 1 / 256))


def band_hashes(sig: bytes) -> list[int]:
    """One bucket per LSH band (band number and its three bytes); a shared bucket makes a candidate."""
    return [
        (band << 24) | int.from_bytes(sig[band * ROWS : (band + 1) * ROWS], "big") for band in range(BANDS)
    ]
