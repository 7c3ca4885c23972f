"""Language: the page's declaration, else py3langid (its model ships inside the package)."""

from __future__ import annotations

import contextlib
import re
from array import array
from functools import lru_cache

_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.I)
# ISO 639-2/3 codes that pages use where ISO 639-1 exists.
_THREE_TO_TWO = {
    "eng": "en",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "urd": "ur",
    "ita": "it",
    "por": "pt",
    "nld": "nl",
    "dut": "nl",
    "tur": "tr",
    "jpn": "ja",
    "kor": "ko",
    "rus": "ru",
    "ara": "ar",
    "zho": "zh",
    "chi": "zh",
    "swe": "sv",
    "nor": "no",
    "nob": "no",
    "dan": "da",
    "pol": "pl",
    "hin": "hi",
    "zul": "zu",
    "ind": "id",
    "ukr": "uk",
}
# Legacy or macro codes to the ISO 639-1 code readers expect.
_ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi", "jp": "ja"}


def normalise_language(value: str | None) -> str | None:
    if not value:
        return None
    m = _CODE.match(value.strip())
    if not m:
        return None
    code = m.group(1).lower()
    if len(code) == 3:
        return _THREE_TO_TWO.get(code)
    return _ALIASES.get(code, code)


@lru_cache(maxsize=1)
def identifier():  # type: ignore[no-untyped-def]
    """py3langid's identifier, its two per-state tables held as arrays rather than lists of ints.

    The extraction workers share the model, loaded once before they are forked; a list of ints
    is 104,583 objects whose reference counts change on every lookup, so each worker would copy
    the pages they sit on (15 MB). Arrays give the same numbers and are never written."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    with contextlib.suppress(AttributeError, TypeError, OverflowError):
        rowbase, output = array("q", ident._rowbase), array("q", ident.tk_output)
        ident._rowbase, ident.tk_output = rowbase, output
    return ident


def detect_language(text: str, min_chars: int = 40) -> str | None:
    """Identify the language of an article body; None when it is too short to tell."""
    sample = text[:5000]
    if len(sample.strip()) < min_chars:
        return None
    code, prob = identifier().classify(sample)
    return _ALIASES.get(code, code) if prob >= 0.5 else None
