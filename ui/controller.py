"""Batch control: one engine, one batch at a time: start, pause, resume and cancel it,
resume one cut off earlier, send review decisions, keep settings, and keep the queue and
the batch's figures (time, speed: the engine's own) in step with its events. No Tk here.

    views ──start/pause/cancel/review──▶ Controller ──commands──▶ Engine (host process)
      ▲                                     │  ▲
      └── session.watch() ◀── model ◀───────┘  └── on_event(event) ◀── EventPump (Tk thread)

The Controller makes the window's other parts, which share its Session (ui/session.py);
each view gets the part it needs:

    intake   ui/intake.py    files and folders in (read off the Tk thread), the picker,
                             queue edits
    history  ui/history.py   unfinished batches, full results, dismissals (read-only)
    repair   ui/repair.py    a damaged journal or catalog, moved aside on request
    catalog_choice (ui/catalog_choice.py): Start with no catalog at all asks for one
    writes   ui/writes.py    write-back: the preview, writing tags, undo, the writes;
                             the events of its runs are handed to it, not to the queue

Every method runs on the Tk thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from matcher import (
    Batch,
    BatchCancelled,
    BatchFinished,
    CrateMatchError,
    Engine,
    EngineConfig,
    EngineError,
    Event,
    PlaylistRef,
    default_out_dir,
)
from ui.catalog_choice import CatalogChoice
from ui.folder_opener import no_folder_opener
from ui.history import BatchHistory
from ui.intake import Intake
from ui.progress_model import RunFigures
from ui.queue_model import Phase, QueueModel, nothing_to_start
from ui.repair import Damage, Repair
from ui.session import Post, Session
from ui.settings import Settings, TokenStore, save_settings
from ui.tally import Counts
from ui.writes import Writes

__all__ = ["Controller"]


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
        self.session = Session(settings, post=post, tokens=tokens, clock=clock)
        self.figures = RunFigures()  # the current batch's time and speed
        self.opener_missing = no_folder_opener  # asked before showing a folder (tests swap it)
        self.provider = self.settings.provider  # the current (or last) batch's provider
        self.engine: Engine | None = None
        self.batch: Batch | None = None
        self.last_out_dir: Path | None = None
        self._engine_factory = engine_factory
        self._engine_config: EngineConfig | None = None
        self.intake = Intake(self.session)
        self.history = BatchHistory(self.session)
        self.repair = Repair(self.session, self.history, self._release_engine)
        self.history.on_damaged = self.repair.found_reading
        self.writes = Writes(self.session, self._ensure_engine, self.history,
                             lambda: self.model.active)  # fmt: skip
        self.catalog_choice = CatalogChoice(self.session, self.apply_settings, self.start)

    @property
    def model(self) -> QueueModel:
        return self.session.model

    @property
    def busy(self) -> bool:
        """True while a batch or a tag write runs (closing asks first)."""
        return self.model.active or self.writes.active

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self.session.settings = value

    # -- the batch -----------------------------------------------------------------------

    def start(self) -> bool:
        """Send every waiting playlist to the engine as one batch."""
        if self.model.active:
            return False
        if self.writes.active:
            self.session.notice("Wait for the tag write to finish before starting a batch.")
            return False
        items = self.model.waiting()
        if not items:
            resumable = bool(self.history.unfinished)
            self.session.notice(nothing_to_start(self.model.items, resumable))
            return False
        if not self.catalog_choice.ready():  # no catalog at all: the window asks for one
            return False
        engine = self._ensure_engine()
        if engine is None:
            return False
        self.batch = engine.start([PlaylistRef(i.path, i.name) for i in items])
        self.model.bind(self.batch.batch_id, [i.item_id for i in items])
        self._began()
        return True

    def _began(self) -> None:
        self.figures.reset()
        self.provider = self._engine_config.provider if self._engine_config else self.provider
        self.session.changed()

    def pause(self) -> None:
        if self.batch is not None and self.model.phase is Phase.RUNNING:
            self.batch.pause()
            self.model.request(Phase.PAUSING)
            self.session.changed()

    def resume(self) -> None:
        if self.batch is not None and self.model.phase in (Phase.PAUSED, Phase.PAUSING):
            self.batch.resume()
            self.model.request(Phase.RESUMING)
            self.session.changed()

    def toggle_pause(self) -> None:
        if self.model.phase in (Phase.PAUSED, Phase.PAUSING):
            self.resume()
        else:
            self.pause()

    def cancel_all(self) -> None:
        """Cancel the batch and any tag write (closing the window)."""
        self.cancel()
        self.writes.cancel()

    def cancel(self) -> None:
        phase = self.model.phase
        if self.batch is not None and self.model.active and phase is not Phase.CANCELLING:
            self.batch.cancel()
            self.model.request(Phase.CANCELLING)
            self.session.changed()

    def resume_batch(self, batch_id: str) -> bool:
        """Finish a batch cut off earlier (this session or a previous one)."""
        if self.model.active or self.writes.active:
            self.session.notice("Wait for the current batch to end before resuming another.")
            return False
        engine = self._ensure_engine()
        if engine is None:
            return False
        records = self.history.playlists(batch_id)
        tally = self.session.tally
        for r in records:  # what the journal has: the cards count it from the start
            pair = (batch_id, r.playlist_id)
            tally.set_prior(pair, Counts.of(self.history.counts(*pair)) - tally.arrived(pair))
        self.batch = engine.resume_batch(batch_id)
        self.model.adopt(batch_id, [(Path(r.source), r.name, r.total, r.done) for r in records])
        self.history.taken(batch_id)
        self._began()
        return True

    def poll_events(self, limit: int = 50) -> list[Event]:
        """What the engine has sent since the last call (never blocks)."""
        return self.engine.events(timeout=0, limit=limit) if self.engine is not None else []

    def on_event(self, event: Event) -> None:
        """The pump's first subscriber: keep the queue and the clock up to date, and hand
        the events of tag writes to `writes`."""
        if self.writes.owns(event.batch_id):
            self.writes.on_event(event)
            return
        changed = self.model.apply(event)
        current = event.batch_id == self.model.batch_id
        if isinstance(event, EngineError) and event.damaged:
            self.repair.found(Damage(event.damaged, Path(event.damaged_path), event.message))
            self.session.changed()  # the repair banner says it: no notice as well
        elif isinstance(event, EngineError):
            self.session.notice(event.message)
        elif current and isinstance(event, BatchFinished | BatchCancelled):
            self.batch = None
            if event.out_dir:
                self.last_out_dir = Path(event.out_dir)
                if isinstance(event, BatchCancelled) or event.ok:  # what it matched is kept
                    self.writes.note_batch(event.batch_id, event.out_dir)
            if isinstance(event, BatchCancelled) or not event.ok:
                self.history.refresh_unfinished()
        if changed:
            self.session.changed()

    def on_metrics(self, metrics: dict[str, float]) -> None:
        """The current batch's newest MetricsSnapshot (the pump keeps one per tick): the
        status bar shows its time and speed at once, as the dashboard does."""
        self.figures.observe(metrics)
        self.session.changed()

    # -- results -------------------------------------------------------------------------

    def review(
        self, batch_id: str, playlist_id: int, entry_index: int, catalog_id: str | None
    ) -> None:
        """Record a decision; the answer arrives as a ResultEdited event."""
        engine = self._ensure_engine()
        if engine is not None:
            engine.review(batch_id, playlist_id, entry_index, catalog_id)
            self.writes.results_edited(batch_id)  # a write preview read before is outdated

    @property
    def out_dir(self) -> Path:
        out_dir = self.settings.out_dir
        return Path(out_dir).expanduser() if out_dir else default_out_dir()

    def open_folder(self, path: Path) -> None:
        """Show `path` in the OS file manager (an argument list, never a shell string;
        absolute, so a folder named "-x" cannot pass for an option)."""
        path = Path(path).absolute()
        problem = self.opener_missing(path)
        if problem:  # say where it is rather than "No such file or directory"
            self.session.notice(problem)
            return
        try:
            if sys.platform == "win32":
                os.startfile(str(path))  # type: ignore[attr-defined]  # noqa: S606
            elif sys.platform == "darwin":
                subprocess.Popen(["open", str(path)])
            else:
                subprocess.Popen(["xdg-open", str(path)])
        except OSError as err:
            self.session.notice(f"Could not open {path}: {err.strerror or err}")

    # -- settings and lifetime -----------------------------------------------------------

    def apply_settings(self, new: Settings) -> None:
        """Keep and save new settings; a changed engine config takes effect at the next
        Start (a running batch keeps the engine it started on)."""
        self.settings = new
        try:
            save_settings(new)
        except OSError as err:
            self.session.notice(f"Settings could not be saved: {err.strerror or err}")
        self.session.changed()

    def close(self) -> None:
        """Stop the engine (cancelling a running batch) and let go of the journal."""
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        self.history.close()

    def _ensure_engine(self) -> Engine | None:
        config = self.settings.engine_config()
        try:
            config.checked()
        except CrateMatchError as err:
            self.session.notice(str(err))
            return None
        if self.engine is not None and config != self._engine_config and not self.busy:
            old, self.engine = self.engine, None
            threading.Thread(target=old.close, name="cratematch-engine-close", daemon=True).start()
        if self.engine is None:
            self.engine = self._engine_factory(config)
            self._engine_config = config
        return self.engine

    def _release_engine(self) -> Engine | None:
        """Hand the engine over to be closed (a repair needs its files let go of)."""
        engine, self.engine = self.engine, None
        return engine
