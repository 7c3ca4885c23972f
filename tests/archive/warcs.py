"""WARC files for the archive tests, written with warcio from the saved pages (tests/fixtures).

``build_warc(path)`` writes one gzip-per-record file holding, in this order: a warcinfo record;
for each saved page a request and its HTML 200 response; a revisit of the first page; a PNG
image; a 404 page; the first page again under a tracking-parameter URL; and, with ``truncate``,
a last response cut in the middle of its gzip member. ``Built`` says what is where.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
RECORDS = Path(__file__).parent.parent / "fixtures" / "records.json"
DATE = "2024-03-10T12:00:00Z"


def saved_articles(n: int) -> list[tuple[str, bytes]]:
    """(URL, HTML) of the first n saved pages that extract as articles with a body of 200+ words."""
    records = json.loads(RECORDS.read_text(encoding="utf-8"))
    out = []
    for meta in sorted(PAGES.glob("*.json")):
        record = records.get(meta.stem)
        if not record or len((record.get("articleBody") or "").split()) < 200 or not record.get("headline"):
            continue
        url = json.loads(meta.read_text(encoding="utf-8"))["url"]
        out.append((url, gzip.decompress(meta.with_suffix(".html.gz").read_bytes())))
        if len(out) == n:
            break
    return out


@dataclass
class Built:
    path: Path
    articles: list[str] = field(default_factory=list)  # the article pages' URLs, in file order
    records: int = 0  # records written, the truncated one included
    offsets: list[int] = field(default_factory=list)  # each record's offset


def _http(status: str, content_type: str, extra: list[tuple[str, str]] | None = None) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type), *(extra or [])], protocol="HTTP/1.1")


def build_warc(path: Path, pages: list[tuple[str, bytes]], truncate: bool = True, date: str = DATE) -> Built:
    """gzip per record, except for a path that does not end in .gz."""
    built = Built(path)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=path.suffix == ".gz")

    def write(record: Any) -> None:
        built.offsets.append(buffer.tell())
        writer.write_record(record)
        built.records += 1
        if hasattr(record.raw_stream, "close"):
            record.raw_stream.close()  # warcio buffers payloads in temporary files

    headers = {"WARC-Date": date}
    write(writer.create_warcinfo_record(path.name, {"software": "newscrawler tests"}))
    for url, html in pages:
        request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x")], is_http_request=True)
        write(writer.create_warc_record(url, "request", http_headers=request, warc_headers_dict=headers))
        http = _http("200 OK", "text/html; charset=utf-8")
        write(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(html), http_headers=http, warc_headers_dict=headers
            )
        )
        built.articles.append(url)
    first_url, first_html = pages[0]
    write(
        writer.create_revisit_record(
            first_url, "sha1:X", first_url, date, http_headers=_http("200 OK", "text/html")
        )
    )
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    write(
        writer.create_warc_record(
            first_url.rsplit("/", 1)[0] + "/logo.png",
            "response",
            payload=io.BytesIO(png),
            http_headers=_http("200 OK", "image/png"),
        )
    )
    gone = b"<html><body><h1>Not found</h1></body></html>"
    write(
        writer.create_warc_record(
            first_url + "-gone",
            "response",
            payload=io.BytesIO(gone),
            http_headers=_http("404 Not Found", "text/html"),
        )
    )
    tracked = first_url + ("&" if "?" in first_url else "?") + "utm_source=newsletter&utm_medium=email"
    write(
        writer.create_warc_record(
            tracked, "response", payload=io.BytesIO(first_html), http_headers=_http("200 OK", "text/html")
        )
    )
    data = buffer.getvalue()
    if truncate:
        url, html = pages[-1]
        cut_at = len(data)
        write(
            writer.create_warc_record(
                url + "-cut", "response", payload=io.BytesIO(html), http_headers=_http("200 OK", "text/html")
            )
        )
        data = buffer.getvalue()
        data = data[: cut_at + (len(data) - cut_at) // 2]
    path.write_bytes(data)
    return built
