"""The "Write tags" preview as data: the files a plan run read, re-planned under the
options the user picks, as counts and table rows. Pure (no Tk), tested without a window.

    FilesPlanned ──add()──▶ plans as read ──replan(options)──▶ plans shown (and written)
    an option changed ──set_options()──▶ every plan re-planned, a chunk per step()

Re-planning reads no file (matcher.replan), but 10,000 files take a tenth of a second,
so the dialog runs `step()` on `after()` ticks with a small budget and the window never
stalls. Changing "include review rows" changes which files are planned: set_options
says so, and the caller starts a new plan run.

A preview shown again (or re-planned) must say what the files are now, not what they
were when read: the caller looks whether any changed (`checking`, FilePlan.stale on a
thread) and reads them again if one did; the preview is not `ready` meanwhile. Nor when
the results changed after the read (`outdated`: a review decision): the plans follow the
old decisions, so it is read again before anything is written.

A write into a DJ library previews the same way: its plans are the library's entries
(one per track, `library` holds the rest of the LibraryPlan: the library's path, the
playlist it adds), counted in tracks, and it is worth writing even with no field to
change when it adds a playlist. A Serato crate has no fields at all: what it does is add
a crate, so its headline and rows say that ("Adds crate “X” with 6 tracks"), not
"0 tracks to change · 6 already up to date".
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePath

from matcher import (
    DEFAULT_WRITE_FIELDS,
    LIBRARY_APPS,
    LIBRARY_FIELDS,
    WRITE_FIELDS,
    FilePlan,
    LibraryPlan,
    PlanStatus,
    WriteOptions,
    replan,
)
from ui.progress_model import plural

__all__ = [
    "FIELD_LABELS",
    "LEFT_OUT",
    "LIBRARY_TITLES",
    "TAGS",
    "MAX_ROWS",
    "NOTATION_LABELS",
    "PreviewCounts",
    "PreviewRow",
    "WritePreview",
    "default_options",
    "fields_of",
    "left_out_of",
    "library_lines",
    "preview_rows",
]

LEFT_OUT = "left out: "  # a plan run's BatchFinished.counts keys for rows it left out, by why
MAX_ROWS = 5_000  # table rows shown; tag_changes.csv in the output folder lists them all
STEP_CHUNK = 250  # plans re-planned between two looks at the clock

FIELD_LABELS: dict[str, str] = {
    "genre": "Genre", "label": "Label", "key": "Key", "bpm": "BPM", "year": "Year",
    "remixers": "Remixers", "mix": "Mix", "isrc": "ISRC", "comment": "Comment",
}  # fmt: skip
TAGS = "tags"  # the target of a tag write; a library write's is its app ("rekordbox", ...)
LIBRARY_TITLES = {"rekordbox": "Rekordbox library", "traktor": "Traktor collection",
                  "serato": "Serato crate"}  # fmt: skip
NOTATION_LABELS: dict[str, str] = {  # the default, musical, is what Rekordbox shows
    "musical": "Am (musical)",
    "camelot": "8A (Camelot)",
    "openkey": "1m (Open Key)",
}


def fields_of(target: str) -> tuple[str, ...]:
    """The fields a target keeps, in WRITE_FIELDS order (a Serato crate: none)."""
    if target == TAGS:
        return tuple(WRITE_FIELDS)
    kept = LIBRARY_FIELDS.get(target, frozenset())
    return tuple(f for f in WRITE_FIELDS if f in kept)


def default_options(target: str) -> WriteOptions:
    """The options a first write to `target` starts from: the default fields that target
    keeps, the same for audio files and libraries. The comment is not among them: it holds
    the DJ's own notes in every library (matcher.writeback.fields), so only a tick writes
    "CrateMatch: local 123" over an empty one."""
    if target == TAGS:
        return WriteOptions()
    notation = "musical"  # Rekordbox names its keys "Am"; Traktor shows the text written
    fields = frozenset(fields_of(target)) & DEFAULT_WRITE_FIELDS
    return WriteOptions(fields=fields, key_notation=notation, target=target)


def library_lines(plan: LibraryPlan, review_tag: str = "CrateMatch review") -> list[str]:
    """What a library write adds besides the fields: the playlist (crate), review marks."""
    found = len(plan.found)
    if plan.app == "serato":  # a new file: nothing is backed up, undo deletes it
        return ["Serato lists it under “CrateMatch” the next time it starts; nothing else "
                "changes (no tag, no other crate). Undo in the Writes tab deletes the "
                "crate."]  # fmt: skip
    lines = [f"New playlist “{plan.playlist}” of {plural(found, 'track')}" if found
             else "No playlist (no track of the results is in the library)"]  # fmt: skip
    if plan.review and plan.app == "rekordbox":
        verb = "gets" if len(plan.review) == 1 else "get"
        lines.append(f"{plural(len(plan.review), 'review track')} {verb} the MyTag “{review_tag}”")
    name = LIBRARY_APPS.get(plan.app, plan.app)
    lines.append(f"{PurePath(plan.library).name} is backed up first; Undo in the Writes tab "
                 f"restores it byte for byte (with {name} closed)")  # fmt: skip
    return lines


def left_out_of(counts: Mapping[str, int]) -> dict[str, int]:
    """The rows a plan run left out, by why, from its BatchFinished counts."""
    return {k[len(LEFT_OUT) :]: n for k, n in counts.items() if k.startswith(LEFT_OUT) and n}


@dataclass(frozen=True, slots=True)
class PreviewCounts:
    """What the plans would do, counted for the line above the table."""

    to_change: int = 0  # files with at least one change
    same: int = 0  # files that already say it all
    refused: int = 0  # files left alone (their reasons in `refusals`)
    changes: int = 0  # fields over all files
    by_field: tuple[tuple[str, int], ...] = ()  # in WRITE_FIELDS order
    refusals: tuple[tuple[str, int], ...] = ()  # (reason, files), most first
    left_out: tuple[tuple[str, int], ...] = ()  # (why, rows)

    @property
    def files(self) -> int:
        return self.to_change + self.same + self.refused

    def headline(self, noun: str = "file", first: str = "") -> str:
        """ "21 files to change (168 fields) · 3 already up to date · 5 refused" (`first`
        in place of what changes: what a crate adds)"""
        parts = [first or f"{plural(self.to_change, noun)} to change "
                          f"({plural(self.changes, 'field')})"]  # fmt: skip
        if self.same and not first:
            parts.append(f"{self.same:,} already up to date")
        if self.refused:
            parts.append(f"{self.refused:,} refused")
        left = sum(n for _w, n in self.left_out)
        if left:
            parts.append(f"{plural(left, 'row')} left out")
        return " · ".join(parts)

    def detail_lines(self) -> list[str]:
        """Per field, why files are refused, why rows are left out: one line each."""
        lines = []
        if self.by_field:
            lines.append("Fields: " + ", ".join(f"{FIELD_LABELS.get(f, f)} {n:,}"
                                                 for f, n in self.by_field))  # fmt: skip
        if self.refusals:
            lines.append("Refused: " + "; ".join(f"{n:,} {r}" for r, n in self.refusals))
        if self.left_out:
            lines.append("Left out: " + "; ".join(f"{n:,} {w}" for w, n in self.left_out))
        return lines


@dataclass(frozen=True, slots=True)
class PreviewRow:
    iid: str
    values: tuple[str, str, str, str, str]  # file, field, now, new, why
    tag: str  # "change" or "refused"
    path: str


def preview_rows(
    plans: Iterable[FilePlan],
    limit: int = MAX_ROWS,
    where: str = "file",
    crate: tuple[str, Collection[int]] = ("", ()),
) -> tuple[list[PreviewRow], int]:
    """The table: one row per change and one per refused file, in file order, at most
    `limit` of them; and how many there are in all. `where` the values are now: "file",
    or "library" for a library's entries ("empty in the library"); `crate`: a Serato
    crate's name and the plans it lists, a row each."""
    rows: list[PreviewRow] = []
    total = 0
    name_of_crate, listed = crate
    for n, plan in enumerate(plans):
        status = plan.status
        if n in listed and status is not PlanStatus.REFUSED:
            if total < limit:
                values = (PurePath(plan.path).name or plan.path, "Crate", "—", name_of_crate,
                          "added to the crate")  # fmt: skip
                rows.append(PreviewRow(f"p{total}", values, "change", plan.path))
            total += 1
            continue
        if status is PlanStatus.SAME:
            continue
        name = PurePath(plan.path).name or plan.path
        if status is PlanStatus.REFUSED:
            if total < limit:
                values = (name, "—", "", "", f"refused: {plan.reason or 'could not be read'}")
                rows.append(PreviewRow(f"p{total}", values, "refused", plan.path))
            total += 1
            continue
        for change in plan.changes:
            if total < limit:
                field = FIELD_LABELS.get(change.field, change.field)
                why = change.why.replace("in the file", f"in the {where}")
                values = (name, field, change.old or "—", change.new, why)
                rows.append(PreviewRow(f"p{total}", values, "change", plan.path))
            total += 1
    return rows, total


class WritePreview:
    """Plans as read, and the same plans under the user's current options."""

    def __init__(self, options: WriteOptions, target: str = TAGS) -> None:
        self.options = options
        self.target = target  # TAGS, or the library's app
        self.library: LibraryPlan | None = None  # a library write's plan, as read
        self.left_out: dict[str, int] = {}
        self._read: list[FilePlan] = []
        self._shown: list[FilePlan] = []
        self._next = 0  # plans before this index are re-planned under `options`
        self._counts: PreviewCounts | None = None
        self.checking = False  # the files are being looked at: did any change since read?
        self.outdated = False  # the results changed after the read began (a review decision)
        self.note = ""  # why it was read again, when the user did not ask for it

    def __len__(self) -> int:
        return len(self._read)

    @property
    def replanned(self) -> bool:
        """True when every plan shown is planned under the current options."""
        return self._next >= len(self._read)

    @property
    def ready(self) -> bool:
        """True when the plans shown can be counted and written: re-planned, the files
        known to be as they were read, and the results as they were then."""
        return self.replanned and not self.checking and not self.outdated

    @property
    def plans(self) -> list[FilePlan]:
        return self._shown

    def add(self, plans: Iterable[FilePlan]) -> None:
        """Plans from a FilesPlanned event (re-planned at once when nothing is pending)."""
        catching_up = self.replanned
        for plan in plans:
            self._read.append(plan)
            self._shown.append(replan(plan, self.options) if catching_up else plan)
        if catching_up:
            self._next = len(self._read)
        self._counts = None

    def finish(self, counts: Mapping[str, int]) -> None:
        """The plan run's final counts: what it left out, and why."""
        self.left_out = left_out_of(counts)
        self._counts = None

    def set_options(self, options: WriteOptions) -> bool:
        """Take new options; True when the files must be read again (include_review
        changed which rows are written). Otherwise re-plan with `step()`."""
        reread = options.include_review != self.options.include_review
        if options != self.options:
            self.options = options
            self._next = 0
            self._counts = None
        return reread

    def step(self, budget_s: float = 0.008) -> bool:
        """Re-plan for about `budget_s`; True once every plan is done (`replanned`)."""
        deadline = time.perf_counter() + budget_s
        options, read, shown = self.options, self._read, self._shown
        while self._next < len(read):
            end = min(len(read), self._next + STEP_CHUNK)
            for n in range(self._next, end):
                shown[n] = replan(read[n], options)
            self._next = end
            self._counts = None
            if time.perf_counter() >= deadline:
                break
        return self.replanned

    def as_read(self) -> tuple[FilePlan, ...]:
        """The plans as the files were read (what FilePlan.stale compares with)."""
        return tuple(self._read)

    def counts(self) -> PreviewCounts:
        if self._counts is None:
            self._counts = self._count()
        return self._counts

    def _count(self) -> PreviewCounts:
        by_status: Counter[PlanStatus] = Counter()
        fields: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        for plan in self._shown:
            status = plan.status
            by_status[status] += 1
            if status is PlanStatus.REFUSED:
                reasons[plan.reason or "could not be read"] += 1
            for change in plan.changes:
                fields[change.field] += 1
        return PreviewCounts(
            to_change=by_status[PlanStatus.CHANGE],
            same=by_status[PlanStatus.SAME],
            refused=by_status[PlanStatus.REFUSED],
            changes=sum(fields.values()),
            by_field=tuple((f, fields[f]) for f in WRITE_FIELDS if fields[f]),
            refusals=tuple(reasons.most_common()),
            left_out=tuple(sorted(self.left_out.items())),
        )

    def rows(self, limit: int = MAX_ROWS) -> tuple[list[PreviewRow], int]:
        library = self.library
        crate = (library.playlist, frozenset(library.found)) if self.crate else ("", ())
        where = "file" if self.target == TAGS else "library"
        return preview_rows(self._shown, limit, where, crate)

    @property
    def crate(self) -> bool:
        """A Serato crate: no fields, it adds a crate of the tracks found."""
        return self.library is not None and self.library.app == "serato"

    def headline(self) -> str:
        """The line above the table: the counts, or what a crate adds."""
        counts = self.counts()
        if not self.crate or self.library is None:
            return counts.headline(self.noun)
        found, name = len(self.library.found), self.library.playlist
        adds = (f"Adds crate “{name}” with {plural(found, 'track')}" if found
                else "No crate to add: no track of the results is in this library")  # fmt: skip
        return counts.headline(self.noun, first=adds)

    @property
    def noun(self) -> str:
        return "file" if self.target == TAGS else "track"

    @property
    def writable(self) -> bool:
        """True when Write would change something (and the plans are up to date): a
        field, or a library's new playlist or review marks."""
        if not self.ready:
            return False
        library = self.library
        adds = library is not None and bool(library.found or library.review)
        return self.counts().to_change > 0 or adds

    def library_plan(self) -> LibraryPlan | None:
        """The library write to hand to write_library: its plans as re-planned."""
        if self.library is None:
            return None
        return replace(self.library, plans=tuple(self._shown))

    def to_write(self) -> tuple[FilePlan, ...]:
        """The plans to hand to write_tags: every file (refused ones are recorded so the
        write's history counts them), as planned under the current options."""
        return tuple(self._shown)

    def refused(self) -> list[tuple[str, str]]:
        """(path, reason) of each file refused in the preview."""
        return [(p.path, p.reason or "could not be read") for p in self._shown
                if p.status is PlanStatus.REFUSED]  # fmt: skip
