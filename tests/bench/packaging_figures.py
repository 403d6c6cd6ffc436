"""Figures for the packaged app: build time, sizes, self-test time, start to window.

    .venv/bin/python tests/bench/packaging_figures.py [--build] [--runs 3]

With --build it first runs packaging/build.py (and reports its build time); otherwise it
measures what is in dist/. Linux only for the window figures (Xvfb, xdotool, ImageMagick).

- self-test: `--self-test` of each executable with no DISPLAY, wall time per run.
- start to window: from launching the executable to a mapped "CrateMatch" window, with a
  fresh HOME for the first launch (nothing cached: customtkinter copies its fonts,
  matplotlib builds its font list) and the same HOME for the launches after it. It also
  checks that matplotlib's font list is kept in the user cache dir and not rebuilt.
- screenshots in packaging/screenshots/ (git-ignored): the window as it first opens, and
  the one-folder app after matching the bundled demo.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SHOTS = PACKAGING / "screenshots"
DASHBOARD_TAB = ("593", "27")  # the tab button, in a 1280x800 window at 96 dpi


def _load(name: str):
    """A packaging/ script as a module (packaging/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load("build")
smoke = _load("smoke_window")


def self_test_times(exe: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        passed, line, seconds = build.self_test(exe)
        if not passed:
            raise SystemExit(f"{exe}: self-test failed: {line}")
        times.append(seconds)
    return times


def start_times(exe: Path, runs: int, display: str, shot: Path | None) -> list[float]:
    """Seconds to a mapped window: the first launch with a fresh HOME, the rest reuse it."""
    times = []
    with tempfile.TemporaryDirectory(prefix="cratematch-figures-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = smoke.fresh_env(home, display)
        fontlists: list[tuple[str, float]] = []
        for run in range(runs):
            proc = smoke.launch([str(exe)], env, Path(tmp) / f"run{run}.log")
            try:
                window, seconds = smoke.wait_for_window(proc, display, 60)
                if window is None:
                    log = (Path(tmp) / f"run{run}.log").read_text(errors="replace")
                    raise SystemExit(f"{exe}: no window\n{log[-2000:]}")
                times.append(seconds)
                if run == 0 and shot is not None:
                    time.sleep(2)
                    smoke.screenshot(display, shot)
            finally:
                smoke.stop(proc)
            found = sorted((home / ".cache" / "CrateMatch" / "matplotlib").glob("fontlist-*.json"))
            fontlists.append((found[0].name, found[0].stat().st_mtime) if found else ("", 0.0))
        kept = fontlists[0][0] and all(f == fontlists[0] for f in fontlists)
        where = "~/.cache/CrateMatch/matplotlib"
        print(f"  matplotlib font list in {where}: {fontlists[0][0] or 'MISSING'}, "
              f"{'kept across launches' if kept else 'REBUILT or missing'}")  # fmt: skip
    return times


def demo_screenshot(exe: Path, display: str, shot: Path) -> None:
    """The one-folder app with the demo playlists queued and matched."""
    demo = ROOT / "matcher" / "demo"
    # one playlist per file: a Rekordbox XML holding several asks which ones first
    playlists = [demo / "Sunday Session.m3u8", demo / "Spotify Finds.csv"]
    with tempfile.TemporaryDirectory(prefix="cratematch-figures-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        command = [str(exe), *map(str, playlists), "--catalog", str(demo / "catalog.csv"),
                   "--out", str(Path(tmp) / "out"), "--start"]  # fmt: skip
        proc = smoke.launch(command, smoke.fresh_env(home, display), Path(tmp) / "demo.log")
        try:
            window, _ = smoke.wait_for_window(proc, display, 60)
            if window is None:
                raise SystemExit("demo run: no window")
            deadline = time.monotonic() + 60
            while not (Path(tmp) / "out" / "batch_summary.json").exists():
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("demo run: the batch did not finish in the window")
                time.sleep(0.2)
            time.sleep(2)  # the last events reach the window
            smoke.screenshot(display, shot)
            # the Dashboard tab: matplotlib's TkAgg chart inside the frozen app (no window
            # manager on Xvfb, so the window sits at +0+0 and the tab is at a fixed place)
            env = {**os.environ, "DISPLAY": display}
            subprocess.run(["xdotool", "mousemove", *DASHBOARD_TAB, "click", "1"], env=env,
                           check=True)  # fmt: skip
            time.sleep(1.5)
            smoke.screenshot(display, shot.with_name(shot.stem + "-dashboard.png"))
        finally:
            smoke.stop(proc)


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times) + " s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="run packaging/build.py first")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.build:
        started = time.perf_counter()
        subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--no-test"], check=True)
        print(f"build.py total: {time.perf_counter() - started:.1f} s")
    out = build.outputs(ROOT / "dist")
    exes = {"one-file": out.onefile, "one-folder": out.onedir_exe}
    print(f"size one-file:   {build.folder_size(out.onefile) / 2**20:.1f} MiB")
    print(f"size one-folder: {build.folder_size(out.onedir) / 2**20:.1f} MiB")
    for label, exe in exes.items():
        times = self_test_times(exe, args.runs)
        print(f"self-test {label}: {_fmt(times)} (median {statistics.median(times):.2f} s)")
    with smoke.virtual_display() as display:
        for label, exe in exes.items():
            shot = SHOTS / f"frozen-{label}-window.png"
            print(f"start to window, {label}:")
            times = start_times(exe, args.runs, display, shot)
            rest = times[1:] or times
            median = statistics.median(rest)
            print(f"  first launch (fresh HOME) {times[0]:.2f} s")
            print(f"  later launches {_fmt(rest)} (median {median:.2f} s)")
            print(f"  screenshot: {shot.relative_to(ROOT)}")
        shot = SHOTS / "frozen-demo-run.png"
        demo_screenshot(out.onedir_exe, display, shot)
        print(f"demo run in the frozen window: {shot.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
