"""A real redis-server on 127.0.0.1 and a free port, started and stopped by the tests and the
benchmarks (`redis-server` comes from the system; `make install` installs it when missing)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redis

ATTEMPTS = 5  # free ports tried: another process may take the one we found before redis binds it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A real redis-server on 127.0.0.1 and a free port, its files in `folder`; with
    `persistent`, every write is in the append-only file before it is acknowledged.

    A free port is found, released, then given to redis-server: between the two another process
    (a parallel test worker) may take it. The server then fails to bind, or the port answers for
    another redis: either way this one is stopped and started again on another free port. A
    restart (``stop()`` then ``start()``) keeps its port, as the crawls using it expect."""

    def __init__(self, folder: Path, persistent: bool = False) -> None:
        self.folder = folder
        self.persistent = persistent
        self.proc: subprocess.Popen[bytes] | None = None
        for attempt in range(ATTEMPTS):
            self.port = free_port()
            try:
                self.start()
                break
            except PortTaken:
                if attempt == ATTEMPTS - 1:
                    raise RuntimeError(f"redis-server found no free port in {ATTEMPTS} tries") from None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

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
        client = redis.Redis.from_url(self.url, socket_timeout=2)
        deadline = time.monotonic() + 20
        try:
            while True:
                try:
                    pid = int(client.info("server")["process_id"])
                except redis.RedisError:  # not listening yet, or not a redis server
                    pid = None
                if pid == self.proc.pid:
                    return
                if pid is not None or (self.proc.poll() is not None and self._port_in_use()):
                    self._kill()
                    raise PortTaken(self.port)  # another server answers there
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self._kill()
                    raise RuntimeError("redis-server did not start (is it installed? `make install`)")
                time.sleep(0.05)
        finally:
            client.close()

    def _port_in_use(self) -> bool:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", self.port))
            except OSError:
                return True
        return False

    def _kill(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=20)
        self.proc = None

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


class PortTaken(RuntimeError):
    """The port given to redis-server was taken by another process before it could bind it."""

    def __init__(self, port: int) -> None:
        super().__init__(f"127.0.0.1:{port} is taken by another process")
