"""HTTP faults the existing provider tests do not cover: a slow-loris server (headers,
then a byte every 0.2 s for ever) and an endless body. httpx's timeouts bound each
socket read, so both would hold a worker for ever without the client's own deadline and
size cap; here the request fails within its timeout, the track becomes an `error` row and
the batch ends.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import BatchFinished
from matcher.http import client as client_module
from matcher.http.errors import ProviderResponseError, ProviderUnavailable
from matcher.http.options import HttpOptions
from matcher.model import MatchStatus
from matcher.providers import open_provider
from tests.hardening import ledger
from tests.matcher.engine.engine_fixtures import collect, matches_rows
from tests.matcher.providers.online_fixtures import FAST_RETRY

TOKEN = "bp-loris-token-0001"


class HostileServer:
    """A TCP server on 127.0.0.1 that answers every request with `mode`:
    "loris" (headers promising 100 kB, then a byte every `drip_s`) or "endless" (a
    chunked body that never ends)."""

    def __init__(self, mode: str, drip_s: float = 0.2) -> None:
        self.mode, self.drip_s = mode, drip_s
        self.requests = 0
        self._stop = threading.Event()
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.1)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                self.requests += 1
                if self.mode == "loris":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 100000\r\n\r\n{")  # fmt: skip
                    while not self._stop.wait(self.drip_s):
                        conn.sendall(b" ")
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n")  # fmt: skip
                    chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
                    while not self._stop.is_set():
                        conn.sendall(chunk)
            except OSError:
                pass  # the client gave up: what it should do

    def close(self) -> None:
        self._stop.set()
        self._socket.close()


@pytest.fixture
def loris() -> Iterator[HostileServer]:
    server = HostileServer("loris")
    yield server
    server.close()


def _beatport(monkeypatch: pytest.MonkeyPatch, url: str, timeout_s: float):  # noqa: ANN202
    monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", url)
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", TOKEN)
    options = HttpOptions(cache=False, timeout_s=timeout_s)
    provider = open_provider("beatport", None, options=options)
    provider.http().retry = FAST_RETRY  # type: ignore[attr-defined]
    return provider


def test_a_slow_loris_answer_times_out(
    monkeypatch: pytest.MonkeyPatch, loris: HostileServer
) -> None:
    provider = _beatport(monkeypatch, loris.url, timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable, match="no answer within 1 s"):
        provider.http().get_json("catalog/search/", {"q": "x"})  # type: ignore[attr-defined]
    took = time.monotonic() - started
    provider.close()
    # 4 attempts of at most 1 s (plus one drip) each, and short back-offs
    assert loris.requests == FAST_RETRY.attempts
    assert took < FAST_RETRY.attempts * (1.0 + loris.drip_s) + 1.0, took


def test_an_endless_body_is_cut_at_the_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    server = HostileServer("endless")
    monkeypatch.setattr(client_module, "MAX_BODY", 2 * 1024 * 1024)
    try:
        provider = _beatport(monkeypatch, server.url, timeout_s=10.0)
        with pytest.raises(ProviderResponseError, match="larger than 2 MB"):
            provider.http().get_json("catalog/search/", {"q": "x"})  # type: ignore[attr-defined]
        provider.close()
    finally:
        server.close()
    assert server.requests == 1  # not retried: asking again would get the same


@pytest.mark.slow
def test_a_slow_loris_server_gives_error_rows_and_the_batch_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loris: HostileServer
) -> None:
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, username: None)
    monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", loris.url)
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", TOKEN)
    playlist = tmp_path / "set.m3u8"
    playlist.write_text(
        "#EXTM3U\n#EXTINF:412,Nova Reyes - Glass Tide\n/m/a.mp3\n"
        "#EXTINF:350,Sela Marrow - Lantern Field\n/m/b.mp3\n"
        "#EXTINF:300,Odo Plinth - Quillfeather\n/m/c.mp3\n",
        encoding="utf-8",
    )
    http = HttpOptions(cache=False, timeout_s=1.0)
    config = EngineConfig(provider="beatport", workers=1, out_dir=tmp_path / "out", http=http)
    started = time.monotonic()
    with Engine(config) as engine:
        events = collect(engine.start([playlist]), timeout=60)
    took = time.monotonic() - started
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok and final.done == final.total == 3
    rows = matches_rows(tmp_path / "out" / "set")
    assert [r["status"] for r in rows] == [MatchStatus.ERROR.value] * 3
    assert all("Beatport is unreachable" in r["reason"] for r in rows), rows[0]["reason"]
    assert took < 30, took  # one track pays the retries, the others fail fast
    ledger.fault("slow-loris HTTP server", expected=3, lost=3 - len(rows))
