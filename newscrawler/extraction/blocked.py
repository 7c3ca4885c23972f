"""Challenge and block pages: what a site's bot protection serves instead of the page asked for.

``blocked(status, body, headers)`` says whether a response is such a page and which kind:
Cloudflare's challenge ("Just a moment...") and block page ("Attention Required! | Cloudflare"),
captcha walls (reCAPTCHA, hCaptcha, Turnstile), DataDome, PerimeterX/HUMAN, Imperva/Incapsula,
Akamai's "Access Denied ... Reference #", Sucuri, DDoS-Guard, and generic "Access denied" or
"Are you a robot?" pages, whether served with 200 or with 403/429/503.

Strong signals only, and always with little visible text: a vendor's marker (a script, an element
id, a title only its challenge uses) on a page of a few dozen words. A real article carries its
text, so an article with a reCAPTCHA comment form, Imperva's tracking script or the words
"access denied" in a sentence is never one. Cloudflare's ``cf-mitigated: challenge`` header is
enough alone: Cloudflare sets it on challenge responses only.

Pure (no Scrapy): the downloader middleware (newscrawler.middlewares.BlockedPageMiddleware) calls
it on HTML responses. Cheap on ordinary pages: byte searches, and a parse only when a marker is
there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import lxml.html
from lxml import etree

# A challenge page is small (Cloudflare's, the largest, runs to some 15 KB; the others to a few KB):
# a bigger page is not one, and is not searched (the median news page is about 150 KB).
MAX_BYTES = 128 * 1024
# Elements whose text no reader sees.
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")


@dataclass(frozen=True)
class Blocked:
    """A challenge or block page: its kind (``cloudflare_challenge``, ``datadome``...) and the
    signal that told it (for the log line)."""

    kind: str
    evidence: str


@dataclass(frozen=True)
class _Signature:
    kind: str
    markers: tuple[bytes, ...]  # one of these in the page's HTML or headers (lower case)...
    max_words: int  # ...on a page with at most this many visible words...
    phrases: tuple[str, ...] = ()  # ...and, when given, one of these in its visible text
    headline: bool = False  # the phrase in the title or first heading rather than anywhere


# Words a captcha wall asks the visitor with (a comment form's reCAPTCHA says none of them).
_HUMAN = (
    "verify you are human",
    "verify you are a human",
    "verify that you are human",
    "verify that you are a human",
    "verify you're human",
    "confirm you are human",
    "prove you are human",
    "human verification",
    "are you a robot",
    "not a robot",
    "security check",
    "unusual traffic",
    "complete the captcha",
    "solve the captcha",
    "checking your browser",
)

# What a generic block page says in its title or first heading.
_DENIED = (
    "access denied",
    "access to this page has been denied",
    "request blocked",
    "request rejected",
    "you have been blocked",
    "verify you are human",
    "verify you are a human",
    "are you a robot",
    "are you a human",
    "pardon our interruption",
)

# First match wins: the vendors' own pages before the captcha widgets they may embed.
SIGNATURES = (
    _Signature(
        "cloudflare_challenge",
        (
            b"_cf_chl_opt",
            b"/orchestrate/chl_page",
            b"/orchestrate/managed",
            b"/orchestrate/jsch",
            b"__cf_chl_",
            b"cf-browser-verification",
            b"cf_chl_prog",
            b"<title>just a moment",
        ),
        200,
    ),
    _Signature(
        "cloudflare_block",
        (
            b"attention required! | cloudflare",
            b"used cloudflare to restrict access",
            b"cf-error-details",
            b"sorry, you have been blocked",
        ),
        300,
        ("cloudflare",),
    ),
    _Signature("datadome", (b"captcha-delivery.com",), 150),
    _Signature(
        "perimeterx", (b'id="px-captcha"', b"id='px-captcha'", b"captcha.px-cdn.net", b"px-cloud.net/"), 150
    ),
    _Signature("incapsula", (b"incapsula incident id", b"_incapsula_resource"), 150),
    _Signature(
        "akamai",
        (b"you don't have permission to access", b"errors.edgesuite.net", b"errors&#46;edgesuite&#46;net"),
        100,
        ("reference #",),
    ),
    _Signature(
        "sucuri",
        (b"sucuri website firewall", b"sucuri_cloudproxy_js", b"cloudproxy@sucuri.net", b"server: sucuri"),
        300,
        ("sucuri", "javascript is required"),
    ),
    _Signature("ddos_guard", (b"check.ddos-guard.net", b"<title>ddos-guard", b"server: ddos-guard"), 150),
    _Signature(
        "recaptcha", (b"g-recaptcha", b"google.com/recaptcha/", b"recaptcha.net/recaptcha/"), 150, _HUMAN
    ),
    _Signature("hcaptcha", (b"h-captcha", b"hcaptcha.com/1/api.js", b"js.hcaptcha.com"), 150, _HUMAN),
    _Signature("turnstile", (b"cf-turnstile", b"challenges.cloudflare.com/turnstile"), 150, _HUMAN),
    _Signature(
        "access_denied",
        tuple(p.encode() for p in _DENIED),
        120,
        _DENIED,
        headline=True,
    ),
)


class _Page:
    """The page's visible words and headline, parsed once, only when a signature asks."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self._words: list[str] | None = None
        self.headline = ""

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = []
            try:
                root = lxml.html.document_fromstring(self.body)
            except (etree.ParserError, ValueError):
                return self._words
            titles = [t.text_content() for t in root.iter("title", "h1")][:2]
            self.headline = " ".join(" ".join(titles).split()).lower()
            etree.strip_elements(root, *_INVISIBLE, etree.Comment, with_tail=False)
            self._words = root.text_content().lower().split()
        return self._words

    @property
    def text(self) -> str:
        return " ".join(self.words)


def blocked(status: int, body: bytes | str, headers: Mapping[str, str] | None = None) -> Blocked | None:
    """The challenge or block page this response is, or None for any other page (status: the HTTP
    status; headers: names and values as text, any case)."""
    if 300 <= status < 400 or not body:
        return None
    data = body.encode("utf-8", "replace") if isinstance(body, str) else body
    head = {k.lower(): v.lower() for k, v in (headers or {}).items()}
    if head.get("cf-mitigated", "").strip() == "challenge":
        return Blocked("cloudflare_challenge", "cf-mitigated: challenge")
    if len(data) > MAX_BYTES:
        return None
    haystack = (
        data.lower() + b"\n" + "\n".join(f"{k}: {v}" for k, v in head.items()).encode("latin-1", "replace")
    )
    page = _Page(data)
    for sig in SIGNATURES:
        marker = next((m for m in sig.markers if m in haystack), None)
        if marker is None or len(page.words) > sig.max_words:
            continue
        where = page.headline if sig.headline else page.text
        phrase = next((p for p in sig.phrases if p in where), None)
        if sig.phrases and phrase is None:
            continue
        return Blocked(sig.kind, phrase if sig.headline and phrase else marker.decode())
    return None
