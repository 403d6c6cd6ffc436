"""Spawn targets for the multi-process rate-limit test (importable by name in a child)."""

from __future__ import annotations

from matcher.matching.provider import Query
from matcher.providers import open_provider


def search_musicbrainz(titles: list[str]) -> None:
    """Open the MusicBrainz provider as a worker would (URL and home from the
    environment) and run one search per title."""
    with open_provider("musicbrainz", None) as provider:
        for title in titles:
            provider.search(Query("title", tuple(title.split())), 5)
