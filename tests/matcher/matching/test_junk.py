"""Download-site, video-site and file-manager junk, and channel names as artists: cases
written the way real libraries hold them."""

from __future__ import annotations

import pytest

from matcher.matching.junk import channel_artist, is_site_name, strip_junk


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("Night Drive www.my-free-mp3.net", "Night Drive", id="site-at-end"),
        pytest.param("Night Drive www.my-free-mp3.net ", "Night Drive", id="site-trailing-space"),
        pytest.param("Night Drive [formp3life.ru]", "Night Drive", id="site-in-brackets"),
        pytest.param("Night Drive RedMusic.pl", "Night Drive", id="bare-site-name"),
        pytest.param(
            "Night Drive (Extended Mix) [www.slider.kz]", "Night Drive (Extended Mix)",
            id="site-after-the-version",
        ),
        pytest.param(
            "Night Drive (Extended Mix) ↪ vk.comretroremixes [www.slider.kz]",
            "Night Drive (Extended Mix)", id="two-sites-and-an-arrow",
        ),
        pytest.param("Night Drive (online-audio-converter.com)_pn", "Night Drive_pn",
                     id="converter-site-mid-title"),
        pytest.param("Night Drive (Official Video)", "Night Drive", id="official-video"),
        pytest.param("Night Drive (Official HD Video)", "Night Drive", id="official-hd-video"),
        pytest.param("Night Drive [Official Music Video]", "Night Drive", id="music-video"),
        pytest.param("Night Drive (Official Lyric Video)", "Night Drive", id="lyric-video"),
        pytest.param("Night Drive (Lyrics)", "Night Drive", id="lyrics"),
        pytest.param("Night Drive [HQ]", "Night Drive", id="hq"),
        pytest.param("Night Drive - Official Video", "Night Drive", id="after-a-dash"),
        pytest.param("Night Drive Remix Official Video 1", "Night Drive Remix",
                     id="trailing-words-and-copy-number"),
        pytest.param("Night Drive [Official Video] (2)", "Night Drive", id="video-and-copy"),
        pytest.param("Night Drive - Copy", "Night Drive", id="windows-copy"),
        pytest.param("Night Drive - Copy (2)", "Night Drive", id="windows-second-copy"),
        pytest.param("NIGHT DRIVE - COPY", "NIGHT DRIVE", id="copy-in-capitals"),
        pytest.param("COPY OF NIGHT DRIVE", "NIGHT DRIVE", id="copy-of-in-capitals"),
        pytest.param("Night Drive (1)", "Night Drive", id="browser-duplicate"),
        pytest.param("Night Drive #DeepHouse #Chill", "Night Drive", id="hashtags"),
        pytest.param("Night Drive (Lyrics) 🎵", "Night Drive", id="emoji"),
        pytest.param("Night Drive (FREE DOWNLOAD)", "Night Drive", id="free-download"),
        pytest.param("Night Drive (Out Now)", "Night Drive", id="out-now"),
        pytest.param("Night Drive - www.someblog.com", "Night Drive", id="url-after-dash"),
        # kept: versions and words that belong to titles
        pytest.param("Angels (Shadow Child Unofficial VIP)", "Angels (Shadow Child Unofficial VIP)",
                     id="unofficial-vip-is-a-version"),
        pytest.param("Ahava-Official Remix", "Ahava-Official Remix", id="official-remix"),
        pytest.param("Night Drive (Full Version)", "Night Drive (Full Version)",
                     id="full-version-is-a-version"),
        pytest.param("Night Drive (Free)", "Night Drive", id="free-alone-at-the-end"),
        pytest.param("(Free) Night Drive", "(Free) Night Drive", id="weak-word-alone-kept"),
        pytest.param("D.I.S.C.O. (English Version)", "D.I.S.C.O. (English Version)",
                     id="dots-are-not-a-site"),
        pytest.param("Mr. Brightside", "Mr. Brightside", id="abbreviation"),
        pytest.param("Music Sounds Better With You", "Music Sounds Better With You",
                     id="weak-words-in-a-title"),
        pytest.param("Official", "Official", id="nothing-left-keeps-the-title"),
        pytest.param("www.slider.kz", "www.slider.kz", id="only-a-site-keeps-it"),
    ],
)  # fmt: skip
def test_strip_junk(raw: str, clean: str) -> None:
    assert strip_junk(raw) == clean


@pytest.mark.parametrize(
    ("channel", "artist"),
    [
        pytest.param("CalvinHarrisVEVO", "Calvin Harris", id="vevo-run-together"),
        pytest.param("@aviciivevo", "avicii", id="handle-lowercase"),
        pytest.param("Calvin Harris - Topic", "Calvin Harris", id="topic"),
        pytest.param("Ibrahim Maalouf Official", "Ibrahim Maalouf", id="official"),
        pytest.param("EyalGolanOfficial", "Eyal Golan", id="official-run-together"),
        pytest.param("DJGalMalkaOfficial", "DJ Gal Malka", id="capitals-split-after-dj"),
        pytest.param("CalvinHarrisMusic", "Calvin Harris", id="music-run-together"),
        pytest.param("Calvin Harris", "", id="a-plain-name"),
        pytest.param("Pizza Music", "", id="separate-music-word-kept"),
        pytest.param("deadmau5", "", id="lowercase-name"),
        pytest.param("VEVO", "", id="only-the-suffix"),
        pytest.param("", "", id="empty"),
    ],
)
def test_channel_artist(channel: str, artist: str) -> None:
    assert channel_artist(channel) == artist


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("ADHD", id="hd-inside-a-word"),
        pytest.param("Carefree", id="free-inside-a-word"),
        pytest.param("Unclean", id="clean-inside-a-word"),
        pytest.param("Murderer320", id="bitrate-glued-to-the-title"),
        pytest.param("Trap #1", id="a-number-is-no-hashtag"),
    ],
)
def test_words_are_cut_whole(title: str) -> None:
    assert strip_junk(title) == title


@pytest.mark.parametrize(
    ("field", "site"),
    [
        ("www.electronicfresh.com", True),
        ("electronicfresh.com", True),
        ("http://dl.example.net/x", True),
        ("slider.kz", True),
        ("will.i.am", False),  # an artist, although ".am" is a country's domain
        ("Mr. Oizo", False),
        ("Bro.Safari", False),
        ("", False),
    ],
)
def test_is_site_name(field: str, site: bool) -> None:
    assert is_site_name(field) is site


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param("Night Drive FREE DOWNLOAD", "Night Drive", id="upper-case-tag"),
        # the tag words are matched ignoring case as Python's regex does, where "ı" and "İ"
        # are an "i" and "ſ" an "s": the quick look at a title's end must read them so too
        pytest.param("Night Drive (Offıcıal Vıdeo)", "Night Drive", id="dotless-i"),
        pytest.param("Night Drive 320 kbpſ", "Night Drive", id="long-s"),
        pytest.param("Night Drive (2)", "Night Drive", id="copy-number-after-a-bracket"),
        pytest.param("Night Drive ★", "Night Drive", id="symbol-at-the-end"),
        pytest.param("Night Drive (Original Mix)", "Night Drive (Original Mix)", id="no-junk"),
    ],
)
def test_tags_at_the_end_in_any_case(raw: str, clean: str) -> None:
    assert strip_junk(raw) == clean


def test_an_address_without_a_dot_is_a_site() -> None:
    assert is_site_name("http://localhost") is True
    assert is_site_name("Will") is False
