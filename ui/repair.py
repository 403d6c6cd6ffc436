"""A damaged journal or catalog database, as the window offers to fix it. No Tk here.

The batch journal and the local catalog are SQLite files; a failing disk or a copy cut
short can damage them. The window then shows what is wrong in one sentence and a button:
the damaged file is moved aside (renamed, never deleted) and a fresh one takes its place:
an empty journal at once, a catalog imported again from its source at the next Start.

    engine's EngineError(damaged=...) ─┐
    a journal read hits a damaged file ┴▶ Repair.damage ──▶ the repair banner
    the banner's button ──▶ Repair.repair(): close the engine and the journal, then on a
        thread repair_damage() ── post ──▶ _repaired: a notice, the banner goes away
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from matcher import CrateMatchError, rebuild_journal, set_aside_catalog
from ui.queue_model import ItemStatus
from ui.session import Session

if TYPE_CHECKING:
    from matcher import Engine
    from ui.history import BatchHistory

__all__ = ["Damage", "Repair", "describe_damage", "repair_damage"]


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
            aside = rebuild_journal(damage.path)
            return True, (
                f"The damaged batch history was moved to {aside.name}; a fresh one was "
                "started. Batches from before cannot be resumed."
            )
        aside = set_aside_catalog(damage.path)
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


class Repair:
    """The damaged file the window offers to fix, and the fixing (off the Tk thread)."""

    def __init__(
        self,
        session: Session,
        history: BatchHistory,
        release_engine: Callable[[], Engine | None],
    ) -> None:
        self.session = session
        self.history = history
        self.damage: Damage | None = None  # a damaged journal or catalog to offer to fix
        self.repairing = False
        self._release_engine = release_engine  # hands over the engine, which holds files open

    def found(self, damage: Damage) -> None:
        """The engine reports a damaged file: offer to fix it."""
        self.damage = damage

    def found_reading(self, damage: Damage) -> None:
        """Reading the journal hit a damaged file: offer to fix it, unless a repair is
        already moving it aside."""
        if not self.repairing:
            self.damage = damage

    def repair(self) -> bool:
        """Move the damaged file aside (off the Tk thread: the engine holding it open is
        closed first); the outcome arrives as a notice and the banner goes away."""
        damage = self.damage
        if damage is None or self.repairing:
            return False
        if self.session.model.active:
            self.session.notice("Wait for the current batch to end before rebuilding.")
            return False
        self.repairing = True
        engine = self._release_engine()
        self.history.close()
        catalog = self.session.settings.catalog
        self.session.spawn(self._repair, damage, engine, catalog, name="cratematch-repair")
        self.session.changed()
        return True

    def _repair(self, damage: Damage, engine: Engine | None, catalog: str) -> None:
        """The repair thread: no model, no Tk; the outcome goes back through `post`."""
        if engine is not None:
            engine.close()
        ok, text = repair_damage(damage, catalog)
        self.session.post(partial(self._repaired, damage, ok, text))

    def _repaired(self, damage: Damage, ok: bool, text: str) -> None:
        self.repairing = False
        if ok and self.damage == damage:
            self.damage = None
        model = self.session.model
        if ok and damage.kind == "catalog":  # what the damage stopped is ready to start again
            last = model.batch_id
            failed = [i for i in model.items
                      if i.status is ItemStatus.FAILED and i.batch_id == last]  # fmt: skip
            for item in failed:
                model.remove(item.item_id)
                model.add(item.path, item.name, item.label, item.entries)
        self.session.notice(text)
        if ok and damage.kind == "journal":
            self.history.refresh_unfinished()
