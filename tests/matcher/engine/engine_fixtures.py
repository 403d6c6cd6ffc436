"""Shared fixtures for the engine tests: an invented catalog, long generated playlists,
bounded event collection, output readers and /proc helpers.

Everything is generated into the test's tmp_path; names are invented from syllables so
no real artist or title appears. Each playlist mixes catalog tracks (some with a version
in brackets, some with a slightly different duration) with tracks the catalog lacks.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.engine.client import Batch, Engine
from matcher.engine.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    Event,
    TracksMatched,
)
from matcher.model import MatchResult

__all__ = [
    "CATALOG_HEADER",
    "CATALOG_ROWS",
    "WAIT_S",
    "Track",
    "alive",
    "assert_every_entry_once",
    "catalog_tracks",
    "collect",
    "collect_until",
    "descendants",
    "entry_keys",
    "first_results",
    "index_of",
    "matches_rows",
    "pause_mid_batch",
    "playlist_tracks",
    "quiet_period",
    "read_summary",
    "results_of",
    "until",
    "wait_for",
    "write_catalog",
    "write_m3u8",
]

WAIT_S = 90.0  # the bound on any wait for a batch: generous for a loaded 2-core machine
CATALOG_ROWS = 50
CATALOG_HEADER = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc"
)

_ONSETS = ("Br", "Ka", "Lo", "Mi", "Ne", "Or", "Pa", "Qu", "Ru", "Sa", "Te", "Vo", "Za")
_CODAS = ("ven", "dral", "mesk", "tiro", "bulan", "quor", "sefin", "dorra", "lume")
_KEYS = ("A Minor", "C Major", "F# Major", "D Minor", "G Minor", "E Minor", "B Major")
_GENRES = ("Deep House", "Techno", "Tech House", "Melodic House")


@dataclass(frozen=True, slots=True)
class Track:
    """One generated track: what a playlist says about it and its catalog id (or None)."""

    artist: str
    title: str
    duration_s: int
    catalog_id: str | None


def _word(n: int) -> str:
    return _ONSETS[n % len(_ONSETS)] + _CODAS[(n // len(_ONSETS)) % len(_CODAS)]


def catalog_tracks(rows: int = CATALOG_ROWS) -> list[Track]:
    """The catalog's tracks: distinct invented two-word titles and artists."""
    tracks = []
    for i in range(rows):
        artist = f"{_word(i * 7 + 3)} {_word(i * 11 + 5)}"
        title = f"{_word(i * 5 + 1)} {_word(i * 3 + 17)}"
        tracks.append(Track(artist, title, 300 + (i * 13) % 180, f"77{i:05d}"))
    return tracks


def write_catalog(path: Path, rows: int = CATALOG_ROWS) -> list[Track]:
    lines = [CATALOG_HEADER]
    for i, t in enumerate(catalog_tracks(rows)):
        lines.append(
            f"{t.catalog_id},{t.title},Original Mix,{t.artist},,Invented Tone,{t.title} EP,"
            f"2023-01-{1 + i % 28:02d},{120 + i % 12},{_KEYS[i % len(_KEYS)]},"
            f"{_GENRES[i % len(_GENRES)]},{t.duration_s},QZINV23{i:05d}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return catalog_tracks(rows)


def playlist_tracks(count: int, seed: int = 0, rows: int = CATALOG_ROWS) -> list[Track]:
    """`count` entries: about two in three from the catalog, the rest unknown."""
    catalog = catalog_tracks(rows)
    out = []
    for i in range(count):
        n = i * 31 + seed * 101
        if i % 3 == 2:
            artist = f"{_word(n + 400)} {_word(n + 900)}"
            out.append(Track(artist, f"Unheard {_word(n + 77)} {i}", 200 + n % 200, None))
        else:
            t = catalog[n % len(catalog)]
            title = t.title if i % 4 else f"{t.title} (Original Mix)"
            out.append(Track(t.artist, title, t.duration_s + (i % 3) - 1, t.catalog_id))
    return out


def write_m3u8(path: Path, count: int, seed: int = 0) -> list[Track]:
    tracks = playlist_tracks(count, seed)
    lines = ["#EXTM3U"]
    for i, t in enumerate(tracks):
        lines.append(f"#EXTINF:{t.duration_s},{t.artist} - {t.title}")
        lines.append(f"/nonexistent/music/{path.stem}/{i:05d}.mp3")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tracks


# -- events ---------------------------------------------------------------------------


def collect_until(
    batch: Batch,
    stop: Callable[[list[Event]], bool],
    timeout: float = WAIT_S,
    into: list[Event] | None = None,
) -> list[Event]:
    """Drain `batch` into `into` until `stop(events)` or the batch ends; fails on timeout
    so a bug can never hang the suite."""
    events = [] if into is None else into
    deadline = time.monotonic() + timeout
    while not stop(events):
        if batch.final is not None:
            break
        assert time.monotonic() < deadline, f"timed out after {timeout} s; last: {events[-3:]}"
        events.extend(batch.events(timeout=0.1))
    return events


def collect(batch: Batch, timeout: float = WAIT_S, into: list[Event] | None = None) -> list[Event]:
    """Every event of `batch` up to its final one (bounded)."""
    events = collect_until(batch, lambda _e: False, timeout, into)
    assert isinstance(events[-1], BatchFinished | BatchCancelled), events[-3:]
    return events


def first_results(batch: Batch, events: list[Event]) -> None:
    """Collect until the first TracksMatched: the batch is under way, not finished."""
    collect_until(batch, until(TracksMatched), into=events)
    assert batch.final is None, "the batch ended before it could be interrupted"


def cancel_mid_batch(engine: Engine, inputs: list[Path]) -> tuple[Batch, list[Event]]:
    """Start a batch of `inputs` and cancel it once results came in: the batch and its
    events, up to BatchCancelled (a batch to resume)."""
    batch = engine.start(inputs)
    events: list[Event] = []
    first_results(batch, events)
    batch.cancel()
    collect(batch, into=events)
    return batch, events


def pause_mid_batch(batch: Batch, events: list[Event]) -> int:
    """Pause `batch` once its first results are in; the index in `events` of its one
    BatchPaused."""
    first_results(batch, events)
    batch.pause()
    collect_until(batch, until(BatchPaused), into=events)
    paused_at = [i for i, e in enumerate(events) if isinstance(e, BatchPaused)]
    assert len(paused_at) == 1, "the batch ended without pausing"
    return paused_at[0]


def quiet_period(batch: Batch, seconds: float) -> list[Event]:
    """Everything that arrives during `seconds` (bounded by the clock, not by events)."""
    events: list[Event] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        events.extend(batch.events(timeout=0.1))
    return events


def until(kind: type) -> Callable[[list[Event]], bool]:
    """A `collect_until` predicate: an event of `kind` has arrived."""
    return lambda events: any(isinstance(e, kind) for e in events)


def results_of(events: Iterable[Event]) -> list[MatchResult]:
    return [r for e in events if isinstance(e, TracksMatched) for r in e.results]


# -- outputs ------------------------------------------------------------------------


def matches_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "matches.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


# -- processes (Linux /proc) --------------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        out.extend(int(p) for p in text.split())
    return out


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children, their children, ...)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.append(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(check: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(step)


def entry_keys(events: list[Event]) -> list[tuple[str, int]]:
    """(playlist file, entry index) of every result in `events`, sorted: each entry once."""
    return sorted((r.entry.playlist_file, r.entry.entry_index) for r in results_of(events))


def index_of(events: list[Event], kind: type) -> list[int]:
    return [i for i, e in enumerate(events) if isinstance(e, kind)]


def assert_every_entry_once(folder: Path, tracks: list[Track]) -> list[dict[str, str]]:
    """The matches.csv rows in `folder`: one per track, in playlist order."""
    rows = matches_rows(folder)
    assert [int(r["entry_index"]) for r in rows] == list(range(len(tracks)))
    assert [r["source_title"] for r in rows] == [t.title for t in tracks]
    return rows


class Recorder:
    """A run's emit() as the host gives it (BatchRun, FileRun): builds each event with
    the run's id and a running seq, and keeps them."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.events: list[Event] = []

    def __call__(self, kind: type, **fields: Any) -> None:
        self.events.append(kind(batch_id=self.run_id, seq=len(self.events) + 1, **fields))

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def since(self, mark: int) -> list[Event]:
        return self.events[mark:]

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e in self.events]
