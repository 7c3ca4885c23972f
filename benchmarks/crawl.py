"""Crawl throughput: a fetch-only spider, a hand-written trafilatura spider and newscrawler, same site.

    python benchmarks/crawl.py [--pages 2000] [--rounds 3] [--only a,b,c] [--site-dir DIR]
                               [--news-setting NAME=VALUE ...] [--out result.json]

The site: --pages distinct copies of the real article pages in ../shared/datasets (aeb/html and
fundus-dev), each copy's visible text, title, meta descriptions and JSON-LD rewritten
deterministically (about a third of the words swapped for other words of the same page, so no two
copies are near-duplicates and no paragraph repeats across copies) and its canonical/og:url pointing
at its own URL /news/2026/11/<copy-id>-<slug>.html. Static files with robots.txt -> sitemap index
-> sitemaps of at most 5,000 URLs, served by nginx on a free port of 127.0.0.1 (generated once per
--site-dir and reused).

The crawlers, each a subprocess, alternated a,b,c,a,b,c... for --rounds rounds:
  (a) fetch-only SitemapSpider (benchmarks/crawl_spiders.py fetch), Scrapy defaults, 16/16;
  (b) the same calling trafilatura.extract(..., output_format="json") per page -> JSONL feed;
  (c) python -m scrapy crawl news -a url=http://127.0.0.1:PORT/ -s AUTOTHROTTLE_ENABLED=False
      -s NEWSCRAWLER_STATE_DIR=<fresh tmp> -O <tmp>/out.jsonl [+ --news-setting ...], from the repo root.
(a) and (b) run from a temporary folder and build their settings from Scrapy's defaults only.

Per run, from nginx's access log ($msec per request): pages/s = article pages served / (first
request -> process exit); time to first request (process start -> first request); wall time; peak
RSS and PSS of the process tree (sampled every 0.2 s from /proc); RSS at 25% and 100% of the
article pages served; records written. Medians per crawler, a markdown table, ratios c/b and c/a.
At 2,000 pages (c) takes about 3 minutes a round: the default 3 rounds take about 12 minutes;
--pages 600 --rounds 1 is a quick check. MB are MiB. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import http.client
import json
import os
import pwd
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from multiprocessing import Pool
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO.parent / "shared" / "datasets"
SPIDERS = Path(__file__).resolve().parent / "crawl_spiders.py"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITEMAP_SIZE = 5000
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
GENERATOR_VERSION = 1  # bump when the pages change: a cached --site-dir is regenerated
PLACEHOLDER = "http://127.0.0.1:{port}"
ARTICLE_PREFIX = "/news/2026/11/"
SWAP_SHARE = 0.35  # share of the words of 3+ letters swapped per copy
CRAWLERS = {
    "a": "fetch-only spider",
    "b": "trafilatura by hand",
    "c": "newscrawler (scrapy crawl news)",
}


# --- the site -------------------------------------------------------------------------------------


def source_pages() -> list[Path]:
    aeb = sorted((DATASETS / "aeb" / "html").glob("*.html.gz"))
    fundus = sorted((DATASETS / "fundus-dev").glob("*/page.html.gz"))
    if not aeb and not fundus:
        raise SystemExit(f"no source pages under {DATASETS}")
    return aeb + fundus


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return re.sub(r"^\s*<\?xml[^>]*>", "", text)


WORD = re.compile(r"\w{3,}")
TEXT_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "td", "dd", "dt"}
SKIP = {"script", "style", "noscript", "template", "svg", "math"}
TEXT_META = {"description", "og:title", "og:description", "twitter:title", "twitter:description", "title"}
LD_TEXT_KEYS = {"headline", "alternativeHeadline", "articleBody", "description", "text", "abstract"}


class Rewriter:
    """Swaps about SWAP_SHARE of the words for other words of the same page, from a per-copy seed."""

    def __init__(self, vocabulary: list[str], seed: int) -> None:
        self.vocabulary = vocabulary or ["news"]
        self.rng = random.Random(seed)

    def __call__(self, text: str | None) -> str | None:
        if not text or not text.strip():
            return text
        return WORD.sub(self._word, text)

    def _word(self, m: re.Match[str]) -> str:
        word = m.group(0)
        if self.rng.random() >= SWAP_SHARE:
            return word
        new = self.rng.choice(self.vocabulary)
        if word[0].isupper():
            new = new[:1].upper() + new[1:]
        return new


def slugify(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:60].rstrip("-") or "article"


def article_path(copy_id: int, title: str) -> str:
    return f"{ARTICLE_PREFIX}{copy_id:05d}-{slugify(title)}.html"


def _walk_ld(node: Any, rewrite: Rewriter, url: str) -> Any:
    if isinstance(node, dict):
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        is_page = any(isinstance(t, str) and ("Article" in t or "WebPage" in t) for t in types)
        out = {}
        for key, value in node.items():
            if key in LD_TEXT_KEYS and isinstance(value, str):
                out[key] = rewrite(value)
            elif isinstance(value, str) and (
                key == "mainEntityOfPage" or (key in ("url", "@id") and is_page)
            ):
                out[key] = url
            else:
                out[key] = _walk_ld(value, rewrite, url)
        return out
    if isinstance(node, list):
        return [_walk_ld(v, rewrite, url) for v in node]
    return node


def make_copy(job: tuple[int, str, str]) -> tuple[str, str]:
    """(copy id, source page, site dir) -> (path, title) of the copy, written under site dir."""
    import lxml.html

    copy_id, source, site_dir = job
    with gzip.open(source) as f:
        doc = lxml.html.document_fromstring(decode(f.read()))
    body_words = sorted(set(WORD.findall(" ".join(doc.xpath("//body//p//text()")))))
    seed = int.from_bytes(hashlib.sha256(f"{copy_id}:{source}".encode()).digest()[:8], "big")
    rewrite = Rewriter(body_words, seed)

    head = doc.find("head")
    if head is None:
        head = lxml.html.Element("head")
        doc.insert(0, head)
    title_el = head.find("title")
    if title_el is None:
        title_el = lxml.html.Element("title")
        head.append(title_el)
    title = rewrite(title_el.text or "") or f"Story {copy_id}"
    title_el.text = title
    path = article_path(copy_id, title)
    url = PLACEHOLDER + path

    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in SKIP:
            continue
        in_block = tag in TEXT_BLOCKS or any(a.tag in TEXT_BLOCKS for a in el.iterancestors())
        if el.text and (in_block or len(el.text.split()) >= 6):
            el.text = rewrite(el.text)
        parent = el.getparent()
        if el.tail and parent is not None and parent.tag not in SKIP:
            parent_block = parent.tag in TEXT_BLOCKS or any(
                a.tag in TEXT_BLOCKS for a in parent.iterancestors()
            )
            if parent_block or len(el.tail.split()) >= 6:
                el.tail = rewrite(el.tail)

    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in TEXT_META and meta.get("content"):
            meta.set("content", rewrite(meta.get("content")) or "")
        elif key in ("og:url", "twitter:url"):
            meta.set("content", url)
        if meta.get("charset") or (meta.get("http-equiv") or "").lower() == "content-type":
            meta.drop_tree()
    for link in doc.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            link.drop_tree()
    for base in doc.iter("base"):
        base.drop_tree()
    for script in doc.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        script.text = json.dumps(_walk_ld(data, rewrite, url), ensure_ascii=False).replace("</", "<\\/")
    head.insert(0, lxml.html.fromstring('<meta charset="utf-8">'))
    head.append(lxml.html.fromstring(f'<link rel="canonical" href="{url}">'))
    if not doc.xpath('//meta[@property="og:url"]'):
        head.append(lxml.html.fromstring(f'<meta property="og:url" content="{url}">'))

    html = lxml.html.tostring(doc, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
    target = Path(site_dir) / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return path, title


def build_site(site_dir: Path, n: int, port: int) -> list[str]:
    """The copies, cached in site_dir; returns their paths. Pages name their own absolute URL."""
    manifest = site_dir / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        if m.get("version") == GENERATOR_VERSION and m.get("pages") == n:
            print(f"Reusing the site in {site_dir} ({n} pages)", flush=True)
            if m["port"] != port:
                retarget(site_dir, m["paths"], m["port"], port)
                m["port"] = port
                manifest.write_text(json.dumps(m))
            write_indexes(site_dir, m["paths"], port)
            return m["paths"]
    shutil.rmtree(site_dir / "news", ignore_errors=True)
    sources = source_pages()
    print(f"Generating {n} pages from {len(sources)} real pages into {site_dir}...", flush=True)
    started = time.monotonic()
    jobs = [(i, str(sources[i % len(sources)]), str(site_dir)) for i in range(n)]
    with Pool(os.cpu_count() or 2) as pool:
        made = pool.map(make_copy, jobs, chunksize=8)
    paths = [p for p, _ in made]
    retarget(site_dir, paths, None, port)
    write_indexes(site_dir, paths, port)
    size = sum((site_dir / p.lstrip("/")).stat().st_size for p in paths)
    print(f"  {n} pages, {size / 2**20:.0f} MB, in {time.monotonic() - started:.0f} s", flush=True)
    manifest.write_text(json.dumps({"version": GENERATOR_VERSION, "pages": n, "port": port, "paths": paths}))
    return paths


def retarget(site_dir: Path, paths: list[str], old: int | None, new: int) -> None:
    before = PLACEHOLDER if old is None else PLACEHOLDER.format(port=old)
    for p in paths:
        f = site_dir / p.lstrip("/")
        f.write_text(
            f.read_text(encoding="utf-8").replace(before, PLACEHOLDER.format(port=new)), encoding="utf-8"
        )


def write_indexes(site_dir: Path, paths: list[str], port: int) -> None:
    base = PLACEHOLDER.format(port=port)
    chunks = [paths[k : k + SITEMAP_SIZE] for k in range(0, len(paths), SITEMAP_SIZE)]
    for k, chunk in enumerate(chunks):
        urls = "".join(f"<url><loc>{base}{p}</loc></url>\n" for p in chunk)
        (site_dir / f"sitemap-{k}.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{urls}</urlset>\n'
        )
    maps = "".join(f"<sitemap><loc>{base}/sitemap-{k}.xml</loc></sitemap>\n" for k in range(len(chunks)))
    (site_dir / "sitemap_index.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{maps}</sitemapindex>\n'
    )
    (site_dir / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap_index.xml\n")
    latest = "".join(f'<li><a href="{p}">Story {i}</a></li>' for i, p in enumerate(paths[:20]))
    (site_dir / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bench News</title></head>"
        f"<body><h1>Bench News</h1><ul>{latest}</ul></body></html>"
    )


# --- nginx ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(site_dir: Path, work: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = work / "access.log"
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.getuid() == 0 else ""
    conf = f"""
daemon off;
{user}
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/html text/plain application/xml;
    log_format bench '$msec $status $body_bytes_sent $request_uri';
    access_log {log} bench;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site_dir};
        index index.html;
    }}
}}
"""
    (work / "nginx.conf").write_text(conf)
    proc = subprocess.Popen(
        [NGINX, "-c", str(work / "nginx.conf"), "-p", str(work), "-e", str(work / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return proc, log
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit(f"nginx did not start: {(work / 'error.log').read_text(errors='replace')[-2000:]}")


def check_server(port: int, paths: list[str], threads: int = 16) -> dict[str, float]:
    """Fetch every article page once with `threads` keep-alive clients: nginx's pages/s here."""
    todo = list(paths)
    lock = threading.Lock()
    total = [0, 0]  # pages, bytes

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                if not todo:
                    break
                path = todo.pop()
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            with lock:
                total[0] += resp.status == 200
                total[1] += len(body)
        conn.close()

    started = time.monotonic()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.monotonic() - started
    return {
        "pages": total[0],
        "seconds": round(elapsed, 2),
        "pages_per_second": round(total[0] / elapsed, 1),
        "mb_per_second": round(total[1] / 2**20 / elapsed, 1),
    }


# --- measuring one run ----------------------------------------------------------------------------


def tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def memory_mb(root: int) -> tuple[float, float | None]:
    """(sum of VmRSS, sum of Pss or None) over the process tree, in MiB."""
    rss, pss, pss_ok = 0, 0, True
    for pid in tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
            except OSError:
                pss_ok = False
        except OSError:
            continue
    return rss / 1024, (pss / 1024 if pss_ok else None)


class AccessLog:
    """Reads the requests of one run from nginx's access log, from where the run started."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0
        self.pending = b""
        self.requests: list[tuple[float, int, str]] = []  # (time, status, path)
        self.articles = 0

    def poll(self) -> int:
        with self.path.open("rb") as f:
            f.seek(self.offset)
            data = f.read()
        self.offset += len(data)
        data = self.pending + data
        lines = data.split(b"\n")
        self.pending = lines.pop()
        for line in lines:
            parts = line.decode(errors="replace").split(" ", 3)
            if len(parts) < 4:
                continue
            t, status, uri = float(parts[0]), int(parts[1]), parts[3]
            self.requests.append((t, status, uri))
            if status == 200 and uri.startswith(ARTICLE_PREFIX):
                self.articles += 1
        return self.articles


def run_one(
    label: str, cmd: list[str], cwd: Path, env: dict[str, str], log: Path, access: Path, n: int, out: Path
) -> dict[str, Any]:
    reader = AccessLog(access)
    samples: list[tuple[float, float, float | None, int]] = []  # (t, rss, pss, articles)
    started = time.time()
    with log.open("w") as f:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            rss, pss = memory_mb(proc.pid)
            samples.append((time.time(), rss, pss, reader.poll()))
            time.sleep(0.2)
    ended = time.time()
    time.sleep(0.3)  # the last log lines
    reader.poll()
    reqs = reader.requests
    first = reqs[0][0] if reqs else None
    last_article = max((t for t, s, u in reqs if s == 200 and u.startswith(ARTICLE_PREFIX)), default=None)
    live = [s for s in samples if s[1] > 0]

    def rss_at(share: float) -> float | None:
        mark = max(1, int(n * share))
        hit = [s for s in live if s[3] >= mark]
        return round(hit[0][1], 1) if hit else (round(live[-1][1], 1) if live and share == 1.0 else None)

    records = sum(1 for _ in out.open(encoding="utf-8")) if out.exists() else None
    text = log.read_text(errors="replace")
    summary = next((line for line in text.splitlines() if "newscrawler summary" in line), None)
    span = ended - first if first else None
    pss_values = [s[2] for s in live if s[2] is not None]
    return {
        "crawler": label,
        "returncode": proc.returncode,
        "article_pages": reader.articles,
        "requests": len(reqs),
        "non_200": sum(1 for _, s, _u in reqs if s != 200),
        "wall_s": round(ended - started, 2),
        "first_request_s": round(first - started, 2) if first else None,
        "crawl_s": round(span, 2) if span else None,
        "last_article_to_exit_s": round(ended - last_article, 2) if last_article else None,
        "pages_per_s": round(reader.articles / span, 1) if span else None,
        "peak_rss_mb": round(max(s[1] for s in live), 1) if live else None,
        "peak_pss_mb": round(max(pss_values), 1) if pss_values else None,
        "rss_25_mb": rss_at(0.25),
        "rss_100_mb": rss_at(1.0),
        "records": records,
        "summary": summary.split("newscrawler summary", 1)[1].strip() if summary else None,
    }


def news_defaults(overrides: dict[str, str]) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from newscrawler import settings as project

    used = {k: getattr(project, k) for k in ("CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN")}
    used["DOWNLOAD_DELAY"] = getattr(project, "DOWNLOAD_DELAY", 0)
    used.update({k: v for k, v in overrides.items()})
    return used


def median(values: list[Any]) -> Any:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="article pages to generate and crawl")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of a,b,c (medians over them)")
    parser.add_argument("--only", default="a,b,c", help="which crawlers, e.g. a,c")
    parser.add_argument("--site-dir", type=Path, help="generated site cache (default: a temporary folder)")
    parser.add_argument(
        "--news-setting", action="append", default=[], metavar="NAME=VALUE", help="extra -s for (c) only"
    )
    parser.add_argument(
        "--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS(_PER_DOMAIN) for (a)(b)"
    )
    parser.add_argument("--out", type=Path, help="write the result as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, outputs)")
    args = parser.parse_args(argv)
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    if not only or any(c not in CRAWLERS for c in only):
        parser.error("--only takes a comma-separated subset of a,b,c")
    news_overrides = dict(s.partition("=")[::2] for s in args.news_setting)

    work = Path(tempfile.mkdtemp(prefix="newscrawler-crawlbench-"))
    site_dir = (args.site_dir or work / "site").resolve()
    site_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cached = site_dir / "manifest.json"
    if cached.exists():  # reuse the port the cached pages name, if it is free
        with contextlib.suppress(Exception):
            old = json.loads(cached.read_text())["port"]
            with socket.socket() as s:
                s.bind(("127.0.0.1", old))
            port = old
    paths = build_site(site_dir, args.pages, port)
    nginx, access = start_nginx(site_dir, work, port)
    url = f"http://127.0.0.1:{port}/"
    result: dict[str, Any] = {"pages": args.pages, "rounds": args.rounds, "url": url, "runs": []}
    try:
        check = check_server(port, paths)
        result["nginx_check"] = check
        print(
            f"nginx alone (16 keep-alive Python clients): {check['pages']} pages in {check['seconds']} s, "
            f"{check['pages_per_second']} pages/s, {check['mb_per_second']} MB/s",
            flush=True,
        )
        base_env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
        ab_settings = [
            "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", f"CONCURRENT_REQUESTS={args.concurrency}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}",
        ]  # fmt: skip
        news_used = news_defaults(news_overrides)
        result["settings"] = {
            "a": {
                "CONCURRENT_REQUESTS": args.concurrency,
                "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            },
            "b": {
                "CONCURRENT_REQUESTS": args.concurrency,
                "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            },
            "c": news_used,
        }
        print(
            f"(a)(b): AUTOTHROTTLE off, CONCURRENT_REQUESTS {args.concurrency}/{args.concurrency} per domain"
        )
        print(f"(c): AUTOTHROTTLE off, project settings + overrides: {news_used}", flush=True)
        for r in range(args.rounds):
            for c in only:
                run_dir = work / f"round{r}-{c}"
                run_dir.mkdir()
                out = run_dir / "out.jsonl"
                if c == "c":
                    cmd = [
                        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}",
                        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_STATE_DIR={run_dir / 'state'}",
                        "-O", str(out),
                    ]  # fmt: skip
                    for s in args.news_setting:
                        cmd += ["-s", s]
                    env = {
                        **base_env,
                        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), base_env.get("PYTHONPATH")])),
                    }
                    cwd = REPO
                else:
                    spider = "fetch" if c == "a" else "trafilatura"
                    cmd = [sys.executable, str(SPIDERS), spider, url, *ab_settings]
                    if c == "b":
                        cmd += ["--out", str(out)]
                    env, cwd = base_env, run_dir
                print(f"round {r + 1}/{args.rounds} ({c}) {CRAWLERS[c]}...", end=" ", flush=True)
                run = run_one(c, cmd, cwd, env, run_dir / "crawl.log", access, args.pages, out)
                run["round"] = r + 1
                result["runs"].append(run)
                print(
                    f"{run['article_pages']} pages, {run['pages_per_s']}/s, wall {run['wall_s']} s, "
                    f"peak RSS {run['peak_rss_mb']} MB, records {run['records']}, exit {run['returncode']}",
                    flush=True,
                )
                if run["summary"]:
                    print(f"    summary: {run['summary'][:600]}", flush=True)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            nginx.wait(10)
        if nginx.poll() is None:
            nginx.kill()

    keys = ["pages_per_s", "wall_s", "first_request_s", "crawl_s", "peak_rss_mb", "peak_pss_mb",
            "rss_25_mb", "rss_100_mb", "records", "article_pages", "requests"]  # fmt: skip
    medians = {
        c: {k: median([r[k] for r in result["runs"] if r["crawler"] == c]) for k in keys} for c in only
    }
    result["medians"] = medians
    rows = [
        "| crawler | pages/s | wall s | first request s | peak RSS MB | peak PSS MB | RSS @25% MB | RSS @100% MB | article pages | records |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in only:
        m = medians[c]
        rows.append(
            f"| ({c}) {CRAWLERS[c]} | {m['pages_per_s']} | {m['wall_s']} | {m['first_request_s']} | "
            f"{m['peak_rss_mb']} | {m['peak_pss_mb']} | {m['rss_25_mb']} | {m['rss_100_mb']} | "
            f"{m['article_pages']} | {m['records'] if c != 'a' else '-'} |"
        )
    table = "\n".join(rows)
    print(
        f"\nMedians over {args.rounds} round(s), {args.pages} pages, nginx alone {check['pages_per_second']} pages/s:\n"
    )
    print(table)
    ratios = {}
    for other in ("b", "a"):
        if "c" in medians and other in medians and medians[other]["pages_per_s"]:
            ratios[f"c/{other}"] = round(medians["c"]["pages_per_s"] / medians[other]["pages_per_s"], 3)
    if "b" in medians and "a" in medians and medians["a"]["pages_per_s"]:
        ratios["b/a"] = round(medians["b"]["pages_per_s"] / medians["a"]["pages_per_s"], 3)
    result["ratios"] = ratios
    result["table"] = table
    if ratios:
        print("\nThroughput ratios: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
    for run in result["runs"]:
        if run["crawler"] == "c" and run["summary"]:
            print(
                f"\n(c) round {run['round']}: {run['records']} records of {args.pages} pages; summary: {run['summary']}"
            )
    return finish(args, result, result["runs"], work)


def finish(args: argparse.Namespace, result: dict[str, Any], runs: list[dict[str, Any]], work: Path) -> int:
    """The result written to --out; the logs kept when asked or when a run failed (exit 1)."""
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nresult: {args.out}")
    failed = [r for r in runs if r["returncode"] != 0]
    if args.keep or failed:
        print(f"logs and outputs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
