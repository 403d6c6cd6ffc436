"""packaging/: the frozen entry point, the spec, the app's metadata and the .desktop file,
checked without building (building is CI's job: .ci/run runs packaging/build.py)."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import json
import os
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import matcher
from matcher.demo import DEMO_CATALOG, DEMO_EXPECTED, DEMO_PLAYLISTS, demo_dir, selftest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / "cratematch.desktop"


def _load(name: str) -> ModuleType:
    """A packaging/ script as a module, under a name no installed package uses."""
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    saved = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved  # build.py puts packaging/ first to import app_meta
    return module


entry = _load("cratematch_entry")
app_meta = _load("app_meta")
build = _load("build")
smoke = _load("smoke_window")


def test_packaging_is_not_a_python_package() -> None:
    assert PACKAGING.is_dir()
    assert not (PACKAGING / "__init__.py").exists()


# -- the entry point ---------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--version"]) == 0
    assert capsys.readouterr().out == f"cratematch {matcher.__version__}\n"


def test_help_names_every_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert entry.main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("--self-test", "--version", "match", "catalog", "demo", "window"):
        assert word in out


def test_cli_subcommands_run_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = tmp_path / "catalog.sqlite"
    source = demo_dir() / DEMO_CATALOG
    assert entry.main(["catalog", "import", str(source), "--catalog", str(catalog)]) == 0
    assert entry.main(["catalog", "info", "--catalog", str(catalog)]) == 0
    rows = len(source.read_text(encoding="utf-8").strip().splitlines()) - 1
    assert f"{catalog}: {rows} tracks" in capsys.readouterr().out


def test_cli_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert entry.main(["match", str(tmp_path / "missing.m3u8"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cratematch: error:") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "window_argv"),
    [
        pytest.param([], [], id="no-args"),
        pytest.param(["a.m3u8", "b.xml", "--start"], ["a.m3u8", "b.xml", "--start"], id="files"),
        pytest.param(["--catalog", "c.csv"], ["--catalog", "c.csv"], id="options"),
        pytest.param(["-psn_0_12345", "a.csv"], ["a.csv"], id="old-macos-psn-arg-dropped"),
    ],
)
def test_anything_else_opens_the_window(
    argv: list[str], window_argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.__main__

    calls: list[list[str]] = []
    monkeypatch.setenv("DISPLAY", ":99")  # never opened: the window is a stand-in
    monkeypatch.setattr(ui.__main__, "main", lambda args: calls.append(list(args)) or 0)
    assert entry.main(argv) == 0
    assert calls == [window_argv]


def test_window_without_a_display_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ui.__main__

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(ui.__main__, "main", lambda args: pytest.fail("window opened"))
    assert entry.main(["playlist.m3u8"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "cratematch: error: cannot open the window: no display (DISPLAY is not set); give a"
        " command (match, catalog, demo, ...) or see `cratematch --help`\n"
    )


def test_frozen_window_keeps_matplotlib_cache_in_user_cache_dir(
    monkeypatch: pytest.MonkeyPatch, cratematch_home: Path
) -> None:
    import ui.__main__

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setenv("MPLCONFIGDIR", "/tmp/what-pyinstaller-hook-set")
    monkeypatch.setattr(ui.__main__, "main", lambda args: 0)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert entry.main([]) == 0
    folder = cratematch_home / "cache" / "matplotlib"
    assert os.environ["MPLCONFIGDIR"] == str(folder)
    assert folder.is_dir()


def test_not_frozen_leaves_matplotlib_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.__main__

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setenv("MPLCONFIGDIR", "/somewhere/mine")
    monkeypatch.setattr(ui.__main__, "main", lambda args: 0)
    assert entry.main(["x.m3u8"]) == 0
    assert os.environ["MPLCONFIGDIR"] == "/somewhere/mine"


def test_self_test_failure_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> str:
        raise selftest.SelfTestFailed("the demo batch ended as BatchCancelled")

    monkeypatch.setattr(selftest, "self_test", broken)
    assert entry.main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert out == "cratematch self-test FAILED: the demo batch ended as BatchCancelled\n"


# -- the two installs behave the same (issue 15): one launcher ---------------------------

CONSOLE_SCRIPT = Path(sys.executable).parent / (
    "cratematch.exe" if os.name == "nt" else "cratematch"
)
INSTALLS = [
    pytest.param([str(CONSOLE_SCRIPT)], id="pip-console-script"),
    pytest.param([sys.executable, str(PACKAGING / "cratematch_entry.py")], id="packaged-entry"),
]


def _installed(argv: list[str]) -> None:
    if not Path(argv[0]).exists():
        pytest.skip("cratematch is not installed in this environment (pip install -e .)")


def _no_display_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["CRATEMATCH_HOME"] = str(home)
    return env


def test_console_script_and_packaged_entry_share_the_launcher() -> None:
    import tomllib

    from matcher.cli import launch

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    module, _, name = project["scripts"]["cratematch"].partition(":")
    assert getattr(importlib.import_module(module), name) is launch.run
    assert project["gui-scripts"][launch.GUI_SCRIPT] == "ui.__main__:main"
    calls = ast.parse((PACKAGING / "cratematch_entry.py").read_text(encoding="utf-8"))
    imported = {(n.module, a.name) for n in ast.walk(calls) if isinstance(n, ast.ImportFrom)
                for a in n.names}  # fmt: skip
    assert {("matcher.cli.launch", "main"), ("matcher.cli.launch", "run")} <= imported


_ENDING = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('teardown', flush=True))\n"
    "from matcher.cli.launch import run\n"
    "print('before', end=' ')\n"  # buffered: the end must flush it
    "run(sys.argv[1:], open_window=lambda args: 0)\n"
)


@pytest.mark.parametrize(
    ("argv", "code", "teardown"),
    [
        pytest.param(["demo", "--out", "demo-out"], 0, False, id="batch"),
        pytest.param(["match", "gone.xml"], 2, False, id="batch-refused"),
        pytest.param(["batches"], 0, True, id="other-command"),
        pytest.param(["--version"], 0, True, id="version"),
        pytest.param(["set.m3u8"], 0, True, id="window"),
    ],
)  # fmt: skip
def test_a_batch_command_ends_its_process_without_the_teardown(
    argv: list[str], code: int, teardown: bool, tmp_path: Path
) -> None:
    """`run`: once a batch command has returned, everything it owns is closed and
    written, and the interpreter's teardown would only free memory (30 ms after a
    10,000-track batch), so the process ends at once. Its exit code and every line it
    printed, buffered or not, are kept, and nothing is left for the resource tracker to
    warn of; other commands, the window and the options end the usual way."""
    env = {**_no_display_env(tmp_path / "home"), "DISPLAY": ":99"}
    proc = subprocess.run([sys.executable, "-c", _ENDING, *argv], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert proc.stdout.startswith("before ")
    assert ("teardown" in proc.stdout) is teardown
    if code == 2:
        assert proc.stderr.count("\n") == 1 and "gone.xml" in proc.stderr
    else:
        assert proc.stderr == ""


def test_the_quick_end_keeps_its_exit_code_when_the_reader_of_its_output_has_gone(
    tmp_path: Path,
) -> None:
    """`cratematch demo | head -1`: the pipe is closed when the last buffered output is
    flushed; the process still ends with its own code, without a traceback."""
    env = {k: v for k, v in _no_display_env(tmp_path).items() if k != "PYTHONUNBUFFERED"}
    code = (
        "import sys, time\n"
        "from matcher.engine.processes import quick_exit\n"
        "sys.stdout.write('x' * 1000)\n"  # held in the buffer
        "time.sleep(0.5)\n"
        "quick_exit(3)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes before the output is flushed
    with proc.stderr:
        stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 3
    assert stderr == b""


def test_a_reader_that_goes_away_is_not_an_error_of_the_command(tmp_path: Path) -> None:
    """`cratematch demo | head -1` with unbuffered output (PYTHONUNBUFFERED, as some
    users' shells set it): the reader closes the pipe after the first line, while the
    batch runs. The demo finishes its work and ends with its own exit code, with nothing
    on stderr; it used to end with "error: Broken pipe" and exit 2 at its next line."""
    env = {**_no_display_env(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "matcher", "demo"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"CrateMatch demo: matching")
    proc.stdout.close()  # the reader goes; the demo has more to say when it is done
    with proc.stderr:
        stderr = proc.stderr.read()
    assert proc.wait(timeout=300) == 0, stderr
    assert stderr == b""
    summary = json.loads((tmp_path / "data" / "demo-results" / "batch_summary.json")
                         .read_text(encoding="utf-8"))  # fmt: skip
    assert (summary["partial"], summary["processed"], summary["total"]) == (False, 81, 81)


def test_console_script_without_arguments_opens_the_installed_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pip install has no packaged entry to hand the window in: the launcher finds the
    installed `cratematch-gui` script and runs it with the arguments."""
    from importlib.metadata import entry_points

    import ui.__main__
    from matcher.cli import main

    if not entry_points(group="gui_scripts", name="cratematch-gui"):
        pytest.skip("cratematch is not installed in this environment (pip install -e .)")
    calls: list[list[str]] = []
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")  # never opened: the window is a stand-in
    monkeypatch.setattr(ui.__main__, "main", lambda args: calls.append(list(args)) or 0)
    assert main([]) == 0
    assert main(["set.m3u8", "--start"]) == 0
    assert calls == [[], ["set.m3u8", "--start"]]


@pytest.mark.parametrize("argv", INSTALLS)
def test_no_arguments_without_a_display_is_one_line_and_exit_2(
    argv: list[str], tmp_path: Path
) -> None:
    _installed(argv)
    proc = subprocess.run(argv, env=_no_display_env(tmp_path / "home"), capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("cratematch: error: cannot open the window: no display")


GUI_SCRIPT = Path(sys.executable).parent / (
    "cratematch-gui.exe" if os.name == "nt" else "cratematch-gui"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland displays")
@pytest.mark.parametrize(
    "argv",
    [pytest.param([str(GUI_SCRIPT)], id="cratematch-gui"),
     pytest.param([sys.executable, "-m", "ui"], id="python-m-ui")],
)  # fmt: skip
@pytest.mark.parametrize(
    ("display", "reason"),
    [
        pytest.param(None, "no display (DISPLAY is not set)", id="no-DISPLAY"),
        pytest.param(":987", 'couldn\'t connect to display ":987"', id="unreachable-DISPLAY"),
    ],
)
def test_window_script_without_a_display_says_one_line_and_exits_2(
    argv: list[str], display: str | None, reason: str, tmp_path: Path
) -> None:
    """`cratematch-gui` with no display once printed a Tcl traceback."""
    _installed(argv)
    env = _no_display_env(tmp_path / "home")
    if display:
        env["DISPLAY"] = display
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60,
                          cwd=ROOT, check=False)  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr == f"cratematch-gui: cannot open the window: {reason}\n"
    assert proc.stdout == ""


@pytest.mark.parametrize("argv", INSTALLS)
def test_self_test_runs_the_demo_through_the_pool_with_no_display(
    argv: list[str], tmp_path: Path
) -> None:
    """`cratematch --self-test` from a pip install and from the packaged entry (the code
    path of the frozen build) alike."""
    _installed(argv)
    home = tmp_path / "home"  # the user's folder: the self-test must not write to it
    proc = subprocess.run(
        [*argv, "--self-test"],
        env=_no_display_env(home), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert re.fullmatch(
        r"cratematch self-test ok: 81 tracks, (\d+) matched, \d+ review, \d+ unmatched,"
        r" 2 workers, \d+\.\d s\n",
        proc.stdout,
    ), proc.stdout
    assert not home.exists()


# -- checking the demo's results ---------------------------------------------------------

EXPECTED = {
    ("a.m3u8", "a", 0): "c1",
    ("a.m3u8", "a", 1): "c2",
    ("a.m3u8", "a", 2): "",
}
GOOD = {
    ("a.m3u8", "a", 0): ("matched", "c1"),
    ("a.m3u8", "a", 1): ("matched", "c2"),
    ("a.m3u8", "a", 2): ("unmatched", ""),
}


def test_check_demo_results_counts_statuses() -> None:
    assert selftest.check_demo_results(GOOD, EXPECTED) == {"matched": 2, "unmatched": 1}


@pytest.mark.parametrize(
    ("results", "message"),
    [
        pytest.param({**GOOD, ("a.m3u8", "a", 1): ("matched", "c9")}, "matched c9, expected c2",
                     id="wrong-track"),
        pytest.param({**GOOD, ("a.m3u8", "a", 2): ("matched", "c1")}, "expected none",
                     id="match-for-a-missing-track"),
        pytest.param({k: v for k, v in GOOD.items() if k[2] != 1}, "1 demo entries got no result",
                     id="missing-entry"),
        pytest.param({**GOOD, ("b.csv", "b", 0): ("unmatched", "")}, "not in the demo",
                     id="extra-entry"),
        pytest.param({**GOOD, ("a.m3u8", "a", 0): ("error", "")}, "ended in error",
                     id="error-row"),
        pytest.param({**GOOD, ("a.m3u8", "a", 0): ("review", "c1")}, "only 1 of 2",
                     id="recall-too-low"),
    ],
)  # fmt: skip
def test_check_demo_results_names_what_is_wrong(
    results: dict[Any, tuple[str, str]], message: str
) -> None:
    with pytest.raises(selftest.SelfTestFailed, match=re.escape(message)):
        selftest.check_demo_results(results, EXPECTED)


# -- app metadata ------------------------------------------------------------------------


def test_version_is_the_packages() -> None:
    assert app_meta.read_version() == matcher.__version__


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        pytest.param("0.1.0", (0, 1, 0, 0), id="plain"),
        pytest.param("2.3", (2, 3, 0, 0), id="two-parts"),
        pytest.param("1.2.3rc1", (1, 2, 3, 0), id="pre-release"),
        pytest.param("1.2.3+local.7", (1, 2, 3, 0), id="local-part-ignored"),
    ],
)
def test_version_tuple(version: str, numbers: tuple[int, ...]) -> None:
    assert app_meta.version_tuple(version) == numbers


def test_data_files_carry_the_demo_its_expected_results_and_the_scoring_model() -> None:
    files = app_meta.data_files()
    demo = {Path(src).name for src, dest in files if dest == "matcher/demo"}
    assert demo == {DEMO_CATALOG, DEMO_EXPECTED, *DEMO_PLAYLISTS}
    model = [Path(src).name for src, dest in files if dest == "matcher/matching"]
    assert model == ["scorer_model.json"]  # the matcher cannot score without it
    assert {dest for _, dest in files} <= {"matcher/demo", "matcher/matching", "ui/assets"}
    assert all(Path(src).is_file() for src, _ in files)


def test_info_plist_opens_every_playlist_type_as_an_alternate() -> None:
    plist = plistlib.loads(plistlib.dumps(app_meta.info_plist("0.1.0")))
    assert plist["CFBundleIdentifier"] == app_meta.BUNDLE_ID
    assert plist["CFBundleShortVersionString"] == "0.1.0"
    assert plist["NSHighResolutionCapable"] is True
    types = plist["CFBundleDocumentTypes"]
    extensions = {ext for t in types for ext in t["CFBundleTypeExtensions"]}
    assert extensions == {"xml", "m3u", "m3u8", "csv", "nml"}
    assert {t["LSHandlerRank"] for t in types} == {"Alternate"}


def test_windows_version_info_is_a_version_file() -> None:
    text = app_meta.windows_version_info("1.2.3", "cratematch")
    call = ast.parse(text, mode="eval").body
    assert isinstance(call, ast.Call) and ast.unparse(call.func) == "VSVersionInfo"
    assert "filevers=(1, 2, 3, 0)" in text
    assert "StringStruct('ProductVersion', '1.2.3')" in text
    assert "StringStruct('OriginalFilename', 'cratematch.exe')" in text
    try:
        from PyInstaller.utils.win32 import versioninfo  # needs pefile (Windows builds)
    except ImportError:
        return
    info = eval(text, vars(versioninfo))  # what PyInstaller's loader does with the file
    assert isinstance(info, versioninfo.VSVersionInfo)


# -- the spec, run with stand-ins for PyInstaller's build steps ---------------------------


class _Target:
    made: list[_Target] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.kind = type(self).__name__
        _Target.made.append(self)


class Analysis(_Target):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pure, self.scripts, self.binaries, self.datas = [], [], [], kwargs["datas"]


class PYZ(_Target): ...


class EXE(_Target): ...


class COLLECT(_Target): ...


class BUNDLE(_Target): ...


def _collect_submodules(package: str) -> list[str]:
    """A stand-in for PyInstaller's hook helper (the build extra is not installed to run
    the tests): what the spec asked for, named."""
    return [f"submodules of {package}"]


def _run_spec(platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(sys, "path", list(sys.path))
    hooks = ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = _collect_submodules  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    _Target.made = []
    spec = PACKAGING / "cratematch.spec"
    namespace: dict[str, Any] = {
        "__name__": "__main__", "__file__": str(spec), "SPECPATH": str(PACKAGING),
        "workpath": str(tmp_path / "work"), "DISTPATH": str(tmp_path / "dist"),
        "Analysis": Analysis, "PYZ": PYZ, "EXE": EXE, "COLLECT": COLLECT, "BUNDLE": BUNDLE,
    }  # fmt: skip
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)
    made: dict[str, Any] = {}
    for target in _Target.made:
        name = target.kwargs.get("name", target.kind)
        made[f"{target.kind}:{name}"] = target
    return made


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_spec_builds_one_file_and_one_folder(
    platform: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _run_spec(platform, tmp_path, monkeypatch)
    analysis = made["Analysis:Analysis"]
    assert analysis.args[0] == [str(PACKAGING / "cratematch_entry.py")]
    assert analysis.kwargs["datas"] == app_meta.data_files()
    # the readers are imported by format name: PyInstaller must be told of them
    assert analysis.kwargs["hiddenimports"] == ["submodules of matcher.playlists"]
    # the Dask client goes in: the window's settings can name a cluster, and the app's
    # users have no pip to add the cluster extra with (packaging/smoke_cluster.py runs it)
    assert not {"dask", "distributed"} & set(analysis.kwargs["excludes"])
    onefile, onedir_exe = made["EXE:cratematch"], made["EXE:CrateMatch"]
    assert onefile.kwargs["console"] is True  # the CLI prints to its terminal
    assert onedir_exe.kwargs["exclude_binaries"] is True
    assert made["COLLECT:CrateMatch-app"].args[0] is onedir_exe
    assert ("BUNDLE:CrateMatch.app" in made) == (platform == "darwin")
    if platform == "win32":
        assert onedir_exe.kwargs["console"] is False  # no console window for the app
        assert onefile.kwargs["hide_console"] == "hide-early"
        assert onefile.kwargs["icon"].endswith("cratematch.ico")
        version_file = Path(onefile.kwargs["version"])
        assert "OriginalFilename', 'cratematch.exe'" in version_file.read_text(encoding="utf-8")
    if platform == "darwin":
        bundle = made["BUNDLE:CrateMatch.app"]
        assert bundle.kwargs["info_plist"] == app_meta.info_plist(matcher.__version__)
        assert bundle.kwargs["icon"].endswith("cratematch.icns")


def test_spec_does_not_collect_every_platforms_tkdnd() -> None:
    text = (PACKAGING / "cratematch.spec").read_text(encoding="utf-8")
    assert "collect_all" not in text and "collect-all" not in text


@pytest.mark.parametrize("name", ["cratematch.png", "cratematch.ico", "cratematch.icns"])
def test_icons_are_committed(name: str) -> None:
    from PIL import Image

    with Image.open(PACKAGING / "icons" / name) as icon:
        assert icon.size[0] == icon.size[1] >= 256


# -- build.py and the window smoke test ---------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "onefile", "onedir_exe"),
    [
        pytest.param("linux", "cratematch", "CrateMatch-app/CrateMatch", id="linux"),
        pytest.param("win32", "cratematch.exe", "CrateMatch-app/CrateMatch.exe", id="windows"),
        pytest.param("darwin", "cratematch", "CrateMatch-app/CrateMatch", id="macos"),
    ],
)
def test_build_outputs_do_not_clash(platform: str, onefile: str, onedir_exe: str) -> None:
    out = build.outputs(Path("dist"), platform)
    assert out.onefile == Path("dist", onefile)
    assert out.onedir_exe == Path("dist", onedir_exe)
    # macOS and Windows file systems ignore case: the folder must not be "cratematch"
    assert out.onedir.name.lower() != out.onefile.name.lower()
    assert (out.desktop is not None) == (platform == "linux")
    assert (out.bundle is not None) == (platform == "darwin")


def test_build_says_how_to_get_pyinstaller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build.importlib.util, "find_spec", lambda name: None)
    message = build.check_pyinstaller()
    assert message is not None and "pip install -e '.[build]'" in message
    assert build.main(["--no-test"]) == 2


def test_smoke_env_is_a_fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "/elsewhere")
    env = smoke.fresh_env(tmp_path, ":42")
    assert env["HOME"] == str(tmp_path) and env["DISPLAY"] == ":42"
    assert "XDG_CONFIG_HOME" not in env and "CRATEMATCH_HOME" not in env
    monkeypatch.setenv("DISPLAY", ":7")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    headless = smoke.fresh_env(tmp_path, None)  # packaging/smoke_cluster.py: no display
    assert headless["HOME"] == str(tmp_path)
    assert not {"DISPLAY", "WAYLAND_DISPLAY", "XDG_CONFIG_HOME"} & set(headless)


# -- the Linux .desktop file --------------------------------------------------------------


def test_desktop_file_opens_playlists_with_the_app() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    desktop = parser["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "cratematch %F"
    assert desktop["Icon"] == "cratematch"
    assert desktop["Terminal"] == "false"
    mime = set(desktop["MimeType"].rstrip(";").split(";"))
    assert {"application/xml", "audio/x-mpegurl", "text/csv"} <= mime
    assert mime == {m for t in app_meta.DOCUMENT_TYPES for m in t.mime_types}


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_desktop_file_validates() -> None:
    proc = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr
