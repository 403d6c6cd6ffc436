"""An online provider through the real engine (host process, worker process): a rejected
token turns every track into an `error` row with the reason, and the batch finishes."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.config import EngineConfig
from matcher.engine.client import Engine
from matcher.engine.events import BatchFinished
from tests.matcher.engine.engine_fixtures import collect, matches_rows
from tests.matcher.http.stand_in import StandIn
from tests.matcher.providers.online_fixtures import (
    TOKEN,
    no_keyring,  # noqa: F401 - autouse fixture
    server,  # noqa: F401 - fixture
)

PLAYLIST = """#EXTM3U
#EXTINF:412,Nova Reyes - Glass Tide
/music/glass.mp3
#EXTINF:350,Sela Marrow, Ivo Pratt - Lantern Field
/music/lantern.mp3
#EXTINF:300,Nobody Known - Not In Any Catalog
/music/nothing.mp3
"""


@pytest.mark.slow
def test_a_rejected_token_gives_error_rows_and_the_batch_finishes(
    tmp_path: Path,
    monkeypatch,
    server: StandIn,  # noqa: F811
):
    playlist = tmp_path / "online set.m3u8"
    playlist.write_text(PLAYLIST, encoding="utf-8")
    monkeypatch.setenv("CRATEMATCH_BEATPORT_URL", server.url + "/v4")
    monkeypatch.setenv("CRATEMATCH_BEATPORT_TOKEN", "revoked-" + TOKEN)
    config = EngineConfig(provider="beatport", workers=1, out_dir=tmp_path / "out")
    with Engine(config) as engine:
        batch = engine.start([playlist])
        final = collect(batch)[-1]
    assert isinstance(final, BatchFinished)
    assert final.done == final.total == 3
    assert final.counts.get("error") == 3
    rows = matches_rows(tmp_path / "out" / "online set")
    assert {r["reason"] for r in rows} == {
        "provider error: Beatport rejected the token (401): "
        "set it in Settings or CRATEMATCH_BEATPORT_TOKEN"
    }
    assert [h.status for h in server.hits] == [401]  # one worker asked once, then stopped
