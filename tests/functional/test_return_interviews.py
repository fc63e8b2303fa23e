"""The 72-hour return-interview clock: a found episode with no return interview recorded 72
hours on reminds the responsible authority once; recording the interview stops it. The clock is
the pinned test clock; the worker's periodic step is run with ``hub.worker.drain``."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hub.worker import REMIND_EVERY, drain
from tests.factories import CouncilSide, person
from tests.functional.conftest import Clock, bearer
from tests.functional.test_matching_flow import (
    AREA,
    HOME,
    REPORTER,
    _actions,
    councils,
    inbox,
    report,
    send,
)

__all__ = ["councils"]

Councils = dict[str, tuple[CouncilSide, str]]
FOUND_AT = datetime(2026, 11, 25, 1, 45, tzinfo=UTC)
REMINDER = "return-interview-reminder"


def _found_elsewhere(client: TestClient, councils: Councils) -> str:
    """HOME's child reported missing, then found, by REPORTER; returns the case reference
    HOME was told (its notifications acknowledged)."""
    home, home_cred = councils[HOME]
    reporter, reporter_cred = councils[REPORTER]
    child = person()
    send(client, home_cred, children=[home.child(child)])
    report(client, reporter_cred, reporter.event(child, event_id="EV-RI-1"))
    report(client, reporter_cred, reporter.event(child, event_id="EV-RI-1", ended_at=FOUND_AT))
    notes = inbox(client, home_cred)
    acked = client.post(
        "/v1/notifications/ack", json={"ids": [n["id"] for n in notes]}, headers=bearer(home_cred)
    )
    assert acked.status_code == 200
    return str(notes[0]["fields"]["case_reference"])  # type: ignore[index]


def event_ref(reporter: CouncilSide) -> str:
    """The opaque reference the hub knows the reporter's event by (the connector makes it)."""
    return reporter.council_key.record_ref("event", "EV-RI-1")


def reminders(client: TestClient, credential: str) -> list[dict[str, object]]:
    return [n for n in inbox(client, credential) if n["policy_id"] == REMINDER]


def interview(client: TestClient, credential: str, reference: str, at: datetime) -> int:
    response = client.post(
        f"/v1/events/{reference}/interview",
        json={"at": at.isoformat()},
        headers=bearer(credential),
    )
    return response.status_code


def test_no_interview_in_72_hours_reminds_the_responsible_authority_once(
    client: TestClient, councils: Councils, hub_app: FastAPI, clock: Clock
) -> None:
    case = _found_elsewhere(client, councils)
    home_cred, reporter_cred = councils[HOME][1], councils[REPORTER][1]
    clock.now = FOUND_AT + timedelta(hours=72) - timedelta(minutes=1)
    drain(hub_app.state.hub)
    assert reminders(client, home_cred) == []
    clock.now += REMIND_EVERY  # the workers look for due reminders once an interval
    drain(hub_app.state.hub)
    [reminder] = reminders(client, home_cred)
    assert reminder["event"] == "return_interview_due"
    fields = reminder["fields"]
    assert isinstance(fields, dict)
    assert set(fields) == {
        "event",
        "case_reference",
        "ended_at",
        "reporting_authority",
        "reporting_authority_name",
        "your_reference",
    }
    assert (fields["case_reference"], fields["reporting_authority"]) == (case, REPORTER)
    assert not any(n["event"] == "return_interview_due" for n in inbox(client, reporter_cred))
    client.post("/v1/notifications/ack", json={"ids": [reminder["id"]]}, headers=bearer(home_cred))
    clock.now += timedelta(days=2)
    drain(hub_app.state.hub)
    assert reminders(client, home_cred) == []  # at most once per episode
    assert _actions(hub_app).count("interview.remind") == 1


@pytest.mark.parametrize("by", ["reporter", "responsible"])
def test_an_interview_recorded_in_time_stops_the_reminder(
    client: TestClient, councils: Councils, hub_app: FastAPI, clock: Clock, by: str
) -> None:
    case = _found_elsewhere(client, councils)
    credential, reference = (
        (councils[REPORTER][1], event_ref(councils[REPORTER][0]))
        if by == "reporter"
        else (councils[HOME][1], case)
    )
    assert interview(client, credential, reference, FOUND_AT + timedelta(hours=20)) == 200
    clock.now = FOUND_AT + timedelta(hours=73)
    drain(hub_app.state.hub)
    assert reminders(client, councils[HOME][1]) == []
    assert "interview.record" in _actions(hub_app)


def test_another_authority_cannot_record_the_interview(
    client: TestClient, councils: Councils, hub_app: FastAPI, clock: Clock
) -> None:
    case = _found_elsewhere(client, councils)
    area_cred = councils[AREA][1]
    for reference in (event_ref(councils[REPORTER][0]), case):
        assert interview(client, area_cred, reference, FOUND_AT) == 404
    clock.now = FOUND_AT + timedelta(hours=73)
    drain(hub_app.state.hub)
    assert len(reminders(client, councils[HOME][1])) == 1


def test_the_own_childs_found_episode_reminds_its_own_authority(
    client: TestClient, councils: Councils, hub_app: FastAPI, clock: Clock
) -> None:
    home, home_cred = councils[HOME]
    child = person()
    send(client, home_cred, children=[home.child(child)])
    report(client, home_cred, home.event(child, own=True, ended_at=FOUND_AT))
    clock.now = FOUND_AT + timedelta(hours=72)
    drain(hub_app.state.hub)
    assert len(reminders(client, home_cred)) == 1
