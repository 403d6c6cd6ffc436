"""What the scorer fit prints: the acceptance figures of issue 14 per part of the split."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

__all__ = ["report", "figures"]

PARTS = ("fit", "tune", "holdout")


def figures(rows) -> dict:  # noqa: ANN001 - [(entry, expected, tags, Decision)]
    tp = fp = pos = neg = fm = 0
    review = review_in = review_top = ov = ov_fm = 0
    tags = defaultdict(lambda: [0, 0])
    matched = []  # (confidence, right)
    for _entry, expected, tag_text, d in rows:
        got = d.best.track.catalog_id if d.best and d.status == "matched" else ""
        top = d.best.track.catalog_id if d.best else ""
        pos += bool(expected)
        neg += not expected
        if got:
            tp += got == expected
            fp += got != expected
            fm += not expected
            matched.append((d.best.confidence, got == expected))
        if d.status == "review":
            review += 1
            if expected:
                review_in += 1
                review_top += top == expected
        for tag in tag_text.split("|"):
            tags[tag][0] += 1
            tags[tag][1] += got == expected
        if "other_version_of_catalog_work" in tag_text:
            ov += 1
            ov_fm += bool(got)
    return {
        "n": len(rows), "P": tp / max(tp + fp, 1), "R": tp / max(pos, 1),
        "FMR": fm / max(neg, 1), "fp": fp, "missed": pos - tp, "false_matches": fm,
        "review_share": review_in / max(pos, 1), "review_top_right": review_top / max(review_in, 1),
        "review": review, "ov_fmr": ov_fm / max(ov, 1), "tags": dict(tags), "matched": matched,
    }  # fmt: skip


def _line(name: str, f: dict) -> str:
    return (f"{name:9s} n={f['n']:5d}  P={f['P']:.4f}  R={f['R']:.4f}  FMR={f['FMR']:.4f}  "
            f"wrong={f['fp'] - f['false_matches']} missed={f['missed']} "
            f"false-match={f['false_matches']}  review={f['review']} "
            f"(in-catalog share {f['review_share']:.3f}, top right {f['review_top_right']:.2f})  "
            f"other-version FMR={f['ov_fmr']:.3f}")  # fmt: skip


def reliability(matched, edges=(0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 1.0001)) -> list:
    out, lo = [], 0.0
    for hi in edges:
        sel = [(c, r) for c, r in matched if lo <= c < hi]
        if sel:
            out.append((lo, hi, len(sel), sum(c for c, _ in sel) / len(sel),
                        sum(r for _, r in sel) / len(sel)))  # fmt: skip
        lo = hi
    return out


def report(results, preset, *, errors: int = 0) -> None:  # noqa: ANN001
    main = results["tune"] + results["holdout"]
    for name, rows in (*((p, results[p]) for p in PARTS), ("main", main)):
        f = figures(rows)
        print(_line(name, f))
        if name in ("holdout", "main"):
            weak = [(t, n, ok / n) for t, (n, ok) in f["tags"].items() if n >= 30]
            for tag, n, acc in sorted(weak, key=lambda x: x[2])[:8]:
                print(f"    {tag:42s} n={n:4d} acc={acc:.3f}")
            for lo, hi, n, mean, prec in reliability(f["matched"]):
                flag = "" if n < 50 or abs(prec - mean) <= 0.03 else "  <- off by more than 0.03"
                print(f"    confidence [{lo:.3f}, {hi:.3f}): n={n:5d} mean={mean:.3f} "
                      f"precision={prec:.3f}{flag}")  # fmt: skip
    for _entry, expected, tags, d in [r for r in results["tune"] if _wrong(r)][:errors]:
        e = _entry
        got = d.best.track.catalog_id if d.best and d.status == "matched" else "-"
        print(f"\n{e.playlist_file}#{e.entry_index} expected={expected or '-'} got={got} "
              f"{d.status} {d.reason} [{tags}]\n   entry: {e.artist!r} - {e.title!r} "
              f"mix={e.mix!r} dur={e.duration_s}")  # fmt: skip
        for c in d.ranked[:3]:
            t = c.track
            mark = "*" if t.catalog_id == expected else " "
            print(f"   {mark}{c.confidence:.3f} {t.catalog_id} {', '.join(t.artists)} - {t.title}"
                  f" ({t.mix}) dur={t.duration_s} {c.guard} {c.penalties}")  # fmt: skip


def _wrong(row) -> bool:  # noqa: ANN001
    _entry, expected, _tags, d = row
    got = d.best.track.catalog_id if d.best and d.status == "matched" else ""
    return got != expected


def sweep(results, preset, decide_again) -> None:  # noqa: ANN001
    """Recall at each match threshold on the tune half (for choosing the threshold)."""
    for threshold in (0.8, 0.85, 0.9, 0.93, 0.95, 0.97):
        p = replace(preset, match_threshold=threshold)
        f = figures(decide_again(results["tune"], p))
        print(f"  threshold {threshold}: {_line('tune', f)}")
