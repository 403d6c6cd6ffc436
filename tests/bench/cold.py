"""Start a single-process measurement as a new worker starts: with the matching code's
caches empty (a run that kept the caches of the run before measured a quarter more
tracks/s than any batch sees) and the cycle collector set as an engine process sets it."""

from __future__ import annotations

import gc
import sys


def clear_caches() -> None:
    """Empty every lru_cache of the matcher's modules; set the collector as a worker's."""
    for name, module in list(sys.modules.items()):
        if name.startswith("matcher."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
    from matcher.engine.processes import calm_collector

    gc.collect()
    calm_collector()
