"""How entries and catalog tracks are read: who, what, which version, and the numbers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matcher.matching.entry_text import MAX_NAMES, MAX_TEXT, capped_value, in_bounds
from matcher.matching.keys import MusicalKey
from matcher.matching.readings import Reading, read_entry, read_track
from matcher.matching.text import fold
from matcher.matching.versions import NO_VERSION, Version
from matcher.model import CatalogTrack, PlaylistEntry


def entry(**fields: object) -> PlaylistEntry:
    return PlaylistEntry("set.m3u8", "set", 0, **fields)  # type: ignore[arg-type]


# -- who and what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "title", "artists"),
    [
        pytest.param(
            {"title": "Glass Tide", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes",),
            id="plain",
        ),
        pytest.param(
            {"title": "Nova Reyes - Glass Tide"},
            "glass tide",
            ("nova reyes",),
            id="artist-in-title-empty-artist",
        ),
        pytest.param(
            {"title": "Nova Reyes - Glass Tide", "artist": "Various Artists"},
            "glass tide",
            ("nova reyes",),
            id="artist-in-title-generic-artist",
        ),
        pytest.param(
            {"title": "Nova Reyes - Glass Tide", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes",),
            id="artist-in-title-and-field",
        ),
        pytest.param(
            {"title": "Glass Tide (feat. Mira Solen)", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes", "mira solen"),
            id="feat-in-title-brackets",
        ),
        pytest.param(
            {"title": "Glass Tide ft. Mira Solen", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes", "mira solen"),
            id="ft-in-title-bare",
        ),
        pytest.param(
            {"title": "Glass Tide", "artist": "Nova Reyes feat. Mira Solen"},
            "glass tide",
            ("nova reyes", "mira solen"),
            id="feat-in-artist",
        ),
        pytest.param(
            {"title": "Glass Tide", "artist": "Nova Reyes, Mira Solen & Ivo Pratt"},
            "glass tide",
            ("nova reyes", "mira solen", "ivo pratt"),
            id="artist-separators",
        ),
        pytest.param(
            {"title": "8A - Glass Tide", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes",),
            id="mixed-in-key-prefix",
        ),
        pytest.param(
            {"title": "8A - 124 - Glass Tide", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes",),
            id="mixed-in-key-key-and-bpm",
        ),
        pytest.param(
            {"title": "Glass Tide - 6A", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes",),
            id="mixed-in-key-suffix",
        ),
        pytest.param(
            {"title": "03. Glass Tide", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes",),
            id="track-number",
        ),
        pytest.param(
            {"title": "B2 Glass Tide", "artist": "Nova Reyes"},
            "glass tide",
            ("nova reyes",),
            id="vinyl-side-number",
        ),
        pytest.param(
            {"title": "Glass Tide - Night Part", "artist": "Nova Reyes"},
            "glass tide night part",
            ("nova reyes",),
            id="dash-not-the-artist-keeps-title",
        ),
        pytest.param(
            {"title": "Nova Reyes - Glass Tide - Kaito Brenn Remix"},
            "glass tide",
            ("nova reyes",),
            id="artist-title-and-dash-version",
        ),
    ],
)
def test_primary_reading(fields: dict[str, object], title: str, artists: tuple[str, ...]) -> None:
    reading = read_entry(entry(**fields))
    assert reading.primary == Reading(title, artists)
    assert reading.has_artist


@pytest.mark.parametrize("generic", ["Various Artists", "Compilation", "VA", "Unknown Artist"])
def test_generic_artist_is_no_artist_but_kept_as_written(generic: str) -> None:
    reading = read_entry(entry(title="Glass Tide", artist=generic))
    assert reading.primary == Reading("glass tide", ())
    as_written = [r for r in reading.readings if r.artists]
    assert as_written == [Reading("glass tide", (fold(generic),), prior=0.98)]


@pytest.mark.parametrize(
    ("title", "as_written"),
    [
        pytest.param("8A - Glass Tide", "8a glass tide", id="key-prefix"),
        pytest.param("03. Glass Tide", "03 glass tide", id="track-number"),
    ],
)
def test_as_written_reading_keeps_what_cleaning_dropped(title: str, as_written: str) -> None:
    readings = read_entry(entry(title=title, artist="Nova Reyes")).readings
    assert readings[0].title == "glass tide"
    assert Reading(as_written, ("nova reyes",), prior=0.98) in readings


def test_dash_split_adds_a_lower_prior_reading_of_the_right_side() -> None:
    readings = read_entry(entry(title="Glass Tide - Night Part", artist="Nova Reyes")).readings
    assert Reading("night part", ("nova reyes",), prior=0.96) in readings
    assert all(r.prior <= readings[0].prior for r in readings)


def test_readings_are_never_empty() -> None:
    reading = read_entry(entry())
    assert len(reading.readings) == 1
    assert not reading.has_artist


def test_featured_artist_named_twice_is_listed_once() -> None:
    reading = read_entry(
        entry(title="Glass Tide (feat. Mira Solen)", artist="Nova Reyes feat. Mira Solen")
    )
    assert reading.primary.artists == ("nova reyes", "mira solen")


# -- version -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "version_text", "version"),
    [
        pytest.param(
            {"title": "Glass Tide", "mix": "Extended Mix"},
            "Extended Mix",
            Version("original", length="extended"),
            id="mix-field",
        ),
        pytest.param(
            {"title": "Glass Tide (Orrin Vale Remix)"},
            "Orrin Vale Remix",
            Version("named", "orrin vale", "remix"),
            id="round-brackets",
        ),
        pytest.param(
            {"title": "Glass Tide [Orrin Vale Remix]"},
            "Orrin Vale Remix",
            Version("named", "orrin vale", "remix"),
            id="square-brackets",
        ),
        pytest.param(
            {"title": "Glass Tide - Orrin Vale Remix"},
            "Orrin Vale Remix",
            Version("named", "orrin vale", "remix"),
            id="dash-suffix",
        ),
        pytest.param(
            {"title": "Glass Tide (Radio Edit)", "mix": "Extended Mix"},
            "Extended Mix",
            Version("original", length="extended"),
            id="mix-field-wins-over-title",
        ),
        pytest.param(
            {"title": "Glass Tide", "location": "/music/12345678_Glass_Tide_(Extended_Mix).mp3"},
            "Extended Mix",
            Version("original", length="extended"),
            id="beatport-file-name",
        ),
        pytest.param(
            {"title": "Glass Tide", "location": "/music/Nova Reyes - Glass Tide (Dub Mix).mp3"},
            "Dub Mix",
            Version("named", "", "dub"),
            id="artist-title-file-name",
        ),
        pytest.param(
            {"title": "Glass Tide", "location": "D:\\Music\\Glass Tide (Original Mix).flac"},
            "Original Mix",
            Version("original"),
            id="windows-path",
        ),
        pytest.param(
            {"title": "Glass Tide", "location": "/music/Amber Road (Dub Mix).mp3"},
            "",
            NO_VERSION,
            id="file-name-of-another-title-ignored",
        ),
        pytest.param(
            {"title": "Glass Tide (Remix)", "remixer": "Orrin Vale"},
            "Remix",
            Version("named", "orrin vale", "remix"),
            id="remixer-fills-unnamed-remix",
        ),
        pytest.param(
            {"title": "Glass Tide (Kaito Brenn Remix)", "remixer": "Orrin Vale"},
            "Kaito Brenn Remix",
            Version("named", "kaito brenn", "remix"),
            id="remixer-does-not-rename-named-remix",
        ),
        pytest.param({"title": "Glass Tide"}, "", NO_VERSION, id="none"),
    ],
)
def test_version(fields: dict[str, object], version_text: str, version: Version) -> None:
    reading = read_entry(entry(artist="Nova Reyes", **fields))
    assert (reading.version_text, reading.version) == (version_text, version)
    assert reading.primary.title == "glass tide"


def test_title_version_wins_over_file_name() -> None:
    reading = read_entry(
        entry(
            title="Glass Tide (Orrin Vale Remix)",
            artist="Nova Reyes",
            location="/music/12345678_Glass_Tide_(Extended_Mix).mp3",
        )
    )
    assert reading.version == Version("named", "orrin vale", "remix")
    assert reading.store_id == "12345678"


def test_empty_title_is_read_from_the_file_name() -> None:
    reading = read_entry(entry(location="/music/Nova Reyes - Glass Tide (Extended Mix).mp3"))
    assert reading.primary == Reading("glass tide", ("nova reyes",))
    assert reading.version == Version("original", length="extended")


def test_title_that_is_a_beatport_file_name() -> None:
    reading = read_entry(entry(title="12345678_Glass_Tide_(Extended_Mix).mp3"))
    assert reading.primary.title == "glass tide"
    assert reading.version == Version("original", length="extended")


# -- identifiers, label, numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "store_id"),
    [
        pytest.param("/music/12345678_Glass_Tide_(Extended_Mix).mp3", "12345678", id="beatport"),
        pytest.param("C:\\Music\\87654321_Glass Tide_Original Mix.wav", "87654321", id="windows"),
        pytest.param("/music/Nova Reyes - Glass Tide.mp3", "", id="no-id"),
        pytest.param("/music/1234_Glass_Tide.mp3", "", id="too-short"),
        pytest.param("", "", id="no-location"),
    ],
)
def test_store_id_from_location(location: str, store_id: str) -> None:
    reading = read_entry(entry(title="Glass Tide", artist="Nova Reyes", location=location))
    assert reading.store_id == store_id


@pytest.mark.parametrize(
    ("isrc", "expected"),
    [
        pytest.param("USABC1234567", "USABC1234567", id="bare"),
        pytest.param("us-abc-12-34567", "USABC1234567", id="dashes-lowercase"),
        pytest.param("US ABC 12 34567", "USABC1234567", id="spaces"),
        pytest.param("not an isrc", "", id="junk"),
        pytest.param("", "", id="empty"),
    ],
)
def test_isrc_normalised(isrc: str, expected: str) -> None:
    assert read_entry(entry(title="Glass Tide", isrc=isrc)).isrc == expected


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        pytest.param(
            {"comments": "Tidal Records | Purchased at Beatport.com"},
            "tidal records",
            id="beatport-comment",
        ),
        pytest.param(
            {"label": "Deep Shelf", "comments": "Tidal Records | Purchased at Beatport.com"},
            "deep shelf",
            id="label-field-wins",
        ),
        pytest.param({"comments": "great opener"}, "", id="plain-comment"),
        pytest.param({"label": "Déjà Vu Rec."}, "deja vu rec", id="folded"),
    ],
)
def test_label(fields: dict[str, object], label: str) -> None:
    assert read_entry(entry(title="Glass Tide", **fields)).label == label


@pytest.mark.parametrize(
    ("fields", "duration", "bpm"),
    [
        pytest.param({"duration_s": 0.0, "bpm": 0.0}, None, None, id="zeros"),
        pytest.param({"duration_s": -5.0, "bpm": -1.0}, None, None, id="negative"),
        pytest.param({}, None, None, id="absent"),
        pytest.param({"duration_s": 412.5, "bpm": 124.0}, 412.5, 124.0, id="kept"),
    ],
)
def test_numbers(fields: dict[str, object], duration: float | None, bpm: float | None) -> None:
    reading = read_entry(entry(title="Glass Tide", **fields))
    assert (reading.duration_s, reading.bpm) == (duration, bpm)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param("8A", MusicalKey(9, True), id="camelot"),
        pytest.param("Am", MusicalKey(9, True), id="short"),
        pytest.param("A Minor", MusicalKey(9, True), id="musical"),
        pytest.param("1m", MusicalKey(9, True), id="open-key"),
        pytest.param("F#", MusicalKey(6, False), id="major"),
        pytest.param("zz", None, id="junk"),
        pytest.param("", None, id="empty"),
    ],
)
def test_key(key: str, expected: MusicalKey | None) -> None:
    assert read_entry(entry(title="Glass Tide", key=key)).key == expected


def test_album_and_surface() -> None:
    reading = read_entry(entry(title="Glass  Tide (Extended MIX)", album="Shorelines EP"))
    assert reading.album == "shorelines ep"
    assert reading.surface == "glass tide (extended mix)"


# -- catalog tracks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("track", "titles"),
    [
        pytest.param(
            CatalogTrack("1", "Nova Reyes - Glass Tide", artists=("Nova Reyes",)),
            ("nova reyes glass tide", "glass tide"),
            id="own-artist-prefix-split",
        ),
        pytest.param(
            CatalogTrack("1", "Nova Reyes - Glass Tide", artists=("Nova Reyes", "Mira Solen")),
            ("nova reyes glass tide", "glass tide"),
            id="prefix-one-of-the-artists",
        ),
        pytest.param(
            CatalogTrack("1", "Kaito Brenn - Glass Tide", artists=("Nova Reyes",)),
            ("kaito brenn glass tide",),
            id="other-prefix-kept",
        ),
        pytest.param(
            CatalogTrack("1", "Glass Tide (Orrin Vale Remix)", artists=("Nova Reyes",)),
            ("glass tide",),
            id="version-split-off",
        ),
        pytest.param(
            CatalogTrack("1", "Glass Tide (feat. Mira Solen)", artists=("Nova Reyes",)),
            ("glass tide",),
            id="feat-split-off",
        ),
    ],
)
def test_read_track_titles(track: CatalogTrack, titles: tuple[str, ...]) -> None:
    assert read_track(track).titles == titles


def test_read_track_fields() -> None:
    track = CatalogTrack(
        "1",
        "Glass Tide (feat. Mira Solen)",
        mix="Remix",
        artists=("Nova Reyes & Mira Solen",),
        remixers=("Orrin Vale",),
        label="Tidal Records",
        release="Shorelines EP",
        bpm=0.0,
        duration_s=0.0,
        key="A Minor",
    )
    reading = read_track(track)
    assert reading.artists == ("nova reyes", "mira solen")
    assert reading.remixers == ("orrin vale",)
    assert reading.version == Version("named", "orrin vale", "remix")
    assert (reading.bpm, reading.duration_s) == (None, None)
    assert reading.key == MusicalKey(9, True)
    assert (reading.label, reading.release) == ("tidal records", "shorelines ep")


@pytest.mark.parametrize(
    ("mix", "bare_included"),
    [
        pytest.param("", True, id="no-mix"),
        pytest.param("Original Mix", True, id="original-mix"),
        pytest.param("Extended Mix", False, id="extended-mix"),
        pytest.param("Radio Edit", False, id="radio-edit"),
        pytest.param("Orrin Vale Remix", False, id="remix"),
    ],
)
def test_surfaces(mix: str, bare_included: bool) -> None:
    surfaces = read_track(CatalogTrack("1", "Glass Tide", mix=mix)).surfaces
    assert ("glass tide" in surfaces) is bare_included
    if mix:
        low = mix.lower()
        assert {f"glass tide ({low})", f"glass tide - {low}", f"glass tide [{low}]"} <= surfaces


# -- download junk, file-name habits, channels, folders ----------------------------------


@pytest.mark.parametrize(
    ("fields", "title", "artists", "version_text"),
    [
        pytest.param({"title": "16 Bit Lolitas_Nobody Seems To Care_Original Mix"},
                     "nobody seems to care", ("16 bit lolitas",), "Original Mix",
                     id="traktor-artist_title_mix"),
        pytest.param({"title": "Jay Lumen_Gary Beck_Strange Fruit_Original Mix"},
                     "strange fruit", ("jay lumen", "gary beck"), "Original Mix",
                     id="artists_title_mix"),
        pytest.param({"title": "Audiofly_Formula Juan_Original Mix",
                      "location": "E:/Beatport/Audiofly_Formula Juan_Original Mix.wav"},
                     "formula juan", ("audiofly",), "Original Mix", id="title-is-the-file-name"),
        pytest.param({"title": "Nova Reyes_Glass Tide_Original Mix", "artist": "Nova Reyes"},
                     "glass tide", ("nova reyes",), "Original Mix",
                     id="underscore-fields-agreeing-with-the-artist"),
        pytest.param({"title": "The Prayer_Silent Witness Rmx_Instrumental",
                      "artist": "Bloc Party"},
                     "the prayer silent witness rmx", ("bloc party",), "Instrumental",
                     id="underscores-not-fields-when-the-artist-differs"),
        pytest.param({"title": "Mefjus - Void Man Void VIP"}, "void man void vip",
                     ("mefjus",), "", id="artist-dash-title-ending-in-a-version-word"),
        pytest.param({"title": "WARLORD - DIVORCE DUB SECRET NOSHARE V7"},
                     "divorce dub secret noshare v7", ("warlord",), "",
                     id="artist-dash-title-with-dub-in-it"),
        pytest.param({"title": "Calyx - Are you ready (Hive & Gridlok Remix)"},
                     "are you ready", ("calyx",), "Hive & Gridlok Remix",
                     id="artist-dash-title-bracket-version"),
        pytest.param({"title": "Glass Tide - Original Mix"}, "glass tide", (), "Original Mix",
                     id="title-dash-bare-version-stays"),
        pytest.param({"title": "Glass Tide - Dub"}, "glass tide", (), "Dub",
                     id="title-dash-bare-kind-stays"),
        pytest.param({"title": "2-11 All the Things She Said"}, "all the things she said", (),
                     "", id="disc-track-number"),
        pytest.param({"title": "05 Suddenly (Dave Darell Vocal Mix)", "artist": "BT"},
                     "suddenly", ("bt",), "Dave Darell Vocal Mix", id="track-number-and-mix"),
        pytest.param({"title": "A1. Glass Tide", "artist": "Nova Reyes"}, "glass tide",
                     ("nova reyes",), "", id="vinyl-side-dot"),
        pytest.param({"title": "Block & Crown - Carribean Queen (Original Mix) [www.slider.kz]"},
                     "carribean queen", ("block", "crown"), "Original Mix",
                     id="site-after-artist-dash-title"),
        pytest.param({"title": "Glass Tide (Official Video)", "artist": "Nova Reyes"},
                     "glass tide", ("nova reyes",), "", id="official-video"),
        pytest.param({"title": "Glass Tide (Extended Mix) (Lyrics)", "artist": "Nova Reyes"},
                     "glass tide", ("nova reyes",), "Extended Mix", id="lyrics-after-the-mix"),
        pytest.param({"title": "Glass Tide - Copy", "artist": "Nova Reyes"}, "glass tide",
                     ("nova reyes",), "", id="copy"),
        pytest.param({"title": "Nova Reyes - Glass Tide (1)"}, "glass tide", ("nova reyes",), "",
                     id="browser-duplicate"),
        pytest.param({"title": "Glass Tide RedMusic.pl", "artist": "Nova Reyes"}, "glass tide",
                     ("nova reyes",), "", id="site-name"),
    ],
)  # fmt: skip
def test_file_name_habits_and_junk(
    fields: dict[str, object], title: str, artists: tuple[str, ...], version_text: str
) -> None:
    reading = read_entry(entry(**fields))
    assert (reading.primary.title, reading.primary.artists) == (title, artists)
    assert reading.version_text == version_text


@pytest.mark.parametrize(
    ("artist", "title", "names"),
    [
        pytest.param("CalvinHarrisVEVO", "Summer", ("calvin harris",), id="vevo"),
        pytest.param("Calvin Harris - Topic", "Summer", ("calvin harris",), id="topic"),
        pytest.param("Major Lazer Official", "Lean On", ("major lazer",), id="official"),
        pytest.param("@aviciivevo", "Avicii - Wake Me Up (Official Lyric Video)", ("avicii",),
                     id="channel-and-artist-in-title"),
    ],
)  # fmt: skip
def test_channel_names_read_as_their_artist(
    artist: str, title: str, names: tuple[str, ...]
) -> None:
    reading = read_entry(entry(title=title, artist=artist))
    assert reading.primary.artists == names
    assert reading.primary.source == "channel"
    assert any(r.artists == (fold(artist),) for r in reading.readings)  # as written, too
    assert reading.has_artist


def test_a_download_site_in_the_artist_field_is_no_artist() -> None:
    reading = read_entry(entry(
        title="Nora En Pure - Come With Me (Original Mix)", artist="www.electronicfresh.com"
    ))  # fmt: skip
    assert reading.primary == Reading("come with me", ("nora en pure",))
    assert reading.version.is_original


def test_folder_names_the_artist_of_an_untagged_file() -> None:
    reading = read_entry(entry(title="2-11 All the Things She Said", location=(
        "/Users/dj/Music/iTunes/iTunes Music/Simple Minds/Celebrate/"
        "2-11 All the Things She Said.m4a")))  # fmt: skip
    assert reading.primary == Reading("all the things she said", ())
    folder = reading.readings[1]
    assert folder == Reading("all the things she said", ("simple minds",), source="folder")
    assert not reading.has_artist  # a folder's name is a guess, not the entry's word


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"title": "All the Things She Said", "artist": "t.A.T.u.",
                      "location": "/Music/Simple Minds/Celebrate/2-11 Something Else.m4a"},
                     id="tagged"),
        pytest.param({"title": "Simple Minds - Alive",
                      "location": "/Music/Simple Minds/Celebrate/2-11 Alive.m4a"},
                     id="artist-in-title"),
        pytest.param({"title": "Alive", "location": "/Music/Downloads/Sets/02 Alive.m4a"},
                     id="generic-folder"),
    ],
)  # fmt: skip
def test_no_folder_reading(fields: dict[str, object]) -> None:
    assert all(r.source != "folder" for r in read_entry(entry(**fields)).readings)


def test_file_name_reading_when_the_tags_say_otherwise() -> None:
    reading = read_entry(entry(title="THE M MACHINE - TAFALGAR", location=(
        "/Unknown Album/The_M_Machine_-_Trafalgar_(Original_Mix).aiff")))  # fmt: skip
    assert reading.primary == Reading("tafalgar", ("the m machine",))
    assert Reading("trafalgar", ("the m machine",), prior=0.97, source="file") in reading.readings
    assert reading.readings[1].source == "file"  # second: the plan asks for it


def test_no_file_name_reading_when_it_agrees() -> None:
    reading = read_entry(
        entry(
            title="Glass Tide",
            artist="Nova Reyes",
            location="/music/Nova Reyes - Glass Tide (Extended Mix).mp3",
        )
    )
    assert all(r.source == "tags" for r in reading.readings)


# -- bounds ------------------------------------------------------------------------------

_LONG = "x" * (MAX_TEXT + 1)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "a" * MAX_TEXT,
        _LONG,
        (),
        ("a",) * MAX_NAMES,
        ("a",) * (MAX_NAMES + 1),
        ("a", "b" * MAX_TEXT),
        ("a", _LONG),
        (1, 2),
        None,
        128.0,
        7,
    ],
)
def test_in_bounds_says_whether_capped_value_keeps_a_value(value: object) -> None:
    kept = capped_value(value) is value
    assert in_bounds([value]) is kept
    assert in_bounds(["short", value, None]) is kept


def test_over_long_fields_read_as_their_first_characters() -> None:
    head = "Glass Tide " + "x" * (MAX_TEXT - 11)
    assert read_entry(entry(title=head + "yyyy", artist="Nova Reyes")) == read_entry(
        entry(title=head, artist="Nova Reyes")
    )
    names = tuple(f"Artist {i}" for i in range(MAX_NAMES))
    track = CatalogTrack("1", head, artists=names)
    assert read_track(replace(track, title=head + "yyyy", artists=(*names, "More"))) == (
        read_track(track)
    )
