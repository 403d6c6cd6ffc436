"""The local catalog: an SQLite + FTS5 database and the importers that fill it.

store.py       CatalogStore: open, upsert, search (FTS5 MATCH), by_id / by_isrc
schema.py      the file's tables and statements, and how a reader connects
grams.py       the trigram index: candidates through a typo
words.py       the words' row counts: what a word query may cost, bounded
word_counts.py WordCounts: what a connection has asked the index of its words, remembered
importers.py   read_catalog_source: catalog CSV (.gz), Rekordbox XML, Traktor NML, folder
collection.py  DJ collection entries -> catalog rows
audiofiles.py  audio files' tags -> catalog rows
fields.py      cleaning single values (numbers, keys, artist lists, versions)
hashing.py     content hashes of files and folders
kept.py        content-named imports and cluster copies kept by use, the rest deleted
damaged.py     CatalogDamaged, set_aside: a catalog file that can no longer be read
sync.py        import_catalog (`cratematch catalog import`), resolve_catalog (`--catalog`),
               prepare_catalog (the database a batch matches against), catalog_info
               (`cratematch catalog info`: size and sources)
"""

from __future__ import annotations

from matcher.catalog.damaged import CatalogDamaged, set_aside
from matcher.catalog.fields import ReadStats
from matcher.catalog.hashing import content_hash
from matcher.catalog.importers import (
    UnsupportedCatalogSource,
    detect_source_kind,
    read_catalog_source,
)
from matcher.catalog.store import CatalogStore, folded_fields, normalise_isrc
from matcher.catalog.sync import (
    CatalogInfo,
    CatalogSource,
    ImportReport,
    SourceReport,
    catalog_info,
    import_catalog,
    prepare_catalog,
    resolve_catalog,
)

__all__ = [
    "CatalogDamaged",
    "CatalogInfo",
    "CatalogSource",
    "CatalogStore",
    "ImportReport",
    "ReadStats",
    "SourceReport",
    "UnsupportedCatalogSource",
    "catalog_info",
    "content_hash",
    "detect_source_kind",
    "folded_fields",
    "import_catalog",
    "normalise_isrc",
    "prepare_catalog",
    "read_catalog_source",
    "resolve_catalog",
    "set_aside",
]
