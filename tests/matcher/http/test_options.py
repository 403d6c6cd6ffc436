"""HTTP options from the environment, as a worker process reads them."""

from __future__ import annotations

import pytest

from matcher.errors import InputError
from matcher.http.options import HttpOptions


def test_defaults():
    options = HttpOptions.from_env({})
    assert options == HttpOptions()
    assert (options.cache, options.cache_ttl_s, options.cache_max_bytes) == (
        True, 7 * 86400, 512 * 1024 * 1024,
    )  # fmt: skip


@pytest.mark.parametrize("value", ["0", "off", "no", "false", "OFF"])
def test_cache_can_be_turned_off(value):
    assert HttpOptions.from_env({"CRATEMATCH_HTTP_CACHE": value}).cache is False


def test_numbers():
    env = {
        "CRATEMATCH_CACHE_TTL": "3600",
        "CRATEMATCH_CACHE_MAX_MB": "64",
        "CRATEMATCH_HTTP_TIMEOUT": "2.5",
        "CRATEMATCH_BEATPORT_RATE": "10",
    }
    o = HttpOptions.from_env(env)
    assert (o.cache_ttl_s, o.cache_max_mb, o.timeout_s, o.beatport_rate) == (3600, 64, 2.5, 10)


@pytest.mark.parametrize("value", ["soon", "-1", "inf", "nan"])
def test_a_bad_number_is_a_clear_input_error(value):
    with pytest.raises(
        InputError, match=f"CRATEMATCH_CACHE_TTL must be a non-negative number, not '{value}'"
    ):
        HttpOptions.from_env({"CRATEMATCH_CACHE_TTL": value})
