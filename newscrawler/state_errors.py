"""STATE_ERRORS: what the crawl state raises when it fails mid-crawl (its own StateError, SQLite's
and Redis's errors).

The pipelines and template learning catch them: the failure is logged once, the article is a
counted drop (``dropped/state_error``) and the crawl exits with status 4 (EXIT_STATE_FAILED).
"""

from __future__ import annotations

import sqlite3

import redis

from newscrawler.state import StateError

STATE_ERRORS = (StateError, sqlite3.Error, redis.RedisError)
