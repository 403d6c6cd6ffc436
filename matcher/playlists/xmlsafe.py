"""Streaming XML that refuses hostile input.

Rekordbox and Traktor never write a DOCTYPE, so any DOCTYPE or ENTITY declaration is
refused with UnsafeXmlError: that closes billion laughs, quadratic blow-up, XXE and
external DTDs at once. The refusal happens twice, before lxml reads anything (a scan of
the prolog) and at the first element (lxml's docinfo), and lxml itself runs with entity
resolution, DTD loading and network access off, so no local file or URL is ever read.

`iter_elements` yields `(event, element)` from lxml's iterparse; callers clear what they
have read (`release`) so memory stays bounded however large the file is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from lxml import etree

from matcher.errors import PlaylistParseError, UnsafeXmlError
from matcher.playlists.sources import HEAD_BYTES, decode_text, file_error, read_head

__all__ = ["check_prolog", "iter_elements", "release", "root_name"]

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


def check_prolog(head: bytes, file_name: str) -> None:
    """Refuse a DOCTYPE or ENTITY declaration before the root element."""
    text = _skip_prolog(_head_text(head))
    if text.startswith("<!DOCTYPE") or "<!ENTITY" in text:
        raise UnsafeXmlError(
            f"{file_name}: XML with a DOCTYPE or ENTITY declaration is refused "
            "(Rekordbox and Traktor never write one)"
        )


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
    check_prolog(read_head(path), path.name)
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
