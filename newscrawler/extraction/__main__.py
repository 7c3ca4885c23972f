"""python -m newscrawler.extraction PAGE.html --url URL: print the record as one JSON line."""

from __future__ import annotations

import argparse
import gzip
import json
import stat
import sys
import zlib
from pathlib import Path

from newscrawler.extraction import extract_article
from newscrawler.settings import DOWNLOAD_MAXSIZE
from newscrawler.urls import is_http_url


class PageError(Exception):
    """The page file cannot be used: a one-line reason."""


def read_page(path: Path, limit: int) -> bytes:
    """The page's bytes (gunzipped for .gz), at most `limit` of them, the crawl's own size limit.

    Refuses what is not a regular file (a FIFO or device would hang or never end).
    """
    if str(path) == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise PageError(f"cannot read it ({exc.strerror})") from None
        if not stat.S_ISREG(mode):
            raise PageError("not a regular file")
        try:
            with path.open("rb") as raw:
                if path.suffix == ".gz":
                    with gzip.GzipFile(fileobj=raw) as unzipped:
                        data = unzipped.read(limit + 1)
                else:
                    data = raw.read(limit + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise PageError(f"cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    if len(data) > limit:
        raise PageError(f"larger than {limit:,} bytes (DOWNLOAD_MAXSIZE), not a news page")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawler.extraction",
        description="Extract one saved news page and print its Article record as one JSON line.",
    )
    parser.add_argument("page", type=Path, help="a saved HTML file (.html or .html.gz), or - for stdin")
    parser.add_argument("--url", required=True, help="the URL the page was fetched from")
    parser.add_argument("--selector", help="CSS selector of the article body (overrides extraction)")
    args = parser.parse_args(argv)

    if not is_http_url(args.url):
        parser.exit(2, f"error: --url must be an http(s) URL, got {args.url!r}\n")
    try:
        data = read_page(args.page, DOWNLOAD_MAXSIZE)
    except PageError as exc:
        parser.exit(2, f"error: {args.page}: {exc}\n")

    article = extract_article(data, args.url, body_selector=args.selector)
    sys.stdout.buffer.write(json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
