"""How far one WARC file is read: the offset up to which every record's outcome is final.

Records are read in order but settled out of order (extraction in several processes, items in
the pipelines concurrently). ``FileProgress`` keeps the records not yet settled in reading order;
``committed`` is the offset of the last record of the settled prefix (what the crawl state keeps:
a killed run resumes there), and ``done`` is true once the file was read to its end and every
record settled. A record ``held`` (its article lost to the output, the state failed, over
``limit=``) stops the prefix for this run: the next run reads it again.
"""

from __future__ import annotations

from collections import OrderedDict

PENDING, FINAL, HELD = "pending", "final", "held"


class FileProgress:
    def __init__(self, key: str, committed: int | None = None) -> None:
        self.key = key
        self.committed = committed  # the offset a rerun resumes at (None: from the start)
        self.read_all = False  # the reader reached the end of the file
        self.held = False  # some record will be read again by the next run
        self._open: OrderedDict[int, tuple[int | None, bool, str]] = OrderedDict()
        self._seq = 0
        self._urls: set[int] = set()  # the URL keys (hashed) read in this file

    def first_capture(self, url: int) -> bool:
        """Whether this is the file's first record of the URL (a hashed URL key): only it is read.
        Per file, so that memory stays flat over a month of CC-NEWS (the state knows the rest)."""
        if url in self._urls:
            return False
        self._urls.add(url)
        return True

    def add(self, offset: int | None, boundary: bool = True, state: str = PENDING) -> int:
        """A record read, at ``offset`` (``boundary``: a record starts there); its token."""
        self._seq += 1
        self._open[self._seq] = (offset, boundary, state)
        if state == HELD:
            self.held = True
        self._advance()
        return self._seq

    def settle(self, token: int, final: bool = True) -> None:
        """The record's outcome: final (written, dropped or skipped, counted), or held."""
        entry = self._open.get(token)
        if entry is None or entry[2] != PENDING:
            return
        self._open[token] = (entry[0], entry[1], FINAL if final else HELD)
        if not final:
            self.held = True
        self._advance()

    def end(self) -> None:
        """The reader reached the end of the file (its URLs are no longer needed)."""
        self.read_all = True
        self._urls.clear()

    @property
    def pending(self) -> int:
        return sum(1 for _, _, state in self._open.values() if state == PENDING)

    @property
    def done(self) -> bool:
        return self.read_all and not self._open and not self.held

    def _advance(self) -> None:
        while self._open:
            token, (offset, boundary, state) = next(iter(self._open.items()))
            if state != FINAL:
                return
            del self._open[token]
            if boundary and offset is not None:
                self.committed = offset
