"""Imported once by the extraction pool's fork server, before it forks the worker processes.

What every worker needs is loaded here once: the extraction code, dateparser, the language
identifier's model (74 MB) and jusText's stop words of every language (28 MB; trafilatura's
fallback builds them on its first use). Each worker is forked with them in place and shares
those pages with the others instead of building its own copy: the model's arrays are never
written, and looking a word up in a set does not touch it.
"""

from __future__ import annotations

import contextlib
import gc

from newscrawler.malloc import keep_heap_small

keep_heap_small()  # before the imports: the workers inherit it

import dateparser  # noqa: E402, F401  (imported late by dates.py; its data takes a while to load)

import newscrawler.extraction.article  # noqa: E402, F401  (trafilatura, htmldate, lxml)
from newscrawler.extraction.language import identifier  # noqa: E402

identifier()

# Internals of trafilatura and jusText: a saving, not a need, so a change there only costs memory.
with contextlib.suppress(ImportError, AttributeError, TypeError):
    from justext.core import define_stoplist  # cached per stop-word list
    from trafilatura.external import jt_stoplist_init

    define_stoplist(jt_stoplist_init())

# The garbage collector writes to every object it examines: kept away from these, their pages stay
# shared with the workers instead of being copied into each of them.
gc.freeze()
