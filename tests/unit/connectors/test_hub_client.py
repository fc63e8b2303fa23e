"""HubClient against a scripted hub (``httpx.MockTransport``): what it retries, how long it
waits (the sleep and the clock are pinned; nothing waits for real), and what it reports."""

import json
from datetime import UTC, datetime

import httpx2 as httpx
import pytest

from connectors.errors import CredentialRefused, HubUnavailable, RequestRefused
from connectors.upload import HubClient
from hub import wire

NOW = datetime(2026, 11, 25, 2, 0, 0, tzinfo=UTC)
RECEIPT = {"children": 1, "episodes": 0, "removed_children": 0, "removed_episodes": 0}
Answer = httpx.Response | type[httpx.TransportError]


class ScriptedHub:
    """Answers requests in order (the last answer repeats) and keeps every request."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, httpx.Response):
            return answer
        raise answer("scripted failure", request=request)


def problem(status: int, title: str = "Refused", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"title": title, "detail": "scripted"}, headers=headers)


def client_for(hub: ScriptedHub, sleeps: list[float], retries: int = 3) -> HubClient:
    http = httpx.Client(transport=httpx.MockTransport(hub), base_url="http://hub.test")
    return HubClient(
        http, "council-credential", retries=retries, sleep=sleeps.append, clock=lambda: NOW
    )


def send(client: HubClient) -> wire.BatchReceipt:
    return client.send_batch(wire.RecordBatch(removed_children=["c-1"]), idempotency_key="run-0")


def test_a_failing_hub_is_retried_on_the_backoff_schedule_then_reported_unavailable() -> None:
    hub, sleeps = ScriptedHub(problem(503, "Service Unavailable")), []
    with pytest.raises(HubUnavailable, match="POST /v1/records failed: HTTP 503"):
        send(client_for(hub, sleeps, retries=3))
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(hub.requests) == 4


@pytest.mark.parametrize("status", [400, 403, 404, 409, 413, 422])
def test_a_refused_request_is_sent_once_and_reported_refused(status: int) -> None:
    hub, sleeps = ScriptedHub(problem(status), httpx.Response(200, json=RECEIPT)), []
    with pytest.raises(RequestRefused, match=f"HTTP {status}"):
        send(client_for(hub, sleeps))
    assert len(hub.requests) == 1
    assert sleeps == []


def test_a_refused_credential_is_not_retried_and_not_hub_unavailable() -> None:
    hub, sleeps = ScriptedHub(problem(401, "Valid credentials are required")), []
    with pytest.raises(CredentialRefused, match="Valid credentials are required") as refused:
        client_for(hub, sleeps).notifications()
    assert not isinstance(refused.value, HubUnavailable)
    assert refused.value.exit_code == 5
    assert (len(hub.requests), sleeps) == (1, [])


def test_throttling_waits_as_long_as_retry_after_says() -> None:
    throttled = problem(429, "Too Many Requests", **{"Retry-After": "7"})
    hub, sleeps = ScriptedHub(throttled, httpx.Response(200, json=RECEIPT)), []
    assert send(client_for(hub, sleeps)).children == 1
    assert sleeps == [7.0]  # not the schedule's 0.5


def test_retry_after_as_a_date_is_read_against_the_injected_clock() -> None:
    later = problem(503, **{"Retry-After": "Wed, 25 Nov 2026 02:00:30 GMT"})
    hub, sleeps = ScriptedHub(later, httpx.Response(200, json=RECEIPT)), []
    send(client_for(hub, sleeps))
    assert sleeps == [30.0]


def test_a_hub_asking_for_a_long_pause_ends_the_run_now() -> None:
    hub, sleeps = ScriptedHub(problem(429, **{"Retry-After": "3600"})), []
    with pytest.raises(HubUnavailable, match="HTTP 429"):
        send(client_for(hub, sleeps))
    assert (len(hub.requests), sleeps) == (1, [])


def test_connection_errors_are_retried_then_succeed() -> None:
    ok = httpx.Response(200, json=RECEIPT)
    hub, sleeps = ScriptedHub(httpx.ConnectError, httpx.ReadTimeout, ok), []
    assert send(client_for(hub, sleeps)).children == 1
    assert sleeps == [0.5, 1.0]


def test_a_hub_never_reached_is_reported_unavailable() -> None:
    hub, sleeps = ScriptedHub(httpx.ConnectError), []
    with pytest.raises(HubUnavailable, match="ConnectError: scripted failure"):
        send(client_for(hub, sleeps, retries=2))
    assert (len(hub.requests), sleeps) == (3, [0.5, 1.0])


def test_every_attempt_carries_the_same_body_credential_and_idempotency_key() -> None:
    hub = ScriptedHub(problem(502), httpx.Response(200, json=RECEIPT))
    send(client_for(hub, []))
    first, second = hub.requests
    for header in ("Authorization", "Idempotency-Key"):
        assert first.headers[header] == second.headers[header]
    assert first.headers["Authorization"] == "Bearer council-credential"
    assert first.headers["Idempotency-Key"] == "run-0"
    assert first.content == second.content
    assert json.loads(first.content)["removed_children"] == ["c-1"]


def audit_page(seqs: list[int], next_cursor: str | None) -> httpx.Response:
    entries = [
        {
            "index": seq,
            "at": "2026-11-25T02:00:00Z",
            "actor": "hub",
            "action": "match.link",
            "subject": "HW-1",
            "refs": ["HW-1"],
            "detail": {},
            "leaf_hash": f"h{seq}",
        }
        for seq in seqs
    ]
    return httpx.Response(200, json={"entries": entries, "next_cursor": next_cursor})


def test_audit_entries_follow_the_cursor_to_the_end() -> None:
    hub = ScriptedHub(audit_page([1, 2], "2"), audit_page([3], None))
    entries = client_for(hub, []).audit_entries(subject="HW-1")
    assert [e.index for e in entries] == [1, 2, 3]
    assert [r.url.params["after"] for r in hub.requests] == ["0", "2"]
    assert {r.url.params["subject"] for r in hub.requests} == {"HW-1"}
