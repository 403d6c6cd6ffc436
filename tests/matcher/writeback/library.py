"""A DJ's library to write back into, built in a test's folder: copies of the real audio
files (or synthesised ones when ../shared is absent), a catalog CSV that holds their
metadata, and a Rekordbox XML whose Location attributes point at the copies; then a
real batch matches them, so a write starts from real output folders and a real journal.

Used by the engine and command-line tests of write-back and by tests/bench/writeback.py.
../shared is only read: every file is copied before anything is written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import mutagen

from matcher.outputs.locations import file_url
from matcher.writeback import WriteJournal
from tests.matcher.writeback.synth import REAL_AUDIO, make_flac, make_mp3, make_ogg, make_wav

__all__ = [
    "BROKEN",
    "Library",
    "build_library",
    "digest",
    "left_as_is_or_written",
    "match_library",
    "snapshot",
    "source_files",
    "temp_files",
]

# the corpus's files that are broken on purpose: refused, never touched
BROKEN = frozenset(
    {"emptyfile.mp3", "too-short.mp3", "ooming-header.flac", "106-invalid-streaminfo.flac",
     "64bit.mp4"}
)  # fmt: skip
CATALOG_HEADER = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,duration_s,isrc"
)
_KEYS = ("A Minor", "C Major", "F# Major", "D Minor", "G Minor", "E Minor", "B Major")
_ONSETS = ("Br", "Ka", "Lo", "Mi", "Ne", "Or", "Pa", "Qu", "Ru", "Sa", "Te", "Vo", "Za")
_CODAS = ("ven", "dral", "mesk", "tiro", "bulan", "quor", "sefin", "dorra", "lume")


def _word(n: int) -> str:
    return _ONSETS[n % len(_ONSETS)] + _CODAS[(n // len(_ONSETS)) % len(_CODAS)]


@dataclass(frozen=True)
class Library:
    root: Path
    files: tuple[Path, ...]  # the copies, in playlist order
    catalog: Path  # catalog CSV with every copy's metadata
    playlist: Path  # Rekordbox XML, one playlist "Set" naming every copy
    real: bool  # copies of ../shared/realfiles/audio (else synthesised)

    @property
    def broken(self) -> tuple[Path, ...]:
        return tuple(p for p in self.files if _source_name(p) in BROKEN)

    @property
    def writable(self) -> tuple[Path, ...]:
        return tuple(p for p in self.files if _source_name(p) not in BROKEN)


def _source_name(path: Path) -> str:
    return path.name.split("-", 1)[1]


def source_files(folder: Path, *, broken: bool = True) -> tuple[list[Path], bool]:
    """The audio files to copy: the real corpus (without its broken files unless
    `broken`), or four synthesised files (MP3, FLAC, WAV, Ogg) when it is absent."""
    if REAL_AUDIO.is_dir():
        names = sorted(p.name for p in REAL_AUDIO.iterdir() if p.suffix not in (".csv", ".md"))
        return [REAL_AUDIO / n for n in names if broken or n not in BROKEN], True
    folder.mkdir(parents=True, exist_ok=True)
    made = [
        make_mp3(folder / "synth.mp3"),
        make_flac(folder / "synth.flac"),
        make_wav(folder / "synth.wav"),
        make_ogg(folder / "synth.ogg"),
    ]
    return made, False


def _length(path: Path) -> str:
    """The file's length as mutagen reads it (a catalog knows its tracks' durations, and
    a reader that looks into the file finds it too); "" for a file it cannot read."""
    try:
        audio = mutagen.File(path)
    except Exception:  # noqa: BLE001 - the broken files
        return ""
    length = getattr(getattr(audio, "info", None), "length", 0) or 0
    return f"{length:.3f}" if length > 0 else ""


def build_library(root: Path, count: int, *, broken: bool = True) -> Library:
    """`count` copies (cycling through the sources) in `root/lib`, named
    `<n>-<source name>`, with a catalog and a Rekordbox XML naming them."""
    lib = root / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    sources, real = source_files(root / "sources", broken=broken)
    lengths = {source: _length(source) for source in sources}
    rows, tracks, files = [CATALOG_HEADER], [], []
    for n in range(count):
        source = sources[n % len(sources)]
        copy = lib / f"{n:05d}-{source.name}"
        shutil.copyfile(source, copy)
        os.chmod(copy, 0o644)  # the corpus is read-only
        files.append(copy)
        title = f"{_word(n)}{_word(n // 117).lower()} {_word(n * 7 + 3)} {n}"
        artist = f"{_word(n * 11 + 5)} {_word(n // 13 + 40)}vell"
        rows.append(
            f"c{n},{title},Extended Mix,{artist},{_word(n + 1)} Orr,{_word(n + 2)} Tone,"
            f"{title} EP,20{10 + n % 15}-0{1 + n % 9}-1{n % 10},{118 + n % 14},"
            f"{_KEYS[n % len(_KEYS)]},House,{lengths[source]},QZLIB{n:07d}"
        )
        tracks.append(
            f"<TRACK TrackID={quoteattr(str(n + 1))} Name={quoteattr(title)} "
            f"Artist={quoteattr(artist)} Location={quoteattr(file_url(str(copy)))}/>"
        )
    catalog = root / "catalog.csv"
    catalog.write_text("\n".join(rows) + "\n", encoding="utf-8")
    keys = "".join(f'<TRACK Key="{n + 1}"/>' for n in range(count))
    playlist = root / "set.xml"
    playlist.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><DJ_PLAYLISTS Version="1.0.0">'
        f'<PRODUCT Name="rekordbox"/><COLLECTION Entries="{count}">{"".join(tracks)}'
        '</COLLECTION><PLAYLISTS><NODE Type="0" Name="ROOT" Count="1">'
        f'<NODE Name="Set" Type="1" KeyType="0" Entries="{count}">{keys}</NODE>'
        "</NODE></PLAYLISTS></DJ_PLAYLISTS>",
        encoding="utf-8",
    )
    return Library(root, tuple(files), catalog, playlist, real)


def match_library(engine, library: Library, timeout: float = 120.0) -> Path:  # noqa: ANN001
    """Match the library's playlist on `engine` (its config names the catalog and the
    output folder); the batch's output folder. Every entry must match."""
    from matcher.engine.events import BatchFinished

    batch = engine.start([library.playlist], all_playlists=True)
    final = batch.wait(timeout)
    assert isinstance(final, BatchFinished) and final.ok, final
    assert final.counts.get("matched") == len(library.files), final.counts
    return Path(final.out_dir)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(files: Iterable[Path]) -> dict[Path, tuple[str, int]]:
    """Each file's sha256 and mtime_ns."""
    return {p: (digest(p), p.stat().st_mtime_ns) for p in files}


def temp_files(folder: Path) -> list[str]:
    """Temporary copies a write left behind (there must be none once it has ended)."""
    return sorted(p.name for p in folder.iterdir() if ".cratematch-" in p.name)


def left_as_is_or_written(
    before: dict[Path, tuple[str, int]], write_id: str, journal: Path | None = None
) -> tuple[int, int]:
    """Check that each file is byte for byte as it was, or as the write's journal says it
    wrote it (never anything in between); (files as they were, files written)."""
    with WriteJournal(journal) as opened:
        written = {
            r.path: r.after_sha256
            for r in opened.files(write_id)
            if r.state in ("pending", "written")
        }
    same = changed = 0
    for path, (sha, _mtime) in before.items():
        now = digest(path)
        if now == sha:
            same += 1
        else:
            assert now == written.get(str(path)), f"{path.name} is neither as it was nor as written"
            changed += 1
    return same, changed


def wait_until(check, timeout: float, what: str, step: float = 0.02) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(step)
