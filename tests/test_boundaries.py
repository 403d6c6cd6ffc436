"""The engine never depends on the window: `matcher/` must not import a GUI toolkit."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("ui", "tkinter", "customtkinter", "matplotlib", "tkinterdnd2", "_tkinter")


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


def test_packaging_is_not_a_python_package() -> None:
    assert not (ROOT / "packaging" / "__init__.py").exists()
