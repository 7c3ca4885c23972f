"""Finding a Chromium to render with, and the browser names curl_cffi impersonates."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawler.browsers import find_browser, impersonation_problem


def test_a_configured_browser_must_be_an_executable(tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    assert find_browser(str(fake)) is None, "not executable"
    fake.chmod(0o755)
    assert find_browser(str(fake)) == str(fake)
    assert find_browser(str(tmp_path / "missing")) is None


def test_without_a_setting_the_chromium_on_path_is_found(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_browser() is None
    chromium = tmp_path / "chromium-browser"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    assert find_browser() == str(chromium)


@pytest.mark.parametrize("name", ["chrome", "firefox", "safari", "chrome131", ""])
def test_browser_names_curl_cffi_knows_are_accepted(name: str) -> None:
    assert impersonation_problem(name) is None


def test_an_unknown_browser_name_is_refused_with_the_choices() -> None:
    problem = impersonation_problem("chromium")
    assert problem is not None and "chrome" in problem and "\n" not in problem
