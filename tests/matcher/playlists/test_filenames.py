from __future__ import annotations

import pytest

from matcher.playlists.filenames import FileNameInfo, file_stem, parse_filename

CASES = [
    pytest.param(
        "Artist - Title (Extended Mix).mp3",
        FileNameInfo("Artist", "Title (Extended Mix)"),
        id="artist-dash-title",
    ),
    pytest.param(
        "01 Artist - Title.mp3", FileNameInfo("Artist", "Title", track_number=1), id="track-no"
    ),
    pytest.param("01. Title.mp3", FileNameInfo(title="Title", track_number=1), id="track-dot"),
    pytest.param(
        "07 - Title.flac", FileNameInfo(title="Title", track_number=7), id="track-dash-title"
    ),
    pytest.param(
        "1-01 Reflektor.m4a", FileNameInfo(title="Reflektor", track_number=1), id="disc-track"
    ),
    pytest.param(
        "Artist_-_Title_(Original_Mix).mp3",
        FileNameInfo("Artist", "Title (Original Mix)"),
        id="underscores-as-spaces",
    ),
    pytest.param(
        "12345678_Title_(Original_Mix).mp3",
        FileNameInfo(title="Title (Original Mix)", beatport_id="12345678"),
        id="beatport-brackets",
    ),
    pytest.param(
        "12345678_Title_Original Mix.mp3",
        FileNameInfo(title="Title (Original Mix)", beatport_id="12345678"),
        id="beatport-underscore-mix",
    ),
    pytest.param(
        "3371709_Beautiful Life_Original Mix.aiff",
        FileNameInfo(title="Beautiful Life (Original Mix)", beatport_id="3371709"),
        id="beatport-7-digits-spaces",
    ),
    pytest.param(
        "3026830_Poison_Original_Mix.mp3",
        FileNameInfo(title="Poison (Original Mix)", beatport_id="3026830"),
        id="beatport-all-underscores",
    ),
    pytest.param(
        "123456789_Artist - Title (Dub Mix).wav",
        FileNameInfo("Artist", "Title (Dub Mix)", beatport_id="123456789"),
        id="beatport-id-then-artist",
    ),
    pytest.param(
        "16 Bit Lolitas_Nobody Seems To Care_Original Mix.wav",
        FileNameInfo("16 Bit Lolitas", "Nobody Seems To Care (Original Mix)"),
        id="beatport-legacy-artist-title-mix",
    ),
    pytest.param(
        "Danny Serrano_Gonzalo Spain_Fantastique_Mihalis Safras Remix.wav",
        FileNameInfo("Danny Serrano, Gonzalo Spain", "Fantastique (Mihalis Safras Remix)"),
        id="beatport-legacy-artists-each-a-field",
    ),
    pytest.param(
        "One Two_Three_Four_Five Six.wav",
        FileNameInfo(title="One Two_Three_Four_Five Six"),
        id="many-fields-without-a-version-not-guessed",
    ),
    pytest.param(
        "/Users/dj/Music/Artist - Song.mp3", FileNameInfo("Artist", "Song"), id="posix-path"
    ),
    pytest.param(
        r"C:\Users\dj\Music\Artist - Song.mp3", FileNameInfo("Artist", "Song"), id="windows-path"
    ),
    pytest.param(
        "D:/Music\\Mixed/Artist - Song.mp3", FileNameInfo("Artist", "Song"), id="mixed-separators"
    ),
    pytest.param(
        "Bass Bumpers - The M.E.L.L.O..mp3",
        FileNameInfo("Bass Bumpers", "The M.E.L.L.O."),
        id="dots-before-extension",
    ),
    pytest.param("Artist - Mr. X", FileNameInfo("Artist", "Mr. X"), id="no-extension"),
    pytest.param(
        "AA_ArtificialIntelligence.stem.mp4",
        FileNameInfo(title="AA ArtificialIntelligence"),
        id="stem-extension",
    ),
    pytest.param(
        "50 Cent - In Da Club.mp3", FileNameInfo("50 Cent", "In Da Club"), id="digits-in-artist"
    ),
    pytest.param(
        "808 State - Pacific.mp3", FileNameInfo("808 State", "Pacific"), id="three-digit-artist"
    ),
    pytest.param("Artist – Title.mp3", FileNameInfo("Artist", "Title"), id="en-dash"),
    pytest.param("Title Only.MP3", FileNameInfo(title="Title Only"), id="upper-extension"),
    pytest.param("", FileNameInfo(), id="empty"),
    pytest.param("folder/", FileNameInfo(), id="no-file-name"),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_parse_filename(name: str, expected: FileNameInfo) -> None:
    assert parse_filename(name) == expected


def test_result_is_frozen() -> None:
    info = parse_filename("Artist - Title.mp3")
    with pytest.raises(AttributeError):
        info.title = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("location", "stem"),
    [
        pytest.param("E:/Beatport/Artist_Title_Original Mix.wav", "Artist_Title_Original Mix",
                     id="traktor-path"),
        pytest.param(r"C:\Music\Artist - Title.MP3", "Artist - Title", id="windows"),
        pytest.param("Artist - Title (Mr. X Remix)", "Artist - Title (Mr. X Remix)",
                     id="no-extension-kept-whole"),
        pytest.param("notes.txt", "notes.txt", id="not-an-audio-extension"),
        pytest.param("Music/x.stem.mp4", "x", id="stem-file"),
        pytest.param("Music/.stem.mp4", ".stem.mp4", id="nothing-before-the-extension"),
        pytest.param("a.b.MP3", "a.b", id="dots-in-the-name"),
        pytest.param("name.mp3 ", "name", id="trailing-space"),
        pytest.param("a.mp3x", "a.mp3x", id="longer-extension"),
        pytest.param("a.\uff2dp3", "a.\uff2dp3", id="full-width-letter-is-no-extension"),
    ],
)  # fmt: skip
def test_file_stem(location: str, stem: str) -> None:
    assert file_stem(location) == stem
