"""python -m newscrawler.extraction PAGE.html --url URL: print the record as one JSON line."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from newscrawler.extraction import extract_article


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawler.extraction",
        description="Extract one saved news page and print its Article record as one JSON line.",
    )
    parser.add_argument("page", type=Path, help="a saved HTML file (.html or .html.gz), or - for stdin")
    parser.add_argument("--url", required=True, help="the URL the page was fetched from")
    parser.add_argument("--selector", help="CSS selector of the article body (overrides extraction)")
    args = parser.parse_args(argv)

    try:
        if str(args.page) == "-":
            data = sys.stdin.buffer.read()
        else:
            data = args.page.read_bytes()
            if args.page.suffix == ".gz":
                data = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        parser.exit(2, f"error: cannot read {args.page}: {getattr(exc, 'strerror', None) or exc}\n")
    if not args.url.startswith(("http://", "https://")):
        parser.exit(2, f"error: --url must be an http(s) URL, got {args.url!r}\n")

    article = extract_article(data, args.url, body_selector=args.selector)
    sys.stdout.buffer.write(json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
