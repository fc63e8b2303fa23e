"""Dispositions: a recipient's verdict on its notification; a possible match resolved by its
responsible authority (confirm -> link and the policies' notifications; reject -> closed)."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.sources import IdentityRow
from homeward.commands.stats_cmd import monthly_lines, stats_lines
from hub import operator
from tests.factories import CouncilSide, person
from tests.functional.conftest import bearer
from tests.functional.test_matching_flow import (
    HOME,
    REPORTER,
    _actions,
    councils,
    inbox,
    report,
    send,
)

__all__ = ["councils"]

AREA = "E08000003"
NAMESAKE = {"forename": "Mohammed", "surname": "Khan", "sex": "M", "nhs_number": None}
Councils = dict[str, tuple[CouncilSide, str]]


def dispose(
    client: TestClient, credential: str, note_id: object, verdict: str
) -> dict[str, object]:
    response = client.post(
        f"/v1/notifications/{note_id}/disposition",
        json={"disposition": verdict},
        headers=bearer(credential),
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def everything(client: TestClient, credential: str) -> list[dict[str, object]]:
    response = client.get(
        "/v1/notifications", params={"include_acknowledged": True}, headers=bearer(credential)
    )
    notes: list[dict[str, object]] = response.json()["notifications"]
    return notes


PEOPLE: dict[str, IdentityRow] = {}


def _two_candidates(client: TestClient, councils: Councils) -> dict[str, dict[str, object]]:
    """Namesakes at HOME and AREA, a report at REPORTER: both asked to review."""
    for code in (HOME, AREA):
        side, credential = councils[code]
        PEOPLE[code] = person(**NAMESAKE)
        send(client, credential, children=[side.child(PEOPLE[code])])
    reporter, reporter_cred = councils[REPORTER]
    report(client, reporter_cred, reporter.event(person(**NAMESAKE)))
    return {code: inbox(client, councils[code][1])[0] for code in (HOME, AREA)}


def test_confirming_a_possible_match_links_it_and_the_policies_follow(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    reviews = _two_candidates(client, councils)
    receipt = dispose(client, councils[HOME][1], reviews[HOME]["id"], "confirmed")
    assert receipt["match_resolution"] == "confirmed"

    [reporter_note] = inbox(client, councils[REPORTER][1])
    assert reporter_note["policy_id"] == "notify-responsible-authority"
    assert reporter_note["fields"]["responsible_authority"] == HOME  # type: ignore[index]
    home_notes = {n["policy_id"]: n for n in everything(client, councils[HOME][1])}
    linked = home_notes["notify-responsible-authority"]
    assert linked["fields"]["match_status"] == (  # type: ignore[index]
        "possible match confirmed by the responsible authority"
    )
    review = home_notes["review-possible-match"]
    assert (review["disposition"], review["superseded_by"]) == ("confirmed", linked["id"])
    # The other candidate's review no longer stands, and it learns nothing of the link.
    [other] = everything(client, councils[AREA][1])
    assert other["withdrawn_at"] is not None and other["superseded_by"] is None
    actions = _actions(hub_app)
    assert {"notification.disposition", "match.resolve", "match.link"} <= set(actions)


def test_a_confirmed_match_stays_linked_when_the_episode_is_linked_again(
    client: TestClient, councils: Councils
) -> None:
    reviews = _two_candidates(client, councils)
    dispose(client, councils[HOME][1], reviews[HOME]["id"], "confirmed")
    area, area_cred = councils[AREA]
    send(client, area_cred, children=[area.child(person(**NAMESAKE, postcode="B1 1AA"))])
    home_notes = everything(client, councils[HOME][1])
    live = [n for n in home_notes if n["withdrawn_at"] is None]
    assert [n["policy_id"] for n in live] == ["notify-responsible-authority"]


def test_rejecting_a_possible_match_closes_it_and_shares_nothing(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    reviews = _two_candidates(client, councils)
    receipt = dispose(client, councils[HOME][1], reviews[HOME]["id"], "false_match")
    assert receipt["match_resolution"] == "rejected"
    # Another upload re-links the episode: the rejected candidate is never asked again.
    home, home_cred = councils[HOME]
    send(client, home_cred, children=[home.child(PEOPLE[HOME])])
    [review] = everything(client, home_cred)
    assert review["disposition"] == "false_match" and review["withdrawn_at"] is None
    assert inbox(client, home_cred) == []
    assert inbox(client, councils[REPORTER][1]) == []
    assert operator.linkage_figures(hub_app.state.hub).matches == {"possible": 1}  # AREA's
    assert "match.resolve" in _actions(hub_app)


def test_a_duplicate_is_recorded_without_resolving_anything(
    client: TestClient, councils: Councils
) -> None:
    reviews = _two_candidates(client, councils)
    receipt = dispose(client, councils[HOME][1], reviews[HOME]["id"], "duplicate")
    assert receipt["match_resolution"] is None
    assert inbox(client, councils[REPORTER][1]) == []
    [note] = everything(client, councils[HOME][1])
    assert note["disposition"] == "duplicate" and note["acknowledged_at"] is not None


@pytest.mark.parametrize("verdict", ["confirmed", "false_match"])
def test_only_the_recipient_may_dispose_of_its_notification(
    client: TestClient, councils: Councils, verdict: str
) -> None:
    reviews = _two_candidates(client, councils)
    response = client.post(
        f"/v1/notifications/{reviews[HOME]['id']}/disposition",
        json={"disposition": verdict},
        headers=bearer(councils[AREA][1]),
    )
    assert response.status_code == 404
    assert everything(client, councils[HOME][1])[0]["disposition"] is None
    assert inbox(client, councils[REPORTER][1]) == []


def test_the_stats_count_outcomes_and_verdicts(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    reviews = _two_candidates(client, councils)
    dispose(client, councils[AREA][1], reviews[AREA]["id"], "false_match")
    figures = operator.linkage_figures(hub_app.state.hub)
    assert figures.reviews == {"pending": 1, "rejected": 1}
    assert figures.dispositions == {"confirmed": 0, "false_match": 1, "duplicate": 0}
    assert figures.matches == {"possible": 1}
    assert stats_lines(figures) == [
        "live matches: possible 1",
        "reviews: pending 1, rejected 1",
        "withdrawn matches: 1",
        "dispositions: confirmed 0, duplicate 0, false match 1",
    ]


def test_a_verdict_on_a_link_records_it_but_leaves_the_link_standing(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    home, home_cred = councils[HOME]
    reporter, reporter_cred = councils[REPORTER]
    child = person()
    send(client, home_cred, children=[home.child(child)])
    report(client, reporter_cred, reporter.event(child))
    for credential in (home_cred, reporter_cred):
        [note] = inbox(client, credential)
        receipt = dispose(client, credential, note["id"], "false_match")
        assert receipt["match_resolution"] is None  # only a possible match is resolved
    assert operator.linkage_figures(hub_app.state.hub).matches == {"linked": 1}
    assert all(n["withdrawn_at"] is None for n in everything(client, home_cred))


def test_monthly_precision_and_recall_follow_the_verdicts(
    client: TestClient, councils: Councils, hub_app: FastAPI
) -> None:
    """A confirmed automatic link and a confirmed review in the same month: half the confirmed
    matches were linked automatically. The other candidate's verdict comes after the review
    was settled elsewhere (its match is withdrawn), so it resolves nothing and is not counted."""
    home, home_cred = councils[HOME]
    reporter, reporter_cred = councils[REPORTER]
    child = person()
    send(client, home_cred, children=[home.child(child)])
    report(client, reporter_cred, reporter.event(child))
    [note] = inbox(client, home_cred)
    dispose(client, home_cred, note["id"], "confirmed")
    reviews = _two_candidates(client, councils)
    dispose(client, councils[AREA][1], reviews[AREA]["id"], "confirmed")
    dispose(client, councils[HOME][1], reviews[HOME]["id"], "false_match")
    [(month, figures)] = operator.monthly_figures(hub_app.state.hub).months.items()
    assert (figures.links_confirmed, figures.links_false) == (1, 0)
    assert (figures.reviews_confirmed, figures.reviews_rejected) == (1, 0)
    assert (figures.link_precision, figures.review_precision, figures.link_recall) == (1, 1, 0.5)
    [_, line] = monthly_lines(operator.monthly_figures(hub_app.state.hub))
    assert line == (
        f"  {month}: link precision 1.000 (1/1), review precision 1.000 (1/1), "
        "linked automatically 0.500 (1/2)"
    )
