"""An extraction function whose module takes 3 s to load in each worker (tests/test_pool.py)."""

import time

time.sleep(3)


def extract(page: str) -> str:
    return "extracted"
