"""E-mail alerts to duty inboxes, through the real app and a real SMTP server on 127.0.0.1
(aiosmtpd): the alert arrives and says only that a notification waits (no child's details, no
case reference, no notification id); SMTP down means retries, then a dead letter; a server that
cannot STARTTLS is never sent to in clear; credentials are used; addresses are audited. SQLite
and PostgreSQL."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from homeward.cli import main
from hub import operator, worker
from hub.app import create_app
from hub.delivery import retry
from hub.errors import InvalidRequest
from hub.settings import HubSettings
from keys import SharedKeyring
from tests.factories import CouncilSide, person
from tests.functional.conftest import Clock, bearer, register_authority
from tests.functional.oauth_helpers import refusals as audited
from tests.functional.smtp_server import MailServer

HOME, REPORTER = "E08000025", "E06000023"
DUTY = "duty@birmingham.example"
CHILD = person(forename="Amelia", surname="Okafor", dob=date(2010, 4, 11), nhs_number="9434765919")


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


def settings_for(hub_settings: HubSettings, mail: MailServer, **more: object) -> HubSettings:
    update = {
        "smtp_host": "127.0.0.1",
        "smtp_port": mail.port,
        "smtp_starttls": False,
        "smtp_from": "homeward@hub.example",
        **more,
    }
    return hub_settings.model_copy(update=update)


class Scheme:
    """Two councils; the home council's child on the hub; a duty address for HOME."""

    def __init__(self, app: FastAPI, client: TestClient) -> None:
        keyring = SharedKeyring.generate()
        self.app, self.client = app, client
        self.home, self.reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
        self.home_cred = register_authority(app, HOME)
        self.reporter_cred = register_authority(app, REPORTER)
        self.address = operator.add_alert(app.state.hub, HOME, DUTY)
        response = client.post(
            "/v1/records",
            json={"children": [self.home.child(CHILD).model_dump(mode="json")]},
            headers={**bearer(self.home_cred), "Idempotency-Key": "sync-1"},
        )
        assert response.status_code == 200, response.text

    def report(self, kind: str = "M") -> None:
        episode = self.reporter.event(CHILD, kind=kind)
        response = self.client.post(
            "/v1/events", json=episode.model_dump(mode="json"), headers=bearer(self.reporter_cred)
        )
        assert response.status_code == 200, response.text

    def inbox(self) -> list[dict[str, object]]:
        page = self.client.get("/v1/notifications", headers=bearer(self.home_cred)).json()
        notes: list[dict[str, object]] = page["notifications"]
        return notes

    def run_for(self, clock: Clock, span: timedelta, step: timedelta) -> None:
        end = clock.now + span
        while clock.now < end:
            clock.now += step
            worker.drain(self.app.state.hub)


def scheme_for(settings: HubSettings, clock: Clock) -> Iterator[Scheme]:
    app = create_app(settings, clock=clock, jitter=lambda: 0.5)
    with TestClient(app) as client:
        yield Scheme(app, client)
    app.state.hub.engine.dispose()


@pytest.fixture
def scheme(hub_settings: HubSettings, mail: MailServer, clock: Clock) -> Iterator[Scheme]:
    yield from scheme_for(settings_for(hub_settings, mail), clock)


def test_a_duty_inbox_is_told_a_notification_waits_and_nothing_more(
    scheme: Scheme, mail: MailServer
) -> None:
    scheme.report()
    [(recipients, raw)] = mail.messages
    [message] = mail.parsed()
    assert recipients == [DUTY] and message["To"] == DUTY
    assert message["From"] == "homeward@hub.example"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert b"sign in" in body.lower() and HOME.encode() in body
    [note] = scheme.inbox()
    text = raw.decode().lower()
    fields = note["fields"]
    assert isinstance(fields, dict)
    forbidden = [
        str(note["id"]),
        *(str(v) for v in fields.values() if len(str(v)) >= 4),  # references, dates, places
        "amelia",
        "okafor",
        "2010-04-11",
        "9434765919",
        REPORTER.lower(),
    ]
    leaked = [f for f in forbidden if f.lower() in text]
    assert leaked == []


def test_an_smtp_server_down_means_retries_then_a_dead_letter(
    scheme: Scheme, mail: MailServer, clock: Clock
) -> None:
    mail.stop()
    scheme.report()
    scheme.run_for(clock, retry.total_schedule() + timedelta(hours=1), timedelta(minutes=30))
    [listing] = operator.list_alerts(scheme.app.state.hub)
    assert (listing.pending, listing.dead) == (0, 1)
    assert listing.last_error is not None
    mail.start()  # back: a dead letter is not sent by itself
    scheme.run_for(clock, timedelta(hours=2), timedelta(minutes=30))
    assert mail.messages == []
    [dead] = audited(scheme.app, "alert.dead")
    assert dead["subject"] == HOME and dead["attempts"] == len(retry.SCHEDULE) + 1


def test_an_alert_is_retried_until_the_smtp_server_is_back(
    scheme: Scheme, mail: MailServer, clock: Clock
) -> None:
    mail.stop()
    scheme.report()
    scheme.run_for(clock, timedelta(hours=1), timedelta(minutes=10))
    assert mail.messages == []
    mail.start()
    scheme.run_for(clock, timedelta(hours=3), timedelta(minutes=10))
    assert len(mail.messages) == 1
    [listing] = operator.list_alerts(scheme.app.state.hub)
    assert (listing.pending, listing.dead) == (0, 0)


def test_no_alert_goes_in_clear_to_a_server_that_cannot_starttls(
    hub_settings: HubSettings, mail: MailServer, clock: Clock
) -> None:
    settings = settings_for(hub_settings, mail, smtp_starttls=True)
    for scheme in scheme_for(settings, clock):
        scheme.report()
        assert mail.messages == []
        [listing] = operator.list_alerts(scheme.app.state.hub)
        assert listing.pending == 1 and "STARTTLS" in (listing.last_error or "").upper()


# The test server offers AUTH without TLS (no certificate here); the hub's STARTTLS is tested above.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_the_hub_signs_in_to_an_smtp_server_that_requires_it(
    hub_settings: HubSettings, clock: Clock
) -> None:
    server = MailServer(login=("hub", "correct horse")).start()
    settings = settings_for(
        hub_settings,
        server,
        smtp_username="hub",
        smtp_password=SecretStr("wrong"),
        smtp_timeout_seconds=2,  # aiosmtpd holds a refused login until the client gives up
    )
    try:
        for scheme in scheme_for(settings, clock):
            scheme.report()
            assert server.messages == []
            [listing] = operator.list_alerts(scheme.app.state.hub)
            assert listing.pending == 1 and listing.last_error
            hub = scheme.app.state.hub  # the operator corrects the password and restarts
            hub.mailer = replace(hub.mailer, password="correct horse")
            scheme.run_for(clock, timedelta(minutes=1), timedelta(seconds=10))
            assert len(server.messages) == 1
    finally:
        server.stop()


def test_alert_addresses_are_checked_and_audited(scheme: Scheme) -> None:
    hub = scheme.app.state.hub
    for bad in ("not an address", "duty@council.example\r\nBcc: x@y.example", "a@b"):
        with pytest.raises(InvalidRequest):
            operator.add_alert(hub, HOME, bad)
    with pytest.raises(InvalidRequest):
        operator.add_alert(hub, HOME, DUTY.upper())  # already there
    operator.remove_alert(hub, scheme.address)
    assert [a.active for a in operator.list_alerts(hub)] == [False]
    changes = audited(scheme.app, "alert.address")
    assert [(c["subject"], c["change"]) for c in changes] == [(HOME, "add"), (HOME, "remove")]


def test_the_cli_adds_lists_and_removes_alert_addresses(
    hub_settings: HubSettings, hub_app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    register_authority(hub_app, HOME)
    where = ["--database-url", hub_settings.database_url, "--key-file", str(hub_settings.key_file)]
    assert main(["hub", "alert", "add", HOME, "--email", DUTY, *where]) == 0
    assert f"for {HOME}: {DUTY}" in capsys.readouterr().out
    assert main(["hub", "alert", "list", *where]) == 0
    assert f"{HOME}\tactive\tpending 0\tdead 0\t{DUTY}" in capsys.readouterr().out
    assert main(["hub", "alert", "remove", "1", *where]) == 0
    assert main(["hub", "alert", "list", *where]) == 0
    assert "removed" in capsys.readouterr().out
    assert main(["hub", "alert", "add", "E09999999", "--email", DUTY, *where]) != 0
