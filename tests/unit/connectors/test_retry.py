"""The pure retry decisions: which answers are worth another attempt, how long to wait, and
what a failure is reported as."""

from datetime import UTC, datetime

import pytest

from connectors.errors import CredentialRefused, HubUnavailable, QuotaExceeded, RequestRefused
from connectors.retry import (
    MAX_RETRY_AFTER,
    backoff_delays,
    failure,
    next_delay,
    retry_after_seconds,
    should_retry,
)

NOW = datetime(2026, 11, 25, 2, 0, 0, tzinfo=UTC)


def test_the_backoff_doubles_from_half_a_second_up_to_a_cap() -> None:
    assert backoff_delays(5) == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert backoff_delays(9)[-2:] == [30.0, 30.0]
    assert backoff_delays(0) == []


@pytest.mark.parametrize("status", [None, 408, 425, 429, 500, 502, 503, 504])
def test_no_answer_throttling_and_server_errors_are_retried(status: int | None) -> None:
    assert should_retry(status)
    assert next_delay(status, scheduled=2.0, retry_after=None) == 2.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 413, 422])
def test_other_client_errors_are_never_retried(status: int) -> None:
    assert not should_retry(status)
    assert next_delay(status, scheduled=2.0, retry_after=None) is None


def test_a_spent_daily_quota_is_not_retried_at_all() -> None:
    """A 429 that says the quota is spent is a refusal for the day, not "slow down"."""
    assert not should_retry(429, "quota_exceeded")
    assert next_delay(429, scheduled=2.0, retry_after=1.0, code="quota_exceeded") is None
    spent = failure(429, "POST /v1/events", "HTTP 429", "quota_exceeded")
    assert isinstance(spent, QuotaExceeded) and isinstance(spent, RequestRefused)
    assert (spent.code, spent.exit_code) == ("quota_exceeded", 4)
    assert isinstance(failure(429, "POST /v1/events", "HTTP 429"), HubUnavailable)


def test_a_spent_schedule_gives_up() -> None:
    assert next_delay(503, scheduled=None, retry_after=1.0) is None


def test_retry_after_replaces_the_schedule_up_to_a_limit() -> None:
    assert next_delay(429, scheduled=0.5, retry_after=7.0) == 7.0
    assert next_delay(429, scheduled=30.0, retry_after=0.0) == 0.0
    assert next_delay(429, scheduled=0.5, retry_after=MAX_RETRY_AFTER + 1) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Wed, 25 Nov 2026 02:00:30 GMT", 30.0),
        ("Wed, 25 Nov 2026 01:59:00 GMT", 0.0),  # already past: no wait
        (None, None),
        ("soon", None),
        ("-5", None),
    ],
)
def test_retry_after_as_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_failures_are_told_apart() -> None:
    refused = failure(401, "GET /v1/notifications", "HTTP 401")
    assert isinstance(refused, CredentialRefused) and not isinstance(refused, HubUnavailable)
    assert (refused.code, refused.exit_code) == ("credential_refused", 5)
    assert str(refused) == (
        "the hub refused this credential (GET /v1/notifications failed: HTTP 401)"
    )
    assert isinstance(failure(422, "POST /v1/records", "HTTP 422"), RequestRefused)
    assert isinstance(failure(503, "POST /v1/records", "HTTP 503"), HubUnavailable)
    assert isinstance(failure(None, "POST /v1/records", "ConnectError"), HubUnavailable)
    assert failure(None, "x", "y").exit_code == failure(403, "x", "y").exit_code == 4
