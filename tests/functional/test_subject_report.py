"""`homeward connector subject-report` against the real hub, on SQLite and PostgreSQL: the home
council asks, for one of its children, who saw what about the child across the scheme and
under which policy; only the child's responsible authority is answered, the hub is sent only
what a sync sends, and the request is itself audited."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.app import Connector, Person
from connectors.errors import ConfigError, ExtractUnusable
from connectors.subject_report import request_for
from homeward.cli import build_parser
from tests.functional.oauth_helpers import refusals
from tests.functional.test_connector_report import councils, read_and_acknowledge
from tests.functional.test_connector_sync import HOME, REPORTER

__all__ = ["councils"]
CHILD = "025001"  # the home council's child the reporter finds (test_connector_report)


@pytest.fixture
def story(councils: dict[str, Connector]) -> dict[str, Connector]:
    """The home council syncs; the reporter reports the child missing; both read their inbox."""
    home, reporter = councils[HOME], councils[REPORTER]
    home.sync()
    person = Person(
        forename="CHILDBIA", surname="SURNAME251", dob=date(2011, 3, 11), nhs_number="943 476 5870"
    )
    reporter.report(event_id="MP-1", at=datetime(2026, 11, 25, 2, 10, tzinfo=UTC), person=person)
    read_and_acknowledge(home)
    read_and_acknowledge(reporter)
    return councils


def run(client: TestClient, config: Path, *argv: str) -> int:
    args = build_parser().parse_args(
        ["connector", "subject-report", "--config", str(config), *argv]
    )
    code: int = args.handler(args, client)
    return code


def test_the_home_council_sees_every_match_notification_and_access_with_policies(
    hub_app: FastAPI,
    client: TestClient,
    story: dict[str, Connector],
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = story[HOME].config.path
    assert run(client, config, CHILD, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    (case,) = report["cases"]
    assert (case["outcome"], case["reporting"]) == ("linked", REPORTER)
    recipients = {n["recipient"] for n in report["notifications"]}
    assert recipients == {HOME, REPORTER}
    assert all(n["policy_id"] and n["lawful_basis"] for n in report["notifications"])
    trail = {(e["actor"], e["action"]) for e in report["entries"]}
    for expected in [
        ("hub", "match.link"),
        ("hub", "notification.create"),
        (HOME, "notifications.read"),
        (HOME, "notifications.ack"),
        (REPORTER, "notifications.read"),
    ]:
        assert expected in trail
    (asked,) = refusals(hub_app, "audit.subject_report")
    assert (asked["actor"], asked["cases"]) == (HOME, [case["case_reference"]])
    assert CHILD not in json.dumps(asked)


def test_the_report_reads_as_a_report(
    client: TestClient, story: dict[str, Connector], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(client, story[HOME].config.path, CHILD) == 0
    out = capsys.readouterr().out
    assert f"Subject access report: child {CHILD}" in out
    assert f"linked to a report by {REPORTER}" in out
    assert "under policy" in out and "notifications.read" in out


def test_the_hub_is_sent_only_what_a_sync_sends_for_the_child(
    story: dict[str, Connector],
) -> None:
    home = story[HOME]
    request = request_for(home, CHILD)
    sent = {o.record.ref: o.record for o in home.plan(full=True).plan.children if o.record.ref}[
        request.ref
    ]
    assert set(request.model_dump()) == {"ref", "match_keys"}
    assert sorted(k.token for k in request.match_keys) == sorted(k.token for k in sent.match_keys)


def test_only_the_responsible_authority_is_answered(
    hub_app: FastAPI, client: TestClient, story: dict[str, Connector]
) -> None:
    request = request_for(story[HOME], CHILD).model_dump(mode="json")
    reporter = story[REPORTER].config.path.parent / "credential.txt"
    answer = client.post(
        "/v1/audit/subject",
        json=request,
        headers={"Authorization": f"Bearer {reporter.read_text().strip()}"},
    )
    assert answer.status_code == 404
    assert [r["actor"] for r in refusals(hub_app, "refused.not_found")] == [REPORTER]
    assert refusals(hub_app, "audit.subject_report") == []


def test_match_keys_of_another_child_are_refused(
    client: TestClient, story: dict[str, Connector]
) -> None:
    home = story[HOME]
    mixed = request_for(home, CHILD).model_copy(
        update={"match_keys": request_for(home, "025002").match_keys}
    )
    credential = (home.config.path.parent / "credential.txt").read_text().strip()
    answer = client.post(
        "/v1/audit/subject",
        json=mixed.model_dump(mode="json"),
        headers={"Authorization": f"Bearer {credential}"},
    )
    assert answer.status_code == 422
    assert "do not describe the child" in answer.text


def test_a_child_not_in_the_extract_or_no_extract_is_a_clear_error(
    client: TestClient, story: dict[str, Connector]
) -> None:
    with pytest.raises(ConfigError, match="no child 'NOPE' in the identity extract"):
        run(client, story[HOME].config.path, "NOPE")
    story[HOME].config.identities.unlink()
    with pytest.raises(ExtractUnusable, match="the extract cannot be used"):
        run(client, story[HOME].config.path, CHILD)
