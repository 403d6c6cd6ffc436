"""`cratematch write` when a review decision lands while it asks y/N (made in the window,
which shares the batch journal): the plan follows the old decision, so it is never
written; the command plans again from the journal, shows the new plan and asks again.
The tag write runs the real engine on a real match; the Traktor write on a copy of a
real collection."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from pathlib import Path

import pytest

from matcher.cli.commands import build_parser
from matcher.cli.write import CHANGED, KEPT_CHANGING, run_write
from matcher.engine.journal import Journal
from matcher.engine.journal_db import default_journal_path
from matcher.engine.review import apply_review, decided
from matcher.errors import InputError
from matcher.model import MatchStatus
from matcher.outputs.locations import to_local_path
from matcher.playlists import nml
from tests.matcher.cli.test_write import matched
from tests.matcher.writeback.batches import BATCH
from tests.matcher.writeback.libraries.nml_setup import COLLECTIONS, copy_collection, nml_batch
from tests.matcher.writeback.library import snapshot


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _args(*argv: str | Path) -> argparse.Namespace:
    return build_parser().parse_args(["write", *map(str, argv), "--quiet"])


def _reject_a_matched_file(out: Path) -> Path:
    """Mark the first matched row with a file "not in the catalog", as the window's review
    dialog does (the journal and the outputs); its file."""
    batch_id = json.loads((out / "batch_summary.json").read_text())["batch_id"]
    with Journal.open(default_journal_path()) as journal:
        for record in journal.playlists(batch_id):
            for result in journal.iter_results(batch_id, record.playlist_id):
                path = to_local_path(result.entry.location, Path(record.source).parent)
                if result.status is MatchStatus.MATCHED and path:
                    apply_review(journal, batch_id, record.playlist_id, result.entry_index, None)
                    return Path(path)
    raise AssertionError("no matched row with a file")


def test_a_decision_while_asking_plans_again_and_writes_what_it_then_shows(
    tmp_path, capsys, monkeypatch
):
    library, out = matched(tmp_path, 8, broken=False)
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", _Terminal())
    before = snapshot(library.files)
    prompts: list[str] = []
    rejected: list[Path] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        if len(prompts) == 1:  # the user reviews in the window before answering
            rejected.append(_reject_a_matched_file(out))
        return "y"

    code = run_write(_args(out, "--overwrite"), ask=ask)
    captured = capsys.readouterr()
    assert code == 0 and CHANGED in captured.err
    assert prompts[0].endswith(f"into {len(library.files)} files? [y/N] ")
    assert prompts[1].endswith(f"into {len(library.files) - 1} files? [y/N] ")  # as it shows
    assert len(prompts) == 2
    after = snapshot(library.files)
    assert after[rejected[0]] == before[rejected[0]]  # byte for byte as it was
    assert all(after[p] != before[p] for p in library.files if p != rejected[0])


def test_results_that_keep_changing_write_nothing(tmp_path, capsys, monkeypatch):
    library, out = matched(tmp_path, 8, broken=False)
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", _Terminal())
    before = snapshot(library.files)

    def ask(prompt: str) -> str:
        _reject_a_matched_file(out)  # a decision before every answer
        return "y"

    with pytest.raises(InputError, match=re.escape(KEPT_CHANGING)):
        run_write(_args(out), ask=ask)
    assert snapshot(library.files) == before


def test_a_library_write_plans_again_after_a_decision(shared, tmp_path, capsys, monkeypatch):
    library = copy_collection(shared, COLLECTIONS[3], tmp_path / "traktor")
    with Journal.open(default_journal_path()) as journal:
        batch = nml_batch(tmp_path, journal, library)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        if len(prompts) == 1:  # the first matched row: "not in the catalog"
            with Journal.open(default_journal_path()) as journal:
                first = journal.result(BATCH, 0, 0)
                journal.update_result(BATCH, 0, decided(first, None))
        return "y"

    args = _args(batch.out, "--to", "traktor", "--library", library, "--overwrite")
    assert run_write(args, ask=ask) == 1  # a row's file is not in the collection: refused
    assert CHANGED in capsys.readouterr().err and len(prompts) == 2
    assert f"a playlist of {len(batch.matched)} tracks" in prompts[0]
    assert f"a playlist of {len(batch.matched) - 1} tracks" in prompts[1]
    playlist = nml.scan(library).keys["CrateMatch Peak"]
    assert len(playlist) == len(batch.matched) - 1
