"""Crawl accounting. Every article page fetched ends as written or dropped; pages never
fetched are skipped (known, too old) or failed. Keys:

    newscrawler/<site>/fetched              article pages fetched
    newscrawler/<site>/written              lines safely stored in the output
    newscrawler/<site>/lost_to_output       extracted, but every feed failed (and newscrawler/lost_to_output)
    newscrawler/lost_to_feed/<feed>         stored in another feed, not in this one (and newscrawler/lost_to_feed)
    newscrawler/<site>/dropped/<reason>     fetched, not written (and newscrawler/dropped/<reason>)
    newscrawler/<site>/skipped/<reason>     not fetched on purpose (and newscrawler/skipped/<reason>)
    newscrawler/<site>/errors/<reason>      could not be fetched (and newscrawler/errors/<reason>)
    newscrawler/archive/records             `scrapy crawl archive`: WARC records read, each also counted
                                            as an article page fetched or under skipped/ or errors/
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from scrapy import exceptions as scrapy_errors
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefused
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure

logger = logging.getLogger("newscrawler")

KINDS = ("dropped", "skipped", "errors")
CRAWL_KEYS = (
    "lost_to_feed",
    "learned",
    "render_refused",
    "render",
    "warc",
    "archive",
)  # newscrawler/<key>/...: crawl-wide figures, not sites


class CountedIgnore(scrapy_errors.IgnoreRequest):
    """A request refused on purpose and already counted by whoever raised it."""


class BlockedPage(scrapy_errors.IgnoreRequest):
    """The site answered with a challenge or block page (Cloudflare, a captcha wall, "Access
    denied"...), not the page asked for: counted ``blocked``, never retried nor read as the page."""

    def __init__(self, url: str, kind: str) -> None:
        super().__init__(f"{kind} page instead of {url}")
        self.kind = kind


class PrivateAddressRefused(DNSLookupError):
    """A host name resolved to a non-public address that the crawl may not reach."""


# A failed request's real reason, by exception type, for the summary and the monitors.
_REASONS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    (PrivateAddressRefused, "private_address"),
    ((scrapy_errors.DownloadTimeoutError, TxTimeoutError, TCPTimedOutError), "timeout"),
    (scrapy_errors.DownloadCancelledError, "too_large"),
    ((scrapy_errors.DownloadConnectionRefusedError, TxConnectionRefused), "connection_refused"),
    ((scrapy_errors.CannotResolveHostError, DNSLookupError), "dns_error"),
    (scrapy_errors.ResponseDataLossError, "data_loss"),
    (scrapy_errors.UnsupportedURLSchemeError, "bad_scheme"),
)


def failure_reason(failure: Failure) -> tuple[str, str] | None:
    """(kind, reason) for a request that failed, or None when it is already counted."""
    exc = failure.value
    if isinstance(exc, CountedIgnore):
        return None
    if isinstance(exc, HttpError):
        response = exc.response
        location = response.headers.get(b"Location") or b""
        scheme = location.split(b":", 1)[0].strip().lower() if b":" in location else b""
        if 300 <= response.status < 400 and scheme and scheme not in (b"http", b"https"):
            return "errors", "bad_scheme"  # a redirect to ftp:, file:, data:... is never followed
        return "errors", f"http_{response.status}"
    if isinstance(exc, BlockedPage):
        return "errors", "blocked"
    if isinstance(exc, scrapy_errors.IgnoreRequest):
        text = str(exc).lower()
        if "robots.txt" in text:
            return "skipped", "robots_txt"
        if "redirection" in text:
            return "errors", "too_many_redirects"
        if "exceeded download_maxsize" in text:  # a decompression bomb
            return "errors", "too_large"
        return "skipped", "ignored"
    for types, reason in _REASONS:
        if isinstance(exc, types):
            return "errors", reason
    return "errors", type(exc).__name__


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


def tally(crawler: Any, name: str, site: str | None) -> None:
    """A crawl figure that is neither a page's fate nor logged (brief, canonical_ignored), crawl-wide
    and per site: newscrawler/<name> and newscrawler/<site>/<name>."""
    stats = crawler.stats
    if stats is None:
        return
    stats.inc_value(f"newscrawler/{name}")
    if site:
        stats.inc_value(f"newscrawler/{site}/{name}")


def per_site(stats: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{site: {"fetched": n, "written": n, "lost_to_output": n, "dropped": {reason: n}, "skipped": {...}, "errors": {...}}}"""
    sites: dict[str, dict[str, Any]] = {}
    for key, value in stats.items():
        parts = key.split("/")
        if parts[0] != "newscrawler" or len(parts) < 3 or parts[1] in KINDS or parts[1] in CRAWL_KEYS:
            continue
        figure = len(parts) == 3 and parts[2] in ("fetched", "written", "lost_to_output")
        if not figure and not (len(parts) == 4 and parts[2] in KINDS):
            continue  # another per-site figure (brief...): not part of the accounting
        entry = sites.setdefault(
            parts[1], {"fetched": 0, "written": 0, "lost_to_output": 0, **{k: {} for k in KINDS}}
        )
        if figure:
            entry[parts[2]] = value
        else:
            entry[parts[2]][parts[3]] = value
    return sites


def blocked_pages(site: dict[str, Any]) -> int:
    """A site's challenge and block pages, from its ``per_site`` entry: article pages dropped as
    blocked and other pages (listings, sitemaps, robots.txt) that errored as blocked."""
    return int(site["dropped"].get("blocked", 0)) + int(site["errors"].get("blocked", 0))


def totals(stats: dict[str, Any], kind: str) -> dict[str, int]:
    prefix = f"newscrawler/{kind}/"
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}


# Drop reasons that mean the article was written already (the progress line, the crawl report).
DUPLICATE_REASONS = (
    "duplicate_url",
    "duplicate_text",
    "near_duplicate",
    "unchanged",
    "claimed_by_another_crawl",
)


# Exit status of `scrapy crawl news` (README, "Exit status").
EXIT_OK = 0
EXIT_CRAWL_FAILED = 1  # Scrapy could not start the crawl
EXIT_USAGE = 2  # a mistyped argument, a bad sites file, an unusable state: nothing was fetched
EXIT_OUTPUT_FAILED = (
    3  # some articles could not be stored in the output (next run), or pages in the WARC capture
)
EXIT_STATE_FAILED = 4  # the crawl state failed during the crawl
EXIT_NO_SITE_ANSWERED = 5  # no site gave a single successful response
EXIT_MONITORS_FAILED = 6  # a monitor failed and NEWSCRAWLER_MONITORS_FAIL_JOB is set
EXIT_STALLED = 7  # the crawl stalled and did not stop when asked: stopped forcefully (watchdog.py)


ARCHIVE_RECORDS = "newscrawler/archive/records"


def answered(stats: dict[str, Any]) -> int:
    """Successful (2xx/3xx) responses the crawl received, or WARC records an archive crawl read."""
    responses: int = sum(
        v for k, v in stats.items() if re.fullmatch(r"downloader/response_status_count/[23]\d\d", k)
    )
    # an archive crawl: records read, and files an earlier run read to the end
    return (
        responses + int(stats.get(ARCHIVE_RECORDS, 0)) + int(stats.get("newscrawler/skipped/archive_done", 0))
    )


def idle_worker(stats: dict[str, Any]) -> bool:
    """A distributed worker that found nothing left to take (the others did it): not a failure."""
    return stats.get("distributed/taken") == 0


def exit_reason(stats: dict[str, Any], status: int) -> str:
    """Why a crawl ends with this (non-zero) status, in words, for its last `error:` line."""
    if status == EXIT_OUTPUT_FAILED:
        lost, missing = stats.get("newscrawler/lost_to_output", 0), stats.get("newscrawler/lost_to_feed", 0)
        parts = (
            [f"{lost} articles could not be stored in the output; the next run writes them"] if lost else []
        )
        if missing:
            parts.append(f"{missing} writes to a feed failed; those articles are stored in the other feeds")
        if stats.get("newscrawler/warc/failed"):
            parts.append(
                f"{stats['newscrawler/warc/failed']} fetched pages could not be written to the WARC capture "
                "(their articles are in the output)"
            )
        return "; ".join(parts)
    if status == EXIT_STATE_FAILED:
        return "the crawl state failed during the crawl; the articles it could not record are written by the next run"
    if status == EXIT_NO_SITE_ANSWERED and ARCHIVE_RECORDS in stats:
        unreadable = sum(
            v for k, v in totals(stats, "errors").items() if k in ("archive_unreadable", "ccnews_paths")
        )
        return f"no WARC record could be read ({unreadable} files or lists unreadable)"
    if status == EXIT_NO_SITE_ANSWERED:
        failed = stats.get("downloader/request_count", 0)
        return f"no site answered ({failed} requests, none successful)"
    if status == EXIT_MONITORS_FAILED:
        return "a monitor failed (the `monitor failed:` lines above) and NEWSCRAWLER_MONITORS_FAIL_JOB is set"
    return "the crawl failed"


def say_error(settings: Any, message: str) -> None:
    """One `error:` line on stderr and, when LOG_FILE is set (a scrapyd job's log), in that file too."""
    line = f"error: {message}"
    log_file = settings.get("LOG_FILE") if settings is not None else None
    if log_file:
        try:
            with open(log_file, "a", encoding=settings.get("LOG_ENCODING") or "utf-8") as f:
                f.write(line + "\n")
        except OSError as exc:
            print(f"warning: cannot write to LOG_FILE {log_file}: {exc}", file=sys.stderr)
    print(line, file=sys.stderr, flush=True)


def exit_status(stats: dict[str, Any]) -> int:
    """The exit status a finished crawl's stats call for."""
    if any(stats.get(f"newscrawler/{key}") for key in ("lost_to_output", "lost_to_feed", "warc/failed")):
        return EXIT_OUTPUT_FAILED
    if stats.get("finish_reason") in ("state_error", "redis_error") or stats.get(
        "newscrawler/dropped/state_error"
    ):
        return EXIT_STATE_FAILED
    if not answered(stats) and not idle_worker(stats):
        return EXIT_NO_SITE_ANSWERED
    if stats.get("monitors/status") == "failed" and stats.get("monitors/fail_job"):
        return EXIT_MONITORS_FAILED
    return EXIT_OK
