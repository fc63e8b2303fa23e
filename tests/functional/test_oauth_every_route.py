"""Issue 8 acceptance: every kind of bad credential is refused on EVERY route of the API.

The routes come from the app itself (its OpenAPI document, and its router for routes the
document hides), never from a hand-kept list: a new route that declares no OAuth2 scheme, or
hides from the document, fails here until someone decides it is public. Each refusal is
checked on every protected route, beside a control (the right token on the same route is let
through), and each refusal is audited. Then Schemathesis draws any request a route documents,
and Hypothesis a bad credential to send with it. SQLite and PostgreSQL."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub import operator
from tests.functional.conftest import Clock, bearer, register_authority
from tests.functional.oauth_helpers import (
    COUNCIL_SCOPES,
    Forger,
    add_client,
    assertion,
    refusals,
    token_form,
)

HOME, LEAVER, AUDITOR, OPERATOR = "E08000025", "E09000033", "E99999999", "E99999998"
# Documented routes that need no token, each for a reason.
PUBLIC = {
    ("GET", "/healthz"),  # liveness, says nothing
    ("GET", "/readyz"),  # readiness, says nothing
    ("POST", "/oauth/token"),  # authenticates with a client assertion instead
    ("GET", "/.well-known/jwks.json"),  # public keys
    ("GET", "/.well-known/oauth-authorization-server"),  # public metadata
}
# Routes the document hides: Prometheus metrics, for the operator's scraper (admin scope).
HIDDEN = {("GET", "/metrics")}
METRICS = ("GET", "/metrics", ("admin",))
DENIED = (401, 403)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    scopes: tuple[str, ...]

    @property
    def url(self) -> str:
        """The path with every parameter filled with a plausible value."""
        return re.sub(r"\{[^}]+\}", "1", self.path)


def documented(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def protected(app: FastAPI) -> list[Route]:
    """Every documented route that declares the OAuth2 scheme, and the metrics route."""
    return [
        *(
            Route(method, path, tuple(operation["security"][0]["oauth2"]))
            for method, path, operation in documented(app)
            if operation.get("security")
        ),
        Route(*METRICS),
    ]


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every API route of the app, however deeply routers are included."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from api_routes(inner.routes)
        elif isinstance(route, APIRoute):
            yield route


def web_pages(app: FastAPI) -> set[tuple[str, str]]:
    """The web pages for people (hub/web): signed in with a session cookie, not an OAuth2
    token, and tested in tests/functional/test_web_pages.py and tests/browser/."""
    return {
        (m, r.path)
        for r in api_routes(app.routes)
        if r.endpoint.__module__.startswith("hub.web.")
        for m in r.methods or ()
    }


def test_every_route_is_documented_and_protected_unless_deliberately_public(
    hub_app: FastAPI,
) -> None:
    served = {(m, r.path) for r in api_routes(hub_app.routes) for m in r.methods or ()}
    in_document = {(m, p) for m, p, _ in documented(hub_app)}
    pages = web_pages(hub_app)
    assert not any(path.startswith("/v1") for _, path in pages)
    assert served - in_document - pages == HIDDEN, "a route hides from the OpenAPI document"
    guarded = {(r.method, r.path) for r in protected(hub_app)} - HIDDEN
    assert in_document - guarded == PUBLIC, "a route declares no OAuth2 scheme"
    assert all(path.startswith("/v1/") for _, path in guarded)
    assert len(guarded) >= 18


@pytest.fixture
def tokens(
    hub_app: FastAPI, client: TestClient, clock: Clock, tmp_path: Path
) -> dict[str, dict[str, str]]:
    """Access tokens from the real token endpoint and forged ones, by what is wrong with them.
    ``good`` holds every council scope; ``refused`` are each wrong in one way."""
    issuer = hub_app.state.hub.settings.issuer
    register_authority(hub_app, HOME)
    leaver_credential = register_authority(hub_app, LEAVER)  # legacy bearer, allowed here
    register_authority(hub_app, AUDITOR, role="auditor")
    register_authority(hub_app, OPERATOR, role="operator")

    def fetch(client_id: str, private: dict[str, Any], scope: str | None = None) -> str:
        form = token_form(assertion(client_id, private, clock.now, issuer), scope)
        answer = client.post("/oauth/token", data=form)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    home_id, home_key = add_client(hub_app, tmp_path / "home", HOME, COUNCIL_SCOPES)
    revoked_id, revoked_key = add_client(hub_app, tmp_path / "gone", HOME, COUNCIL_SCOPES)
    leaver_id, leaver_key = add_client(hub_app, tmp_path / "leaver", LEAVER, COUNCIL_SCOPES)
    good = fetch(home_id, home_key)
    auditor = fetch(*add_client(hub_app, tmp_path / "auditor", AUDITOR, ["audit:read"]))
    admin = fetch(*add_client(hub_app, tmp_path / "operator", OPERATOR, ["admin"]))
    of_revoked_client = fetch(revoked_id, revoked_key)
    of_revoked_authority = fetch(leaver_id, leaver_key)
    operator.revoke_client(hub_app.state.hub, revoked_id)
    operator.revoke_authority(hub_app.state.hub, LEAVER, "left the scheme")

    used = assertion(home_id, home_key, clock.now, issuer)
    assert client.post("/oauth/token", data=token_form(used)).status_code == 200
    replayed = client.post("/oauth/token", data=token_form(used))
    assert replayed.json()["error"] == "invalid_client"  # so no token comes of a replay

    refused = Forger(hub_app, home_id).variants(clock.now) | {
        "a revoked client's token": of_revoked_client,
        "a revoked authority's token": of_revoked_authority,
        "a client assertion replayed as an access token": used,
        "a revoked authority's legacy bearer credential": leaver_credential,
    }
    scoped = {s: fetch(home_id, home_key, s) for s in COUNCIL_SCOPES} | {"admin": admin}
    good_ones = {"council": good, "auditor": auditor, "operator": admin}
    return {"good": good_ones, "refused": refused, "scoped": scoped}


def call(client: TestClient, route: Route, token: str) -> int:
    return client.request(route.method, route.url, headers=bearer(token), json={}).status_code


def test_every_protected_route_refuses_every_bad_credential_and_audits_it(
    hub_app: FastAPI, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    routes = protected(hub_app)
    before = len(refusals(hub_app, "refused.not_authenticated"))
    for route in routes:
        let_in = [w for w, t in tokens["good"].items() if call(client, route, t) not in DENIED]
        assert let_in, f"{route}: no good token is let in, so no refusal here means anything"
        for why, token in tokens["refused"].items():
            assert call(client, route, token) == 401, (route, why)
    audited = refusals(hub_app, "refused.not_authenticated")[before:]
    assert len(audited) == len(routes) * len(tokens["refused"])


def test_every_scoped_route_refuses_a_token_without_its_scope(
    hub_app: FastAPI, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    """One token per scope: on each route, every token lacking the route's scope is 403."""
    scoped = [r for r in protected(hub_app) if r.scopes]
    assert {s for r in scoped for s in r.scopes} == set(tokens["scoped"])
    before = len(refusals(hub_app, "refused.forbidden"))
    for route in scoped:
        for scope, token in tokens["scoped"].items():
            if scope not in route.scopes:
                assert call(client, route, token) == 403, (route, scope)
    expected = sum(len(tokens["scoped"]) - len(r.scopes) for r in scoped)
    assert len(refusals(hub_app, "refused.forbidden")) - before == expected


def test_a_bad_credential_is_refused_whatever_the_request_says(
    hub_app: FastAPI, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    """Authentication comes before the request is read: Schemathesis draws requests from each
    route's documented schema (paths, queries, bodies, valid or not) and every one carrying a
    bad credential is 401, never a 422 or a 404 that would say something about the request."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", hub_app)
    schema.config.generation.update(allow_x00=False)
    refused = sorted(tokens["refused"].items())
    for route in protected(hub_app):
        if (route.method, route.path) in HIDDEN:
            continue

        @given(case=schema[route.path][route.method].as_strategy(), bad=st.sampled_from(refused))
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
        def refused_whatever_it_says(case: Any, bad: tuple[str, str]) -> None:
            answer = case.call(headers=bearer(bad[1]))
            assert answer.status_code == 401, (case.method, case.path, bad[0], answer.text)

        refused_whatever_it_says()
