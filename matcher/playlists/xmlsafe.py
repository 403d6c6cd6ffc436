"""Streaming XML that refuses hostile input.

Rekordbox and Traktor never write a DOCTYPE, so any DOCTYPE or ENTITY declaration is
refused with UnsafeXmlError: that closes billion laughs, quadratic blow-up, XXE and
external DTDs at once. The refusal happens twice, before lxml reads anything (a scan of
the whole prolog, however long its comments are) and at the first element (lxml's
docinfo), and lxml itself runs with entity resolution, DTD loading and network access
off, so no local file or URL is ever read. The scan does not lean on lxml: how far a
given lxml release reads before it reports a declaration differs between releases.

`iter_elements` yields `(event, element)` from lxml's iterparse; callers clear what they
have read (`release`) so memory stays bounded however large the file is.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from lxml import etree

from matcher.errors import PlaylistParseError, UnsafeXmlError
from matcher.playlists.sources import (
    HEAD_BYTES,
    bom_encoding,
    decode_text,
    file_error,
    read_head,
)

__all__ = ["check_file_prolog", "check_prolog", "iter_elements", "release", "root_name"]

_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.S)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")


def _head_text(head: bytes) -> str:
    return decode_text(head, partial=len(head) >= HEAD_BYTES)


def _skip_prolog(text: str) -> str:
    """`text` from the first markup that is not the XML declaration, a PI or a comment."""
    pos = 0
    while match := _PROLOG_ITEM.match(text, pos):
        pos = match.end()
    return text[pos:].lstrip()


def _unsafe(file_name: str) -> UnsafeXmlError:
    return UnsafeXmlError(
        f"{file_name}: XML with a DOCTYPE or ENTITY declaration is refused "
        "(Rekordbox and Traktor never write one)"
    )


def _is_declaration(markup: str) -> bool:
    return markup[:9].upper().startswith(("<!DOCTYPE", "<!ENTITY"))


def check_prolog(head: bytes, file_name: str) -> None:
    """Refuse a DOCTYPE or ENTITY declaration in the first bytes of a file (for sniffing;
    `check_file_prolog` reads the prolog to its end)."""
    text = _skip_prolog(_head_text(head))
    if _is_declaration(text) or "<!ENTITY" in text:
        raise _unsafe(file_name)


_CHUNK = 65536
_OPENERS = (("<?", "?>"), ("<!--", "-->"))


def _first_markup(chunks: Iterator[str]) -> str:
    """The first nine characters after the prolog's declaration, PIs, comments and blanks.

    Reads `chunks` only as far as needed and keeps little of a long comment or PI, so a
    prolog of any length costs bounded memory.
    """
    buf, eof = "", False
    while True:
        buf = buf.lstrip()
        opener = next(((o, c) for o, c in _OPENERS if buf.startswith(o)), None)
        if opener is None:
            if eof or len(buf) >= 9:
                return buf[:9]
        else:
            start, close = opener
            end = buf.find(close, len(start))
            if end >= 0:
                buf = buf[end + len(close) :]
                continue
            if eof:
                return ""  # unterminated: lxml reports the broken XML
            if len(buf) > len(start) + len(close):
                buf = start + buf[-(len(close) - 1) :]  # enough to see the closer arrive
        chunk = next(chunks, None)
        eof = chunk is None
        buf += chunk or ""


def _decoded_chunks(path: Path, head: bytes) -> Iterator[str]:
    # ASCII markup reads the same in UTF-8, cp1252 and Latin-1, and Latin-1 never fails;
    # UTF-16 and UTF-32 (with a BOM or, for UTF-16, without) are decoded as such.
    encoding = bom_encoding(head) or "latin-1"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    try:
        with path.open("rb") as handle:
            first = True
            while block := handle.read(_CHUNK):
                text = decoder.decode(block)
                yield text.lstrip("\ufeff") if first else text
                first = False
    except OSError as err:
        raise file_error(path, err) from None


def check_file_prolog(path: Path) -> None:
    """Refuse a file whose prolog holds a DOCTYPE or ENTITY declaration, wherever it sits:
    after 70 KB of comments as well as on the second line."""
    head = read_head(path)
    check_prolog(head, path.name)
    if _is_declaration(_first_markup(_decoded_chunks(path, head))):
        raise _unsafe(path.name)


def root_name(head: bytes) -> str | None:
    """The root element's name from a file's first bytes, or None if it is not XML."""
    text = _skip_prolog(_head_text(head))
    if text.startswith("<!DOCTYPE"):
        doctype = _DOCTYPE.match(text)
        if not doctype:
            return None
        text = _skip_prolog(text[doctype.end() :])
    match = _ROOT.match(text)
    return match.group(1) if match else None


def release(element: etree._Element) -> None:
    """Free an element that has been read, and the siblings read before it."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def iter_elements(
    path: Path, root: str, tags: Sequence[str], events: Sequence[str] = ("start", "end")
) -> Iterator[tuple[str, etree._Element]]:
    """Stream `(event, element)` for `tags` in a file whose root must be `root`.

    Raises UnsafeXmlError for a DTD or entity declaration, PlaylistParseError for XML
    that is not well-formed or has another root, InputError when the file cannot be read.
    """
    check_file_prolog(path)
    try:
        handle = path.open("rb")
    except OSError as err:
        raise file_error(path, err) from None
    with handle:
        parser = etree.iterparse(
            handle,
            events=tuple(events) if "start" in events else ("start", *events),
            tag=(root, *tags),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        first = True
        try:
            for event, element in parser:
                if first:
                    _check_root(element, root, path.name)
                    first = False
                if element.tag == root or event not in events:
                    continue
                yield event, element
        except etree.XMLSyntaxError as err:
            raise PlaylistParseError(f"{path.name}: broken XML ({_reason(err)})") from None
        except etree.LxmlError as err:
            raise PlaylistParseError(f"{path.name}: unreadable XML ({err})") from None
        if first:
            raise PlaylistParseError(f"{path.name}: no <{root}> element found")


def _check_root(element: etree._Element, root: str, file_name: str) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXmlError(f"{file_name}: XML with a DOCTYPE is refused")
    if element.tag != root:
        raise PlaylistParseError(f"{file_name}: root element is <{element.tag}>, not <{root}>")


def _reason(err: etree.XMLSyntaxError) -> str:
    message = (err.msg or "syntax error").splitlines()[0]
    return f"line {err.lineno}: {message}" if err.lineno else message
