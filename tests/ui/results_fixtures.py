"""Shared helpers for the results, review and dashboard tests: invented results, a fake
controller, a Tk root, a bounded event-loop pump and screenshots.

Every name here is invented. Results are built with the real matcher.model records.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from matcher.model import Candidate, CatalogTrack, MatchResult, MatchStatus, PlaylistEntry

__all__ = [
    "SCREENSHOTS",
    "FakeController",
    "candidate",
    "destroy_root",
    "make_result",
    "make_root",
    "require_display",
    "run_until",
    "screenshot",
    "settle",
    "track",
]

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WAIT_S = 10.0


def require_display() -> None:
    """UI tests skip without a display, except under CI, where that is a failure."""
    if not os.environ.get("DISPLAY"):
        if os.environ.get("CI"):
            pytest.fail("no DISPLAY for the UI tests (is pytest-xvfb installed?)")
        pytest.skip("no display")


def make_root(mode: str = "light"):
    """A real customtkinter root at the contract's default size."""
    import customtkinter as ctk

    require_display()
    ctk.set_appearance_mode(mode)
    root = ctk.CTk()
    root.geometry("1280x800+0+0")
    root.update()
    return root


def destroy_root(root) -> None:
    """Cancel pending `after` jobs (customtkinter schedules some) and destroy the root."""
    for job in root.tk.splitlist(root.tk.call("after", "info")):
        root.tk.call("after", "cancel", job)  # widgets delete their own commands
    root.destroy()


def run_until(root, check: Callable[[], bool], timeout: float = WAIT_S, what: str = "") -> None:
    """Run Tk's event loop until `check()`; fails after `timeout` so nothing hangs."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        root.update()
        time.sleep(0.005)


def settle(root, seconds: float = 0.3) -> None:
    """Let `after` jobs and redraws run for a moment."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        root.update()
        time.sleep(0.01)


def screenshot(root, name: str) -> Path:
    """Save the screen (Xvfb has no window manager: windows sit at +0+0)."""
    from PIL import ImageGrab

    settle(root, 0.4)
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(path)
    return path


def track(n: int, artist: str, title: str, **fields) -> CatalogTrack:
    values = {
        "mix": "Original Mix",
        "label": "Invented Tone",
        "release": f"{title} EP",
        "bpm": 120.0 + n % 12,
        "key": "A Minor",
        "duration_s": 300.0 + n,
        **fields,
    }
    return CatalogTrack(catalog_id=f"inv-{n:04d}", title=title, artists=(artist,), **values)


def candidate(t: CatalogTrack, confidence: float, note: str = "", guard: str = "") -> Candidate:
    return Candidate(
        track=t,
        confidence=confidence,
        features={"title": 0.97, "artists": 1.0, "version": 1.0, "duration": 0.9, "bpm": 1.0},
        penalties={"title": 0.09, "duration": 0.35, "label": -0.2},
        note=note,
        guard=guard,
        score=confidence * 4,
    )


def make_result(
    index: int,
    status: str,
    confidence: float,
    artist: str,
    title: str,
    candidates: Sequence[Candidate] = (),
    playlist: str = "Invented Set",
    reason: str = "",
    bpm: float | None = None,
) -> MatchResult:
    entry = PlaylistEntry(
        playlist_file="invented.m3u8",
        playlist=playlist,
        entry_index=index,
        title=title,
        artist=artist,
        duration_s=301.0,
        bpm=bpm,
        key="8A",
        location=f"/music/invented/{index:03d}.mp3",
    )
    best = candidates[0] if candidates and status in ("matched", "review") else None
    return MatchResult(
        entry=entry,
        status=MatchStatus(status),
        confidence=confidence,
        provider="local",
        reason=reason or ("confident" if status == "matched" else status),
        best=best,
        candidates=tuple(candidates),
    )


@dataclass
class FakeController:
    """What the views call on the controller and on the history, recorded (one object
    plays both parts)."""

    results: dict[tuple[str, int, int], MatchResult] = field(default_factory=dict)
    out_dir: Path = Path("/tmp/cratematch-out")
    reviews: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)

    def full_result(self, batch_id: str, playlist_id: int, entry_index: int):
        return self.results.get((batch_id, playlist_id, entry_index))

    def review(self, batch_id: str, playlist_id: int, entry_index: int, catalog_id):
        self.reviews.append((batch_id, playlist_id, entry_index, catalog_id))

    def open_folder(self, path: Path) -> None:
        self.opened.append(path)
