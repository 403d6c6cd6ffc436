"""Write-back at scale: 10,000 audio files on 2 workers, end to end.

    .venv/bin/python tests/bench/writeback.py [--files 10000] [--workers 2] [--kill-files 2000]
        [--rounds 3] [--keep DIR]

The files are copies of ../shared/realfiles/audio without its five broken files (or
synthesised ones when it is absent), matched by a real `cratematch match` against a
catalog holding their metadata (tests/matcher/writeback/library.py). Prints:
(a) files/s for planning (`cratematch write --dry-run`) and for writing (`cratematch
    write --overwrite --yes`, the write phase as the command reports it, and the whole
    command with its plan);
(b) peak RSS (VmHWM) of the command line, the engine host and each worker during the
    write (sampled from /proc, as tests/bench/load.py does);
(c) cancel latency in the middle of the write: Batch.cancel() to BatchCancelled, through
    the Engine API, median of --rounds (each round undone before the next);
(d) kill -9 of `cratematch write` half-way through --kill-files files, then `cratematch
    undo`: how many files are byte-identical to before (and their mtimes);
(e) undo files/s (`cratematch undo` of the whole write in (a)).

Linux only (reads /proc). ../shared is only read. Takes a few minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.load import PeakSampler, _roles  # noqa: E402
from tests.matcher.writeback.library import build_library, snapshot  # noqa: E402

WROTE = re.compile(r"Wrote (\d+) fields into (\d+) files; (\d+) refused \(([\d.]+) s\)")
RESTORED = re.compile(r"Restored (\d+) files")


def cratematch(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "matcher", *map(str, args)]


def sampled(args: list[str], env: dict[str, str]) -> tuple[float, str, dict[str, int]]:
    """Run a command; its wall time, its output and the peak RSS (MB) of each process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    sampler = PeakSampler(proc.pid).start()
    out, err = proc.communicate()
    took = time.perf_counter() - started
    peaks = sampler.stop()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args[3:5])} failed ({proc.returncode}): {err.strip()}")
    return took, out + err, _roles(peaks)


def identical(before: dict[Path, tuple[str, int]]) -> tuple[int, int]:
    """(files byte-identical to before, of those also with their mtime)."""
    now = snapshot(before)
    same = [p for p in before if now[p][0] == before[p][0]]
    return len(same), sum(now[p][1] == before[p][1] for p in same)


def prepare(work: Path, env: dict[str, str], files: int, workers: int) -> tuple[Path, dict]:
    t0 = time.perf_counter()
    library = build_library(work, files, broken=False)
    built = time.perf_counter() - t0
    out = work / "out"
    took, said, _ = sampled(
        cratematch("match", library.playlist, "--all-playlists", "--catalog", library.catalog,
                   "--out", out, "--workers", workers, "--quiet"), env,
    )  # fmt: skip
    print(f"library: {files:,} files ({'real' if library.real else 'synthesised'}, "
          f"{sum(p.stat().st_size for p in library.files) / 1e6:.0f} MB) built in "
          f"{built:.1f} s; matched in {took:.1f} s: {said.strip()[:60]}", flush=True)  # fmt: skip
    return out, snapshot(library.files)


def plan_and_write(out: Path, env: dict[str, str], files: int, workers: int) -> dict:
    took, said, peaks = sampled(
        cratematch("write", out, "--overwrite", "--dry-run", "--workers", workers, "--quiet"), env
    )
    plan = {"plan_s": took, "plan_files_per_s": files / took, "plan_peak_rss_mb": peaks}
    print(f"(a) plan: {files:,} files in {took:.1f} s = {files / took:,.0f} files/s "
          f"(whole command); peak RSS MB {peaks}", flush=True)  # fmt: skip
    took, said, peaks = sampled(
        cratematch("write", out, "--overwrite", "--yes", "--workers", workers, "--quiet"), env
    )
    found = WROTE.search(said)
    if not found:
        raise SystemExit(f"write said: {said.strip()[-300:]}")
    fields, written, refused, write_s = found.groups()
    write = {
        "written": int(written), "refused": int(refused), "fields": int(fields),
        "write_phase_s": float(write_s), "write_files_per_s": int(written) / float(write_s),
        "command_s": took, "command_files_per_s": int(written) / took, "peak_rss_mb": peaks,
    }  # fmt: skip
    print(
        f"(a) write: {written} files ({fields} fields, {refused} refused) in {write_s} s = "
        f"{write['write_files_per_s']:,.0f} files/s (write phase); whole command "
        f"(plan + write) {took:.1f} s = {write['command_files_per_s']:,.0f} files/s",
        flush=True,
    )
    print(f"(b) peak RSS during the write, MB: {peaks}", flush=True)  # fmt: skip
    return {**plan, **write}


def undo(env: dict[str, str], before: dict, workers: int) -> dict:
    took, said, peaks = sampled(cratematch("undo", "--workers", workers, "--quiet"), env)
    found = RESTORED.search(said)
    restored = int(found.group(1)) if found else 0
    same, with_mtime = identical(before)
    print(f"(e) undo: {restored:,} files restored in {took:.1f} s = {restored / took:,.0f} "
          f"files/s; byte-identical {same:,}/{len(before):,} (mtime too: {with_mtime:,}); "
          f"peak RSS MB {peaks}", flush=True)  # fmt: skip
    return {"restored": restored, "undo_s": took, "undo_files_per_s": restored / took,
            "identical": same, "identical_mtime": with_mtime, "peak_rss_mb": peaks}  # fmt: skip


def cancel_latency(out: Path, before: dict, files: int, workers: int, rounds: int) -> dict:
    """Through the Engine API in this process (CRATEMATCH_HOME is set by main)."""
    from matcher.config import EngineConfig
    from matcher.engine.client import Engine
    from matcher.engine.events import BatchCancelled, FilesPlanned, FilesWritten
    from matcher.writeback.targets import WriteOptions

    options = WriteOptions(overwrite=True)
    latencies, done_at = [], []
    with Engine(EngineConfig(workers=workers), prepare=False) as engine:
        plans = []
        batch = engine.plan_tags([out], options)
        while batch.final is None:
            plans += [p for e in batch.events(0.1) if isinstance(e, FilesPlanned) for p in e.plans]
        for _ in range(rounds):
            batch = engine.write_tags(plans, options)
            written = 0
            while written < files // 2 and batch.final is None:
                written += sum(len(e.outcomes) for e in batch.events(0.02)
                               if isinstance(e, FilesWritten))  # fmt: skip
            asked = time.perf_counter()
            batch.cancel()
            while batch.final is None:
                batch.events(0.01)
            landed = time.perf_counter()
            if not isinstance(batch.final, BatchCancelled):
                raise SystemExit(f"the write ended before it was cancelled: {batch.final}")
            latencies.append(landed - asked)
            done_at.append(batch.final.done)
            undone = engine.undo_write(batch.batch_id)
            undone.wait(600)
            same, _ = identical(before)
            if same != len(before):
                raise SystemExit(f"undo after cancel left {len(before) - same} files changed")
    print(f"(c) cancel latency (cancel() to BatchCancelled) at {done_at} of {files:,} files: "
          f"{', '.join(f'{s * 1000:.0f}' for s in latencies)} ms; median "
          f"{statistics.median(latencies) * 1000:.0f} ms", flush=True)  # fmt: skip
    return {"latencies_ms": [s * 1000 for s in latencies], "done_when_cancelled": done_at,
            "median_ms": statistics.median(latencies) * 1000}  # fmt: skip


def _written_rows(home: Path) -> int:
    """Files the running write has marked written (CRATEMATCH_HOME/data/writes.sqlite)."""
    journal = home / "data" / "writes.sqlite"
    if not journal.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{journal}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT COUNT(*) FROM files WHERE state = 'written'").fetchone()[0]
    except sqlite3.Error:  # being created
        return 0


def kill_9(work: Path, files: int, workers: int) -> dict:
    home = work / "home-kill"
    env = {**os.environ, "CRATEMATCH_HOME": str(home), "HOME": str(home)}
    out, before = prepare(work / "kill", env, files, workers)
    proc = subprocess.Popen(
        cratematch("write", out, "--overwrite", "--yes", "--workers", workers, "--quiet"),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 600
    while _written_rows(home) < files // 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the write ended before it could be killed: {proc.communicate()}")
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    time.sleep(1.0)  # its host and workers notice within 0.2 s each and exit
    changed = files - identical(before)[0]
    took, said, _ = sampled(cratematch("undo", "--workers", workers, "--quiet"), env)
    same, with_mtime = identical(before)
    print(f"(d) kill -9 of `cratematch write` with {changed:,} of {files:,} files written; "
          f"`cratematch undo` ({took:.1f} s): byte-identical {same:,}/{files:,} (mtime too: "
          f"{with_mtime:,}); {said.strip().splitlines()[-1]}", flush=True)  # fmt: skip
    return {"files": files, "written_when_killed": changed, "identical_after_undo": same,
            "identical_mtime": with_mtime, "undo_s": took}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-files", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="cratematch-writeback-"))
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    os.environ["CRATEMATCH_HOME"] = str(home)  # for this process's Engine in (c)
    env = {**os.environ, "CRATEMATCH_HOME": str(home), "HOME": str(home)}
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
          f"workers {args.workers}", flush=True)  # fmt: skip
    report: dict[str, object] = {}
    try:
        out, before = prepare(work / "main", env, args.files, args.workers)
        report["write"] = plan_and_write(out, env, args.files, args.workers)
        report["undo"] = undo(env, before, args.workers)
        report["cancel"] = cancel_latency(out, before, args.files, args.workers, args.rounds)
        report["kill_9"] = kill_9(work, args.kill_files, args.workers)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
