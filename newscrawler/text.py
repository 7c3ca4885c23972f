"""Text rules in one place: invisible characters, spacing, folding for comparison, markup to text,
mojibake repair, word counts, and the one 64-bit hash behind every fingerprint (exact text,
paragraph, URL key), plus MinHash signatures and LSH bands.

Folding comes in several strengths, each its own function, because each caller's output depends on
exactly its own (tests/test_text.py holds each to it):

- ``squash``: whitespace runs to one space, none at the ends (nothing else);
- ``fold``: NFKC and case folded, then squashed (paragraphs compared with paragraphs);
- ``fold_case``: NFKC and case folded, spacing as it is (names looked for inside other text);
- ``fold_title``: ``fold`` less soft hyphens, typographic quotes and dashes made plain, case kept
  on request (one title compared with another);
- ``normalise``: words only (fingerprints and MinHash signatures).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

import numpy as np
from w3lib.html import remove_tags, replace_entities

if TYPE_CHECKING:
    import lxml.html

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


# Chinese and Japanese write no spaces: each character counts as a word.
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_COUNTED_WORD = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")
# Tags that end a paragraph in a piece of HTML; the other tags go without a break.
_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|div|h\d|li|blockquote)>")
# Typographic quotes and dashes, for comparing one title with another.
_PLAIN_PUNCT = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
    }
)
# Text ftfy leaves as it is: ASCII, the no-break space, dashes, curly quotes and the ellipsis.
# Mojibake needs a lead character followed by continuation characters of one legacy encoding
# (Windows-1252, MacRoman...): these characters are leads in MacRoman but never continuations in
# any, and ftfy's other fixes (ligatures, wide characters, line breaks, escapes, NFC) act on
# characters outside this set. tests/test_text.py checks it with generated text.
FTFY_NOOP = re.compile(r"[\t\n\x20-\x7e\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026]*")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")


# --- spacing and folding ---


def squash(text: str) -> str:
    """Every run of whitespace (``str.split``'s) one space, none at either end."""
    return " ".join(text.split())


def fold(text: str) -> str:
    """For comparing paragraphs: NFKC, case folded, spacing squashed."""
    return squash(unicodedata.normalize("NFKC", text).casefold())


def fold_case(text: str) -> str:
    """For finding a name inside other text: NFKC and case folded, spacing left as it is."""
    return unicodedata.normalize("NFKC", text).casefold()


def fold_title(title: str, case: bool = False) -> str:
    """For comparing titles: NFKC, soft hyphens out, typographic quotes and dashes made plain,
    spacing squashed, case folded unless ``case``."""
    folded = unicodedata.normalize("NFKC", title).replace("\u00ad", "").translate(_PLAIN_PUNCT)
    return squash(folded if case else folded.casefold())


def normalise(text: str) -> str:
    """Case, accents of form, punctuation and spacing do not make a different text."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text or "").casefold()))


def paragraphs(text: str) -> list[str]:
    """A text's non-empty lines, each without invisible characters and with its spaces folded."""
    out = []
    for line in text.splitlines():
        line = SPACES.sub(" ", INVISIBLE.sub("", line)).strip()
        if line:
            out.append(line)
    return out


# --- markup to text ---


def node_text(el: lxml.html.HtmlElement) -> str:
    """An element's text, spacing squashed; "" for a comment or a processing instruction."""
    return squash(el.text_content()) if isinstance(el.tag, str) else ""


def markup_text(value: object) -> str | None:
    """A string with tags removed, entities resolved and spacing squashed; None for an empty
    result or anything but a string."""
    if not isinstance(value, str):
        return None
    return squash(replace_entities(remove_tags(value))) or None


def markup_lines(value: object) -> str:
    """A piece of HTML as lines of text: block tags end a line, other tags go, entities are
    resolved, each line's spacing is squashed; "" for anything but a string."""
    if not isinstance(value, str):
        return ""
    value = _BLOCK_END.sub("\n", value)
    return "\n".join(squash(line) for line in replace_entities(remove_tags(value)).splitlines()).strip()


# --- cleaning written text ---


def repair_mojibake(text: str) -> str:
    """Mojibake repaired by ftfy, quotes left as the site typed them (ftfy would straighten curly ones).

    ftfy works a line at a time, and costs ~5 ms a body: the lines it can change nothing in
    (``FTFY_NOOP``: most English paragraphs, and many of any Latin-script text) are not given to
    it (ftfy would unescape their HTML entities, which ``clean_text`` then does itself). As in ftfy's
    own loop, entities are left alone after a line holding a ``<``."""
    import ftfy  # here, not at the top: the extraction workers never need it

    out = []
    unescape: str | bool = "auto"
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        line = text[pos:end]
        if not FTFY_NOOP.fullmatch(line):
            line = ftfy.fix_text(line, normalization="NFC", uncurl_quotes=False, unescape_html=unescape)
        if "<" in line:
            unescape = False
        out.append(line)
        pos = end
    return "".join(out)


def clean_text(text: str, keep_paragraphs: bool = False) -> str:
    """NFC, mojibake repaired, no tags, entities, control or zero-width characters, tidy spaces;
    with ``keep_paragraphs``, each line a paragraph, separated by a blank line."""
    if not text:
        return text
    if not FTFY_NOOP.fullmatch(text):
        text = repair_mojibake(text)
    if "<" in text or "&" in text:
        text = replace_entities(remove_tags(text))
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    if not keep_paragraphs:
        return squash(text)
    parts = (SPACES.sub(" ", p).strip() for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in parts if p)


def word_count(body: str | None) -> int | None:
    """Words as a reader counts them: runs of letters and digits, and each Chinese or Japanese
    character (those scripts write no spaces); None for no text."""
    return len(_COUNTED_WORD.findall(body)) if body else None


# --- hashing ---


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
    mixed: np.ndarray = h ^ (h >> np.uint32(16))
    return mixed


def signature(text: str) -> bytes:
    """MinHash over word shingles, kept as 8 bits per permutation (b-bit MinHash, 32 bytes).

    The same values as ``datasketch.MinHash(num_perm=32, seed=7)`` fed the UTF-8 shingles (a test
    holds it to that), computed here with numpy alone: importing datasketch loads scipy, 40 MB in
    the crawl's own process for this one function."""
    return _signature(normalise(text))


def text_keys(text: str) -> tuple[int, bytes]:
    """``fingerprint(text)`` and ``signature(text)``, the text normalised once for both."""
    norm = normalise(text)
    return hash64(norm), _signature(norm)


def _signature(normalised: str) -> bytes:
    # A shingle is SHINGLE words joined by single spaces: a slice of the normalised text's bytes.
    norm = normalised.encode("utf-8")
    if not norm:
        return bytes([0xFF] * NUM_PERM)  # an empty MinHash: every value at its maximum
    starts = [0, *(m.end() for m in _SPACE.finditer(norm)), len(norm) + 1]
    n = len(starts) - 1  # words
    k = min(SHINGLE, n)
    sha1 = hashlib.sha1
    digests = b"".join([sha1(norm[starts[i] : starts[i + k] - 1]).digest() for i in range(n - k + 1)])
    # Each shingle's hash: the first 4 bytes of its 20-byte SHA-1, little-endian (datasketch's).
    hashes = np.frombuffer(digests, dtype="<u4").reshape(-1, 5)[:, 0]
    hv = _fmix32(hashes.astype(np.uint32).reshape(-1, 1))
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
