from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from matcher.errors import OutputError, PlaylistParseError, UnsafeXmlError
from matcher.outputs import write_playlist_outputs
from matcher.outputs.writer import write_enriched

# A small collection as Rekordbox 6 writes it. Track 1 has beat grid and cues and a
# Label the user typed; track 2 is fully tagged; track 3 is in no playlist we export;
# track 4 is bare. The file's keys are Camelot, so new keys must be Camelot too.
COLLECTION = """<?xml version="1.0" encoding="UTF-8"?>

<DJ_PLAYLISTS Version="1.0.0">
  <PRODUCT Name="rekordbox" Version="6.8.2" Company="AlphaTheta"/>
  <COLLECTION Entries="4">
    <TRACK TrackID="101" Name="Café del Mar" Artist="Energy 52" Composer="" Album=""
           Grouping="" Genre="" Kind="MP3 File" Size="1" TotalTime="450" DiscNumber="0"
           TrackNumber="0" Year="0" AverageBpm="0.00" DateAdded="2023-01-02"
           BitRate="320" SampleRate="44100" Comments="&lt;keep&gt; &amp; me" PlayCount="3"
           Rating="0" Location="file://localhost/Users/dj/Music/Caf%C3%A9%20del%20Mar.mp3"
           Remixer="" Tonality="" Label="My Own Label" Mix="">
      <TEMPO Inizio="0.025" Bpm="132.00" Metro="4/4" Battito="1"/>
      <TEMPO Inizio="60.025" Bpm="132.50" Metro="4/4" Battito="2"/>
      <POSITION_MARK Name="Drop" Type="0" Start="64.025" Num="0" Red="40" Green="226" Blue="20"/>
      <POSITION_MARK Name="" Type="4" Start="1.0" End="9.0" Num="-1"/>
    </TRACK>
    <TRACK TrackID="102" Name="Tagged" Artist="Someone" Composer="" Album="" Grouping=""
           Genre="Techno" Kind="MP3 File" Size="1" TotalTime="300" DiscNumber="0"
           TrackNumber="0" Year="2015" AverageBpm="126.00" DateAdded="2023-01-02"
           BitRate="320" SampleRate="44100" Comments="" PlayCount="0" Rating="0"
           Location="file://localhost/Users/dj/Music/tagged.mp3" Remixer="Mine"
           Tonality="8A" Label="Theirs" Mix="Original Mix"/>
    <TRACK TrackID="103" Name="Elsewhere" Artist="X" Tonality="3B" Location="file://localhost/x.mp3"/>
    <TRACK TrackID="104" Name="Bare" Artist="Y" Genre="" Year="" AverageBpm=""
           Tonality="" Label="" Remixer="" Mix="" Location="file://localhost/C:/Music/bare.mp3"/>
  </COLLECTION>
  <PLAYLISTS>
    <NODE Type="0" Name="ROOT" Count="3">
      <NODE Name="Sets" Type="0" Count="1">
        <NODE Name="Friday" Type="1" KeyType="0" Entries="4">
          <TRACK Key="101"/>
          <TRACK Key="102"/>
          <TRACK Key="999"/>
          <TRACK Key="104"/>
        </NODE>
      </NODE>
      <NODE Name="Other" Type="1" KeyType="0" Entries="1">
        <TRACK Key="103"/>
      </NODE>
      <NODE Name="By Location" Type="1" KeyType="1" Entries="2">
        <TRACK Key="file://localhost/C:/Music/bare.mp3"/>
        <TRACK Key="file://localhost/Users/dj/Music/Caf%C3%A9%20del%20Mar.mp3"/>
      </NODE>
    </NODE>
  </PLAYLISTS>
</DJ_PLAYLISTS>
"""


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "in" / "collection.xml"
    path.parent.mkdir()
    path.write_text(COLLECTION, encoding="utf-8")
    return path


def catalog_track(make, catalog_id="cat", **fields):
    defaults = {
        "title": "Cafe del Mar",
        "mix": "Three N One Remix",
        "artists": ("Energy 52",),
        "remixers": ("Three N One", "Other"),
        "label": "Eye Q",
        "release_date": "1997-06-01",
        "bpm": 132.0,
        "key": "A Minor",
        "genre": "Trance",
    }
    return make.track(catalog_id, **{**defaults, **fields})


def rekordbox_playlist(make, source, name, ids, locations=None):
    locations = locations or [""] * len(ids)
    entries = [
        make.entry(i, file=source.name, playlist=name, source_id=sid, location=loc)
        for i, (sid, loc) in enumerate(zip(ids, locations, strict=True))
    ]
    return make.playlist(entries, source, name=name, fmt="rekordbox")


def tracks_by_id(path: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(path)).getroot()
    return {t.get("TrackID"): t for t in root.find("COLLECTION")}


def test_rewrite_keeps_referenced_tracks_and_fills_only_empty_fields(tmp_path, make, source):
    playlist = rekordbox_playlist(make, source, "Sets/Friday", ["101", "102", "104"])
    e0, e1, e2 = playlist.entries
    results = [
        make.matched(e0, catalog_track(make)),
        make.matched(e1, catalog_track(make, label="Nope", genre="Nope", key="C Major")),
        make.unmatched(e2),
    ]
    out = write_playlist_outputs(tmp_path / "o", playlist, results, provider="l", preset="p")
    raw = out.enriched.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = etree.fromstring(raw)
    assert root.tag == "DJ_PLAYLISTS" and root.get("Version") == "1.0.0"
    assert dict(root.find("PRODUCT").attrib) == {
        "Name": "rekordbox",
        "Version": "6.8.2",
        "Company": "AlphaTheta",
    }
    collection = root.find("COLLECTION")
    assert collection.get("Entries") == "3"
    assert [t.get("TrackID") for t in collection] == ["101", "102", "104"]

    cafe = tracks_by_id(out.enriched)["101"]
    assert cafe.get("Label") == "My Own Label"  # the user's value is never overwritten
    assert cafe.get("Remixer") == "Three N One, Other"
    assert cafe.get("Mix") == "Three N One Remix"
    assert cafe.get("Genre") == "Trance"
    assert cafe.get("Tonality") == "8A"  # Camelot, like the rest of the file
    assert cafe.get("AverageBpm") == "132.00"
    assert cafe.get("Year") == "1997"
    assert cafe.get("Name") == "Café del Mar"
    assert cafe.get("Comments") == "<keep> & me"
    assert cafe.get("Location") == "file://localhost/Users/dj/Music/Caf%C3%A9%20del%20Mar.mp3"
    children = [(c.tag, dict(c.attrib)) for c in cafe]
    assert children == [
        ("TEMPO", {"Inizio": "0.025", "Bpm": "132.00", "Metro": "4/4", "Battito": "1"}),
        ("TEMPO", {"Inizio": "60.025", "Bpm": "132.50", "Metro": "4/4", "Battito": "2"}),
        (
            "POSITION_MARK",
            {"Name": "Drop", "Type": "0", "Start": "64.025", "Num": "0", "Red": "40",
             "Green": "226", "Blue": "20"},
        ),
        ("POSITION_MARK", {"Name": "", "Type": "4", "Start": "1.0", "End": "9.0", "Num": "-1"}),
    ]  # fmt: skip
    original = etree.parse(str(source)).getroot().find("COLLECTION")
    tagged_before = dict(original[1].attrib)
    assert dict(tracks_by_id(out.enriched)["102"].attrib) == tagged_before  # all user-filled
    bare = tracks_by_id(out.enriched)["104"]
    assert dict(bare.attrib) == dict(original[3].attrib)  # unmatched: untouched


def test_playlist_node_keeps_its_folder_and_drops_dangling_keys(tmp_path, make, source):
    playlist = rekordbox_playlist(make, source, "Sets/Friday", ["101", "102", "999", "104"])
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, [])
    root = etree.parse(str(out)).getroot()
    top = root.find("PLAYLISTS/NODE")
    assert dict(top.attrib) == {"Type": "0", "Name": "ROOT", "Count": "1"}
    (folder,) = list(top)
    assert dict(folder.attrib) == {"Name": "Sets", "Type": "0", "Count": "1"}
    (node,) = list(folder)
    assert dict(node.attrib) == {"Name": "Friday", "Type": "1", "KeyType": "0", "Entries": "3"}
    assert [t.get("Key") for t in node] == ["101", "102", "104"]
    assert root.find("COLLECTION").get("Entries") == "3"


def test_output_looks_like_rekordbox_wrote_it(tmp_path, make, source):
    playlist = rekordbox_playlist(make, source, "Other", ["103"])
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, [])
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[:5] == [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "",
        '<DJ_PLAYLISTS Version="1.0.0">',
        '  <PRODUCT Name="rekordbox" Version="6.8.2" Company="AlphaTheta"/>',
        '  <COLLECTION Entries="1">',
    ]
    assert text.endswith(
        "  <PLAYLISTS>\n"
        '    <NODE Type="0" Name="ROOT" Count="1">\n'
        '      <NODE Name="Other" Type="1" KeyType="0" Entries="1">\n'
        '        <TRACK Key="103"/>\n'
        "      </NODE>\n"
        "    </NODE>\n"
        "  </PLAYLISTS>\n"
        "</DJ_PLAYLISTS>\n"
    )


def test_key_type_1_playlist_references_tracks_by_location(tmp_path, make, source):
    # The reader may give either the TrackID or the Location as source_id.
    playlist = rekordbox_playlist(
        make,
        source,
        "By Location",
        ["file://localhost/C:/Music/bare.mp3", "101"],
        ["C:/Music/bare.mp3", "/Users/dj/Music/Café del Mar.mp3"],
    )
    e0, e1 = playlist.entries
    results = [
        make.matched(e0, catalog_track(make, "c-bare", label="Bare Label", bpm=None)),
        make.matched(e1, catalog_track(make, "c-cafe")),
    ]
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, results)
    root = etree.parse(str(out)).getroot()
    node = root.find("PLAYLISTS/NODE/NODE")
    assert dict(node.attrib) == {
        "Name": "By Location",
        "Type": "1",
        "KeyType": "1",
        "Entries": "2",
    }
    assert [t.get("Key") for t in node] == [
        "file://localhost/C:/Music/bare.mp3",
        "file://localhost/Users/dj/Music/Caf%C3%A9%20del%20Mar.mp3",
    ]
    tracks = tracks_by_id(out)
    assert sorted(tracks) == ["101", "104"]
    assert tracks["104"].get("Label") == "Bare Label"
    assert tracks["104"].get("AverageBpm") == ""  # nothing to fill it with
    assert tracks["104"].get("Year") == "1997"
    assert tracks["101"].get("Genre") == "Trance"


def test_same_name_in_two_folders_picks_the_node_whose_keys_match(tmp_path, make):
    xml = COLLECTION.replace('<NODE Name="Other" Type="1"', '<NODE Name="Friday" Type="1"')
    path = tmp_path / "dup.xml"
    path.write_text(xml, encoding="utf-8")
    playlist = rekordbox_playlist(make, path, "Friday", ["103"])
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, [])
    root = etree.parse(str(out)).getroot()
    assert [t.get("TrackID") for t in root.find("COLLECTION")] == ["103"]
    node = root.find("PLAYLISTS/NODE/NODE")
    assert node.get("Name") == "Friday" and [t.get("Key") for t in node] == ["103"]


def test_unknown_playlist_name_is_rebuilt_from_entry_ids(tmp_path, make, source):
    playlist = rekordbox_playlist(make, source, "Renamed/Since", ["104", "101"])
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, [])
    root = etree.parse(str(out)).getroot()
    folder = root.find("PLAYLISTS/NODE/NODE")
    assert folder.get("Name") == "Renamed" and folder.get("Type") == "0"
    assert [t.get("Key") for t in folder.find("NODE")] == ["104", "101"]
    assert [t.get("TrackID") for t in root.find("COLLECTION")] == ["101", "104"]


def test_notation_follows_the_file_musical_short_default(tmp_path, make, source):
    xml = COLLECTION.replace('Tonality="8A"', 'Tonality=""').replace('Tonality="3B"', 'Tonality=""')
    path = tmp_path / "nokeys.xml"
    path.write_text(xml, encoding="utf-8")
    playlist = rekordbox_playlist(make, path, "Sets/Friday", ["101"])
    results = [make.matched(playlist.entries[0], catalog_track(make, key="F# Minor"))]
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, results)
    assert tracks_by_id(out)["101"].get("Tonality") == "F#m"


@pytest.mark.parametrize(
    "prologue",
    [
        pytest.param('<!DOCTYPE DJ_PLAYLISTS [<!ENTITY x "boom">]>\n', id="entity"),
        pytest.param('<!DOCTYPE DJ_PLAYLISTS SYSTEM "http://example.com/x.dtd">\n', id="dtd"),
    ],
)
def test_hostile_xml_is_refused(tmp_path, make, prologue):
    xml = COLLECTION.replace("\n\n<DJ_PLAYLISTS", "\n" + prologue + "<DJ_PLAYLISTS", 1)
    path = tmp_path / "hostile.xml"
    path.write_text(xml, encoding="utf-8")
    playlist = rekordbox_playlist(make, path, "Other", ["103"])
    out = tmp_path / "enriched.xml"
    with pytest.raises(UnsafeXmlError):
        write_enriched(out, playlist, [])
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_hostile_utf16_xml_is_refused_by_the_parsed_check(tmp_path, make):
    xml = COLLECTION.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace(
        "\n\n<DJ_PLAYLISTS", '\n<!DOCTYPE DJ_PLAYLISTS [<!ENTITY x "y">]>\n<DJ_PLAYLISTS', 1
    )
    path = tmp_path / "utf16.xml"
    path.write_bytes(xml.encode("utf-16"))
    playlist = rekordbox_playlist(make, path, "Other", ["103"])
    with pytest.raises(UnsafeXmlError):
        write_enriched(tmp_path / "enriched.xml", playlist, [])


def test_missing_source_gives_output_error(tmp_path, make, source):
    playlist = rekordbox_playlist(make, source, "Other", ["103"])
    source.unlink()
    with pytest.raises(OutputError, match="cannot read"):
        write_enriched(tmp_path / "enriched.xml", playlist, [])
    assert list(tmp_path.glob("*.tmp")) == []


def test_large_collection_streams_only_the_playlist(tmp_path, make):
    """5,000 tracks in the collection, 3 in the playlist: only those 3 come out."""
    rows = "\n".join(
        f'    <TRACK TrackID="{i}" Name="T{i}" Tonality="Am" Label="">'
        f'<TEMPO Inizio="0" Bpm="120.00" Metro="4/4" Battito="1"/></TRACK>'
        for i in range(5000)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">\n'
        '<PRODUCT Name="rekordbox" Version="7.0.0" Company="AlphaTheta"/>\n'
        f'<COLLECTION Entries="5000">\n{rows}\n</COLLECTION>\n<PLAYLISTS>'
        '<NODE Type="0" Name="ROOT" Count="1"><NODE Name="Three" Type="1" KeyType="0" '
        'Entries="3"><TRACK Key="4999"/><TRACK Key="7"/><TRACK Key="7"/></NODE></NODE>'
        "</PLAYLISTS></DJ_PLAYLISTS>\n"
    )
    path = tmp_path / "big.xml"
    path.write_text(xml, encoding="utf-8")
    playlist = rekordbox_playlist(make, path, "Three", ["4999", "7", "7"])
    results = [make.matched(playlist.entries[1], catalog_track(make, label="L7"))]
    out = tmp_path / "enriched.xml"
    write_enriched(out, playlist, results)
    root = etree.parse(str(out)).getroot()
    assert [t.get("TrackID") for t in root.find("COLLECTION")] == ["7", "4999"]
    assert root.find("COLLECTION").get("Entries") == "2"
    assert [t.get("Key") for t in root.find("PLAYLISTS/NODE/NODE")] == ["4999", "7", "7"]
    assert tracks_by_id(out)["7"].get("Label") == "L7"
    assert tracks_by_id(out)["4999"].get("Label") == ""


def test_broken_source_xml_is_a_parse_error_and_leaves_nothing(tmp_path, make, source):
    source.write_text(COLLECTION.replace("</COLLECTION>", "</COLLECTON>"), encoding="utf-8")
    playlist = rekordbox_playlist(make, source, "Other", ["103"])
    out = tmp_path / "enriched.xml"
    out.write_text("previous")
    with pytest.raises(PlaylistParseError, match="collection.xml: not valid XML"):
        write_enriched(out, playlist, [])
    assert out.read_text() == "previous"
    assert list(tmp_path.glob(".*.tmp")) == []


@pytest.mark.parametrize(
    ("name", "ids"),
    [("Sets/Friday", ["101", "102", "999", "104"]), ("Unknown", ["104", "999", "101"])],
)
def test_trackids_kept_from_the_scan_resolve_like_a_second_read(
    tmp_path, make, source, monkeypatch, name, ids
):
    """The scan keeps the COLLECTION's TrackIDs (up to MAX_TRACK_IDS) so the Keys are
    resolved without reading the collection again; past the cap (here 1) it is read
    again, and the file is the same to the byte (dangling Key 999 dropped either way)."""
    from matcher.outputs import rekordbox_rewrite

    playlist = rekordbox_playlist(make, source, name, ids)
    results = [make.matched(playlist.entries[0], catalog_track(make))]
    write_enriched(tmp_path / "kept.xml", playlist, results)
    monkeypatch.setattr(rekordbox_rewrite, "MAX_TRACK_IDS", 1)
    write_enriched(tmp_path / "read_again.xml", playlist, results)
    kept = (tmp_path / "kept.xml").read_bytes()
    assert kept == (tmp_path / "read_again.xml").read_bytes()
    node = etree.fromstring(kept).find("PLAYLISTS/NODE")
    assert "999" not in [t.get("Key") for t in node.iter("TRACK")]
    assert etree.fromstring(kept).find("COLLECTION").get("Entries") == str(len(ids) - 1)
