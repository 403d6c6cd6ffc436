"""What a batch runs: the caller's inputs and settings, as the host receives them and as
the journal keeps them so a cut-off batch can be resumed with the same selection."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.config import EngineConfig
from matcher.engine.journal import Journal
from matcher.errors import CrateMatchError
from matcher.model import PlaylistRef

__all__ = ["BatchSpec", "config_record", "refs_of", "spec_from_journal"]


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """What to run: the caller's inputs and settings (or a journal batch to resume)."""

    batch_id: str
    inputs: tuple[tuple[str, str | None], ...] = ()  # (path, playlist name or None)
    names: tuple[str, ...] = ()
    all_playlists: bool = False
    config: EngineConfig = field(default_factory=EngineConfig)
    resume: bool = False


def config_record(spec: BatchSpec, catalog: Path | None) -> dict[str, Any]:
    c = spec.config
    return {
        "provider": c.provider,
        "catalog": str(catalog) if catalog else None,
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
    )


def refs_of(spec: BatchSpec) -> list[PlaylistRef]:
    return [PlaylistRef(Path(path), name) for path, name in spec.inputs]
