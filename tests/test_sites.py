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


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"render": "sometimes"}, "render = 'sometimes': use one of auto, never, always"),
        ({"impersonate": "chromium"}, "is not a browser curl_cffi impersonates"),
        ({"proxy": "ftp://user:hunter2@proxy.example:21"}, "proxy number 1 is not a proxy URL"),
        ({"proxy": ["http://proxy.example:3128", "proxy.example"]}, "proxy number 2 is not a proxy URL"),
    ],
)
def test_reach_fields_are_checked_and_a_proxy_password_never_shown(entry: dict, says: str) -> None:
    with pytest.raises(RegistryError) as err:
        make_site("blocked", {"home": "https://x.example/", **entry})
    assert says in str(err.value) and "hunter2" not in str(err.value)


def test_reach_fields_are_read_and_a_proxy_is_never_in_the_repr() -> None:
    site = make_site(
        "spa",
        {"home": "https://x.example/", "render": "always", "impersonate": "chrome",
         "proxy": "http://u:hunter2@proxy.example:3128"},
    )  # fmt: skip
    assert (site.render, site.impersonate, site.proxies) == (
        "always",
        "chrome",
        ("http://u:hunter2@proxy.example:3128",),
    )
    assert "hunter2" not in repr(site)
