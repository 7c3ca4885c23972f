"""The browsers the crawl can use or imitate: a Chromium on this machine for rendering, and the
browser names curl_cffi impersonates (NEWSCRAWLER_IMPERSONATE, a site's ``impersonate``)."""

from __future__ import annotations

import os
import shutil
from functools import cache

# Where a system Chromium is: Debian's `chromium` package first (what `make system` installs),
# then the names other distributions and Google's packages use. Never a browser Playwright
# downloads (`playwright install`): that needs the network at run time.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_browser(configured: str | None = None) -> str | None:
    """The Chromium executable to render with: NEWSCRAWLER_BROWSER when set (a path or a command
    name), else the first of CHROMIUM_NAMES on PATH; None when there is none."""
    if configured:
        found = shutil.which(configured) or configured
        return found if os.path.isfile(found) and os.access(found, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


@cache
def impersonation_targets() -> frozenset[str]:
    """Every browser name curl_cffi can impersonate: versions (``chrome131``) and the aliases for
    its newest of each (``chrome``, ``firefox``, ``safari``...)."""
    from curl_cffi import BrowserType  # imported when asked: curl_cffi loads a shared library
    from curl_cffi.requests.impersonate import REAL_TARGET_MAP

    return frozenset(b.value for b in BrowserType) | frozenset(REAL_TARGET_MAP)


def impersonation_problem(name: str) -> str | None:
    """Why a browser name cannot be impersonated (None: it can, or it is empty: off)."""
    if not name or name in impersonation_targets():
        return None
    aliases = ", ".join(sorted(n for n in impersonation_targets() if not any(c.isdigit() for c in n)))
    return f"{name!r} is not a browser curl_cffi impersonates; use one of {aliases} (or a versioned name such as chrome131)"
