"""Getting playlists into the queue: files and folders are read off the Tk thread, a file
holding several playlists asks the picker (one file at a time), and queued playlists can
be moved or removed before they run. No Tk here.

    add_paths ──▶ reader thread: list_playlists(file) ── post ──▶ _listed (Tk thread)
                                                                   │ one playlist: queue it
                                                                   └ several: the picker,
                                                                     one file at a time

A dropped folder that is a DJ library (a USB stick's root, a `_Serato_` folder, a folder
holding master.db) is one input, like a file; any other folder gives the playlist files
under it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from matcher import CrateMatchError, PlaylistInfo, library_folder_format, list_playlists
from ui.session import Session

__all__ = ["PLAYLIST_SUFFIXES", "Chooser", "Intake", "dropped_library", "playlist_files"]

PLAYLIST_SUFFIXES = frozenset({".xml", ".nml", ".m3u", ".m3u8", ".csv", ".tsv"})

# chooser(file, its playlist tree, done): show a picker; call done(chosen paths) once
Chooser = Callable[[Path, list[PlaylistInfo], Callable[[list[str]], None]], None]


def dropped_library(folder: Path) -> Path | None:
    """What to read when `folder` is a DJ library, else None: the folder itself for a USB
    stick's root (or its PIONEER folder), a `_Serato_` folder or a drive holding one; the
    master.db inside a Rekordbox folder (its backups and other databases are not read)."""
    if library_folder_format(folder) is not None:
        return folder
    master = folder / "master.db"
    return master if master.is_file() else None


def playlist_files(folder: Path) -> list[Path]:
    """The playlist files under `folder` (any depth, hidden ones skipped), sorted."""
    found = [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in PLAYLIST_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(found, key=lambda p: str(p).casefold())


class Intake:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.reading = 0  # files and folders being read
        self.chooser: Chooser | None = None  # None (scripts, tests): take every playlist
        self._choices: deque[tuple[Path, list[PlaylistInfo]]] = deque()
        self._choosing = False

    @property
    def adding(self) -> bool:
        """True while files are being read or a picker is waiting for the user."""
        return self.reading > 0 or self._choosing or bool(self._choices)

    def add_paths(self, paths: Sequence[Path | str]) -> None:
        """Queue the playlists in these files and folders; they are read off the Tk thread."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        self.reading += 1
        self.session.changed()
        self.session.spawn(self._read, paths, name="cratematch-reader")

    # -- editing the queue ---------------------------------------------------------------

    def remove(self, item_id: int) -> None:
        if self.session.model.remove(item_id):
            self.session.changed()

    def move(self, item_id: int, delta: int) -> None:
        if self.session.model.move(item_id, delta):
            self.session.changed()

    def clear_finished(self) -> None:
        if self.session.model.clear_finished():
            self.session.changed()

    # -- reading (a reader thread) and queueing (the Tk thread) ---------------------------

    def _read(self, paths: list[Path]) -> None:
        """Reader thread: list each file's playlists and post the outcome (no Tk, no model)."""
        post, notice = self.session.post, self.session.notice
        try:
            for path in paths:
                library = dropped_library(path) if path.is_dir() else None
                if library is not None:
                    files = [library]
                elif path.is_dir():
                    files = playlist_files(path)
                    if not files:
                        post(partial(notice, f"{path.name}: no playlist files inside"))
                else:
                    files = [path]
                for file in files:
                    try:
                        infos = list_playlists(file)
                    except CrateMatchError as err:
                        post(partial(notice, str(err)))
                    except Exception as err:  # noqa: BLE001 - a reader bug must not stop the rest
                        post(partial(notice, f"{file.name}: could not be read ({err})"))
                    else:
                        post(partial(self._listed, file, infos))
        finally:
            post(self._read_done)

    def _read_done(self) -> None:
        self.reading -= 1
        self.session.changed()

    def _listed(self, path: Path, infos: list[PlaylistInfo]) -> None:
        playlists = [i for i in infos if not i.is_folder]
        if not playlists:
            self._queue(path, None, f"{path.stem} (whole collection)", None)
        elif len(playlists) == 1:
            only = playlists[0]
            if only.entries == 0:
                self.session.notice(f"{path.name}: the playlist is empty")
                return
            self._queue(path, None, only.path.rsplit("/", 1)[-1], only.entries)
        else:
            self._choices.append((path, infos))
            self._ask_next()
        self.session.changed()

    def _queue(self, path: Path, name: str | None, label: str, entries: int | None) -> None:
        if self.session.model.add(path, name, label, entries) is None:
            self.session.notice(f"{label} is already in the queue")

    def _ask_next(self) -> None:
        """Open one picker at a time: a drop of three XML files asks three times in turn."""
        if self._choosing or not self._choices:
            return
        path, infos = self._choices.popleft()
        if self.chooser is None:  # no window (scripts, tests): take every playlist
            self._chosen(path, infos, [i.path for i in infos if not i.is_folder])
            return
        self._choosing = True
        self.chooser(path, infos, partial(self._chosen, path, infos))

    def _chosen(self, path: Path, infos: list[PlaylistInfo], chosen: list[str]) -> None:
        self._choosing = False
        entries = {i.path: i.entries for i in infos if not i.is_folder}
        for name in chosen:
            if name in entries:
                self._queue(path, name, name.rsplit("/", 1)[-1], entries[name])
        self.session.changed()
        self._ask_next()
