"""Mutated corpus files through every reader and the catalog importer (hypothesis).

Hypothesis picks a corpus file and damages it the way files get damaged (bytes flipped,
cut short, a slice repeated or dropped, junk spliced in, line endings swapped), and each
mutant must still give a result or a typed one-line error. CRATEMATCH_FUZZ_EXAMPLES sets
how many mutants (tests/bench/hardening_counts.py asks for more).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening import ledger
from tests.hardening.conftest import Hostile
from tests.hardening.corpus import CASES, fill_placeholders
from tests.hardening.test_corpus_readers import run_all

EXAMPLES = int(os.environ.get("CRATEMATCH_FUZZ_EXAMPLES", "150"))
SMALL = sorted(name for name, data in CASES.items() if 0 < len(data) <= 40_000)
_counter = itertools.count()


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SMALL))
    data = bytearray(CASES[name])
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["flip", "cut", "repeat", "drop", "splice", "newlines"]))
        if how == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del data[at:]
        elif how == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))] * draw(st.integers(1, 50))
        elif how == "drop":
            del data[at : at + draw(st.integers(1, 64))]
        elif how == "splice":
            data[at:at] = draw(
                st.sampled_from([b"\x00", b"\xff\xfe", b"<!DOCTYPE x [<!ENTITY e 'x'>]>",
                                 b"&e;", b'"', b"\r", b"</NODE>", b"\xc3", b"#EXTINF:", b","])
            )  # fmt: skip
        else:
            data = bytearray(bytes(data).replace(b"\n", draw(st.sampled_from([b"\r", b"\r\n"]))))
    return name, bytes(data)


@pytest.fixture(scope="module")
def folder(hostile: Hostile) -> Path:
    path = hostile.folder / "mutant-catalogs"
    path.mkdir(exist_ok=True)
    return path


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutant=mutants())
def test_mutated_files_give_a_result_or_a_clean_error(
    hostile: Hostile, folder: Path, mutant: tuple[str, bytes]
) -> None:
    name, data = mutant
    path = hostile.folder / f"mutant-{next(_counter)}-{name}"  # next to canary.txt
    path.write_bytes(fill_placeholders(data, hostile.canary_file.as_uri(), hostile.server.url))
    try:
        outcomes = run_all(path, folder / f"{path.name}.sqlite")
    finally:
        path.unlink()
    ledger.inputs("readers+importer (mutants)", len(outcomes))
    hostile.assert_no_leak(*(text for _kind, text in outcomes.values()))
