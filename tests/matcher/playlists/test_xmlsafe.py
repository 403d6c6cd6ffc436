"""Hostile XML: every DTD is refused, and no local file or URL is ever read."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from matcher.errors import UnsafeXmlError
from matcher.playlists import iter_collection, list_playlists, read_playlists, xmlsafe

SECRET = "TOP-SECRET-7f3a"
TRACK = '<TRACK TrackID="1" Name="{name}" Artist="a"/>'


def _rekordbox(doctype: str, name: str = "x") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<DJ_PLAYLISTS Version="1.0.0">'
        f'<COLLECTION Entries="1">{TRACK.format(name=name)}</COLLECTION>'
        '<PLAYLISTS><NODE Type="0" Name="ROOT"><NODE Name="P" Type="1" KeyType="0">'
        '<TRACK Key="1"/></NODE></NODE></PLAYLISTS></DJ_PLAYLISTS>\n'
    )


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def hostile_documents(secret: Path) -> dict[str, str]:
    laughs = '<!ENTITY a "lol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    return {
        "xxe": _rekordbox(
            f'<!DOCTYPE DJ_PLAYLISTS [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>', "&xxe;"
        ),
        "billion-laughs": _rekordbox(f"<!DOCTYPE DJ_PLAYLISTS [{laughs}]>", "&i;"),
        "quadratic-blowup": _rekordbox(
            f'<!DOCTYPE DJ_PLAYLISTS [<!ENTITY big "{"x" * 50000}">]>', "&big;" * 2000
        ),
        "external-dtd": _rekordbox(f'<!DOCTYPE DJ_PLAYLISTS SYSTEM "{secret.as_uri()}">'),
        "parameter-entity": _rekordbox(
            f'<!DOCTYPE DJ_PLAYLISTS [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]>'
        ),
        "network-dtd": _rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS PUBLIC "-//x//EN" "http://192.0.2.1/evil.dtd">'
        ),
        "bare-doctype": _rekordbox("<!DOCTYPE DJ_PLAYLISTS>"),
        "doctype-after-comment": _rekordbox("<!-- hi -->\n<!DOCTYPE DJ_PLAYLISTS []>"),
    }


CASES = [
    "xxe",
    "billion-laughs",
    "quadratic-blowup",
    "external-dtd",
    "parameter-entity",
    "network-dtd",
    "bare-doctype",
    "doctype-after-comment",
]
READERS = {
    "list": lambda p: list_playlists(p),
    "read": lambda p: read_playlists(p, all_playlists=True),
    "collection": lambda p: list(iter_collection(p)),
}


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("case", CASES)
def test_hostile_rekordbox_is_refused(
    tmp_path: Path, secret_file: Path, case: str, reader: str
) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(hostile_documents(secret_file)[case], encoding="utf-8")
    with pytest.raises(UnsafeXmlError, match="^evil.xml: .*DOCTYPE") as err:
        READERS[reader](path)
    assert SECRET not in str(err.value)


def test_hostile_nml_is_refused(tmp_path: Path, secret_file: Path) -> None:
    path = tmp_path / "evil.nml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE NML [<!ENTITY x SYSTEM "{secret_file.as_uri()}">]>'
        '<NML VERSION="19"><COLLECTION><ENTRY TITLE="&x;"/></COLLECTION></NML>',
        encoding="utf-8",
    )
    with pytest.raises(UnsafeXmlError):
        list(iter_collection(path))


@pytest.mark.parametrize("case", CASES)
def test_lxml_refuses_even_without_the_prolog_scan(
    tmp_path: Path, secret_file: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second line of defence: lxml's own docinfo, with entities and DTDs off."""
    monkeypatch.setattr(xmlsafe, "check_file_prolog", lambda path: None)
    path = tmp_path / "evil.xml"
    path.write_text(hostile_documents(secret_file)[case], encoding="utf-8")
    with pytest.raises(UnsafeXmlError) as err:
        read_playlists(path, all_playlists=True)
    assert SECRET not in str(err.value)


@pytest.fixture
def tripwire(tmp_path: Path) -> Iterator[tuple[Path, threading.Event]]:
    """A FIFO that records whether anything, C code included, opens it for reading.

    A watcher keeps trying a non-blocking open for writing, which only succeeds while
    a reader waits on the FIFO; it then closes at once, so the reader sees an empty file.
    """
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs POSIX FIFOs")
    fifo = tmp_path / "tripwire"
    os.mkfifo(fifo)
    opened, done = threading.Event(), threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody is reading
                time.sleep(0.005)
                continue
            opened.set()
            os.close(fd)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield fifo, opened
    done.set()
    watcher.join(timeout=2)


def test_tripwire_catches_a_parser_that_loads_dtds(tripwire: tuple[Path, threading.Event]) -> None:
    fifo, opened = tripwire
    doc = f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{fifo.as_uri()}"><r/>'.encode()
    etree.parse(io.BytesIO(doc), etree.XMLParser(load_dtd=True))
    assert opened.is_set()


@pytest.mark.parametrize("prolog_scan", [True, False], ids=["scan", "lxml-only"])
@pytest.mark.parametrize("case", ["xxe", "external-dtd", "parameter-entity"])
def test_no_file_is_opened(
    tmp_path: Path,
    tripwire: tuple[Path, threading.Event],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    prolog_scan: bool,
) -> None:
    fifo, opened = tripwire
    if not prolog_scan:
        monkeypatch.setattr(xmlsafe, "check_file_prolog", lambda path: None)
    path = tmp_path / "evil.xml"
    path.write_text(hostile_documents(fifo)[case], encoding="utf-8")
    for reader in READERS.values():
        with pytest.raises(UnsafeXmlError):
            reader(path)
    time.sleep(0.05)  # a reader the watcher released may return before it sets the flag
    assert not opened.is_set()


@pytest.mark.parametrize(
    ("head", "root"),
    [
        pytest.param(b'<?xml version="1.0"?>\n<DJ_PLAYLISTS>', "DJ_PLAYLISTS", id="plain"),
        pytest.param(b"\xef\xbb\xbf<NML VERSION='19'>", "NML", id="bom"),
        pytest.param(b"<?xml version='1.0'?><!-- c --><?pi x?>\n<NML>", "NML", id="comment-pi"),
        pytest.param(b'<!DOCTYPE x [<!ENTITY a "b">]><DJ_PLAYLISTS>', "DJ_PLAYLISTS", id="doctype"),
        pytest.param(b"not xml", None, id="not-xml"),
    ],
)
def test_root_name(head: bytes, root: str | None) -> None:
    assert xmlsafe.root_name(head) == root


def _split_everywhere(text: str, size: int) -> Iterator[str]:
    return (text[i : i + size] for i in range(0, len(text), size))


@pytest.mark.parametrize(
    ("prolog", "markup"),
    [
        pytest.param("<?xml version='1.0'?>\n<NML>", "<NML>", id="plain"),
        pytest.param("<!-- a -- b -->\n<!-- c --><?pi x?>  <DJ_PLAYLISTS>", "<DJ_PLAYL", id="many"),
        pytest.param("<!-- <!DOCTYPE x> -->\n<NML/>", "<NML/>", id="doctype-in-comment"),
        pytest.param("<!-- x -->\n<!DOCTYPE r []><r/>", "<!DOCTYPE", id="doctype"),
        pytest.param("<!---->\n<!ENTITY a 'b'><r/>", "<!ENTITY ", id="entity"),
        pytest.param("<!-- never closed", "", id="unterminated"),
        pytest.param("", "", id="empty"),
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 64])
def test_first_markup_whatever_the_chunk_boundaries(prolog: str, markup: str, size: int) -> None:
    assert xmlsafe._first_markup(_split_everywhere(prolog, size)) == markup


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le"])
@pytest.mark.parametrize("padding", [10, 70_000, 1_000_000], ids=["short", "70kb", "1mb"])
def test_a_doctype_after_a_long_prolog_is_refused(
    tmp_path: Path, secret_file: Path, encoding: str, padding: int
) -> None:
    """The declaration is refused however far past the first bytes it sits, whatever lxml
    release is installed (a newer one stops at the entity with a syntax error instead)."""
    comment = "<!-- " + "pad " * (padding // 4) + "-->\n"
    entity = f'<!ENTITY x SYSTEM "{secret_file.as_uri()}">'
    doctype = f"{comment}<?pi x?>\n<!DOCTYPE DJ_PLAYLISTS [{entity}]>"
    document = _rekordbox(doctype, "&x;").replace('encoding="UTF-8"', f'encoding="{encoding[:6]}"')
    path = tmp_path / "evil.xml"
    path.write_bytes(document.encode(encoding))
    for reader in READERS.values():
        with pytest.raises(UnsafeXmlError):
            reader(path)


def test_a_long_comment_before_a_safe_root_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.xml"
    path.write_text(_rekordbox("<!-- " + "pad " * 50_000 + "-->"), encoding="utf-8")
    [playlist] = read_playlists(path, all_playlists=True)
    assert [e.title for e in playlist.entries] == ["x"]
