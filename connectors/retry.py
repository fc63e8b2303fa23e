"""When to send a hub request again, how long to wait first, and what to report when giving up.

Pure decisions over a status code (``None``: no answer at all, e.g. connection refused or a
timeout) and header values, so tests pin them without a clock or a network. ``HubClient`` in
upload.py performs them.
"""

from datetime import datetime
from email.utils import parsedate_to_datetime

from connectors.errors import (
    ConnectorError,
    CredentialRefused,
    HubUnavailable,
    QuotaExceeded,
    RequestRefused,
)

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# A 429 with this problem code is a refusal for the day, not a request to slow down.
QUOTA_EXCEEDED = "quota_exceeded"
# A hub asking for a longer pause than this is not answering tonight: stop, and let the next
# scheduled run resume (every run is safe to repeat).
MAX_RETRY_AFTER = 60.0


def backoff_delays(retries: int, base: float = 0.5, cap: float = 30.0) -> list[float]:
    """Exponential backoff schedule: 0.5, 1, 2, 4 ... seconds, capped."""
    return [min(cap, base * 2**attempt) for attempt in range(retries)]


def should_retry(status: int | None, code: str | None = None) -> bool:
    """No answer, a timeout, throttling or a server error may pass; any other 4xx will not,
    nor will a spent daily quota."""
    if code == QUOTA_EXCEEDED:
        return False
    return status is None or status in RETRYABLE_STATUS


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A ``Retry-After`` header (delta-seconds or an HTTP date) as seconds from ``now``; None
    when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def next_delay(
    status: int | None,
    scheduled: float | None,
    retry_after: float | None,
    max_retry_after: float = MAX_RETRY_AFTER,
    code: str | None = None,
) -> float | None:
    """Seconds to wait before the next attempt, or None to give up now. ``scheduled`` is this
    attempt's backoff delay (None once the schedule is spent); a ``Retry-After`` from the hub
    replaces it. ``code`` is the problem code the hub answered with, if any."""
    if scheduled is None or not should_retry(status, code):
        return None
    if retry_after is None:
        return scheduled
    return retry_after if retry_after <= max_retry_after else None


def failure(
    status: int | None, request: str, problem: str, code: str | None = None
) -> ConnectorError:
    """What to report for a request given up on: a refused credential, a spent quota, a refused
    request, or a hub that could not be reached or kept failing."""
    message = f"{request} failed: {problem}"
    if status == 401:
        return CredentialRefused(f"the hub refused this credential ({message})")
    if code == QUOTA_EXCEEDED:
        return QuotaExceeded(message)
    if not should_retry(status):
        return RequestRefused(message)
    return HubUnavailable(message)
