"""The preview of a write: per file, what changes, or why it is left alone.

A plan joins what the catalog proposes for a file (targets.FileTarget) with what the
file says now (a FileState read by a worker) under the user's options. Everything here
is pure, so the window can re-plan at once when the user ticks a field, switches the
policy or the key notation, without reading a file again. One look at the file system is
offered apart (`FilePlan.stale`): whether a plan still holds for the file as it is now,
so a preview shown again is read again only when a file changed (made writable, say).

`tag_changes.csv` is the plan as a table (file, field, old, new, why), one row per
change; after a write it also says what happened to each file.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from matcher.matching.keys import parse_key
from matcher.outputs.atomic import atomic_write_text
from matcher.writeback.fields import WRITE_FIELDS, format_key
from matcher.writeback.filecheck import checked_reason, refusal_now
from matcher.writeback.policy import FieldChange, plan_changes
from matcher.writeback.records import FileOutcome, FileState
from matcher.writeback.targets import FileTarget, WriteOptions

__all__ = [
    "TAG_CHANGES",
    "FilePlan",
    "PlanStatus",
    "plan_file",
    "replan",
    "summary_lines",
    "with_notation",
    "write_tag_changes",
]

TAG_CHANGES = "tag_changes.csv"
_COLUMNS = ("file", "field", "old", "new", "why")
_OUTCOME_COLUMNS = ("outcome", "reason")


class PlanStatus(StrEnum):
    CHANGE = "to change"  # at least one field changes
    SAME = "nothing to change"  # the file already says what the catalog says
    REFUSED = "refused"  # left alone: `reason` says why


@dataclass(frozen=True, slots=True)
class FilePlan:
    target: FileTarget
    state: FileState | None  # None when the file could not be read
    changes: tuple[FieldChange, ...] = ()
    reason: str = ""  # why it is refused

    @property
    def path(self) -> str:
        return self.target.path

    @property
    def status(self) -> PlanStatus:
        if self.reason or self.state is None:
            return PlanStatus.REFUSED
        return PlanStatus.CHANGE if self.changes else PlanStatus.SAME

    def stale(self) -> bool:
        """Whether the file is no longer as this plan found it, from a stat and the access
        checks (no tag is read): refused by those checks (read-only, missing...) and now
        passing them or failing another; read, and now refused or of another size or
        mtime. A file refused for what it holds (damaged) or for its rows (a conflict) is
        stale only when the checks now refuse it. For a tag write's plans: a library
        write's entries stand for the library, not for their files."""
        if self.target.conflict:
            return False
        now, st = refusal_now(self.path)
        if self.state is None:
            was = self.reason if checked_reason(self.reason) else ""
            return now != was
        if st is None:
            return True
        return (st.st_size, st.st_mtime_ns) != (self.state.stamp.size, self.state.stamp.mtime_ns)

    def slim(self) -> FilePlan:
        """This plan without what only a preview needs (the values the file and the
        catalog hold): what a write sends to the engine, a fraction of the size."""
        target = replace(self.target, proposed={})
        state = replace(self.state, values={}) if self.state is not None else None
        return FilePlan(target, state, self.changes, self.reason)


def with_notation(proposed: Mapping[str, str], notation: str) -> dict[str, str]:
    """`proposed` with its key in another notation (every notation reads back as a key)."""
    out = dict(proposed)
    key = parse_key(out.get("key", ""))
    if key is not None:
        out["key"] = format_key(key, notation)
    return out


def plan_file(target: FileTarget, state: FileState | None, options: WriteOptions,
              refused: str = "") -> FilePlan:  # fmt: skip
    """The plan for one file: `refused` is why reading it failed ("" when it did not)."""
    if target.conflict:
        return FilePlan(target, state, (), target.conflict)
    if state is None or refused:
        return FilePlan(target, None, (), refused or "could not be read")
    proposed = with_notation(target.proposed, options.key_notation)
    changes = plan_changes(
        state.values,
        proposed,
        fields=options.fields,
        overwrite=options.overwrite,
        container=state.container,
    )
    return FilePlan(target, state, changes)


def replan(plan: FilePlan, options: WriteOptions) -> FilePlan:
    """The same file under other options (no file is read)."""
    if plan.status is PlanStatus.REFUSED:
        return plan
    return replace(plan_file(plan.target, plan.state, options), reason=plan.reason)


def summary_lines(plans: Sequence[FilePlan], skipped: Mapping[str, int] | None = None) -> list[str]:
    """What a write would do, in a few lines for a terminal or a dialog."""
    by_status = Counter(p.status for p in plans)
    fields = Counter(c.field for p in plans for c in p.changes)
    lines = [
        f"{by_status[PlanStatus.CHANGE]} files to change, "
        f"{by_status[PlanStatus.SAME]} already up to date, "
        f"{by_status[PlanStatus.REFUSED]} refused"
    ]
    if fields:
        shown = ", ".join(f"{name} {fields[name]}" for name in WRITE_FIELDS if fields[name])
        lines.append(f"fields: {shown}")
    reasons = Counter(p.reason for p in plans if p.status is PlanStatus.REFUSED)
    for reason, count in reasons.most_common(5):
        lines.append(f"refused, {reason}: {count}")
    for why, count in sorted((skipped or {}).items()):
        lines.append(f"rows left out, {why}: {count}")
    return lines


def _rows(plans: Iterable[FilePlan], outcomes: Mapping[str, FileOutcome] | None) -> list[list[str]]:
    rows = []
    for plan in plans:
        outcome = outcomes.get(plan.path) if outcomes is not None else None
        tail = [str(outcome.status), outcome.reason] if outcome is not None else []
        if outcomes is not None and outcome is None:
            tail = [str(plan.status), plan.reason]
        if plan.status is PlanStatus.REFUSED:
            rows.append([plan.path, "", "", "", f"refused: {plan.reason}", *tail])
        for change in plan.changes:
            rows.append([plan.path, change.field, change.old, change.new, change.why, *tail])
    return rows


def write_tag_changes(
    path: Path, plans: Iterable[FilePlan], outcomes: Mapping[str, FileOutcome] | None = None
) -> Path:
    """`tag_changes.csv` (atomically): one row per change and per refused file; with
    `outcomes` (after a write, by file) what happened to each file too."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*_COLUMNS, *(_OUTCOME_COLUMNS if outcomes is not None else ())])
    writer.writerows(_rows(plans, outcomes))
    atomic_write_text(path, buffer.getvalue())
    return path
