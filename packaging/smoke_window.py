"""Start the built app's window on a virtual display and check that it comes up and stays.

    python packaging/smoke_window.py dist/cratematch [--alive 5] [--screenshot shot.png]

Starts its own Xvfb (1280x800x24, 96 dpi) unless a DISPLAY is set, runs the executable
with a fresh, temporary HOME (so no user file is read or written), waits until a window
titled "CrateMatch" is mapped, checks the app is still running `--alive` seconds later,
then stops it and everything it started. Prints one line; exit 0 when the window came up
and stayed. Needs Xvfb and xdotool (and ImageMagick's `import` for --screenshot).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["WINDOW_TITLE", "fresh_env", "launch", "main", "screenshot", "stop", "virtual_display",
           "wait_for_window"]  # fmt: skip

WINDOW_TITLE = "CrateMatch"
XVFB_ARGS = ("-screen", "0", "1280x800x24", "-dpi", "96", "-nolisten", "tcp")
# Variables that would send the app's files somewhere other than the fresh HOME.
_PLACES = ("CRATEMATCH_HOME", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
           "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "XDG_MUSIC_DIR")  # fmt: skip


@contextmanager
def virtual_display() -> Iterator[str]:
    """The current DISPLAY, or a new Xvfb's for the duration of the block."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), *XVFB_ARGS], pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    try:
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def fresh_env(home: Path, display: str | None) -> dict[str, str]:
    """This environment with HOME replaced and every per-user location dropped, on
    `display`, or with no display at all when it is None."""
    env = {k: v for k, v in os.environ.items() if k not in _PLACES}
    env["HOME"] = str(home)
    if display is None:
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
    else:
        env["DISPLAY"] = display
    return env


def launch(command: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start the app in a session of its own, so `stop` ends its workers too."""
    with log.open("wb") as out:
        return subprocess.Popen(
            list(command), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_for_window(
    proc: subprocess.Popen[bytes], display: str, timeout_s: float
) -> tuple[str | None, float]:
    """(window id, seconds since now) once a visible CrateMatch window exists; (None, …)
    when the app exits or the time runs out."""
    started = time.perf_counter()
    env = {**os.environ, "DISPLAY": display}
    while time.perf_counter() - started < timeout_s and proc.poll() is None:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", f"^{WINDOW_TITLE}$"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if found.returncode == 0 and found.stdout.strip():
            return found.stdout.split()[0], time.perf_counter() - started
        time.sleep(0.02)
    return None, time.perf_counter() - started


def screenshot(display: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["import", "-display", display, "-window", "root", str(path)], check=True, timeout=30
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End the app and its engine processes (its own session, started by `launch`)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError):  # workers left after the app is gone
        os.killpg(proc.pid, signal.SIGKILL)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alive", type=float, default=5.0, help="seconds it must keep running")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for it")
    parser.add_argument("--screenshot", type=Path, help="save the screen here before stopping")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="executable and its arguments")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("name the executable to start")
    with tempfile.TemporaryDirectory(prefix="cratematch-smoke-") as tmp, virtual_display() as disp:
        log = Path(tmp) / "app.log"
        (Path(tmp) / "home").mkdir()
        proc = launch(args.command, fresh_env(Path(tmp) / "home", disp), log)
        try:
            window, seconds = wait_for_window(proc, disp, args.timeout)
            if window is not None:
                time.sleep(args.alive)
            alive = proc.poll() is None
            if window is not None and alive and args.screenshot:
                screenshot(disp, args.screenshot)
        finally:
            stop(proc)
        output = log.read_text(errors="replace").strip()
    if window is None or not alive:
        what = "no window" if window is None else f"exited {proc.returncode} after the window"
        print(f"window smoke test FAILED: {what} ({seconds:.1f} s)\n{output[-2000:]}")
        return 1
    print(f"window smoke test ok: window up in {seconds:.2f} s, running {args.alive:g} s later")
    return 0


if __name__ == "__main__":
    sys.exit(main())
