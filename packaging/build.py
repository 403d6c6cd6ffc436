"""Build CrateMatch's executables for this OS: `python packaging/build.py`.

    dist/cratematch(.exe)                  one file: window, CLI, --self-test
    dist/CrateMatch-app/                   one folder (CrateMatch(.exe) inside)
    dist/CrateMatch.app                    macOS: the bundle
    dist/cratematch.desktop, cratematch.png   Linux: menu entry and icon

Installs nothing: PyInstaller comes from the `build` extra (`pip install -e '.[build]'`).
After building it runs `--self-test` on both executables (no display needed) and prints
the build time, the sizes and the self-test times. Exit 0 when all went well.
A build only runs on the OS and CPU it was made on: build on each platform.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import app_meta  # noqa: E402

__all__ = ["BuildOutputs", "check_pyinstaller", "folder_size", "main", "outputs"]

SPEC = HERE / "cratematch.spec"
DESKTOP_FILE = HERE / "linux" / "cratematch.desktop"
PNG_ICON = HERE / "icons" / "cratematch.png"
MISSING = (
    "PyInstaller is not installed in this Python ({python}).\n"
    "Install the build extra first:  {python} -m pip install -e '.[build]'"
)


@dataclass(frozen=True, slots=True)
class BuildOutputs:
    """Where a build for `platform` puts each artefact."""

    onefile: Path
    onedir: Path
    onedir_exe: Path
    bundle: Path | None  # macOS only
    desktop: Path | None  # Linux only


def outputs(dist: Path, platform: str = sys.platform) -> BuildOutputs:
    exe = ".exe" if platform == "win32" else ""
    onedir = dist / app_meta.ONEDIR_NAME
    return BuildOutputs(
        onefile=dist / f"{app_meta.ONEFILE_NAME}{exe}",
        onedir=onedir,
        onedir_exe=onedir / f"{app_meta.APP_NAME}{exe}",
        bundle=dist / f"{app_meta.APP_NAME}.app" if platform == "darwin" else None,
        desktop=dist / DESKTOP_FILE.name if platform.startswith("linux") else None,
    )


def check_pyinstaller() -> str | None:
    """None when PyInstaller can be imported here, else what to do about it."""
    if importlib.util.find_spec("PyInstaller") is None:
        return MISSING.format(python=sys.executable)
    return None


def folder_size(path: Path) -> int:
    """Bytes in a file or, recursively, a folder (symlinks not followed)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def build(dist: Path, work: Path, *, clean: bool) -> float:
    """Run PyInstaller on the spec; returns the seconds it took."""
    command = [
        sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
        "--distpath", str(dist), "--workpath", str(work), "--log-level", "WARN",
    ]  # fmt: skip
    if clean:
        command.append("--clean")
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - started


def install_linux_extras(out: BuildOutputs) -> None:
    """The .desktop file and its icon next to the one-file executable."""
    if out.desktop is None:
        return
    shutil.copyfile(DESKTOP_FILE, out.desktop)
    shutil.copyfile(PNG_ICON, out.desktop.with_name(PNG_ICON.name))


def self_test(exe: Path) -> tuple[bool, str, float]:
    """(passed, its one line, seconds) for `exe --self-test`, run with no display."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    started = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "--self-test"], env=env, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    line = (proc.stdout.strip() or proc.stderr.strip() or "(no output)").splitlines()[-1]
    return proc.returncode == 0, line, elapsed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build CrateMatch's executables for this OS.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--no-test", action="store_true", help="skip the --self-test runs")
    args = parser.parse_args(argv)
    if problem := check_pyinstaller():
        print(problem, file=sys.stderr)
        return 2
    version = app_meta.read_version(ROOT)
    print(f"Building CrateMatch {version} for {sys.platform} with {sys.executable}")
    try:
        seconds = build(args.dist, args.work, clean=args.clean)
    except subprocess.CalledProcessError as err:
        print(f"build failed: PyInstaller exited with {err.returncode}", file=sys.stderr)
        return 1
    out = outputs(args.dist)
    install_linux_extras(out)
    print(f"build time: {seconds:.1f} s (both forms, one analysis)")
    print(f"one-file:   {out.onefile.relative_to(ROOT)}  {_mib(folder_size(out.onefile))}")
    print(f"one-folder: {out.onedir.relative_to(ROOT)}/  {_mib(folder_size(out.onedir))}")
    if out.bundle is not None:
        print(f"bundle:     {out.bundle.relative_to(ROOT)}  {_mib(folder_size(out.bundle))}")
    if out.desktop is not None:
        print(f"desktop:    {out.desktop.relative_to(ROOT)} (+ {PNG_ICON.name})")
    if args.no_test:
        return 0
    ok = True
    for exe in (out.onefile, out.onedir_exe):
        passed, line, elapsed = self_test(exe)
        ok &= passed
        print(f"self-test {exe.relative_to(ROOT)}: {elapsed:.1f} s: {line}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
