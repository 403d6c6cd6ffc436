"""The boundary between the engine and the window, both ways: `matcher/` never imports a
GUI toolkit, and `ui/` uses only the engine's public face (`matcher.__all__`)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("ui", "tkinter", "customtkinter", "matplotlib", "tkinterdnd2", "_tkinter")
UI_MODULES = sorted((ROOT / "ui").rglob("*.py"))


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "matcher").rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_matcher_module_imports_no_gui(path: Path) -> None:
    bad = [n for n in _imports(path) if n.split(".")[0] in FORBIDDEN]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_importing_the_whole_engine_loads_no_gui() -> None:
    code = (
        "import pkgutil, importlib, sys, matcher\n"
        "for m in pkgutil.walk_packages(matcher.__path__, 'matcher.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_engine_processes_load_no_http_stack_until_they_go_online() -> None:
    """Every batch spawns a host and workers; httpx (a tenth of a second to import) is
    loaded only by a process that opens an online provider."""
    code = (
        "import sys, matcher, matcher.cli, matcher.engine.host, matcher.engine.worker\n"
        "from matcher.http import HttpOptions\n"
        "print('httpx' in sys.modules)\n"
        "from matcher.http import HttpClient\n"
        "print('httpx' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.split() == ["False", "True"], proc.stdout + proc.stderr


def _loaded_after(imports: str, prefixes: tuple[str, ...]) -> list[str]:
    code = (
        f"import sys, {imports}\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_engine_host_loads_no_matching_or_write_back_code() -> None:
    """The host spawns the workers as soon as it has started: what it imports before
    that delays every batch's first result. Matching runs in the workers, write-back
    only when a write starts."""
    loaded = _loaded_after(
        "matcher.engine.client, matcher.engine.host",
        ("matcher.matching.features", "matcher.matching.readings", "matcher.writeback",
         "mutagen", "matcher.engine.worker"),
    )  # fmt: skip
    assert loaded == []


def test_workers_load_no_playlist_readers_or_write_back_code() -> None:
    """A worker's imports are on the way to every batch's first result, and each of the
    two runs them again: the host's machinery (events, the journal), format detection
    and the XML library are not among them."""
    loaded = _loaded_after(
        "matcher.engine.worker, matcher.providers.local",
        ("matcher.playlists.m3u", "matcher.playlists.nml", "matcher.playlists.serato",
         "matcher.playlists.detect", "matcher.playlists.rekordbox", "lxml",
         "matcher.engine.events", "matcher.engine.journal", "matcher.engine.history",
         "matcher.engine.retention", "matcher.writeback", "mutagen",
         "matcher.outputs.rekordbox", "matcher.outputs.writer"),
    )  # fmt: skip
    assert loaded == []


def test_the_package_names_every_event_it_loads_on_first_use() -> None:
    import matcher
    from matcher.engine import events

    assert set(events.__all__) <= set(matcher.__all__)
    assert all(getattr(matcher, name) is getattr(events, name) for name in events.__all__)


def test_the_command_line_builds_its_options_without_write_back_code() -> None:
    """Every command builds the whole parser before it starts anything: the options of
    `write` must not cost a `match` the write-back machinery (mutagen and all)."""
    loaded = _loaded_after(
        "matcher.cli.commands; matcher.cli.commands.build_parser()",
        ("mutagen", "matcher.writeback.safe_write", "matcher.writeback.undo_journal",
         "matcher.engine.file_run", "matcher.cli.write"),
    )  # fmt: skip
    assert [m for m in loaded if m != "matcher.cli.write_args"] == []


def test_a_quiet_batch_from_the_command_line_loads_no_progress_bars() -> None:
    """tqdm (17 ms of imports, most of them importlib.metadata's) is loaded when a bar is
    drawn, not by a `--quiet` or piped run, whose start is on every batch's way."""
    loaded = _loaded_after("matcher.cli.commands, matcher.cli.run, matcher.cli.follow", ("tqdm",))
    assert loaded == []


def test_packaging_is_not_a_python_package() -> None:
    assert not (ROOT / "packaging" / "__init__.py").exists()


def _uses_of_matcher(path: Path) -> tuple[list[str], list[str]]:
    """(names imported `from matcher import ...` or read as `matcher.NAME`, every other
    way `path` reaches into matcher, as source text)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    other: list[str] = []
    aliases: set[str] = set()  # what `import matcher [as m]` binds
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "matcher":
                    aliases.add(alias.asname or "matcher")
                elif alias.name.startswith("matcher."):
                    other.append(f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "matcher":
                names.extend(alias.name for alias in node.names)
            elif node.module.startswith("matcher."):
                imported = ", ".join(alias.name for alias in node.names)
                other.append(f"from {node.module} import {imported}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            names.append(node.attr)
    return names, other


@pytest.mark.parametrize("path", UI_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_ui_module_uses_only_the_public_face(path: Path) -> None:
    import matcher

    names, other = _uses_of_matcher(path)
    public = set(matcher.__all__)
    bad = other + [f"from matcher import {n}" for n in names if n not in public]
    assert not bad, (
        f"{path.relative_to(ROOT)} reaches past matcher.__all__: {bad}; "
        "use `from matcher import NAME` with a name listed in matcher.__all__"
    )


def test_every_name_the_window_imports_resolves_on_the_package() -> None:
    """In a fresh interpreter, as the window would load them (several load lazily)."""
    wanted = sorted({n for path in UI_MODULES for n in _uses_of_matcher(path)[0]})
    assert wanted, "the window imports nothing from matcher?"
    code = (
        "import matcher\n"
        f"missing = [n for n in {wanted!r} if not hasattr(matcher, n)]\n"
        "print(missing)\n"
        "raise SystemExit(1 if missing else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_public_name_resolves() -> None:
    import matcher

    assert len(set(matcher.__all__)) == len(matcher.__all__)
    missing = [n for n in matcher.__all__ if not hasattr(matcher, n)]
    assert not missing, missing
