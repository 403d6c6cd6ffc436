from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.writeback import FileRefused
from matcher.writeback.delta import Copy, Delta, Literal, apply_delta, compute_delta
from tests.matcher.writeback.synth import noise

AUDIO = noise(200_000, seed=5)


def ogg_like(data: bytes, seed: int) -> bytes:
    """Every 4 KiB "page" gets 8 new bytes, like mutagen renumbering Ogg pages."""
    out = bytearray(data)
    fresh = noise(len(data) // 4096 * 8 + 8, seed)
    for n, pos in enumerate(range(1000, len(out) - 30, 4096)):
        out[pos + 18 : pos + 26] = fresh[n * 8 : n * 8 + 8]
    return bytes(out)


# (before, after, most literal bytes the delta may store)
CASES = {
    "identical": (AUDIO, AUDIO, 0),
    "tag-changed-in-place": (b"TAG1" + bytes(96) + AUDIO, b"TAG2" + bytes(96) + AUDIO, 100),
    "tag-grown": (b"ID3" + b"a" * 100 + AUDIO, b"ID3" + b"b" * 3000 + AUDIO, 100),
    "tag-shrunk": (b"ID3" + b"a" * 3000 + AUDIO, b"ID3" + b"b" * 10 + AUDIO, 3000),
    "tail-tag-changed": (AUDIO + b"TAG" + bytes(125), AUDIO + b"TAG" + b"x" * 125, 128),
    "both-ends-changed": (b"H1" * 50 + AUDIO + b"T1" * 64, b"H2" * 900 + AUDIO + b"T2" * 10, 228),
    "audio-shifted-and-tail-appended": (b"RIFF" + AUDIO, b"RIFX" + AUDIO + b"ID3 " + bytes(999), 4),
    "ogg-pages-renumbered": (
        b"OggS" * 300 + AUDIO,
        b"OggS" * 2000 + ogg_like(AUDIO, 9),
        1200 + 8 * (len(AUDIO) // 4096 + 1),
    ),
    "silence-moved": (b"hdr" + bytes(50_000), b"hdr-longer" + bytes(50_000), 3),
    "nothing-in-common": (noise(5000, 1), noise(7000, 2), 5000),
    "to-empty": (AUDIO[:1000], b"", 1000),
    "from-empty": (b"", AUDIO[:1000], 0),
    "both-empty": (b"", b"", 0),
}


def rebuild(delta: Delta, after: Path) -> bytes:
    out = io.BytesIO()
    apply_delta(delta, after, out)
    return out.getvalue()


@pytest.mark.parametrize(("before", "after", "most"), CASES.values(), ids=CASES.keys())
def test_delta_rebuilds_the_original_compactly(tmp_path, before, after, most):
    a, b = tmp_path / "before", tmp_path / "after"
    a.write_bytes(before)
    b.write_bytes(after)
    delta = compute_delta(a, b)
    assert rebuild(delta, b) == before
    assert delta.literal_bytes <= most
    assert Delta.decode(delta.encode()) == delta
    assert (delta.before_size, delta.after_size) == (len(before), len(after))


def test_applying_to_another_file_is_refused(tmp_path):
    a, b = tmp_path / "before", tmp_path / "after"
    a.write_bytes(b"old" + AUDIO)
    b.write_bytes(b"new" + AUDIO)
    delta = compute_delta(a, b)
    b.write_bytes(b"NEW" + AUDIO)  # same size, other bytes
    with pytest.raises(FileRefused, match="changed since the write"):
        apply_delta(delta, b)


def test_a_delta_that_does_not_rebuild_the_original_is_refused(tmp_path):
    a, b = tmp_path / "before", tmp_path / "after"
    a.write_bytes(b"old" + AUDIO)
    b.write_bytes(b"new" + AUDIO)
    delta = compute_delta(a, b)
    assert isinstance(delta.pieces[0], Literal)
    forged = Delta(
        delta.before_sha256,
        delta.after_sha256,
        delta.before_size,
        delta.after_size,
        (Literal(b"odd"), *delta.pieces[1:]),
    )
    out = io.BytesIO()
    with pytest.raises(FileRefused, match="does not rebuild the original"):
        apply_delta(forged, b, out)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"XXXX" + bytes(80), id="bad-magic"),
        pytest.param(b"CMD1" + bytes(64) + b"\x05\x00\x01\x01", id="sizes-do-not-add-up"),
        pytest.param(b"CMD1" + bytes(64) + b"\x03\x03\x01\x00\x02\x03", id="copy-past-the-end"),
        pytest.param(b"CMD1" + bytes(64) + b"\x03\x00\x01\x01\x09ab", id="literal-cut-short"),
        pytest.param(b"CMD1" + bytes(64) + b"\x00\x00\x01\x07", id="unknown-piece"),
        pytest.param(b"CMD1" + bytes(64) + b"\xff", id="number-cut-short"),
    ],
)
def test_decoding_garbage_is_a_value_error(data):
    with pytest.raises(ValueError):
        Delta.decode(data)


def test_pieces_survive_encoding():
    delta = Delta("00" * 32, "00" * 32, 6, 6, (Copy(0, 3), Literal(b"abc")))
    assert Delta.decode(delta.encode()).pieces == (Copy(0, 3), Literal(b"abc"))


edits = st.lists(
    st.tuples(
        st.sampled_from(["insert", "delete", "replace"]),
        st.floats(0, 1),
        st.binary(min_size=0, max_size=300),
        st.integers(0, 300),
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(before=st.binary(max_size=3000), changes=edits, seed=st.integers(0, 5))
def test_any_edit_is_undone_exactly(before, changes, seed):
    before = before + noise(seed * 2000, seed)  # some examples with a long common body
    after = bytearray(before)
    for kind, where, data, length in changes:
        pos = int(where * len(after))
        if kind == "insert":
            after[pos:pos] = data
        elif kind == "delete":
            del after[pos : pos + length]
        else:
            after[pos : pos + len(data)] = data
    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder) / "a", Path(folder) / "b"
        a.write_bytes(before)
        b.write_bytes(bytes(after))
        delta = compute_delta(a, b)
        assert rebuild(Delta.decode(delta.encode()), b) == before
        changed = sum(len(d) + n for _, _, d, n in changes)
        if before and changes and len(before) > 10 * changed:
            assert delta.literal_bytes <= changed + 2 * 64 * len(changes)
