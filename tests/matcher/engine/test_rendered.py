"""RenderedRows: chunks of rendered report rows kept, in any arrival order, and read
back in entry order; spooled to a temporary file beyond SPOOL_BYTES."""

from __future__ import annotations

import pytest

import matcher.engine.rendered as rendered_module
from matcher.engine.rendered import RenderedRows
from matcher.outputs.reports import REPORT_ORDER


def chunk(first: int, size: int) -> tuple[bytes, ...]:
    """One body per report kind naming its kind and entries, as render_bodies would."""
    return tuple(
        b"".join(f"{kind},{first + i}\r\n".encode() for i in range(size)) for kind in REPORT_ORDER
    )


def joined(rows: RenderedRows, entries: int) -> dict[str, bytes]:
    bodies = rows.bodies(entries)
    assert bodies is not None
    return {kind: b"".join(parts) for kind, parts in bodies.items()}


@pytest.mark.parametrize("spool_bytes", [rendered_module.SPOOL_BYTES, 10])
def test_chunks_come_back_in_entry_order_from_memory_or_a_file(
    spool_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendered_module, "SPOOL_BYTES", spool_bytes)
    rows = RenderedRows()
    for first, size in ((5, 5), (0, 5), (12, 3), (10, 2)):
        assert rows.add(first, size, chunk(first, size))
    assert rows._spool._rolled is (spool_bytes == 10)  # noqa: SLF001 - where it spooled
    expected = {kind: b"".join(f"{kind},{i}\r\n".encode() for i in range(15))
                for kind in REPORT_ORDER}  # fmt: skip
    assert joined(rows, 15) == expected
    assert joined(rows, 15) == expected  # read again (a partial write, then the last)
    # read one report at a time or interleaved: each read finds its own place
    bodies = rows.bodies(15)
    assert bodies is not None
    first, second = (iter(bodies[kind]) for kind in REPORT_ORDER[:2])
    assert next(second) == chunk(0, 5)[1] and next(first) == chunk(0, 5)[0]
    rows.close()


def test_what_cannot_be_joined_is_refused() -> None:
    rows = RenderedRows()
    assert rows.add(0, 3, chunk(0, 3))
    assert not rows.add(0, 3, chunk(0, 3))  # the same chunk twice
    assert not rows.add(3, 0, ())  # no rows
    assert not rows.add(3, 2, chunk(3, 2)[:-1])  # a report missing
    assert rows.bodies(3) is not None
    assert rows.bodies(4) is None  # more entries done than rows kept
    assert rows.add(5, 2, chunk(5, 2))
    # a gap (entries a cancelled chunk held) is no fault: the rows done, in entry order
    assert joined(rows, 5)["matches"] == chunk(0, 3)[0] + chunk(5, 2)[0]
    assert rows.add(2, 3, chunk(2, 3))
    assert rows.bodies(8) is None  # 0-2 and 2-4 overlap
    rows.close()
