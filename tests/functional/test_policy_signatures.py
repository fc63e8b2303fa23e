"""Policies as signed agreements, through the real app: a council that has not signed a policy
receives and discloses nothing under it; a signature is for one content hash; a confidential
location holds against a policy that would share the placement; notifications and their audit
entries name the policy's id, version and content hash; fields are readable."""

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from homeward.cli import main
from hub import operator
from hub.app import create_app
from hub.audit.models import AuditLeaf
from hub.errors import InvalidRequest
from hub.settings import HubSettings
from hub.sharing.signatures import SignatureRequest
from keys import SharedKeyring
from tests.conftest import REPO
from tests.factories import CouncilSide, batch, person
from tests.functional.conftest import Clock, bearer, register_authority, sign_policies

HOME, AREA, REPORTER = "E08000025", "E08000003", "E06000023"
AREA_POLICY, RESPONSIBLE_POLICY = "notify-area-authority", "notify-responsible-authority"
SHIPPED_POLICIES = REPO / "policies"


def send(client: TestClient, credential: str, **parts: object) -> None:
    response = client.post(
        "/v1/records",
        json=batch(**parts),
        headers={**bearer(credential), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 200, response.text


def inbox(client: TestClient, credential: str) -> list[dict[str, object]]:
    response = client.get("/v1/notifications", headers=bearer(credential))
    assert response.status_code == 200, response.text
    notifications: list[dict[str, object]] = response.json()["notifications"]
    return notifications


def audit_entries(app: FastAPI) -> list[tuple[str, dict[str, Any]]]:
    with Session(app.state.hub.engine) as session:
        return [(r.action, json.loads(r.leaf)["detail"]) for r in session.exec(select(AuditLeaf))]


def fields(notification: dict[str, object]) -> dict[str, object]:
    found = notification["fields"]
    assert isinstance(found, dict)
    return found


def run_case(
    client: TestClient, app: FastAPI, *, unsigned: str | None = None, confidential: bool = False
) -> dict[str, list[dict[str, object]]]:
    """HOME's child placed in AREA goes missing and REPORTER reports it; each council's inbox.
    ``unsigned`` registers that council without signing any policy."""
    keyring = SharedKeyring.generate()
    creds = {
        code: register_authority(app, code, signs=code != unsigned)
        for code in (HOME, AREA, REPORTER)
    }
    home, reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
    child = person(surname="Okafor", forename="Amelia", confidential_location=confidential)
    send(client, creds[HOME], children=[home.child(child, AREA, placement_type="U4")])
    send(client, creds[REPORTER], episodes=[reporter.event(child)])
    return {code: inbox(client, cred) for code, cred in creds.items()}


def test_every_signed_council_is_told_under_each_policy(
    client: TestClient, hub_app: FastAPI
) -> None:
    boxes = run_case(client, hub_app)
    assert [n["policy_id"] for n in boxes[AREA]] == [AREA_POLICY]
    assert [n["policy_id"] for n in boxes[HOME]] == [RESPONSIBLE_POLICY]
    assert [n["policy_id"] for n in boxes[REPORTER]] == [RESPONSIBLE_POLICY]


def test_a_council_that_has_not_signed_receives_nothing(
    client: TestClient, hub_app: FastAPI
) -> None:
    boxes = run_case(client, hub_app, unsigned=AREA)
    assert boxes[AREA] == []
    assert [n["policy_id"] for n in boxes[HOME]] == [RESPONSIBLE_POLICY]


def test_a_reporting_council_that_has_not_signed_discloses_nothing(
    client: TestClient, hub_app: FastAPI
) -> None:
    boxes = run_case(client, hub_app, unsigned=REPORTER)
    assert boxes == {HOME: [], AREA: [], REPORTER: []}
    assert "policy.deny" in [action for action, _ in audit_entries(hub_app)]


def test_a_signature_is_for_the_content_it_names(hub_app: FastAPI) -> None:
    register_authority(hub_app, HOME, signs=False)
    wrong = SignatureRequest(AREA_POLICY, HOME, "0" * 64, "A Person, DPO", "DSA-1")
    with pytest.raises(InvalidRequest, match="ask the council to sign that content"):
        operator.sign_policy(hub_app.state.hub, wrong)
    sign_policies(hub_app, HOME, [AREA_POLICY])
    [signature] = operator.policy_signatures(hub_app.state.hub)
    assert (signature.policy_id, signature.authority, signature.current) == (
        AREA_POLICY,
        HOME,
        True,
    )


def test_a_confidential_location_holds_against_a_policy_that_shares_the_placement(
    client: TestClient, hub_app: FastAPI
) -> None:
    boxes = run_case(client, hub_app, confidential=True)
    [area_note] = boxes[AREA]
    assert "placement_type" not in fields(area_note)
    assert "placement_type_meaning" not in fields(area_note)
    assert fields(area_note)["location_withheld"] == (
        "confidential location: ask the responsible authority"
    )
    assert fields(area_note)["legal_status_meaning"] == "full care order"


def test_fields_carry_code_meanings_and_zoned_times(client: TestClient, hub_app: FastAPI) -> None:
    boxes = run_case(client, hub_app)
    [area_note] = boxes[AREA]
    assert fields(area_note)["placement_type"] == "U4"
    assert fields(area_note)["placement_type_meaning"] == (
        "foster placement with another foster carer: long-term fostering"
    )
    [home_note] = boxes[HOME]
    assert fields(home_note)["started_at"] == "2026-11-25T01:30:00+00:00"  # GMT, offset shown


def test_notifications_and_their_audit_entries_name_the_policy_content(
    client: TestClient, hub_app: FastAPI
) -> None:
    boxes = run_case(client, hub_app)
    hashes = hub_app.state.hub.services.policies.hashes
    [home_note] = boxes[HOME]
    assert home_note["policy_hash"] == hashes[RESPONSIBLE_POLICY]
    created = [
        detail for action, detail in audit_entries(hub_app) if action == "notification.create"
    ]
    assert {(d["policy"], d["policy_version"], d["policy_hash"]) for d in created} == {
        (AREA_POLICY, 3, hashes[AREA_POLICY]),
        (RESPONSIBLE_POLICY, 2, hashes[RESPONSIBLE_POLICY]),
    }


def test_the_operator_signs_withdraws_and_lists_from_the_command_line(
    hub_app: FastAPI, hub_settings: HubSettings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    register_authority(hub_app, HOME, signs=False)
    args = ["--database-url", hub_settings.database_url, "--key-file", str(hub_settings.key_file)]
    content = hub_app.state.hub.services.policies.hashes[AREA_POLICY]
    sign = ["hub", "policy", "sign", AREA_POLICY, HOME, "--hash", content]
    who = ["--signed-by", "J Smith, Caldicott Guardian", "--agreement", "DSA-2026-04"]
    assert main([*sign, *who, *args]) == 0
    assert main(["hub", "policy", "signatures", *args]) == 0
    listed = capsys.readouterr().out
    assert f"{AREA_POLICY}\tv3\t{HOME}" in listed and "DSA-2026-04" in listed
    assert main(["hub", "policy", "sign", AREA_POLICY, HOME, "--hash", "ab" * 32, *who, *args]) == 2
    assert "ask the council to sign that content" in capsys.readouterr().err
    assert main(["hub", "policy", "unsign", AREA_POLICY, HOME, *args]) == 0
    assert main(["hub", "policy", "signatures", *args]) == 0
    assert HOME not in capsys.readouterr().out.split("withdrew")[-1]


def test_an_edited_policy_needs_signing_again(
    hub_settings: HubSettings, clock: Clock, tmp_path: Path
) -> None:
    edited_dir = tmp_path / "edited"
    edited_dir.mkdir()
    for path in SHIPPED_POLICIES.glob("*.yaml"):
        text = path.read_text("utf-8").replace("retention_days: 365", "retention_days: 366")
        (edited_dir / path.name).write_text(text, encoding="utf-8")
    first = create_app(hub_settings, clock=clock)
    with TestClient(first) as client:
        run_case(client, first)  # every council signs the shipped content
    first.state.hub.engine.dispose()
    edited = create_app(hub_settings.model_copy(update={"policies_dir": edited_dir}), clock=clock)
    listed = operator.policy_signatures(edited.state.hub)
    stale = {s.policy_id for s in listed if not s.current}
    assert stale == {AREA_POLICY, RESPONSIBLE_POLICY}  # the two whose retention changed
    with TestClient(edited) as client:
        keyring = SharedKeyring.generate()
        home, reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
        child = person(surname="Adeyemi", forename="Tobi")
        home_cred = operator.update_authority(edited.state.hub, code=HOME, new_credential=True)
        reporter_cred = operator.update_authority(
            edited.state.hub, code=REPORTER, new_credential=True
        )
        assert home_cred and reporter_cred
        before = inbox(client, home_cred)  # from the first hub, under the content then signed
        send(client, home_cred, children=[home.child(child, AREA)])
        send(client, reporter_cred, episodes=[reporter.event(child)])
        assert inbox(client, home_cred) == before
        sign_policies(edited, HOME)
        sign_policies(edited, REPORTER)
        send(client, reporter_cred, episodes=[reporter.event(child)])
        assert len(inbox(client, home_cred)) == len(before) + 1  # signed again: shared
    edited.state.hub.engine.dispose()
