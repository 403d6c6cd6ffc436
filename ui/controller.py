"""What the window can ask for, without Tk: queue playlists, run one batch at a time on
one engine, resume cut-off batches, review results, keep settings.

    views ──add_paths/start/pause/...──▶ Controller ──commands──▶ Engine (host process)
      ▲                                     │  ▲
      └──── watch() callbacks ◀── model ◀───┘  └── on_event(event) ◀── EventPump (Tk thread)
    reader threads ── post(fn) ──▶ EventPump inbox ──▶ fn() on the Tk thread

Every method runs on the Tk thread. Reading playlist files happens on short-lived reader
threads that never touch the model: they hand their results to `post`, which runs them
on the Tk thread (the pump's `call_soon`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from matcher.config import EngineConfig
from matcher.engine import Batch, Engine
from matcher.errors import CrateMatchError, JournalError
from matcher.events import (
    BatchCancelled,
    BatchFinished,
    BatchPaused,
    BatchResumed,
    BatchStarted,
    EngineError,
    Event,
)
from matcher.journal import BatchRecord, Journal, JournalDamaged, default_journal_path
from matcher.model import MatchResult, PlaylistInfo, PlaylistRef
from matcher.paths import default_out_dir
from matcher.playlists import list_playlists
from ui.progress_model import ProgressClock
from ui.queue_model import ItemStatus, Phase, QueueModel
from ui.repair import Damage, repair_damage
from ui.settings import Settings, TokenStore, save_settings

__all__ = ["PLAYLIST_SUFFIXES", "Chooser", "Controller", "playlist_files"]

PLAYLIST_SUFFIXES = frozenset({".xml", ".nml", ".m3u", ".m3u8", ".csv", ".tsv"})
MAX_NOTICES = 4

Post = Callable[[Callable[[], None]], None]
# chooser(file, its playlist tree, done): show a picker; call done(chosen paths) once
Chooser = Callable[[Path, list[PlaylistInfo], Callable[[list[str]], None]], None]


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


class Controller:
    def __init__(
        self,
        settings: Settings,
        *,
        post: Post,
        tokens: TokenStore | None = None,
        engine_factory: Callable[[EngineConfig], Engine] = Engine,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.tokens = tokens or TokenStore()
        self.model = QueueModel()
        self.progress = ProgressClock()
        self.engine: Engine | None = None
        self.batch: Batch | None = None
        self.notices: list[str] = []
        self.unfinished: list[BatchRecord] = []
        self.reading = 0  # files and folders being read
        self.last_out_dir: Path | None = None
        self.chooser: Chooser | None = None
        self.clock = clock
        self._post = post
        self._engine_factory = engine_factory
        self._engine_config: EngineConfig | None = None
        self._listeners: list[Callable[[], None]] = []
        self._choices: deque[tuple[Path, list[PlaylistInfo]]] = deque()
        self._choosing = False
        self._journal: Journal | None = None
        self._dismissed: set[str] = set()
        self.readers: list[threading.Thread] = []
        self.damage: Damage | None = None  # a damaged journal or catalog to offer to fix
        self.repairing = False

    # -- observers -----------------------------------------------------------------------

    def watch(self, callback: Callable[[], None]) -> None:
        """Call `callback()` after anything the views show has changed."""
        self._listeners.append(callback)

    def _changed(self) -> None:
        for callback in list(self._listeners):
            callback()

    def notice(self, text: str) -> None:
        self.notices = [*self.notices, text][-MAX_NOTICES:]
        self._changed()

    def dismiss_notices(self) -> None:
        self.notices = []
        self._changed()

    # -- adding playlists ----------------------------------------------------------------

    def add_paths(self, paths: Sequence[Path | str]) -> None:
        """Queue the playlists in these files and folders; they are read off the Tk thread."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        self.reading += 1
        self._changed()
        reader = threading.Thread(
            target=self._read, args=(paths,), name="cratematch-reader", daemon=True
        )
        self.readers = [t for t in self.readers if t.is_alive()] + [reader]
        reader.start()

    def _read(self, paths: list[Path]) -> None:
        """Reader thread: list each file's playlists and post the outcome (no Tk, no model)."""
        try:
            for path in paths:
                if path.is_dir():
                    files = playlist_files(path)
                    if not files:
                        self._post(partial(self.notice, f"{path.name}: no playlist files inside"))
                else:
                    files = [path]
                for file in files:
                    try:
                        infos = list_playlists(file)
                    except CrateMatchError as err:
                        self._post(partial(self.notice, str(err)))
                    except Exception as err:  # noqa: BLE001 - a reader bug must not stop the rest
                        self._post(partial(self.notice, f"{file.name}: could not be read ({err})"))
                    else:
                        self._post(partial(self._listed, file, infos))
        finally:
            self._post(self._read_done)

    def _read_done(self) -> None:
        self.reading -= 1
        self._changed()

    def _listed(self, path: Path, infos: list[PlaylistInfo]) -> None:
        playlists = [i for i in infos if not i.is_folder]
        if not playlists:
            self._queue(path, None, f"{path.stem} (whole collection)", None)
        elif len(playlists) == 1:
            only = playlists[0]
            if only.entries == 0:
                self.notice(f"{path.name}: the playlist is empty")
                return
            self._queue(path, None, only.path.rsplit("/", 1)[-1], only.entries)
        else:
            self._choices.append((path, infos))
            self._ask_next()
        self._changed()

    def _queue(self, path: Path, name: str | None, label: str, entries: int | None) -> None:
        if self.model.add(path, name, label, entries) is None:
            self.notice(f"{label} is already in the queue")

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
        self._changed()
        self._ask_next()

    @property
    def adding(self) -> bool:
        """True while files are being read or a picker is waiting for the user."""
        return self.reading > 0 or self._choosing or bool(self._choices)

    # -- editing the queue ---------------------------------------------------------------

    def remove(self, item_id: int) -> None:
        if self.model.remove(item_id):
            self._changed()

    def move(self, item_id: int, delta: int) -> None:
        if self.model.move(item_id, delta):
            self._changed()

    def clear_finished(self) -> None:
        if self.model.clear_finished():
            self._changed()

    # -- the batch -----------------------------------------------------------------------

    def start(self) -> bool:
        """Send every waiting playlist to the engine as one batch."""
        if self.model.active:
            return False
        items = self.model.waiting()
        if not items:
            self.notice("Add playlists to the queue first.")
            return False
        engine = self._ensure_engine()
        if engine is None:
            return False
        self.batch = engine.start([PlaylistRef(i.path, i.name) for i in items])
        self.model.bind(self.batch.batch_id, [i.item_id for i in items])
        self.progress.start(self.clock())
        self._changed()
        return True

    def pause(self) -> None:
        if self.batch is not None and self.model.phase is Phase.RUNNING:
            self.batch.pause()
            self.model.request(Phase.PAUSING)
            self._changed()

    def resume(self) -> None:
        if self.batch is not None and self.model.phase in (Phase.PAUSED, Phase.PAUSING):
            self.batch.resume()
            self.model.request(Phase.RESUMING)
            self._changed()

    def toggle_pause(self) -> None:
        if self.model.phase in (Phase.PAUSED, Phase.PAUSING):
            self.resume()
        else:
            self.pause()

    def cancel(self) -> None:
        phase = self.model.phase
        if self.batch is not None and self.model.active and phase is not Phase.CANCELLING:
            self.batch.cancel()
            self.model.request(Phase.CANCELLING)
            self._changed()

    def resume_batch(self, batch_id: str) -> bool:
        """Finish a batch cut off earlier (this session or a previous one)."""
        if self.model.active:
            self.notice("Wait for the current batch to end before resuming another.")
            return False
        engine = self._ensure_engine()
        if engine is None:
            return False
        records = self._journal_call(lambda j: j.playlists(batch_id), [])
        self.batch = engine.resume_batch(batch_id)
        self.model.adopt(batch_id, [(Path(r.source), r.name, r.total, r.done) for r in records])
        self.unfinished = [b for b in self.unfinished if b.batch_id != batch_id]
        self.progress.start(self.clock())
        self._changed()
        return True

    def refresh_unfinished(self) -> None:
        """Batches in the journal worth resuming (none when there is no journal yet)."""
        found = self._journal_call(lambda j: j.unfinished(), [])
        current = self.model.batch_id if self.model.active else None
        self.unfinished = [
            b for b in found if b.batch_id != current and b.batch_id not in self._dismissed
        ]
        self._changed()

    def dismiss_unfinished(self, batch_id: str) -> None:
        self._dismissed.add(batch_id)
        self.unfinished = [b for b in self.unfinished if b.batch_id != batch_id]
        self._changed()

    def poll_events(self, limit: int = 50) -> list[Event]:
        """What the engine has sent since the last call (never blocks)."""
        return self.engine.events(timeout=0, limit=limit) if self.engine is not None else []

    def on_event(self, event: Event) -> None:
        """The pump's first subscriber: keep the queue and the clock up to date."""
        changed = self.model.apply(event)
        current = event.batch_id == self.model.batch_id
        now = self.clock()
        if isinstance(event, EngineError) and event.damaged:
            self.damage = Damage(event.damaged, Path(event.damaged_path), event.message)
            self._changed()  # the repair banner says it: no notice as well
        elif isinstance(event, EngineError):
            self.notice(event.message)
        elif not current:
            pass
        elif isinstance(event, BatchStarted):
            self.progress.start(now, event.already_done)
        elif isinstance(event, BatchPaused):
            self.progress.pause(now)
        elif isinstance(event, BatchResumed):
            self.progress.resume(now)
        elif isinstance(event, BatchFinished | BatchCancelled):
            self.progress.stop(now)
            self.batch = None
            if event.out_dir:
                self.last_out_dir = Path(event.out_dir)
            if isinstance(event, BatchCancelled) or not event.ok:
                self.refresh_unfinished()
        if changed:
            self._changed()

    # -- results -------------------------------------------------------------------------

    def review(
        self, batch_id: str, playlist_id: int, entry_index: int, catalog_id: str | None
    ) -> None:
        """Record a decision; the answer arrives as a ResultEdited event."""
        engine = self._ensure_engine()
        if engine is not None:
            engine.review(batch_id, playlist_id, entry_index, catalog_id)

    def full_result(self, batch_id: str, playlist_id: int, entry_index: int) -> MatchResult | None:
        """One result with its candidates and queries, read from the journal (fast)."""
        return self._journal_call(lambda j: j.result(batch_id, playlist_id, entry_index), None)

    @property
    def out_dir(self) -> Path:
        return (
            Path(self.settings.out_dir).expanduser()
            if self.settings.out_dir
            else (default_out_dir())
        )

    def open_folder(self, path: Path) -> None:
        """Show `path` in the OS file manager (an argument list, never a shell string;
        absolute, so a folder named "-x" cannot pass for an option)."""
        path = Path(path).absolute()
        try:
            if sys.platform == "win32":
                os.startfile(str(path))  # type: ignore[attr-defined]  # noqa: S606
            elif sys.platform == "darwin":
                subprocess.Popen(["open", str(path)])
            else:
                subprocess.Popen(["xdg-open", str(path)])
        except OSError as err:
            self.notice(f"Could not open {path}: {err.strerror or err}")

    # -- a damaged journal or catalog ---------------------------------------------------

    def repair(self) -> bool:
        """Move the damaged file aside (off the Tk thread: the engine holding it open is
        closed first); the outcome arrives as a notice and the banner goes away."""
        damage = self.damage
        if damage is None or self.repairing:
            return False
        if self.model.active:
            self.notice("Wait for the current batch to end before rebuilding.")
            return False
        self.repairing = True
        engine, self.engine = self.engine, None
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        worker = threading.Thread(
            target=self._repair, args=(damage, engine), name="cratematch-repair", daemon=True
        )
        self.readers = [t for t in self.readers if t.is_alive()] + [worker]
        worker.start()
        self._changed()
        return True

    def _repair(self, damage: Damage, engine: Engine | None) -> None:
        if engine is not None:
            engine.close()
        ok, text = repair_damage(damage, self.settings.catalog)
        self._post(partial(self._repaired, damage, ok, text))

    def _repaired(self, damage: Damage, ok: bool, text: str) -> None:
        self.repairing = False
        if ok and self.damage == damage:
            self.damage = None
        if ok and damage.kind == "catalog":  # what the damage stopped is ready to start again
            last = self.model.batch_id
            failed = [i for i in self.model.items
                      if i.status is ItemStatus.FAILED and i.batch_id == last]  # fmt: skip
            for item in failed:
                self.model.remove(item.item_id)
                self.model.add(item.path, item.name, item.label, item.entries)
        self.notice(text)
        if ok and damage.kind == "journal":
            self.refresh_unfinished()

    # -- settings and lifetime -----------------------------------------------------------

    def apply_settings(self, new: Settings) -> None:
        """Keep and save new settings; a changed engine config takes effect at the next
        Start (a running batch keeps the engine it started on)."""
        self.settings = new
        try:
            save_settings(new)
        except OSError as err:
            self.notice(f"Settings could not be saved: {err.strerror or err}")
        self._changed()

    def close(self) -> None:
        """Stop the engine (cancelling a running batch) and let go of the journal."""
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def _ensure_engine(self) -> Engine | None:
        config = self.settings.engine_config()
        try:
            config.checked()
        except CrateMatchError as err:
            self.notice(str(err))
            return None
        if self.engine is not None and config != self._engine_config and not self.model.active:
            old, self.engine = self.engine, None
            threading.Thread(target=old.close, name="cratematch-engine-close", daemon=True).start()
        if self.engine is None:
            self.engine = self._engine_factory(config)
            self._engine_config = config
        return self.engine

    def _journal_call(self, read, default):  # noqa: ANN001, ANN202 - (Journal -> T), T
        """`read(journal)` on a read-only journal, or `default` when there is none."""
        try:
            if self._journal is None:
                self._journal = Journal.open(readonly=True)
            return read(self._journal)
        except JournalError as err:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            if isinstance(err, JournalDamaged) and not self.repairing:
                self.damage = Damage("journal", err.path or default_journal_path(), str(err))
            return default
