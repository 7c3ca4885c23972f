"""The site registry (newscrawler/sites): the sites it promises, and the schema that every entry,
the registry's or a user's sites file's, is checked against."""

from __future__ import annotations

import pytest


def test_registry_selectors_are_checked() -> None:
    from newscrawler.sites import RegistryError, make_site

    site = make_site("x", {"home": "https://x.example/", "selectors": {"headline": "h1.title"}})
    assert site.selectors == {"headline": "h1.title"}
    for bad in ({"headline": "h1[["}, {"colour": "h1"}, {"headline": 3}):
        with pytest.raises(RegistryError):
            make_site("x", {"home": "https://x.example/", "selectors": bad})
