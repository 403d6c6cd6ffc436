"""Traktor's collection.nml as a library to write into: what an ENTRY says, and the byte
edits that fill its fields and add a playlist (nml_text keeps every other byte).

Where each write field lives in an ENTRY (what Traktor itself writes):

    genre, label, remixers, mix, comment   INFO GENRE, LABEL, REMIXER, MIX, COMMENT
    year                                   INFO RELEASE_DATE ("2019/1/1")
    bpm                                    TEMPO BPM
    key                                    INFO KEY (the text Traktor shows) and
                                           MUSICAL_KEY VALUE (0-11 major from C, 12-23 minor)

An ENTRY whose fields change gets Traktor's own change stamp, as Traktor sets it when the
DJ edits a track: MODIFIED_DATE ("2026/12/6", local date, no leading zeros) and
MODIFIED_TIME (seconds since local midnight); sync tools compare these to see what moved.

Traktor keeps no ISRC in a collection, so `isrc` is not written here. Entries are found
by LOCATION (VOLUME + DIR + FILE) read as a local path, the way the NML reader reads it.
A new playlist goes last under the `$ROOT` folder, naming its tracks by PRIMARYKEY like
Traktor's own playlists.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

from matcher.matching.keys import from_traktor_index, parse_key
from matcher.playlists.nml import local_path, track_key
from matcher.writeback.errors import LibraryMalformed
from matcher.writeback.libraries.nml_text import (
    Edit,
    Element,
    apply_edits,
    escape,
    parse,
    set_attribute,
)
from matcher.writeback.policy import FieldChange

__all__ = ["TRAKTOR_FIELDS", "TraktorCollection", "location_key", "modified_stamp"]

TRAKTOR_FIELDS = frozenset({"genre", "label", "key", "bpm", "year", "remixers", "mix", "comment"})
_INFO = {"genre": "GENRE", "label": "LABEL", "remixers": "REMIXER", "mix": "MIX",
         "comment": "COMMENT", "year": "RELEASE_DATE"}  # fmt: skip
# Children of an ENTRY, in the order Traktor writes them: a new one goes after these.
_BEFORE_INFO = ("LOCATION", "ALBUM", "MODIFICATION_INFO")
_BEFORE_KEY = ("LOCATION", "ALBUM", "MODIFICATION_INFO", "INFO", "TEMPO", "LOUDNESS")


def modified_stamp(when: datetime) -> dict[str, str]:
    """MODIFIED_DATE and MODIFIED_TIME as Traktor writes them for the local time `when`."""
    seconds = when.hour * 3600 + when.minute * 60 + when.second
    return {"MODIFIED_DATE": f"{when.year}/{when.month}/{when.day}", "MODIFIED_TIME": str(seconds)}


def location_key(path: str) -> str:
    """A path in the form two spellings of one file share (slashes, Unicode, case)."""
    return unicodedata.normalize("NFC", path.replace("\\", "/")).casefold()


class TraktorCollection:
    """A collection.nml's bytes, read once; edits are made against these bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.root = parse(data)
        if self.root.name != "NML":
            raise LibraryMalformed("not a Traktor collection (its root is not NML)")
        collection = self.root.child("COLLECTION")
        if collection is None:
            raise LibraryMalformed("not a Traktor collection (it has no COLLECTION)")
        self.newline = b"\r\n" if b"\r\n" in data[:65536] else b"\n"
        self.entries: dict[str, Element] = {}
        for entry in collection.children:
            location = entry.child("LOCATION") if entry.name == "ENTRY" else None
            if location is not None:
                self.entries.setdefault(location_key(self._path(location)), entry)

    def _parts(self, location: Element) -> tuple[str, str, str]:
        get = location.attr
        return (get(self.data, "VOLUME") or "", get(self.data, "DIR") or "",
                get(self.data, "FILE") or "")  # fmt: skip

    def _path(self, location: Element) -> str:
        return local_path(*self._parts(location))

    def find(self, path: str) -> Element | None:
        """The collection ENTRY of the audio file at `path`."""
        return self.entries.get(location_key(path))

    def primary_key(self, entry: Element) -> str:
        location = entry.child("LOCATION")
        assert location is not None  # only entries with one are found
        return track_key(*self._parts(location))

    # reading -----------------------------------------------------------------------------

    def values(self, entry: Element) -> dict[str, str]:
        """What the ENTRY says for each field Traktor keeps ("" when it says nothing)."""
        info, tempo, key = (entry.child(n) for n in ("INFO", "TEMPO", "MUSICAL_KEY"))
        values = {f: (info.attr(self.data, a) or "") if info else "" for f, a in _INFO.items()}
        values["bpm"] = (tempo.attr(self.data, "BPM") or "") if tempo else ""
        values["key"] = (info.attr(self.data, "KEY") or "") if info else ""
        if not values["key"] and key is not None:
            try:
                musical = from_traktor_index(int(float(key.attr(self.data, "VALUE") or "")))
            except ValueError:
                musical = None
            values["key"] = musical.short if musical else ""
        return values

    # editing -----------------------------------------------------------------------------

    def _separator(self, parent: Element) -> bytes:
        """What Traktor put between two children of `parent` (a newline, usually)."""
        kids = parent.children
        if len(kids) >= 2:
            between = self.data[kids[0].end : kids[1].start]
            if not between.strip():
                return between
        return self.newline

    def _new_child(self, entry: Element, after: Sequence[str], name: str,
                   attrs: dict[str, str]) -> Edit:  # fmt: skip
        text = f"<{name}".encode() + b"".join(
            b" " + a.encode() + b'="' + escape(v) + b'"' for a, v in attrs.items()
        ) + f"></{name}>".encode()  # fmt: skip
        anchors = [c for c in entry.children if c.name in after]
        if anchors:
            at = anchors[-1].end
            return Edit(at, at, self._separator(entry) + text)
        return Edit(entry.start_end, entry.start_end, text + self._separator(entry))

    def field_edits(
        self, entry: Element, changes: Iterable[FieldChange], modified: datetime | None = None
    ) -> list[Edit]:
        """The edits that put `changes` into `entry`, stamped as modified at `modified`
        (local time) when any are made."""
        info_attrs: dict[str, str] = {}
        bpm = key_index = None
        for change in changes:
            if change.field in _INFO:
                new = f"{change.new}/1/1" if change.field == "year" else change.new
                info_attrs[_INFO[change.field]] = new
            elif change.field == "bpm":
                bpm = change.new
            elif change.field == "key":
                info_attrs["KEY"] = change.new
                parsed = parse_key(change.new)
                key_index = None if parsed is None else parsed.pitch + (12 if parsed.minor else 0)
        edits: list[Edit] = []
        info = entry.child("INFO")
        if info_attrs and info is not None:
            edits += [set_attribute(info, self.data, a, v) for a, v in info_attrs.items()]
        elif info_attrs:
            edits.append(self._new_child(entry, _BEFORE_INFO, "INFO", info_attrs))
        tempo = entry.child("TEMPO")
        if bpm is not None and tempo is not None:
            edits.append(set_attribute(tempo, self.data, "BPM", bpm))
        elif bpm is not None:
            edits.append(self._new_child(entry, (*_BEFORE_INFO, "INFO"), "TEMPO", {"BPM": bpm}))
        musical = entry.child("MUSICAL_KEY")
        if key_index is not None and musical is not None:
            edits.append(set_attribute(musical, self.data, "VALUE", str(key_index)))
        elif key_index is not None:
            edits.append(self._new_child(entry, _BEFORE_KEY, "MUSICAL_KEY",
                                         {"VALUE": str(key_index)}))  # fmt: skip
        if edits and modified is not None:
            edits += [set_attribute(entry, self.data, a, v)
                      for a, v in modified_stamp(modified).items()]  # fmt: skip
        return edits

    def playlist_names(self) -> set[str]:
        """The names of the playlists and folders right under `$ROOT`."""
        subnodes = self._root_subnodes()
        if subnodes is None:
            return set()
        return {n.attr(self.data, "NAME") or "" for n in subnodes.children if n.name == "NODE"}

    def _root_node(self) -> Element | None:
        playlists = self.root.child("PLAYLISTS")
        return playlists.child("NODE") if playlists is not None else None

    def _root_subnodes(self) -> Element | None:
        node = self._root_node()
        return node.child("SUBNODES") if node is not None else None

    def playlist_edits(self, name: str, entries: Sequence[Element]) -> list[Edit]:
        """The edits that add a playlist `name` of `entries` last under `$ROOT`."""
        nl = self.newline
        rows = b"".join(
            b'<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="' + escape(self.primary_key(e)) + b'">'
            b"</PRIMARYKEY>" + nl + b"</ENTRY>" + nl
            for e in entries
        )
        node = (
            b'<NODE TYPE="PLAYLIST" NAME="' + escape(name) + b'"><PLAYLIST ENTRIES="'
            + str(len(entries)).encode() + b'" TYPE="LIST" UUID="'
            + secrets.token_hex(16).encode() + b'">' + rows + b"</PLAYLIST>" + nl + b"</NODE>" + nl
        )  # fmt: skip
        playlists, root_node = self.root.child("PLAYLISTS"), self._root_node()
        subnodes = self._root_subnodes()
        if playlists is None:
            whole = (b'<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1">' + node
                     + b"</SUBNODES>" + nl + b"</NODE>" + nl + b"</PLAYLISTS>" + nl)  # fmt: skip
            return [Edit(self.root.content_end, self.root.content_end, whole)]
        if root_node is None or root_node.self_closing or playlists.self_closing:
            raise LibraryMalformed("its PLAYLISTS have no $ROOT folder to add a playlist to")
        if subnodes is None:
            at = root_node.content_end
            return [Edit(at, at, b'<SUBNODES COUNT="1">' + node + b"</SUBNODES>" + nl)]
        if subnodes.self_closing:
            whole = b'<SUBNODES COUNT="1">' + node + b"</SUBNODES>"
            return [Edit(subnodes.start, subnodes.end, whole)]
        count = sum(1 for n in subnodes.children if n.name == "NODE") + 1
        at = subnodes.content_end
        return [set_attribute(subnodes, self.data, "COUNT", str(count)), Edit(at, at, node)]

    def rewritten(self, edits: Iterable[Edit]) -> bytes:
        return apply_edits(self.data, edits)
