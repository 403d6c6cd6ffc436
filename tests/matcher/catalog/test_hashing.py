from __future__ import annotations

import hashlib
import os
from pathlib import Path

from matcher.catalog.hashing import content_hash, walk_audio_files


def test_file_hash_streams_whole_content(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    data = os.urandom(3 * (1 << 20) + 123)  # spans several 1 MB chunks
    path.write_bytes(data)
    expected = hashlib.blake2b(b"salt" + data, digest_size=16).hexdigest()
    assert content_hash(path, salt="salt") == expected
    assert content_hash(path) != expected


def test_file_hash_changes_with_one_byte(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"a" * 5000)
    before = content_hash(path)
    path.write_bytes(b"a" * 4999 + b"b")
    assert content_hash(path) != before


def make_folder(root: Path) -> None:
    (root / "B").mkdir(parents=True)
    (root / "a.mp3").write_bytes(b"1")
    (root / "B" / "c.FLAC").write_bytes(b"22")
    (root / "notes.txt").write_text("x")
    (root / ".hidden.mp3").write_bytes(b"3")


def test_walk_lists_audio_only_sorted(tmp_path: Path) -> None:
    make_folder(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in walk_audio_files(tmp_path)] == [
        "a.mp3",
        "B/c.FLAC",
    ]


def test_folder_hash_follows_the_audio_files(tmp_path: Path) -> None:
    make_folder(tmp_path)
    first = content_hash(tmp_path)
    assert content_hash(tmp_path) == first
    (tmp_path / "notes.txt").write_text("changed")  # not audio: ignored
    (tmp_path / ".hidden.mp3").write_bytes(b"changed")
    assert content_hash(tmp_path) == first
    (tmp_path / "a.mp3").write_bytes(b"retagged, longer")
    second = content_hash(tmp_path)
    assert second != first
    (tmp_path / "B" / "d.wav").write_bytes(b"")
    third = content_hash(tmp_path)
    assert third != second
    (tmp_path / "B" / "d.wav").rename(tmp_path / "B" / "e.wav")
    assert content_hash(tmp_path) != third
