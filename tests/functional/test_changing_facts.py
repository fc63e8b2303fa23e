"""Matches stay right as facts change, through the real app on SQLite and PostgreSQL: the quota
counts distinct reports, a corrected report is linked again and the old link withdrawn, an
older update never re-opens a found episode, and a "possible match" is withdrawn or superseded
when the definite link is made."""

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from hub import wire
from hub.app import create_app
from hub.audit.models import AuditLeaf
from hub.records.models import Episode
from hub.settings import HubSettings
from keys import SharedKeyring
from tests.factories import CouncilSide, person
from tests.functional.conftest import Clock, bearer, register_authority
from tests.functional.test_matching_flow import send

HOME, OTHER, REPORTER = "E08000025", "E08000026", "E06000023"
MISSING_AT = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
FOUND_AT = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)
Councils = dict[str, tuple[CouncilSide, str]]


@pytest.fixture
def councils(hub_app: FastAPI) -> Councils:
    keyring = SharedKeyring.generate()
    return {
        code: (CouncilSide(code, keyring), register_authority(hub_app, code))
        for code in (HOME, OTHER, REPORTER)
    }


def report(client: TestClient, credential: str, episode: wire.EpisodeRecord) -> int:
    response = client.post(
        "/v1/events", json=episode.model_dump(mode="json"), headers=bearer(credential)
    )
    assert response.status_code in (200, 429), response.text
    return response.status_code


def inbox(client: TestClient, credential: str, everything: bool = False) -> list[dict[str, object]]:
    response = client.get(
        "/v1/notifications",
        params={"include_acknowledged": everything},
        headers=bearer(credential),
    )
    assert response.status_code == 200, response.text
    notifications: list[dict[str, object]] = response.json()["notifications"]
    return notifications


def acknowledge(client: TestClient, credential: str) -> None:
    ids = [n["id"] for n in inbox(client, credential)]
    client.post(
        "/v1/notifications/ack", json={"ids": ids}, headers=bearer(credential)
    ).raise_for_status()


def actions(app: FastAPI) -> list[str]:
    with Session(app.state.hub.engine) as session:
        return [r.action for r in session.exec(select(AuditLeaf))]


def test_the_quota_counts_each_new_set_of_match_keys_not_each_event_id(
    hub_settings: HubSettings, clock: Clock
) -> None:
    app = create_app(hub_settings.model_copy(update={"max_keyed_reports_per_day": 3}), clock=clock)
    reporter = CouncilSide(REPORTER, SharedKeyring.generate())
    credential = register_authority(app, REPORTER)
    probes = [person(forename=name, nhs_number=None) for name in ("Ava", "Mia", "Isla", "Zoe")]
    with TestClient(app) as client:
        first = reporter.event(probes[0], event_id="EV-SAME")
        for _ in range(3):  # the same report again: nothing new to link
            assert report(client, credential, first) == 200
        # One event id re-sent with other match keys is a new report each time...
        corrected = reporter.event(probes[1], event_id="EV-SAME")
        assert report(client, credential, corrected) == 200
        found = corrected.model_copy(update={"end": FOUND_AT.date(), "ended_at": FOUND_AT})
        assert report(client, credential, found) == 200  # ...but not its "found"
        # A report naming no child of the sender's but carrying match keys counts too.
        stray = reporter.event(probes[2]).model_copy(update={"child_ref": "no-such-child-0001"})
        assert report(client, credential, stray) == 200
        again = reporter.event(probes[3], event_id="EV-SAME", ended_at=FOUND_AT)
        assert report(client, credential, again) == 429
    assert "refused.quota_exceeded" in actions(app)
    app.state.hub.engine.dispose()


def test_a_report_corrected_under_the_same_event_id_is_linked_again_and_the_old_link_withdrawn(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    home, home_cred = councils[HOME]
    other, other_cred = councils[OTHER]
    reporter, reporter_cred = councils[REPORTER]
    right = person(forename="Amelia", surname="Okafor", nhs_number="9434765919")
    wrong = person(forename="Grace", surname="Adeyemi", nhs_number="4010232137", postcode="M1 1AE")
    send(client, home_cred, children=[home.child(right)])
    send(client, other_cred, children=[other.child(wrong)])
    report(client, reporter_cred, reporter.event(wrong, event_id="EV-1", at=MISSING_AT))
    [told_wrong] = inbox(client, other_cred)
    [reporter_first] = inbox(client, reporter_cred)
    assert reporter_first["fields"]["responsible_authority"] == OTHER  # type: ignore[index]
    acknowledge(client, other_cred)
    acknowledge(client, reporter_cred)

    report(client, reporter_cred, reporter.event(right, event_id="EV-1", at=MISSING_AT))

    # The wrong child's council sees its notification again, withdrawn, with no successor.
    [withdrawn] = inbox(client, other_cred)
    assert withdrawn["id"] == told_wrong["id"]
    assert withdrawn["withdrawn_at"] is not None
    assert withdrawn["superseded_by"] is None
    assert withdrawn["acknowledged_at"] is None
    # The right child's council is told; the reporter's first answer points at the new one.
    [home_note] = inbox(client, home_cred)
    assert home.council_key.open(home_note["fields"]["your_reference"]) == right.child_id  # type: ignore[index]
    reporter_notes = {str(n["id"]): n for n in inbox(client, reporter_cred)}
    old = reporter_notes.pop(str(reporter_first["id"]))
    [new] = reporter_notes.values()
    assert old["withdrawn_at"] is not None and old["superseded_by"] == new["id"]
    assert new["withdrawn_at"] is None
    assert new["fields"]["responsible_authority"] == HOME  # type: ignore[index]
    assert {"match.withdraw", "notification.withdraw"} <= set(actions(hub_app))


def test_a_replayed_older_missing_never_reopens_a_found_episode(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    home, home_cred = councils[HOME]
    reporter, reporter_cred = councils[REPORTER]
    child = person()
    send(client, home_cred, children=[home.child(child)])
    missing = reporter.event(child, event_id="EV-2", at=MISSING_AT)
    report(client, reporter_cred, missing)
    acknowledge(client, home_cred)
    found = reporter.event(child, event_id="EV-2", at=MISSING_AT, ended_at=FOUND_AT)
    report(client, reporter_cred, found)
    # Linked again to the same child: nothing withdrawn, the acknowledged "missing" stays so.
    assert [n["event"] for n in inbox(client, home_cred)] == ["found"]
    assert "notification.withdraw" not in actions(hub_app)
    before = inbox(client, home_cred, everything=True)
    assert sorted(str(n["event"]) for n in before) == ["found", "missing"]

    report(client, reporter_cred, missing)  # replayed, older: ignored
    earlier_found = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    report(
        client,
        reporter_cred,
        reporter.event(child, event_id="EV-2", at=MISSING_AT, ended_at=earlier_found),
    )

    with Session(hub_app.state.hub.engine) as session:
        [episode] = session.exec(select(Episode).where(Episode.authority == REPORTER)).all()
        assert (episode.end, episode.ended_at) == (FOUND_AT.date(), FOUND_AT)
    assert inbox(client, home_cred, everything=True) == before
    assert actions(hub_app).count("records.stale") == 2


@pytest.mark.parametrize("true_child_at", [OTHER, HOME], ids=["another-council", "same-council"])
def test_a_possible_match_is_withdrawn_when_the_true_child_arrives_and_links(
    client: TestClient, councils: Councils, hub_app: FastAPI, true_child_at: str
) -> None:
    """The report arrives first, from a connector without the second stage; HOME's child agrees
    only on surname, date of birth and sex, so HOME is asked to review (on match keys alone: the
    second stage would drop so weak a review). Then the true child is uploaded and the report
    links to it."""
    home, home_cred = councils[HOME]
    reporter, reporter_cred = councils[REPORTER]
    true_side, true_cred = councils[true_child_at]
    described = person(forename="Mohammed", surname="Khan", sex="M", nhs_number="9434765919")
    namesake = person(
        forename="Yusuf", surname="Khan", sex="M", nhs_number=None, postcode="LS1 4AP"
    )
    send(client, home_cred, children=[home.child(namesake)])
    keys_only = reporter.event(described, event_id="EV-3").model_copy(update={"similarity": None})
    report(client, reporter_cred, keys_only)
    [review] = inbox(client, home_cred)
    assert review["policy_id"] == "review-possible-match"
    acknowledge(client, home_cred)

    true_child = person(forename="Mohammed", surname="Khan", sex="M", nhs_number="9434765919")
    send(client, true_cred, children=[true_side.child(true_child)])

    [link] = [n for n in inbox(client, true_cred) if n["policy_id"] != "review-possible-match"]
    assert link["fields"]["match_status"] == "linked automatically"  # type: ignore[index]
    assert true_side.council_key.open(link["fields"]["your_reference"]) == true_child.child_id  # type: ignore[index]
    [withdrawn] = [n for n in inbox(client, home_cred) if n["id"] == review["id"]]
    assert withdrawn["withdrawn_at"] is not None and withdrawn["acknowledged_at"] is None
    # Only the same recipient's own notification can supersede it.
    assert withdrawn["superseded_by"] == (link["id"] if true_child_at == HOME else None)
    assert "notification.withdraw" in actions(hub_app)


def test_a_link_that_becomes_only_possible_is_withdrawn_and_superseded_by_a_review(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    """A namesake with the same date of birth and no NHS number arrives at another council:
    the NHS number alone no longer singles the child out, so the link becomes a review."""
    home, home_cred = councils[HOME]
    other, other_cred = councils[OTHER]
    reporter, reporter_cred = councils[REPORTER]
    child = person(forename="Jayden", surname="Mensah", sex="M")
    send(client, home_cred, children=[home.child(child)])
    report(client, reporter_cred, reporter.event(child, event_id="EV-4"))
    [link] = inbox(client, home_cred)
    [told_reporter] = inbox(client, reporter_cred)
    assert link["policy_id"] == "notify-responsible-authority"

    twin = person(forename="Jayden", surname="Mensah", sex="M", nhs_number=None)
    send(client, other_cred, children=[other.child(twin)])

    notes = {n["policy_id"]: n for n in inbox(client, home_cred)}
    review = notes["review-possible-match"]
    withdrawn = notes["notify-responsible-authority"]
    assert withdrawn["id"] == link["id"] and withdrawn["withdrawn_at"] is not None
    assert withdrawn["superseded_by"] == review["id"]
    [reporter_note] = inbox(client, reporter_cred)
    assert reporter_note["id"] == told_reporter["id"]
    assert reporter_note["withdrawn_at"] is not None and reporter_note["superseded_by"] is None
