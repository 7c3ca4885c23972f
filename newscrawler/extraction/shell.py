"""Whether a page with no article in it is a client-rendered shell: an app that fetches the
article by script after load, so that only a browser sees it (NEWSCRAWLER_RENDER=auto).

Judged on the page as served, only once the extraction found no article in it: little visible
text, at least one script that could render it, an element an app mounts into (or a body holding
nothing but that), and no article body in its JSON-LD. Plain pages (a home, a section, a 404)
fail the first test: they have text.
"""

from __future__ import annotations

import re

from newscrawler.extraction.page import Page
from newscrawler.text import word_count

# Fewer visible words than this: a shell (a "loading..." line, a cookie notice, an empty nav).
MAX_SHELL_WORDS = 60
# The ids and attributes the common frameworks mount into: React (create-react-app, Vite),
# Next.js, Nuxt, Gatsby, Vue, Angular, Svelte, Ember.
APP_ROOT_IDS = frozenset(
    {"root", "app", "__next", "__nuxt", "___gatsby", "svelte", "main-app", "app-root", "application"}
)
APP_ROOT_XPATH = (
    "//body//*[@data-reactroot or @ng-version or @ng-app or @data-server-rendered or @data-v-app]"
    " | //app-root | //body//*[contains(concat(' ', normalize-space(@class), ' '), ' ember-application ')]"
)
_INVISIBLE = ("script", "style", "noscript", "template", "svg")
_SPACE = re.compile(r"\s+")


def visible_words(page: Page) -> int:
    """Words a reader sees in the page's body as served (scripts, styles, noscript left out)."""
    if page.tree is None:
        return 0
    body = page.tree.find("body")
    if body is None:
        return 0
    texts = [
        t
        for t in body.xpath(".//text()")
        if not any(a.tag in _INVISIBLE for a in t.getparent().iterancestors())
        and t.getparent().tag not in _INVISIBLE
    ]
    return word_count(_SPACE.sub(" ", " ".join(texts))) or 0


def _has_app_root(page: Page) -> bool:
    ids = {str(i).lower() for i in page.xpath("//body//@id")}
    if ids & APP_ROOT_IDS or page.xpath(APP_ROOT_XPATH):
        return True
    # A body of nothing but scripts and one or two empty containers is a mount point too.
    elements = [e for e in page.xpath("//body/*") if e.tag not in _INVISIBLE]
    return 0 < len(elements) <= 2 and not any(len(e) for e in elements)


def _has_scripts(page: Page) -> bool:
    """A script that could render the page: a bundle by URL or a large inline one."""
    if page.xpath("//script[@src][not(@type) or contains(@type, 'javascript') or @type='module']"):
        return True
    inline = page.xpath("//script[not(@src)][not(@type) or @type='module']/text()")
    return any(len(s) > 2000 for s in inline)


def client_rendered(page: Page) -> bool:
    """The page is an app shell whose article only a browser would see."""
    if page.tree is None or any(o.get("articleBody") for o in page.articles()):
        return False
    return visible_words(page) < MAX_SHELL_WORDS and _has_scripts(page) and _has_app_root(page)
