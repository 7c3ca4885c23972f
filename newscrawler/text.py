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
_SPACE = re.compile(rb" ")
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


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's 32-bit affine permutations (its default scheme since 2.0) for this seed."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a.reshape(1, -1), b.reshape(1, -1)


_A, _B = _permutations(NUM_PERM, seed=7)


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's finaliser, as datasketch mixes each shingle hash before permuting it
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(text: str) -> bytes:
    """MinHash over word shingles, kept as 8 bits per permutation (b-bit MinHash, 32 bytes).

    The same values as ``datasketch.MinHash(num_perm=32, seed=7)`` fed the UTF-8 shingles (a test
    holds it to that), computed here with numpy alone: importing datasketch loads scipy, 40 MB in
    the crawl's own process for this one function."""
    # A shingle is SHINGLE words joined by single spaces: a slice of the normalised text's bytes.
    norm = normalise(text).encode("utf-8")
    if not norm:
        return bytes([0xFF] * NUM_PERM)  # an empty MinHash: every value at its maximum
    starts = [0, *(m.end() for m in _SPACE.finditer(norm)), len(norm) + 1]
    n = len(starts) - 1  # words
    k = min(SHINGLE, n)
    sha1 = hashlib.sha1
    hashes = [
        int.from_bytes(sha1(norm[starts[i] : starts[i + k] - 1]).digest()[:4], "little")
        for i in range(n - k + 1)
    ]
    hv = _fmix32(np.array(hashes, dtype=np.uint32).reshape(-1, 1))
    with np.errstate(over="ignore"):
        values = (hv * _A + _B).min(axis=0)
    return bytes((values & 0xFF).astype(np.uint8).tobytes())


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
