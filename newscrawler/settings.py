"""Every default of newscrawler, each with the reason for it."""

import os

from newscrawler.items import FIELD_NAMES

BOT_NAME = "newscrawler"  # names the project in logs, stats and the User-Agent
SPIDER_MODULES = ["newscrawler.spiders"]  # where `scrapy list` and scrapyd find spiders
NEWSPIDER_MODULE = "newscrawler.spiders"  # where `scrapy genspider` puts new ones

# --- politeness: a news crawler comes back to the same sites every hour ---
ROBOTSTXT_OBEY = True  # publishers say what may be crawled; we obey
USER_AGENT = (
    "newscrawler/0.1 (+https://github.com/newscrawler/newscrawler)"  # say who we are and where to read why
)
CONCURRENT_REQUESTS = 16  # many sites at once is fine...
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # ...but never hammer one of them
AUTOTHROTTLE_ENABLED = True  # slow down when a site slows down
AUTOTHROTTLE_START_DELAY = 1.0  # a polite first guess before latency is known
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # one request in flight per site on average
DOWNLOAD_TIMEOUT = 30  # a news page that takes longer is not coming
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024  # the largest news sitemaps run to ~10 MB; anything bigger is not news
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024  # article pages are well under this; log the odd one out
RETRY_TIMES = 2  # transient errors deserve a second chance, not a siege
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's remote-control endpoint stays off unless asked for
TELNETCONSOLE_ENABLED = False  # no listening debug port on scheduled jobs

# --- runtime ---
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # async def start() and callbacks
CONCURRENT_ITEMS = 8  # a page yields one article: Scrapy's 100 started 100 idle tasks per response
LOG_LEVEL = "INFO"  # the summary and drop reasons are INFO; DEBUG lists every request

# --- output: one JSONL file per run; -o/-O replace it as Scrapy users expect ---
NEWSCRAWLER_FEED_URI = os.environ.get(
    "NEWSCRAWLER_FEED_URI", "output/%(name)s/%(time)s%(job_suffix)s.jsonl"
)  # a feed URI template, absolute path or s3://...; scrapyd jobs run from elsewhere
FEED_URI_PARAMS = "newscrawler.feeds.feed_uri_params"  # adds %(job)s: jobs never share a file
# Every format: empty fields left out, each item flushed and reported to the output ledger.
FEED_EXPORTERS = {
    "jsonlines": "newscrawler.exporters.ArticleJsonLinesExporter",
    "jsonl": "newscrawler.exporters.ArticleJsonLinesExporter",
    "jl": "newscrawler.exporters.ArticleJsonLinesExporter",
    "json": "newscrawler.exporters.ArticleJsonExporter",
    "csv": "newscrawler.exporters.ArticleCsvExporter",
    "xml": "newscrawler.exporters.ArticleXmlExporter",
    "pickle": "newscrawler.exporters.ArticlePickleExporter",
    "marshal": "newscrawler.exporters.ArticleMarshalExporter",
}
FEED_STORE_EMPTY = False  # a run with nothing new leaves no empty file behind
FEED_EXPORT_ENCODING = "utf-8"  # UTF-8 text, not \u escapes
FEED_EXPORT_FIELDS = list(FIELD_NAMES)  # schema order in every line
ADDONS = {
    "newscrawler.feeds.FeedLocation": 0,  # FEEDS from NEWSCRAWLER_FEED_URI unless -o/-O
    "newscrawler.distributed.Distributed": 0,  # REDIS_URL set: scrapy-redis scheduler, Redis state
}
EXTENSIONS = {
    "newscrawler.frontier.Frontier": 0,  # what is scheduled, in flight and held back, per site
    "newscrawler.state.extension.CrawlState": 0,  # opens the crawl state with the spider (the finisher closes it)
    "newscrawler.output.OutputLedger": 10,  # after Scrapy's FeedExporter: written = safely stored
    # Once the output is final, in this order: the summary line, the monitors (the state still open for
    # their run history), the stats file, the crawl state closed. One component, not handler order;
    # -1 only so that it notes the close reason (spider_closed) before Scrapy's FeedExporter, whose
    # closing leads to output_closed, can finish.
    "newscrawler.extensions.CrawlFinisher": -1,
    "newscrawler.extensions.CrawlSummary": 0,  # counts written articles: the summary line, the stats file
    "newscrawler.monitors.CrawlMonitors": 0,  # counts what the monitors judge (missing fields, responses)
    "newscrawler.extensions.Progress": 0,  # progress lines for long (scrapyd) jobs
    "newscrawler.pool.ExtractionPool": 0,  # article extraction in worker processes, off the reactor
    "newscrawler.learning.TemplateLearning": 0,  # each site's template paths, learned in the crawl state
    "newscrawler.watchdog.StallWatchdog": 0,  # a stalled reactor is reported, and still stops when asked
}
NEWSCRAWLER_STALL_SECONDS = 60.0  # no reactor tick this long: a callback is stuck (0 turns the watchdog off)
NEWSCRAWLER_STOP_GRACE = 10.0  # after SIGTERM/SIGINT, a reactor stalled this long is stopped forcefully
NEWSCRAWLER_LEARN = True  # learn where each site keeps body, byline and date; a fallback, never first
NEWSCRAWLER_LEARN_AFTER = 3  # pages that must agree on a path before the site's next pages use it
NEWSCRAWLER_LEARN_SHARE = 0.6  # ... and their share of the site's recent pages (a changed template unlearns)
NEWSCRAWLER_EXTRACT_PROCESSES = 0  # extraction processes; 0: one per core, 1: in the crawl's own process
NEWSCRAWLER_EXTRACT_QUEUE = (
    0  # pages waiting for or in extraction; 0: twice the processes (memory stays flat)
)
NEWSCRAWLER_EXTRACT_TIMEOUT = (
    60.0  # a page taking longer hung its worker: the pool restarts, the page is retried once
)
NEWSCRAWLER_PROGRESS_INTERVAL = 60.0  # seconds between progress lines; 0 turns them off
COMMANDS_MODULE = "newscrawler.commands"  # `scrapy crawl` checks the news spider's arguments first
NEWSCRAWLER_SITES_FILE = os.environ.get(
    "NEWSCRAWLER_SITES_FILE"
)  # your own sites, merged over the bundled registry
NEWSCRAWLER_STATS_FILE = None  # set a path to get each crawl's stats as JSON (monitoring, `make demo`)

# --- pipelines: clean, validate, deduplicate (one module each, in this order) ---
ITEM_PIPELINES = {
    "newscrawler.pipelines.clean.CleanPipeline": 100,
    "newscrawler.pipelines.validate.ValidatePipeline": 200,
    "newscrawler.pipelines.dedupe.DedupePipeline": 300,
}
DOWNLOADER_MIDDLEWARES = {
    "newscrawler.safety.SafetyMiddleware": 10,  # first: http(s) only, on the site, never private hosts
    "newscrawler.middlewares.DiscoveryBudgetMiddleware": 50,  # a limit= crawl with enough stops listing
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,  # replaced by the next line...
    "newscrawler.middlewares.DownloaderErrorStats": 850,  # ...so refusals are not counted as exceptions
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,  # replaced by the next line:
    "newscrawler.middlewares.MetaRefreshMiddleware": 580,  # same redirects, pages not decoded in this process
    "newscrawler.middlewares.BlockedPageMiddleware": 587,  # challenge pages: decoded (590), never captured, refreshed or retried
    "newscrawler.capture.WarcCapture": 585,  # NEWSCRAWLER_WARC_DIR: after decompression (590) and redirects (600)
    "newscrawler.middlewares.PolitenessMiddleware": 560,  # Crawl-delay, Retry-After: before Retry (550) retries
    "newscrawler.reach.ReachMiddleware": 20,  # a site's proxy, impersonation, rendering: before HttpProxy (750)
}
TWISTED_DNS_RESOLVER = "newscrawler.safety.PublicOnlyResolver"  # private answers refused at connect time too
NEWSCRAWLER_ALLOW_PRIVATE = os.environ.get(
    "NEWSCRAWLER_ALLOW_PRIVATE", ""
)  # host or host:port list that may be private (an intranet news site); start URLs' are always allowed
LOG_FORMATTER = (
    "newscrawler.logformatter.QuietDrops"  # drops are counted and logged once per reason, not per item
)
NEWSCRAWLER_STATE_DIR = os.environ.get(
    "NEWSCRAWLER_STATE_DIR"
)  # None: the user's data dir, shared by scrapyd jobs
NEWSCRAWLER_STATE_URL = os.environ.get(
    "NEWSCRAWLER_STATE_URL"
)  # None: state.sqlite3 in NEWSCRAWLER_STATE_DIR; or sqlite:///path, a path
NEWSCRAWLER_LEASE_SECONDS = 120.0  # a claim outlives a dead worker this long, then another writes it

# --- capture (newscrawler/capture.py): what the crawl fetched, as WARC files for archives and replay ---
NEWSCRAWLER_WARC_DIR = None  # a directory turns capture on; off by default: a crawl's output is its records
NEWSCRAWLER_WARC_LISTINGS = (
    False  # True: robots.txt, sitemaps, feeds and section pages too, not only articles
)
NEWSCRAWLER_WARC_MAX_BYTES = (
    10**9
)  # 1 GB files, Heritrix's and Common Crawl's usual size: few files, each movable

# --- distributed: one switch, REDIS_URL (setting or environment); see newscrawler/distributed.py ---
REDIS_URL = os.environ.get("REDIS_URL")  # None: one machine, SQLite state, Scrapy's own scheduler
NEWSCRAWLER_WORKER_WAIT = 30.0  # seconds an idle worker waits for sites to be pushed; -1: forever
NEWSCRAWLER_ROUND_TTL = 7 * 86400  # a pushed site's request fingerprints expire this long after its crawl

# --- reach (newscrawler/reach.py): pages only a browser sees, sites that block plain clients ---
NEWSCRAWLER_RENDER = "auto"  # auto: an article page that is an app shell is fetched again through a browser
NEWSCRAWLER_RENDER_CONCURRENCY = 2  # browser pages at once: a renderer each (~55 MB) and ~1 s of a core
NEWSCRAWLER_RENDER_TIMEOUT = 30.0  # seconds for a rendered page to load, as DOWNLOAD_TIMEOUT for a plain one
NEWSCRAWLER_BROWSER = ""  # a Chromium path; empty: the system's chromium (never a downloaded one)
NEWSCRAWLER_IMPERSONATE = ""  # a curl_cffi browser (chrome...) for every site; off: it is the user's call
DOWNLOAD_HANDLERS = {
    "http": "newscrawler.reach.ReachDownloadHandler",  # Scrapy's own, a browser or curl_cffi, per request
    "https": "newscrawler.reach.ReachDownloadHandler",
}

# Every NEWSCRAWLER_* setting's type and range: newscrawler/config.py (checked before a crawl starts).

# --- archives: `scrapy crawl archive` (newscrawler/archive/) ---
NEWSCRAWLER_CCNEWS_BASE = (
    "https://data.commoncrawl.org/"  # Common Crawl's public data host; or a mirror of its layout
)
NEWSCRAWLER_ARCHIVE_RETRIES = (
    5  # a remote WARC's connection failing this often in a row, no byte read between: unreadable
)
NEWSCRAWLER_ARCHIVE_BACKOFF = (
    1.0  # seconds before resuming a dropped WARC download, doubled each time (30 s at most)
)

# --- bounds: every crawl ends, whatever a site serves (per site; cuts are counted as skipped) ---
NEWSCRAWLER_MAX_URL_LENGTH = 2000  # longer links are traps or junk (Scrapy's own limit is 2083)
NEWSCRAWLER_SITEMAP_MAX_DEPTH = 4  # real indexes nest once or twice; an endless chain is a trap
NEWSCRAWLER_SITEMAP_MAX_FILES = 1000  # the largest news sites publish a few hundred sitemap files
NEWSCRAWLER_LISTING_MAX_DEPTH = 3  # home -> section -> older pages; deeper is archive, not news
NEWSCRAWLER_LISTING_MAX_PAGES = 300  # section and pagination pages fetched per site and crawl
NEWSCRAWLER_LISTING_MAX_PER_PATTERN = 50  # listing pages of one URL shape (an endless calendar)
NEWSCRAWLER_MAX_CRAWL_DELAY = (
    60.0  # robots.txt Crawl-delay is honoured up to this many seconds between requests
)
NEWSCRAWLER_MAX_RETRY_AFTER = (
    600.0  # a 429/503 Retry-After up to this long is waited for; longer: rate_limited
)
NEWSCRAWLER_MIN_WORDS = 60  # shorter pages with no article markup are galleries, teasers or error pages
NEWSCRAWLER_MIN_BRIEF_WORDS = 20  # a brief (article markup, byline or date) is news from this many words
NEWSCRAWLER_MAX_FUTURE_HOURS = 24  # a publish date further ahead is a parse error or an embargo mistake
NEWSCRAWLER_NEAR_DUPLICATE_THRESHOLD = (
    0.8  # estimated shingle Jaccard: a wire story with small edits scores ~0.9
)
NEWSCRAWLER_NEAR_DUPLICATES = "drop"  # or "keep": write the copy with metadata.duplicateOf
NEWSCRAWLER_REVISION_SIMILARITY = 0.95  # above this a re-fetched text is the same (typo fixes are not news)
NEWSCRAWLER_TEMPLATE_MIN_ARTICLES = (
    3  # a paragraph in this many articles of one site is the site's, not theirs
)
NEWSCRAWLER_TEMPLATE_MAX_SHARE = 0.3  # the template rule never removes more of one article than this
NEWSCRAWLER_TEMPLATE_WARMUP = 6  # on a new site, hold the first articles until this many arrived...
NEWSCRAWLER_TEMPLATE_WARMUP_TIMEOUT = 60.0  # ...or this many seconds passed, so the first ones are clean too

# --- monitors after every crawl (newscrawler/monitors.py); a site overrides any threshold in the
# registry, [<site>.monitors], named as the setting without NEWSCRAWLER_MONITOR_ in lower case ---
NEWSCRAWLER_MONITORS_ENABLED = True  # judge every crawl: a broken site should not go unnoticed for days
NEWSCRAWLER_MONITORS_FILE = None  # None: <output stem>.monitors.json next to the output; or a path (%(time)s)
NEWSCRAWLER_MONITORS_FAIL_JOB = (
    False  # True: a failed monitor makes the exit status 6 (and fails the scrapyd job)
)
NEWSCRAWLER_MONITOR_SUITES = ["newscrawler.monitors.NewsMonitorSuite"]  # add your own Spidermon suites here
NEWSCRAWLER_MONITOR_ACTIONS: list[str] = []  # more Spidermon actions on failure (e-mail, Slack: SPIDERMON_*)
NEWSCRAWLER_MONITOR_HISTORY = (
    5  # earlier runs a site is compared with: a week of daily runs is too slow to adapt
)
NEWSCRAWLER_MONITOR_MIN_HISTORY = 3  # fewer earlier runs than this say nothing about "usual"
NEWSCRAWLER_MONITOR_MIN_SAMPLE = 10  # shares of fewer articles or requests than this are noise, not judged
NEWSCRAWLER_MONITOR_MIN_ARTICLES = 1  # a site with no article new or already written is broken or gone
NEWSCRAWLER_MONITOR_MIN_ARTICLES_SHARE = 0.3  # under 30% of a site's usual articles is a broken listing
NEWSCRAWLER_MONITOR_MAX_MISSING = {  # share of written articles without the field; bylines are often absent
    "datePublished": 0.2,
    "authors": 0.6,
    "inLanguage": 0.2,
}
NEWSCRAWLER_MONITOR_MIN_BODY_SHARE = (
    0.5  # a median body under half the usual: teasers or a wall, not articles
)
NEWSCRAWLER_MONITOR_MAX_HTTP_ERRORS = 0.2  # some 404s of stale sitemap entries are normal; a fifth is not
NEWSCRAWLER_MONITOR_MAX_BLOCKED = 0.05  # 403/429 on more than a few pages: the site is blocking us
NEWSCRAWLER_MONITOR_MAX_TIMEOUTS = 0.1  # a tenth of the requests timing out: the site or our network is down
NEWSCRAWLER_MONITOR_MAX_ROBOTS_REFUSED = (
    0.5  # listings naming pages robots.txt forbids, most of them: a new policy
)
NEWSCRAWLER_MONITOR_MAX_DROP_JUMP = 0.25  # a drop reason 25 points above its usual share: the pages changed
SPIDERMON_EMAIL_SUBJECT = "newscrawler: monitors failed"  # Spidermon's e-mail action requires one
