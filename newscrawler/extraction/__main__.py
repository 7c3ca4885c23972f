"""python -m newscrawler.extraction PAGE.html --url URL: print the record as one JSON line."""

from __future__ import annotations

import argparse
import gzip
import json
import re
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
    if not data.strip():
        raise PageError("empty: there is no page to extract")
    if looks_binary(data):
        raise PageError("binary data, not an HTML page (still compressed, or not a page at all)")
    return data


def looks_binary(data: bytes) -> bool:
    """Bytes no HTML page is made of: a compressed or binary file. UTF-16 and UTF-32 pages hold
    NUL bytes too, so those are told by their byte-order mark or an interleaved ASCII tag."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or re.match(
        rb"(\s\x00)*<\x00|(\x00\s)*\x00<", head
    ):
        return False
    if head[:2] in (b"\x1f\x8b", b"BZ", b"PK") or head[:4] in (b"\x28\xb5\x2f\xfd",):
        return True  # gzip (a gzip of a gzip), bzip2, zip, zstd
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) // 20


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
