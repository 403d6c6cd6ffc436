"""What a batch runs with: provider, catalog, preset, workers and where outputs go."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.errors import InputError
from matcher.http.options import HttpOptions
from matcher.matching.presets import PRESETS

if TYPE_CHECKING:
    from matcher.engine.retention import Retention

__all__ = ["CLUSTER_EXTRA_HINT", "PROVIDERS", "EngineConfig"]

PROVIDERS = ("local", "musicbrainz", "beatport", "discogs")


@dataclass(frozen=True, slots=True)
class EngineConfig:
    provider: str = "local"
    catalog: Path | str | None = None  # a catalog database or any importable file
    preset: str = "balanced"
    workers: int | None = None  # None: one per CPU
    out_dir: Path | str | None = None  # None: matcher.paths.default_out_dir()
    http: HttpOptions | None = None  # online providers' cache, timeouts, rates; None: from env
    background: bool = False  # run the engine's processes at a lower priority (the window)
    cluster: str | None = None  # a Dask scheduler ("tcp://host:8786"): chunks run there
    keep_history: Retention | None = None  # the journal's history limits; None: Retention()

    def checked(self) -> EngineConfig:
        """This config with paths resolved, or InputError for a bad value."""
        if self.provider not in PROVIDERS:
            raise InputError(
                f"unknown provider {self.provider!r}; choose one of {', '.join(PROVIDERS)}"
            )
        if self.preset not in PRESETS:
            raise InputError(f"unknown preset {self.preset!r}; choose one of {', '.join(PRESETS)}")
        if self.workers is not None and self.workers < 1:
            raise InputError("--workers must be at least 1")
        cluster = _checked_cluster(self.cluster, self.provider)
        from matcher.paths import default_out_dir

        # absolute, as the journal keeps them: a batch resumed from another folder must
        # write where it started, against the catalog it started with
        out = Path(self.out_dir).expanduser().absolute() if self.out_dir else default_out_dir()
        catalog = Path(self.catalog).expanduser().absolute() if self.catalog else None
        return replace(self, out_dir=out, catalog=catalog, cluster=cluster)

    @property
    def worker_count(self) -> int:
        return self.workers or max(1, os.cpu_count() or 1)


CLUSTER_EXTRA_HINT = "install the cluster extra: pip install 'cratematch[cluster]'"


def _checked_cluster(address: str | None, provider: str) -> str | None:
    """The scheduler address, or InputError. Only the local catalog runs on a cluster:
    online providers keep one rate limit and one token per machine, which Dask workers
    elsewhere would not share."""
    address = (address or "").strip()
    if not address:
        return None
    if provider != "local":
        raise InputError("--cluster runs the local catalog only; use --provider local")
    import importlib.util

    try:
        found = importlib.util.find_spec("distributed") is not None
    except (ImportError, ValueError):  # a broken or blocked install
        found = False
    if not found:
        raise InputError(f"running on a Dask cluster needs dask.distributed; {CLUSTER_EXTRA_HINT}")
    return address if "://" in address else f"tcp://{address}"
