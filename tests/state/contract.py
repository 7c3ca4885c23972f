"""What the contract tests of every state store share: sample texts and a short claim."""

from __future__ import annotations

from collections.abc import Callable

from newscrawler.state import StateStore
from newscrawler.text import signature

WHEN = "2024-05-01T10:00:00+00:00"
TEXT = "the council approved the new budget for the harbour district after a long debate on tuesday"
OTHER = "a storm closed the coastal road and the ferry to the islands for two days this week"

Opener = Callable[..., StateStore]


def claim(store: StateStore, key: str, text: str = TEXT, fp: int = 1, known: int = 0) -> int | None:
    return store.claim([key], f"https://news.example/{key}", fp, signature(text), WHEN, WHEN, known=known)
