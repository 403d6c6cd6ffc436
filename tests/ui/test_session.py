"""ui/session.py: what the controller's parts share: notices (the last few), change
callbacks, and threads that are remembered so tests can wait for them."""

from __future__ import annotations

import threading

from ui.session import MAX_NOTICES, Session
from ui.settings import Settings


def test_notices_keep_the_last_few_and_each_change_is_signalled() -> None:
    session = Session(Settings(), post=lambda fn: fn())
    seen: list[list[str]] = []
    session.watch(lambda: seen.append(list(session.notices)))
    for n in range(MAX_NOTICES + 2):
        session.notice(f"line {n}")
    assert session.notices == [f"line {n}" for n in range(2, MAX_NOTICES + 2)]
    assert len(seen) == MAX_NOTICES + 2
    session.dismiss_notices()
    assert session.notices == [] and seen[-1] == []


def test_spawned_threads_are_remembered_until_they_end() -> None:
    session = Session(Settings(), post=lambda fn: fn())
    go = threading.Event()
    session.spawn(go.wait, 10, name="cratematch-test")
    (first,) = session.threads
    assert first.name == "cratematch-test" and first.daemon and first.is_alive()
    go.set()
    first.join(10)
    session.spawn(lambda: None, name="cratematch-test-2")
    assert [t.name for t in session.threads] == ["cratematch-test-2"]  # the ended one went


def test_a_notice_said_again_is_one_line_moved_to_the_end() -> None:
    session = Session(Settings(), post=lambda f: f())
    for text in ("catalog.csv: not a catalog", "b.m3u8: the playlist is empty",
                 "catalog.csv: not a catalog"):  # fmt: skip
        session.notice(text)
    assert session.notices == ["b.m3u8: the playlist is empty", "catalog.csv: not a catalog"]
