"""Sites that teach themselves, in the crawl: each site's template paths, kept in the crawl state.

The extraction workers observe, on each article page, where the page keeps what the generic
rules found (``extraction/learned.py``); this extension records those paths in the crawl state
(the last PATH_WINDOW pages per site and field, shared by every crawl and worker on that state)
and gives the spider the paths a site's recent pages agreed on, to pass back to extraction.
A site's path counts once NEWSCRAWLER_LEARN_AFTER pages agreed on it and it holds at least
NEWSCRAWLER_LEARN_SHARE of the recent observations; a changed template is unlearned as soon
as the old path loses that share.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawler.extraction.learned import FIELDS
from newscrawler.state import PATH_WINDOW
from newscrawler.state.extension import get_store
from newscrawler.state_errors import STATE_ERRORS

logger = logging.getLogger(__name__)

REFRESH_EVERY = 5  # a site's paths are read again from the state after this many observations
OBSERVE_EVERY = 4  # past a site's first PATH_WINDOW pages in a run, one page in this many is observed


def learned_path(votes: list[str | None], after: int, share: float) -> str | None:
    """The path most of a site's recent pages agreed on, once at least ``after`` of them did."""
    counts: dict[str, int] = {}
    for v in votes:
        if v:
            counts[v] = counts.get(v, 0) + 1
    if not counts:
        return None
    path, n = max(counts.items(), key=lambda kv: kv[1])
    return path if n >= after and n >= share * len(votes) else None


class TemplateLearning:
    def __init__(self, crawler: Crawler, after: int, share: float) -> None:
        self.crawler = crawler
        self.after = after
        self.share = share
        self._paths: dict[str, dict[str, str]] = {}
        self._since: dict[str, int] = {}
        self._pages: dict[str, int] = {}
        self.broken = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TemplateLearning:
        s = crawler.settings
        if not s.getbool("NEWSCRAWLER_LEARN"):
            raise NotConfigured
        return cls(
            crawler, max(1, s.getint("NEWSCRAWLER_LEARN_AFTER")), s.getfloat("NEWSCRAWLER_LEARN_SHARE")
        )

    def paths(self, site: str) -> dict[str, str]:
        """The template paths the site's recent pages agreed on, per field."""
        if self.broken:
            return {}
        cached = self._paths.get(site)
        if cached is not None and self._since.get(site, 0) < REFRESH_EVERY:
            return cached
        try:
            state = get_store(self.crawler)
            votes = {f: state.path_votes(site, f) for f in FIELDS}
        except STATE_ERRORS as exc:
            return self._give_up(exc)
        adopted = {
            f: p for f, p in ((f, learned_path(v, self.after, self.share)) for f, v in votes.items()) if p
        }
        if adopted != cached and adopted:
            logger.info(
                "%s: learned its template: %s", site, ", ".join(f"{f} {p!r}" for f, p in adopted.items())
            )
        self._paths[site] = adopted
        self._since[site] = 0
        return adopted

    def should_observe(self, site: str) -> bool:
        """Every page until the site's window is full in this run; then a sample (observing costs
        a few milliseconds a page, and a template changes rarely)."""
        self._pages[site] = n = self._pages.get(site, 0) + 1
        return not self.broken and (n <= PATH_WINDOW or n % OBSERVE_EVERY == 0)

    def observe(self, site: str, paths: Mapping[str, str | None]) -> None:
        """One article page's paths (None where no element agreed with the generic rules)."""
        if self.broken:
            return
        try:
            get_store(self.crawler).observe_paths(site, paths)
        except STATE_ERRORS as exc:
            self._give_up(exc)
            return
        self._since[site] = self._since.get(site, 0) + 1

    def _give_up(self, exc: Exception) -> dict[str, str]:
        # The article itself is not at stake: the pipelines meet the same state error and count it.
        logger.warning("template learning stopped for this crawl: the crawl state failed (%s)", exc)
        self.broken = True
        return {}
