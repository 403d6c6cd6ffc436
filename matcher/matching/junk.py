"""What download sites, video sites and file managers add to titles and artists.

    Night Drive [www.slider.kz]              a download site, in brackets or at the end
    Night Drive RedMusic.pl                  (www.my-free-mp3.net, [formp3life.ru], ...)
    Night Drive (Official HD Video)          a video site's words, in brackets, after a
    Night Drive - Official Video             dash, or trailing (two words or more)
    Night Drive [HQ] (Lyrics)
    Night Drive - Copy, Night Drive (1)      a file copied or downloaded twice
    Night Drive #DeepHouse ↪                 hashtags and symbols at the end

and the channel a video or streaming site files a track under, which exports keep as
its artist: "CalvinHarrisVEVO", "Calvin Harris - Topic", "Ibrahim Maalouf Official".

Pure functions over one string. Words that may be part of a title ("Official Remix",
"Unofficial VIP", "(Full Version)") are kept: only groups made of nothing but
video-site words, with at least one word no song title would end with, are junk.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["channel_artist", "is_site_name", "strip_junk"]

# Words a video or download site adds; a junk group needs at least one of them ...
_STRONG = frozenset(
    """official officiel oficial video videoclip clip audio lyric lyrics letra hd hq 4k 8k
    1080p 720p visualizer visualiser download dl mp3 320kbps kbps premiere""".split()
)
# ... and may hold these besides.
_WEAK = frozenset("music musical free out now with full song new high quality only".split())
_TLD = (
    r"(?:com|net|org|info|ru|pl|kz|ua|by|su|fm|biz|tv|hu|cz|lt|lv|ee|eu|uk|de|fr|nl|es|"
    r"ro|bg|xyz|top|club|online|site|pro|mobi|ws|am|uz|cc|io|to|me)"
)
_SITE = rf"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.{_TLD}(?:/\S*)?"
_SITE_IN_BRACKETS = re.compile(rf"\s*[(\[]\s*{_SITE}\s*[)\]]", re.I)
# at the end: anything after "www." or "http", or a site's name after a space or a dash
_SITE_AT_END = re.compile(
    rf"\s*[-–|]?\s*(?:(?:https?://|www\.)\S+|vk\.com\S*|(?<=[\s-]){_SITE})\s*$", re.I
)
# the older list of site and shop words, at the end only
_TAG_AT_END = re.compile(
    r"\s*[-–|]?\s*[(\[]?\s*\b(?:free\s*(?:download|dl)|free|out\s*now|buy\s*=\s*free\s*download|"
    r"myfreemp3|mp3\s*(?:juices|clan)|zippyshare|promo(?:\s*only)?|clean|dirty|explicit|"
    r"hq|hd|official(?:\s*(?:audio|video))?|320\s*kbps|320|purchased\s*at\s*beatport(?:\.com)?)\s*[)\]]?\s*$",
    re.I,
)
# The last characters of _TAG_AT_END's words: a title whose end (a closing bracket and
# spaces aside) is none of them holds no such tag, and the costly search is skipped. The
# table folds case as the search's IGNORECASE does ("ı" and "İ" match "i", "ſ" "s", the
# Kelvin sign "k"), so the check never skips a title the search would change.
_TAG_ENDINGS = (
    "download", "dl", "free", "now", "mp3", "juices", "clan", "zippyshare", "promo", "only",
    "clean", "dirty", "explicit", "hq", "hd", "official", "audio", "video", "kbps", "320",
    "beatport", "com",
)  # fmt: skip
_AS_IGNORECASE = str.maketrans({"ı": "i", "İ": "i", "ſ": "s", "\u212a": "k"})
_GROUP = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]")
_DASH_TAIL = re.compile(r"\s+[-–—|]\s*([^-–—|]+)$")
_COPY = re.compile(r"\s+-\s+copy(?:\s*\(\d+\))?\s*$|\s*\(\d\)\s*$|^copy of\s+", re.I)
_HASHTAGS = re.compile(r"(?:\s+#[^\W\d_]\w*)+\s*$")
_SYMBOLS = re.compile(r"[\s\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff|~•·*]+$")
_WORD = re.compile(r"[\w']+")


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _junk_word(word: str) -> bool:
    return word in _STRONG or word in _WEAK or word.isdigit()


def _is_junk(words: list[str]) -> bool:
    return any(w in _STRONG for w in words) and all(_junk_word(w) for w in words)


@lru_cache(maxsize=4096)
def _junk_token(token: str) -> bool:
    """Whether a space-free token holds only junk words (cached: the last words of titles,
    "Mix)", "Remix)", repeat)."""
    return all(_junk_word(w) for w in _words(token))


@lru_cache(maxsize=4096)
def _junk_text(text: str) -> bool:
    """Whether a bracket group's or a dash tail's text is junk (cached: "Original Mix"
    comes back title after title)."""
    return _is_junk(_words(text))


def _drop_groups(title: str) -> str:
    return _GROUP.sub(lambda m: "" if _junk_text(m.group(1)) else m.group(0), title)


def _drop_tail(title: str) -> str:
    """Junk words after a dash ("- Official Video"), or two and more trailing ones."""
    dashed = "-" in title or "–" in title or "—" in title or "|" in title
    m = _DASH_TAIL.search(title) if dashed else None
    if m and _junk_text(m.group(1)) and title[: m.start()].strip():
        return title[: m.start()]
    last = title.rsplit(None, 1)[-1:]  # most titles end in a word no site adds
    if not last or not _junk_token(last[0]):
        return title
    words = title.split()
    cut = len(words)
    while cut > 1 and _junk_token(words[cut - 1]):
        cut -= 1
    tail = _words(" ".join(words[cut:]))
    return " ".join(words[:cut]) if len(tail) >= 2 and _is_junk(tail) else title


def _may_mark_copy(title: str) -> bool:
    """Whether _COPY can match: "copy" is in the title, or it ends in "(N)"."""
    return "copy" in title.lower() or title.rstrip()[-3:-2] == "("


def _may_end_in_site(title: str) -> bool:
    """Whether _SITE_AT_END can match: a site's address holds no space and has a "." or
    "://", so it is in the last word."""
    words = title.rsplit(None, 1)
    return bool(words) and ("." in words[-1] or ":" in words[-1])


def _may_end_in_tag(title: str) -> bool:
    """Whether _TAG_AT_END can match: the title ends with one of its words."""
    tail = title.rstrip()
    if tail.endswith((")", "]")):
        tail = tail[:-1].rstrip()
    tail = tail[-12:]
    if not tail.isascii():
        tail = tail.translate(_AS_IGNORECASE)
    return tail.lower().endswith(_TAG_ENDINGS)


@lru_cache(maxsize=32768)
def strip_junk(title: str) -> str:
    """The title without download-site and video-site junk and copy marks; the title as
    it was when nothing else would be left."""
    t = title
    for _ in range(4):
        before = t
        if "." in t:
            if "(" in t or "[" in t:
                t = _SITE_IN_BRACKETS.sub("", t)
            if _may_end_in_site(t):
                t = _SITE_AT_END.sub("", t)
        if _may_end_in_tag(t):
            t = _TAG_AT_END.sub("", t)
        if _may_mark_copy(t):
            t = _COPY.sub("", t)
        if "#" in t:
            t = _HASHTAGS.sub("", t)
        # a run of symbols at the end ends in one: a look at the last character first
        if t and not t[-1].isalnum() and _SYMBOLS.match(t, len(t) - 1):
            t = _SYMBOLS.sub("", t)
        if "(" in t or "[" in t:
            t = _drop_groups(t)
        t = _drop_tail(t)
        if t == before:
            break
    return t.strip() if t.strip() else title


# "CalvinHarrisVEVO", "Calvin Harris - Topic", "EyalGolanOfficial", "@aviciivevo",
# "Major Lazer Official", "CalvinHarrisMusic"
_CHANNEL = re.compile(
    r"^@?(?P<name>.+?)(?:\s+-\s+topic|\s*vevo|\s*official|(?<=[a-z])music)\s*$", re.I
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=8192)
def channel_artist(artist: str) -> str:
    """The artist a video or streaming channel name stands for ("" when the name is not
    a channel's): the suffix dropped, a name run together split at its capitals."""
    m = _CHANNEL.match(artist.strip())
    if not m:
        return ""
    name = m.group("name").strip(" -_")
    if " " not in name and not name.isupper():
        name = _CAMEL.sub(" ", name)
    return name if any(ch.isalpha() for ch in name) else ""


# A whole field that is a web address: "www." or "http" first, or a download site's usual
# domain ending; not every two-letter ending, so "will.i.am" stays an artist.
_WHOLE_SITE = re.compile(
    r"\s*(?:(?:https?://|www\.)\S+|[\w-]+(?:\.[\w-]+)*\."
    r"(?:com|net|org|info|ru|pl|kz|ua|by|su|biz|xyz|top|club|online|site))\s*",
    re.I,
)


def is_site_name(text: str) -> bool:
    """Whether a field holds only a web address ("www.electronicfresh.com"): download
    sites write their own name into the artist tag."""
    if "." not in text and ":" not in text:  # an address has a "." or "://"
        return False
    return _WHOLE_SITE.fullmatch(text) is not None
