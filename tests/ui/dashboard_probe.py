"""Run by test_dashboard_fit.py in a process of its own, on a virtual screen of the size
and DPI under test: the real window, its dashboard fed with a full snapshot (every
panel has rows), each view switched to in turn. Prints, as JSON, the window's size and,
per view, every widget shown that reaches beyond the dashboard or the window, and the
rows a table holds but cannot show; saves a screenshot of each view.

    python -m tests.ui.dashboard_probe SCREENSHOT_PREFIX
"""

from __future__ import annotations

import json
import os
import sys
import tkinter as tk

from matcher import (
    BatchStarted,
    MemoryUse,
    MetricsSnapshot,
    ProcessMemory,
    QueryKindStats,
    RunSeries,
    SlowTrack,
)
from matcher.metrics import ChunkStats, MetricsAccumulator
from tests.ui.gui_helpers import spin
from ui.app import build_app
from ui.performance_model import PANELS

BATCH = "20260101-000000-ffffff"
KINDS = (
    QueryKindStats("isrc", 9000, 900.0, 1200, found=800, proposed=10, only=500),
    QueryKindStats("store-id", 9000, 900.0, 120, found=80, proposed=1, only=50),
    QueryKindStats("title+artist", 8200, 41000.0, 52000, found=16100, proposed=1300, only=12400),
    QueryKindStats("title", 2100, 15000.0, 30000, found=410, proposed=220, only=120),
    QueryKindStats("artist+any-title", 1700, 9000.0, 21000, found=130, proposed=60, only=20),
    QueryKindStats("any-word", 1500, 30000.0, 99000, found=44, proposed=80, only=3),
    QueryKindStats("trigram", 900, 52000.0, 15000),
)
SLOWEST = tuple(
    SlowTrack(1900.0 - 40 * n, 12, ("matched", "review", "unmatched", "error")[n % 4], n % 2,
              ("Friday Warm Up", "Saturday Peak Time")[n % 2], 1000 * n + 3,
              f"An Invented Artist With A Long Name {n}",
              f"An Invented Title Of The Track {n} (Extended Club Mix)")
    for n in range(10)
)  # fmt: skip
MEMORY = MemoryUse(
    ProcessMemory("host", 0, 123456, 150 << 20, 180 << 20),
    tuple(ProcessMemory("worker", i, 200000 + i, (90 + i) << 20, (120 + i) << 20,
                        restarts=2 if i == 2 else 0) for i in range(8)),
    900 << 20, 1100 << 20,
)  # fmt: skip
PREVIOUS = RunSeries("20251231-000000-pppppp", (0.0, 30.0, 60.0, 90.0), (0.0, 90.0, 110.0, 105.0),
                     (0, 2700, 6000, 9500), (0.0, 0.8, 0.8, 0.8), preset="thorough")  # fmt: skip


def _outside(widget: tk.Misc, box: tuple[int, int, int, int]) -> list[str]:
    """Every mapped widget under `widget` that reaches beyond `box` (x0, y0, x1, y1)."""
    found = []
    for child in widget.winfo_children():
        if not child.winfo_ismapped():
            continue
        x, y = child.winfo_rootx(), child.winfo_rooty()
        right, bottom = x + child.winfo_width(), y + child.winfo_height()
        if x < box[0] or y < box[1] or right > box[2] + 1 or bottom > box[3] + 1:
            found.append(f"{child} {child.winfo_width()}x{child.winfo_height()}+{x}+{y}")
        found += _outside(child, box)
    return found


def _box(widget: tk.Misc) -> tuple[int, int, int, int]:
    x, y = widget.winfo_rootx(), widget.winfo_rooty()
    return (x, y, x + widget.winfo_width(), y + widget.winfo_height())


def _hidden_rows(tree) -> int:  # noqa: ANN001 - a ttk.Treeview
    return sum(1 for iid in tree.get_children("") if not tree.bbox(iid))


def _clipped(tree) -> list[str]:  # noqa: ANN001 - a ttk.Treeview
    """Cells and headings whose text is wider than their column (a Treeview cuts them)."""
    from tkinter import ttk

    style = str(tree.cget("style"))
    fonts = (
        ttk.Style(tree).lookup(style, "font"),
        ttk.Style(tree).lookup(f"{style}.Heading", "font"),
    )
    shown = list(tree.cget("displaycolumns"))
    columns = list(tree.cget("columns")) if shown in (["#all"], []) else shown
    out = []
    for key in columns:
        width = int(tree.column(key, "width")) - 6
        texts = [(fonts[1], tree.heading(key, "text"))]
        texts += [(fonts[0], str(tree.set(iid, key))) for iid in tree.get_children("")]
        for font, text in texts:
            if int(tree.tk.call("font", "measure", font, text)) > width:
                out.append(f"{key}: {text!r}")
    return out


def main() -> None:
    prefix = sys.argv[1]
    app = build_app([])
    spin(app, 1.0)
    app.tabs.set("Dashboard")
    board = app.dashboard
    board.previous = lambda _playlists, _batch: PREVIOUS
    board.on_event(BatchStarted(BATCH, 0, 20000, ((0, "friday.xml", "Friday Warm Up", 10000),
                                                  (1, "saturday.xml", "Saturday Peak Time",
                                                   10000)), 8))  # fmt: skip
    acc = MetricsAccumulator(total_tracks=20000, workers=8, preset="balanced", started=0.0)
    for n in range(1, 60):
        acc.add_chunk(ChunkStats(tracks=100, matched=80, review=8, unmatched=10, error=2,
                                 queries=300, candidates=2000, search_s=0.8, score_s=0.4,
                                 busy_s=1.3), 100)  # fmt: skip
        board.on_snapshot(MetricsSnapshot(BATCH, n, acc.snapshot(n * 1.0), KINDS, SLOWEST, MEMORY))
    board.say(
        "Saved performance_report.json, performance_report.png and "
        "performance_report-queries.png in /home/dj/Music/CrateMatch/Friday and Saturday"
    )
    root = app.root
    report: dict[str, object] = {"window": [root.winfo_width(), root.winfo_height()],
                                 "screen": [root.winfo_screenwidth(), root.winfo_screenheight()],
                                 "views": {}}  # fmt: skip
    for name in PANELS:
        board.show_panel(name)
        spin(app, 1.0)
        outside = _outside(board, _box(board)) + _outside(root, _box(root))
        trees = {"Queries": board.queries.table.tree, "Slowest tracks": board.slowest.table.tree,
                 "Memory": board.memory.table.tree}  # fmt: skip
        hidden = _hidden_rows(trees[name]) if name in trees else 0
        clipped = _clipped(trees[name]) if name in trees else []
        report["views"][name] = {"outside": outside, "hidden_rows": hidden,  # type: ignore[index]
                                 "clipped": clipped}  # fmt: skip
        if prefix:
            from PIL import ImageGrab

            slug = name.split()[0].lower()
            ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).save(f"{prefix}-{slug}.png")
    print(json.dumps(report))
    app._finish_close()


if __name__ == "__main__":
    main()
