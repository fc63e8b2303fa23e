"""The connector's one I/O seam: a hub client over an ``httpx.Client``.

Tests pass FastAPI's TestClient (an httpx client) or a MockTransport; production passes a real
client. Retry decisions are pure functions below.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import httpx2 as httpx
from pydantic import BaseModel

from connectors.errors import HubUnavailable
from hub import wire

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def backoff_delays(retries: int, base: float = 0.5, cap: float = 30.0) -> list[float]:
    """Exponential backoff schedule: 0.5, 1, 2, 4 ... seconds, capped."""
    return [min(cap, base * 2**attempt) for attempt in range(retries)]


def should_retry(status: int | None) -> bool:
    """None means the request never got an answer (connection refused, timeout)."""
    return status is None or status in RETRYABLE_STATUS


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class HubClient:
    def __init__(
        self,
        http: httpx.Client,
        credential: str,
        *,
        retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = http
        self._headers = {"Authorization": f"Bearer {credential}"}
        self._delays = backoff_delays(retries)
        self._sleep = sleep

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: dict[str, str | int | bool] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        last_error = "no attempt made"
        for delay in [*self._delays, None]:
            try:
                response = self._http.request(
                    method,
                    path,
                    json=json,
                    params=params,
                    headers={**self._headers, **(headers or {})},
                )
            except httpx.TransportError as exc:
                status, last_error = None, f"{type(exc).__name__}: {exc}"
            else:
                if response.is_success:
                    return response
                status, last_error = response.status_code, _problem_text(response)
            if not should_retry(status) or delay is None:
                break
            self._sleep(delay)
        raise HubUnavailable(f"{method} {path} failed: {last_error}")

    def _parse(self, model: type[M], response: httpx.Response) -> M:
        return model.model_validate_json(response.content)

    def send_batch(self, batch: wire.RecordBatch, idempotency_key: str) -> wire.BatchReceipt:
        response = self._send(
            "POST",
            f"{wire.API_PREFIX}/records",
            json=batch.model_dump(mode="json"),
            headers={"Idempotency-Key": idempotency_key},
        )
        return self._parse(wire.BatchReceipt, response)

    def send_event(self, episode: wire.EpisodeRecord) -> wire.BatchReceipt:
        response = self._send(
            "POST", f"{wire.API_PREFIX}/events", json=episode.model_dump(mode="json")
        )
        return self._parse(wire.BatchReceipt, response)

    def notifications(self, *, include_acknowledged: bool = False) -> list[wire.Notification]:
        found: list[wire.Notification] = []
        cursor: str | None = "0"
        while cursor is not None:
            response = self._send(
                "GET",
                f"{wire.API_PREFIX}/notifications",
                params={
                    "cursor": cursor,
                    "limit": 500,
                    "include_acknowledged": include_acknowledged,
                },
            )
            page = self._parse(wire.NotificationPage, response)
            found.extend(page.notifications)
            cursor = page.next_cursor
        return found

    def acknowledge(self, ids: Sequence[str]) -> int:
        total = 0
        for chunk in batches(list(ids), 1000):
            response = self._send(
                "POST", f"{wire.API_PREFIX}/notifications/ack", json={"ids": list(chunk)}
            )
            total += self._parse(wire.AcknowledgementReceipt, response).acknowledged
        return total

    def summary(self) -> wire.RecordSummary:
        return self._parse(
            wire.RecordSummary, self._send("GET", f"{wire.API_PREFIX}/records/summary")
        )


def _problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
        return f"HTTP {response.status_code}: {body.get('title', '')} {body.get('detail', '')}"
    except ValueError:
        return f"HTTP {response.status_code}"
