"""The exact bytes of the five CSV reports, for results with awkward values.

Pinned from the `csv.DictWriter` writer these reports had before they wrote rows as
lists (issue 17): commas, quotes, newlines and carriage returns inside values, non-ASCII,
a file name that is not valid UTF-8 (written back as its own bytes), empty and None
fields, whole and fractional floats, -0.0.
"""

from __future__ import annotations

import pytest

from matcher.model import (
    MATCH_COLUMNS,
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
    QueryRecord,
)
from matcher.outputs import write_playlist_outputs
from matcher.outputs.reports import match_rows

FILE = 'liste, "ü".csv'


def _entry(index: int, **fields) -> PlaylistEntry:
    return PlaylistEntry(playlist_file=FILE, playlist="Ünïcode", entry_index=index, **fields)


def awkward_results() -> list[MatchResult]:
    """One result per status; every CSV gets at least one row."""
    e0 = _entry(
        0, source_id="id,0", artist="東京, 🎧", title='Jóga "Remix", Pt. 2', duration_s=301.0,
        bpm=123.456, key="8A", location="/music/a,b \udcff.mp3",
    )  # fmt: skip
    e1 = _entry(1, artist="Ann", title="Close\nCall", album="LP", label="Lbl", bpm=0.5)
    e2 = _entry(2, artist="", title="Nowhere", mix="Dub", album='LP "X"', label="a\rb", key="Am")
    e3 = _entry(3, title="Broken", duration_s=200.5, bpm=-0.0, location="/music/d.mp3")
    t_a = CatalogTrack(
        "cat,a", 'Alpha "A"', mix="Extended Mix", artists=("Ann", "Bob, Jr."),
        remixers=("Rex", "Zoë"), label="Label\nA", release="Rel A", release_date="2020-03-01",
        bpm=124.0, key="A Minor", genre="House", isrc="GBAAA2000001",
    )  # fmt: skip
    t_b1 = CatalogTrack("cat-b1", "Beta", artists=(), bpm=127.999, duration_s=0.0)
    t_b2 = CatalogTrack("cat-b2", "Beta (Dub)", mix="Dub", artists=("Büro",))
    best = Candidate(
        t_a, 0.9555, {"title": 1.0, "artists": 0.8765, "key": 0.0},
        {"artists": 0.05, "title": -0.8217, "key": 0.05}, note='says "hi",\nbye',
    )  # fmt: skip
    b1 = Candidate(
        t_b1, 0.7049, {"title": 0.9, "version": 0.5, "key": 0.2},
        {"version": 0.4, "artists": 0.12, "title": 0.0},
    )  # fmt: skip
    b2 = Candidate(
        t_b2, 0.6899, {"title": 0.85}, {}, guard="guard: remix vs original",
        note="runner-up within margin",
    )  # fmt: skip
    queries = (
        QueryRecord("isrc", 'isrc:"GB,1"', 1, 1.005),
        QueryRecord("title+artist", "jóga\nremix", 12, 0.0),
    )
    return [
        MatchResult(
            e0,
            MatchStatus.MATCHED,
            0.9555,
            "local",
            "confident",
            best,
            (best,),
            queries,
            elapsed_ms=12.3456,
        ),  # fmt: skip
        MatchResult(
            e1,
            MatchStatus.REVIEW,
            0.7049,
            "local",
            "ambiguous, close",
            b1,
            (b1, b2),
            (QueryRecord("title", "close call", 5, 2.5),),
            candidates_evaluated=9,
            queries_run=3,
        ),  # fmt: skip
        MatchResult(e2, MatchStatus.UNMATCHED, 0.21, "local", "below threshold", candidates=(b2,)),
        MatchResult(e3, MatchStatus.ERROR, 0.0, "local", "provider down: timeout, retry"),
    ]


FILE_CELL = b'"liste, ""\xc3\xbc"".csv"'
EXPECTED = {
    "matches": [
        b"playlist_file,playlist,entry_index,source_id,source_artist,source_title,status,"
        b"confidence,provider,catalog_id,artists,title,mix,remixers,label,release,release_date,"
        b"bpm,key,genre,duration_s,isrc,queries,candidates,elapsed_ms,reason,location",
        FILE_CELL + b',\xc3\x9cn\xc3\xafcode,0,"id,0","\xe6\x9d\xb1\xe4\xba\xac, \xf0\x9f\x8e\xa7",'
        b'"J\xc3\xb3ga ""Remix"", Pt. 2",matched,0.956,local,"cat,a","Ann, Bob, Jr.",'
        b'"Alpha ""A""",Extended Mix,"Rex, Zo\xc3\xab","Label\nA",Rel A,2020-03-01,124,A Minor,'
        b'House,,GBAAA2000001,2,1,12.35,confident,"/music/a,b \xff.mp3"',
        FILE_CELL + b',\xc3\x9cn\xc3\xafcode,1,,Ann,"Close\nCall",review,0.705,local,cat-b1,,'
        b'Beta,,,,,,128.00,,,0,,3,9,0.00,"ambiguous, close",',
        FILE_CELL + b",\xc3\x9cn\xc3\xafcode,2,,,Nowhere,unmatched,0.210,local,,,,,,,,,,,,,,0,1,"
        b"0.00,below threshold,",
        FILE_CELL + b",\xc3\x9cn\xc3\xafcode,3,,,Broken,error,0.000,local,,,,,,,,,,,,,,0,0,0.00,"
        b'"provider down: timeout, retry",/music/d.mp3',
    ],
    "candidates": [
        b"playlist_file,entry_index,rank,chosen,catalog_id,artists,title,mix,confidence,"
        b"score_title,score_artists,score_version,score_duration,score_bpm,score_key,penalties,"
        b"guard,note",
        FILE_CELL + b',0,1,yes,"cat,a","Ann, Bob, Jr.","Alpha ""A""",Extended Mix,0.956,1.000,'
        b'0.876,,,,0.000,artists=0.05; key=0.05; title=-0.82,,"says ""hi"",\nbye"',
        FILE_CELL + b",1,1,no,cat-b1,,Beta,,0.705,0.900,,0.500,,,0.200,"
        b"version=0.40; artists=0.12; title=0.00,,",
        FILE_CELL + b",1,2,no,cat-b2,B\xc3\xbcro,Beta (Dub),Dub,0.690,0.850,,,,,,,"
        b"guard: remix vs original,runner-up within margin",
        FILE_CELL + b",2,1,no,cat-b2,B\xc3\xbcro,Beta (Dub),Dub,0.690,0.850,,,,,,,"
        b"guard: remix vs original,runner-up within margin",
    ],
    "queries": [
        b"playlist_file,entry_index,order,kind,text,hits,elapsed_ms",
        FILE_CELL + b',0,1,isrc,"isrc:""GB,1""",1,1.00',
        FILE_CELL + b',0,2,title+artist,"j\xc3\xb3ga\nremix",12,0.00',
        FILE_CELL + b",1,1,title,close call,5,2.50",
    ],
    "review": [
        b"playlist_file,playlist,entry_index,source_id,source_artist,source_title,status,"
        b"confidence,provider,catalog_id,artists,title,mix,remixers,label,release,release_date,"
        b"bpm,key,genre,duration_s,isrc,queries,candidates,elapsed_ms,reason,location,"
        b"runner_up_id,runner_up_confidence",
        FILE_CELL + b',\xc3\x9cn\xc3\xafcode,1,,Ann,"Close\nCall",review,0.705,local,cat-b1,,'
        b'Beta,,,,,,128.00,,,0,,3,9,0.00,"ambiguous, close",,cat-b2,0.690',
    ],
    "missing": [
        b"playlist_file,entry_index,source_id,artist,title,mix,album,label,duration_s,bpm,key,"
        b"location,status,reason",
        FILE_CELL + b',2,,,Nowhere,Dub,"LP ""X""","a\rb",,,Am,,unmatched,below threshold',
        FILE_CELL + b',3,,,Broken,,,,200.50,0,,/music/d.mp3,error,"provider down: timeout, retry"',
    ],
}


@pytest.fixture
def written(tmp_path, make):
    results = awkward_results()
    playlist = make.playlist(
        [r.entry for r in results], tmp_path / "in" / "liste.csv", name="Ünïcode", fmt="csv"
    )
    return write_playlist_outputs(
        tmp_path / "out", playlist, results[::-1], provider="local", preset="balanced"
    )


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_csv_bytes_are_pinned(written, kind):
    expected = b"".join(line + b"\r\n" for line in EXPECTED[kind])
    assert getattr(written, kind).read_bytes() == expected


def test_match_rows_are_the_results_own_rows():
    """matches.csv writes `MatchResult.values()`: the values of `row()`, in column order."""
    for result in awkward_results():
        assert tuple(result.row()) == MATCH_COLUMNS
        (row,) = match_rows([result])
        assert row == list(result.row().values())


def test_rows_rendered_apart_are_the_bytes_the_writer_writes(tmp_path) -> None:
    """Workers render their chunk's rows (`render_bodies`) and the host joins them: the
    files are the very bytes of rendering every result at once, whatever the split."""
    from matcher.outputs.reports import (
        REPORT_ORDER,
        REPORTS,
        render_bodies,
        write_csv_bodies,
        write_report,
    )

    results = awkward_results()
    for split in (1, 2, len(results)):
        chunks = [render_bodies(results[i : i + split]) for i in range(0, len(results), split)]
        for k, kind in enumerate(REPORT_ORDER):
            joined, whole = tmp_path / f"{kind}-{split}.csv", tmp_path / f"{kind}.csv"
            write_csv_bodies(joined, REPORTS[kind][0], [c[k] for c in chunks])
            write_report(kind, whole, results)
            assert joined.read_bytes() == whole.read_bytes(), (kind, split)
    assert b"\xff" in (tmp_path / "matches.csv").read_bytes()  # the undecodable name kept
