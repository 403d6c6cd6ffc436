"""A worker's answer names the entries of its chunk by index, and the host puts back its
own: the same results, the host's entry objects, fewer bytes; a copy of an entry travels
whole, an index the host did not send is refused, and a plain pickle still loads."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from matcher.engine.answers import dump_answer, load_answer
from matcher.engine.messages import ChunkDone, WorkerReady
from tests.matcher.engine.test_messages import ENTRIES, chunk_done


def host_copies() -> list:
    """The host's entries: equal to the worker's, other objects (they crossed a pipe)."""
    return [pickle.loads(pickle.dumps(entry)) for entry in ENTRIES]


def test_the_chunks_entries_go_back_as_the_hosts_own() -> None:
    done = chunk_done()
    data = dump_answer(done, ENTRIES)
    host = host_copies()
    answer = load_answer(data, host)
    assert isinstance(answer, ChunkDone) and answer == done
    assert all(any(r.entry is e for e in host) for r in answer.results)
    assert len(data) < len(pickle.dumps(done, pickle.HIGHEST_PROTOCOL))


def test_an_entry_that_is_not_one_of_the_chunks_objects_travels_whole() -> None:
    done = chunk_done()
    changed = dataclasses.replace(done.results[0].entry, title="Changed")
    done.results[0] = dataclasses.replace(done.results[0], entry=changed)
    answer = load_answer(dump_answer(done, ENTRIES), host_copies())
    assert answer.results[0].entry.title == "Changed"
    assert answer == done


def test_an_index_the_host_did_not_send_is_refused() -> None:
    data = dump_answer(chunk_done(), ENTRIES)
    with pytest.raises(pickle.UnpicklingError, match="not one it was sent"):
        load_answer(data, host_copies()[:1])


def test_plain_messages_load_as_they_are() -> None:
    assert load_answer(pickle.dumps(WorkerReady(7))) == WorkerReady(7)
    assert load_answer(dump_answer(WorkerReady(7))) == WorkerReady(7)
