"""Real Traktor collections (copies of ../shared/realfiles/nml__*.nml, never the files
themselves) and batches whose results point at some of their tracks, written into a
real batch journal with the output folders a batch leaves."""

from __future__ import annotations

import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from matcher.engine.journal import Journal
from matcher.model import MatchResult
from matcher.playlists.nml import iter_collection
from tests.matcher.writeback.batches import MATCHED, REVIEW, Batches, result

__all__ = ["COLLECTIONS", "NmlBatch", "copy_collection", "nml_batch"]

# The real collections with tracks (the history file has no COLLECTION to write into).
COLLECTIONS = (
    "nml__Segolene-Albouy_Traktor-NML-to-Rekordbox-XML__input.nml",
    "nml__Segolene-Albouy_Traktor-NML-to-Rekordbox-XML__playlist_traktor.nml",
    "nml__ericanastas_traktor-tagger__collection.nml",
    "nml__whatsnowplaying_whats-now-playing__collection.nml",
)


def copy_collection(shared: Path, name: str, folder: Path) -> Path:
    """A writable copy of a shared collection in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / "collection.nml"
    shutil.copyfile(shared / "realfiles" / name, dest)
    dest.chmod(dest.stat().st_mode | stat.S_IWUSR)
    return dest


@dataclass(frozen=True)
class NmlBatch:
    out: Path  # the batch's output folder
    matched: tuple[str, ...]  # locations of the matched rows, in order
    review: str  # the location of the review row
    missing: str  # a matched row whose file the collection does not hold


def nml_batch(root: Path, journal: Journal, collection: Path, count: int = 6) -> NmlBatch:
    """A batch with `count` matched rows spread over the collection, one review row and
    one matched row for a file the collection does not have."""
    locations = [e.location for e in iter_collection(collection) if e.location]
    step = max(1, len(locations) // (count + 1))
    chosen = locations[::step][: count + 1]
    matched, review = chosen[:-1], chosen[-1]
    missing = "/Music/not/in/the/collection.mp3"
    rows: list[MatchResult] = [result(i, loc) for i, loc in enumerate(matched)]
    rows.append(result(len(rows), review, REVIEW))
    rows.append(result(len(rows), missing, MATCHED))
    out = Batches(root, journal).add({"Peak": rows})
    return NmlBatch(out, tuple(matched), review, missing)
