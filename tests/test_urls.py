"""One key per article URL (newscrawler/urls.py): the same story under tracking, AMP, mobile or
session URLs is one key; other pages keep theirs; http(s) only; URL shapes."""

from __future__ import annotations

import pytest

from newscrawler.urls import is_http_url, url_key, url_pattern, without_session_id


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.x.example/news/story?utm_source=tw&fbclid=1", "https://x.example/news/story"),
        ("http://m.x.example/news/story/", "https://x.example/news/story"),
        ("https://amp.x.example/amp/news/story", "https://x.example/news/story"),
        ("https://x.example/news/story.amp", "https://x.example/news/story"),
        ("https://x.example/news/story#comments", "https://x.example/news/story"),
        ("https://x.example/news/story;jsessionid=ABC123", "https://x.example/news/story"),
        ("https://x.example/news/story?b=2&a=1", "https://x.example/news/story?a=1&b=2"),
    ],
)
def test_url_variants_share_one_key(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://x.example/news/story", "https://x.example:8080/news/story"),  # another server
        ("https://x.example/news/story?id=1", "https://x.example/news/story?id=2"),
        ("https://x.example/news/story-1", "https://y.example/news/story-1"),
    ],
)
def test_different_pages_keep_different_keys(a: str, b: str) -> None:
    assert url_key(a) != url_key(b)


def test_http_urls_only() -> None:
    assert is_http_url("https://x.example/a")
    assert not is_http_url("file:///etc/passwd")
    assert not is_http_url("http://x.example:99999/")
    assert not is_http_url("http:///nohost")
    assert url_pattern("https://x.example/cal/2026/11/?d=5&s=x") == "/cal/N/N/?d&s"
    assert (
        without_session_id("https://x.example/a/;jsessionid=AB12?sid=9&page=2")
        == "https://x.example/a/?page=2"
    )
