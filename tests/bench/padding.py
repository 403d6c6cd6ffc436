"""Padding: a catalog made large with generated rows that read like real ones.

    python tests/bench/padding.py OUT.csv --rows 1000000 [--with-devset]

Benchmarks take `cached_catalog(rows)`: the imported database, built once per size.

The rows are built from the devset catalog's own vocabulary: title words drawn with their
real frequencies (so "love", "night" and "the" are as common as in a real catalog and the
word index's hit lists grow as a real one's would), artists that are real devset artists
(a third of the rows: a big catalog holds many more tracks by the same names) or new
pairings of real first and last names, and the devset's mixes, labels and genres.

A generated row never collides with a devset track: its folded title is no devset title,
and a new artist name is no devset artist. So padding adds rivals, never a second copy of
a track the devset expects, and devset recall against the padded catalog measures what
catalog size costs retrieval. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gzip
import random
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"

from matcher.matching.text import fold  # noqa: E402

HEADER = ("catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,key,genre,"
          "duration_s,isrc").split(",")  # fmt: skip
FIRST_ID = 50_000_000  # devset ids are 8 digits from 10,000,000: no overlap


_ODD = re.compile(r"[()\[\]{}]|^\W+$")  # bracket pieces, lone dashes: not title words


class _Drawer:
    """Draws from a Counter with its frequencies."""

    def __init__(self, counts: Counter[str]) -> None:
        self.items = list(counts)
        self.cumulative = list(accumulate(counts[i] for i in self.items))

    def __call__(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


def devset_rows(devset: Path = DEVSET) -> list[dict[str, str]]:
    with gzip.open(devset / "catalog.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def generate(rows: int, devset: Path = DEVSET, seed: int = 11) -> Iterator[list[str]]:
    """`rows` generated catalog rows (lists in `HEADER` order)."""
    real = devset_rows(devset)
    titles_taken = {fold(r["title"]) for r in real}
    artists_taken = {fold(r["artists"]) for r in real}
    title_words: Counter[str] = Counter()
    lengths: Counter[str] = Counter()
    firsts: Counter[str] = Counter()
    lasts: Counter[str] = Counter()
    fields = {k: Counter[str]() for k in ("mix", "label", "genre", "key")}
    artists: Counter[str] = Counter()
    for r in real:
        words = [w for w in r["title"].split() if not _ODD.search(w)]
        title_words.update(words)
        lengths[str(min(len(words), 6))] += 1
        for name in r["artists"].split(", "):
            artists[name] += 1
            parts = name.split()
            if len(parts) >= 2:
                firsts[parts[0]] += 1
                lasts[" ".join(parts[1:])] += 1
        for key, counter in fields.items():
            if r[key]:
                counter[r[key]] += 1
    word, length, first, last, artist = (_Drawer(c) for c in (title_words, lengths, firsts,
                                                               lasts, artists))  # fmt: skip
    draw = {k: _Drawer(c) for k, c in fields.items()}
    rng = random.Random(seed)
    made = 0
    while made < rows:
        title = " ".join(word(rng) for _ in range(int(length(rng))))
        if not title or fold(title) in titles_taken:
            continue
        if rng.random() < 1 / 3:
            name = artist(rng)
        else:
            name = f"{first(rng)} {last(rng)}"
            if fold(name) in artists_taken:
                continue
        if rng.random() < 0.15:
            feat = f"{first(rng)} {last(rng)}"
            if fold(feat) not in artists_taken:
                name = f"{name}, {feat}"
        year = 1995 + rng.randrange(31)
        yield [
            str(FIRST_ID + made), title, draw["mix"](rng), name, "", draw["label"](rng),
            title, f"{year}-01-01", str(100 + rng.randrange(75)), draw["key"](rng),
            draw["genre"](rng), str(150 + rng.randrange(400)), "",
        ]  # fmt: skip
        made += 1


def write(path: Path, rows: int, with_devset: bool, devset: Path = DEVSET) -> Path:
    """Write the padding (after the devset catalog's rows when `with_devset`) as a catalog
    CSV; a file already there with the same name is reused (names carry the size)."""
    if path.is_file():
        return path
    temp = path.with_suffix(".partial")
    with temp.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        if with_devset:
            out.writerows([r[k] for k in HEADER] for r in devset_rows(devset))
        out.writerows(generate(rows, devset))
    temp.replace(path)
    return path


CACHE = Path(tempfile.gettempdir()) / "cratematch-padding"


def cached_catalog(rows: int, with_devset: bool = True) -> Path:
    """The imported catalog database of the devset catalog (when `with_devset`) plus `rows`
    generated rows, built once and kept under the temp folder (a million rows take a few
    minutes to generate and import)."""
    from matcher.catalog import CatalogStore, import_catalog

    CACHE.mkdir(parents=True, exist_ok=True)
    name = f"pad{rows}{'-devset' if with_devset else ''}"
    db = CACHE / f"{name}.sqlite"
    if not db.is_file():
        source = write(CACHE / f"{name}.csv", rows, with_devset)
        temp = db.with_suffix(".partial")
        temp.unlink(missing_ok=True)
        import_catalog([source], temp)
        temp.replace(db)
    with CatalogStore.open(db):  # a writable open brings an older schema up to date
        pass
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--with-devset", action="store_true")
    a = ap.parse_args()
    print(write(a.out, a.rows, a.with_devset))


if __name__ == "__main__":
    main()
