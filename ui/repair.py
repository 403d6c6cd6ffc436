"""A damaged journal or catalog database, as the window offers to fix it. No Tk here.

The batch journal and the local catalog are SQLite files; a failing disk or a copy cut
short can damage them. The window then shows what is wrong in one sentence and a button:
the damaged file is moved aside (renamed, never deleted) and a fresh one takes its place:
an empty journal at once, a catalog imported again from its source at the next Start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matcher.catalog import set_aside
from matcher.errors import CrateMatchError
from matcher.journal import Journal

__all__ = ["Damage", "describe_damage", "repair_damage"]


@dataclass(frozen=True, slots=True)
class Damage:
    kind: str  # "journal" or "catalog"
    path: Path  # the damaged file
    message: str  # the engine's one line, for the log and the banner's tooltip


def describe_damage(damage: Damage, catalog_setting: str = "") -> tuple[str, str]:
    """(the banner's sentence, its button's label). `catalog_setting` is Settings.catalog:
    a catalog built from a source file is named after that file, not its database."""
    if damage.kind == "journal":
        return (
            f"The batch history ({damage.path.name}) is damaged and cannot be read. "
            "Rebuild starts a fresh one; the damaged file is kept aside.",
            "Rebuild",
        )
    source = _source(catalog_setting, damage)
    what = f"imported from {source.name}" if source else f"database ({damage.path.name})"
    return (
        f"The catalog {what} is damaged and cannot be read. Re-import moves it aside so "
        "the catalog can be imported again.",
        "Re-import",
    )


def _source(catalog_setting: str, damage: Damage) -> Path | None:
    """The catalog's source file when the damaged database was built from it."""
    source = Path(catalog_setting).expanduser() if catalog_setting else None
    return source if source is not None and source.exists() and source != damage.path else None


def repair_damage(damage: Damage, catalog_setting: str) -> tuple[bool, str]:
    """Move the damaged file aside (a fresh journal is created at once); returns whether
    it worked and one line for the user. `catalog_setting` is Settings.catalog: when it
    names a source file, the next Start imports it again by itself."""
    try:
        if damage.kind == "journal":
            aside = Journal.rebuild(damage.path)
            return True, (
                f"The damaged batch history was moved to {aside.name}; a fresh one was "
                "started. Batches from before cannot be resumed."
            )
        aside = set_aside(damage.path)
    except CrateMatchError as err:
        return False, f"Could not move the damaged file aside: {err}"
    source = _source(catalog_setting, damage)
    if source is not None:
        return True, (
            f"The damaged catalog was moved to {aside.name}. Press Start to import "
            f"{source.name} again."
        )
    return True, (
        f"The damaged catalog was moved to {aside.name}. Import your catalog again: "
        "choose its file in Settings → Catalog file."
    )
