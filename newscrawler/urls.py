"""One key per article URL: the same story under tracking, AMP or mobile URLs is one story."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that only say where a click came from.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ocid|cmpid|ito|ns_\w+|at_\w+|"
    r"_ga|ref|ref_src|referrer|share|smid|spm|wt_\w+|xtor|maca|amp|outputType|output|"
    r"jsessionid|phpsessid|sessionid|sid|aspsessionid\w*)$",
    re.I,
)
# Session ids carried as path parameters (";jsessionid=...") make one page many URLs.
SESSION_PATH_PARAM = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#]*", re.I)
SESSION_QUERY = re.compile(r"^(?:jsessionid|phpsessid|sessionid|sid|aspsessionid\w*)$", re.I)


def url_key(url: str) -> str:
    """Canonical form for deduplication: no tracking parameters, no AMP or mobile variant."""
    url = SESSION_PATH_PARAM.sub("", url)
    parts = urlsplit(url)
    query_keys = [kv.split("=", 1)[0] for kv in parts.query.split("&") if kv]
    keep = [k for k in query_keys if not TRACKING_PARAMS.match(k)]
    url = url_query_cleaner(url, keep, unique=False) if keep else urlunsplit(parts._replace(query=""))
    url = canonicalize_url(url)
    parts = urlsplit(url)
    host = re.sub(r"^(?:www|m|mobile|amp)\.", "", parts.netloc.lower())  # the port stays: another server
    path = re.sub(r"(?:^/amp(?=/)|/amp/?$|\.amp(?=\.html?$|$))", "", parts.path) or "/"
    path = path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, parts.query, ""))


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host: the only kind the crawler fetches or writes."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port out of range
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a bad port or bracket: not a URL we can fetch
        return False


def url_pattern(url: str) -> str:
    """The shape of a URL: numbers as N, query values dropped. Traps repeat one shape endlessly."""
    parts = urlsplit(url)
    keys = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&") if kv})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def without_session_id(url: str) -> str:
    """The URL without a session id (";jsessionid=..." or "?sid=..."): the same page, one URL."""
    url = SESSION_PATH_PARAM.sub("", url)
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [kv for kv in parts.query.split("&") if not SESSION_QUERY.match(kv.split("=", 1)[0])]
    return urlunsplit(parts._replace(query="&".join(pairs)))
