"""Rendering's cost (#22): client-rendered article pages crawled through Chromium, and plain pages
crawled with NEWSCRAWLER_RENDER=auto against never.

    python benchmarks/render.py [--rendered 200] [--plain 2000] [--rounds 3] [--render-rounds 1]
                                [--site-dir DIR] [--out result.json] [--keep]

Part 1, rendering. --rendered distinct copies of the real pages in ../shared/datasets (the ones
benchmarks/crawl.py generates: copy i of the first --rendered is the same page there) served as a
single-page news app does, the way sample_site's --rendered mode does and with its code
(sample_site.pages.app_shell, APP_JS, app_article): every article URL answers the app shell, whose
/static/app.js fetches /api/article?path=... and renders the page's head and body from the JSON.
robots.txt, the sitemaps and the home page are crawl.py's. Served by a threaded Python HTTP server
in this process (HTTP/1.1 keep-alive; it writes an nginx-style access log and counts hits per path),
not nginx: the API answer is built per request. Per round, alternated:
  rendered: python -m scrapy crawl news -a url=... with the project's defaults (NEWSCRAWLER_RENDER
            auto, so every shell is fetched plain, found to be an app shell and fetched again
            through /usr/bin/chromium), -s AUTOTHROTTLE_ENABLED=False, a fresh NEWSCRAWLER_STATE_DIR;
  twin:     the same crawl of the same pages served plain (what rendering costs on top; the records
            the rendered crawl must match, field for field but metadata).
Part 2, plain pages. --plain copies served as static files by nginx (crawl.py's site, generator and
nginx config), crawled with the defaults (auto) and with -s NEWSCRAWLER_RENDER=never, alternated
ABBA-style over --rounds rounds (auto, never; never, auto; ...). With auto no browser may start:
`playwright/browser_count` must be absent from the crawl's stats and no Chromium process may appear.

Per run: wall time (process start -> exit), time to first request, records written, records per
wall second, article pages served per second from the first request to exit (crawl.py's pages/s),
peak RSS and PSS summed over the crawl's whole process tree (sampled every 0.2 s from /proc: the
crawl, its extraction processes, the Playwright driver, Chromium and its renderers, and Chromium's
crash handlers, which leave the tree), the tree's split by role at the PSS peak, the tree's CPU
seconds by role (user + system, as last sampled: less at the mercy of other work on the machine than
the wall time), browser processes still alive after the crawl exited, and the load average. MB are
MiB. Not part of `make test`; at the defaults about 13 minutes on 2 cores with other work beside it
(load average 3), half an hour under heavy load. Part 2 needs nginx (`apt-get install nginx-light`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's newscrawler, sample_site and benchmarks

from benchmarks.crawl import (  # noqa: E402
    ARTICLE_PREFIX,
    AccessLog,
    build_site,
    finish,
    free_port,
    median,
    start_nginx,
    tree,
)
from sample_site import pages  # noqa: E402

SAMPLE_EVERY = 0.2  # seconds between two /proc samples of the process tree
BROWSER_ROLES = (
    "playwright driver",
    "chromium browser",
    "chromium renderer",
    "chromium other",
    "chromium crash handler",
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CRASH_HANDLER_WINDOW = 3 * CLOCK_TICKS  # started within 3 s of our browser: its own
STATIC = {".xml": "application/xml", ".txt": "text/plain", ".html": "text/html"}


# --- the app site ---------------------------------------------------------------------------------


class AppSite:
    """The generated copies, served either as app shells (``shells``) or plain, with an access log
    in the format crawl.AccessLog reads ("$msec $status $body_bytes_sent $request_uri")."""

    def __init__(self, site_dir: Path, paths: list[str], log: Path) -> None:
        self.site_dir = site_dir
        self.articles = set(paths)
        self.shells = True
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.log_path = log
        self.log = log.open("a", buffering=1, encoding="utf-8")

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if path in self.articles:
            if self.shells:
                return 200, "text/html", pages.app_shell().encode()
            return 200, "text/html", (self.site_dir / path.lstrip("/")).read_bytes()
        if path == "/static/app.js" and self.shells:
            return 200, "application/javascript", pages.APP_JS.encode()
        if path == "/api/article" and self.shells:
            wanted = (query.get("path") or [""])[0]
            if wanted not in self.articles:
                return 404, "application/json", b"{}"
            html = (self.site_dir / wanted.lstrip("/")).read_text(encoding="utf-8")
            return 200, "application/json", pages.app_article(html).encode()
        name = "index.html" if path == "/" else path.lstrip("/")
        file = self.site_dir / name
        if "/" not in name and file.suffix in STATIC and file.is_file():
            return 200, STATIC[file.suffix], file.read_bytes()
        return 404, "text/html", b"<html><body><h1>Not found</h1></body></html>"

    def served(self, status: int, size: int, uri: str) -> None:
        with self.lock:
            self.hits[urlsplit(uri).path] += 1
            self.log.write(f"{time.time():.3f} {status} {size} {uri}\n")


def serve_app(site: AppSite, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as nginx

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, ctype, body = site.answer(parts.path, parse_qs(parts.query))
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)
            site.served(status, len(body), self.path)

        def log_message(self, format: str, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a client closing a kept-alive connection
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- measuring one crawl --------------------------------------------------------------------------


def role(pid: int, root: int) -> str:
    """What a process of the crawl's tree is, from its command line (Chromium rewrites its
    processes' titles into one string: "/usr/lib/chromium/chromium --type=renderer ...")."""
    try:
        line = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "exited while sampled"
    if pid == root:
        return "crawl process"
    if "chrome_crashpad_handler" in line:
        return "chromium crash handler"
    if "--type=renderer" in line:
        return "chromium renderer"
    if "--type=" in line:  # zygotes, the GPU process, the network service (its exe: /proc/self/exe)
        return "chromium other"
    if "chrom" in line.split(" ", 1)[0]:
        return "chromium browser"
    if "run-driver" in line:
        return "playwright driver"
    return "extraction and helpers"  # the extraction pool, its fork server, the resource tracker


def start_time(pid: int) -> str | None:
    """The process's start time in clock ticks (field 22 of stat): a pid with another is another."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def cpu_ticks(pid: int) -> tuple[str, int] | None:
    """(start time, user + system CPU so far) of one process, in clock ticks (stat fields 22, 14, 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[19], int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def crash_handlers(browser_start: int) -> list[int]:
    """Chromium's crash handlers started just after our browser: they leave the tree (the process
    that forked them exits, they are init's), so they are found by name and start time."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            if b"chrome_crashpad_handler" in Path(f"/proc/{entry}/cmdline").read_bytes():
                started = start_time(int(entry))
                if started is not None and 0 <= int(started) - browser_start <= CRASH_HANDLER_WINDOW:
                    found.append(int(entry))
    return found


def process_memory(pid: int) -> tuple[float, float] | None:
    """(VmRSS, Pss) of one process in MiB; None when it is gone or a kernel thread."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    pss = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return rss / 1024, pss / 1024


class TreeSampler:
    """Peak RSS and PSS of a process tree, its split by role at the PSS peak, the browser
    processes seen (to find any left running once the crawl is over)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        self.at_peak: dict[str, dict[str, float]] = {}
        self.most_renderers = 0
        self.browser_seen: dict[int, tuple[str, str | None]] = {}
        self.browser_start: int | None = None
        self.cpu: dict[tuple[int, str], tuple[str, int]] = {}  # (pid, start) -> (role, CPU ticks)

    def sample(self) -> None:
        split: dict[str, dict[str, float]] = {}
        rss_sum = pss_sum = 0.0
        outside = crash_handlers(self.browser_start) if self.browser_start is not None else []
        for pid in tree(self.root) + outside:
            memory = process_memory(pid)
            if memory is None:
                continue
            kind = role(pid, self.root)  # every time: between fork and exec a child has its parent's
            if kind in BROWSER_ROLES:
                self.browser_seen[pid] = (kind, start_time(pid))
                if kind == "chromium browser" and self.browser_start is None:
                    self.browser_start = int(self.browser_seen[pid][1] or 0)
            ticks = cpu_ticks(pid)
            if ticks is not None:
                self.cpu[(pid, ticks[0])] = (kind, ticks[1])
            row = split.setdefault(kind, {"processes": 0, "rss_mb": 0.0, "pss_mb": 0.0})
            row["processes"] += 1
            row["rss_mb"] += memory[0]
            row["pss_mb"] += memory[1]
            rss_sum += memory[0]
            pss_sum += memory[1]
        self.peak_rss = max(self.peak_rss, rss_sum)
        self.most_renderers = max(
            self.most_renderers, int(split.get("chromium renderer", {}).get("processes", 0))
        )
        if pss_sum > self.peak_pss:
            self.peak_pss = pss_sum
            self.at_peak = {k: {n: round(v, 1) for n, v in row.items()} for k, row in split.items()}

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds per role, as last sampled: the tree's CPU but a process's last 0.2 s (and a
        process that lived less than that). Less at the mercy of other work than the wall time."""
        out: Counter[str] = Counter()
        for kind, ticks in self.cpu.values():
            out[kind] += ticks / CLOCK_TICKS
        return {k: round(v, 1) for k, v in sorted(out.items())}

    def left_running(self) -> list[str]:
        """Browser processes of this crawl alive after it exited (same pid, same start time)."""
        return [
            f"{pid} ({kind})"
            for pid, (kind, started) in self.browser_seen.items()
            if started is not None and start_time(pid) == started
        ]


def news_command(url: str, run_dir: Path, settings: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={url}",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"NEWSCRAWLER_STATE_DIR={run_dir / 'state'}",
        "-s", f"NEWSCRAWLER_STATS_FILE={run_dir / 'stats.json'}", *settings, "-O", str(run_dir / "out.jsonl"),
    ]  # fmt: skip


def run_crawl(label: str, url: str, run_dir: Path, settings: list[str], access: Path) -> dict[str, Any]:
    """One `scrapy crawl news`, sampled until it exits; its figures."""
    run_dir.mkdir(parents=True)
    reader = AccessLog(access)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    load_before = os.getloadavg()[0]
    started = time.time()
    with (run_dir / "crawl.log").open("w") as log:
        proc = subprocess.Popen(
            news_command(url, run_dir, settings), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        sampler = TreeSampler(proc.pid)
        while proc.poll() is None:
            sampler.sample()
            reader.poll()
            time.sleep(SAMPLE_EVERY)
    ended = time.time()
    time.sleep(1.0)  # the last log lines; a browser that outlives the crawl is still there
    reader.poll()
    left = sampler.left_running()
    return figures(label, proc.returncode, started, ended, reader, sampler, run_dir) | {
        "cpu_s": round(sum(sampler.cpu_by_role().values()), 1),
        "cpu_by_role": sampler.cpu_by_role(),
        "settings": settings,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "browser_left_running": left,
    }


def figures(
    label: str,
    code: int,
    started: float,
    ended: float,
    reader: AccessLog,
    sampler: TreeSampler,
    run_dir: Path,
) -> dict[str, Any]:
    out, stats_file = run_dir / "out.jsonl", run_dir / "stats.json"
    records = [json.loads(line) for line in out.open(encoding="utf-8")] if out.exists() else []
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    hits = [(t, u) for t, s, u in reader.requests if s == 200 and u.startswith(ARTICLE_PREFIX)]
    first = reader.requests[0][0] if reader.requests else None
    wall = ended - started
    log = (run_dir / "crawl.log").read_text(errors="replace")
    summary = next((line for line in log.splitlines() if "newscrawler summary" in line), "")
    return {
        "crawl": label,
        "returncode": code,
        "wall_s": round(wall, 2),
        "first_request_s": round(first - started, 2) if first else None,
        "records": len(records),
        "records_per_s": round(len(records) / wall, 2),
        "article_pages": len({u for _, u in hits}),
        "article_requests": len(hits),
        "pages_per_s": round(len({u for _, u in hits}) / (ended - first), 2) if first else None,
        "peak_rss_mb": round(sampler.peak_rss, 1),
        "peak_pss_mb": round(sampler.peak_pss, 1),
        "at_pss_peak": sampler.at_peak,
        "most_renderers": sampler.most_renderers,
        "browser_processes_seen": len(sampler.browser_seen),
        "stats": {
            k: v
            for k, v in stats.items()
            if k.startswith(("playwright/", "newscrawler/render", "newscrawler/dropped"))
        },
        "summary": summary.split("newscrawler summary", 1)[1].strip() if summary else None,
        "errors": [line for line in log.splitlines() if " ERROR" in line or line.startswith("error:")][:5],
    }


# --- the two parts --------------------------------------------------------------------------------


def site_port(site_dir: Path) -> int:
    """The port a cached site's pages name when it is free (no rewrite of every page), else a free one."""
    with contextlib.suppress(Exception):
        old = int(json.loads((site_dir / "manifest.json").read_text())["port"])
        with socket.socket() as s:
            s.bind(("127.0.0.1", old))
        return old
    return free_port()


def hit_check(hits: Counter[str], paths: list[str]) -> dict[str, Any]:
    """How often the rendered crawl asked for each thing: every shell twice (plain, then the browser)."""
    per_page = Counter(hits.get(p, 0) for p in paths)
    return {
        "shells_fetched_twice": per_page.get(2, 0),
        "shells_fetched_otherwise": {str(k): v for k, v in per_page.items() if k != 2},
        "api_requests": hits.get("/api/article", 0),
        "app_js_requests": hits.get("/static/app.js", 0),
    }


def same_as_twin(rendered: Path, twin: Path) -> dict[str, Any]:
    """Rendered records against the plain twin's, every field but metadata (when and how fetched)."""

    def load(path: Path) -> dict[str, dict[str, Any]]:
        rows = [json.loads(line) for line in path.open(encoding="utf-8")] if path.exists() else []
        return {r["url"]: {k: v for k, v in r.items() if k != "metadata"} for r in rows}

    got, want = load(rendered), load(twin)
    differ = sorted(u for u in got.keys() & want.keys() if got[u] != want[u])
    fields = Counter(
        k for u in differ for k in got[u].keys() | want[u].keys() if got[u].get(k) != want[u].get(k)
    )
    return {
        "identical": len(got.keys() & want.keys()) - len(differ),
        "differ": len(differ),
        "fields_differing": dict(fields),
        "only_rendered": len(got.keys() - want.keys()),
        "only_twin": len(want.keys() - got.keys()),
    }


def part_rendered(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    site_dir = args.site_dir / f"rendered-{args.rendered}"
    site_dir.mkdir(parents=True, exist_ok=True)
    port = site_port(site_dir)
    paths = build_site(site_dir, args.rendered, port)
    site = AppSite(site_dir, paths, work / "app-access.log")
    server = serve_app(site, port)
    url = f"http://127.0.0.1:{port}/"
    runs: list[dict[str, Any]] = []
    try:
        for r in range(args.render_rounds):
            for label in ("rendered", "twin"):
                site.shells = label == "rendered"
                before = Counter(site.hits)
                print(f"part 1, round {r + 1}/{args.render_rounds}: {label}...", end=" ", flush=True)
                run = run_crawl(label, url, work / f"part1-{r}-{label}", [], site.log_path)
                run["round"] = r + 1
                if label == "rendered":
                    run["hits"] = hit_check(site.hits - before, paths)
                else:
                    run["versus_twin"] = same_as_twin(
                        work / f"part1-{r}-rendered" / "out.jsonl", work / f"part1-{r}-twin" / "out.jsonl"
                    )
                runs.append(run)
                print(line_of(run), flush=True)
    finally:
        server.shutdown()
        site.log.close()
    return runs


def part_plain(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    site_dir = args.site_dir / f"plain-{args.plain}"
    site_dir.mkdir(parents=True, exist_ok=True)
    port = site_port(site_dir)
    build_site(site_dir, args.plain, port)
    nginx, access = start_nginx(site_dir, work, port)
    url = f"http://127.0.0.1:{port}/"
    modes = {"auto": [], "never": ["-s", "NEWSCRAWLER_RENDER=never"]}  # auto: the default, unset
    runs: list[dict[str, Any]] = []
    try:
        for r in range(args.rounds):
            for mode in ("auto", "never") if r % 2 == 0 else ("never", "auto"):  # ABBA: drift cancels
                print(f"part 2, round {r + 1}/{args.rounds}: {mode}...", end=" ", flush=True)
                run = run_crawl(mode, url, work / f"part2-{r}-{mode}", modes[mode], access)
                run["round"] = r + 1
                runs.append(run)
                print(line_of(run), flush=True)
    finally:
        nginx.send_signal(signal.SIGQUIT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            nginx.wait(10)
        if nginx.poll() is None:
            nginx.kill()
    return runs


def line_of(run: dict[str, Any]) -> str:
    return (
        f"{run['records']} records in {run['wall_s']} s ({run['records_per_s']}/s), "
        f"{run['pages_per_s']} pages/s from the first request, CPU {run['cpu_s']} s, peak RSS {run['peak_rss_mb']} MB, "
        f"PSS {run['peak_pss_mb']} MB, browser processes {run['browser_processes_seen']}, "
        f"load {run['load_before']}, exit {run['returncode']}"
    )


# --- the report -----------------------------------------------------------------------------------

HEAD = (
    "| crawl | round | records | wall s | records/s | pages/s from 1st request | first request s "
    "| CPU s | CPU ms/record | peak RSS MB | peak PSS MB | browser processes | load |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def row(run: dict[str, Any]) -> str:
    return (
        f"| {run['crawl']} | {run['round']} | {run['records']} | {run['wall_s']} | {run['records_per_s']} | "
        f"{run['pages_per_s']} | {run['first_request_s']} | {run['cpu_s']} | {cpu_per_record(run)} | "
        f"{run['peak_rss_mb']} | {run['peak_pss_mb']} | "
        f"{run['browser_processes_seen']} | {run['load_before']} |"
    )


def cpu_per_record(run: dict[str, Any]) -> float | None:
    return round(1000 * run["cpu_s"] / run["records"], 1) if run["records"] else None


def medians(runs: list[dict[str, Any]], label: str) -> dict[str, Any]:
    keys = (
        "records",
        "wall_s",
        "records_per_s",
        "pages_per_s",
        "first_request_s",
        "cpu_s",
        "peak_rss_mb",
        "peak_pss_mb",
    )
    mine = [r for r in runs if r["crawl"] == label]
    return {k: median([r[k] for r in mine]) for k in keys} | {
        "cpu_ms_per_record": median([cpu_per_record(r) for r in mine]),
        "runs": len(mine),
    }


def report(result: dict[str, Any]) -> None:
    runs = result["rendered_runs"] + result["plain_runs"]
    print("\n" + HEAD + "\n" + "\n".join(row(r) for r in runs))
    for run in result["rendered_runs"]:
        print(f"\n{run['crawl']} round {run['round']}: tree at the PSS peak:")
        for kind, split in sorted(run["at_pss_peak"].items()):
            print(
                f"    {kind}: {split['processes']} processes, RSS {split['rss_mb']} MB, PSS {split['pss_mb']} MB"
            )
        print(
            f"    most renderer processes at once: {run['most_renderers']}; CPU s by role: {run['cpu_by_role']}"
        )
        print(f"    {run.get('hits') or run.get('versus_twin')}")
        print(f"    stats: {run['stats']}")
        print(f"    browser processes left running after exit: {run['browser_left_running'] or 'none'}")
    for label in ("auto", "never"):
        result["medians"][label] = medians(result["plain_runs"], label)
    auto, never = result["medians"]["auto"], result["medians"]["never"]
    if auto["pages_per_s"] and never["pages_per_s"]:
        result["auto_over_never"] = round(auto["pages_per_s"] / never["pages_per_s"], 3)
        print(f"\nplain pages, medians: auto {auto}\n                      never {never}")
        print(f"pages/s auto/never: {result['auto_over_never']}")
    if auto["cpu_ms_per_record"] and never["cpu_ms_per_record"]:
        result["cpu_auto_over_never"] = round(auto["cpu_ms_per_record"] / never["cpu_ms_per_record"], 3)
        print(f"CPU per record auto/never: {result['cpu_auto_over_never']}")
    started = [
        r["crawl"] for r in result["plain_runs"] if r["crawl"] == "auto" and r["browser_processes_seen"]
    ]
    counted = [r["crawl"] for r in result["plain_runs"] if "playwright/browser_count" in r["stats"]]
    print(
        f"plain crawls where a browser started: {len(started)}; with playwright/browser_count: {len(counted)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rendered", type=int, default=200, help="client-rendered article pages (part 1)")
    parser.add_argument("--plain", type=int, default=2000, help="plain article pages (part 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of auto and never (part 2)")
    parser.add_argument("--render-rounds", type=int, default=1, help="rounds of rendered and twin (part 1)")
    parser.add_argument("--site-dir", type=Path, help="generated sites, cached (default: a temporary folder)")
    parser.add_argument("--out", type=Path, help="write the result as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, outputs)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newscrawler-renderbench-"))
    args.site_dir = (args.site_dir or work / "sites").resolve()
    result: dict[str, Any] = {
        "rendered": args.rendered,
        "plain": args.plain,
        "cores": os.cpu_count(),
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
        "medians": {},
    }
    result["rendered_runs"] = part_rendered(args, work) if args.rendered else []
    result["plain_runs"] = part_plain(args, work) if args.plain and args.rounds else []
    result["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.out:  # the runs first: a report that fails keeps them
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    report(result)
    print(f"load average (1, 5, 15 min): at start {result['load_at_start']}, at end {result['load_at_end']}")
    return finish(args, result, result["rendered_runs"] + result["plain_runs"], work)


if __name__ == "__main__":
    sys.exit(main())
