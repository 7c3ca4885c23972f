"""A real redis-server on 127.0.0.1 and a free port, started and stopped by the tests and the
benchmarks (`redis-server` comes from the system; `make install` installs it when missing)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redis


class RedisServer:
    """A real redis-server on 127.0.0.1 and a free port, its files in `folder`; with
    `persistent`, every write is in the append-only file before it is acknowledged."""

    def __init__(self, folder: Path, persistent: bool = False) -> None:
        self.folder = folder
        self.persistent = persistent
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        )
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--dir", str(self.folder), "--protected-mode", "no", *persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(
                        "redis-server did not start (is it installed? `make install`)"
                    ) from None
                time.sleep(0.05)
        client.close()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis-server saves what persistence asks, then exits
            self.proc.wait(timeout=20)
        self.proc = None
