"""Shared set-up for the hardening tests: the hostile corpus copied into a temporary
folder next to a canary file, a canary server on 127.0.0.1 that must never be contacted,
and a bound on how long one input may take (a hang fails the test instead of the suite).
"""

from __future__ import annotations

import shutil
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hardening.corpus import CANARY_TEXT, CASES, fill_placeholders
from tests.hardening.specials import make_specials

INPUT_LIMIT_S = 20  # any single input must be answered well within this


class CanaryServer:
    """A TCP listener on 127.0.0.1 that counts every connection made to it."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        self.contacts: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="canary-server", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1.0)
                try:
                    self.contacts.append(conn.recv(4096))
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    self.contacts.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._socket.close()


@dataclass
class Hostile:
    """The corpus, copied and filled in, plus the special inputs, by case name."""

    folder: Path
    canary_file: Path
    server: CanaryServer
    files: dict[str, Path] = field(default_factory=dict)

    def assert_no_leak(self, *texts: str | bytes) -> None:
        """The canary's text is nowhere in `texts`, and its server was never contacted."""
        for text in texts:
            data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
            assert CANARY_TEXT.encode() not in data, "the canary file's content leaked"
        contacts = self.server.contacts
        assert contacts == [], f"the canary server was contacted: {contacts}"


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    folder = tmp_path_factory.mktemp("hostile")
    canary = folder / "canary.txt"
    canary.write_text(CANARY_TEXT, encoding="utf-8")
    server = CanaryServer()
    found = Hostile(folder, canary, server)
    for name, data in CASES.items():
        path = folder / name
        path.write_bytes(fill_placeholders(data, canary.as_uri(), server.url))
        found.files[name] = path
    found.files.update(make_specials(folder / "special"))
    yield found
    server.close()
    shutil.rmtree(folder / "special", ignore_errors=True)


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Fail (TimeoutError) instead of hanging when the body takes longer than `seconds`."""
    if sys.platform == "win32" or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"{what} took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
