"""A Traktor NML file as its own bytes: elements with the byte spans of their tags and
attribute values, and edits that change those spans and nothing else.

Why not lxml: re-serialising a collection rewrites quoting, entity choices, attribute
order and whitespace in every ENTRY, and Traktor (and every sync tool the DJ runs)
then sees a file that changed everywhere. Here an edit is "these bytes become those",
so a write-back that fills three fields changes three attribute values (or adds three
attributes) and leaves every other byte of the file as it was.

NML is machine-written XML: start tags with double-quoted attributes, explicit end tags,
no text content that matters. The scanner reads any well-formed XML element structure
(comments, processing instructions, CDATA and a DOCTYPE are skipped); anything else
raises LibraryMalformed instead of being guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from matcher.writeback.errors import LibraryMalformed

__all__ = ["Edit", "Element", "apply_edits", "escape", "parse", "set_attribute", "unescape"]

_NAME = rb"[A-Za-z_:][-\w.:]*"
_TAG = re.compile(
    rb"<(/?)(" + _NAME + rb")((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>"
)
_ATTR = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_SKIPS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"), (b"<!", b">"))
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


@dataclass(slots=True)
class Element:
    """One element: `start`..`start_end` is its start tag, `start`..`end` all of it."""

    name: str
    start: int
    start_end: int
    end: int = -1
    self_closing: bool = False
    attrs: dict[str, tuple[int, int]] = field(default_factory=dict)  # value spans
    children: list[Element] = field(default_factory=list)

    def child(self, name: str) -> Element | None:
        return next((c for c in self.children if c.name == name), None)

    def attr(self, data: bytes, name: str) -> str | None:
        """The attribute's value, unescaped; None when the element has no such attribute."""
        span = self.attrs.get(name)
        return None if span is None else unescape(data[span[0] : span[1]].decode("utf-8"))

    @property
    def content_end(self) -> int:
        """Where the end tag starts (for inserting a last child)."""
        return self.end - len(f"</{self.name}>".encode())


@dataclass(frozen=True, slots=True)
class Edit:
    """Bytes `start`..`end` of the original become `new` (an insertion when equal)."""

    start: int
    end: int
    new: bytes


def unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _ENTITY.sub(one, text)


def escape(text: str) -> bytes:
    """An attribute value as Traktor writes one (double quotes)."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace('"', "&quot;")
    out = out.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")
    return out.encode("utf-8")


def _tokens(data: bytes) -> Iterator[re.Match[bytes]]:
    pos = data.find(b"<")
    while pos != -1:
        for opener, closer in _SKIPS:
            if data.startswith(opener, pos):
                stop = data.find(closer, pos + len(opener))
                if stop == -1:
                    raise LibraryMalformed(f"unterminated {opener.decode()} at byte {pos}")
                pos = data.find(b"<", stop + len(closer))
                break
        else:
            match = _TAG.match(data, pos)
            if match is None:
                raise LibraryMalformed(f"not a well-formed tag at byte {pos}")
            yield match
            pos = data.find(b"<", match.end())


def _attrs(match: re.Match[bytes]) -> dict[str, tuple[int, int]]:
    spans = {}
    base = match.start(3)
    for attr in _ATTR.finditer(match.group(3)):
        group = 2 if attr.group(2) is not None else 3
        spans[attr.group(1).decode("utf-8")] = (base + attr.start(group), base + attr.end(group))
    return spans


def parse(data: bytes) -> Element:
    """The root element of an XML document's bytes; LibraryMalformed when it is not one."""
    stack: list[Element] = []
    root: Element | None = None
    for match in _tokens(data):
        closing, name = match.group(1), match.group(2).decode("utf-8")
        if closing:
            if not stack or stack[-1].name != name:
                raise LibraryMalformed(f"unexpected </{name}> at byte {match.start()}")
            stack.pop().end = match.end()
            continue
        element = Element(name, match.start(), match.end(), attrs=_attrs(match))
        if stack:
            stack[-1].children.append(element)
        elif root is None:
            root = element
        else:
            raise LibraryMalformed(f"a second root element <{name}>")
        if match.group(4):
            element.self_closing, element.end = True, match.end()
        else:
            stack.append(element)
    if root is None or stack:
        raise LibraryMalformed("the file ends before its last element is closed")
    return root


def set_attribute(element: Element, data: bytes, name: str, value: str) -> Edit:
    """The edit that gives `element` attribute `name` = `value` (appended when new)."""
    span = element.attrs.get(name)
    if span is not None:
        return Edit(span[0], span[1], escape(value))
    at = element.start_end - (2 if element.self_closing else 1)
    while data[at - 1 : at] in (b" ", b"\t", b"\n", b"\r"):
        at -= 1
    return Edit(at, at, b" " + name.encode("utf-8") + b'="' + escape(value) + b'"')


def apply_edits(data: bytes, edits: Iterable[Edit]) -> bytes:
    """`data` with `edits` made; insertions at one place keep the order they were given."""
    ordered = sorted(enumerate(edits), key=lambda item: (item[1].start, item[1].end, item[0]))
    parts, pos = [], 0
    for _, edit in ordered:
        if edit.start < pos:
            raise ValueError(f"overlapping edits at byte {edit.start}")
        parts.append(data[pos : edit.start])
        parts.append(edit.new)
        pos = edit.end
    parts.append(data[pos:])
    return b"".join(parts)
