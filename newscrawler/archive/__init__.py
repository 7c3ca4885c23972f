"""Reading web archives (WARC files, Common Crawl's CC-NEWS) for `scrapy crawl archive`.

- ``reader``: every record of a file, its header, its payload when asked (FastWARC); bad records
  counted and stepped over;
- ``sources``: local files and globs, http(s) URLs (``http``: streamed, resumed by Range), CC-NEWS
  months listed from ``warc.paths.gz``;
- ``selection``: which records are read as article pages, from their headers alone;
- ``progress``: how far a file is read, in outcomes that are final (kept in the crawl state);
- ``plan``: the spider's arguments, checked before the crawl.

The spider itself (callbacks only) is ``newscrawler.spiders.archive``.
"""
