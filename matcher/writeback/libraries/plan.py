"""The preview of a library write: the same FilePlans (and tag_changes.csv) as a tag
write, with the library's entry standing in for the audio file.

A library write reads one file (the library), not thousands, so it is planned in the
calling process rather than on the worker pool. The rows come from `targets.gather`,
like a tag write's; each audio file is looked up in the library by its location, its
entry's values are what "the file says", and `plan.plan_file` decides under the same
options (fill empty fields, --overwrite, --fields, --key-notation). Files the library
does not hold are refused ("not in the Traktor collection"); the ones it holds, in
playlist order, make the new playlist. A library may also know a track by the catalog
id it was imported under (`find_catalog_id`: Rekordbox's "rbdb:<content id>"), for a
library whose files moved since the catalog was made.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from matcher.writeback.plan import TAG_CHANGES, FilePlan, PlanStatus, plan_file, write_tag_changes
from matcher.writeback.records import FileOutcome, FileStamp, FileState, FileStatus, StreamInfo
from matcher.writeback.targets import FileTarget, Gathered, WriteOptions

__all__ = [
    "LibraryDocument",
    "LibraryPlan",
    "library_outcomes",
    "library_sha256",
    "plan_library",
    "write_previews",
]

_NO_STREAM = StreamInfo(0.0, None, None)


class LibraryDocument(Protocol):
    """What planning needs of a library: which fields it keeps, its entry for an audio
    file (None when it has none) and what that entry says."""

    fields: frozenset[str]
    missing: str  # why a file it does not hold is refused ("not in the Traktor collection")

    def find(self, path: str) -> Any | None: ...
    def values(self, entry: Any) -> dict[str, str]: ...


@dataclass(frozen=True, slots=True)
class LibraryPlan:
    app: str  # "traktor", "rekordbox", "serato"
    library: str  # the library file, as resolved
    before_sha256: str  # the library as planned: a write refuses if it changed since
    plans: tuple[FilePlan, ...]
    found: tuple[int, ...]  # indexes into plans of the files the library holds, in order
    review: tuple[int, ...]  # indexes of the review rows it holds (Rekordbox: a MyTag)
    playlist: str  # the name of the playlist of found tracks to add
    skipped: dict[str, int]  # rows left out, by why

    @property
    def changes(self) -> int:
        return sum(len(p.changes) for p in self.plans)

    @property
    def to_write(self) -> bool:
        return bool(self.found or self.review) or any(
            p.status is PlanStatus.CHANGE for p in self.plans
        )


def library_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _find(document: LibraryDocument, target: FileTarget) -> Any | None:
    """The library's entry for `target`: by its file, else by its catalog id."""
    entry = document.find(target.path)
    by_id = getattr(document, "find_catalog_id", None)
    if entry is None and by_id is not None:
        entry = by_id(target.catalog_id, target.path)
    return entry


def _playlist_name(gathered: Gathered, taken: set[str]) -> str:
    names = list(dict.fromkeys(p.name for p in gathered.playlists)) or ["results"]
    base = f"CrateMatch {', '.join(names)}"[:120]
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    return name


def plan_library(
    app: str,
    library: Path,
    document: LibraryDocument,
    gathered: Gathered,
    options: WriteOptions,
    *,
    taken_names: set[str],
) -> LibraryPlan:
    """Plan every gathered file against `document` (the library at `library`, read)."""
    st = library.stat()
    sha = library_sha256(library) if library.is_file() else ""  # Serato: a folder
    stamp = FileStamp(st.st_size, st.st_mtime_ns, sha)
    plans, found, review = [], [], []
    for target in gathered.targets:
        entry = None if target.conflict else _find(document, target)
        if target.conflict:
            plans.append(plan_file(target, None, options))
            continue
        if entry is None:
            plans.append(FilePlan(target, None, (), document.missing))
            continue
        kept = {f: v for f, v in target.proposed.items() if f in document.fields}
        if target.status == "review":
            review.append(len(plans))
            if not options.include_review:  # only marked: its values are not accepted
                kept = {}
        if target.status != "review" or options.include_review:
            found.append(len(plans))
        state = FileState(target.path, str(library), app, "", stamp,
                          document.values(entry), _NO_STREAM)  # fmt: skip
        plans.append(plan_file(replace(target, proposed=kept), state, options))
    return LibraryPlan(app, str(library), sha, tuple(plans), tuple(found), tuple(review),
                       _playlist_name(gathered, taken_names), dict(gathered.skipped))  # fmt: skip


def library_outcomes(plan: LibraryPlan) -> list[FileOutcome]:
    """What a written plan did to each track's entry (the CLI and the engine report the
    same)."""
    out = []
    for p in plan.plans:
        if p.status is PlanStatus.REFUSED:
            status = FileStatus.REFUSED
        else:
            status = FileStatus.WRITTEN if p.changes else FileStatus.UNCHANGED
        out.append(FileOutcome(p.path, status, p.reason, p.changes))
    return out


def write_previews(
    plans: Sequence[FilePlan], outcomes: Mapping[str, FileOutcome] | None = None
) -> list[Path]:
    """tag_changes.csv in each output folder the plans came from (with outcomes: after
    the write, what happened to each file)."""
    by_folder: dict[str, list[FilePlan]] = defaultdict(list)
    for plan in plans:
        by_folder[plan.target.out_dir].append(plan)
    return [
        write_tag_changes(Path(folder) / TAG_CHANGES, group, outcomes)
        for folder, group in by_folder.items()
        if Path(folder).is_dir()
    ]
