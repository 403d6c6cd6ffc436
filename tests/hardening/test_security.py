"""Security properties, checked on the real thing.

* Provider tokens live only in the OS keyring or the environment: after real batches
  against a stand-in Beatport (token accepted, token revoked, malformed answers), the token's
  bytes are in no file under CRATEMATCH_HOME or the output folder (journal rows
  decompressed, HTTP cache, settings, logs) and in no output of the command line.
* Error messages redact tokens, and a redirect to another host never carries one.
* Crafted playlist names never make an output path leave the chosen folder.
* No module runs a shell: no os.system / os.popen / shell=True / eval / exec, and the only
  process started is the file manager, with an argument list.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import BatchFinished
from matcher.engine.journal import Journal
from matcher.http.errors import ProviderResponseError
from matcher.model import Playlist, PlaylistEntry
from matcher.outputs import playlist_folder
from matcher.providers import open_provider
from tests.hardening import ledger
from tests.matcher.engine.engine_fixtures import collect
from tests.matcher.http.stand_in import StandIn
from tests.matcher.providers.online_fixtures import TRACKS

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "bp-SECRET-token-9f27c1d0aa"
PLAYLIST = """#EXTM3U
#EXTINF:412,Nova Reyes - Glass Tide
/music/glass.mp3
#EXTINF:350,Sela Marrow, Ivo Pratt - Lantern Field
/music/lantern.mp3
#EXTINF:300,Nobody Known - Not In Any Catalog
/music/nothing.mp3
"""


# -- tokens ------------------------------------------------------------------------------


def _run(home: Path, playlist: Path, out: Path, url: str, token: str) -> str:
    env = {**os.environ, "CRATEMATCH_HOME": str(home), "CRATEMATCH_BEATPORT_URL": url,
           "CRATEMATCH_BEATPORT_TOKEN": token, "CRATEMATCH_HTTP_TIMEOUT": "2"}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "matcher", "match", str(playlist), "--provider", "beatport",
         "--out", str(out), "--workers", "2"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout + proc.stderr


def _every_byte_under(*folders: Path) -> list[tuple[Path, bytes]]:
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                found.append((path, path.read_bytes()))
    return found


def _journal_texts(home: Path) -> list[bytes]:
    """Every journal row, decompressed, and every text column."""
    rows: list[bytes] = []
    with Journal.open(home / "data" / "journal.sqlite", readonly=True) as journal:
        for batch in journal.batches():
            rows.append(json.dumps([batch.config, batch.inputs, batch.note]).encode())
            for record in journal.playlists(batch.batch_id):
                for result in journal.results(batch.batch_id, record.playlist_id):
                    rows.append(repr(result).encode())
    return rows


@pytest.mark.slow
def test_a_token_is_in_no_file_and_no_output(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, username: None)
    home, out = tmp_path / "home", tmp_path / "out"
    playlist = tmp_path / "online set.m3u8"
    playlist.write_text(PLAYLIST, encoding="utf-8")
    said = []
    with StandIn(TRACKS, token=TOKEN) as server:
        url = server.url + "/v4"
        said.append(_run(home, playlist, out / "accepted", url, TOKEN))
        said.append(_run(home, playlist, out / "revoked", url, TOKEN + "-revoked"))
        server.then(*["malformed"] * 20)
        said.append(_run(home, playlist, out / "malformed", url, TOKEN + "-other"))
    assert "matched" in said[0]
    files = _every_byte_under(home, out)
    names = {p.name for p, _ in files}
    assert {"journal.sqlite", "matches.csv"} <= names
    assert any("cache" in str(p) for p, _ in files), names  # the HTTP cache was written
    needle = TOKEN.encode()
    assert [p for p, data in files if needle in data] == []
    assert [p for p, data in files if needle in _inflated(data)] == []
    assert not any(needle in text for text in _journal_texts(home))
    assert not any(TOKEN in text for text in said)
    reasons = (out / "revoked" / "online set" / "matches.csv").read_text(encoding="utf-8")
    assert "rejected the token" in reasons and TOKEN not in reasons
    ledger.fault("a revoked token and malformed answers (token leak check)", expected=0, lost=0)


def _inflated(data: bytes) -> bytes:
    """`data` with every zlib stream in it inflated (journal rows and cached answers are
    stored compressed)."""
    out = []
    for header in (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda"):
        start = data.find(header)
        while start >= 0:
            with contextlib.suppress(zlib.error):
                out.append(zlib.decompressobj().decompress(data[start:], 1 << 22))
            start = data.find(header, start + 1)
    return b"".join(out)


def test_settings_keep_tokens_in_the_keyring_only(tmp_path: Path) -> None:
    import keyring
    from keyring.backends import fail

    from tests.ui.gui_helpers import MemoryKeyring
    from ui.settings import Settings, TokenStore, load_settings, save_settings

    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        assert "token" not in " ".join(Settings.__dataclass_fields__)  # no field for one
        assert TokenStore().set("beatport", TOKEN).endswith("stored in the system keyring.")
        save_settings(Settings(provider="beatport"), tmp_path / "settings.json")
        text = (tmp_path / "settings.json").read_text(encoding="utf-8")
        assert TOKEN not in text and load_settings(tmp_path / "settings.json")[1] == ""
        assert backend.secrets == {("CrateMatch", "beatport"): TOKEN}
    finally:
        keyring.set_keyring(fail.Keyring())


def test_error_messages_redact_the_token(monkeypatch) -> None:  # noqa: ANN001
    def proxy(request: httpx.Request) -> httpx.Response:
        echoed = request.headers["Authorization"].encode()
        return httpx.Response(400, extensions={"reason_phrase": b"Bad header " + echoed})

    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", TOKEN)
    provider = open_provider("beatport", None, transport=httpx.MockTransport(proxy))
    with pytest.raises(ProviderResponseError) as caught:
        provider.http().get_json("catalog/search/", {"q": "x"})  # type: ignore[attr-defined]
    provider.close()
    assert TOKEN not in str(caught.value) and "***" in str(caught.value)
    assert "Bad header Bearer ***" in str(caught.value)


class _Recorder(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []
    target = ""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        type(self).seen.append(dict(self.headers))
        if self.target:
            self.send_response(302)
            self.send_header("Location", self.target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"results": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _server(target: str) -> tuple[ThreadingHTTPServer, type[_Recorder]]:
    handler = type("Handler", (_Recorder,), {"seen": [], "target": target})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, handler


def test_a_redirect_to_another_host_does_not_carry_the_token(monkeypatch) -> None:  # noqa: ANN001
    elsewhere, seen_there = _server("")
    here, seen_here = _server(f"http://127.0.0.1:{elsewhere.server_address[1]}")
    try:
        monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", f"http://127.0.0.1:{here.server_address[1]}")
        monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", TOKEN)
        provider = open_provider("beatport", None)
        provider.http().get_json("catalog/search/", {"q": "x"})  # type: ignore[attr-defined]
        provider.close()
    finally:
        for server in (here, elsewhere):
            server.shutdown()
            server.server_close()
    assert seen_here.seen[0].get("Authorization") == f"Bearer {TOKEN}"
    assert seen_there.seen and all("Authorization" not in h for h in seen_there.seen)


# -- output paths ------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../escaped", "/etc/passwd", "..", ".", "CON", "nul.txt", "a/../../b",
    "\\..\\..\\windows", "line&#10;break&#13;", "x" * 10_000, "   ", "\u202eevil.exe",
    ".hidden", "~", "$HOME", "%APPDATA%", "|calc", "`touch pwned`", "$(touch pwned)",
    "COM1.m3u", "name:with*bad?chars", "Ünïcödé/../..", "%2e%2e%2fx",
]  # fmt: skip


def _rekordbox_with(names: list[str]) -> str:
    nodes = "".join(
        f'<NODE Name="{name}" Type="1" KeyType="0" Entries="1"><TRACK Key="1"/></NODE>'
        for name in names
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<DJ_PLAYLISTS Version="1.0.0">'
        '<COLLECTION Entries="1"><TRACK TrackID="1" Name="Glass Tide" Artist="Nova Reyes" '
        'TotalTime="412"/></COLLECTION><PLAYLISTS><NODE Type="0" Name="ROOT" '
        f'Count="{len(names)}">{nodes}</NODE></PLAYLISTS></DJ_PLAYLISTS>\n'
    )


@pytest.mark.slow
def test_crafted_playlist_names_never_leave_the_output_folder(tmp_path: Path) -> None:
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    source = work / "hostile names.xml"
    source.write_text(_rekordbox_with(HOSTILE_NAMES), encoding="utf-8")
    catalog = work / "catalog.csv"
    catalog.write_text(
        "catalog_id,title,artists,duration_s\n30001,Glass Tide,Nova Reyes,412\n", encoding="utf-8"
    )
    out = work / "out"
    before = {p for p in tmp_path.rglob("*")}
    config = EngineConfig(catalog=catalog, workers=1, out_dir=out)
    with Engine(config) as engine:
        events = collect(engine.start([source], all_playlists=True))
    final = events[-1]
    assert isinstance(final, BatchFinished) and final.ok, events[-3:]
    created = {p for p in tmp_path.rglob("*")} - before
    outside = [p for p in created if out.resolve() not in p.resolve().parents and p != out]
    assert outside == []
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == len(HOSTILE_NAMES)  # one per playlist, none merged or lost
    assert all((f / "matches.csv").is_file() for f in folders)
    assert all(len(f.name.encode()) <= 255 and "\n" not in f.name for f in folders)
    assert not (Path.cwd() / "pwned").exists() and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "name", ["a\x00b", "\x00", "new\nline", "tab\there", "../\x00../x", "\udcff\udcfe"]
)
def test_names_a_file_cannot_hold_still_stay_inside(tmp_path: Path, name: str) -> None:
    playlist = Playlist(tmp_path / "x.m3u8", name, "m3u", (PlaylistEntry("x.m3u8", name, 0),))
    folder = playlist_folder(tmp_path / "out", playlist, set())
    assert folder.parent == tmp_path / "out" and folder.is_dir()
    assert not any(c in folder.name for c in "\x00\n\t/")


# -- no shell ----------------------------------------------------------------------------

_FORBIDDEN_CALLS = {("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execvp"),
                    ("os", "spawnl"), ("os", "spawnv"), ("pty", "spawn")}  # fmt: skip
_SUBPROCESS = {"Popen", "run", "call", "check_call", "check_output", "getoutput",
               "getstatusoutput"}  # fmt: skip


def _calls(tree: ast.AST) -> list[tuple[str, str, ast.Call]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            found.append((func.value.id, func.attr, node))
        elif isinstance(func, ast.Name):
            found.append(("", func.id, node))
    return found


def test_no_module_runs_a_shell_or_evaluates_text() -> None:
    subprocess_uses = []
    for path in sorted([*ROOT.glob("matcher/**/*.py"), *ROOT.glob("ui/**/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = path.relative_to(ROOT).as_posix()
        for owner, name, call in _calls(tree):
            assert (owner, name) not in _FORBIDDEN_CALLS, f"{where}:{call.lineno} {owner}.{name}"
            assert not (owner == "" and name in ("eval", "exec")), f"{where}:{call.lineno} {name}"
            assert not any(
                k.arg == "shell" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                for k in call.keywords
            ), f"{where}:{call.lineno} shell=..."
            if owner == "subprocess" and name in _SUBPROCESS:
                subprocess_uses.append((where, call))
        for node in ast.walk(tree):  # `from subprocess import run` would hide a call
            if isinstance(node, ast.ImportFrom) and node.module == "subprocess":
                pytest.fail(f"{where}: from subprocess import ...")
    assert [w for w, _ in subprocess_uses] == ["ui/controller.py", "ui/controller.py"]
    for _where, call in subprocess_uses:  # an argument list whose first item is a constant
        (argv,) = call.args
        assert isinstance(argv, ast.List) and isinstance(argv.elts[0], ast.Constant)


def test_open_folder_passes_an_absolute_path_as_one_argument(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import ui.controller as controller_module
    from ui.controller import Controller
    from ui.settings import Settings

    started: list[list[str]] = []
    monkeypatch.setattr(controller_module.subprocess, "Popen", lambda argv: started.append(argv))
    monkeypatch.chdir(tmp_path)
    controller = Controller(Settings(), post=lambda fn: fn())
    controller.opener_missing = lambda _folder: ""  # a desktop, with xdg-open
    for name in ("-rf", "--help", "$(touch pwned); x", "a b"):
        controller.open_folder(Path(name))
    if sys.platform.startswith("linux"):
        assert [argv[0] for argv in started] == ["xdg-open"] * 4
        assert [argv[1] for argv in started] == [
            str(tmp_path / n) for n in ("-rf", "--help", "$(touch pwned); x", "a b")
        ]
        assert all(len(argv) == 2 for argv in started)
    assert not (tmp_path / "pwned").exists()
