"""`cratematch write OUT --to traktor --library PATH`, `writes` and `undo` end to end on
a copy of a real Traktor collection, through `main` (exit codes and one-line errors as
for the tag write)."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from matcher.engine.journal import Journal
from matcher.engine.journal_db import default_journal_path
from matcher.playlists import nml
from tests.matcher.cli.in_process import cli, one_error_line
from tests.matcher.writeback.batches import Batches, result
from tests.matcher.writeback.libraries.nml_setup import (
    COLLECTIONS,
    NmlBatch,
    copy_collection,
    nml_batch,
)
from tests.matcher.writeback.libraries.rekordbox_setup import copy_master_db, rekordbox_batch

WROTE = re.compile(
    r"^Wrote (\d+) fields into (\d+) tracks and playlist 'CrateMatch Peak' into (.+) "
    r"\(backup kept\)\. Write (\S+); undo with: cratematch undo (\S+)$"
)


@pytest.fixture
def setup(shared: Path, tmp_path: Path) -> Iterator[tuple[Path, NmlBatch]]:
    library = copy_collection(shared, COLLECTIONS[3], tmp_path / "traktor")
    with Journal.open(default_journal_path()) as journal:
        batch = nml_batch(tmp_path, journal, library)
    yield library, batch


def test_dry_run_previews_and_leaves_the_library(setup, capsys, monkeypatch):
    library, batch = setup
    before = library.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = cli(capsys, "write", batch.out, "--to", "traktor", "--library", library,
                         "--overwrite", "--dry-run")  # fmt: skip
    assert (code, err) == (1, "")  # one row's file is not in the collection: refused
    lines = out.splitlines()
    assert lines[0] == f"{len(batch.matched)} tracks to change, 0 already up to date, 1 refused"
    assert "refused, not in the Traktor collection: 1" in lines
    assert f"new playlist 'CrateMatch Peak' of {len(batch.matched)} tracks" in out
    with (batch.out / "tag_changes.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["field"] for r in rows} >= {"genre", "label", "key", "bpm", "year"}
    assert "isrc" not in {r["field"] for r in rows}
    assert library.read_bytes() == before


def test_write_writes_then_undo_is_byte_identical(setup, capsys):
    library, batch = setup
    before = library.read_bytes()
    code, out, err = cli(capsys, "write", batch.out, "--to", "traktor", "--library", library,
                         "--overwrite", "--yes")  # fmt: skip
    assert (code, err) == (1, "")
    fields, tracks, where, write_id, again = WROTE.match(out.splitlines()[-1]).groups()
    assert (int(tracks), where, write_id) == (len(batch.matched), str(library), again)
    assert library.read_bytes() != before
    tree = nml.scan(library)
    assert len(tree.keys["CrateMatch Peak"]) == len(batch.matched)
    genres = {e.location: e.genre for e in nml.iter_collection(library)}
    assert all(genres[m] == "Deep House" for m in batch.matched)

    code, out, _ = cli(capsys, "writes")
    row = out.splitlines()[1]
    # counted in tracks, as the write said them (the journal's one file is the library)
    assert row.split()[0] == write_id and row.split()[3:5] == ["written", tracks]
    assert f"traktor {library} <- " in row

    code, out, err = cli(capsys, "undo")
    assert (code, err) == (0, "")
    assert out == f"Restored {library} as it was before write {write_id}.\n"
    assert library.read_bytes() == before
    assert cli(capsys, "writes")[1].splitlines()[1].split()[3:5] == ["undone", tracks]


def test_undo_of_a_changed_library_needs_force(setup, capsys):
    library, batch = setup
    before = library.read_bytes()
    code, out, _ = cli(capsys, "write", batch.out, "--to", "traktor", "--library", library,
                       "--yes")  # fmt: skip
    write_id = WROTE.match(out.splitlines()[-1]).group(4)
    library.write_bytes(library.read_bytes().replace(b"</NML>", b"</NML>\n"))
    code, out, err = cli(capsys, "undo", write_id)
    assert code == 2 and f"cratematch undo {write_id} --force" in one_error_line(err)
    code, out, err = cli(capsys, "undo", write_id, "--force")
    assert (code, err) == (0, "")
    assert library.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        pytest.param(["--to", "rekordbox", "--yes"], "no Rekordbox library found",
                     id="rekordbox-none-here"),
        pytest.param(["--to", "rekordbox", "--yes", "--library", "x.nml"],
                     "x.nml: no such library file", id="rekordbox-no-such-file"),
        pytest.param(["--to", "traktor"], "not asking on a non-terminal", id="no-yes"),
        pytest.param(["--library", "x.nml", "--yes"], "--library is for --to traktor",
                     id="library-for-tags"),
        pytest.param(["--to", "traktor", "--yes", "--library", "missing.nml"],
                     "missing.nml: no such library file", id="no-such-library"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2(setup, capsys, monkeypatch, args, says):
    library, batch = setup
    before = library.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _, err = cli(capsys, "write", batch.out, *args)
    assert code == 2 and says in one_error_line(err)
    assert library.read_bytes() == before


def test_rekordbox_write_and_undo(shared, tmp_path, capsys):
    db = copy_master_db(shared, tmp_path / "rekordbox")
    before = db.read_bytes()
    with Journal.open(default_journal_path()) as journal:
        batch = rekordbox_batch(tmp_path, journal, db)
    code, out, err = cli(capsys, "write", batch.out, "--to", "rekordbox", "--library", db,
                         "--fields", "genre,label,key", "--yes")  # fmt: skip
    assert (code, err) == (1, "")  # the file Rekordbox does not hold is refused
    assert "review: 1 tracks get the MyTag 'CrateMatch review'" in out
    write_id = WROTE.match(out.splitlines()[-1]).group(4)
    assert db.read_bytes() != before
    assert f"rekordbox {db} <- " in cli(capsys, "writes")[1]
    code, out, err = cli(capsys, "undo", write_id)
    assert (code, err, out) == (0, "", f"Restored {db} as it was before write {write_id}.\n")
    assert db.read_bytes() == before


def test_serato_crate_write_and_undo(tmp_path, capsys):
    music = tmp_path / "Music"
    (music / "_Serato_" / "Subcrates").mkdir(parents=True)
    (music / "a.mp3").write_bytes(b"audio")
    with Journal.open(default_journal_path()) as journal:
        out = Batches(tmp_path, journal).add({"Peak": [result(0, str(music / "a.mp3"))]})
    code, stdout, err = cli(capsys, "write", out, "--to", "serato", "--library",
                            music / "_Serato_", "--yes")  # fmt: skip
    assert (code, err) == (0, "")
    crate = music / "_Serato_" / "Subcrates" / "CrateMatch%%CrateMatch Peak.crate"
    write_id = stdout.splitlines()[-1].split("Write ")[1].split(";")[0]
    assert stdout.splitlines()[-1] == (
        f"Wrote crate {crate} of 1 tracks. Write {write_id}; undo with: cratematch undo {write_id}"
    )
    assert crate.is_file()
    assert cli(capsys, "undo", write_id) == (
        0, f"Restored {crate} as it was before write {write_id}.\n", "")  # fmt: skip
    assert not crate.exists()
