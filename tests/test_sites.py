"""The site registry (newscrawler/sites): the sites it promises, and the schema that every entry,
the registry's or a user's sites file's, is checked against."""

from __future__ import annotations

import pytest

from newscrawler.sites import RegistryError, load_registry, make_site


def test_registry_selectors_are_checked() -> None:
    from newscrawler.sites import RegistryError, make_site

    site = make_site("x", {"home": "https://x.example/", "selectors": {"headline": "h1.title"}})
    assert site.selectors == {"headline": "h1.title"}
    for bad in ({"headline": "h1[["}, {"colour": "h1"}, {"headline": 3}):
        with pytest.raises(RegistryError):
            make_site("x", {"home": "https://x.example/", "selectors": bad})


def test_registry_has_the_promised_sites_and_every_entry_validates() -> None:
    registry = load_registry()
    assert len(registry) >= 20
    assert {"dawn", "tribune", "thenews", "reuters"} <= set(registry)
    for site in registry.values():
        assert site.home.startswith("https://")


@pytest.mark.parametrize(
    "entry",
    [{}, {"home": "ftp://x"}, {"home": "https://x.example/", "colour": "red"}, {"home": "https://x/", "feeds": "x"},
     {"home": "https://x.example/", "deny": ["("]}, {"home": "https://x.example/", "timezone": "Mars/Base"}],
)  # fmt: skip
def test_registry_schema_rejects_bad_entries(entry: dict) -> None:
    with pytest.raises(RegistryError):
        make_site("bad", entry)
