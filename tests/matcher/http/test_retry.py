"""The retry schedule and Retry-After parsing: pure functions, exact values."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from matcher.http.retry import RetryPolicy, is_retryable_error, parse_retry_after

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("retry", "rand", "expected"),
    [
        pytest.param(0, 0.0, 0.25, id="first-no-jitter"),
        pytest.param(0, 1.0, 0.5, id="first-full-jitter"),
        pytest.param(1, 0.5, 0.75, id="second-half-jitter"),
        pytest.param(2, 0.0, 1.0, id="third-doubles"),
        pytest.param(6, 1.0, 8.0, id="capped"),
        pytest.param(30, 0.0, 4.0, id="capped-low-jitter"),
    ],
)
def test_backoff_grows_exponentially_with_equal_jitter(retry, rand, expected):
    assert RetryPolicy(base_s=0.5, cap_s=8.0).backoff(retry, rand) == pytest.approx(expected)


def test_backoff_never_exceeds_cap_whatever_the_random_draw():
    policy = RetryPolicy(base_s=1.0, cap_s=5.0)
    delays = [policy.backoff(n, r / 10) for n in range(12) for r in range(11)]
    assert max(delays) == pytest.approx(5.0)
    assert min(delays) == pytest.approx(0.5)


def _http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.fromtimestamp(NOW + seconds_from_now, UTC), usegmt=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("120", 120.0, id="seconds"),
        pytest.param(" 3 ", 3.0, id="spaces"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("-5", 0.0, id="negative-is-now"),
        pytest.param("86400", 86400.0, id="a-day-is-reported-not-capped"),
        pytest.param(_http_date(90), 90.0, id="http-date"),
        pytest.param(_http_date(-90), 0.0, id="http-date-in-the-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="absent"),
        pytest.param("inf", None, id="infinite"),
        pytest.param("nan", None, id="nan"),
    ],
)
def test_parse_retry_after(header, expected):
    result = parse_retry_after(header, NOW)
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        pytest.param(httpx.ReadTimeout("slow"), True, id="read-timeout"),
        pytest.param(httpx.ConnectTimeout("slow"), True, id="connect-timeout"),
        pytest.param(httpx.ConnectError("refused"), True, id="refused"),
        pytest.param(httpx.ReadError("reset"), True, id="reset"),
        pytest.param(httpx.RemoteProtocolError("closed"), True, id="closed-mid-answer"),
        pytest.param(httpx.UnsupportedProtocol("ftp"), False, id="bad-scheme"),
        pytest.param(httpx.InvalidURL("bad"), False, id="bad-url"),
    ],
)
def test_which_errors_are_retried(error, retryable):
    assert is_retryable_error(error) is retryable
