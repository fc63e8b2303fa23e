"""Urgency and digests: a missing or found episode goes out at once; routine notifications (an
away episode) wait for the recipient's digest at the configured time of day, Europe/London, and
go out together: one webhook listing their ids, one e-mail. Through the real app, a real webhook
receiver and a real SMTP server on 127.0.0.1, with the injectable clock. SQLite and PostgreSQL."""

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from hub.app import create_app
from hub.delivery.digests import LONDON, next_digest_at
from hub.settings import HubSettings
from tests.functional.conftest import Clock, bearer
from tests.functional.smtp_server import MailServer
from tests.functional.test_alerts import settings_for
from tests.functional.test_webhooks import HOME, Scheme
from tests.functional.webhook_receiver import Receiver

EIGHT = time(8, 0)


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture
def app(hub_settings: HubSettings, mail: MailServer, clock: Clock) -> Iterator[FastAPI]:
    settings = settings_for(
        hub_settings, mail, digest_time=EIGHT, webhook_allow_private_targets=True
    )
    made = create_app(settings, clock=clock, jitter=lambda: 0.5)
    yield made
    made.state.hub.engine.dispose()


@pytest.fixture
def scheme(app: FastAPI, receiver: Receiver) -> Iterator[Scheme]:
    from hub import operator

    with TestClient(app) as client:
        found = Scheme(app, client, receiver)
        operator.add_alert(app.state.hub, HOME, "duty@birmingham.example")
        yield found


def away(scheme: Scheme, index: int) -> None:
    episode = scheme.reporter.event(scheme.children[index], kind="A")
    response = scheme.client.post(
        "/v1/events", json=episode.model_dump(mode="json"), headers=bearer(scheme.reporter_cred)
    )
    assert response.status_code == 200, response.text


def test_missing_goes_at_once_and_routine_waits_for_one_digest_at_eight_london(
    scheme: Scheme, receiver: Receiver, mail: MailServer, clock: Clock
) -> None:
    away(scheme, 0)
    away(scheme, 1)
    assert receiver.accepted == {} and mail.messages == []  # routine: not yet
    scheme.report(2)  # a missing episode: at once
    [immediate] = receiver.accepted.values()
    assert immediate["type"] == "notification.created"
    assert immediate["data"]["urgency"] == "immediate"
    assert len(mail.messages) == 1
    notes = scheme.client.get("/v1/notifications", headers=bearer(scheme.home_cred)).json()
    routine = sorted(
        n["id"] for n in notes["notifications"] if n["id"] != immediate["data"]["notification_id"]
    )
    assert len(routine) == 2
    scheme.run_for(clock, timedelta(hours=5, minutes=50), timedelta(minutes=10))  # to 07:50
    assert len(receiver.accepted) == 1
    scheme.run_for(clock, timedelta(minutes=20), timedelta(minutes=10))  # past 08:00 London
    digests = [d for d in receiver.accepted.values() if d["type"] == "notification.digest"]
    assert [sorted(d["data"]["notification_ids"]) for d in digests] == [routine]
    assert digests[0]["data"]["urgency"] == "routine"
    assert len(mail.messages) == 2
    assert b"2 notifications are waiting" in mail.messages[1][1]
    scheme.run_for(clock, timedelta(days=1), timedelta(hours=1))  # nothing is sent twice
    assert len(receiver.accepted) == 2 and len(mail.messages) == 2


@given(
    now=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
    at=st.times(),
)
def test_the_next_digest_is_the_next_time_of_day_in_london(now: datetime, at: time) -> None:
    due = next_digest_at(now, at)
    local = due.astimezone(LONDON)
    assert due > now and due - now <= timedelta(hours=25)
    # the wall-clock time, unless it does not exist that day (the spring gap)
    assert (
        local.time().replace(fold=0) == at
        or local.utcoffset() != datetime.combine(local.date(), at, tzinfo=LONDON).utcoffset()
    )


def test_the_digest_keeps_the_wall_clock_across_the_change_to_summer_time() -> None:
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # Saturday, GMT; BST from Sunday 01:00
    assert next_digest_at(before, EIGHT) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    winter = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert next_digest_at(winter, EIGHT) == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_a_policy_marked_immediate_is_not_held_for_the_digest(
    hub_settings: HubSettings,
    mail: MailServer,
    receiver: Receiver,
    clock: Clock,
    tmp_path: Path,
) -> None:
    from hub import operator

    folder = tmp_path / "policies"
    shutil.copytree(hub_settings.policies_dir, folder)
    policy = folder / "notify-responsible-authority.yaml"
    text = policy.read_text("utf-8")
    assert "urgency: routine" in text
    policy.write_text(text.replace("urgency: routine", "urgency: immediate"), "utf-8")
    settings = settings_for(
        hub_settings,
        mail,
        digest_time=EIGHT,
        webhook_allow_private_targets=True,
        policies_dir=folder,
    )
    app = create_app(settings, clock=clock, jitter=lambda: 0.5)
    try:
        with TestClient(app) as client:
            scheme = Scheme(app, client, receiver)
            operator.add_alert(app.state.hub, HOME, "duty@birmingham.example")
            away(scheme, 0)
            [sent] = receiver.accepted.values()
            assert sent["type"] == "notification.created"
            assert sent["data"]["urgency"] == "immediate"
            assert len(mail.messages) == 1
    finally:
        app.state.hub.engine.dispose()
