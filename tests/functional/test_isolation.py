"""Authority isolation and authentication, tried across every endpoint."""

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from keys import SharedKeyring
from tests.factories import CouncilSide, batch, person
from tests.functional.conftest import bearer, register_authority

HOME, OTHER, REPORTER = "E08000025", "E09000007", "E06000023"
PUBLIC_PATHS = {
    "/healthz",
    "/readyz",  # readiness: says only whether the database is current
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/oauth/token",  # authenticates the client itself (tests/functional/test_oauth.py)
    "/.well-known/jwks.json",
    "/.well-known/oauth-authorization-server",
}


def data_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every operation the app publishes, from its own OpenAPI document."""
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if path not in PUBLIC_PATHS
    ]


@pytest.fixture
def world(hub_app: FastAPI, client: TestClient) -> dict[str, str]:
    """HOME has a child reported missing by REPORTER; OTHER is an unrelated council."""
    keyring = SharedKeyring.generate()
    creds = {code: register_authority(hub_app, code) for code in (HOME, OTHER, REPORTER)}
    creds["auditor"] = register_authority(hub_app, "E99999999", "Scheme auditor", role="auditor")
    home, reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
    child = person()
    client.post(
        "/v1/records",
        json=batch(children=[home.child(child)]),
        headers={**bearer(creds[HOME]), "Idempotency-Key": "k1"},
    ).raise_for_status()
    client.post(
        "/v1/events",
        json=reporter.event(child).model_dump(mode="json"),
        headers=bearer(creds[REPORTER]),
    ).raise_for_status()
    return creds


def test_every_data_endpoint_refuses_missing_and_forged_credentials(
    hub_app: FastAPI, client: TestClient, world: dict[str, str]
) -> None:
    routes = data_routes(hub_app)
    assert len(routes) >= 6
    home_secret = world[HOME].split(".")[2]
    forged = [
        None,
        "Bearer ",
        "Basic abc",
        f"Bearer hw1.{OTHER}.{home_secret}",
        f"Bearer {world[HOME]}x",
        "Bearer hw1.E99999998.abc",
    ]
    for method, path in routes:
        for header in forged:
            headers = {"Authorization": header} if header else {}
            response = client.request(method, path, headers=headers, json={})
            assert response.status_code == 401, (method, path, header, response.text)
            assert response.json()["code"] == "not_authenticated"


def test_a_council_sees_only_its_own_notifications(
    client: TestClient, world: dict[str, str]
) -> None:
    home_ids = [
        n["id"]
        for n in client.get("/v1/notifications", headers=bearer(world[HOME])).json()[
            "notifications"
        ]
    ]
    assert len(home_ids) == 1
    other = client.get(
        "/v1/notifications?include_acknowledged=true", headers=bearer(world[OTHER])
    ).json()
    assert other["notifications"] == []
    stolen_ack = client.post(
        "/v1/notifications/ack", json={"ids": home_ids}, headers=bearer(world[OTHER])
    )
    assert stolen_ack.status_code == 404
    still_unread = client.get("/v1/notifications", headers=bearer(world[HOME])).json()
    assert [n["id"] for n in still_unread["notifications"]] == home_ids


def test_a_council_sees_only_its_own_records_and_audit_entries(
    client: TestClient, world: dict[str, str]
) -> None:
    other = client.get("/v1/records/summary", headers=bearer(world[OTHER])).json()
    assert other == {"authority": OTHER, "children": 0, "episodes": 0}
    home = client.get("/v1/records/summary", headers=bearer(world[HOME])).json()
    assert home["children"] == 1
    entries = client.get("/v1/audit", headers=bearer(world[OTHER])).json()["entries"]
    assert entries and {e["actor"] for e in entries} == {OTHER}
    assert client.get("/v1/audit/verify", headers=bearer(world[OTHER])).status_code == 403


def test_a_council_cannot_remove_another_councils_records(
    client: TestClient, world: dict[str, str], hub_app: FastAPI
) -> None:
    from sqlmodel import Session, select

    from hub.records.models import Child

    with Session(hub_app.state.hub.engine) as session:
        refs = [c.ref for c in session.exec(select(Child))]
    client.post(
        "/v1/records",
        json=batch(removed_children=refs),
        headers={**bearer(world[OTHER]), "Idempotency-Key": uuid.uuid4().hex},
    ).raise_for_status()
    home = client.get("/v1/records/summary", headers=bearer(world[HOME])).json()
    assert home["children"] == 1


def test_auditor_reads_everything_but_cannot_upload(
    client: TestClient, world: dict[str, str]
) -> None:
    entries = client.get("/v1/audit?limit=1000", headers=bearer(world["auditor"])).json()
    assert {HOME, REPORTER, "hub"} <= {e["actor"] for e in entries["entries"]}
    refused = client.post(
        "/v1/records", json=batch(), headers={**bearer(world["auditor"]), "Idempotency-Key": "a"}
    )
    assert refused.status_code == 403
    assert client.get("/v1/notifications", headers=bearer(world["auditor"])).status_code == 403


def test_reading_notifications_and_the_audit_log_is_itself_audited(
    client: TestClient, world: dict[str, str]
) -> None:
    client.get("/v1/notifications", headers=bearer(world[HOME]))
    client.get("/v1/audit", headers=bearer(world["auditor"]))
    entries = client.get("/v1/audit?limit=1000", headers=bearer(world["auditor"])).json()
    actions = [(e["actor"], e["action"]) for e in entries["entries"]]
    assert (HOME, "notifications.read") in actions
    assert ("E99999999", "audit.read") in actions


def test_an_oversized_request_is_refused_before_it_is_read(
    hub_settings: object, clock: object
) -> None:
    """Once the caller is known (tests/functional/test_gate.py: unknown callers get 401)."""
    from hub.app import create_app
    from hub.settings import HubSettings

    assert isinstance(hub_settings, HubSettings)
    small = create_app(hub_settings.model_copy(update={"max_body_bytes": 1000}))
    credential = register_authority(small, HOME)
    with TestClient(small) as client:
        response = client.post(
            "/v1/records",
            content=b"{" + b" " * 2000 + b"}",
            headers={"Content-Type": "application/json", **bearer(credential)},
        )
    assert response.status_code == 413
    small.state.hub.engine.dispose()


def test_a_stream_of_reports_beyond_the_daily_quota_is_refused_and_audited(
    hub_settings: object, clock: object
) -> None:
    """Per-authority quotas stop membership probing ("is this child known anywhere?")."""
    from hub.app import create_app
    from hub.settings import HubSettings

    assert isinstance(hub_settings, HubSettings)
    app = create_app(hub_settings.model_copy(update={"max_keyed_reports_per_day": 3}))
    reporter = CouncilSide(REPORTER, SharedKeyring.generate())
    credential = register_authority(app, REPORTER)
    with TestClient(app) as client:
        statuses = [
            client.post(
                "/v1/events",
                headers=bearer(credential),
                json=reporter.event(person()).model_dump(mode="json"),
            ).status_code
            for _ in range(5)
        ]
        assert statuses == [200, 200, 200, 429, 429]
        auditor = register_authority(app, "E99999999", role="auditor")
        entries = client.get("/v1/audit?limit=1000", headers=bearer(auditor)).json()["entries"]
    refusals = [e for e in entries if e["action"] == "refused.quota_exceeded"]
    assert [e["actor"] for e in refusals] == [REPORTER, REPORTER]
    app.state.hub.engine.dispose()
