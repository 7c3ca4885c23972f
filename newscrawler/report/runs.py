"""The crawl report's input: one Run per crawl, its JSONL output read a line at a time and each
record kept only as far as the report needs it (``slim``), with its stats and monitors' results
when found. A bad input is a ReportError (one ``error:`` line, exit status 2).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newscrawler.text import word_count

Record = dict[str, Any]

# Fields whose coverage is shown, in schema order (docs/fields.md); url and metadata are always there.
COVERAGE_FIELDS = (
    "headline",
    "description",
    "articleBody",
    "authors",
    "datePublished",
    "dateModified",
    "inLanguage",
    "articleSection",
    "keywords",
    "mainImage",
    "isAccessibleForFree",
    "publisher",
)

SHOWN = 300  # characters of a headline or URL the latest-articles table can show


class ReportError(Exception):
    """A mistake in the input: reported as one `error:` line, exit status 2."""


@dataclass
class Run:
    """One crawl: its JSONL output and, when found, its stats and monitors' results."""

    name: str
    path: Path
    records: list[Record]
    broken_lines: int = 0
    stats: dict[str, Any] | None = None
    stats_path: Path | None = None
    monitors: dict[str, Any] | None = None
    monitors_path: Path | None = None
    notes: list[str] = field(default_factory=list)


def is_filled(value: Any) -> bool:
    """A field that says something: False (isAccessibleForFree) and 0 do, "" and [] do not."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def words_of(record: Record) -> int:
    """The record's wordCount, else the words of its body counted as the crawl counts them (each
    Chinese or Japanese character is a word)."""
    count = record.get("wordCount")
    if isinstance(count, int) and not isinstance(count, bool):
        return count
    body = record.get("articleBody")
    return (word_count(body) or 0) if isinstance(body, str) else 0


def slim(record: Record) -> Record:
    """What the plots and tables read of a record: its site, dates, headline, URL and word count,
    and for the other fields only whether they are filled (the body is the bulk of a record)."""
    out: Record = {name: True for name in COVERAGE_FIELDS if is_filled(record.get(name))}
    for name in ("datePublished", "dateModified"):
        if isinstance(record.get(name), str):
            out[name] = record[name][:64]
    for name in ("headline", "url"):
        if isinstance(record.get(name), str):
            out[name] = record[name][:SHOWN]
    out["wordCount"] = words_of(record)
    metadata = record.get("metadata")
    if isinstance(metadata, dict) and metadata.get("site"):
        out["metadata"] = {"site": metadata["site"]}
    return out


def read_jsonl(path: Path) -> tuple[list[Record], int]:
    """(records, broken lines), read a line at a time and each record kept only as far as the
    report needs it (``slim``): a 200 MB output is never held whole. A missing or empty file, or
    one with no valid record, is an error."""
    records: list[Record] = []
    broken = 0
    try:
        with path.open("rb") as f:
            for raw in f:
                if not raw.strip():
                    continue
                try:
                    value = json.loads(raw)
                except ValueError:  # UnicodeDecodeError too: a line that is not UTF-8 JSON
                    broken += 1
                    continue
                if isinstance(value, dict):
                    records.append(slim(value))
                else:
                    broken += 1
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read it ({exc})") from None
    if not records:
        if broken:
            raise ReportError(f"{path}: none of its {broken} lines is an article record (JSON object)")
        raise ReportError(f"{path}: empty, no article records")
    return records, broken


def read_json_object(path: Path, what: str) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read it ({exc})") from None
    except ValueError as exc:
        raise ReportError(f"{path}: not a valid {what} file ({exc})") from None
    if not isinstance(value, dict):
        raise ReportError(f"{path}: not a valid {what} file (expected a JSON object)")
    return value


def read_monitors(path: Path) -> dict[str, Any]:
    value = read_json_object(path, "monitors")
    results = value.get("results")
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ReportError(f'{path}: not a valid monitors file ("results" must be a list of objects)')
    return value


def run_file(jsonl: Path, suffix: str) -> Path:
    """`output/demo.jsonl` -> `output/demo<suffix>`, as sample_site/demo.py names the stats file."""
    return jsonl.with_name(jsonl.stem + suffix) if jsonl.suffix else jsonl.with_name(jsonl.name + suffix)


def load_runs(
    jsonls: Sequence[Path], stats_files: Sequence[Path] = (), monitor_files: Sequence[Path] = ()
) -> list[Run]:
    """One Run per JSONL. The i-th explicit stats (monitors) file belongs to the i-th JSONL; a JSONL
    without one gets `<stem>.stats.json` (`<stem>.monitors.json`) from its folder, when present."""
    if not jsonls:
        raise ReportError("name at least one JSONL output")
    for files, option in ((stats_files, "--stats"), (monitor_files, "--monitors")):
        if len(files) > len(jsonls):
            raise ReportError(
                f"{len(files)} {option} files for {len(jsonls)} JSONL outputs: give at most one per output, in the same order"
            )
    runs: list[Run] = []
    for i, path in enumerate(jsonls):
        records, broken = read_jsonl(path)
        run = Run(name=path.stem, path=path, records=records, broken_lines=broken)
        stats_path = stats_files[i] if i < len(stats_files) else run_file(path, ".stats.json")
        if i < len(stats_files) or stats_path.exists():
            run.stats, run.stats_path = read_json_object(stats_path, "stats"), stats_path
        monitors_path = monitor_files[i] if i < len(monitor_files) else run_file(path, ".monitors.json")
        if i < len(monitor_files) or monitors_path.exists():
            run.monitors, run.monitors_path = read_monitors(monitors_path), monitors_path
        runs.append(run)
    # Outputs of different folders may share a name (output/a/x.jsonl, output/b/x.jsonl).
    names = Counter(r.name for r in runs)
    for run in runs:
        if names[run.name] > 1:
            run.name = f"{run.path.parent.name}/{run.path.name}"
    return runs
