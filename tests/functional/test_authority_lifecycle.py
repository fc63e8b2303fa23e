"""Authorities have a life cycle (real app, SQLite and PostgreSQL): codes are checked against
the shipped ONS list, an existing code is refused, an update is audited with a commitment to
the new content, and a revoked authority stops at once: legacy credential, OAuth2 tokens
already issued, and its records, which no longer match."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from hub import audit, operator
from hub.audit.commitments import authority_commitment
from hub.errors import InvalidRequest
from hub.identity.authorities import upper_tier_authorities
from hub.identity.models import Authority
from keys import SharedKeyring
from tests.factories import CouncilSide, person
from tests.functional.conftest import Clock, bearer, register_authority
from tests.functional.oauth_helpers import COUNCIL_SCOPES, add_client, assertion, token_form
from tests.functional.test_key_rotation import links_to_home, report, upload

HOME, REPORTER, AUDITOR = "E08000025", "E06000023", "E99999999"


def audit_details(app: FastAPI, action: str) -> list[dict[str, object]]:
    with Session(app.state.hub.engine) as session:
        rows = audit.entries(session, action=action, limit=10_000)
        return [json.loads(r.leaf)["detail"] for r in rows]


def test_the_shipped_list_holds_every_english_upper_tier_authority() -> None:
    codes = upper_tier_authorities()
    assert len(codes) == 153 and codes[HOME] == "Birmingham"
    assert codes["E06000063"] == "Cumberland" and "E10000006" not in codes  # April 2023
    assert {c[:3] for c in codes} == {"E06", "E08", "E09", "E10"}


@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("not a code!", "council"),
        ("E07000105", "council"),  # a lower-tier district: no children's services
        ("E10000006", "council"),  # Cumbria: no council since April 2023
        ("W06000015", "council"),  # Welsh
        (AUDITOR, "council"),
        (HOME, "auditor"),
    ],
)
def test_a_code_that_names_no_such_authority_is_refused(
    hub_app: FastAPI, code: str, role: str
) -> None:
    with pytest.raises(InvalidRequest):
        register_authority(hub_app, code, role=role)


def test_an_existing_code_is_refused_and_an_update_is_audited(hub_app: FastAPI) -> None:
    register_authority(hub_app, HOME)
    register_authority(hub_app, AUDITOR, "Scheme auditor", role="auditor")
    with pytest.raises(InvalidRequest, match="already registered"):
        register_authority(hub_app, HOME, "Someone else")
    context = hub_app.state.hub
    operator.update_authority(context, code=HOME, contact="Duty team, 0121 000 0000")
    [listed] = [a for a in operator.list_authorities(context) if a.code == HOME]
    assert listed.contact == "Duty team, 0121 000 0000"
    [_, update] = audit_details(hub_app, "authority.register")[:1] + audit_details(
        hub_app, "authority.update"
    )
    with Session(context.engine) as session:
        stored = session.get_one(Authority, HOME)
        assert update["commitment"] == authority_commitment(stored)
    assert update["changed"] == ["contact"]


def test_a_revoked_authority_stops_at_once_and_its_records_stop_matching(
    client: TestClient, hub_app: FastAPI, clock: Clock, tmp_path: Path
) -> None:
    keyring = SharedKeyring.generate()
    home, reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
    home_cred, reporter_cred = (
        register_authority(hub_app, HOME),
        register_authority(hub_app, REPORTER),
    )
    client_id, private = add_client(hub_app, tmp_path / "c", HOME, COUNCIL_SCOPES)
    issuer = hub_app.state.hub.settings.issuer
    form = token_form(assertion(client_id, private, clock(), issuer))
    access = client.post("/oauth/token", data=form).json()["access_token"]
    child = person()
    upload(client, home_cred, home.child(child))
    report(client, reporter_cred, reporter.event(child, event_id="EV-1"))
    assert links_to_home(client, home_cred) == 1

    deleted = operator.revoke_authority(hub_app.state.hub, HOME, "left the scheme")

    assert deleted > 0
    summary = "/v1/records/summary"
    assert client.get(summary, headers=bearer(home_cred)).status_code == 401
    assert client.get(summary, headers=bearer(access)).status_code == 401  # issued before
    clock.now += timedelta(seconds=5)
    form = token_form(assertion(client_id, private, clock(), issuer))
    assert client.post("/oauth/token", data=form).status_code in (400, 401)
    [clients] = [c for c in operator.list_clients(hub_app.state.hub) if c.client_id == client_id]
    assert clients.revoked_at is not None
    report(client, reporter_cred, reporter.event(child, event_id="EV-2"))
    with Session(hub_app.state.hub.engine) as session:
        links = audit.entries(session, action="match.link", limit=10_000)
        assert len(links) == 1  # the second report linked to nobody
    [revoke] = audit_details(hub_app, "authority.revoke")
    assert revoke["reason"] == "left the scheme" and revoke["clients_revoked"] == [client_id]
    with pytest.raises(InvalidRequest, match="revoked"):
        register_authority(hub_app, HOME)
