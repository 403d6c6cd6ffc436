"""MatchResults as compact bytes for the journal, and back, without trusting the bytes.

A journal row is read back by whichever process opens the journal file, and that file
sits in a user folder anyone with the account can edit: loading a row must never run
code. So a result is not pickled as objects. It is first flattened into plain data
(tuples, lists, dicts, str, float, int, None), then pickled (protocol 5, C speed), and
loaded with an Unpickler whose `find_class` allows only `str`, `int` and `float` (what
subclasses of them, such as a StrEnum member or a numpy float, are reduced to): no other
class, function or module can be named by a row, so `os.system` or `builtins.eval` cannot
be reached. The records are rebuilt by calling the `matcher.model` constructors ourselves.

Flattening is also what makes this cheap: pickling the dataclasses directly goes through
their Python-level `__getstate__`/`__setstate__` and costs about 4x more to encode.

    byte 0     format: 1 = plain pickle, 2 = deflated pickle (raw deflate, 4 KB window;
               rows written before LZ4), 3 = LZ4 block: bytes 1-4 the pickle's length
               (unsigned, little-endian), then the block
    bytes 1..  (once decompressed) a pickle of (entry, status, confidence, provider,
               reason, best, candidates, query_log, elapsed_ms, candidates_evaluated,
               queries_run, file_stamp, found_by),
               records as field tuples;
               `best` is an index into `candidates` when it is one of them (kept
               identical after loading), else the candidate's own tuple, else None

Values of any other type in a result are refused when dumping (JournalError), so a row
that could not be loaded back is never written. Records are stored by field position:
appending a field with a default to a model record keeps old rows loadable; renaming,
reordering or removing one needs a new format byte (tests pin the layouts). Rows written
before a field was appended are shorter; loading fills the field's default (`queries_run`,
`file_stamp`, `found_by` came that way).
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from dataclasses import fields
from operator import attrgetter
from typing import Any, NamedTuple, NoReturn

import lz4.block

from matcher.errors import JournalError
from matcher.model import (
    Candidate,
    CatalogTrack,
    MatchResult,
    MatchStatus,
    PlaylistEntry,
    QueryRecord,
)

__all__ = ["EncodedResult", "dumps_result", "encode_result", "loads_result"]

PLAIN = 1
ZLIB = 2  # read, no longer written: deflate cost 30 us a result, 80 % of encoding one
LZ4 = 3  # 2.5 us a result, rows 0.70 of their pickle's size (deflate: 0.62)
_LENGTH = struct.Struct("<I")
_LZ4_HEADER = struct.Struct("<BI")  # the format byte, then _LENGTH
_MAX_SIZE = 16 * 1024 * 1024  # a decompressed row larger than this is an attack, not a result
_PROTOCOL = 5
# Raw deflate with a 4 KB window and small hash tables: a result is ~3 KB, and zlib's
# default state (~270 KB per call) made compressing cost 3-4x more, erratically.
_DEFLATE = (1, zlib.DEFLATED, -12, 4)  # level, method, window bits, memory level


def _getter(cls: type) -> attrgetter:
    return attrgetter(*(f.name for f in fields(cls)))


_entry_fields = _getter(PlaylistEntry)
_track_fields = _getter(CatalogTrack)
_query_fields = _getter(QueryRecord)
_STATUS = {s.value: s for s in MatchStatus}


def _candidate(c: Candidate) -> tuple:
    return (_track_fields(c.track), c.confidence, c.features, c.penalties, c.guard, c.note,
            c.score)  # fmt: skip


def _best(result: MatchResult) -> int | tuple | None:
    """`best` as stored: its index in `candidates` (most often 0), else its own tuple."""
    best = result.best
    if best is None:
        return None
    for i, cand in enumerate(result.candidates):
        if cand is best:
            return i
    return _candidate(best)


def _flatten(result: MatchResult) -> tuple:
    return (
        _entry_fields(result.entry),
        result.status.value,
        result.confidence,
        result.provider,
        result.reason,
        _best(result),
        list(map(_candidate, result.candidates)),
        list(map(_query_fields, result.query_log)),
        result.elapsed_ms,
        result.candidates_evaluated,
        result.queries_run,
        result.file_stamp,
        result.found_by,
    )


# The only globals a row may name: what a str, int or float subclass (a StrEnum member in
# a text field, a numpy float in a score) is reduced to. Calling them runs no user code.
_ALLOWED = {("builtins", "str"): str, ("builtins", "int"): int, ("builtins", "float"): float}


class _PlainPickler(pickle.Pickler):
    """Pickles plain data only (the C pickler asks here only for non-builtin types)."""

    def reducer_override(self, obj: Any) -> Any:
        if obj is str or obj is float or obj is int:
            return NotImplemented  # saved as a global, one of _ALLOWED
        for plain in (str, float, int):
            if isinstance(obj, plain) and not isinstance(obj, bool):
                return plain, (plain(obj),)
        raise JournalError(f"cannot journal a value of type {type(obj).__name__} in a result")


class _PlainUnpickler(pickle.Unpickler):
    """Loads plain data only: any class or function a row names is refused."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise JournalError(f"journal row names {module}.{name}: refused")
        return allowed

    def persistent_load(self, pid: Any) -> NoReturn:
        raise JournalError("journal row holds a persistent reference: refused")


def dumps_result(result: MatchResult, *, compress: bool = False) -> bytes:
    """One result as bytes for a journal row (`compress`: 0.7 of the size, +~3 us)."""
    if not isinstance(result, MatchResult):
        raise JournalError(f"cannot journal a {type(result).__name__}, only MatchResult")
    buffer = io.BytesIO()
    try:
        _PlainPickler(buffer, _PROTOCOL).dump(_flatten(result))
    except (AttributeError, TypeError, pickle.PicklingError) as err:
        raise JournalError(f"cannot journal this result: {err}") from None
    if compress:
        pickled = buffer.getbuffer()
        block = lz4.block.compress(pickled, store_size=False)
        return _LZ4_HEADER.pack(LZ4, len(pickled)) + block
    return bytes((PLAIN,)) + buffer.getvalue()


def loads_result(data: bytes) -> MatchResult:
    """A result from `dumps_result` bytes; JournalError for anything else."""
    if not isinstance(data, bytes | bytearray | memoryview) or len(data) < 2:
        raise JournalError("journal row is empty or not bytes")
    view = memoryview(data)
    payload = _payload(view[0], view[1:])
    try:
        return _rebuild(_PlainUnpickler(io.BytesIO(payload)).load())
    except JournalError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, KeyError, IndexError,
            AttributeError, OverflowError, MemoryError, RecursionError) as err:  # fmt: skip
        raise JournalError(f"journal row is damaged ({type(err).__name__})") from None


def _payload(kind: int, body: memoryview) -> bytes | memoryview:
    if kind == PLAIN:
        return body
    if kind == LZ4:
        return _lz4_payload(body)
    if kind != ZLIB:
        raise JournalError(f"journal row has an unknown format ({kind})")
    inflater = zlib.decompressobj(_DEFLATE[2])
    try:
        payload = inflater.decompress(body, _MAX_SIZE)
    except zlib.error:
        raise JournalError("journal row is damaged (bad compressed data)") from None
    if inflater.unconsumed_tail:
        raise JournalError("journal row is too large to be a result")
    if not inflater.eof:
        raise JournalError("journal row is damaged (truncated compressed data)")
    return payload


def _lz4_payload(body: memoryview) -> bytes:
    if len(body) < _LENGTH.size:
        raise JournalError("journal row is damaged (truncated compressed data)")
    (size,) = _LENGTH.unpack_from(body)
    if size > _MAX_SIZE:  # checked before anything is allocated for it
        raise JournalError("journal row is too large to be a result")
    try:
        payload = lz4.block.decompress(body[_LENGTH.size :], uncompressed_size=size)
    except lz4.block.LZ4BlockError:
        raise JournalError("journal row is damaged (bad compressed data)") from None
    if len(payload) != size:
        raise JournalError("journal row is damaged (truncated compressed data)")
    return payload


def _record(flat: object) -> tuple:
    """A record's field tuple, so a crafted string or dict is not splatted into fields."""
    if type(flat) is not tuple:
        raise TypeError(type(flat).__name__)
    return flat


def _rebuild_candidate(flat: tuple) -> Candidate:
    track, confidence, features, penalties, guard, note, score = flat
    return Candidate(
        CatalogTrack(*_record(track)), confidence, features, penalties, guard, note, score
    )


def _rebuild(flat: tuple) -> MatchResult:
    entry, status, confidence, provider, reason, best, candidates, queries, elapsed, seen = flat[
        :10
    ]
    queries_run = flat[10] if len(flat) > 10 else len(queries)  # rows from before the field
    stamp = flat[11] if len(flat) > 11 else None
    found_by = tuple(str(kind) for kind in _record(flat[12])) if len(flat) > 12 else ()
    if stamp is not None:
        size, mtime_ns = _record(stamp)
        stamp = (int(size), int(mtime_ns))
    rebuilt = tuple([_rebuild_candidate(_record(c)) for c in candidates])
    if best is None:
        chosen = None
    elif type(best) is int:
        if not 0 <= best < len(rebuilt):
            raise IndexError(best)
        chosen = rebuilt[best]
    else:
        chosen = _rebuild_candidate(_record(best))
    return MatchResult(
        PlaylistEntry(*_record(entry)),
        _STATUS[status],
        confidence,
        provider,
        reason,
        chosen,
        rebuilt,
        tuple([QueryRecord(*_record(q)) for q in queries]),
        elapsed,
        seen,
        queries_run,
        stamp,
        found_by,
    )


class EncodedResult(NamedTuple):
    """A result as a journal row, without its batch and playlist keys. Workers encode
    their own chunks (here, without the journal's machinery), so the host only stores
    bytes."""

    entry_index: int
    status: str
    catalog_id: str
    confidence: float
    data: bytes  # the whole MatchResult (`dumps_result`)


_COMPRESS = True  # rows 0.7 of their size for ~3 us per result


def encode_result(result: MatchResult) -> EncodedResult:
    """A result as a journal row (without its batch and playlist keys); JournalError for
    anything but a MatchResult of plain values."""
    data = dumps_result(result, compress=_COMPRESS)  # checks `result` first
    return EncodedResult(
        entry_index=result.entry.entry_index,
        status=result.status.value,
        catalog_id=result.catalog_id,
        confidence=float(result.confidence),
        data=data,
    )
