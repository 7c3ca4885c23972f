"""The sample site with one client-rendered section whose app also tries to escape the page.

    python -m tests.mockserver.spa [--port 0] [--host 127.0.0.1] [--other-url http://127.0.0.2:PORT]

Prints ``READY http://HOST:PORT``. The sample site (sample_site/server.py) with ``--rendered world``,
whose ``/static/app.js`` first tries to reach what a rendered page must never reach: the other
server (``--other-url``, a second instance on 127.0.0.2: its ``/__requests`` shows whether anything
got there) by fetch and by image, and ``file:///etc/passwd`` by fetch and in a frame, and loads an
image that asks again each time it fails; then renders the article as the sample site's app does. Run from the repository root.
"""

from __future__ import annotations

import argparse
import sys

from sample_site import pages
from sample_site.server import Site, make_handler
from tests.mockserver import serve

ESCAPES = """// What a hostile or compromised script tries from inside a rendered page.
fetch('{other}/secret').catch(function () {{}});
new Image().src = '{other}/pixel.gif';
fetch('file:///etc/passwd').catch(function () {{}});
var frame = document.createElement('iframe');
frame.src = 'file:///etc/passwd';
document.documentElement.appendChild(frame);
// An image that asks again whenever it fails (a real theme's onerror fallback): a storm if
// blocked resources fail.
var tries = 0;
var retrying = new Image();
retrying.onerror = function () {{ if (++tries < 1000) retrying.src = '/missing.jpg?' + tries; }};
retrying.src = '/missing.jpg';
"""


class EscapingSite(Site):
    def __init__(self, other: str) -> None:
        super().__init__(rendered="world")
        self.other = other

    def render(self, path: str, query: dict[str, list[str]], base: str) -> tuple[int, str, str]:
        if path == "/static/app.js":
            return 200, "application/javascript", ESCAPES.format(other=self.other) + pages.APP_JS
        return super().render(path, query, base)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mockserver.spa")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--other-url", default="http://example.invalid")
    args = parser.parse_args(argv)
    return serve(args.host, args.port, make_handler(EscapingSite(args.other_url)))


if __name__ == "__main__":
    sys.exit(main())
