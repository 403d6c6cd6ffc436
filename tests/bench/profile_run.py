"""Where a CLI run's CPU time goes: the host, the workers and the writer, phase by phase.

    pip install py-spy      # into .venv; samples every process of the run from outside
    python tests/bench/profile_run.py [--workers 2] [--rate 250] [--playlist FILE]
                                      [--raw OUT.txt] [--top 25] [--from-raw RAW.txt]

Runs `cratematch match` on the devset stress playlist (10,000 entries) under
`py-spy record --subprocesses` and sorts every sample (CPU time only: idle waits are
not sampled) into a process role (CLI, engine host, worker, start-up of a spawned
process) and a phase, by the first rule whose function appears in the sample's stack.
Prints a table (phase -> CPU seconds, share of the role, share of the run), then the
functions with the most self time per role: the hot spots to act on.

py-spy's own overhead makes the run ~10 % slower; shares are what to read, not the
wall time. The catalog is imported beforehand (not sampled).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEVSET = ROOT.parent / "shared" / "devset"
STRESS = DEVSET / "playlists" / "rekordbox_stress_10k.xml"
HOME = Path(tempfile.gettempdir()) / "cratematch-bench-home"

# (phase, functions any of which in a stack puts a sample in that phase), first match wins
HOST_PHASES = (
    ("parse playlists", ("load_playlists", "read_playlists")),
    ("write outputs", ("write_playlist_outputs", "write_batch_xml", "write_batch_summary",
                       "BatchPerf.write_report", "OutputStream.", "PlaylistRun.write")),
    ("journal writes", ("Journal.", "journal_batch")),
    ("events out", ("_Host.emit_for.<locals>.emit",)),
    ("metrics", ("MetricsAccumulator.", "BatchPerf.", "ChunkedRun._snapshot")),
    ("result handling", ("BatchRun._on_result", "BatchRun._record")),
    ("chunk dispatch", ("ChunkedRun._dispatch",)),
    ("receive chunks", ("WorkerPool._receive",)),
    ("wait / poll", ("WorkerPool.poll",)),
    ("start workers", ("WorkerPool.start", "WorkerPool._spawn")),
    ("commands", ("_Host._drain_commands",)),
)  # fmt: skip
WORKER_PHASES = (
    ("transport: encode rows", ("encode_result",)),
    ("transport: briefs, stats", ("MatchResult.brief", "chunk_stats")),
    ("transport: render CSV rows", ("render_bodies",)),
    ("transport: send", ("_ConnectionBase.send",)),
    ("transport: receive", ("_ConnectionBase.recv",)),
    ("read entry (normalise)", ("read_entry",)),
    ("queries (plan, search)", ("MeteredProvider.", "Provider.plan", "LocalCatalog.")),
    ("score candidates", ("score (matcher/matching/scoring.py",)),
    ("decide", ("decide (matcher", "_certain")),
    ("file stamp", ("file_stamp",)),
    ("open catalog", ("open_provider",)),
    ("match_entry itself", ("match_entry (",)),
)
CLI_PHASES = (
    ("receive events", ("Engine._pump", "Batch.events")),
    ("progress", ("progress", "follow")),
)

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _role_of(stack: str, depth: int) -> str | None:
    if "worker_main (" in stack:
        return "worker"
    if "host_main (" in stack:
        return "host"
    return "cli" if depth <= 1 else None


def _phase(role: str, stack: str) -> str:
    if not stack:
        return "no Python frame (interpreter start/exit)"
    if "exit_with_parent" in stack:
        return "parent-watch thread (sleeps; py-spy counts it)"
    if "Queue._feed" in stack:
        return "queue feeder thread (pickles, sends)"
    if "_find_and_load" in stack and "_main (multiprocessing/spawn.py" in stack:
        return "start-up: imports"
    table = {"host": HOST_PHASES, "worker": WORKER_PHASES, "cli": CLI_PHASES}.get(role, ())
    for phase, markers in table:
        if any(marker in stack for marker in markers):
            return phase
    if "_find_and_load" in stack:
        return "imports"
    return "other"


def analyse(raw: Path, rate: float, top: int) -> None:
    phases: Counter[tuple[str, str]] = Counter()
    roles: Counter[str] = Counter()
    selfs: Counter[tuple[str, str]] = Counter()
    samples = []
    pid_roles: dict[str, str] = {}  # a process's role, from any of its samples
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")  # (a process's command line may hold ";" too)
        processes = [f.split(":", 1)[0] for f in frames if f.startswith("process ")]
        code = [f for f in frames if not f.startswith("process ") and _FRAME.match(f)]
        joined = ";".join(code)
        pid = processes[-1] if processes else ""
        role = _role_of(joined, len(processes))
        if role:
            pid_roles.setdefault(pid, role)
        samples.append((pid, code, joined, int(count)))
    for pid, code, joined, n in samples:
        role = pid_roles.get(pid, "spawned process that never started")
        roles[role] += n
        phases[(role, _phase(role, joined))] += n
        if code:
            m = _FRAME.match(code[-1])
            where = f"{m['func']} ({m['file']})" if m else code[-1]
            selfs[(role, where)] += n
    total = sum(roles.values())
    print(f"{total / rate:.2f} CPU-s sampled at {rate:g} Hz")
    print(f"{'role / phase':44s} {'CPU s':>7s} {'role %':>7s} {'run %':>6s}")
    for role, n in roles.most_common():
        print(f"{role:44s} {n / rate:7.2f} {100.0:6.1f}% {100 * n / total:5.1f}%")
        for (r, phase), m in sorted(phases.items(), key=lambda kv: -kv[1]):
            if r == role:
                print(f"  {phase:42s} {m / rate:7.2f} {100 * m / n:6.1f}% {100 * m / total:5.1f}%")
    for role in ("worker", "host", "cli"):
        n = roles.get(role, 0)
        if not n:
            continue
        print(f"\nself time, {role} (top {top}):")
        ranked = sorted(((w, c) for (r, w), c in selfs.items() if r == role), key=lambda x: -x[1])
        for where, c in ranked[:top]:
            print(f"  {c / rate:6.2f} s {100 * c / n:5.1f}%  {where}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rate", type=float, default=250)
    ap.add_argument("--playlist", type=Path, default=STRESS)
    ap.add_argument("--raw", type=Path, help="keep py-spy's raw samples here")
    ap.add_argument("--from-raw", type=Path, help="analyse raw samples kept earlier")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    if a.from_raw:
        analyse(a.from_raw, a.rate, a.top)
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("py-spy is not installed: pip install py-spy")
    if not a.playlist.exists():
        sys.exit(f"{a.playlist} is not here")
    os.environ["CRATEMATCH_HOME"] = str(HOME)
    from matcher.catalog import resolve_catalog

    resolve_catalog(DEVSET / "catalog.csv.gz")  # imported once, not sampled
    out = Path(tempfile.mkdtemp(prefix="cm-profile-"))
    raw = a.raw or out / "samples.txt"
    cmd = [spy, "record", "--subprocesses", "--rate", str(a.rate), "--format", "raw",
           "--output", str(raw), "--", sys.executable, "-m", "matcher", "match",
           str(a.playlist), "--all-playlists", "--catalog", str(DEVSET / "catalog.csv.gz"),
           "--workers", str(a.workers), "--out", str(out / "run"), "--quiet"]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    print(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:])
    print(f"CLI wall time under py-spy: {wall:.2f} s; load average {os.getloadavg()[0]:.2f}")
    analyse(raw, a.rate, a.top)


if __name__ == "__main__":
    main()
