"""Date parsing and normalisation: ISO 8601 with the page's own offset, or a bare day.

A ``Stamp`` remembers whether the source gave a time and an offset, because the rules
that choose between sources (see docs/fields.md) prefer the more precise of two
candidates that agree on the day.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from newscrawler.text import squash

_ISO_LIKE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
_TIME_IN_TEXT = re.compile(r"\d{1,2}\s*[:h時시]\s*\d{2}|\d{1,2}\s*[ap]\.?m\b|\d{1,2}時|\d{1,2}시", re.I)
_RELATIVE = re.compile(r"\b(ago|vor|il y a|hace|fa|geleden|sedan|siden|temu|назад|önce|önce)\b|前|전", re.I)
_RELATIVE_HOURS = re.compile(
    r"(minute|hour|min|std|stunde|heure|hora|ora|uur|timme|time|godzin|час|saat|dakika|分|時間|시간|분)", re.I
)
_DIGIT = re.compile(r"\d")
_TZ_SUFFIX = re.compile(r"([+-]\d{2})(\d{2})$")
_EPOCH = re.compile(r"^\d{10}(\d{3})?$")

# Dates before this are parse errors or archive stubs, not news.
EARLIEST = datetime(1995, 1, 1)


@dataclass(frozen=True)
class Stamp:
    when: datetime
    has_time: bool
    has_tz: bool

    def iso(self) -> str:
        if not self.has_time:
            return self.when.date().isoformat()
        return self.when.replace(microsecond=0).isoformat()

    def utc(self) -> datetime:
        """For ordering: naive times are taken as UTC."""
        w = self.when if self.has_time else self.when.replace(hour=0, minute=0, second=0, microsecond=0)
        return w.astimezone(UTC) if w.tzinfo else w.replace(tzinfo=UTC)


def epoch_seconds(value: Stamp | str | None) -> int | None:
    """The one precision at which listing and fetch dates are compared and stored: whole UTC
    seconds (fractions dropped, a naive time taken as UTC, a bare day as its UTC midnight).

    Every comparison of a listing date with another (the frontier, the crawl state) goes through
    this: a date kept at one precision and compared at another is always "newer" than itself.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        stamp = parse_iso(value)
        if stamp is None:
            return None
        value = stamp
    when = value.when
    if not value.has_time:
        when = datetime(when.year, when.month, when.day)  # the day, whatever offset it came with
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return int(when.timestamp() // 1)


def seconds_iso(seconds: int) -> str:
    """An epoch_seconds() value as UTC ISO 8601."""
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def with_zone(value: str | None, zone: str) -> str | None:
    """A naive local time from a site whose registry entry names its time zone gets that offset."""
    if not value or len(value) <= 10:
        return value
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is not None:
        return value
    return when.replace(tzinfo=ZoneInfo(zone)).isoformat()


def parse_iso(value: str) -> Stamp | None:
    """Strict ISO 8601 (and the common near-misses: space separator, +0000, trailing Z)."""
    s = value.strip()
    if _EPOCH.match(s):
        try:
            ts = int(s[:10])
            return _checked(Stamp(datetime.fromtimestamp(ts, UTC), True, True))
        except (OverflowError, ValueError, OSError):
            return None
    if not _ISO_LIKE.match(s):
        return None
    s = s.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", s) else s
    s = re.sub(r"\s+", "", s)
    s = _TZ_SUFFIX.sub(r"\1:\2", s)
    try:
        dt = datetime.fromisoformat(s.replace("z", "Z"))
    except ValueError:
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", s)
        if not m:
            return None
        try:
            dt = datetime(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return _checked(Stamp(dt, False, False))
    has_time = "T" in s and not re.search(r"T00:00(:00(\.0+)?)?$", s)
    return _checked(Stamp(dt, has_time, dt.tzinfo is not None))


def parse_text(value: str, now: datetime, languages: list[str] | None = None) -> Stamp | None:
    """A date written for people: "3. Mai 2024, 17:47 Uhr", "2 hours ago", "2024年5月3日"."""
    s = squash(value)
    if not s or len(s) > 120:
        return None
    iso = parse_iso(s)
    if iso:
        return iso
    relative = bool(_RELATIVE.search(s))
    if not _DIGIT.search(s) and not relative:
        return None
    import dateparser  # imported late: its language data takes a while to load

    base = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        # RETURN_AS_TIMEZONE_AWARE left unset: aware exactly when the text names a zone
        # ("Wed, 28 Feb 2024 08:06:44 EST" in a feed), naive otherwise.
        "PREFER_DAY_OF_MONTH": "first",
    }
    if not relative:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dt = dateparser.parse(s, languages=languages or None, settings=settings)
            if dt is None and languages and "en" not in languages:
                # Sites print English dates in other languages too; every locale would cost 20x more.
                dt = dateparser.parse(s, languages=[*languages, "en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if dt is None:
        return None
    if relative:
        has_time = bool(_RELATIVE_HOURS.search(s))
        if has_time and now.tzinfo:
            dt = dt.replace(tzinfo=UTC)
        return _checked(Stamp(dt, has_time, has_time and now.tzinfo is not None), now)
    has_time = bool(_TIME_IN_TEXT.search(s))
    return _checked(Stamp(dt, has_time, dt.tzinfo is not None), now)


def parse_any(value: object, now: datetime, languages: list[str] | None = None) -> Stamp | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    if not isinstance(value, str):
        return None
    return parse_iso(value) or parse_text(value, now, languages)


def _checked(stamp: Stamp, now: datetime | None = None) -> Stamp | None:
    naive = stamp.when.replace(tzinfo=None)
    if naive < EARLIEST:
        return None
    if now is not None:
        limit = (now.replace(tzinfo=None) if now.tzinfo else now) + timedelta(days=2)
        if naive > limit:
            return None
    return stamp


def same_day(a: Stamp, b: Stamp) -> bool:
    if a.has_tz and b.has_tz:
        return a.when.astimezone(b.when.tzinfo).date() == b.when.date()
    return a.when.date() == b.when.date()


def choose(candidates: list[Stamp]) -> Stamp | None:
    """The first candidate (sources come in preference order), made as precise as agreement allows.

    A later source may add a time to a bare day, or an offset to a naive time, only when
    it agrees with the chosen one: on the day, or on the wall-clock minute.
    """
    if not candidates:
        return None
    best = candidates[0]
    for other in candidates[1:]:
        if (not best.has_time and other.has_time and same_day(other, best)) or (
            best.has_time
            and not best.has_tz
            and other.has_tz
            and other.has_time
            and other.when.replace(tzinfo=None, second=0, microsecond=0)
            == best.when.replace(second=0, microsecond=0)
        ):
            best = other
    return best
