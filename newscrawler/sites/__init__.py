"""The site registry: known news sites, read from sites.toml inside the package."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cssselect import GenericTranslator, SelectorError

from newscrawler.browsers import impersonation_problem
from newscrawler.urls import is_http_url

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class RegistryError(ValueError):
    """A registry entry does not match the schema."""


@dataclass(frozen=True)
class Site:
    name: str
    home: str
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    body_selector: str | None = None
    download_delay: float | None = None
    timezone: str | None = None
    render: str | None = None  # auto, never, always: over NEWSCRAWLER_RENDER for this site
    impersonate: str | None = None  # a curl_cffi browser name: this site's requests look like it
    proxies: tuple[str, ...] = field(default=(), repr=False)  # in turn; may hold passwords: no repr
    selectors: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    monitors: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # thresholds
    _allow_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)
    _deny_re: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    @property
    def domain(self) -> str:
        return urlsplit(self.home).netloc.lower().removeprefix("www.")

    def wants(self, url: str) -> bool:
        """Allow/deny patterns; an article URL passes when it matches some allow and no deny."""
        if self._allow_re and not any(p.search(url) for p in self._allow_re):
            return False
        return not any(p.search(url) for p in self._deny_re)


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "home": str,
    "sitemaps": list,
    "feeds": list,
    "allow": list,
    "deny": list,
    "body_selector": str,
    "download_delay": (int, float),
    "timezone": str,
    "render": str,
    "impersonate": str,
    "proxy": (str, list),
    "selectors": dict,
    "monitors": dict,
}
# Fields a site may give its own CSS selector for (they win over the generic rules when they match).
SELECTOR_FIELDS = ("headline", "authors", "datePublished", "articleBody")

# The monitors' thresholds (newscrawler.monitors) a site may override in ``[<site>.monitors]``:
# each is the NEWSCRAWLER_MONITOR_* setting's name without its prefix, in lower case.
THRESHOLDS = (
    "history",
    "min_history",
    "min_sample",
    "min_articles",
    "min_articles_share",
    "max_missing",
    "min_body_share",
    "max_http_errors",
    "max_blocked",
    "max_timeouts",
    "max_robots_refused",
    "max_drop_jump",
)
# Fields whose absence a reader notices first: the monitors watch the share of written articles
# without each, and ``max_missing`` is a table of these.
WATCHED_FIELDS = ("datePublished", "authors", "inLanguage")


def _http_url(value: Any, where: str) -> str:
    if not isinstance(value, str) or not is_http_url(value):
        raise RegistryError(f"{where}: {value!r} is not an http(s) URL")
    return value


def make_site(name: str, entry: dict[str, Any]) -> Site:
    """Validate one registry entry against the schema and build a Site."""
    if not _NAME.match(name):
        raise RegistryError(f"site name {name!r}: use lower-case letters, digits, '-' and '_'")
    unknown = set(entry) - set(_FIELDS)
    if unknown:
        raise RegistryError(f"site {name!r}: unknown field(s) {', '.join(sorted(unknown))}")
    if "home" not in entry:
        raise RegistryError(f"site {name!r}: 'home' is required")
    for key, value in entry.items():
        if not isinstance(value, _FIELDS[key]):
            raise RegistryError(f"site {name!r}: {key} has the wrong type ({type(value).__name__})")
    home = _http_url(entry["home"], f"site {name!r} home")
    lists = {}
    for key in ("sitemaps", "feeds", "allow", "deny"):
        values = entry.get(key, [])
        if not all(isinstance(v, str) for v in values):
            raise RegistryError(f"site {name!r}: {key} must be a list of strings")
        lists[key] = tuple(values)
    for key in ("sitemaps", "feeds"):
        for url in lists[key]:
            _http_url(url, f"site {name!r} {key}")
    try:
        allow_re = tuple(re.compile(p) for p in lists["allow"])
        deny_re = tuple(re.compile(p) for p in lists["deny"])
    except re.error as exc:
        raise RegistryError(f"site {name!r}: bad pattern: {exc}") from None
    selectors = _selectors(name, entry)
    tz = entry.get("timezone")
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise RegistryError(f"site {name!r}: unknown timezone {tz!r}") from None
    monitors = _monitor_thresholds(name, entry.get("monitors", {}))
    render, impersonate, proxies = _reach(name, entry)
    return Site(
        name=name,
        home=home,
        sitemaps=lists["sitemaps"],
        feeds=lists["feeds"],
        allow=lists["allow"],
        deny=lists["deny"],
        body_selector=entry.get("body_selector"),
        download_delay=entry.get("download_delay"),
        timezone=tz,
        render=render,
        impersonate=impersonate,
        proxies=proxies,
        selectors=selectors,
        monitors=monitors,
        _allow_re=allow_re,
        _deny_re=deny_re,
    )


RENDER_MODES = ("auto", "never", "always")
PROXY_SCHEMES = ("http", "https", "socks4", "socks5", "socks5h")


def _reach(name: str, entry: dict[str, Any]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """``render``, ``impersonate`` and ``proxy`` (one URL or a list), checked."""
    render = entry.get("render")
    if render is not None and render not in RENDER_MODES:
        raise RegistryError(f"site {name!r}: render = {render!r}: use one of {', '.join(RENDER_MODES)}")
    impersonate = entry.get("impersonate")
    problem = impersonation_problem(impersonate) if impersonate else None
    if problem:
        raise RegistryError(f"site {name!r}: impersonate = {problem}")
    proxy = entry.get("proxy", [])
    proxies = tuple([proxy] if isinstance(proxy, str) else proxy)
    for n, url in enumerate(proxies, 1):
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in PROXY_SCHEMES or not parts.hostname:
            # Not shown: a proxy URL may hold a password.
            raise RegistryError(
                f"site {name!r}: proxy number {n} is not a proxy URL ({', '.join(PROXY_SCHEMES)}://[user:password@]host:port)"
            )
    return render, impersonate or None, proxies


def _selectors(name: str, entry: dict[str, Any]) -> dict[str, str]:
    """``[<site>.selectors]``, each a valid CSS selector for one of SELECTOR_FIELDS; a
    ``body_selector`` is the articleBody selector unless one is given there."""
    selectors = dict(entry.get("selectors", {}))
    for key, css in selectors.items():
        if key not in SELECTOR_FIELDS:
            raise RegistryError(f"site {name!r}: selectors.{key}: use one of {', '.join(SELECTOR_FIELDS)}")
        try:
            if not isinstance(css, str):
                raise TypeError
            GenericTranslator().css_to_xpath(css)
        except (TypeError, SelectorError):
            raise RegistryError(f"site {name!r}: selectors.{key} = {css!r} is not a CSS selector") from None
    if entry.get("body_selector"):
        selectors.setdefault("articleBody", entry["body_selector"])
    return selectors


def _monitor_thresholds(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """``[<site>.monitors]``: thresholds of the monitors for this site (newscrawler.monitors)."""

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0

    for key, value in entry.items():
        if key not in THRESHOLDS:
            raise RegistryError(f"site {name!r}: monitors.{key}: use one of {', '.join(THRESHOLDS)}")
        if key == "max_missing":
            if not isinstance(value, dict) or any(
                f not in WATCHED_FIELDS or not number(v) for f, v in value.items()
            ):
                raise RegistryError(
                    f"site {name!r}: monitors.max_missing: a table of {', '.join(WATCHED_FIELDS)} = share"
                )
        elif not number(value):
            raise RegistryError(f"site {name!r}: monitors.{key} = {value!r} is not a number >= 0")
    return dict(entry)


def load_registry(text: str | None = None, source: str = "the bundled registry") -> dict[str, Site]:
    """The bundled registry (read with importlib.resources, so it works from an egg), or a
    user's sites file; any mistake is one RegistryError line naming the file and the entry."""
    if text is None:
        text = resources.files("newscrawler.sites").joinpath("sites.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{source}: not valid TOML: {exc}") from None
    sites = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise RegistryError(
                f'{source}: {name!r} must be a table: [{name}] followed by home = "https://..."'
            )
        try:
            sites[name] = make_site(name, entry)
        except RegistryError as exc:
            raise RegistryError(f"{source}: {exc}") from None
    return sites


def site_for_url(url: str) -> Site:
    """An ad-hoc site for `-a url=...`: its home page and nothing else known."""
    # host:port, so that two sites on one host (or two local test servers) stay apart
    return Site(name=urlsplit(url).netloc.lower().removeprefix("www.") or "site", home=url)
