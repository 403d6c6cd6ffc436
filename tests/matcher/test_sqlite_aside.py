"""Moving a damaged database aside keeps it and its side files, never overwriting an
earlier one moved aside in the same second."""

from __future__ import annotations

from pathlib import Path

from matcher.sqlite_aside import move_aside


def test_the_file_and_its_side_files_move_to_a_free_name(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    db.write_bytes(b"first")
    Path(f"{db}-wal").write_bytes(b"wal")
    first = move_aside(db)
    db.write_bytes(b"second")
    second = move_aside(db)
    assert first != second and not db.exists()
    assert first.read_bytes() == b"first" and Path(f"{first}-wal").read_bytes() == b"wal"
    assert second.read_bytes() == b"second" and not Path(f"{second}-wal").exists()
    assert first.name.startswith("store.sqlite.corrupt-")
