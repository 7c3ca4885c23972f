"""Where each field is looked for: meta-tag names and XPaths, in order of preference.

Kept apart from the rules that choose between them (``fields.py``), as trafilatura keeps its
``metaxpaths.py`` apart from ``metadata.py``.
"""

from __future__ import annotations

import re

# Separators between a headline and the site name in <title> and og:title.
# "ㅣ"/"ᅵ" (Hangul letters) serve as a bar on Korean sites ("제목-정치ㅣ한국일보"), a full-width
# colon on Japanese ones ("見出し：東京新聞デジタル").
TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+|\s*[|ㅣᅵ：]\s*")

HEADLINE_META = ("og:title", "twitter:title", "sailthru.title", "parsely-title")
# A headline meta tag without the site's decoration (<meta name="headline">).
PLAIN_HEADLINE_META = ("headline",)
DESCRIPTION_META = ("og:description", "twitter:description", "description")
LANGUAGE_META = ("content-language", "language", "dc.language", "og:locale")
SITE_NAME_META = ("og:site_name", "application-name")
CANONICAL_XPATH = '//link[@rel="canonical"]/@href'
IMAGE_META = ("og:image", "og:image:url", "twitter:image", "twitter:image:src")
KEYWORD_META = ("news_keywords", "keywords", "parsely-tags")
CONTENT_TIER_META = ("article:content_tier", "content_tier")

# Kicker (overline) elements inside an <h1>: a section label, not part of the headline.
KICKER_XPATH = (
    './/*[contains(@class,"kicker") or contains(@class,"Kicker") or contains(@class,"overline") '
    'or contains(@class,"dachzeile") or contains(@class,"topline") or contains(@class,"eyebrow") '
    'or contains(@class,"roofline") or contains(@class,"spitzmarke") or contains(@class,"label")]'
)
IN_ARTICLE_XPATH = "ancestor::article|ancestor::main|ancestor::*[@itemprop='articleBody']"

AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "twitter:creator",
    "cxenseparse:author",
    "articleauthor",
)
# The XPaths that test an attribute select the attribute first and then its element
# ("//@class[...]/.." rather than "//*[...@class...]"): the same nodes, in half the time.
BYLINE_XPATH = (
    '//@itemprop[.="author"]/..//@itemprop[.="name"]/..',
    '//@itemprop[.="author"]/..',
    '//a[@rel="author"]',
    '//@class[contains(concat(" ",normalize-space(.)," ")," byline ")]/..',
    '//@class[contains(.,"author-name") or contains(.,"authorName") or contains(.,"byline__name")]/..',
    '//@class[contains(.,"byline") or contains(.,"Byline")]/..',
    # The innermost elements whose class names an author ("authors__list-item", "c-author").
    '//@class[contains(.,"author")]/parent::*[not(descendant::*/@class[contains(.,"author")])]',
)

PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "publish-date",
    "publishdate",
    "pubdate",
    "publish_date",
    "date.available",
    "cxenseparse:recs:publishtime",
    "article.published",
    "originalpublicationdate",
    "dc.date",
    "date",
)
PUBLISHED_TIME_XPATH = '//@itemprop[.="datePublished"]/../@datetime | //time/@pubdate/../@datetime'
ANY_TIME_XPATH = "//time/@datetime"
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article:modified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "lastmod",
    "article.updated",
)
MODIFIED_TIME_XPATH = '//@itemprop[.="dateModified"]/../@datetime'
# The byline area, where a date written for people sits.
DATE_CLASS_XPATH = (
    '//@class[contains(.,"date") or contains(.,"time") or contains(.,"publish") '
    'or contains(.,"meta") or contains(.,"byline")]/parent::*[not(self::script)][not(self::style)]'
)
