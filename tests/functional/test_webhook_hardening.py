"""Webhook secrets sealed at rest under the hub key (a stolen database does not give them;
rows stored in clear by an older release are sealed on start); delivery pinned to the address
that was checked (no second DNS answer is used: DNS rebinding); delivered outbox rows purged by
the worker after the retention setting, audited. SQLite and PostgreSQL."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import select

from homeward.cli import main
from hub import operator, worker
from hub.app import create_app
from hub.context import HubContext
from hub.delivery.models import OutboxItem, WebhookEndpoint
from hub.delivery.ssrf import pin
from hub.delivery.webhooks import Sender
from hub.errors import InvalidRequest
from hub.settings import HubSettings
from keys import new_secret, write_hub_key
from tests.functional.conftest import Clock, register_authority
from tests.functional.oauth_helpers import refusals as audited
from tests.functional.test_webhooks import HOME, Scheme
from tests.functional.webhook_receiver import Receiver


@pytest.fixture
def settings(hub_settings: HubSettings) -> HubSettings:
    return hub_settings.model_copy(update={"webhook_allow_private_targets": True})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver().start()
    yield found
    found.stop()


@pytest.fixture
def app(settings: HubSettings, clock: Clock) -> Iterator[FastAPI]:
    made = create_app(settings, clock=clock, jitter=lambda: 0.5)
    yield made
    made.state.hub.engine.dispose()


@pytest.fixture
def scheme(app: FastAPI, receiver: Receiver) -> Iterator[Scheme]:
    with TestClient(app) as client:
        yield Scheme(app, client, receiver)


def stored_secrets(hub: HubContext) -> list[tuple[str, str | None]]:
    with hub.engine.connect() as conn:
        rows = conn.execute(text("SELECT secret, previous_secret FROM webhookendpoint"))
        return [(r[0], r[1]) for r in rows]


def test_the_database_holds_no_webhook_secret_in_clear(scheme: Scheme, receiver: Receiver) -> None:
    hub = scheme.app.state.hub
    new = operator.rotate_webhook_secret(hub, scheme.endpoint)
    [(secret, previous)] = stored_secrets(hub)
    dumped = f"{secret} {previous}"
    assert secret.startswith("sealed.v1.") and (previous or "").startswith("sealed.v1.")
    assert "whsec_" not in dumped and receiver.secrets[0] not in dumped and new not in dumped
    receiver.secrets = [new]
    scheme.report()  # the hub opens its sealed secret to sign
    assert len(receiver.accepted) == 1 and receiver.rejected == 0


def test_a_database_moved_to_another_hub_key_does_not_sign(
    scheme: Scheme, receiver: Receiver, settings: HubSettings, clock: Clock
) -> None:
    scheme.app.state.hub.engine.dispose()
    other_key = settings.key_file.with_name("other.key")
    write_hub_key(other_key, new_secret())
    thief = create_app(settings.model_copy(update={"key_file": other_key}), clock=clock)
    with TestClient(thief):
        pass
    hub = thief.state.hub
    with hub.transaction() as session:
        item = OutboxItem(
            kind="webhook",
            endpoint_id=scheme.endpoint,
            recipient=HOME,
            message_id="msg_x",
            payload="{}",
            next_attempt_at=clock.now,
            created_at=clock.now,
        )
        session.add(item)
    worker.drain(hub)
    assert receiver.accepted == {}  # it could not open the secret: nothing signed, nothing sent
    [listing] = operator.list_webhooks(hub)
    assert "did not seal" in (listing.last_error or "")
    hub.engine.dispose()


def test_secrets_stored_in_clear_by_an_older_release_are_sealed_on_start(
    scheme: Scheme, receiver: Receiver, settings: HubSettings, clock: Clock
) -> None:
    hub = scheme.app.state.hub
    clear = receiver.secrets[0]
    with hub.transaction() as session:  # as release 0.2 stored it
        endpoint = session.get(WebhookEndpoint, scheme.endpoint)
        assert endpoint is not None
        endpoint.secret = clear
        session.add(endpoint)
    restarted = create_app(settings, clock=clock, jitter=lambda: 0.5)
    [(secret, _)] = stored_secrets(restarted.state.hub)
    assert secret.startswith("sealed.") and clear not in secret
    with TestClient(restarted) as client:
        Scheme.report(_bound(scheme, restarted, client))
    assert len(receiver.accepted) == 1 and receiver.rejected == 0
    restarted.state.hub.engine.dispose()


def _bound(scheme: Scheme, app: FastAPI, client: TestClient) -> Scheme:
    scheme.app, scheme.client = app, client
    return scheme


class Rebinding:
    """A resolver whose first answer is public and every later answer is the loopback."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return ["93.184.216.34"] if self.calls == 1 else ["127.0.0.1"]


def test_delivery_connects_to_the_address_it_checked_with_the_name_in_host_and_sni() -> None:
    resolver = Rebinding()
    target = pin(
        "https://hooks.council.example:8443/in?x=1", allow_private=False, resolver=resolver
    )
    assert resolver.calls == 1
    assert target.url == "https://93.184.216.34:8443/in?x=1"
    assert (target.host_header, target.hostname) == (
        "hooks.council.example:8443",
        "hooks.council.example",
    )
    with pytest.raises(InvalidRequest, match="non-public"):  # the rebinding answer, if asked
        pin("https://hooks.council.example/in", allow_private=False, resolver=resolver)
    six = pin("https://v6.example/", allow_private=False, resolver=lambda h, p: ["2606:4700::1"])
    assert six.url == "https://[2606:4700::1]/"


def test_a_webhook_is_sent_once_resolved_and_never_to_a_rebound_address(
    app: FastAPI, clock: Clock
) -> None:
    seen: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: (seen.append(r), httpx.Response(204))[1])
    hub = app.state.hub
    register_authority(app, HOME)
    hub.sender = _with(hub, resolver=lambda h, p: ["93.184.216.34"])
    endpoint, _ = operator.add_webhook(hub, HOME, "https://hooks.council.example/in")
    resolver = Rebinding()
    hub.sender = _with(
        hub, resolver=resolver, allow_private=False, http=httpx.Client(transport=transport)
    )
    _queue(hub, endpoint, clock, "msg_a")
    worker.drain(hub)
    [request] = seen
    assert str(request.url) == "https://93.184.216.34/in" and resolver.calls == 1
    assert request.headers["host"] == "hooks.council.example"
    assert request.extensions["sni_hostname"] == "hooks.council.example"
    _queue(hub, endpoint, clock, "msg_b")  # the name now answers 127.0.0.1: refused, not sent
    worker.drain(hub)
    assert len(seen) == 1
    assert "non-public" in (operator.list_webhooks(hub)[0].last_error or "")


def _with(hub: HubContext, **changes: Any) -> Sender:
    return replace(hub.sender, **changes)


def _queue(hub: HubContext, endpoint: int, clock: Clock, msg_id: str) -> None:
    with hub.transaction() as session:
        session.add(
            OutboxItem(
                kind="webhook",
                endpoint_id=endpoint,
                recipient=HOME,
                message_id=msg_id,
                payload="{}",
                next_attempt_at=clock.now,
                created_at=clock.now,
            )
        )


def test_the_worker_purges_delivered_outbox_rows_after_the_retention_setting(
    scheme: Scheme, receiver: Receiver, clock: Clock
) -> None:
    hub = scheme.app.state.hub
    receiver.status = 500
    scheme.report(0)  # its webhook fails for four days: dead, and never purged
    scheme.run_for(clock, timedelta(days=4), timedelta(hours=1))
    receiver.status = 204
    scheme.report(1)
    with hub.transaction() as session:
        before = {(i.kind, i.state) for i in session.exec(select(OutboxItem))}
    assert ("webhook", "done") in before and ("webhook", "dead") in before
    scheme.run_for(clock, timedelta(days=29), timedelta(hours=6))
    with hub.transaction() as session:
        assert any(i.state == "done" for i in session.exec(select(OutboxItem)))
    scheme.run_for(clock, timedelta(days=2), timedelta(hours=6))  # 30 days after delivery
    with hub.transaction() as session:
        left = [(i.kind, i.state) for i in session.exec(select(OutboxItem))]
    assert left == [("webhook", "dead")]
    purges = [p for p in audited(scheme.app, "retention.purge") if p["outbox_items"]]
    assert sum(p["outbox_items"] for p in purges) == 3  # two shares and the delivered webhook


def test_hub_migrate_seals_secrets_an_older_release_stored_in_clear(
    scheme: Scheme, receiver: Receiver, settings: HubSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = scheme.app.state.hub
    with hub.transaction() as session:
        session.execute(text("UPDATE webhookendpoint SET secret = :s"), {"s": receiver.secrets[0]})
    where = ["--database-url", settings.database_url, "--key-file", str(settings.key_file)]
    assert main(["hub", "migrate", *where]) == 0
    assert "sealed the secrets of 1 webhook endpoints" in capsys.readouterr().out
    [(secret, _)] = stored_secrets(hub)
    assert secret.startswith("sealed.") and receiver.secrets[0] not in secret
