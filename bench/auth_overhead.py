"""What authentication adds to the report -> notification path (issue 8): the latency
benchmark's events (bench/notify_latency.py) posted in one run, alternately with a legacy
bearer credential (an HMAC lookup) and with an OAuth2 access token (an RFC 9068 JWT: signature,
claims, then the client and authority lookups). The difference of the medians is the overhead
of OAuth2 over the first release's credentials; both include everything else the hub does."""

import statistics
import tempfile
import time
import uuid
from pathlib import Path

from authlib.oauth2.rfc7523 import private_key_jwt_sign
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwk

from bench.common import NOW, backends, children, corpus, hub_app, load_corpus, percentile
from bench.common import register as register_councils
from bench.notify_latency import REPORTER, WARM_UP, Event, events
from bench.tables import MS, Measurement
from connectors.pseudonymise import Pseudonymiser
from hub import operator, wire
from keys import CouncilKey, read_client_key, read_public_jwk, write_client_key

LEGACY, OAUTH = "legacy bearer", "OAuth2 JWT"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def access_token(app: FastAPI, client: TestClient, authority: str, scope: str) -> str:
    """`keys new-client`, `hub client add`, then the token endpoint, as a connector would."""
    with tempfile.TemporaryDirectory() as tmp:
        files = write_client_key(Path(tmp))
        private = read_client_key(files.private)
        client_id = operator.add_client(
            app.state.hub,
            authority=authority,
            name="bench",
            scopes=[scope],
            jwk=read_public_jwk(files.public),
        )
    at = int(NOW.timestamp())
    claims = {"iat": at, "exp": at + 60, "jti": uuid.uuid4().hex}
    issuer = app.state.hub.settings.issuer
    signed = private_key_jwt_sign(
        jwk.import_key(private), client_id, issuer, alg=private["alg"], claims=claims
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": str(signed),
    }
    answer = client.post("/oauth/token", data=form)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _latencies(
    client: TestClient, credentials: dict[str, str], reports: list[Event]
) -> dict[str, list[float]]:
    """Milliseconds per event by credential, interleaved (so drift hits both alike)."""
    kinds = list(credentials)
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    for number, event in enumerate(reports):
        kind = kinds[number % len(kinds)]
        headers = {
            "Authorization": f"Bearer {credentials[kind]}",
            "Content-Type": "application/json",
        }
        start = time.perf_counter()
        answer = client.post(f"{wire.API_PREFIX}/events", content=event.body, headers=headers)
        answer.raise_for_status()
        if number >= WARM_UP:
            samples[kind].append((time.perf_counter() - start) * 1000)
    return samples


def _measure(backend: str, n_children: int, reports: list[Event]) -> list[Measurement]:
    with hub_app(backend) as app, TestClient(app) as client:
        load_corpus(app, corpus(n_children))
        credentials = {
            LEGACY: register_councils(app, [REPORTER.code])[REPORTER.code],
            OAUTH: access_token(app, client, REPORTER.code, "events:write"),
        }
        samples = _latencies(client, credentials, reports)
    found = [
        Measurement(f"event -> notification, {kind}, p{p}", percentile(s, p), MS, backend, len(s))
        for kind, s in samples.items()
        for p in (50, 99)
    ]
    overhead = statistics.median(samples[OAUTH]) - statistics.median(samples[LEGACY])
    found.append(
        Measurement(
            "authentication overhead, OAuth2 over legacy (p50)",
            overhead,
            MS,
            backend,
            sum(len(s) for s in samples.values()),
            note="difference of the medians above, same run, events interleaved",
        )
    )
    return found


def run(*, quick: bool) -> list[Measurement]:
    n_children = children(quick=quick)
    data = corpus(n_children)
    reporter = Pseudonymiser(data.keyring, CouncilKey.generate(REPORTER.code))
    reports = events(data, reporter, WARM_UP + (120 if quick else 800))
    return [m for backend in backends() for m in _measure(backend, n_children, reports)]
