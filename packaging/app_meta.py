"""What the packaged app says about itself: names, version, file types, per-OS metadata.

One module read by the PyInstaller spec and by build.py, so the executable's name, the
macOS bundle's Info.plist, the Windows version resource and the Linux .desktop file
cannot disagree. Pure data and pure functions: no PyInstaller import, so tests check it
without a build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "APP_NAME",
    "BUNDLE_ID",
    "DOCUMENT_TYPES",
    "ONEDIR_NAME",
    "ONEFILE_NAME",
    "DocumentType",
    "data_files",
    "info_plist",
    "read_version",
    "version_tuple",
    "windows_version_info",
]

APP_NAME = "CrateMatch"  # the window's title, the .app, the one-folder executable
ONEFILE_NAME = "cratematch"  # dist/cratematch(.exe): CLI and window in one file
# Not "CrateMatch": on the case-insensitive file systems of macOS and Windows a folder
# of that name would clash with the one-file `cratematch`.
ONEDIR_NAME = "CrateMatch-app"
BUNDLE_ID = "org.cratematch.CrateMatch"
DESCRIPTION = "Match DJ playlists against a music catalog"
COPYRIGHT = "Copyright (c) CrateMatch authors"

ROOT = Path(__file__).resolve().parents[1]
DEMO_SUFFIXES = (".csv", ".xml", ".m3u", ".m3u8", ".nml")


@dataclass(frozen=True, slots=True)
class DocumentType:
    """A kind of file the app opens, as each OS wants it described."""

    name: str
    extensions: tuple[str, ...]
    mime_types: tuple[str, ...]
    utis: tuple[str, ...] = ()  # macOS system type ids; none for a type macOS lacks


DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("Rekordbox XML collection", ("xml",), ("application/xml", "text/xml"),
                 ("public.xml",)),
    DocumentType("M3U playlist", ("m3u", "m3u8"),
                 ("audio/x-mpegurl", "audio/mpegurl", "application/vnd.apple.mpegurl",
                  "application/x-mpegurl"),
                 ("public.m3u-playlist",)),
    DocumentType("CSV playlist", ("csv",), ("text/csv",), ("public.comma-separated-values-text",)),
    # Traktor's NML has no registered type: macOS matches it by extension, Linux
    # recognises its XML content as application/xml.
    DocumentType("Traktor NML collection", ("nml",), ()),
)  # fmt: skip


def read_version(root: Path = ROOT) -> str:
    """The package version, read from matcher/__init__.py without importing it."""
    text = (root / "matcher" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if not found:
        raise ValueError("no __version__ in matcher/__init__.py")
    return found.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """The four numbers a Windows version resource holds: "1.2.3rc1" -> (1, 2, 3, 0)."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    return (*numbers, *[0] * (4 - len(numbers)))  # type: ignore[return-value]


def data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source, folder in the bundle) for the files the frozen app reads at run time:
    the demo (with expected.csv, for --self-test), the fitted scoring model and the
    window's images, if any."""
    demo = root / "matcher" / "demo"
    files = [
        (p, "matcher/demo") for p in sorted(demo.iterdir()) if p.suffix.lower() in DEMO_SUFFIXES
    ]
    files.append((root / "matcher" / "matching" / "scorer_model.json", "matcher/matching"))
    assets = root / "ui" / "assets"
    if assets.is_dir():
        files += [(p, "ui/assets") for p in sorted(assets.iterdir()) if p.suffix.lower() == ".png"]
    return [(str(p), dest) for p, dest in files]


def info_plist(version: str) -> dict[str, object]:
    """macOS Info.plist keys; PyInstaller's BUNDLE adds the executable and icon names."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        "NSHumanReadableCopyright": COPYRIGHT,
        "LSApplicationCategoryType": "public.app-category.music",
        "CFBundleDocumentTypes": [_document_type(t) for t in DOCUMENT_TYPES],
    }


def _document_type(doc: DocumentType) -> dict[str, object]:
    entry: dict[str, object] = {
        "CFBundleTypeName": doc.name,
        "CFBundleTypeRole": "Viewer",
        "LSHandlerRank": "Alternate",  # offered in "Open With", never the default
        "CFBundleTypeExtensions": list(doc.extensions),
    }
    if doc.mime_types:
        entry["CFBundleTypeMIMETypes"] = list(doc.mime_types)
    if doc.utis:
        entry["LSItemContentTypes"] = list(doc.utis)
    return entry


def windows_version_info(version: str, exe_name: str) -> str:
    """A PyInstaller version file (the text form of VSVersionInfo) for `exe_name`."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": APP_NAME,
        "FileDescription": f"{APP_NAME}: {DESCRIPTION}",
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    string_structs = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [{string_structs}])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
