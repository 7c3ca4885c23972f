"""Test servers run as subprocesses (like Scrapy's own tests/mockserver/)."""
