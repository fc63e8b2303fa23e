"""Webhooks through the real app and a real receiver on 127.0.0.1: every delivery verifies
with the independent ``standardwebhooks`` package (v1) and the hub's published key (v1a); a
receiver down for a day gets each notification exactly once; a receiver answering 500 sees the
backoff schedule, then a dead letter, then a manual redelivery; SSRF checks; secret rotation;
two workers on PostgreSQL never double-send. SQLite and PostgreSQL."""

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from hub import operator, worker
from hub.app import create_app
from hub.delivery import retry
from hub.errors import InvalidRequest
from hub.settings import HubSettings
from keys import SharedKeyring
from keys.webhooks import WebhookSignatureError, verify_v1a
from tests.factories import CouncilSide, person
from tests.functional.conftest import Clock, bearer, register_authority
from tests.functional.webhook_receiver import Receiver

HOME, REPORTER = "E08000025", "E06000023"
THIN = {"notification_id", "event", "urgency", "case_reference"}


@pytest.fixture
def settings(hub_settings: HubSettings) -> HubSettings:
    return hub_settings.model_copy(update={"webhook_allow_private_targets": True})


@pytest.fixture
def app(settings: HubSettings, clock: Clock) -> Iterator[FastAPI]:
    made = create_app(settings, clock=clock, jitter=lambda: 0.5)  # jitter 0.5: the schedule
    yield made
    made.state.hub.engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


class Scheme:
    """Two councils, the home council's child on the hub, a webhook endpoint for HOME."""

    def __init__(self, app: FastAPI, client: TestClient, receiver: Receiver) -> None:
        keyring = SharedKeyring.generate()
        self.app, self.client, self.receiver = app, client, receiver
        self.home, self.reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
        self.home_cred = register_authority(app, HOME)
        self.reporter_cred = register_authority(app, REPORTER)
        self.endpoint, secret = operator.add_webhook(app.state.hub, HOME, receiver.url)
        receiver.secrets = [secret]
        receiver.public_key = operator.webhook_public_key(app.state.hub)
        self.children = [
            person(
                forename=name, surname=surname, dob=date(2009 + i, 3 + i, 10 + i), nhs_number=None
            )
            for i, (name, surname) in enumerate(
                (("Amelia", "Okafor"), ("Jordan", "Whitfield"), ("Kenji", "Nakamura"))
            )
        ]
        response = client.post(
            "/v1/records",
            json={"children": [self.home.child(c).model_dump(mode="json") for c in self.children]},
            headers={**bearer(self.home_cred), "Idempotency-Key": "sync-1"},
        )
        assert response.status_code == 200, response.text

    def report(self, index: int = 0) -> None:
        episode = self.reporter.event(self.children[index])
        response = self.client.post(
            "/v1/events", json=episode.model_dump(mode="json"), headers=bearer(self.reporter_cred)
        )
        assert response.status_code == 200, response.text

    def run_for(self, clock: Clock, span: timedelta, step: timedelta) -> None:
        """The worker over a stretch of simulated time."""
        end = clock.now + span
        while clock.now < end:
            clock.now += step
            worker.drain(self.app.state.hub)


@pytest.fixture
def scheme(app: FastAPI, receiver: Receiver) -> Iterator[Scheme]:
    with TestClient(app) as client:
        yield Scheme(app, client, receiver)


def test_every_webhook_verifies_with_the_reference_library_and_a_tampered_one_does_not(
    scheme: Scheme, receiver: Receiver
) -> None:
    scheme.report()
    [(msg_id, document)] = receiver.accepted.items()
    assert receiver.rejected == 0 and msg_id.startswith("msg_")
    assert document["type"] == "notification.created"
    assert set(document["data"]) == THIN  # thin: fetched through the audited API
    [note] = scheme.client.get("/v1/notifications", headers=bearer(scheme.home_cred)).json()[
        "notifications"
    ]
    assert document["data"]["notification_id"] == note["id"]
    body = b'{"type":"notification.created","data":{}}'
    headers = {"webhook-id": msg_id, "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}
    with pytest.raises(Exception):  # noqa: B017 - the library raises several kinds
        Webhook(receiver.secrets[0]).verify(body, headers)
    assert receiver.public_key is not None
    with pytest.raises(WebhookSignatureError):
        verify_v1a(receiver.public_key, msg_id, 1, body, "v1a,AAAA")


def test_a_receiver_down_for_a_day_gets_each_notification_exactly_once(
    scheme: Scheme, receiver: Receiver, clock: Clock
) -> None:
    receiver.stop()
    for index in range(3):
        scheme.report(index)
    scheme.run_for(clock, timedelta(hours=24), timedelta(minutes=30))
    assert receiver.accepted == {}
    receiver.start()  # back, on the same port
    scheme.run_for(clock, timedelta(hours=30), timedelta(hours=1))
    assert len(receiver.accepted) == 3
    assert set(receiver.attempts.values()) == {1}  # exactly once per webhook-id


def test_a_receiver_answering_500_sees_backoff_then_a_dead_letter_then_redelivery(
    scheme: Scheme, receiver: Receiver, clock: Clock
) -> None:
    receiver.status = 500
    scheme.report()
    assert sum(receiver.attempts.values()) == 1
    scheme.run_for(clock, retry.total_schedule() + timedelta(hours=1), timedelta(minutes=5))
    [msg_id] = receiver.attempts
    assert receiver.attempts[msg_id] == len(retry.SCHEDULE) + 1
    [listing] = operator.list_webhooks(scheme.app.state.hub)
    assert (listing.pending, listing.dead, listing.last_error) == (0, 1, "answered 500")
    seen = scheme.client.get("/v1/webhooks", headers=bearer(scheme.home_cred)).json()
    assert seen["endpoints"][0]["dead"] == 1 and seen["dead_webhook_ids"] == [msg_id]
    receiver.status = 204
    assert operator.redeliver_webhooks(scheme.app.state.hub, scheme.endpoint) == [msg_id]
    assert list(receiver.accepted) == [msg_id]  # the same webhook-id, delivered


def test_secrets_rotate_with_an_overlap(scheme: Scheme, receiver: Receiver, clock: Clock) -> None:
    old = receiver.secrets[0]
    new = operator.rotate_webhook_secret(scheme.app.state.hub, scheme.endpoint)
    receiver.secrets = [old]  # a receiver not yet switched still verifies
    scheme.report(0)
    receiver.secrets = [new]
    scheme.report(1)
    assert len(receiver.accepted) == 2 and receiver.rejected == 0
    clock.now += timedelta(hours=25)  # the overlap is over: the old secret no longer signs
    receiver.secrets = [old]
    scheme.report(2)
    assert receiver.rejected == 1


def test_webhook_targets_are_checked_against_ssrf(hub_settings: HubSettings, clock: Clock) -> None:
    app = create_app(hub_settings, clock=clock)  # private targets not allowed
    register_authority(app, HOME)
    for url in (
        "http://example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://user:pw@example.org/hook",
    ):
        with pytest.raises(InvalidRequest):
            operator.add_webhook(app.state.hub, HOME, url)
    app.state.hub.engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SKIP LOCKED
def test_two_workers_on_postgresql_never_send_one_webhook_twice(
    settings: HubSettings, clock: Clock, receiver: Receiver, database_url: str
) -> None:
    external = settings.model_copy(update={"worker": "external"})
    first, second = create_app(external, clock=clock), create_app(external, clock=clock)
    with TestClient(first) as client:
        scheme = Scheme(first, client, receiver)
        for index in range(3):
            scheme.report(index)
        threads = [
            threading.Thread(target=worker.drain, args=(app.state.hub,)) for app in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(receiver.accepted) == 3
    assert set(receiver.attempts.values()) == {1}
    for app in (first, second):
        app.state.hub.engine.dispose()
