"""Load: a generated 1,000,000-row catalog and a 100,000-entry playlist, end to end.

    .venv/bin/python tests/bench/load.py [--rows 1000000] [--entries 100000] [--workers 2]
        [--compare] [--no-window] [--keep DIR]

Everything is generated (invented names, deterministic). Prints:
- catalog import (`cratematch catalog import`): wall time, rows/s, database size, peak
  RSS of the importing process;
- the batch (`cratematch match ... --workers N`): wall time, tracks/s, peak RSS of the
  command line, the engine host and each worker (VmHWM sampled from /proc), and whether
  matches.csv holds every entry exactly once;
- with --compare, the same at a tenth of the size, so "bounded" can be read off: memory
  must not grow with the catalog, and the host's only with the playlist it holds;
- the window (unless --no-window; needs a display, e.g. under xvfb-run): the same batch
  started from the real window, an after(10) heartbeat's worst / p99 / median gap on the
  Tk main loop while it runs, and the window process's peak RSS.

Linux only (reads /proc). Takes several minutes at full size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Invented words from syllables: a vocabulary of hundreds of thousands of words drawn with
# a skew (a few words are common, most are rare), as in real titles and names, so the
# catalog's full-text index behaves like a real one's.
_ONSETS = ("b", "br", "d", "dr", "f", "g", "k", "kl", "l", "m", "n", "p", "qu", "r", "s",
           "sk", "t", "tr", "v", "z")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "ay")
_CODAS = ("", "n", "r", "l", "s", "k", "m", "th", "nd", "st", "x", "ve")
_SYLLABLES = [o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS]  # 1,440
_KEYS = ("A Minor", "C Major", "F# Major", "D Minor", "G Minor", "E Minor", "B Major")
_MIXES = ("Original Mix", "Extended Mix", "Radio Edit", "Dub Mix")
_MASK = (1 << 64) - 1


def _unit(*key: int) -> float:
    """A deterministic number in [0, 1) for `key` (splitmix64)."""
    z = 0x9E3779B97F4A7C15
    for part in key:
        z = (z + part * 0xBF58476D1CE4E5B9 + 0x94D049BB133111EB) & _MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        z ^= z >> 31
    return z / 2**64


def _word(n: int) -> str:
    parts = []
    while True:
        parts.append(_SYLLABLES[n % len(_SYLLABLES)])
        n //= len(_SYLLABLES)
        if not n:
            break
    return "".join(parts).capitalize()


def _skewed(i: int, slot: int, size: int, power: float = 3.0) -> str:
    return _word(int(size * _unit(i, slot) ** power))


def _title(i: int) -> str:
    count = 1 + int(_unit(i, 0) * 4)
    return " ".join(_skewed(i, 1 + n, 300_000) for n in range(count))


def _artist(i: int) -> str:
    return f"{_skewed(i, 9, 6_000, 2.0)} {_skewed(i, 10, 150_000, 2.0)}"


def write_catalog(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("catalog_id,title,mix,artists,remixers,label,release,release_date,bpm,"
                     "key,genre,duration_s,isrc\n")  # fmt: skip
        lines = []
        for i in range(rows):
            title = _title(i)
            lines.append(
                f"{8_000_000 + i},{title},{_MIXES[i % 4]},{_artist(i)},,"
                f"{_skewed(i, 11, 20_000)} Records,{title},20{10 + i % 15}-0{1 + i % 9}-1{i % 10},"
                f"{118 + i % 14}.00,{_KEYS[i % 7]},House,{240 + i % 300},QZBEN{i:07d}\n"
            )
            if len(lines) == 10_000:
                handle.write("".join(lines))
                lines.clear()
        handle.write("".join(lines))


def write_playlist(path: Path, entries: int, rows: int) -> None:
    """Two in three entries are catalog rows (a third of them with their mix in brackets),
    the rest are tracks the catalog does not have."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("#EXTM3U\n")
        for i in range(entries):
            if i % 3 == 2:
                n = 10_000_000 + i
                artist, title, seconds = _artist(n), f"{_title(n)} {_word(i)}", 300
            else:
                k = (i * 7919) % rows
                mix = f" ({_MIXES[k % 4]})" if i % 3 == 0 else ""
                artist, title, seconds = _artist(k), _title(k) + mix, 240 + k % 300
            handle.write(f"#EXTINF:{seconds},{artist} - {title}\n/music/load/{i:06d}.mp3\n")


# -- processes --------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found.extend(int(p) for p in text.split())
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """Every process below `pid`, from /proc (Linux)."""
    out, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in lines if ":" in line)


def _kb(value: str) -> int:
    return int(value.split()[0]) if value else 0


@dataclass
class PeakSampler:
    """Samples VmHWM (peak RSS) of a process and everything below it, by role."""

    pid: int
    peaks: dict[str, int] = field(default_factory=dict)  # role -> kB
    _stop: threading.Event = field(default_factory=threading.Event)

    def _role(self, pid: int, status: dict[str, str]) -> str:
        if pid == self.pid:
            return "caller"
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            cmd = b""
        name = status.get("Name", "").strip()
        if b"spawn_main" in cmd:
            return f"spawned:{pid}"
        return f"{name}:{pid}"

    def run(self) -> None:
        while not self._stop.wait(0.2):
            for pid in [self.pid, *process_tree(self.pid)]:
                status = _status(pid)
                if status:
                    role = self._role(pid, status)
                    self.peaks[role] = max(self.peaks.get(role, 0), _kb(status.get("VmHWM", "")))

    def start(self) -> PeakSampler:
        threading.Thread(target=self.run, daemon=True).start()
        return self

    def stop(self) -> dict[str, int]:
        self._stop.set()
        return self.peaks


def run_sampled(args: list[str], env: dict[str, str]) -> tuple[float, str, dict[str, int]]:
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    sampler = PeakSampler(proc.pid).start()
    out, err = proc.communicate()
    took = time.perf_counter() - started
    peaks = sampler.stop()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args[2:4])} failed ({proc.returncode}): {err.strip()}")
    return took, out + err, peaks


def _roles(peaks: dict[str, int]) -> dict[str, int]:
    """caller / host / worker peaks in MB (the host is the first spawned process)."""
    spawned = sorted(
        (int(r.split(":")[1]), kb) for r, kb in peaks.items() if r.startswith("spawned")
    )
    named = {"cli": peaks.get("caller", 0)}
    if spawned:
        named["host"] = spawned[0][1]
        for n, (_pid, kb) in enumerate(spawned[1:], start=1):
            named[f"worker{n}"] = kb
    return {k: v // 1024 for k, v in named.items()}


# -- steps ------------------------------------------------------------------------------


def import_step(work: Path, env: dict[str, str], rows: int) -> dict[str, object]:
    csv_path = work / f"catalog-{rows}.csv"
    t0 = time.perf_counter()
    write_catalog(csv_path, rows)
    generated = time.perf_counter() - t0
    db = work / f"catalog-{rows}.sqlite"
    took, _out, peaks = run_sampled(
        [sys.executable, "-m", "matcher", "catalog", "import", str(csv_path), "--catalog", str(db)],
        env,
    )
    return {
        "rows": rows, "csv_mb": csv_path.stat().st_size / 1e6, "generate_s": generated,
        "import_s": took, "rows_per_s": rows / took, "db_mb": db.stat().st_size / 1e6,
        "peak_rss_mb": _roles(peaks)["cli"], "db": str(db),
    }  # fmt: skip


def match_step(work: Path, env: dict[str, str], db: Path, entries: int, rows: int,
               workers: int) -> dict[str, object]:  # fmt: skip
    playlist = work / f"load-{entries}.m3u8"
    write_playlist(playlist, entries, rows)
    out = work / f"out-{entries}-{rows}"
    took, said, peaks = run_sampled(
        [sys.executable, "-m", "matcher", "match", str(playlist), "--catalog", str(db),
         "--workers", str(workers), "--out", str(out), "--quiet"],
        env,
    )  # fmt: skip
    summary = re.search(r"(\d+) matched, (\d+) to review, (\d+) unmatched, (\d+) errors", said)
    with (out / playlist.stem / "matches.csv").open(newline="", encoding="utf-8") as handle:
        indices = [int(row["entry_index"]) for row in csv.DictReader(handle)]
    once = indices == list(range(entries))
    return {
        "entries": entries, "catalog_rows": rows, "match_s": took, "tracks_per_s": entries / took,
        "counts": summary.groups() if summary else said.strip()[-200:],
        "every_entry_once": once, "lost": entries - len(set(indices)),
        "duplicates": len(indices) - len(set(indices)), "peak_rss_mb": _roles(peaks),
        "playlist": str(playlist),
    }  # fmt: skip


def window_step(work: Path, env: dict[str, str], db: Path, playlist: Path) -> dict[str, object]:
    out = work / "out-window"
    result = subprocess.run(
        [sys.executable, __file__, "--_window", str(playlist), str(db), str(out)],
        env=env, capture_output=True, text=True, timeout=3600, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        return {"error": result.stderr.strip()[-500:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _window_main(playlist: str, db: str, out: str) -> None:
    """In a child process: the real window runs the batch; the main loop is timed."""
    import gc
    import resource

    from ui.app import build_app

    app = build_app([playlist, "--catalog", db, "--out", out, "--start"])
    gc.collect()  # as ui.__main__ does once the window is built
    gc.freeze()
    gaps: list[float] = []
    state = {"last": time.perf_counter(), "finished_at": None, "started": time.perf_counter()}

    launch: list[float] = []  # gaps before the batch shows as started (first layout, draw)

    def beat() -> None:
        now = time.perf_counter()
        phase = app.status_bar.phase.cget("text")
        (launch if phase == "Ready" and not gaps else gaps).append(now - state["last"])
        state["last"] = now
        if (
            phase in ("Finished", "Stopped by an error", "Could not start")
            and state["finished_at"] is None
        ):
            state["finished_at"] = now
        if state["finished_at"] is not None and now - state["finished_at"] > 1.0:
            app.root.quit()
            return
        if now - state["started"] > 3000:
            app.root.quit()
            return
        app.root.after(10, beat)

    app.root.after(10, beat)
    app.run()
    took = (state["finished_at"] or time.perf_counter()) - state["started"]
    stalls = sorted(g - 0.010 for g in gaps)
    app._finish_close()
    print(json.dumps({
        "phase": "finished" if state["finished_at"] else "timed out",
        "batch_s": took, "ticks": len(gaps),
        "worst_stall_ms": stalls[-1] * 1000 if stalls else None,
        "p99_stall_ms": stalls[int(len(stalls) * 0.99)] * 1000 if stalls else None,
        "median_stall_ms": statistics.median(stalls) * 1000 if stalls else None,
        "stalls_over_50ms": sum(1 for s in stalls if s > 0.05),
        "stalls_over_100ms": sum(1 for s in stalls if s > 0.1),
        "launch_worst_stall_ms": (max(launch) - 0.010) * 1000 if launch else None,
        "window_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", action="store_true", help="also at a tenth of the size")
    parser.add_argument("--no-window", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep")
    parser.add_argument("--_window", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._window:
        _window_main(*args._window)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="cratematch-load-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CRATEMATCH_HOME": str(work / "home"), "HOME": str(work / "home")}
    report: dict[str, object] = {}
    sizes = [(args.rows, args.entries)]
    if args.compare:
        sizes.insert(0, (args.rows // 10, args.entries // 10))
    try:
        for rows, entries in sizes:
            imported = import_step(work, env, rows)
            print(f"import {rows:,} rows: {json.dumps(imported)}", flush=True)
            matched = match_step(work, env, Path(str(imported["db"])), entries, rows, args.workers)
            print(f"match {entries:,} entries: {json.dumps(matched)}", flush=True)
            report[f"{rows}/{entries}"] = {"import": imported, "match": matched}
        if not args.no_window:
            if not os.environ.get("DISPLAY"):
                print("window: skipped (no DISPLAY; run under xvfb-run)")
            else:
                rows, entries = sizes[-1]
                last = report[f"{rows}/{entries}"]
                window = window_step(work, env, Path(str(last["import"]["db"])),  # type: ignore[index]
                                     Path(str(last["match"]["playlist"])))  # type: ignore[index]  # fmt: skip
                print(f"window {entries:,} entries: {json.dumps(window)}", flush=True)
                report["window"] = window
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
