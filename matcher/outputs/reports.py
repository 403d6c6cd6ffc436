"""The CSV reports: matches, candidates, queries, review and missing.

Each report is a pure function from results to rows (easy to test, no files) plus one
writer that puts any rows in a CSV atomically. Files are UTF-8 without a BOM, quoted by
the csv module, so Excel, LibreOffice and pandas all read them.

A row is a list of strings in its report's column order, not a dict: `csv.writer` takes
it as it is, about 1.5 times faster than `csv.DictWriter` for the same bytes (see
tests/bench/csv_writing.py); `write_csv` checks each row's width instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from matcher.model import MATCH_COLUMNS, Candidate, MatchResult, MatchStatus
from matcher.outputs.atomic import atomic_open

__all__ = [
    "CANDIDATE_COLUMNS",
    "FEATURES",
    "MISSING_COLUMNS",
    "QUERY_COLUMNS",
    "REPORTS",
    "REVIEW_COLUMNS",
    "candidate_rows",
    "format_penalties",
    "match_rows",
    "render_bodies",
    "missing_rows",
    "query_rows",
    "review_rows",
    "write_csv",
    "write_csv_bodies",
    "write_report",
]

FEATURES = ("title", "artists", "version", "duration", "bpm", "key")
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "playlist_file", "entry_index", "rank", "chosen", "catalog_id", "artists", "title",
    "mix", "confidence", *(f"score_{f}" for f in FEATURES), "penalties", "guard", "note",
)  # fmt: skip
QUERY_COLUMNS = ("playlist_file", "entry_index", "order", "kind", "text", "hits", "elapsed_ms")
REVIEW_COLUMNS = (*MATCH_COLUMNS, "runner_up_id", "runner_up_confidence")
MISSING_COLUMNS = (
    "playlist_file", "entry_index", "source_id", "artist", "title", "mix", "album", "label",
    "duration_s", "bpm", "key", "location", "status", "reason",
)  # fmt: skip
_MISSING = (MatchStatus.UNMATCHED, MatchStatus.ERROR)


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _largest_first(item: tuple[str, float]) -> tuple[float, str]:
    return -item[1], item[0]


class _Decimals(dict[float | None, str]):
    """Numbers -> their text with a fixed number of decimals, each formatted once: the
    candidates' scores repeat (six in ten are 1.0), and a lookup costs a fraction of
    formatting a float. Zeros are formatted each time, never kept: 0.0 and -0.0 are one
    key but two texts."""

    def __init__(self, places: int) -> None:
        super().__init__()
        self._spec = f".{places}f"

    def __missing__(self, value: float) -> str:
        text = format(value, self._spec)
        if value:
            self[value] = text
        return text


class _Penalties(dict[tuple[str, float], str]):
    """Penalty items -> their "name=0.40" text, each formatted once, as `_Decimals`
    (a few values make most penalties: the same weights meet the same distances)."""

    def __missing__(self, item: tuple[str, float]) -> str:
        text = f"{item[0]}={item[1]:.2f}"
        if item[1]:
            self[item] = text
        return text


def format_penalties(penalties: dict[str, float]) -> str:
    """`{"title": 0.12, "version": 0.4}` -> `"version=0.40; title=0.12"` (largest first)."""
    return _penalties_text(penalties, _Penalties())


def _penalties_text(penalties: dict[str, float], texts: _Penalties) -> str:
    """`format_penalties` with `texts`, the items formatted so far."""
    if not penalties:
        return ""
    return "; ".join(map(texts.__getitem__, sorted(penalties.items(), key=_largest_first)))


def match_rows(results: Iterable[MatchResult]) -> Iterator[list[str]]:
    """matches.csv: one row per result, values in MATCH_COLUMNS order."""
    return (result.values() for result in results)


def _shortlist(result: MatchResult) -> tuple[Candidate, ...]:
    """The scored candidates, best first; the proposed best is included even when the
    decision step did not keep a shortlist."""
    if result.best is not None and result.best not in result.candidates:
        return (result.best, *result.candidates)
    return result.candidates


def _accepted_rank(result: MatchResult, shortlist: tuple[Candidate, ...]) -> int:
    """The 1-based rank of the accepted candidate, 0 when none was accepted."""
    if result.status != MatchStatus.MATCHED or result.best is None:
        return 0
    for rank, cand in enumerate(shortlist, start=1):
        if cand is result.best:
            return rank
    for rank, cand in enumerate(shortlist, start=1):
        if cand == result.best:  # the same candidate, rebuilt (unpickled, journalled)
            return rank
    return 0


def candidate_rows(results: Iterable[MatchResult]) -> Iterator[list[str]]:
    """candidates.csv: one row per scored candidate, values in CANDIDATE_COLUMNS order."""
    confidences, scores, penalties = _Decimals(3), _Decimals(3), _Penalties()
    scores[None] = ""  # a signal the entry or the track lacks
    score_text = scores.__getitem__
    for result in results:
        shortlist = _shortlist(result)
        if not shortlist:
            continue
        chosen = _accepted_rank(result, shortlist)
        playlist_file = result.entry.playlist_file
        entry_index = str(result.entry.entry_index)
        for rank, cand in enumerate(shortlist, start=1):
            t = cand.track
            yield [
                playlist_file,
                entry_index,
                str(rank),
                "yes" if rank == chosen else "no",
                t.catalog_id,
                ", ".join(t.artists),
                t.title,
                t.mix,
                confidences[cand.confidence],
                *map(score_text, map(cand.features.get, FEATURES)),
                _penalties_text(cand.penalties, penalties),
                cand.guard,
                cand.note,
            ]


def query_rows(results: Iterable[MatchResult]) -> Iterator[list[str]]:
    """queries.csv: one row per query run, values in QUERY_COLUMNS order."""
    for result in results:
        if not result.query_log:
            continue
        playlist_file = result.entry.playlist_file
        entry_index = str(result.entry.entry_index)
        for order, query in enumerate(result.query_log, start=1):
            yield [
                playlist_file,
                entry_index,
                str(order),
                query.kind,
                query.text,
                str(query.hits),
                f"{query.elapsed_ms:.2f}",
            ]


def runner_up(result: MatchResult) -> Candidate | None:
    """The best candidate that is not the proposed one: what the user weighs it against."""
    best_id = result.best.track.catalog_id if result.best else None
    for cand in result.candidates:
        if cand.track.catalog_id != best_id:
            return cand
    return None


def review_rows(results: Iterable[MatchResult]) -> Iterator[list[str]]:
    """review.csv: the `review` results, values in REVIEW_COLUMNS order."""
    for result in results:
        if result.status != MatchStatus.REVIEW:
            continue
        second = runner_up(result)
        row = result.values()
        if second is None:
            row += ("", "")
        else:
            row += (second.track.catalog_id, f"{second.confidence:.3f}")
        yield row


def missing_rows(results: Iterable[MatchResult]) -> Iterator[list[str]]:
    """missing.csv: the unmatched and error entries as written, in MISSING_COLUMNS order."""
    for result in results:
        if result.status not in _MISSING:
            continue
        e = result.entry
        yield [
            e.playlist_file,
            str(e.entry_index),
            e.source_id,
            e.artist,
            e.title,
            e.mix,
            e.album,
            e.label,
            _num(e.duration_s),
            _num(e.bpm),
            e.key,
            e.location,
            str(result.status),
            result.reason,
        ]


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write `rows` (values in the order of `columns`) under a header of `columns`,
    atomically; returns the row count."""
    count = 0

    def counted(rows: Iterable[Sequence[str]]) -> Iterator[Sequence[str]]:
        nonlocal count
        for row in _checked(rows, len(columns), path.name):
            count += 1
            yield row

    with atomic_open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(counted(rows))
    return count


def write_csv_bodies(path: Path, columns: Sequence[str], bodies: Iterable[bytes]) -> None:
    """`write_csv` for rows rendered already (`render_bodies`): the same header, then
    the bytes as they are, atomically."""
    with atomic_open(path, "wb") as handle:
        handle.write(_encoded([columns]))
        for body in bodies:
            handle.write(body)


def _encoded(rows: Iterable[Sequence[str]], width: int | None = None, what: str = "") -> bytes:
    """`rows` as `write_csv` puts them in its file: CSV, UTF-8 (surrogateescape); each row
    checked to hold `width` values when given (ValueError naming `what` if not).

    Most rows are written without the csv module, at about half its cost, as the very
    bytes it writes (tests check the two agree for every character): values free of
    quotes and line breaks are joined by commas, those holding a comma quoted. The csv
    writer writes the rest, and values that are not strings."""
    buffer = io.StringIO(newline="")
    write, write_row = buffer.write, csv.writer(buffer).writerow
    for row in rows if width is None else _checked(rows, width, what):
        try:
            line = ",".join(row)
        except TypeError:  # a value that is not a str: the csv writer converts it
            write_row(row)
            continue
        if not line or '"' in line or "\r" in line or "\n" in line:
            write_row(row)  # quotes doubled, line breaks quoted, a lone "" value quoted
            continue
        if line.count(",") != len(row) - 1:  # a value holds a comma
            line = ",".join(['"' + value + '"' if "," in value else value for value in row])
        write(line)
        write("\r\n")
    return buffer.getvalue().encode("utf-8", "surrogateescape")


# report kind (OUTPUT_FILES' keys) -> its columns and rows
REPORTS: dict[str, tuple[tuple[str, ...], Callable[[Iterable[MatchResult]], Iterable]]] = {
    "matches": (MATCH_COLUMNS, match_rows),
    "candidates": (CANDIDATE_COLUMNS, candidate_rows),
    "queries": (QUERY_COLUMNS, query_rows),
    "review": (REVIEW_COLUMNS, review_rows),
    "missing": (MISSING_COLUMNS, missing_rows),
}


REPORT_ORDER = tuple(REPORTS)  # the order of `render_bodies`' texts


def render_bodies(results: Sequence[MatchResult]) -> tuple[bytes, ...]:
    """Each report's rows of `results`, in REPORT_ORDER, as the very bytes `write_csv`
    writes for them after its header. Workers render their chunk's rows this way (in
    parallel, from the full results they hold), so the host only joins bytes."""
    bodies = []
    for kind in REPORT_ORDER:
        columns, rows = REPORTS[kind]
        bodies.append(_encoded(rows(results), len(columns), kind))
    return tuple(bodies)


def _checked(rows: Iterable[Sequence[str]], width: int, what: str) -> Iterator[Sequence[str]]:
    """`rows`, each checked to hold `width` values (ValueError naming `what` if not)."""
    for row in rows:
        if len(row) != width:
            raise ValueError(f"{what}: a row of {len(row)} values for {width} columns")
        yield row


def write_report(kind: str, path: Path, results: Iterable[MatchResult]) -> int:
    """Write the `kind` report ("matches", "candidates", ...) of `results` to `path`
    atomically; returns its row count."""
    columns, rows = REPORTS[kind]
    return write_csv(path, columns, rows(results))
