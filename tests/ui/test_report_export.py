""" "Export report…" without Tk: the report and the charts beside it, and a readable line
(never a traceback) when something cannot be written."""

from __future__ import annotations

from pathlib import Path

from matcher import MetricsSnapshot
from matcher.errors import OutputError
from ui.report_export import export_report

B = "20260101-000000-eeeeee"


def _writer(log: list):
    def write(path: Path, batch_id: str, snapshot: MetricsSnapshot | None) -> Path:
        log.append((path, batch_id, snapshot))
        path.write_text("{}", encoding="utf-8")
        return path

    return write


def _saver(path: Path) -> None:
    path.write_bytes(b"\x89PNG")


def test_the_report_then_each_chart_beside_it(tmp_path: Path):
    log: list = []
    snapshot = MetricsSnapshot(B, 1, {})
    outcome = export_report(tmp_path / "performance_report.json", B, snapshot,
                            (_saver, _saver), write=_writer(log))  # fmt: skip
    names = ("performance_report.json", "performance_report.png", "performance_report-queries.png")
    report, chart, queries = (tmp_path / name for name in names)
    assert outcome.ok and outcome.written == (report, chart, queries)
    assert log == [(report, B, snapshot)]
    assert all(p.is_file() for p in outcome.written)
    assert outcome.message == (f"Saved performance_report.json, performance_report.png and "
                               f"performance_report-queries.png in {tmp_path}")  # fmt: skip


def test_an_engine_error_is_one_readable_line(tmp_path: Path):
    def refuse(path: Path, batch_id: str, snapshot: object) -> None:
        raise OutputError(f"cannot write {path}: disk full")

    outcome = export_report(tmp_path / "r.json", B, None, (_saver,), write=refuse)
    assert not outcome.ok and outcome.written == ()
    assert (
        outcome.message
        == f"The report could not be saved: cannot write {tmp_path / 'r.json'}: disk full"
    )
    assert "Traceback" not in outcome.message and not (tmp_path / "r.png").exists()


def test_a_folder_that_cannot_be_written_says_why(tmp_path: Path):
    def denied(path: Path, batch_id: str, snapshot: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    outcome = export_report(tmp_path / "r.json", B, None, (), write=denied)
    assert outcome.message == "The report could not be saved: Permission denied"


def test_a_chart_that_cannot_be_saved_keeps_the_report_and_says_so(tmp_path: Path):
    def no_room(path: Path) -> None:
        raise OSError(28, "No space left on device")

    outcome = export_report(tmp_path / "r.json", B, None, (_saver, no_room), write=_writer([]))
    assert not outcome.ok
    assert outcome.written == (tmp_path / "r.json", tmp_path / "r.png")
    assert (
        outcome.message == "Saved r.json, but not the chart r-queries.png: No space left on device"
    )


def test_no_batch_no_report(tmp_path: Path):
    outcome = export_report(tmp_path / "r.json", "", None, (_saver,), write=_writer([]))
    assert not outcome.ok and outcome.message.startswith("No batch yet")
    assert list(tmp_path.iterdir()) == []
