"""Journal rows: every MatchResult round-trips, and no row can make the loader run code."""

from __future__ import annotations

import math
import os
import pickle
import struct
import subprocess
import zlib
from dataclasses import fields, replace
from enum import StrEnum
from pathlib import Path

import lz4.block
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.engine.serialize import LZ4, PLAIN, ZLIB, dumps_result, loads_result
from matcher.errors import JournalError
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
    QueryRecord,
)


def make_result(index: int = 3, candidates: int = 10) -> MatchResult:
    entry = PlaylistEntry(
        "Harbour Lights.xml", "Gigs/Harbour Lights", index, source_id="77", title="Glass Tide",
        artist="Orla Venn feat. Kip Marrow", year="2019", duration_s=401.5, bpm=123.0, key="5A",
        isrc="QZABC1900001", location="/music/Orla Venn/Glass Tide.flac",
    )  # fmt: skip
    cands = tuple(
        Candidate(
            CatalogTrack(
                f"cat-{k}",
                "Glass Tide",
                mix="Extended Mix" if k else "Original Mix",
                artists=("Orla Venn", "Kip Marrow"),
                remixers=("Dune Halvard",) if k % 3 == 0 else (),
                label="Saltmarsh",
                release="Tides EP",
                release_date="2019-05-01",
                bpm=123.0,
                key="C Minor",
                genre="Deep House",
                duration_s=400.0 + k,
                isrc=f"QZABC19000{k:02d}",
            ),
            confidence=0.9 / (k + 1),
            features={"title": 0.97, "artists": 0.9 - k / 100},
            penalties={"title": 0.02},
            guard="" if k % 4 else "guard: remix vs original",
            note="" if k == 0 else "lower confidence",
            score=3.5 - k / 10,
        )
        for k in range(candidates)
    )
    queries = (QueryRecord("isrc", "QZABC1900001", 0, 0.4), QueryRecord("title+artist", "x", 8))
    return MatchResult(entry, MatchStatus.MATCHED, 0.91, "local", "confident",
                       cands[0] if cands else None, cands, queries, 2.5, 42)  # fmt: skip


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "deflated"])
def test_round_trip_keeps_best_identical_to_its_candidate(compress: bool) -> None:
    result = make_result()
    back = loads_result(dumps_result(result, compress=compress))
    assert back == result
    assert back.best is back.candidates[0]
    assert back.row() == result.row()


def test_a_best_later_in_the_shortlist_stays_identical_to_its_candidate() -> None:
    result = make_result()
    result = replace(result, best=result.candidates[2], status=MatchStatus.REVIEW)
    back = loads_result(dumps_result(result, compress=True))
    assert back == result
    assert back.best is back.candidates[2]


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(replace(make_result(), best=None, status=MatchStatus.UNMATCHED), id="no-best"),
        pytest.param(make_result(candidates=0), id="no-candidates"),
        pytest.param(
            replace(make_result(), best=make_result(candidates=12).candidates[11]),
            id="best-outside-shortlist",
        ),  # fmt: skip
        pytest.param(
            replace(make_result(), best=replace(make_result().candidates[0])), id="best-equal-copy"
        ),
    ],
)
def test_round_trip_shapes(result: MatchResult) -> None:
    assert loads_result(dumps_result(result)) == result


# Journal rows store records by field position. Appending a defaulted field keeps old rows
# loadable (extend the layout here); any other change needs a new format byte in serialize.
LAYOUTS = {
    PlaylistEntry: "playlist_file playlist entry_index source_id title artist remixer mix album "
    "label genre comments year duration_s bpm key isrc location file_size",
    CatalogTrack: "catalog_id title mix artists remixers label release release_date bpm key genre "
    "duration_s isrc location file_size",
    Candidate: "track confidence features penalties guard note score",
    QueryRecord: "kind text hits elapsed_ms",
    MatchResult: "entry status confidence provider reason best candidates query_log elapsed_ms "
    "candidates_evaluated queries_run file_stamp found_by",
}


@pytest.mark.parametrize("record", list(LAYOUTS), ids=lambda cls: cls.__name__)
def test_record_layouts_are_pinned(record: type) -> None:
    assert [f.name for f in fields(record)] == LAYOUTS[record].split()


def test_found_by_round_trips_and_older_rows_load_without_it() -> None:
    result = replace(make_result(), found_by=("isrc", "title+artist"))
    row = dumps_result(result)
    assert loads_result(row).found_by == ("isrc", "title+artist")
    flat = pickle.loads(row[1:])  # plain data: safe to load here
    for fields_then in (11, 12):  # rows from before file_stamp, and from before found_by
        older = bytes((PLAIN,)) + pickle.dumps(flat[:fields_then], protocol=5)
        back = loads_result(older)
        assert back.found_by == ()
        assert back.entry == result.entry and back.query_log == result.query_log


def test_compressed_rows_are_smaller() -> None:
    result = make_result()
    plain, compressed = dumps_result(result), dumps_result(result, compress=True)
    assert (plain[0], compressed[0]) == (PLAIN, LZ4)
    assert len(compressed) < len(plain) * 0.8


def test_deflated_rows_of_older_journals_still_load() -> None:
    result = make_result()
    assert loads_result(_deflate(dumps_result(result)[1:])) == result


def test_nan_and_infinities_survive() -> None:
    result = replace(make_result(), confidence=math.nan, elapsed_ms=math.inf)
    back = loads_result(dumps_result(result))
    assert math.isnan(back.confidence)
    assert back.elapsed_ms == math.inf


class Shade(StrEnum):
    DARK = "dark"


class Score(float):
    pass


def test_subclasses_of_plain_types_are_stored_as_plain_values() -> None:
    result = replace(make_result(), reason=Shade.DARK, confidence=Score(0.25))
    back = loads_result(dumps_result(result))
    assert (back.reason, back.confidence) == ("dark", 0.25)
    assert (type(back.reason), type(back.confidence)) == (str, float)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(replace(make_result(), reason=object()), id="object-in-str-field"),
        pytest.param(replace(make_result(), provider=Path("x")), id="path-in-str-field"),
        pytest.param("not a result", id="not-a-result"),
    ],
)
def test_dumps_refuses_what_could_not_be_loaded_back(bad: object) -> None:
    with pytest.raises(JournalError):
        dumps_result(bad)  # type: ignore[arg-type]


class _RunsCode:
    """Pickles as a call of `func(*args)`, like a hostile journal row would."""

    def __init__(self, func: object, *args: object) -> None:
        self.func, self.args = func, args

    def __reduce__(self) -> tuple:
        return self.func, self.args


def _hostile(name: str, marker: Path) -> bytes:
    """A pickle that, loaded by plain `pickle.loads`, would create `marker`."""
    touch = f"touch {marker}"
    if name == "os.system-protocol0":
        return b"cos\nsystem\n(S'" + touch.encode() + b"'\ntR."
    if name == "posix.system":
        return pickle.dumps(_RunsCode(os.system, touch))
    if name == "builtins.eval":
        return pickle.dumps(_RunsCode(eval, f"open({str(marker)!r}, 'w')"))
    if name == "subprocess.call":
        return pickle.dumps(_RunsCode(subprocess.call, ["touch", str(marker)]))
    if name == "builtins.getattr":
        return b"\x80\x05cbuiltins\ngetattr\n."
    if name == "model-objects-pickled-directly":
        return pickle.dumps(make_result(), 5)
    if name == "copyreg-extension":
        return b"\x80\x02\x82\x01."
    assert name == "persistent-id"
    return b"\x80\x02P1\n."


HOSTILE = [
    "os.system-protocol0", "posix.system", "builtins.eval", "subprocess.call",
    "builtins.getattr", "model-objects-pickled-directly", "copyreg-extension", "persistent-id",
]  # fmt: skip


def test_hostile_pickles_would_run_code_without_the_guard(tmp_path: Path) -> None:
    """The fixtures are real attacks: plain pickle runs them."""
    marker = tmp_path / "pwned"
    pickle.loads(_hostile("os.system-protocol0", marker))
    assert marker.exists()


@pytest.mark.parametrize("kind", [PLAIN, ZLIB, LZ4], ids=["plain", "deflated", "lz4"])
@pytest.mark.parametrize("name", HOSTILE)
def test_rows_naming_callables_are_refused(tmp_path: Path, kind: int, name: str) -> None:
    marker = tmp_path / "pwned"
    payload = _hostile(name, marker)
    row = {PLAIN: bytes((PLAIN,)) + payload, ZLIB: _deflate(payload), LZ4: _lz4(payload)}[kind]
    with pytest.raises(JournalError):
        loads_result(row)
    assert not marker.exists()


def _deflate(data: bytes) -> bytes:
    return bytes((ZLIB,)) + zlib.compress(data, 1, -12)


def _lz4(data: bytes, claimed: int | None = None) -> bytes:
    size = len(data) if claimed is None else claimed
    return bytes((LZ4,)) + struct.pack("<I", size) + lz4.block.compress(data, store_size=False)


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(b"", id="empty"),
        pytest.param(bytes((PLAIN,)), id="tag-only"),
        pytest.param(b"\x07" + dumps_result(make_result())[1:], id="unknown-format"),
        pytest.param(dumps_result(make_result())[:-40], id="truncated-pickle"),
        pytest.param(_deflate(dumps_result(make_result())[1:])[:-40], id="truncated-deflate"),
        pytest.param(bytes((ZLIB,)) + b"\xff\x00garbage", id="bad-deflate"),
        pytest.param(_deflate(b"\0" * (20 * 1024 * 1024)), id="decompression-bomb"),
        pytest.param(dumps_result(make_result(), compress=True)[:-40], id="truncated-lz4"),
        pytest.param(bytes((LZ4,)) + b"\x01", id="lz4-length-cut"),
        pytest.param(bytes((LZ4,)) + struct.pack("<I", 64) + b"\xff\x00garbage", id="bad-lz4"),
        pytest.param(_lz4(b"\0" * 1000, claimed=900), id="lz4-longer-than-said"),
        pytest.param(_lz4(b"\0" * 1000, claimed=2000), id="lz4-shorter-than-said"),
        pytest.param(_lz4(b"\0" * (20 * 1024 * 1024)), id="lz4-decompression-bomb"),
        pytest.param(_lz4(b"\0", claimed=2**32 - 1), id="lz4-claims-4-gb"),
        pytest.param(bytes((PLAIN,)) + pickle.dumps((1, 2, 3)), id="wrong-shape"),
        pytest.param(bytes((PLAIN,)) + pickle.dumps(None), id="none"),
        pytest.param(
            dumps_result(make_result()).replace(b"matched", b"mangled"), id="unknown-status"
        ),
        pytest.param(
            bytes((PLAIN,)) + pickle.dumps(("abc", "matched", 0.5, "p", "r", None, [], [], 1.0, 0)),
            id="entry-not-a-record",
        ),
        pytest.param(
            bytes((PLAIN,))
            + pickle.dumps(((("f", "p", 0)), "matched", 0.5, "p", "r", 4, [], [], 1.0, 0)),
            id="best-index-out-of-range",
        ),  # fmt: skip
        pytest.param("text", id="not-bytes"),
    ],
)
def test_damaged_rows_raise_journal_error(row: bytes) -> None:
    with pytest.raises(JournalError):
        loads_result(row)


# -- property: any MatchResult built from the model's field types round-trips ------------

TEXT = st.text(max_size=20)
NUMBER = st.floats(allow_nan=False, width=64)
OPTIONAL_NUMBER = st.none() | NUMBER
NAMES = st.lists(TEXT, max_size=3).map(tuple)
SCORES = st.dictionaries(TEXT, NUMBER, max_size=4)

ENTRIES = st.builds(
    PlaylistEntry, TEXT, TEXT, st.integers(0, 10**6), source_id=TEXT, title=TEXT, artist=TEXT,
    remixer=TEXT, mix=TEXT, album=TEXT, label=TEXT, genre=TEXT, comments=TEXT, year=TEXT,
    duration_s=OPTIONAL_NUMBER, bpm=OPTIONAL_NUMBER, key=TEXT, isrc=TEXT, location=TEXT,
)  # fmt: skip
TRACKS = st.builds(
    CatalogTrack, TEXT, TEXT, mix=TEXT, artists=NAMES, remixers=NAMES, label=TEXT, release=TEXT,
    release_date=TEXT, bpm=OPTIONAL_NUMBER, key=TEXT, genre=TEXT, duration_s=OPTIONAL_NUMBER,
    isrc=TEXT, location=TEXT,
)  # fmt: skip
CANDIDATES = st.builds(Candidate, TRACKS, NUMBER, features=SCORES, penalties=SCORES, guard=TEXT,
                       note=TEXT, score=NUMBER)  # fmt: skip
QUERIES = st.builds(QueryRecord, TEXT, TEXT, st.integers(0, 10**4), elapsed_ms=NUMBER)


@st.composite
def results(draw: st.DrawFn) -> MatchResult:
    shortlist = tuple(draw(st.lists(CANDIDATES, max_size=4)))
    best_from = draw(st.sampled_from(["none", "shortlist", "own"]))
    best = None
    if best_from == "shortlist" and shortlist:
        best = shortlist[draw(st.integers(0, len(shortlist) - 1))]
    elif best_from == "own":
        best = draw(CANDIDATES)
    return MatchResult(
        draw(ENTRIES), draw(st.sampled_from(MatchStatus)), draw(NUMBER), draw(TEXT), draw(TEXT),
        best, shortlist, tuple(draw(st.lists(QUERIES, max_size=3))), draw(NUMBER),
        draw(st.integers(0, 10**6)), found_by=tuple(draw(st.lists(TEXT, max_size=3))),
    )  # fmt: skip


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(result=results(), compress=st.booleans())
def test_any_result_round_trips(result: MatchResult, compress: bool) -> None:
    back = loads_result(dumps_result(result, compress=compress))
    assert back == result
    if result.best is not None and any(c is result.best for c in result.candidates):
        assert any(c is back.best for c in back.candidates)
