"""Urgent reports and the inbox through the Connector, against the real hub."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.app import Connector, Person
from connectors.errors import ConfigError
from tests.functional.test_connector_sync import HOME, REPORTER, connector, write_councils


@pytest.fixture
def councils(tmp_path: Path, hub_app: FastAPI, client: TestClient) -> dict[str, Connector]:
    configs = write_councils(tmp_path, hub_app)
    return {code: connector(config, client) for code, config in configs.items()}


def read_and_acknowledge(council: Connector) -> list[dict[str, object]]:
    """The inbox as the duty team sees it (fields plus the unsealed reference), acknowledged."""
    items = council.inbox()
    council.acknowledge(items)
    return [
        {**i.notification.fields, "your_reference": i.reference, "event": i.notification.event}
        for i in items
    ]


def test_a_child_found_elsewhere_reaches_the_home_inbox_and_is_closed_later(
    councils: dict[str, Connector],
) -> None:
    home, reporter = councils[HOME], councils[REPORTER]
    home.sync()
    found_at = datetime(2026, 11, 25, 2, 10, tzinfo=UTC)
    # The reporter knows the child only as police recorded them: upper case, spaced NHS number.
    person = Person(
        forename="CHILDBIA", surname="SURNAME251", dob=date(2011, 3, 11), nhs_number="943 476 5870"
    )
    reported = reporter.report(event_id="MP-1", at=found_at, person=person)
    assert (reported.event_id, reported.what, reported.receipt.episodes) == ("MP-1", "missing", 1)

    [note] = read_and_acknowledge(home)
    assert note["event"] == "missing"
    assert note["your_reference"] == "025001"  # Birmingham's own child id, unsealed locally
    assert note["reporting_authority"] == REPORTER
    assert home.inbox() == []  # acknowledged: not shown again

    [told] = read_and_acknowledge(reporter)
    assert told["your_reference"] == "MP-1"
    assert told["responsible_authority"] == HOME

    closed = reporter.report_found("MP-1", at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert (closed.what, closed.episode.end) == ("found", date(2026, 11, 25))
    [found] = read_and_acknowledge(home)
    assert found["event"] == "found"
    assert found["ended_at"] == "2026-11-25T09:00:00+00:00"


def test_reporting_a_child_by_id_from_the_identity_extract(
    councils: dict[str, Connector],
) -> None:
    """The home council reports its own child: the area council hears, nobody else."""
    home = councils[HOME]
    home.sync()
    reported = home.report(child="025002", at=datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    assert reported.episode.child_ref is not None and reported.episode.match_keys == []
    assert home.inbox() == []


def test_an_acknowledged_notification_is_listed_only_on_request(
    councils: dict[str, Connector],
) -> None:
    home, reporter = councils[HOME], councils[REPORTER]
    home.sync()
    reporter.report(
        at=datetime(2026, 11, 25, 2, 10, tzinfo=UTC),
        person=Person(forename="ChildBia", surname="Surname251", dob=date(2011, 3, 11)),
    )
    items = home.inbox()
    assert home.acknowledge(items) == len(items) == 1
    assert home.acknowledge(home.inbox(include_acknowledged=True)) == 0
    [again] = home.inbox(include_acknowledged=True)
    assert again.notification.acknowledged_at is not None


def test_a_report_needs_a_description_of_the_child(councils: dict[str, Connector]) -> None:
    with pytest.raises(ConfigError, match="describe the child"):
        councils[REPORTER].report(child="not-in-the-extract")
    with pytest.raises(ConfigError, match="describe the child"):
        councils[REPORTER].report()
    with pytest.raises(ConfigError, match="--found needs the --event-id"):
        councils[REPORTER].report_found("never-reported")
