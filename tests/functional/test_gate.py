"""The gate: credentials before the body, a body limit that holds however the body is sent, and
no unexpected error answered with anything but an audited, generic problem.

Requests here are driven through the ASGI interface directly, so a test can count the body bytes
the hub asked for (what it holds in memory) instead of measuring memory."""

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hub.app import create_app
from hub.settings import HubSettings
from tests.functional.conftest import bearer, register_authority

HOME = "E08000025"
AUDITOR = "E99999999"
LIMIT = 1000
CHUNK = 100
BIG = 64 * 1024 * 1024  # what an attacker offers: 64 MiB


@dataclass
class Exchange:
    """One request sent chunk by chunk, and what came back."""

    chunks: Iterator[bytes]
    body_read: int = 0
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    async def receive(self) -> dict[str, object]:
        chunk = next(self.chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        self.body_read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(self, message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])  # type: ignore[call-overload]
            raw = message.get("headers", [])
            self.headers = {k.decode(): v.decode() for k, v in raw}  # type: ignore[union-attr]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")  # type: ignore[operator]

    def problem(self) -> dict[str, object]:
        assert self.headers["content-type"] == "application/problem+json"
        found: dict[str, object] = json.loads(self.body)
        return found


def chunked(total: int, size: int = CHUNK) -> Iterator[bytes]:
    """A body made lazily, so the test itself holds only one chunk."""
    yield b'{"children": ['
    for _ in range((total - 15) // size):
        yield b" " * size
    yield b"]}"


def send(app: FastAPI, path: str, headers: dict[str, str], chunks: Iterator[bytes]) -> Exchange:
    exchange = Exchange(chunks)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8700),
    }
    asyncio.run(app(scope, exchange.receive, exchange.send))
    return exchange


@pytest.fixture
def small_app(hub_settings: HubSettings) -> Iterator[FastAPI]:
    app = create_app(hub_settings.model_copy(update={"max_body_bytes": LIMIT}))
    yield app
    app.state.hub.engine.dispose()


def refusals(app: FastAPI) -> list[tuple[str, str]]:
    auditor = register_authority(app, AUDITOR, role="auditor")
    with TestClient(app) as client:
        entries = client.get("/v1/audit?limit=1000", headers=bearer(auditor)).json()["entries"]
    return [(e["actor"], e["action"]) for e in entries if e["action"].startswith("refused.")]


JSON = {"Content-Type": "application/json", "Idempotency-Key": "k1"}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda: chunked(BIG), id="chunked-64MiB"),
        pytest.param(lambda: iter([b"{not json"]), id="invalid-json"),
        pytest.param(lambda: iter([b'{"children": []}']), id="valid-batch"),
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer hw1.E08000025.forged", "Basic abc"])
def test_an_unauthenticated_caller_gets_one_401_and_its_body_is_never_read(
    small_app: FastAPI, body: object, authorization: str | None
) -> None:
    headers = {**JSON, **({"Authorization": authorization} if authorization else {})}
    exchange = send(small_app, "/v1/records", headers, body())  # type: ignore[operator]
    assert exchange.status == 401
    assert exchange.headers["www-authenticate"] == "Bearer"
    assert exchange.problem()["code"] == "not_authenticated"
    assert exchange.body_read == 0
    assert refusals(small_app) == [("anonymous", "refused.not_authenticated")]


def test_a_declared_length_over_the_limit_is_refused_unread(small_app: FastAPI) -> None:
    credential = register_authority(small_app, HOME)
    headers = {**JSON, **bearer(credential), "Content-Length": str(BIG)}
    exchange = send(small_app, "/v1/records", headers, chunked(BIG))
    assert exchange.status == 413
    assert exchange.problem()["code"] == "too_large"
    assert exchange.body_read == 0
    assert refusals(small_app) == [(HOME, "refused.too_large")]


def test_a_chunked_body_is_read_no_further_than_the_limit(small_app: FastAPI) -> None:
    credential = register_authority(small_app, HOME)
    exchange = send(small_app, "/v1/records", {**JSON, **bearer(credential)}, chunked(BIG))
    assert exchange.status == 413
    assert exchange.problem()["code"] == "too_large"
    assert LIMIT < exchange.body_read <= LIMIT + CHUNK
    assert refusals(small_app) == [(HOME, "refused.too_large")]


def test_a_chunked_body_within_the_limit_is_accepted(small_app: FastAPI) -> None:
    credential = register_authority(small_app, HOME)
    exchange = send(small_app, "/v1/records", {**JSON, **bearer(credential)}, chunked(LIMIT))
    assert exchange.status == 200, exchange.body
    assert json.loads(exchange.body)["children"] == 0


def test_public_paths_need_no_credentials_but_keep_the_limit(small_app: FastAPI) -> None:
    with TestClient(small_app) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/openapi.json").status_code == 200
        oversized = client.request("GET", "/healthz", content=b" " * (LIMIT + 1))
    assert oversized.status_code == 413


def test_an_unexpected_error_is_a_generic_audited_problem(hub_app: FastAPI) -> None:
    @hub_app.get("/v1/broken")
    def broken() -> None:
        raise RuntimeError("secret internals: /srv/hub/db.py line 12")

    credential = register_authority(hub_app, HOME)
    with TestClient(hub_app) as client:
        response = client.get("/v1/broken", headers=bearer(credential))
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "internal_error"
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert refusals(hub_app) == [(HOME, "refused.internal_error")]
