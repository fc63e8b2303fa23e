"""OAuth2 token issuance and validation per second (issue 8).

- issue: ``POST /oauth/token`` in-process (FastAPI TestClient, the real app and database):
  client assertion verified, its ``jti`` stored, access token signed, both audited. Assertions
  are signed beforehand (that is the connector's cost, measured on its own line).
- validate: ``JwtAuthenticator.verify`` (signature, typ, alg allow-list, claims; no database),
  then the full ``authenticate`` (plus the client and authority lookups in one session).
- sign assertion: what a connector spends per token request.

- the overhead of authentication on report -> notification latency: OAuth2 access tokens
  against legacy bearer credentials in the same run (bench/auth_overhead.py).

No targets: a connector asks for a token every few minutes, while every API request is
validated, so validation is the number that matters. Run with ``python -m bench --only oauth``.
"""

import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from authlib.oauth2.rfc7523 import private_key_jwt_sign
from fastapi.testclient import TestClient
from joserfc import jwk

from bench import auth_overhead
from bench.common import NOW, backends, hub_app, register
from bench.tables import Measurement
from hub import operator
from keys import read_client_key, read_public_jwk, write_client_key

NAME = "oauth"
PER_S = "per s"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _assertion(client_id: str, key: Any, alg: str, audience: str) -> str:
    """What the connector sends (Authlib's ``private_key_jwt_sign``, as connectors/oauth.py)."""
    at = int(NOW.timestamp())
    claims = {"iat": at, "exp": at + 60, "jti": uuid.uuid4().hex}
    return str(private_key_jwt_sign(key, client_id, audience, alg=alg, claims=claims))


def _rate(
    name: str, count: int, action: Callable[[], object], backend: str, note: str
) -> Measurement:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    return Measurement(name, count / seconds, PER_S, backend, count, None, note)


def _backend(backend: str, count: int, alg: str) -> list[Measurement]:
    with hub_app(backend) as app, tempfile.TemporaryDirectory() as tmp, TestClient(app) as client:
        register(app, ["E08000025"])
        files = write_client_key(Path(tmp), alg)
        client_id = operator.add_client(
            app.state.hub,
            authority="E08000025",
            name="bench",
            scopes=["records:write"],
            jwk=read_public_jwk(files.public),
        )
        key = jwk.import_key(read_client_key(files.private))
        issuer = app.state.hub.settings.issuer
        signed = [_assertion(client_id, key, alg, issuer) for _ in range(count)]
        tokens: list[str] = []

        def issue() -> None:
            for value in signed:
                form = {
                    "grant_type": "client_credentials",
                    "client_assertion": value,
                    "client_assertion_type": ASSERTION_TYPE,
                }
                tokens.append(client.post("/oauth/token", data=form).json()["access_token"])

        services = app.state.hub.services
        authenticator = services.authenticator.tokens

        def verify() -> None:
            for token in tokens:
                authenticator.verify(token)

        def authenticate() -> None:
            with app.state.hub.transaction() as session:
                for token in tokens:
                    services.authenticator.authenticate(session, f"Bearer {token}")

        return [
            _rate("token issue (HTTP, audited)", count, issue, backend, f"{alg} client key"),
            _rate("token validate (no database)", count, verify, backend, "Ed25519 hub key"),
            _rate("token authenticate (with client lookup)", count, authenticate, backend, ""),
        ]


def run(*, quick: bool = False) -> list[Measurement]:
    count = 200 if quick else 2000
    found: list[Measurement] = []
    for alg in ("Ed25519", "ES256"):
        key = jwk.import_key(
            read_client_key(write_client_key(Path(tempfile.mkdtemp()), alg).private)
        )
        found.append(
            _rate(
                "client assertion sign (connector)",
                count,
                lambda k=key, a=alg: [_assertion("c", k, a, "x") for _ in range(count)],
                "-",
                alg,
            )
        )
    for backend in backends():
        found.extend(_backend(backend, count, "Ed25519"))
    return found + auth_overhead.run(quick=quick)
