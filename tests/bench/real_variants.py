"""Accuracy on REAL variants: other DJs' entries for tracks in the catalog, through the CLI.

    python tests/bench/real_variants.py [--preset balanced] [--errors 20] [--keep]
                                        [--source DIR]

`--source DIR` runs the matcher/ found in DIR instead of this tree's, for a before and
after (`git archive HEAD matcher | tar -x -C DIR` gives the last commit's).

FOR TESTS AND BENCHMARKS ONLY, NEVER FOR FITTING. Do not tune weights, thresholds or
rules on this set: it is the one measurement that was not shaped by the devset, and
looking at it while tuning turns it into a second devset.

The set is built at run time by `tests/bench/variants_set.py` from
`../shared/data/dj_libraries.jsonl.gz` into a temporary folder (see that module for how
the pairs are found and labelled): a catalog CSV, a playlist CSV of other DJs' entries
as their libraries wrote them, and the truth. Positives are entries whose recording has
one catalog row; negatives are versions (a remix, an edit, a VIP, the original) whose
recording is in no catalog row while a sibling version is.

Printed: recall (positives matched to their row), precision (of all `matched` rows),
false-match rate on the negatives (any `matched` counts), the share of entries sent to
review (and how often a positive's review row holds the right track), per kind of
entry, and a sample of the errors with the matcher's reasons.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.variants_set import LIBRARIES, build_variant_set  # noqa: E402


@dataclass(frozen=True)
class Row:
    index: int
    label: str  # positive / negative
    kind: str  # same_spelling / respelled / other_version
    expected: str
    status: str
    got: str
    confidence: float
    reason: str
    entry: str
    catalog_row: str

    @property
    def right(self) -> bool:
        return self.status == "matched" and self.got == self.expected and bool(self.expected)

    @property
    def false_match(self) -> bool:
        return self.status == "matched" and self.got != self.expected


def run_cli(playlist: Path, catalog: Path, out: Path, home: Path, preset: str,
            workers: int | None, source: Path = ROOT) -> float:  # fmt: skip
    """Run `python -m matcher match` from `source` (the folder holding `matcher/`)."""
    cmd = [
        sys.executable, "-m", "matcher", "match", str(playlist), "--catalog", str(catalog),
        "--preset", preset, "--out", str(out), "--quiet",
    ]  # fmt: skip
    if workers:
        cmd += ["--workers", str(workers)]
    env = dict(os.environ, CRATEMATCH_HOME=str(home), PYTHONPATH=str(source))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=source)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.exit(f"cratematch exited {proc.returncode}: {proc.stderr.strip()}")
    return elapsed


def read_rows(out: Path, truth: Path, pairs: Path) -> list[Row]:
    (matches,) = sorted(out.glob("*/matches.csv"))
    with open(matches, newline="", encoding="utf-8") as fh:
        got = {int(r["entry_index"]): r for r in csv.DictReader(fh)}
    with open(pairs, newline="", encoding="utf-8") as fh:
        shown = {int(r["entry_index"]): r for r in csv.DictReader(fh)}
    rows = []
    with open(truth, newline="", encoding="utf-8") as fh:
        for t in csv.DictReader(fh):
            i = int(t["entry_index"])
            m = got[i]
            rows.append(
                Row(
                    index=i,
                    label=t["label"],
                    kind=t["kind"],
                    expected=t["expected_catalog_id"],
                    status=m["status"],
                    got=m["catalog_id"],
                    confidence=float(m["confidence"] or 0),
                    reason=m["reason"],
                    entry=shown[i]["entry"],
                    catalog_row=shown[i]["catalog_row"],
                )
            )
    return rows


def _share(n: int, d: int) -> str:
    return f"{n / d:.3f} ({n}/{d})" if d else "-"


def report(rows: list[Row], errors: int, seed: int) -> None:
    pos = [r for r in rows if r.label == "positive"]
    neg = [r for r in rows if r.label == "negative"]
    matched = [r for r in rows if r.status == "matched"]
    review = [r for r in rows if r.status == "review"]
    print(f"entries {len(rows)}: {len(pos)} positives, {len(neg)} negatives")
    print(f"recall                  {_share(sum(r.right for r in pos), len(pos))}")
    print(f"precision               {_share(sum(r.right for r in matched), len(matched))}")
    print(f"false-match rate (neg)  {_share(sum(r.status == 'matched' for r in neg), len(neg))}")
    print(f"false matches (pos)     {_share(sum(r.false_match for r in pos), len(pos))}")
    print(f"review share (all)      {_share(len(review), len(rows))}")
    pos_review = [r for r in pos if r.status == "review"]
    print(f"review share (pos)      {_share(len(pos_review), len(pos))}")
    print(f"review share (neg)      {_share(sum(r.status == 'review' for r in neg), len(neg))}")
    print(
        f"review top right (pos)  "
        f"{_share(sum(r.got == r.expected for r in pos_review), len(pos_review))}"
    )
    print("\nstatus by kind:")
    for kind in sorted({r.kind for r in rows}):
        group = [r for r in rows if r.kind == kind]
        counts = Counter(r.status for r in group)
        right = sum(r.right for r in group)
        print(f"  {kind:15s} n={len(group):4d} right={right:4d} {dict(sorted(counts.items()))}")
    print("\nreasons of positives not matched:")
    for reason, n in Counter(_head(r.reason) for r in pos if not r.right).most_common(8):
        print(f"  {n:4d}  {reason}")
    print("reasons of negatives matched:")
    for reason, n in Counter(_head(r.reason) for r in neg if r.status == "matched").most_common(5):
        print(f"  {n:4d}  {reason}")
    rng = random.Random(seed)
    for title, group in (
        ("false matches", [r for r in rows if r.false_match]),
        ("missed positives", [r for r in pos if r.status != "matched"]),
    ):
        if not errors or not group:
            continue
        print(f"\n{title} ({len(group)}), a sample:")
        for r in rng.sample(group, min(errors, len(group))):
            print(
                f"  #{r.index} {r.label} {r.status} {r.confidence:.3f} got={r.got or '-'} "
                f"want={r.expected or '(absent)'}  reason: {r.reason}"
            )
            print(f"      entry:   {r.entry}")
            print(f"      catalog: {r.catalog_row}")


def _head(reason: str) -> str:
    return reason.split(";")[0].split("(")[0].strip()[:70] or "(none)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--errors", type=int, default=12, help="errors to show per kind")
    ap.add_argument("--seed", type=int, default=1, help="which errors to show")
    ap.add_argument("--keep", action="store_true", help="keep the generated set and outputs")
    ap.add_argument("--source", type=Path, default=ROOT, help="folder holding the matcher/ to run")
    a = ap.parse_args()
    if not LIBRARIES.exists():
        sys.exit("../shared/data/dj_libraries.jsonl.gz is not here")
    work = Path(tempfile.mkdtemp(prefix="cratematch-real-variants-"))
    try:
        t0 = time.perf_counter()
        built = build_variant_set(work / "set")
        print(
            f"variant set: {built.positives} positives, {built.negatives} negatives, "
            f"{built.catalog_rows} catalog rows (built in {time.perf_counter() - t0:.1f} s)"
        )
        elapsed = run_cli(
            built.playlist,
            built.catalog,
            work / "out",
            work / "home",
            a.preset,
            a.workers,
            a.source.resolve(),
        )
        print(
            f"cratematch match ({a.preset}, matcher from {a.source}): {elapsed:.1f} s, "
            "catalog import included\n"
        )
        report(read_rows(work / "out", built.truth, built.pairs), a.errors, a.seed)
    finally:
        if a.keep:
            print(f"\nkept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
