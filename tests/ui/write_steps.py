"""Driving the window to a write, shared by the tag-write and library-write tests: a
batch matched from a `WriteLibrary`, a preview ready to read, a table's rows."""

from __future__ import annotations

from tests.ui.gui_helpers import pump_until, spin
from tests.ui.write_library import WriteLibrary
from ui.write_run import Stage

__all__ = ["matched_app", "preview_ready", "table_rows"]


def matched_app(make_app, library: WriteLibrary):  # noqa: ANN001, ANN201
    """The window after matching `library`'s playlist, its results table filled."""
    app = make_app([str(library.playlist), "--catalog", str(library.catalog),
                    "--out", str(library.out), "--start"])  # fmt: skip
    pump_until(app, lambda: app.controller.writes.source is not None, "the batch to finish")
    pump_until(app, lambda: app.results_view.pending_count == 0, "the results table")
    return app


def preview_ready(app) -> None:  # noqa: ANN001
    """Wait until the write dialog shows a complete preview."""
    writes, dialog = app.controller.writes, app.write_actions.dialog
    pump_until(app, lambda: writes.run.stage is Stage.PREVIEW and writes.preview.ready
               and not dialog.preview.filling and dialog.stage is Stage.PREVIEW,
               "the preview")  # fmt: skip
    spin(app, 0.1)


def table_rows(tree) -> list[tuple[str, ...]]:  # noqa: ANN001
    return [tuple(tree.item(iid, "values")) for iid in tree.get_children("")]
