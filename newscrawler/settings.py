"""Every default of newscrawler, each with the reason for it."""

BOT_NAME = "newscrawler"  # names the project in logs, stats and the User-Agent
SPIDER_MODULES = ["newscrawler.spiders"]  # where `scrapy list` and scrapyd find spiders
NEWSPIDER_MODULE = "newscrawler.spiders"  # where `scrapy genspider` puts new ones

# Politeness: a news crawler runs often and against the same sites; be a good guest.
ROBOTSTXT_OBEY = True  # publishers say what may be crawled; we obey
USER_AGENT = (
    "newscrawler/0.1 (+https://github.com/newscrawler/newscrawler)"  # say who we are and where to read why
)

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"  # the current fingerprinter; silences the legacy warning
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"  # needed for async def callbacks
FEED_EXPORT_ENCODING = "utf-8"  # JSON as UTF-8 text, not \\u escapes
