"""A process named like a DJ app, for the refusals that say the app is running: a copy of
`sleep` under the app's process name, waited for (at most 10 s) until `running_process`
finds it, and killed on exit."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from matcher.writeback.libraries.apps import running_process

__all__ = ["app_running"]


@contextmanager
def app_running(folder: Path, app: str, name: str = "") -> Iterator[subprocess.Popen]:
    """`app` ("rekordbox", "traktor") seen running while the block runs; `name` is the
    process's file name when it differs from `app` (Traktor's is "Traktor")."""
    fake = folder / "bin" / (name or app)
    fake.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shutil.which("sleep") or "/bin/sleep", fake)
    fake.chmod(0o755)
    process = subprocess.Popen([str(fake), "60"])
    try:
        deadline = time.monotonic() + 10
        while running_process(app) != process.pid and time.monotonic() < deadline:
            time.sleep(0.05)
        yield process
    finally:
        process.kill()
        process.wait()
