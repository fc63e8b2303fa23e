"""Trusting an external identity provider: its JWKS is served on 127.0.0.1 by a tiny
http.server thread; the hub fetches it with httpx, caches it, and refetches on an unknown kid
no sooner than the floor allows. SQLite and PostgreSQL."""

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwk, jwt

from hub import operator
from hub.app import create_app
from hub.settings import HubSettings
from keys.signing import new_private_jwk, public_jwk
from tests.functional.conftest import Clock, bearer, register_authority

HOME = "E08000025"
IDP = "https://idp.example/realms/homeward"
CLIENT = "duty-team-tools"


class Idp:
    """The IdP's signing keys; ``jwks`` is what its endpoint serves now."""

    def __init__(self) -> None:
        self.keys = [new_private_jwk("ES256")]
        self.requests = 0

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(k) for k in self.keys]}

    def token(self, now_ts: int, key: dict[str, Any] | None = None, **changes: Any) -> str:
        chosen = key or self.keys[-1]
        claims = {
            "iss": IDP,
            "sub": CLIENT,
            "aud": "urn:homeward:hub-api",
            "client_id": CLIENT,
            "iat": now_ts,
            "exp": now_ts + 300,
            "jti": uuid.uuid4().hex,
            "scope": "notifications:read events:write",
            **changes,
        }
        header = {"typ": "at+jwt", "alg": "ES256", "kid": chosen["kid"]}
        return jwt.encode(header, claims, jwk.import_key(chosen), algorithms=["ES256"])


@pytest.fixture
def idp() -> Iterator[tuple[Idp, str]]:
    provider = Idp()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider.requests += 1
            body = json.dumps(provider.jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield provider, f"http://127.0.0.1:{server.server_address[1]}/jwks"
    server.shutdown()
    server.server_close()


@pytest.fixture
def app(hub_settings: HubSettings, clock: Clock, idp: tuple[Idp, str]) -> Iterator[FastAPI]:
    settings = hub_settings.model_copy(
        update={
            "external_issuer": IDP,
            "external_jwks_url": idp[1],
            "jwks_refetch_floor_seconds": 60,
        }
    )
    made = create_app(settings, clock=clock)
    register_authority(made, HOME)
    operator.add_client(
        made.state.hub,
        authority=HOME,
        name="duty team",
        jwk=None,
        scopes=["events:write", "notifications:read"],
        client_id=CLIENT,
    )
    yield made
    made.state.hub.engine.dispose()


def test_tokens_of_the_trusted_idp_are_accepted_and_its_jwks_cached(
    app: FastAPI, clock: Clock, idp: tuple[Idp, str]
) -> None:
    provider, _ = idp
    now = int(clock.now.timestamp())
    with TestClient(app) as client:
        for _ in range(3):
            answer = client.get("/v1/notifications", headers=bearer(provider.token(now)))
            assert answer.status_code == 200, answer.text
        assert provider.requests == 1
        refused = client.get("/v1/records/summary", headers=bearer(provider.token(now)))
        assert refused.status_code == 403  # records:write is not the duty team's
        wrong = client.get("/v1/notifications", headers=bearer(provider.token(now, aud="x")))
        assert wrong.status_code == 401


def test_an_unknown_kid_refetches_no_sooner_than_the_floor(
    app: FastAPI, clock: Clock, idp: tuple[Idp, str]
) -> None:
    provider, _ = idp
    with TestClient(app) as client:
        now = int(clock.now.timestamp())
        assert (
            client.get("/v1/notifications", headers=bearer(provider.token(now))).status_code == 200
        )
        provider.keys.append(new_private_jwk("ES256"))  # the IdP rotates
        clock.now += timedelta(seconds=10)
        now = int(clock.now.timestamp())
        assert (
            client.get("/v1/notifications", headers=bearer(provider.token(now))).status_code == 401
        )
        assert provider.requests == 1  # within the floor: no refetch
        clock.now += timedelta(seconds=60)
        now = int(clock.now.timestamp())
        assert (
            client.get("/v1/notifications", headers=bearer(provider.token(now))).status_code == 200
        )
        assert provider.requests == 2
        stranger = new_private_jwk("ES256")
        forged = provider.token(now, key=stranger)
        for _ in range(5):
            assert client.get("/v1/notifications", headers=bearer(forged)).status_code == 401
        assert provider.requests == 2  # made-up kids cannot make the hub hammer the IdP
