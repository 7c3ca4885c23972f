"""The extraction pool in a crawl of the sample site: the same records with it and without."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.utils.defer import deferred_f_from_coro_f

from tests.conftest import crawl


@deferred_f_from_coro_f
async def test_a_crawl_writes_the_same_records_with_the_pool_and_without(demo_site, tmp_path: Path) -> None:
    site = demo_site()

    def comparable(item: Any) -> dict[str, Any]:
        record = item.to_dict()  # the record as written (not the crawl's ticket)
        # When it was fetched, and which listings had named it by then, are not extraction's doing.
        # (Nor which of two near-duplicates came first: both are kept here, and duplicateOf names the first.)
        discovery = ("dateDownloaded", "source", "listed", "duplicateOf")
        record["metadata"] = {k: v for k, v in record["metadata"].items() if k not in discovery}
        return record

    runs = []
    for processes, state in ((1, "in-process"), (2, "pool")):
        items, _ = await crawl(
            {
                "NEWSCRAWLER_EXTRACT_PROCESSES": processes,
                "NEWSCRAWLER_STATE_DIR": str(tmp_path / state),
                "NEWSCRAWLER_NEAR_DUPLICATES": "keep",
                # Template paragraphs are learned in the order articles arrive, which concurrency
                # changes with or without the pool: this compares extraction, not that order.
                "NEWSCRAWLER_TEMPLATE_MIN_ARTICLES": 1000,
            },
            url=site.url + "/",
        )
        runs.append(sorted((comparable(i) for i in items), key=lambda r: r["url"]))
    for a, b in zip(runs[0], runs[1], strict=True):
        assert a == b, {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert len(runs[0]) == len(site.articles())
