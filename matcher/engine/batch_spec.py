"""What a batch runs: the caller's inputs and settings, as the host receives them and as
the journal keeps them so a cut-off batch can be resumed with the same selection; the
checks its playlists must pass, and the catalog it matches against."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.catalog import content_hash, prepare_catalog
from matcher.config import EngineConfig
from matcher.engine.journal import Journal
from matcher.errors import CrateMatchError, InputError
from matcher.model import PlaylistRef

__all__ = [
    "BatchSpec",
    "catalog_of",
    "check_same_playlists",
    "check_something_to_match",
    "config_record",
    "journal_catalog",
    "refs_of",
    "spec_from_journal",
]


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What to run: the caller's inputs and settings (or a journal batch to resume)."""

    batch_id: str
    inputs: tuple[tuple[str, str | None], ...] = ()  # (path, playlist name or None)
    names: tuple[str, ...] = ()
    all_playlists: bool = False
    config: EngineConfig = field(default_factory=EngineConfig)
    resume: bool = False
    catalog_source: str | None = None  # resumed: the file `--catalog` named at the start


def config_record(spec: BatchSpec, catalog: Path | None) -> dict[str, Any]:
    c = spec.config
    return {
        "provider": c.provider,
        "catalog": str(catalog) if catalog else None,
        "catalog_source": str(c.catalog) if c.catalog else None,
        "preset": c.preset,
        "workers": c.workers,
        "out_dir": str(c.out_dir),
        "names": list(spec.names),
        "all_playlists": spec.all_playlists,
    }


def spec_from_journal(
    journal: Journal, batch_id: str, workers: int | None = None, cluster: str | None = None
) -> BatchSpec:
    """Rebuild the spec of a journal batch, to resume it (on `workers` processes here, or
    on the Dask `cluster`)."""
    record = journal.batch(batch_id)
    if record is None:
        raise CrateMatchError(f"no batch {batch_id} in the journal")
    c = record.config
    config = EngineConfig(
        provider=c.get("provider", "local"),
        catalog=c.get("catalog"),
        preset=c.get("preset", "balanced"),
        workers=workers or c.get("workers"),
        out_dir=c.get("out_dir") or record.out_dir,
        cluster=cluster,
    )
    inputs = tuple((i["path"], i.get("name")) for i in record.inputs)
    return BatchSpec(
        batch_id,
        inputs,
        tuple(c.get("names", ())),
        bool(c.get("all_playlists")),
        config.checked(),
        resume=True,
        catalog_source=c.get("catalog_source"),
    )


def refs_of(spec: BatchSpec) -> list[PlaylistRef]:
    return [PlaylistRef(Path(path), name) for path, name in spec.inputs]


def check_same_playlists(journal: Journal, batch_id: str, playlists: list[Any]) -> None:
    """A resumed batch must read the very playlists it started with: same names and sizes,
    and files whose content has not changed (journaled results describe those entries)."""
    recorded = journal.playlists(batch_id)
    now = [(p.name, len(p.entries)) for p in playlists]
    before = [(r.name, r.total) for r in recorded]
    changed = now != before or any(
        r.content_hash and r.content_hash != content_hash(p.source)
        for r, p in zip(recorded, playlists, strict=True)
    )
    if changed:
        raise CrateMatchError(
            f"the playlists of batch {batch_id} changed since it started; start a new batch instead"
        )


def check_something_to_match(playlists: list[Any]) -> None:
    """A batch whose playlists are all empty is bad input (nothing is journaled or
    written), not a finished batch of 0 tracks; an empty playlist among others is
    matched as such (its outputs are empty) and the caller may warn about it."""
    if playlists and not any(p.entries for p in playlists):
        files = sorted({p.source.name for p in playlists})
        what = "the playlist" if len(playlists) == 1 else f"all {len(playlists)} playlists"
        raise InputError(f"nothing to match: {what} in {', '.join(files)} "
                         f"{'is' if len(playlists) == 1 else 'are'} empty")  # fmt: skip


def catalog_of(config: EngineConfig) -> Path | None:
    """The local catalog database a batch matches against; None for online providers."""
    if config.provider != "local":
        return None
    return prepare_catalog(Path(config.catalog) if config.catalog else None)


def journal_catalog(spec: BatchSpec) -> Path | None:
    """The catalog database a resumed batch matched against. An imported catalog that
    has since been deleted (kept.py: unused for long) is imported again from the file
    the batch named, if that file still has the same content; otherwise the batch
    cannot go on against the same catalog, and says so."""
    if spec.config.provider != "local":
        return None
    catalog = Path(spec.config.catalog) if spec.config.catalog else None
    if catalog is None:
        return catalog_of(spec.config)
    if catalog.exists():
        return catalog
    source = Path(spec.catalog_source) if spec.catalog_source else None
    if source is None or source == catalog or not source.exists():
        raise CrateMatchError(
            f"the catalog batch {spec.batch_id} matched against is gone ({catalog}); "
            "start a new batch"
        )
    again = prepare_catalog(source)
    if again.name != catalog.name:
        raise CrateMatchError(
            f"the catalog batch {spec.batch_id} matched against is gone, and {source} "
            "has changed since; start a new batch"
        )
    return again
