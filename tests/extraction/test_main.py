"""The extraction command line (`python -m newscrawler.extraction`, extraction/__main__.py): one
UTF-8 JSON line per page, or one error line and exit status 2."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


ARTICLE_TEXT = "".join(
    f"<p>Paragraph {i} of the article explains in plain words what the council decided about the "
    f"new bridge, who voted for it and why the works will take until next spring to finish.</p>"
    for i in range(6)
)


def test_cli_prints_one_utf8_json_line(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    f.write_text(page("<title>Kälte in München</title>", ARTICLE_TEXT), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "newscrawler.extraction", str(f), "--url", "https://x.example/a"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert out.count("\n") == 1 and "Kälte" in out and "\\u" not in out
    assert json.loads(out)["headline"] == "Kälte in München"


def test_cli_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "newscrawler.extraction",
            str(tmp_path / "nope.html"),
            "--url",
            "https://x.example/",
        ],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert (
        res.stderr.strip().count("\n") == 0 and "cannot read" in res.stderr and "Traceback" not in res.stderr
    )


def run_cli(page: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawler.extraction", str(page), "--url", "https://x.example/"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def one_line_error(res: subprocess.CompletedProcess[str], words: str) -> None:
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and words in res.stderr and "Traceback" not in res.stderr


def test_cli_a_gzip_bomb_is_refused_at_the_crawls_size_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as f:
        for _ in range(40):
            f.write(b"<p>" + b"a" * (1 << 20))  # 40 MB of text, about 40 KB on disk
    one_line_error(run_cli(bomb), "larger than")


def test_cli_corrupt_gzip_and_non_regular_files_are_one_line_errors(tmp_path: Path) -> None:
    corrupt = tmp_path / "page.html.gz"
    corrupt.write_bytes(gzip.compress(b"<html><body><p>hello</p></body></html>")[:-12] + b"\x00" * 12)
    one_line_error(run_cli(corrupt), "cannot read")
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    one_line_error(run_cli(fifo), "not a regular file")
    one_line_error(run_cli(tmp_path), "not a regular file")


def test_cli_refuses_binary_and_empty_pages(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"  # a gzip of a gzip bomb: still compressed after one gunzip
    bomb.write_bytes(gzip.compress(gzip.compress(b"\0" * (8 << 20), 9)))
    one_line_error(run_cli(bomb), "binary data")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    one_line_error(run_cli(empty), "empty")
    blank = tmp_path / "blank.html"
    blank.write_bytes(b"  \n\t ")
    one_line_error(run_cli(blank), "empty")
    utf16 = tmp_path / "utf16.html"  # NUL bytes, but a real page
    utf16.write_bytes(page("<title>Kälte</title>", ARTICLE_TEXT).encode("utf-16"))
    assert run_cli(utf16).returncode == 0
