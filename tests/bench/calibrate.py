"""Fit the confidence model's weights and pick thresholds on the labelled devset.

    python tests/bench/calibrate.py [--preset balanced] [--errors 30]

Method: every entry of the 10,000-entry stress playlist (the training split) is run
through the full query plan; each candidate becomes a row of penalty features
(`1 - similarity` per signal present) labelled by whether it is the expected catalog
track. A logistic regression (Newton's method, small L2) gives the weights. Thresholds
are then chosen on the same split: the match threshold and margin that keep precision at
or above 0.99 with the best recall. The 2,480 main entries are held apart and only
evaluated, so the figures printed for them are honest.

Paste the printed `Weights(...)` and thresholds into matcher/presets.py.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
DEVSET = SHARED / "devset"
STRESS = "rekordbox_stress_10k.xml"
SIGNALS = (
    "title",
    "artists",
    "artist_cover",
    "version",
    "unstated_remix",
    "unknown_version",
    "duration",
    "duration_unknown",
    "bpm",
    "key",
    "release",
    "label",
    "surface",
)

from matcher.catalog import resolve_catalog  # noqa: E402
from matcher.matching.decide import decide  # noqa: E402
from matcher.matching.match import _consider, _identify  # noqa: E402
from matcher.matching.presets import PRESETS  # noqa: E402
from matcher.matching.query import plan  # noqa: E402
from matcher.matching.readings import read_entry  # noqa: E402
from matcher.matching.scoring import SUPPORT, features_of, score, support  # noqa: E402
from matcher.model import Candidate  # noqa: E402
from matcher.playlists import read_playlists  # noqa: E402
from matcher.providers.local import LocalCatalog  # noqa: E402

RULES = PRESETS["balanced"].weights  # the model's hand-set rules (support floor, ...)


def load_truth() -> dict[tuple[str, int], tuple[str, str]]:
    truth = {}
    with open(DEVSET / "truth.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            truth[(r["playlist_file"], int(r["entry_index"]))] = (
                r["expected_catalog_id"],
                r["noise_tags"],
            )
    return truth


def gather(provider, preset, entries):
    """For each entry: the candidate tracks the full plan retrieves."""
    wide = replace(preset, max_queries=8, early_exit=2.0, time_budget_ms=1e9)
    out = []
    for entry in entries:
        reading = read_entry(entry)
        pool: dict[str, Candidate] = {}
        log: list = []
        _identify(reading, provider, wide, pool, log, time.perf_counter)
        for q in plan(reading, wide):
            _consider(reading, provider.search(q, wide.candidates_per_query), wide, pool)
        out.append((entry, reading, [c.track for c in pool.values()]))
    return out


def design(rows):
    """One row per unguarded candidate: [1, -(1-f) per penalty signal, support per support
    signal, -no_artist]; y marks the expected track; groups index the entry."""
    X, y, groups = [], [], []
    for gi, (_entry, reading, tracks, expected) in enumerate(rows):
        for track in tracks:
            feats, guard = features_of(reading, track, RULES)
            if guard:
                continue
            x = [1.0]
            for s in SIGNALS:
                if s in SUPPORT:
                    x.append(support(feats[s], RULES) if s in feats else 0.0)
                else:
                    x.append(-(1 - feats[s]) if s in feats else 0.0)
            x.append(-1.0 if "artists" not in feats else 0.0)
            X.append(x)
            y.append(1.0 if track.catalog_id == expected else 0.0)
            groups.append(gi)
    return np.array(X), np.array(y), np.array(groups), len(rows)


def fit(X, y, groups, n_groups, l2=1.0, iters=100):
    """Conditional logit with a "not in the catalog" option of score 0 in every group,
    fitted by damped Newton steps (halved until the penalised loss decreases)."""

    def loss_grad_hess(w, need_hess=True):
        z = np.clip(X @ w, -30, 30)
        ez = np.exp(z)
        denom = 1.0 + np.bincount(groups, weights=ez, minlength=n_groups)
        loss = np.log(denom).sum() - z[y == 1].sum() + 0.5 * l2 * w @ w
        if not need_hess:
            return loss, None, None
        p = ez / denom[groups]
        ex = np.zeros((n_groups, X.shape[1]))
        np.add.at(ex, groups, p[:, None] * X)
        g = ex.sum(0) - X[y == 1].sum(0) + l2 * w
        H = (X * p[:, None]).T @ X - ex.T @ ex + l2 * np.eye(len(w))
        return loss, g, H

    w = np.zeros(X.shape[1])
    for _ in range(iters):
        loss, g, H = loss_grad_hess(w)
        step = np.linalg.solve(H, g)
        t = 1.0
        while t > 1e-4 and loss_grad_hess(w - t * step, False)[0] > loss:
            t /= 2
        w = w - t * step
        if np.abs(t * step).max() < 1e-7:
            break
    return w


def evaluate(rows, preset, label=""):
    tp = fp = pos = neg = fm = review = 0
    by_tag = defaultdict(lambda: [0, 0])
    errors = []
    for entry, reading, tracks, expected, tags in rows:
        cands = [score(reading, t, preset.weights) for t in tracks]
        d = decide(cands, preset)
        got = d.best.track.catalog_id if d.best and d.status == "matched" else ""
        review += d.status == "review"
        if expected:
            pos += 1
        else:
            neg += 1
            fm += bool(got)
        if got and got == expected:
            tp += 1
        elif got:
            fp += 1
        ok = got == expected
        for tag in tags.split("|"):
            by_tag[tag][0] += 1
            by_tag[tag][1] += ok
        if not ok:
            errors.append((entry, expected, got, d, tags))
    p = tp / (tp + fp) if tp + fp else 0
    r = tp / pos if pos else 0
    print(
        f"{label:10s} n={len(rows)} P={p:.4f} R={r:.4f} FMR={fm / max(neg, 1):.4f} review={review}"
    )
    return by_tag, errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--tags", action="store_true")
    ap.add_argument(
        "--no-fit", action="store_true", help="evaluate the preset's weights as they are"
    )
    a = ap.parse_args()
    if not DEVSET.exists():
        sys.exit("../shared/devset is not here")
    home = Path(tempfile.gettempdir()) / "cratematch-bench-home"
    import os

    os.environ["CRATEMATCH_HOME"] = str(home)
    catalog = resolve_catalog(DEVSET / "catalog.csv.gz")
    provider = LocalCatalog(catalog)
    preset = PRESETS[a.preset]
    truth = load_truth()

    split = {"train": [], "test": []}
    t0 = time.perf_counter()
    for path in sorted((DEVSET / "playlists").iterdir()):
        for pl in read_playlists(path, all_playlists=True):
            gathered = gather(provider, preset, pl.entries)
            for entry, reading, tracks in gathered:
                expected, tags = truth[(entry.playlist_file, entry.entry_index)]
                split["train" if path.name == STRESS else "test"].append(
                    (entry, reading, tracks, expected, tags)
                )
    print(f"gathered candidates in {time.perf_counter() - t0:.1f}s")
    recall_ceiling = {
        k: sum(1 for r in v if r[3] and any(t.catalog_id == r[3] for t in r[2]))
        / max(1, sum(1 for r in v if r[3]))
        for k, v in split.items()
    }
    print("retrieval recall ceiling:", {k: round(v, 4) for k, v in recall_ceiling.items()})

    if not a.no_fit:
        X, y, groups, n = design([(e, rd, tr, ex) for e, rd, tr, ex, _ in split["train"]])
        w = fit(X, y, groups, n)
        names = ["bias", *SIGNALS, "no_artist"]
        weights = replace(
            preset.weights, **{n: round(float(v), 2) for n, v in zip(names, w, strict=True)}
        )
        print("fitted:", weights)
        preset = replace(preset, weights=weights)
        best = None
        for thr in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96):
            for margin in (0.0,):
                cand = replace(preset, match_threshold=thr, margin=margin)
                tp = fp = pos = neg = fm = 0
                for _entry, reading, tracks, expected, _tags in split["train"]:
                    d = decide([score(reading, t, cand.weights) for t in tracks], cand)
                    got = d.best.track.catalog_id if d.best and d.status == "matched" else ""
                    pos += bool(expected)
                    neg += not expected
                    fm += bool(got) and not expected
                    tp += bool(got) and got == expected
                    fp += bool(got) and got != expected
                p, r, fmr = tp / max(tp + fp, 1), tp / max(pos, 1), fm / max(neg, 1)
                if p >= 0.99 and fmr <= 0.025 and (best is None or r > best[0]):
                    best = (r, p, fmr, thr, margin)
        print("chosen on train (P>=0.99, FMR<=0.025, best R):", best)
        if best:
            preset = replace(preset, match_threshold=best[3], margin=best[4])
    evaluate(split["train"], preset, "train")
    by_tag, errors = evaluate(split["test"], preset, "test")
    if a.tags:
        for tag, (n, ok) in sorted(by_tag.items(), key=lambda kv: -kv[1][0]):
            print(f"  {tag:45s} n={n:5d} acc={ok / n:.3f}")
    for entry, expected, got, d, tags in errors[: a.errors]:
        print(
            f"\n{entry.playlist_file}#{entry.entry_index} expected={expected or '-'} "
            f"got={got or '-'} status={d.status} reason={d.reason} tags={tags}"
        )
        print(
            f"   entry: {entry.artist!r} - {entry.title!r} mix={entry.mix!r} "
            f"loc={entry.location[-50:]!r}"
        )
        rd = read_entry(entry)
        print(f"   read: {rd.readings} v={rd.version}")
        for c in d.ranked[:3]:
            t = c.track
            mark = "*" if t.catalog_id == expected else " "
            print(
                f"   {mark}{c.confidence:.3f} {t.catalog_id} {', '.join(t.artists)} - "
                f"{t.title} ({t.mix}) {c.guard} {c.features}"
            )
        if expected and not any(c.track.catalog_id == expected for c in d.ranked):
            print("   (expected not retrieved)")


if __name__ == "__main__":
    main()
