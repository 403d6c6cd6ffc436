"""The engine's events, under the name the contract gives them (`matcher.events`).

They are defined in `matcher.engine.events`; this module is that one under its public
name, so `from matcher.events import TracksMatched` and pickled events keep working.
"""

from __future__ import annotations

from matcher.engine.events import *  # noqa: F403 - the whole public surface, by design
from matcher.engine.events import __all__  # noqa: F401
