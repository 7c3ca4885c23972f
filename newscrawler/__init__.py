"""newscrawler: a Scrapy project that writes clean, deduplicated news articles as JSON Lines."""
