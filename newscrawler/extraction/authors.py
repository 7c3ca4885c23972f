"""Author names: people only, cleaned of prefixes, roles, datelines and addresses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# News agencies and wire services: authors only when no person is named.
AGENCIES = frozenset(
    s.casefold()
    for s in (
        "Reuters",
        "AP",
        "Associated Press",
        "The Associated Press",
        "AFP",
        "Agence France-Presse",
        "dpa",
        "Deutsche Presse-Agentur",
        "SDA",
        "Keystone-SDA",
        "APA",
        "KNA",
        "epd",
        "EFE",
        "Europa Press",
        "ANSA",
        "Anadolu",
        "Anadolu Ajansı",
        "Anadolu Agency",
        "AA",
        "DHA",
        "IHA",
        "PTI",
        "IANS",
        "ANI",
        "APP",
        "Bloomberg",
        "PA",
        "PA Media",
        "Press Association",
        "Xinhua",
        "TASS",
        "RIA Novosti",
        "Interfax",
        "Kyodo",
        "Kyodo News",
        "Jiji",
        "Yonhap",
        "CNA",
        "NTB",
        "TT",
        "Ritzau",
        "STT",
        "Belga",
        "ANP",
        "Lusa",
        "CP",
        "The Canadian Press",
        "AAP",
        "NZPA",
        "UPI",
        "Sputnik",
        "Agencies",
        "Agency",
        "News Agencies",
        "Wire",
        "Wires",
        "News Desk",
        "Web Desk",
        "Staff",
        "Staff Reporter",
        "Our Correspondent",
        "Newsroom",
        "Redaktion",
        "Online Desk",
        "News Service",
    )
)

_PREFIX = re.compile(
    r"^\s*(?:(?i:(?:written|reported|posted|published|text|story|words|photos?|interview|compiled|edited)\s+by|"
    r"by|von|par|por|av|af|door|från|fra|przez|tekst|autor(?:in)?|author|auteur|"
    r"redakteur(?:in)?|reporter|fotos?|mit|with|yazan)|di|da|de|글|기자)\s*[:\-–]?\s+"
)
_ROLE = re.compile(
    r"\s*[,|/–—-]?\s*\b(?:staff\s+writer|senior\s+\w+\s+correspondent|\w+\s+correspondent|correspondent|"
    r"reporter|editor(?:-at-large)?|contributor|columnist|writer|analyst|freelance\w*|"
    r"redakteur(?:in)?|korrespondent(?:in)?|chefredakteur(?:in)?|autor(?:in)?|journalist(?:in)?|"
    r"special\s+to\s+.+|for\s+.+\.com|in\s+[A-Z][a-z]+)\b.*$",
    re.I,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@\w+")
_DATE_BITS = re.compile(
    r"\b(updated|published|aktualisiert|veröffentlicht|am|on)\b.*\d.*$|\b\d{1,2}[./:]\d{1,2}([./:]\d{2,4})?\b.*$",
    re.I,
)
_SPLIT = re.compile(
    r"\s*(?:,|;|\||/|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\boch\b|\bi\b|\bve\b|\bu\b|・|、|，)\s*",
    re.I,
)
_CREDIT = re.compile(
    r"\b(?:image|images|photo|photos|foto|bild|getty|istock\w*|shutterstock|alamy|imago)\b", re.I
)
# Role words some languages put after the name ("홍길동 기자", "山田太郎記者").
_ROLE_SUFFIX = re.compile(r"\s*(?:기자|특파원|記者|特派員|編集委員|논설위원)$")
_PARTICLES = frozenset(
    [
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "der",
        "den",
        "van",
        "von",
        "vom",
        "zu",
        "la",
        "le",
        "bin",
        "binti",
        "ibn",
        "al",
        "el",
        "y",
        "e",
    ]
)
_JUNK = re.compile(
    r"^(?:by|von|par|por|door|av|af|di|da|de|admin|administrator|editor|staff|guest|anonymous|unknown|null|none|undefined|team)$",
    re.I,
)


def _strip(name: str) -> str:
    name = unicodedata.normalize("NFC", name)
    name = _EMAIL.sub("", name)
    name = _URL.sub("", name)
    name = _HANDLE.sub("", name)
    name = re.sub(r"\s+", " ", name).strip(" \t\n,;:|-–—·•*()[]\"'“”")
    for _ in range(2):
        name = _PREFIX.sub("", name).strip()
    name = _DATE_BITS.sub("", name).strip(" ,;:|-–—·")
    name = _ROLE.sub("", name).strip(" ,;:|-–—·")  # a part that is only a role goes entirely
    return _ROLE_SUFFIX.sub("", name).strip(" ,;:|-–—·•()")


def split_names(raw: str) -> list[str]:
    """One byline string to separate names ("By A, B and C" -> [A, B, C])."""
    raw = _PREFIX.sub("", " ".join(raw.split()))
    if _EMAIL.fullmatch(raw.strip()):
        return []
    parts = _SPLIT.split(raw) if len(raw) > 3 else [raw]
    return [p for p in (_strip(p) for p in parts if p) if p]


def looks_like_name(name: str, structured: bool = False) -> bool:
    """Plausibly a name. Structured sources (JSON-LD, meta) may be lower-case; bylines may not."""
    if not name or len(name) > 60 or _JUNK.match(name) or _CREDIT.search(name):
        return False
    if any(ch.isdigit() for ch in name) or re.fullmatch(r"[a-z]+(?:[-_.][a-z]+)+", name):  # digits, slugs
        return False
    words = name.split()
    if len(words) > 6:
        return False
    # Scripts without case (CJK, Hangul...) have no capitals to check.
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return False
    if any(c.isupper() or c.islower() for c in letters):
        if structured:
            return True
        # A byline name: every word capitalised, bar particles ("de", "van", "bin").
        return words[0].casefold() not in ("the", "a", "an", "der", "die", "das", "le", "la", "el") and all(
            w[0].isupper() or w.casefold() in _PARTICLES for w in words if w[0].isalpha()
        )
    return True


def is_agency(name: str, site_names: Iterable[str] = ()) -> bool:
    key = name.casefold()
    if key in AGENCIES:
        return True
    if any(key == s.casefold() or (len(s) > 3 and s.casefold() in key) for s in site_names if s):
        return True
    # domain names and "X Staff", "X Newsroom", "Redaktion X"
    return bool(re.search(r"\.\w{2,4}$|\b(staff|desk|team|newsroom|redaktion|online|news|agencies)\b", key))


def clean_authors(raw: Iterable[str], site_names: Iterable[str] = (), structured: bool = False) -> list[str]:
    """Names in source order, deduplicated; organisations only when no person is named."""
    seen: set[str] = set()
    names: list[str] = []
    for value in raw:
        for name in split_names(value):
            key = unicodedata.normalize("NFKC", name).casefold()
            if key in seen or not looks_like_name(name, structured):
                continue
            seen.add(key)
            names.append(name)
    sites = list(site_names)
    people = [n for n in names if not is_agency(n, sites)]
    # Beside full names, a lone word is a handle or an outlet ("Futurism"), not a co-author.
    if any(len(n.split()) > 1 for n in people):
        people = [n for n in people if len(n.split()) > 1 or not n.isascii()]
    return people or names[:3]
