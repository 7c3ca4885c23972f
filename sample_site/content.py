"""The sample site's articles: original text written for this project, generated from small parts.

Dates are relative to the moment the site starts, so `since=2d` always has old and new articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

SECTIONS = ("national", "business", "world", "sports", "science")
AUTHORS = ("Ayesha Raza", "Tom Whitfield", "Nadia Karim", "Luis Moreno", "Hannah Becker", "Imran Siddiqui")
PLACES = ("Port Saleh", "Karimabad", "Lakeview", "North Ridge", "Old Harbour", "Greenfield", "Stonebridge")
SUBJECTS = {
    "national": (
        "the provincial assembly",
        "a new water scheme",
        "the teachers' union",
        "the rail link",
        "the flood commission",
        "a school meals plan",
        "the census office",
    ),
    "business": (
        "the textile exporters",
        "the central bank",
        "a solar start-up",
        "the port authority",
        "the stock exchange",
        "a dairy cooperative",
        "the airline",
    ),
    "world": (
        "the regional summit",
        "the border talks",
        "a relief convoy",
        "the trade envoys",
        "the climate negotiators",
        "a cross-border railway",
        "the peace monitors",
    ),
    "sports": (
        "the national cricket side",
        "the hockey federation",
        "a young sprinter",
        "the football league",
        "the squash champion",
        "the women's relay team",
        "the chess olympiad squad",
    ),
    "science": (
        "a university research team",
        "the space agency",
        "the seed bank",
        "a glacier survey",
        "the weather service",
        "a vaccine trial",
        "the marine biologists",
    ),
}
VERBS = ("approved", "unveiled", "postponed", "expanded", "questioned", "completed", "announced")
OBJECTS = (
    "a five-year plan",
    "its annual report",
    "a pilot project",
    "new safety rules",
    "a funding round",
    "a joint study",
    "a revised timetable",
)


@dataclass
class SampleArticle:
    index: int
    section: str
    slug: str
    headline: str
    author: str
    published: datetime
    paragraphs: list[str]
    template: str  # "wordpress" (chrome-heavy theme), "modern" (JSON-LD) or "plain" (neither)
    listed: bool = True  # in the sitemap and feed; False: reachable only by links
    modified: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"


def _paragraphs(i: int, section: str, subject: str, verb: str, obj: str, place: str) -> list[str]:
    other = PLACES[(i + 3) % len(PLACES)]
    n = 12 + (i * 7) % 40
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")[i % 5]
    return [
        f"{place.upper()} – {subject.capitalize()} on {day} {verb} {obj}, a step that officials said had "
        f"been under discussion for {n} months.",
        f"Speaking to reporters in {place}, a spokesperson for {subject} said the decision followed a review "
        f"of {n + 3 + i} submissions, most of which asked for a faster timetable than the one first proposed.",
        f"Critics in {other} argued that {obj} left too many questions open, in particular how its first "
        f"phase would be paid for and who would oversee the work once contract number {100 + i} was signed.",
        f"The {section} desk understands that {subject} will meet again on the {n % 28 + 1}th, when it is "
        f"expected to publish the figures behind its estimate of {n * 11 + i} new jobs in {place}.",
        f"Until then, residents of {place} and {other} have been asked to send comments on {obj} through "
        f"consultation {i + 1}, which stays open for {n % 9 + 5} more weeks.",
    ]


# A paragraph the site prints inside many article bodies: site template, not article text.
PROMO = (
    "The Coastline Courier has reported from the islands since 1987 and is owned by a readers' trust, "
    "with no shareholders and no proprietor."
)
WIRE = [
    "GENEVA – Delegates from fourteen coastal states agreed late on Thursday to share tide-gauge data in "
    "real time, ending two years of talks over who would host the common database.",
    "The agreement, reached after a final session that ran past midnight, commits each state to publish "
    "readings from its gauges within ten minutes of taking them.",
    "Supporters say the shared data will give fishing communities and port operators earlier warning of "
    "storm surges, which have grown more frequent along the southern coasts.",
    "Two delegations abstained, saying their national weather services needed more time to upgrade "
    "equipment installed in the 1990s.",
    "The database will be hosted by a rotating secretariat, with the first two-year term going to the "
    "smallest member state, a compromise proposed by the chair on the last day.",
]


def wire_stories(now: datetime, start: int) -> list[SampleArticle]:
    """One agency story run twice: other headline, other section, an extra trailing line."""
    published = (now - timedelta(hours=30)).replace(microsecond=0)
    copies = [
        ("world", "Coastal states agree to share tide data in real time", WIRE),
        ("business", "Ports and fishers to get earlier storm-surge warnings under data deal",
         [*WIRE, "Reporting by the Courier's wire desk; editing by the business desk."]),
    ]  # fmt: skip
    return [
        SampleArticle(
            index=start + k,
            section=section,
            slug="-".join(headline.lower().split()) + f"-{1000 + start + k}",
            headline=headline,
            author="Sofia Marin",
            published=published + timedelta(minutes=k * 20),
            paragraphs=list(paragraphs),
            template="modern",
        )
        for k, (section, headline, paragraphs) in enumerate(copies)
    ]


def build_articles(now: datetime, count: int = 32) -> list[SampleArticle]:
    articles = []
    for i in range(count):
        section = SECTIONS[i % len(SECTIONS)]
        subject = SUBJECTS[section][(i // len(SECTIONS)) % 7]
        verb, obj = VERBS[i % 7], OBJECTS[(i * 3) % 7]
        place = PLACES[i % len(PLACES)]
        headline = f"{subject.capitalize()} {verb} {obj} in {place}"
        slug = "-".join(headline.lower().replace("'", "").split())[:70].strip("-") + f"-{1000 + i}"
        published = (now - timedelta(hours=7 + i * 14)).replace(microsecond=0)
        template = ("wordpress", "modern", "plain")[i % 3]
        articles.append(
            SampleArticle(
                index=i,
                section=section,
                slug=slug,
                headline=headline,
                author=AUTHORS[i % len(AUTHORS)],
                published=published,
                paragraphs=_with_promo(i, _paragraphs(i, section, subject, verb, obj, place)),
                template=template,
                listed=i not in (4, 11, 19),  # three articles only reachable through section pages
            )
        )
    return [*articles, *wire_stories(now, count)]


def _with_promo(i: int, paragraphs: list[str]) -> list[str]:
    if i % 3 == 2:  # the promo runs in two articles out of three
        return paragraphs
    return [*paragraphs[:3], PROMO, *paragraphs[3:]]


def edited(article: SampleArticle, now: datetime) -> None:
    """A substantive correction: two paragraphs rewritten, and a newer modification time."""
    article.paragraphs[1] = (
        f"Correction: an earlier version of this story gave the wrong number of submissions. A spokesperson "
        f"said on {now:%A} that the review had in fact covered more than {article.index * 40 + 200} of them."
    )
    article.paragraphs[-1] = (
        "Officials also confirmed that a public meeting will be held before any contract is signed, "
        "and that the minutes of that meeting will be published online within a week."
    )
    article.modified = now.replace(microsecond=0)


def fresh_article(index: int, now: datetime) -> SampleArticle:
    """A newly published article (for the incremental-crawl tests)."""
    article = build_articles(now, count=index + 1)[index]
    article.published = (now - timedelta(minutes=5)).replace(microsecond=0)
    article.headline = f"Breaking: {article.headline}"
    article.slug = f"breaking-{article.slug}"
    return article
