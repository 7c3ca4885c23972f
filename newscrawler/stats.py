"""Crawl accounting. Every article page fetched ends as written or dropped; pages never
fetched are skipped (known, too old) or failed. Keys:

    newscrawler/<site>/fetched              article pages fetched
    newscrawler/<site>/written              lines written to the output
    newscrawler/<site>/dropped/<reason>     fetched, not written (and newscrawler/dropped/<reason>)
    newscrawler/<site>/skipped/<reason>     not fetched on purpose (and newscrawler/skipped/<reason>)
    newscrawler/<site>/errors/<reason>      could not be fetched (and newscrawler/errors/<reason>)
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("newscrawler")

KINDS = ("dropped", "skipped", "errors")


def count(crawler: Any, kind: str, reason: str, url: str | None, site: str | None) -> None:
    """Count one page under kind/reason; the first of each kind and reason is logged with its URL."""
    stats = crawler.stats
    if stats is None:
        return
    if not stats.get_value(f"newscrawler/{kind}/{reason}"):
        logger.info("%s (%s), e.g. %s", kind, reason, url)
    stats.inc_value(f"newscrawler/{kind}/{reason}")
    if site:
        stats.inc_value(f"newscrawler/{site}/{kind}/{reason}")


def per_site(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{site: {"fetched": n, "written": n, "dropped": {reason: n}, "skipped": {...}, "errors": {...}}}"""
    sites: dict[str, dict[str, Any]] = {}
    for key, value in stats.items():
        parts = key.split("/")
        if parts[0] != "newscrawler" or len(parts) < 3 or parts[1] in KINDS:
            continue
        entry = sites.setdefault(parts[1], {"fetched": 0, "written": 0, **{k: {} for k in KINDS}})
        if len(parts) == 3 and parts[2] in ("fetched", "written"):
            entry[parts[2]] = value
        elif len(parts) == 4 and parts[2] in KINDS:
            entry[parts[2]][parts[3]] = value
    return sites


def totals(stats: dict[str, Any], kind: str) -> dict[str, int]:
    prefix = f"newscrawler/{kind}/"
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}
