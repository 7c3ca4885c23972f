"""The package stays legible: small modules, short functions, each module saying its job first."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "newscrawler"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_is_over_500_lines() -> None:
    offenders = {
        str(p.relative_to(PACKAGE.parent)): n
        for p in modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not offenders, f"modules over {MAX_MODULE_LINES} lines: {offenders}"


def test_no_function_is_over_60_lines() -> None:
    offenders = {}
    for p in modules():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    offenders[f"{p.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}"] = length
    assert not offenders, f"functions over {MAX_FUNCTION_LINES} lines: {offenders}"


def test_every_module_opens_with_its_job() -> None:
    silent = [
        str(p.relative_to(PACKAGE.parent))
        for p in modules()
        if p.stat().st_size and not ast.get_docstring(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert not silent, f"modules without a docstring saying their job: {silent}"
