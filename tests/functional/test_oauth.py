"""OAuth2 (issue 8, identity): a real OAuth2 client library obtains an RFC 9068 access token
with ``private_key_jwt`` and calls the API; every way a token or a client assertion can be
wrong is refused, on every protected endpoint, and audited. SQLite and PostgreSQL."""

from pathlib import Path

import pytest
from authlib.integrations.httpx_client import OAuth2Client
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.clock import utc_now
from connectors.oauth import ClientCredentials, HubAssertion
from connectors.upload import HubClient
from homeward.demo import serving
from hub import operator
from hub.app import create_app
from hub.settings import HubSettings
from tests.functional.conftest import Clock, bearer, register_authority
from tests.functional.oauth_helpers import (
    COUNCIL_SCOPES,
    Forger,
    add_client,
    assertion,
    refusals,
    token_form,
)

HOME, AUDITOR = "E08000025", "E99999999"


def protected_routes(app: FastAPI) -> list[tuple[str, str, str | None]]:
    """(method, path, scope) of every operation that declares the OAuth2 scheme; the scope is
    None where any valid token will do."""
    return [
        (method.upper(), path, next(iter(operation["security"][0]["oauth2"]), None))
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    ]


@pytest.fixture
def council(hub_app: FastAPI, tmp_path: Path) -> tuple[str, dict[str, object]]:
    register_authority(hub_app, HOME)
    return add_client(hub_app, tmp_path / "council", HOME, COUNCIL_SCOPES)


def test_the_connector_obtains_a_token_with_authlib_and_calls_the_api(
    hub_app: FastAPI, client: TestClient, clock: Clock, council: tuple[str, dict[str, object]]
) -> None:
    client_id, private = council
    credentials = ClientCredentials(client_id, dict(private), clock=clock)
    hub = HubClient(client, credentials, sleep=lambda _: None, clock=clock)

    assert hub.summary().children == 0
    assert hub.notifications() == []
    first = credentials.token
    assert first is not None and set(first.scope.split()) == set(COUNCIL_SCOPES)
    hub.summary()
    assert credentials.token is first  # cached while it is fresh
    clock.now = first.expires_at
    hub.summary()
    assert credentials.token is not first  # refreshed by itself
    issued = refusals(hub_app, "token.issue")
    assert [(e["actor"], e["subject"]) for e in issued] == [(HOME, client_id)] * 2


def test_authlibs_own_httpx2_oauth2_client_over_real_http(
    hub_settings: HubSettings, tmp_path: Path
) -> None:
    """The stock Authlib ``OAuth2Client`` (an httpx2 client): fetch_token, then a call. The
    hub runs on the real clock here, since the client's assertion does."""
    app = create_app(hub_settings)
    register_authority(app, HOME)
    client_id, private = add_client(app, tmp_path / "c", HOME, ["records:write"], alg="ES256")
    issuer = hub_settings.issuer
    with (
        serving(app) as url,
        OAuth2Client(
            client_id,
            private,
            token_endpoint_auth_method=HubAssertion(issuer, "ES256", utc_now),
            scope="records:write",
            base_url=url,
        ) as oauth,
    ):
        token = oauth.fetch_token(f"{url}/oauth/token", grant_type="client_credentials")
        summary = oauth.get("/v1/records/summary")
    app.state.hub.engine.dispose()
    assert token["token_type"] == "Bearer" and token["scope"] == "records:write"
    assert summary.status_code == 200


def test_every_protected_endpoint_refuses_every_bad_token_and_audits_it(
    hub_app: FastAPI, client: TestClient, clock: Clock, council: tuple[str, dict[str, object]]
) -> None:
    forger = Forger(hub_app, council[0])
    routes = protected_routes(hub_app)
    assert len(routes) >= 6
    variants = forger.variants(clock.now)
    for method, path, _scope in routes:
        for why, token in variants.items():
            response = client.request(method, path, headers=bearer(token), json={})
            assert response.status_code == 401, (method, path, why, response.text)
            assert response.json()["detail"] == "Valid credentials are required"  # opaque
    audited = refusals(hub_app, "refused.not_authenticated")
    assert len(audited) == len(routes) * len(variants)
    assert all(entry["reason"] for entry in audited)


def test_a_token_without_the_routes_scope_is_forbidden_on_every_endpoint(
    hub_app: FastAPI, client: TestClient, clock: Clock, council: tuple[str, dict[str, object]]
) -> None:
    forger = Forger(hub_app, council[0])
    routes = [r for r in protected_routes(hub_app) if r[2] is not None]
    for method, path, scope in routes:
        others = " ".join(s for s in COUNCIL_SCOPES if s != scope)
        response = client.request(
            method, path, headers=bearer(forger.valid(clock.now, scope=others)), json={}
        )
        assert response.status_code == 403, (method, path, response.text)
    assert len(refusals(hub_app, "refused.forbidden")) == len(routes)


def test_a_revoked_client_is_refused_at_once_on_every_endpoint(
    hub_app: FastAPI, client: TestClient, clock: Clock, council: tuple[str, dict[str, object]]
) -> None:
    client_id, private = council
    token = Forger(hub_app, client_id).valid(clock.now)
    assert client.get("/v1/records/summary", headers=bearer(token)).status_code == 200
    operator.revoke_client(hub_app.state.hub, client_id)
    for method, path, _scope in protected_routes(hub_app):
        assert client.request(method, path, headers=bearer(token), json={}).status_code == 401
    form = token_form(assertion(client_id, dict(private), clock.now, "http://127.0.0.1:8700"))
    refused = client.post("/oauth/token", data=form)
    assert refused.status_code in (400, 401) and refused.json()["error"] == "invalid_client"


def test_the_token_endpoint_refuses_bad_assertions_and_audits_each(
    hub_app: FastAPI,
    client: TestClient,
    clock: Clock,
    council: tuple[str, dict[str, object]],
    tmp_path: Path,
) -> None:
    client_id, private = council
    issuer = hub_app.state.hub.settings.issuer
    good = assertion(client_id, dict(private), clock.now, issuer)
    assert client.post("/oauth/token", data=token_form(good)).status_code == 200
    _, stranger = add_client(hub_app, tmp_path / "other", HOME, ["records:write"])
    bad = {
        "replayed": good,
        "wrong audience": assertion(client_id, dict(private), clock.now, f"{issuer}/oauth/token"),
        "expired": assertion(client_id, dict(private), clock.now, issuer, exp=1),
        "too long-lived": assertion(
            client_id, dict(private), clock.now, issuer, exp=int(clock.now.timestamp()) + 3600
        ),
        "another client's key": assertion(client_id, dict(stranger), clock.now, issuer),
        "iss differs from sub": assertion(client_id, dict(private), clock.now, issuer, iss="x"),
    }
    for why, value in bad.items():
        answer = client.post("/oauth/token", data=token_form(value))
        assert answer.status_code in (400, 401), why
        assert answer.json() == {
            "error": "invalid_client",
            "error_description": "client authentication failed",
        }, why
    scope = client.post(
        "/oauth/token",
        data=token_form(assertion(client_id, dict(private), clock.now, issuer), scope="admin"),
    )
    assert scope.json()["error"] == "invalid_scope"
    refused = refusals(hub_app, "token.refuse")
    assert len(refused) == len(bad) + 1
    assert "replayed" in refused[0]["reason"]


def test_legacy_bearer_credentials_work_only_while_allowed(
    hub_settings: HubSettings, clock: Clock
) -> None:
    first = create_app(hub_settings, clock=clock)
    credential = register_authority(first, HOME)
    first.state.hub.engine.dispose()
    for allowed, status in ((True, 200), (False, 401)):
        settings = hub_settings.model_copy(update={"allow_legacy_bearer": allowed})
        app = create_app(settings, clock=clock)
        with TestClient(app) as test_client:
            answer = test_client.get("/v1/records/summary", headers=bearer(credential))
        app.state.hub.engine.dispose()
        assert answer.status_code == status


def test_the_authorization_server_publishes_its_keys_and_metadata(client: TestClient) -> None:
    metadata = client.get("/.well-known/oauth-authorization-server").json()
    assert metadata["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert keys and all("d" not in k and k["kid"].startswith("hub-v1-") for k in keys)
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["oauth2"]["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"
