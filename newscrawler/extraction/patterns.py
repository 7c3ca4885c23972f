"""What chrome, bylines, datelines and live blogs look like: the regular expressions, XPaths and
word lists the body, chrome, live-blog and author rules match against.

Kept apart from the rules that use them (``body.py``, ``chrome.py``, ``sources.py``, ``live.py``,
``authors.py``), as ``metaxpaths.py`` keeps where each field is looked for apart from ``fields.py``.
"""

from __future__ import annotations

import re

# --- chrome: paragraphs that are not the article's text (chrome.py) ---

# A line that is a prompt or a label and nothing else ("Related Articles", "Share this", "Tags").
CHROME_LINE = re.compile(
    r"^\W*(?:"
    r"related(?: articles?| posts?| stories| news| content| coverage| reading)?|"
    r"read (?:more|also|next|this)|see (?:more|also)|more (?:on|from|about) (?:this|the)\b.*|don'?t miss|"
    r"recommended(?: for you)?|you (?:may|might) (?:also )?like|also read|popular(?: categories| posts| now)?|"
    r"hot this week|trending(?: now)?|most (?:read|popular|viewed)|topics|tags?|categories|etiketler|"
    r"schlagw(?:ö|o)rte(?:r)?|stichw(?:ö|o)rte(?:r)?|mots[- ]cl(?:é|e)s|etiquetas|"
    r"share(?: this(?: article| story| post)?)?(?: on \w+)?|follow us.*|sign up.*|subscribe.*|newsletter.*|"
    r"advertisement|advertising|sponsored|anzeige|werbung|publicidad|publicité|"
    r"click to tweet|tweet|email|print(?: (?:this )?(?:article|story|page))?|order reprints?|"
    r"reprints?(?: (?:and|&) permissions)?|thank you|an error has occurred.*|this article has been sent to.*|"
    r"comments?|\d+ comments?|leave a (?:comment|reply)|comments are closed\.?|"
    r"lesen sie auch|mehr zum thema|auch interessant|weitere artikel|lire aussi|à lire aussi|lee también|"
    r"leer más|leia também|leggi anche|les også|läs också|czytaj (?:też|także|więcej)|ayrıca okuyun|"
    r"читайте также|"
    r"spot_img(?:spot_img)*|skip to (?:main )?content|back to top|loading\.*|"
    r"we use cookies.*|this site uses cookies.*|accept(?: all)? cookies"
    r")\W*$",
    re.I,
)

# Prompts that open a line and end the article text ("Related: <headline>").
CHROME_PREFIX = re.compile(
    r"^\W*(?:related|read more|read also|see more|see also|also read|also see|more|watch|listen|"
    r"lesen sie auch|mehr zum thema|lire aussi|leer más|leia também|leggi anche|les også|læs også|"
    r"läs också|lees ook|lue myös|czytaj (?:też|także|więcej)|читайте также)\s*:",
    re.I,
)

# Follow, share and subscribe calls, and copyright lines.
CALL_TO_ACTION = re.compile(
    r"\b(?:sign up|subscribe|newsletter|follow (?:us|him|her|them)|click here|download (?:our|the) app|"
    r"by submitting this form|all rights reserved|copyright ©|©\s*\d{4}|share this (?:article|story)|"
    r"get (?:our|the) \w+ newsletter|support (?:our|independent) journalism|already a subscriber|"
    r"follow [\w .’'@()-]{1,60} on (?:facebook|twitter|instagram|x\b)|check out (?:our|the latest)|"
    r"we(?:'|’)d (?:like|love) to hear (?:from you|what you think)|"
    r"abonnier(?:e|en sie)|folgst du|folgen sie uns|kostenlos testen|testen sie)\b|"
    r"をフォロー|フォローする",  # Japanese "follow" (no word boundaries in CJK text)
    re.I,
)

# A credit line closes the article; what follows it is a teaser for another story. The
# "Reporting by..." credit is kept as the article's last line (the sample site's wire stories
# and the aeb gold keep it); a contributor note is dropped with it.
END_CREDIT = re.compile(r"^\W*\(?(?:reporting by|additional reporting by|writing by|editing by)\b", re.I)

# A contributor note ("... contributed to this report.").
CONTRIBUTED = re.compile(r"\bcontributed (?:to )?(?:this |the )?(?:report|story|article)(?:ing)?\W*$", re.I)

# Any word character: a line without one is debris ("¯", "•••").
WORD_CHAR = re.compile(r"\w")

# A reprint notice ("This copy is for your personal, non-commercial use only...").
NOTICE = re.compile(r"for your personal,? non-commercial use only", re.I)

# The author's address after the text ("Write to Al Root at allen.root@dowjones.com").
CONTACT = re.compile(r"^\W*(?:write to|contact|e-?mail)\b.{1,80}\s\S+@[\w-]+\.[\w.]+\W*$", re.I)

# A photo credit printed as a paragraph ("Фото: Дмитрий Азаров, Коммерсантъ").
PHOTO_CREDIT = re.compile(r"^\W*(?:photo|foto|фото|bild|image|credit)s?\s*:", re.I)

# A headline-shaped line: 5 to 14 words, a capital first, no closing punctuation, no number
# or URL (those are a list article's own items).
LINK_LINE = re.compile(r"^(?=[A-Z])(?!.*(?:https?:|www\.))(?:\S+\s+){4,13}\S+$(?<![.!?:;\"”»’)])")

# A side box's heading, or a short item under one: four words and 40 characters at most, no
# closing punctuation, no number or address (those are an info box's facts: prices, phone).
BOX_HEADING = re.compile(
    r"^(?=.{1,40}$)(?!.*(?:\d|www\.|https?:))(?!.*[.!?\"”»’)。！？」]$)\W*(?:\S+\s+){0,3}\S+$"
)

# A teaser cut short after a "Read more" prompt.
ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\W*$")

# A byline or a dateline printed as a paragraph ("By Jane Doe", "Updated ...", "Stand: 12.05.").
BYLINE = re.compile(
    r"^(?:by|von|par|por|di|av|door|from)\s+[\w.'’ -]{2,60}(?:,|\||$)|^(?:published|updated|posted|veröffentlicht|"
    r"aktualisiert|publié|publicado|pubblicato)\b|^stand:\s*\d",
    re.I,
)

# A date or a time alone, perhaps with a few words ("12.05.2024, 17:47 Uhr").
DATE_ONLY = re.compile(r"^[\W\d]*(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2})[\W\w]{0,40}$")

# A paragraph that is a capitalised label and a link to another story ("ALSO READ | <headline>",
# "FUNDA OLUNYE UDABA LAPHA | <headline>"): a prompt in any language, not the article's text.
PROMPT_LABEL = re.compile(r"^\W*(?:[^\W\d]+\W+){0,5}[^\W\d]+\s*[|:>»›–-]+\s*$")


# --- the page's markup as a body's source (sources.py) ---

# The blocks a body's paragraphs are read from, under a container.
BLOCKS = ".//p|.//h2|.//h3|.//h4|.//li|.//blockquote"

# Classes of an article's own container (generic layout classes, "row", "content", repeat all over).
ARTICLE_CLASS = re.compile(r"article|story|body|entry|post", re.I)

# Inside a caption: a slide counter or a photo credit, not the caption's text.
CAPTION_JUNK = re.compile(r"credit|copyright|count|counter|source|byline|author|share", re.I)

# A gallery's slide counter ("3 / 12", "3 of 12").
SLIDE_COUNTER = re.compile(r"^\d+\s*(?:/|of|von|de|di)\s*\d+$", re.I)

# Running text ends a sentence.
SENTENCE_END = re.compile(r"[.!?…\"”»’)]$")

# A JSON string in a page's script whose key names content ("contentHtml", "body", "articleHtml"):
# a client-rendered page (Next.js, Nuxt) ships its article there as HTML and nowhere else.
EMBEDDED_HTML = re.compile(r'"(\w*(?:content|body|html|text)\w*)"\s*:\s*"((?:[^"\\]|\\.){400,})"', re.I)

# An HTML paragraph's opening tag.
HTML_PARAGRAPH = re.compile(r"<p[\s>]")

# Blocks of embedded HTML that are not its article's text: figures, captions, asides, nested blocks.
EMBEDDED_SKIP = "ancestor::li|ancestor::blockquote|ancestor::figure|ancestor::aside|ancestor::*[contains(@class,'caption')]"

# A header deck is not the article's first paragraph, however it reads.
DECK_CLASS = re.compile(r"header|head\b|hero|title|caption|promo|deck|\bdek\b", re.I)

# The page's own description, which a lead paragraph repeats.
DESCRIPTION_XPATH = (
    "//meta[@property='og:description' or @name='description' or @name='twitter:description']/@content"
)

# Where a lead paragraph is looked for, and the body's first paragraph.
PARAGRAPH_PATHS = "//body//p"

BLOCK_PATHS = "//body//p | //body//div[not(.//p or .//div or .//h1 or .//h2 or .//h3 or .//h4)]"


# --- live blogs (live.py) ---

# Visible update containers of a live blog ("live-event-entry", "liveblog__update", "lb-post").
UPDATE_CLASS = re.compile(r"live|update|entry|post|ticker", re.I)

# A page that calls itself live ("UK riots LIVE:", "Live updates", "Liveticker", "en direct").
LIVE_TITLE = re.compile(
    r"\bLIVE\b|(?i:\blive(?:[- ]?(?:blog|ticker|updates?|coverage)|:)|liveblog|liveticker|\bas it happened\b|"
    r"\ben direct\b|\ben vivo\b|\bao vivo\b|\bin diretta\b)"
)

# Repeated containers that are not a live blog's updates (comment threads, teaser cards).
NOT_UPDATE_CLASS = re.compile(r"comment|reply|related|teaser|card|promo|recommend", re.I)


# --- authors (authors.py) ---

# News agencies and wire services: authors only when no person is named.
_AGENCY_NAMES = """
    Reuters | AP | Associated Press | The Associated Press | AFP | Agence France-Presse | dpa |
    Deutsche Presse-Agentur | SDA | Keystone-SDA | APA | KNA | epd | EFE | Europa Press | ANSA |
    Anadolu | Anadolu Ajansı | Anadolu Agency | AA | DHA | IHA | PTI | IANS | ANI | APP | Bloomberg |
    PA | PA Media | Press Association | Xinhua | TASS | RIA Novosti | Interfax | Kyodo | Kyodo News |
    Jiji | Yonhap | CNA | NTB | TT | Ritzau | STT | Belga | ANP | Lusa | CP | The Canadian Press |
    AAP | NZPA | UPI | Sputnik | Agencies | Agency | News Agencies | Wire | Wires | News Desk |
    Web Desk | Staff | Staff Reporter | Our Correspondent | Newsroom | Redaktion | Online Desk |
    News Service
"""
AGENCIES = frozenset(n.strip().casefold() for n in _AGENCY_NAMES.split("|") if n.strip())

# Section, menu and widget labels in the main languages: never a name, alone or together
# ("Log in", "Mein Konto"). A byline element that holds one is a menu or a widget.
_NOT_NAME_WORDS = """
    home homepage startseite accueil inicio portada início forside etusivu strona główna anasayfa
    login logout log in out sign up signin signup register anmelden abmelden einloggen registrieren
    connexion connecter déconnexion inscription se me mon compte accedi accedere entrar acceder
    iniciar sesión cerrar registrarse inloggen aanmelden logga zaloguj giriş yap giris
    account konto mein meine my profile profil user benutzer abo abonnieren subscribe subscription
    abonnement suscríbete newsletter menu menü search suche recherche buscar cerca zoeken
    news nachrichten actualités actualité noticias notizie nieuws nyheter uutiset wiadomości haberler
    aktuell aktuelles latest neueste breaking live ticker liveticker
    politik politics politique política politica politiek polityka siyaset
    wirtschaft business economy économie economie economía economia finanzen finance geld money
    sport sports deportes fußball football fussball soccer
    kultur culture cultura cultuur feuilleton kunst arts entertainment unterhaltung people leute
    panorama vermischtes society société sociedad società gesellschaft lifestyle leben life style
    meinung opinion opinión opinione opinie kommentar kommentare comment comments commentaires
    international world welt monde mundo mondo wereld ausland inland national nation
    lokal local region regional regionales stadt city ville
    wissen science wissenschaft sciences ciencia scienza tech technik technology technologie digital
    gesundheit health santé salud salute reise travel voyage auto motor mobilität
    video videos podcast podcasts audio foto fotos photo photos bilder galerie gallery
    wetter weather météo tiempo meteo horoskop horoscope rätsel games spiele
    share teilen partager compartir condividi follow folgen suivre more mehr plus weiter
    read lesen lire artikel article articles
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    montag dienstag mittwoch donnerstag freitag samstag sonntag heute gestern morgen
    lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo
    january february march april may june july august september october november december
"""

NOT_NAMES = frozenset(w.casefold() for w in _NOT_NAME_WORDS.split())

# Words of a desk or an organisation, not of a person ("Guardian staff", "Redaktion Berlin").
DESK = re.compile(
    r"\b(?:staff|desk|team|newsroom|redaktion|rédaction|redacción|redazione|redactie|redakcja|"
    r"editorial|editors|online|news|nachrichten|agencies|agency|agentur|wire|wires|media)\b",
    re.I,
)

# Words of a site's name too common to tell it ("The", "News", "Daily"), or that open people's
# names too ("Al" of Al Jazeera, "Abu", "San").
_SITE_STOPWORD_TEXT = (
    "the a an der die das le la les el los il lo de of and und et news online daily media tv www com "
    "al el abu bin ibn van von den del della san new"
)

SITE_STOPWORDS = frozenset(_SITE_STOPWORD_TEXT.split())

# Bracketed staff initials or agency codes after a name: "(jd)", "(jd/dpa)", "[AFP]".
BRACKETED = re.compile(r"\s*[(\[]\s*[\w.]{1,8}(?:\s*[/,;+]\s*[\w.]{1,12}){0,3}\s*[)\]]")

# ... and the half of one a split leaves: "Jane Doe (jd".
OPEN_BRACKET = re.compile(r"\s*[(\[][^)\]]{0,20}$")

# A web address or a domain name.
DOMAIN = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|de|fr|it|es|nl|be|ch|at|co|uk|tv)\b", re.I
)

# What opens a byline before the names ("By", "Von", "Text:", "기자").
NAME_PREFIX = re.compile(
    r"^\s*(?:(?i:(?:written|reported|posted|published|text|story|words|photos?|interview|compiled|edited)\s+by|"
    r"by|von|par|por|av|af|door|från|fra|przez|tekst|autor(?:in)?|author|auteur|"
    r"redakteur(?:in)?|reporter|fotos?|mit|with|yazan|текст|автор|авторы|фото)|di|da|de|글|기자)\s*[:\-–]?\s+"
)

# A role after a name ("Jane Doe, staff writer"): it and what follows go.
ROLE = re.compile(
    r"\s*[,|/–—-]?\s*\b(?:staff\s+writer|senior\s+\w+\s+correspondent|\w+\s+correspondent|correspondent|"
    r"reporter|editor(?:-at-large)?|contributor|columnist|writer|analyst|freelance\w*|"
    r"redakteur(?:in)?|korrespondent(?:in)?|chefredakteur(?:in)?|autor(?:in)?|journalist(?:in)?|"
    r"special\s+to\s+.+|for\s+.+\.com|in\s+[A-Z][a-z]+)\b.*$",
    re.I,
)

# E-mail addresses, web addresses and social handles inside a byline.
EMAIL = re.compile(r"\S+@\S+\.\w+")

URL = re.compile(r"https?://\S+|www\.\S+")

HANDLE = re.compile(r"@\w+")

# A date or time after the names ("Updated on 3 May", "12.05.2024").
DATE_BITS = re.compile(
    r"\b(updated|published|aktualisiert|veröffentlicht|am|on)\b.*\d.*$|\b\d{1,2}[./:]\d{1,2}([./:]\d{2,4})?\b.*$",
    re.I,
)

# What separates names in one byline (commas, "and" in many languages, CJK list marks).
NAME_SEPARATOR = re.compile(
    r"\s*(?:,|;|\||/|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\boch\b|\bi\b|\bve\b|\bu\b|・|、|，)\s*",
    re.I,
)

# A picture credit, not a name ("Getty Images", "Foto: ...").
CREDIT_WORDS = re.compile(
    r"\b(?:image|images|photo|photos|foto|bild|getty|istock\w*|shutterstock|alamy|imago)\b", re.I
)

# Role words some languages put after the name ("홍길동 기자", "山田太郎記者").
ROLE_SUFFIX = re.compile(r"\s*(?:기자|특파원|記者|特派員|編集委員|논설위원)$")

# Particles of people's names, written lower-case ("de", "van", "bin").
PARTICLES = frozenset(
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

# Values a CMS puts where a name belongs.
JUNK_NAME = re.compile(
    r"^(?:by|von|par|por|door|av|af|di|da|de|admin|administrator|editor|staff|guest|anonymous|unknown|null|none|undefined|team)$",
    re.I,
)

# Words of class and id names (split at "-", "_" and camelCase) of teaser and related-article
# containers, and of menus, footers and widgets: a byline inside one is another article's, or
# no byline at all. A node whose class also names an author or a byline is spared the first
# list ("byline card-content"), never the second ("comment-author", "header-author-login").
_TEASER_TEXT = (
    "teaser teasers related recommend recommended recommendations more card cards promo promos sidebar "
    "widget carousel slider trending popular mostread readmore alsoread recirc recirculation outbrain "
    "taboola list"
)

TEASER_WORDS = frozenset(_TEASER_TEXT.split())

# ... which mean a teaser only outside the <article> and <main> elements.
WEAK_TEASER_WORDS = frozenset({"list", "card", "cards"})

_NAV_TEXT = (
    "nav navigation navbar menu breadcrumb breadcrumbs breadbar login signin account footer comment "
    "comments newsletter"
)

NAV_WORDS = frozenset(_NAV_TEXT.split())

# The words of a class or id name ("authorName" -> author, name).
CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")

# Elements no byline of the article's is in.
ELSEWHERE_TAGS = frozenset({"nav", "footer", "aside", "form", "button", "select", "option"})

# A class that names an author or a byline.
AUTHOR_WORD = re.compile(r"author|byline|autor|auteur", re.I)

# An "Author" label in an element of its own ("<strong>Autorin/Autor</strong> Jane Doe").
AUTHOR_LABEL = re.compile(
    r"^(?:autor(?:in)?(?:\s*/\s*autor(?:in)?)?|autoren|author|authors|auteur|auteurs|autore|autori|"
    r"written by|text|texto|tekst|door|von|by|par|por)\s*:?$",
    re.I,
)

# ... or opening a short line, with a colon ("Von: Jane Doe, John Roe").
AUTHOR_LABEL_LINE = re.compile(
    r"^\s*(?:autor(?:in)?(?:\s*/\s*autor(?:in)?)?|autoren|author|authors|auteur|auteurs|autore|autori|"
    r"written by|by|von|par|por|door|text|texto|tekst|текст|автор)\s*:\s*$",
    re.I,
)

# A line naming the article's editor, not its author ("Editor : Jane Doe", "Edited by Jane Doe").
EDITOR_LINE = re.compile(
    r"^(?:editor|editors|redaktur|penyunting)\s*:\s*(?P<a>.+)$|^(?:edited by|editing by)\s+(?P<b>.+)$",
    re.I,
)

# Short text nodes that may hold such a label (plain contains() is far cheaper than translate()).
EDITOR_TEXT_XPATH = (
    "//body/descendant::text()"
    "[contains(., 'dit') or contains(., 'DIT') or contains(., 'edakt') or contains(., 'enyunting')]"
    "[string-length() < 100]"
)

# ... and the words that make a text node worth reading for one.
EDITOR_WORD = re.compile(r"\b(?:editor|editors|edited by|editing by|redaktur|penyunting)\b", re.I)

# A dateline opening the article ("KYIV (AFP) —", "BERLIN —", "Berlin. ").
DATELINE = re.compile(
    r"^\s*(?P<place>[^\W\d_][\w'’.-]*(?:[ -][^\W\d_][\w'’.-]*){0,3}?)\s*"
    r"(?:/[^,()—–]{1,20})?(?P<date>,[^,()—–-]{1,30}?)?\s*(?P<agency>\([^)]{1,40}\))?\s*"
    r"(?P<sep>—|–|--?|:|\.)\s"
)

# A slug ("jane-doe"), a handle or a domain, not a name as written.
SLUG = re.compile(r"[a-z]+(?:[-_.][a-z]+)+")
# A domain name's ending ("daily.example"): a site, not a person.
DOMAIN_END = re.compile(r"\.\w{2,4}$")
# A JSON-LD author whose page is an account's, not a person's ("/author/admin/").
ACCOUNT_LINK = re.compile(
    r"/(?:author|autor|user)s?/(?:admin|administrator|redaktion|editor|staff|team)\b", re.I
)
# A paragraph that opens as a byline ("By Jane Doe", "Von Jane Doe").
BYLINE_OPENING = re.compile(r"(?i)(?:by|von|par|por|door|av|af)\s+\S")
