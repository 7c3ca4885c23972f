"""Which records of an archive are read as article pages, decided from their headers alone.

``Selection.skip_reason(head)`` is the one decision, made twice on the same header: in the reading
thread (whether to read the payload at all) and in the crawl (under which reason to count a record
that is not read). A record is read when it is an HTTP 200 ``response`` with an HTML type, on a
site the crawl asked for (``sites=``/``url=``, by registrable domain as newscrawler.safety sees
it; every site when neither is given), and archived within ``since``/``until``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from newscrawler.archive.reader import Head
from newscrawler.frontier import site_id
from newscrawler.sites import Site, site_for_url
from newscrawler.urls import is_http_url


def warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, UTC, ``Z``) as a datetime; None when missing or malformed."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass
class Selection:
    chosen: dict[str, Site]  # site_id (registrable domain; host:port for an address) -> site
    registry: dict[str, Site]  # the same for the registry: names the sites of an unfiltered archive
    since: datetime | None = None
    until: datetime | None = None
    _made: dict[str, Site] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        chosen: tuple[Site, ...],
        registry: dict[str, Site],
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Selection:
        return cls(
            {site_id(s.home): s for s in chosen},
            {site_id(s.home): s for s in registry.values()},
            since,
            until,
        )

    def site_for(self, url: str) -> Site | None:
        """The site a record's URL belongs to; None when the crawl did not ask for it."""
        key = site_id(url)
        if self.chosen:
            return self.chosen.get(key)
        found = self.registry.get(key)
        if found is not None:
            return found
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}/"
        made = self._made.get(origin)
        if made is None:  # named as `news -a url=` names a site: by host (and port)
            made = self._made[origin] = site_for_url(origin)
        return made

    def skip_reason(self, head: Head) -> str | None:
        """Why the record is not read as an article page (None: read it)."""
        if head.kind != "response":
            return f"record_{head.kind}"
        if head.status is None:
            return "not_http"  # a dns: record, a screenshot...
        if head.status != 200:
            return f"http_{head.status}"
        if not head.html:
            return "not_html"
        if not head.url or not is_http_url(head.url):
            return "bad_url"
        if self.site_for(head.url) is None:
            return "other_site"
        when = warc_date(head.date)
        if when is not None and self.since is not None and when < self.since:
            return "too_old"
        if when is not None and self.until is not None and when > self.until:
            return "too_new"
        return None
