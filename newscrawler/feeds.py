"""Where the articles are written: the default feed location and the feed URI placeholders.

``FeedLocation`` (an add-on, ADDONS) builds FEEDS from NEWSCRAWLER_FEED_URI; ``feed_uri_params``
(FEED_URI_PARAMS) fills its ``%(job)s``, ``%(job_suffix)s`` and ``%(worker)s``, and the monitors'
NEWSCRAWLER_MONITORS_FILE uses the same placeholders.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from scrapy import Spider
from scrapy.settings import BaseSettings

from newscrawler.config import redis_url
from newscrawler.plan import Planned
from newscrawler.safety import install_log_masking


class FeedLocation:
    """Builds FEEDS from NEWSCRAWLER_FEED_URI unless the user gave -o/-O or FEEDS themselves.

    An add-on, so that `-s NEWSCRAWLER_FEED_URI=...` and the environment variable of the
    same name both work, and scrapyd jobs (another working directory) can write elsewhere.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        install_log_masking()  # before Scrapy logs the overridden settings and the feed URIs
        if (settings.getpriority("FEEDS") or 0) > 0:
            return  # -o/-O or an explicit FEEDS setting wins
        uri = settings.get("NEWSCRAWLER_FEED_URI")
        if uri:
            settings.set("FEEDS", {uri: {"format": "jsonlines"}}, priority="addon")


def feed_uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """Feed URI placeholders: Scrapy's, plus %(job)s and %(job_suffix)s.

    Under scrapyd, ``job`` is the job id (scrapyd passes it as the ``_job`` argument and the
    SCRAPY_JOB variable) and ``job_suffix`` is ``-<job id>``, so later or concurrent jobs never
    share a file. A distributed worker outside scrapyd uses ``<host>-<pid>`` (also ``%(worker)s``).
    Otherwise they are ``local`` and empty.
    """
    plan = spider.plan if isinstance(spider, Planned) else None
    job = (plan.job if plan else None) or os.environ.get("SCRAPY_JOB")
    worker = f"{socket.gethostname()}-{os.getpid()}"
    if not job and redis_url(getattr(spider, "settings", None)):
        job = worker  # many workers of one distributed crawl: one file each
    return {**params, "job": job or "local", "job_suffix": f"-{job}" if job else "", "worker": worker}
