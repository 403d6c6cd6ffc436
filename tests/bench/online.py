"""Online matching through the real engine, against local stand-ins for the services.

    python tests/bench/online.py [--playlist rekordbox_techno_peak.xml] [--workers 2]
                                 [--latency 0.08] [--throttle-every 40] [--preset balanced]
                                 [--rate 5] [--skip-musicbrainz]

1. Beatport: a stand-in API v4 on 127.0.0.1 serving the devset catalog (search and
   tracks/{id}), with `--latency` per request and a 429 (Retry-After: 1) every
   `--throttle-every` requests; our own limit for Beatport is `--rate` requests a second
   (CRATEMATCH_BEATPORT_RATE; the app's default otherwise). A devset playlist goes
   through `Engine` with provider="beatport" in a fresh CRATEMATCH_HOME: it prints
   requests per track, throughput, error rows and accuracy against truth.csv; then the
   same batch again on the warm cache: its time and requests.
2. MusicBrainz: a short batch with 2 workers against a WS/2 stand-in; prints the smallest
   gap between two requests as the server saw them.

Acceptance: ≤ 2 requests per track, 0 error rows, the warm rerun ≥ 10× faster with almost
no requests; MusicBrainz requests never less than 1 s apart.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
TOKEN = "bench-token-0001"


def load_catalog():
    from matcher.model import CatalogTrack

    def number(text: str) -> float | None:
        return float(text) if text else None

    def names(text: str) -> tuple[str, ...]:
        return tuple(n for n in text.split(", ") if n)

    with gzip.open(DEVSET / "catalog.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        return [
            CatalogTrack(
                catalog_id=r["catalog_id"], title=r["title"], mix=r["mix"],
                artists=names(r["artists"]), remixers=names(r["remixers"]), label=r["label"],
                release=r["release"], release_date=r["release_date"], bpm=number(r["bpm"]),
                key=r["key"], genre=r["genre"], duration_s=number(r["duration_s"]), isrc=r["isrc"],
            )
            for r in csv.DictReader(fh)
        ]  # fmt: skip


def run_batch(provider: str, playlist: Path, workers: int, preset: str, out: Path):
    """One batch through the engine: (final event, last metrics, wall seconds)."""
    from matcher.config import EngineConfig
    from matcher.engine.client import Engine
    from matcher.engine.events import MetricsSnapshot

    config = EngineConfig(provider=provider, workers=workers, preset=preset, out_dir=out)
    metrics: dict = {}
    with Engine(config) as engine:
        t0 = time.perf_counter()
        batch = engine.start([playlist], all_playlists=True)
        while batch.final is None:
            for event in batch.events(0.1):
                if isinstance(event, MetricsSnapshot):
                    metrics = event.metrics
        return batch.final, metrics, time.perf_counter() - t0


def accuracy(out: Path, playlist: Path) -> tuple[int, int, int]:
    """(matched correctly, matched wrongly, in-catalog entries) against truth.csv."""
    truth = {}
    with open(DEVSET / "truth.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["playlist_file"] == playlist.name:
                truth[int(row["entry_index"])] = row["expected_catalog_id"]
    right = wrong = 0
    for matches in out.glob("**/matches.csv"):
        with open(matches, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["status"] != "matched":
                    continue
                if row["catalog_id"] == truth.get(int(row["entry_index"])):
                    right += 1
                else:
                    wrong += 1
    return right, wrong, sum(1 for v in truth.values() if v)


def beatport(args: argparse.Namespace, tracks) -> bool:
    from tests.matcher.http.stand_in import StandIn

    playlist = DEVSET / "playlists" / args.playlist
    with StandIn(
        tracks, token=TOKEN, latency_s=args.latency, throttle_every=args.throttle_every
    ) as server:
        os.environ["CRATEMATCH_BEATPORT_URL"] = server.url + "/v4"
        os.environ["CRATEMATCH_BEATPORT_TOKEN"] = TOKEN
        cold_out = Path(tempfile.mkdtemp(prefix="cm-online-cold-"))
        final, m, cold_s = run_batch("beatport", playlist, args.workers, args.preset, cold_out)
        cold_requests = len(server.hits)
        throttled = sum(1 for h in server.hits if h.status == 429)
        n = final.total
        errors = final.counts.get("error", 0)
        right, wrong, in_catalog = accuracy(cold_out, playlist)
        rate = os.environ.get("CRATEMATCH_BEATPORT_RATE", "default")
        print(
            f"Beatport stand-in: {args.playlist}, {n} tracks, {args.workers} workers, "
            f"{args.latency * 1000:.0f} ms latency, a 429 every {args.throttle_every} requests; "
            f"our rate limit: {rate} requests/s"
        )
        print(f"  cold: {cold_s:.1f} s, {n / cold_s:.1f} tracks/s; {cold_requests} requests "
              f"({cold_requests / n:.2f} per track, {throttled} answered 429); "
              f"retries {m.get('http_retries', 0):.0f}, waited {m.get('throttle_wait_s', 0):.1f} s "
              f"for the rate limit")  # fmt: skip
        print(f"  rows: {final.counts}; error rows: {errors}")
        print(f"  accuracy: {right}/{in_catalog} in-catalog entries matched right, "
              f"{wrong} matched wrongly")  # fmt: skip
        before = len(server.hits)
        warm_out = Path(tempfile.mkdtemp(prefix="cm-online-warm-"))
        final2, m2, warm_s = run_batch("beatport", playlist, args.workers, args.preset, warm_out)
        warm_requests = len(server.hits) - before
        print(f"  warm rerun: {warm_s:.2f} s ({cold_s / warm_s:.1f}x faster), "
              f"{warm_requests} requests, cache hits {m2.get('cache_hits', 0):.0f} / misses "
              f"{m2.get('cache_misses', 0):.0f}; rows {final2.counts}")  # fmt: skip
    ok = cold_requests / n <= 2 and errors == 0 and cold_s / warm_s >= 10 and warm_requests <= 5
    print(f"  acceptance (<= 2 requests/track, 0 errors, warm >= 10x, ~0 requests): "
          f"{'PASS' if ok else 'FAIL'}")  # fmt: skip
    return ok


def musicbrainz(args: argparse.Namespace, tracks) -> bool:
    from tests.matcher.http.stand_in import StandIn

    folder = Path(tempfile.mkdtemp(prefix="cm-online-mb-"))
    playlist = folder / "mb.m3u8"
    chosen = tracks[: args.mb_tracks]
    lines = ["#EXTM3U"] + [
        f"#EXTINF:{int(t.duration_s or 0)},{', '.join(t.artists)} - {t.title}\n/m/{n}.mp3"
        for n, t in enumerate(chosen)
    ]
    playlist.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with StandIn(tracks, latency_s=args.latency) as server:
        os.environ["CRATEMATCH_MUSICBRAINZ_URL"] = server.url
        final, _, elapsed = run_batch("musicbrainz", playlist, args.workers, "fast", folder / "out")
        times = sorted(server.times("/ws/2/"))
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    smallest = min(gaps) if gaps else float("nan")
    print(f"MusicBrainz stand-in: {final.total} tracks, {args.workers} workers: "
          f"{len(times)} requests in {elapsed:.1f} s; smallest gap between requests "
          f"{smallest:.3f} s; rows {final.counts}")  # fmt: skip
    ok = bool(gaps) and smallest >= 1.0
    print(f"  acceptance (never < 1 s apart): {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--playlist", default="rekordbox_techno_peak.xml")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--preset", default="balanced")
    ap.add_argument("--latency", type=float, default=0.08)
    ap.add_argument("--throttle-every", type=int, default=40)
    ap.add_argument("--rate", type=float, default=None, help="Beatport requests a second")
    ap.add_argument("--mb-tracks", type=int, default=8)
    ap.add_argument("--skip-musicbrainz", action="store_true")
    args = ap.parse_args()
    if not DEVSET.is_dir():
        sys.exit("../shared/devset is not here")
    os.environ["CRATEMATCH_HOME"] = tempfile.mkdtemp(prefix="cm-online-home-")
    if args.rate is not None:
        os.environ["CRATEMATCH_BEATPORT_RATE"] = str(args.rate)
    tracks = load_catalog()
    ok = beatport(args, tracks)
    if not args.skip_musicbrainz:
        ok = musicbrainz(args, tracks) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
