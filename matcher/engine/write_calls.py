"""The Engine's write-back calls: plan, write and undo tags in audio files and writes
into DJ libraries. Each makes one run's spec and sends it to the host as a StartFiles or
StartLibrary command; the host answers with the run's events, as for a batch. Write-back
code loads on first use: a caller that only matches never imports it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.engine import messages

if TYPE_CHECKING:
    from matcher.engine.client import Batch
    from matcher.engine.file_run import FileRunSpec
    from matcher.engine.library_run import LibraryRunSpec
    from matcher.writeback.libraries.plan import LibraryPlan
    from matcher.writeback.plan import FilePlan
    from matcher.writeback.targets import WriteOptions

__all__ = ["WriteBackCalls"]


def _new_id() -> str:
    from matcher.engine.client import new_batch_id

    return new_batch_id()


def _absolute(out_dirs: Iterable[str | Path]) -> tuple[str, ...]:
    """Output folders as the engine's runs name them (absolute, `~` expanded)."""
    return tuple(str(Path(d).expanduser().absolute()) for d in out_dirs)


class WriteBackCalls:
    """Mixed into `Engine` (matcher.engine.client), which supplies `_start_run`."""

    def plan_tags(
        self, out_dirs: Iterable[str | Path], options: WriteOptions | None = None
    ) -> Batch:
        """Read the audio files that the results in `out_dirs` (batches' or playlists'
        output folders) propose values for. FilesPlanned events carry each file's plan;
        `tag_changes.csv` lands in each folder (the final event's summary_path)."""
        from matcher.engine.file_run import FileRunSpec
        from matcher.writeback.jobs import Action
        from matcher.writeback.targets import WriteOptions

        spec = FileRunSpec(_new_id(), Action.READ, _absolute(out_dirs),
                           options or WriteOptions())  # fmt: skip
        return self._start_files(spec)

    def write_tags(
        self,
        plans: Sequence[FilePlan],
        options: WriteOptions | None = None,
        out_dirs: Iterable[str | Path] = (),
    ) -> Batch:
        """Write the changes of `plans` (a plan run's, as approved) into the files. The
        batch id is the write's id: `undo_write(batch.batch_id)` puts every file back.
        `out_dirs`, the folders the plans were read from: a review decision that changed
        their results since then fails the write (DecisionsChanged) before any file."""
        from matcher.engine.file_run import FileRunSpec
        from matcher.writeback.jobs import Action
        from matcher.writeback.targets import WriteOptions

        spec = FileRunSpec(
            _new_id(),
            Action.WRITE,
            _absolute(out_dirs),
            options=options or WriteOptions(),
            plans=tuple(p.slim() for p in plans),
        )
        return self._start_files(spec)

    def undo_write(self, write_id: str = "", *, force: bool = False) -> Batch:
        """Restore every file of a write (by default the newest one not undone yet) byte
        for byte; FilesWritten events carry each file's outcome. A write into a DJ
        library is undone from its backup (refused while the app runs, and when the
        library changed since the write, EngineError.may_force, unless `force`)."""
        from matcher.engine.file_run import FileRunSpec
        from matcher.writeback.jobs import Action

        spec = FileRunSpec(_new_id(), Action.RESTORE, write_id=write_id, force=force)
        return self._start_files(spec)

    def plan_library(
        self,
        app: str,
        out_dirs: Iterable[str | Path],
        options: WriteOptions | None = None,
        library: str | Path = "",
    ) -> Batch:
        """Plan writing the results in `out_dirs` into `app`'s library ("rekordbox",
        "traktor", "serato"): `library` (by default, where the app keeps it on this
        computer) is read and nothing is written. LibraryPlanned carries the plan."""
        from matcher.engine.library_run import LibraryAction, LibraryRunSpec
        from matcher.writeback.targets import WriteOptions

        where = str(Path(library).expanduser().absolute()) if library else ""
        spec = LibraryRunSpec(_new_id(), LibraryAction.READ, app, where,
                              _absolute(out_dirs), options or WriteOptions())  # fmt: skip
        return self._start_library(spec)

    def write_library(
        self,
        plan: LibraryPlan,
        options: WriteOptions | None = None,
        out_dirs: Iterable[str | Path] = (),
    ) -> Batch:
        """Write `plan` (a LibraryPlanned's, its FilePlans re-planned as approved) into its
        library, after a backup. The batch id is the write's id, for `undo_write`.
        `out_dirs` as for `write_tags`."""
        from matcher.engine.library_run import LibraryAction, LibraryRunSpec
        from matcher.writeback.targets import WriteOptions

        slim = tuple(p.slim() for p in plan.plans)
        spec = LibraryRunSpec(
            _new_id(), LibraryAction.WRITE, plan.app, plan.library, _absolute(out_dirs),
            options=options or WriteOptions(), plan=replace(plan, plans=slim),
        )  # fmt: skip
        return self._start_library(spec)

    def _start_files(self, spec: FileRunSpec) -> Batch:
        return self._start_run(spec.run_id, messages.StartFiles(spec))

    def _start_library(self, spec: LibraryRunSpec) -> Batch:
        return self._start_run(spec.run_id, messages.StartLibrary(spec))

    def _start_run(self, run_id: str, command: messages.Command) -> Batch:
        raise NotImplementedError  # the Engine's: its Batch, the command sent
