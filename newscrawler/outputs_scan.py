"""Which articles already have a line at the end of a crawl's local output files.

A crawl killed between storing an article's line and confirming its claim in the crawl state
leaves the claim pending; the state asks this module whether the line is there (then the claim
is confirmed, not released: see ``newscrawler.state.rules``).

Dependency-free on purpose: the state stores import it, and ``newscrawler.output`` (where the
output ledger lives) imports Scrapy, which the stores must not.
"""

from __future__ import annotations

import json
import os

OUTPUT_TAIL = 16 << 20  # bytes at the end of an output where a dead crawl's last lines are


def written_to(outputs: list[str], urls: list[str]) -> set[str]:
    """The URLs that have a record at the end of these local output files (JSON lines or JSON).

    A crawl killed between storing an article's line and confirming its claim leaves the claim
    pending; the line is at the end of its output, so the claim is confirmed, not released.
    """
    found: set[str] = set()
    for path in outputs:
        try:
            with open(path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - OUTPUT_TAIL))
                tail = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        for url in urls:
            forms = {json.dumps(url, ensure_ascii=False), json.dumps(url)}  # JSON lines, JSON
            if any(f'"url": {form}' in tail for form in forms):
                found.add(url)
    return found
