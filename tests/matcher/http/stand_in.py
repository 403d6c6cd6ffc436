"""A stand-in for the online catalogs: a real HTTP server on 127.0.0.1, in a thread.

It speaks the response shapes of Beatport API v4, MusicBrainz WS/2 and Discogs over a
small catalog of `CatalogTrack`s, checks tokens, records each request's arrival time,
and injects faults: latency, a 429 every N requests, or a script of actions for the next
requests ("429:<retry-after>", "503", "sleep:<s>", "reset", "malformed", "401").

Used by the integration tests and by tests/bench/online.py.
"""

from __future__ import annotations

import heapq
import json
import math
import re
import socket
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from matcher.matching.text import fold
from matcher.model import CatalogTrack

__all__ = ["Hit", "StandIn"]

_MB_TERM = re.compile(r'"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True, slots=True)
class Hit:
    at: float  # wall clock when the request arrived
    path: str  # path and query
    status: int
    user_agent: str = ""


def _mbid(catalog_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"stand-in:{catalog_id}"))


def _numeric(catalog_id: str, index: int) -> int:
    return int(catalog_id) if catalog_id.isdigit() else 900000 + index


class _Index:
    """Words → tracks, ranked by the summed rarity of the query words a track has (the
    way a relevance search behaves: no word is required)."""

    def __init__(self, tracks: list[CatalogTrack]) -> None:
        self.tracks = tracks
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(tracks):
            words = fold(" ".join((t.title, t.mix, *t.artists, *t.remixers))).split()
            for word in set(words):
                self.postings[word].append(i)
        self.idf = {w: math.log(1 + len(tracks) / len(p)) for w, p in self.postings.items()}

    def search(self, text: str, limit: int) -> list[int]:
        scores: Counter[int] = Counter()
        for word in set(fold(text).split()):
            for i in self.postings.get(word, ()):
                scores[i] += self.idf[word]
        return [-i for _, i in heapq.nlargest(limit, ((s, -i) for i, s in scores.items()))]


class StandIn:
    """The server. `token` None accepts any request; otherwise Beatport needs
    `Bearer <token>` and Discogs `Discogs token=<token>`."""

    def __init__(
        self,
        tracks: Iterable[CatalogTrack],
        *,
        token: str | None = None,
        latency_s: float = 0.0,
        throttle_every: int = 0,
        retry_after: str | None = "1",
    ) -> None:
        self.tracks = list(tracks)
        self.index = _Index(self.tracks)
        self.by_id = {t.catalog_id: i for i, t in enumerate(self.tracks)}
        self.by_mbid = {_mbid(t.catalog_id): i for i, t in enumerate(self.tracks)}
        self.by_release = {_numeric(t.catalog_id, i): i for i, t in enumerate(self.tracks)}
        self.token = token
        self.latency_s = latency_s
        self.throttle_every = throttle_every
        self.retry_after = retry_after
        self.hits: list[Hit] = []
        self.discogs_remaining = 59
        self.script: deque[str] = deque()
        self._lock = threading.Lock()
        self._count = 0
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> StandIn:
        stand_in = self

        class Handler(_Handler):
            owner = stand_in

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def then(self, *actions: str) -> None:
        """Faults for the next requests, in order ("ok" for a normal answer)."""
        with self._lock:
            self.script.extend(actions)

    def times(self, prefix: str = "") -> list[float]:
        with self._lock:
            return [h.at for h in self.hits if h.path.startswith(prefix)]

    # -- what to do with a request -----------------------------------------------------

    def _action(self) -> str:
        with self._lock:
            self._count += 1
            if self.script:
                return self.script.popleft()
            if self.throttle_every and self._count % self.throttle_every == 0:
                return f"429:{self.retry_after or ''}"
            return "ok"

    def record(self, at: float, path: str, status: int, user_agent: str = "") -> None:
        with self._lock:
            self.hits.append(Hit(at, path, status, user_agent))

    # -- the APIs ----------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, list[str]], auth: str) -> tuple[int, Any]:
        def arg(name: str, default: str = "") -> str:
            return query.get(name, [default])[0]

        if path.startswith("/v4/"):
            if self.token and auth != f"Bearer {self.token}":
                return 401, {"detail": "Authentication credentials were not provided."}
            return self._beatport(path[3:], arg)
        if path.startswith("/ws/2/"):
            return self._musicbrainz(path[5:], arg)
        if self.token and auth != f"Discogs token={self.token}":
            return 401, {"message": "You must authenticate to access this resource."}
        return self._discogs(path, arg)

    def _beatport(self, path: str, arg) -> tuple[int, Any]:
        per_page = int(arg("per_page", "10"))
        if path == "/catalog/search/":
            found = self.index.search(arg("q"), per_page)
            tracks = [beatport_json(self.tracks[i], i) for i in found]
            return 200, {"tracks": tracks, "page": 1, "per_page": per_page, "count": len(tracks)}
        if path == "/catalog/tracks/":
            isrc = arg("isrc").upper()
            found = [i for i, t in enumerate(self.tracks) if isrc and t.isrc == isrc]
            rows = [beatport_json(self.tracks[i], i) for i in found]
            return 200, {"results": rows[:per_page], "count": len(rows), "next": None}
        m = re.fullmatch(r"/catalog/tracks/(\d+)/", path)
        if m and m.group(1) in self.by_id:
            i = self.by_id[m.group(1)]
            return 200, beatport_json(self.tracks[i], i)
        return 404, {"detail": "Not found."}

    def _musicbrainz(self, path: str, arg) -> tuple[int, Any]:
        if path == "/recording":
            terms = [t.replace("\\", "") for t in _MB_TERM.findall(arg("query"))]
            found = self.index.search(" ".join(terms), int(arg("limit", "25")))
            rows = [mb_json(self.tracks[i], 100 - n) for n, i in enumerate(found)]
            return 200, {"created": "2024-01-01T00:00:00.000Z", "count": len(rows), "offset": 0,
                         "recordings": rows}  # fmt: skip
        m = re.fullmatch(r"/isrc/([A-Z0-9]+)", path)
        if m:
            rows = [mb_json(t) for t in self.tracks if t.isrc == m.group(1)]
            if not rows:
                return 404, {"error": "Not Found", "help": "For usage, please see the docs."}
            return 200, {"isrc": m.group(1), "recordings": rows}
        m = re.fullmatch(r"/recording/([0-9a-f-]{36})", path)
        if m and m.group(1) in self.by_mbid:
            return 200, mb_json(self.tracks[self.by_mbid[m.group(1)]])
        return 404, {"error": "Not Found"}

    def _discogs(self, path: str, arg) -> tuple[int, Any]:
        if path == "/database/search":
            text = " ".join((arg("q"), arg("track"), arg("artist")))
            found = self.index.search(text, int(arg("per_page", "50")))
            results = [
                {"id": _numeric(self.tracks[i].catalog_id, i), "type": "release", "master_id": 0,
                 "title": f"{', '.join(self.tracks[i].artists)} - {self.tracks[i].release}"}
                for i in found
            ]  # fmt: skip
            return 200, {"pagination": {"page": 1, "pages": 1, "items": len(results)},
                         "results": results}  # fmt: skip
        m = re.fullmatch(r"/releases/(\d+)", path)
        if m and int(m.group(1)) in self.by_release:
            i = self.by_release[int(m.group(1))]
            return 200, discogs_release_json(self.tracks[i], int(m.group(1)))
        return 404, {"message": "Release not found."}


class _Server(ThreadingHTTPServer):
    """Notes when each connection was accepted: a new connection's first request arrived
    then, not when its handler thread got round to reading it (that can be tens of ms
    later on a loaded machine, which would make request spacing look tighter than it is)."""

    daemon_threads = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.accepted: dict[int, float] = {}

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        self.accepted[id(conn)] = time.time()
        return conn, address


class _Handler(BaseHTTPRequestHandler):
    owner: StandIn
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.accepted_at: float | None = self.server.accepted.pop(id(self.request), None)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout test): fine

    def _answer(self) -> None:
        owner, arrived = self.owner, self.accepted_at or time.time()
        self.accepted_at = None  # later requests on this connection arrive when read
        action = owner._action()
        if owner.latency_s:
            time.sleep(owner.latency_s)
        if action.startswith("sleep:"):
            time.sleep(float(action[6:]))
            action = "ok"
        parts = urlsplit(self.path)
        if action == "reset":
            owner.record(arrived, self.path, 0)
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 400\r\n\r\n{\"tracks\": [")  # fmt: skip
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        headers: dict[str, str] = {}
        if action.startswith("429"):
            status, payload = 429, {"detail": "Request was throttled."}
            if action[4:]:
                headers["Retry-After"] = action[4:]
        elif action in ("503", "502"):
            status, payload = int(action), {"detail": "Service unavailable."}
        elif action == "401":
            status, payload = 401, {"detail": "Invalid token."}
        else:
            query = parse_qs(parts.query, keep_blank_values=True)
            auth = self.headers["Authorization"] or ""
            status, payload = owner.answer(unquote(parts.path), query, auth)
        body = b"{not json" if action == "malformed" else json.dumps(payload).encode()
        if parts.path.startswith(("/database", "/releases")):
            remaining = str(owner.discogs_remaining)
            headers.update(
                {"X-Discogs-Ratelimit": "60", "X-Discogs-Ratelimit-Remaining": remaining}
            )
        owner.record(arrived, self.path, status, self.headers["User-Agent"] or "")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


# -- each API's JSON for a catalog track ---------------------------------------------------


def _people(names: Iterable[str], start: int) -> list[dict[str, Any]]:
    return [{"id": start + n, "name": name, "slug": fold(name).replace(" ", "-")}
            for n, name in enumerate(names)]  # fmt: skip


def beatport_json(t: CatalogTrack, index: int = 0) -> dict[str, Any]:
    return {
        "id": _numeric(t.catalog_id, index),
        "name": t.title,
        "mix_name": t.mix,
        "slug": fold(t.title).replace(" ", "-"),
        "artists": _people(t.artists, 1000),
        "remixers": _people(t.remixers, 2000),
        "bpm": round(t.bpm) if t.bpm else None,
        "key": {"id": 1, "name": t.key} if t.key else None,
        "genre": {"id": 5, "name": t.genre} if t.genre else None,
        "length_ms": int(t.duration_s * 1000) if t.duration_s else None,
        "isrc": t.isrc or None,
        "publish_date": t.release_date or None,
        "release": {
            "id": 77000 + index,
            "name": t.release,
            "label": {"id": 88000 + index, "name": t.label} if t.label else None,
        },
    }


def mb_json(t: CatalogTrack, score: int = 100) -> dict[str, Any]:
    credit = [{"name": a, "joinphrase": " & " if n < len(t.artists) - 1 else "",
               "artist": {"id": _mbid(a), "name": a, "sort-name": a}}
              for n, a in enumerate(t.artists)]  # fmt: skip
    release = {"id": _mbid("r" + t.catalog_id), "title": t.release or t.title,
               "status": "Official", "date": t.release_date}  # fmt: skip
    return {
        "id": _mbid(t.catalog_id),
        "score": score,
        "title": f"{t.title} ({t.mix})" if t.mix else t.title,
        "length": int(t.duration_s * 1000) if t.duration_s else None,
        "artist-credit": credit,
        "first-release-date": t.release_date,
        "releases": [release],
        "isrcs": [t.isrc] if t.isrc else [],
    }


def discogs_release_json(t: CatalogTrack, release_id: int) -> dict[str, Any]:
    seconds = int(t.duration_s or 0)
    remixers = [{"name": r, "role": "Remix", "id": 3000 + n} for n, r in enumerate(t.remixers)]
    return {
        "id": release_id,
        "title": t.release or t.title,
        "artists": [
            {"name": a, "anv": "", "join": ",", "id": 4000 + n} for n, a in enumerate(t.artists)
        ],  # fmt: skip
        "labels": [{"name": t.label, "catno": "CAT 001"}] if t.label else [],
        "released": t.release_date,
        "year": int(t.release_date[:4]) if t.release_date[:4].isdigit() else 0,
        "genres": ["Electronic"],
        "styles": [t.genre] if t.genre else [],
        "tracklist": [
            {
                "position": "A1",
                "type_": "track",
                "title": f"{t.title} ({t.mix})" if t.mix else t.title,
                "duration": f"{seconds // 60}:{seconds % 60:02d}" if seconds else "",
                "extraartists": remixers,
            },
        ],  # fmt: skip
    }
