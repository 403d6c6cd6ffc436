"""Fail when the venv holds a package version that constraints.txt does not pin.

pip applies constraints only to what it installs; this catches a dependency added to
pyproject.toml without refreshing the lock (it would install unpinned) and a venv that
drifted. Run with the venv's Python: `.venv/bin/python .ci/check_lock.py`.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker

LOCK = Path(__file__).resolve().parent.parent / "constraints.txt"
NOT_LOCKED = {"cratematch", "pip"}  # the project itself; the venv's own installer


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in LOCK.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement, _, marker = line.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        name, _, version = requirement.partition("==")
        pins[canonical(name)] = version.strip()
    return pins


def main() -> int:
    pins = locked()
    problems = []
    for dist in metadata.distributions():
        name = canonical(dist.metadata["Name"])
        if name in NOT_LOCKED:
            continue
        if name not in pins:
            problems.append(f"{name} {dist.version}: not in constraints.txt")
        elif pins[name] != dist.version:
            problems.append(f"{name} {dist.version}: constraints.txt pins {pins[name]}")
    for problem in sorted(problems):
        print(f"check_lock: {problem}", file=sys.stderr)
    if problems:
        print("check_lock: refresh the lock with `bash .ci/lock`", file=sys.stderr)
        return 1
    print(f"check_lock: {len(pins)} pins, the venv matches")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
