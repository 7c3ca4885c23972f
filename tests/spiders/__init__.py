"""Spiders that only tests run (`scrapy runspider tests/spiders/<name>.py`)."""
