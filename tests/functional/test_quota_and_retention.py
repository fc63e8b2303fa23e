"""Windows a user notices, through the real app on a pinned clock: the daily report quota
forgets reports after a day, and a purge forgets Idempotency-Keys after a week."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from hub import operator
from hub.app import create_app
from hub.settings import HubSettings
from keys import SharedKeyring
from tests.factories import CouncilSide, batch, person
from tests.functional.conftest import Clock, bearer, register_authority

HOME, REPORTER = "E08000025", "E06000023"
QUOTA = 2


@pytest.fixture
def quota_app(hub_settings: HubSettings, clock: Clock) -> Iterator[FastAPI]:
    app = create_app(
        hub_settings.model_copy(update={"max_keyed_reports_per_day": QUOTA}), clock=clock
    )
    yield app
    app.state.hub.engine.dispose()


def report(client: TestClient, side: CouncilSide, credential: str) -> Response:
    """A keyed report (described by match keys, not as the reporter's own child)."""
    episode = side.event(person(forename="Nobody", surname="Known", nhs_number=None))
    return client.post(
        "/v1/events", json=episode.model_dump(mode="json"), headers=bearer(credential)
    )


@pytest.mark.parametrize(
    ("hours_later", "status"), [(23, 429), (25, 200)], ids=["23h-still-counts", "25h-forgotten"]
)
def test_the_report_quota_counts_only_the_last_day(
    quota_app: FastAPI, clock: Clock, hours_later: int, status: int
) -> None:
    reporter = CouncilSide(REPORTER, SharedKeyring.generate())
    credential = register_authority(quota_app, REPORTER)
    with TestClient(quota_app) as client:
        for _ in range(QUOTA):
            assert report(client, reporter, credential).status_code == 200
        assert report(client, reporter, credential).json()["code"] == "quota_exceeded"
        clock.now += timedelta(hours=hours_later)
        assert report(client, reporter, credential).status_code == status


def upload(client: TestClient, credential: str, key: str, side: CouncilSide) -> Response:
    return client.post(
        "/v1/records",
        json=batch(children=[side.child(person())]),
        headers={**bearer(credential), "Idempotency-Key": key},
    )


@pytest.mark.parametrize(
    ("days_later", "status"), [(6, 409), (8, 200)], ids=["6d-remembered", "8d-forgotten"]
)
def test_a_purge_forgets_idempotency_keys_after_a_week(
    hub_app: FastAPI, clock: Clock, days_later: int, status: int
) -> None:
    home = CouncilSide(HOME, SharedKeyring.generate())
    credential = register_authority(hub_app, HOME)
    with TestClient(hub_app) as client:
        assert upload(client, credential, "nightly-1", home).status_code == 200
        assert upload(client, credential, "nightly-1", home).status_code == 409
        clock.now += timedelta(days=days_later)
        operator.purge(hub_app.state.hub)
        # The same key with other content: refused while remembered, accepted once forgotten.
        assert upload(client, credential, "nightly-1", home).status_code == status
