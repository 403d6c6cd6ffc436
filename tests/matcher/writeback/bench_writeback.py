"""Write-back figures: files per second for many small copies in one process, and the
size of the undo record (literal bytes kept) for each file of the real audio corpus.

    .venv/bin/python tests/matcher/writeback/bench_writeback.py [--copies 2000]

Everything happens in a temporary folder; ../shared is only read.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from matcher.writeback import (
    WRITE_FIELDS,
    FileRefused,
    FileStatus,
    WriteJournal,
    plan_changes,
    read_state,
    undo_write,
    write_file,
)
from matcher.writeback.delta import compute_delta

AUDIO = Path(__file__).resolve().parents[4] / "shared" / "realfiles" / "audio"
VALUES = {
    "genre": "Melodic House & Techno", "label": "Kompakt", "key": "Bbm", "bpm": "122.5",
    "year": "2021", "remixers": "Ada Lovelace", "mix": "Extended Mix", "isrc": "DEXYZ2100042",
    "comment": "CrateMatch: local 4711 (Night Works EP)",
}  # fmt: skip


def throughput(folder: Path, source: Path, copies: int) -> None:
    music = folder / "music"
    music.mkdir()
    for n in range(copies):
        shutil.copyfile(source, music / f"{n:05d}{source.suffix}")
    with WriteJournal(folder / "writes.sqlite") as journal:
        write_id = journal.begin(options={}, sources=[])
        start = time.perf_counter()
        statuses = []
        for path in sorted(music.iterdir()):
            state = read_state(path)
            changes = plan_changes(
                state.values,
                VALUES,
                fields=frozenset(WRITE_FIELDS),
                overwrite=True,
                container=state.container,
            )
            outcome = write_file(
                path, changes, expected_stamp=state.stamp, journal=journal, write_id=write_id
            )
            statuses.append(outcome.status)
        wrote = time.perf_counter() - start
        start = time.perf_counter()
        undone = undo_write(journal, write_id)
        undid = time.perf_counter() - start
        size = (folder / "writes.sqlite").stat().st_size
    assert statuses.count(FileStatus.WRITTEN) == copies
    assert sum(o.status == FileStatus.RESTORED for o in undone) == copies
    print(
        f"{source.name} ({source.stat().st_size} B) x {copies}: "
        f"write {copies / wrote:.0f} files/s ({wrote:.1f} s), "
        f"undo {copies / undid:.0f} files/s ({undid:.1f} s), journal {size / 1024:.0f} KiB"
    )


def delta_sizes(folder: Path) -> None:
    print(f"{'file':38} {'bytes':>7} {'literal':>7} {'record':>7} {'share':>6}")
    total_literal = total_size = 0
    for source in sorted(AUDIO.iterdir()):
        if source.suffix in (".md", ".csv"):
            continue
        path = folder / source.name
        shutil.copyfile(source, path)
        path.chmod(0o644)
        try:
            state = read_state(path)
        except FileRefused as err:
            print(f"{source.name:38} {source.stat().st_size:>7} refused: {err.reason}")
            continue
        changes = plan_changes(
            state.values,
            VALUES,
            fields=frozenset(WRITE_FIELDS),
            overwrite=True,
            container=state.container,
        )
        with WriteJournal(folder / "d.sqlite") as journal:
            write_id = journal.begin(options={}, sources=[])
            write_file(
                path, changes, expected_stamp=state.stamp, journal=journal, write_id=write_id
            )
        delta = compute_delta(source, path)
        size = source.stat().st_size
        total_literal, total_size = total_literal + delta.literal_bytes, total_size + size
        print(
            f"{source.name:38} {size:>7} {delta.literal_bytes:>7} {len(delta.encode()):>7} "
            f"{delta.literal_bytes / size:>6.1%}"
        )
    print(
        f"{'all written files':38} {total_size:>7} {total_literal:>7} "
        f"{'':>7} {total_literal / total_size:>6.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in ("silence-44-s.mp3", "silence-44-s.flac", "has-tags.m4a"):
            run = Path(folder) / name
            run.mkdir()
            throughput(run, AUDIO / name, args.copies)
    with tempfile.TemporaryDirectory() as folder:
        delta_sizes(Path(folder))


if __name__ == "__main__":
    main()
