"""A new Serato crate of the found tracks: `_Serato_/Subcrates/CrateMatch%%<name>.crate`,
the subcrate <name> of a crate "CrateMatch" in Serato's crate list.

The crate is written in the layout matcher.playlists.serato_binary reads (tags of four
ASCII letters, a u32 big-endian length, UTF-16BE text; nested "o" fields): the version,
Serato's sort and column fields, then one `otrk` holding a `ptrk` path per track. Paths
are written from the root of the drive that holds the `_Serato_` folder, with forward
slashes and no leading one, as Serato writes them; a track on another drive cannot be
named by this crate and is refused.

A crate is a new file, never an existing one replaced: the name gets " 2", " 3" when
taken. Undo deletes it, if it is still as written (else --force).
"""

from __future__ import annotations

import contextlib
import os
import struct
from collections.abc import Sequence
from pathlib import Path

from matcher.outputs.atomic import fsync_dir
from matcher.writeback.errors import LibraryChanged, LibraryWriteError
from matcher.writeback.libraries.plan import library_sha256
from matcher.writeback.records import RecordState, WriteState
from matcher.writeback.safe_write import temp_marker
from matcher.writeback.undo_journal import WriteJournal

__all__ = ["SeratoFolder", "crate_bytes", "undo_crate", "write_crate"]

VERSION = "1.0/Serato ScratchLive Crate"
PARENT = "CrateMatch"
_COLUMNS = ("song", "artist", "bpm", "key", "album", "length", "comment", "added")
_UNSAFE = str.maketrans({c: "_" for c in '<>:"/\\|?*%'})


def _field(tag: str, value: str | bytes) -> bytes:
    body = value.encode("utf-16-be") if isinstance(value, str) else value
    return tag.encode("ascii") + struct.pack(">I", len(body)) + body


def crate_bytes(tracks: Sequence[str]) -> bytes:
    """A crate listing `tracks` (paths as the crate holds them), in order."""
    head = _field("vrsn", VERSION)
    head += _field("osrt", _field("tvcn", "song") + _field("brev", b"\x00"))
    for column in _COLUMNS:
        head += _field("ovct", _field("tvcn", column) + _field("tvcw", "0"))
    return head + b"".join(_field("otrk", _field("ptrk", t)) for t in tracks)


class SeratoFolder:
    """A `_Serato_` folder as a library: which tracks its crates can name."""

    fields: frozenset[str] = frozenset()  # a crate holds no metadata
    missing = "not on the drive of the _Serato_ folder"

    def __init__(self, folder: Path) -> None:
        if folder.name != "_Serato_" and (folder / "_Serato_").is_dir():
            folder = folder / "_Serato_"
        if folder.name != "_Serato_" or not folder.is_dir():
            raise LibraryWriteError(f"{folder}: not a _Serato_ folder")
        self.folder = folder.absolute()
        above = self.folder.parent
        self.root = above if os.path.ismount(above) else Path(above.anchor)
        self.playlist_names = {
            p.stem.split("%%", 1)[1] for p in self.subcrates.glob(f"{PARENT}%%*.crate")
        } if self.subcrates.is_dir() else set()  # fmt: skip

    @property
    def subcrates(self) -> Path:
        return self.folder / "Subcrates"

    def find(self, path: str) -> str | None:
        """The crate's path for the audio file at `path`, None off this drive."""
        try:
            relative = Path(os.path.abspath(path)).relative_to(self.root)
        except ValueError:
            return None
        return relative.as_posix()

    def values(self, entry: str) -> dict[str, str]:
        return {}

    def crate_path(self, name: str) -> Path:
        """Where the crate for a playlist `name` goes (a name not taken yet)."""
        safe = " ".join(name.translate(_UNSAFE).split()) or "results"
        return self.subcrates / f"{PARENT}%%{safe}.crate"


def write_crate(
    folder: SeratoFolder,
    crate: Path,
    tracks: Sequence[str],
    *,
    journal: WriteJournal,
    options: dict[str, object],
    sources: Sequence[str],
) -> str:
    """Write the new crate (atomically; never over an existing file); the write's id."""
    if crate.exists():
        raise LibraryWriteError(f"{crate}: exists already; not replaced")
    data = crate_bytes(tracks)
    write_id = journal.begin(target="serato", options={**options, "library": str(crate)},
                             sources=list(sources))  # fmt: skip
    folder.subcrates.mkdir(parents=True, exist_ok=True)
    journal.note_folder(write_id, folder.subcrates)
    tmp = crate.with_name(f".{crate.name[:80]}{temp_marker(write_id)}tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        seq = journal.record_pending(
            write_id, path=str(crate), real_path=str(crate), before_sha256="",
            after_sha256=library_sha256(tmp), size=0, mtime_ns=0, mode=0, delta=b"",
            changes=(),
        )  # fmt: skip
        os.link(tmp, crate)  # fails, rather than replaces, if the name was taken meanwhile
    except FileExistsError:
        journal.finish(write_id, WriteState.CANCELLED)
        raise LibraryWriteError(f"{crate}: exists already; not replaced") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    fsync_dir(crate.parent)
    journal.set_state(write_id, seq, RecordState.WRITTEN)
    journal.finish(write_id)
    return write_id


def undo_crate(journal: WriteJournal, write_id: str, *, force: bool = False) -> str:
    """Delete the crate a write made: "restored", or "already as before" (it is gone)."""
    records = [r for r in journal.files(write_id) if r.state in ("pending", "written")]
    if not records:
        raise LibraryWriteError(f"write {write_id} has nothing to undo")
    record = records[0]
    crate = Path(record.real_path)
    status = "already as before"
    if crate.exists():
        if library_sha256(crate) != record.after_sha256 and not force:
            raise LibraryChanged(
                f"{crate} changed since write {write_id}; undo would lose that: "
                f"`cratematch undo {write_id} --force` deletes it anyway"
            )
        crate.unlink()
        fsync_dir(crate.parent)
        status = "restored"
    journal.set_state(write_id, record.seq, RecordState.RESTORED)
    journal.finish(write_id, WriteState.UNDONE)
    return status
