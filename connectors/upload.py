"""The one I/O seam to the hub: a client over an ``httpx.Client``, used by the connector, the
auditor's commands and the demo alike.

Tests pass FastAPI's TestClient (an httpx client) or a MockTransport; production passes a real
client. Retry decisions are pure functions in retry.py; the sleep and the clock are injected.
"""

import base64
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import httpx2 as httpx
from pydantic import BaseModel

from connectors.clock import Clock, utc_now
from connectors.oauth import Credentials, StaticBearer, TokenRefused
from connectors.retry import backoff_delays, failure, next_delay, retry_after_seconds
from hub import wire

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Params = dict[str, str | int | bool]


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def open_http(hub_url: str) -> httpx.Client:
    """The production transport: a real HTTP client for the hub at ``hub_url``."""
    return httpx.Client(base_url=hub_url, timeout=30.0)


@dataclass(frozen=True)
class Unanswered:
    """One attempt that did not succeed: the status (None: no answer), what the hub said, and
    how long it asked us to wait."""

    status: int | None
    problem: str
    retry_after: float | None = None
    code: str | None = None  # the problem code in the hub's answer


class HubClient:
    """Every request a council or an auditor makes to the hub, with retries and backoff.

    Failures end as ``CredentialRefused`` (401), ``RequestRefused`` (any other 4xx, never
    retried) or ``HubUnavailable`` (no answer, throttled or 5xx after the retries)."""

    def __init__(
        self,
        http: httpx.Client,
        credential: str | Credentials,
        *,
        retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock = utc_now,
    ) -> None:
        self._http = http
        self._credentials = StaticBearer(credential) if isinstance(credential, str) else credential
        self._delays = backoff_delays(retries)
        self._sleep = sleep
        self._clock = clock

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: Params | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        request = self._http.build_request(
            method, path, json=json, params=params, headers=headers or {}
        )
        schedule = iter(self._delays)
        while True:
            outcome = self._attempt(request)
            if isinstance(outcome, httpx.Response):
                return outcome
            delay = next_delay(
                outcome.status, next(schedule, None), outcome.retry_after, code=outcome.code
            )
            if delay is None:
                raise failure(outcome.status, f"{method} {path}", outcome.problem, outcome.code)
            self._sleep(delay)

    def _attempt(self, request: httpx.Request) -> httpx.Response | Unanswered:
        """One attempt; a 401 to a cached access token is retried once with a fresh token."""
        outcome = self._authorised_send(request)
        refused = isinstance(outcome, httpx.Response) and outcome.status_code == 401
        if refused and self._credentials.forget():
            outcome = self._authorised_send(request)
        return outcome if isinstance(outcome, Unanswered) else self._judge(outcome)

    def _authorised_send(self, request: httpx.Request) -> httpx.Response | Unanswered:
        try:
            request.headers["Authorization"] = self._credentials.authorization(self._http)
        except TokenRefused as exc:
            return Unanswered(exc.as_status, exc.problem)
        try:
            return self._http.send(request)
        except httpx.TransportError as exc:
            return Unanswered(None, f"{type(exc).__name__}: {exc}")

    def _judge(self, response: httpx.Response) -> httpx.Response | Unanswered:
        if response.is_success:
            return response
        retry_after = retry_after_seconds(response.headers.get("Retry-After"), self._clock())
        text, code = _problem(response)
        return Unanswered(response.status_code, text, retry_after, code)

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

    def hub_id(self) -> str:
        """The hub's stable id: another id means another (new or rebuilt) hub."""
        return self._parse(wire.HubInfo, self._send("GET", f"{wire.API_PREFIX}/hub")).hub_id

    def notifications(
        self, *, include_acknowledged: bool = False, wait: int = 0
    ) -> list[wire.Notification]:
        """Every notification; ``wait``: long-poll the first page up to so many seconds."""
        found: list[wire.Notification] = []
        cursor: str | None = "0"
        while cursor is not None:
            waiting = {"wait": wait} if wait and cursor == "0" else {}
            response = self._send(
                "GET",
                f"{wire.API_PREFIX}/notifications",
                params={
                    "cursor": cursor,
                    "limit": 500,
                    "include_acknowledged": include_acknowledged,
                    **waiting,
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

    def dispose(
        self, notification_id: str, disposition: wire.Disposition
    ) -> wire.DispositionReceipt:
        response = self._send(
            "POST",
            f"{wire.API_PREFIX}/notifications/{notification_id}/disposition",
            json={"disposition": disposition},
        )
        return self._parse(wire.DispositionReceipt, response)

    def record_interview(self, reference: str, at: datetime) -> wire.ReturnInterviewReceipt:
        response = self._send(
            "POST",
            f"{wire.API_PREFIX}/events/{reference}/interview",
            json={"at": at.isoformat()},
        )
        return self._parse(wire.ReturnInterviewReceipt, response)

    def summary(self) -> wire.RecordSummary:
        return self._parse(
            wire.RecordSummary, self._send("GET", f"{wire.API_PREFIX}/records/summary")
        )

    def audit_entries(
        self, subject: str | None = None, **filters: str | None
    ) -> list[wire.AuditEntry]:
        """Every audit entry the credential may read (an auditor's: all) matching the filters
        (``subject``, ``actor``, ``action``, ``policy``, ``since``, ``until``), oldest first."""
        entries: list[wire.AuditEntry] = []
        start: str | None = "0"
        chosen = {k: v for k, v in {"subject": subject, **filters}.items() if v}
        while start is not None:
            params: Params = {"after": start, "limit": 1000, **chosen}
            response = self._send("GET", f"{wire.API_PREFIX}/audit", params=params)
            page = self._parse(wire.AuditPage, response)
            entries.extend(page.entries)
            start = page.next_cursor
        return entries

    def audit_checkpoint(self) -> str:
        """The hub's latest signed checkpoint (a C2SP signed note), unverified."""
        return self._send("GET", f"{wire.API_PREFIX}/audit/checkpoint").text

    def audit_key(self) -> str:
        return self._send("GET", f"{wire.API_PREFIX}/audit/key").text.strip()

    def audit_leaves(self, size: int, page: int = 1000) -> list[bytes]:
        """The exact leaf bytes of entries 0 to ``size - 1``."""
        out: list[bytes] = []
        while len(out) < size:
            params: Params = {"start": len(out), "end": min(size, len(out) + page)}
            response = self._send("GET", f"{wire.API_PREFIX}/audit/entries", params=params)
            got = self._parse(wire.AuditLeaves, response).entries
            if not got:
                break
            out.extend(base64.b64decode(e.entry) for e in got)
        return out

    def subject_report(self, request: wire.SubjectReportRequest) -> wire.SubjectReport:
        """Every match, notification and audited access about one of the council's children."""
        response = self._send(
            "POST", f"{wire.API_PREFIX}/audit/subject", json=request.model_dump(mode="json")
        )
        return self._parse(wire.SubjectReport, response)

    def audit_cosign(
        self, cosignature: wire.AuditCosignatureSubmission
    ) -> wire.AuditCosignatureReceipt:
        """Hand the hub a witness's cosignature of one of its checkpoints."""
        response = self._send(
            "POST",
            f"{wire.API_PREFIX}/audit/checkpoint/cosignature",
            json=cosignature.model_dump(mode="json"),
        )
        return self._parse(wire.AuditCosignatureReceipt, response)

    def audit_consistency(self, first: int, second: int) -> list[bytes]:
        params: Params = {"first": first, "second": second}
        response = self._send("GET", f"{wire.API_PREFIX}/audit/proof/consistency", params=params)
        return [base64.b64decode(h) for h in self._parse(wire.AuditProof, response).hashes]


def _problem(response: httpx.Response) -> tuple[str, str | None]:
    """What the hub's problem answer says, and its stable code (RFC 9457 body)."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}", None
    if not isinstance(body, dict):
        return f"HTTP {response.status_code}", None
    text = f"HTTP {response.status_code}: {body.get('title', '')} {body.get('detail', '')}"
    code = body.get("code")
    return text, code if isinstance(code, str) else None
