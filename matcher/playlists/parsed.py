"""A playlist file read in full (M3U, CSV): small files, parsed once, listed and picked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.model import Playlist, PlaylistInfo

__all__ = ["ParsedFile"]


@dataclass(frozen=True)
class ParsedFile:
    playlists: tuple[Playlist, ...]

    @property
    def infos(self) -> tuple[PlaylistInfo, ...]:
        return tuple(PlaylistInfo(p.name, len(p.entries)) for p in self.playlists)

    def pick(self, names: Sequence[str]) -> list[Playlist]:
        """The playlists named `names` (paths from `infos`), in that order."""
        by_name = {p.name: p for p in self.playlists}
        return [by_name[name] for name in names if name in by_name]
