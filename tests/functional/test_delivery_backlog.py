"""What `hub webhook list` and `hub alert list` report of each target's backlog (pending and
dead deliveries, the newest error), counted by the database in a fixed number of queries
however many targets and deliveries there are. SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlmodel import Session

from homeward.cli import main
from hub import operator
from hub.delivery import outbox
from hub.delivery.models import AlertAddress, OutboxItem, WebhookEndpoint
from hub.settings import HubSettings
from tests.functional.conftest import Clock

HOME = "E08000025"


def add_endpoints(app: FastAPI, now: datetime, count: int) -> list[int]:
    with Session(app.state.hub.engine) as session:
        endpoints = [
            WebhookEndpoint(
                authority=HOME, url=f"https://{n}.example/hook", secret="sealed", created_at=now
            )
            for n in range(count)
        ]
        session.add_all(endpoints)
        session.commit()
        return [e.id or 0 for e in endpoints]


def add_items(app: FastAPI, now: datetime, *items: tuple[str, str | None], **target: int) -> None:
    """Deliveries in this order (ids ascending), each ``(state, last_error)``."""
    with Session(app.state.hub.engine) as session:
        for state, error in items:
            kind = outbox.EMAIL if "alert_id" in target else outbox.WEBHOOK
            session.add(
                OutboxItem(
                    kind=kind,
                    state=state,
                    last_error=error,
                    next_attempt_at=now,
                    created_at=now,
                    **target,
                )
            )
            session.flush()
        session.commit()


@contextmanager
def statements(app: FastAPI) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(app.state.hub.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.state.hub.engine, "before_cursor_execute", count)


def test_each_target_shows_its_pending_and_dead_and_the_newest_undelivered_error(
    hub_app: FastAPI, clock: Clock
) -> None:
    busy, quiet = add_endpoints(hub_app, clock.now, 2)
    add_items(
        hub_app,
        clock.now,
        ("pending", "timed out"),
        ("dead", "answered 500"),
        ("pending", None),
        ("done", "answered 503"),  # delivered after a failure: not part of the backlog
        endpoint_id=busy,
    )
    add_items(hub_app, clock.now, ("done", None), ("done", "answered 502"), endpoint_id=quiet)
    listed = {
        e.id: (e.pending, e.dead, e.last_error) for e in operator.list_webhooks(hub_app.state.hub)
    }
    assert listed == {busy: (2, 1, "answered 500"), quiet: (0, 0, None)}


def test_alert_addresses_count_only_their_own_e_mails(hub_app: FastAPI, clock: Clock) -> None:
    [endpoint] = add_endpoints(hub_app, clock.now, 1)
    with Session(hub_app.state.hub.engine) as session:
        address = AlertAddress(authority=HOME, email="duty@council.example", created_at=clock.now)
        session.add(address)
        session.commit()
        address_id = address.id or 0
    add_items(hub_app, clock.now, ("pending", "refused"), alert_id=address_id)
    add_items(hub_app, clock.now, ("dead", "answered 500"), ("dead", None), endpoint_id=address_id)
    add_items(hub_app, clock.now, ("pending", None), endpoint_id=endpoint)
    [alert] = operator.list_alerts(hub_app.state.hub)
    assert (alert.pending, alert.dead, alert.last_error) == (1, 0, "refused")


def test_listing_reads_the_same_number_of_times_for_one_target_or_many(
    hub_app: FastAPI, clock: Clock
) -> None:
    [first] = add_endpoints(hub_app, clock.now, 1)
    add_items(hub_app, clock.now, ("dead", "answered 500"), endpoint_id=first)
    with statements(hub_app) as one:
        operator.list_webhooks(hub_app.state.hub)
    for endpoint in add_endpoints(hub_app, clock.now, 5):
        add_items(
            hub_app, clock.now, ("dead", "answered 500"), ("pending", None), endpoint_id=endpoint
        )
    with statements(hub_app) as six:
        listed = operator.list_webhooks(hub_app.state.hub)
    assert len(listed) == 6 and len(six) == len(one)
    assert not any("outboxitem.payload" in s.lower() for s in six)  # counted, not loaded


def test_webhook_and_alert_lists_print_the_same_columns(
    hub_settings: HubSettings, hub_app: FastAPI, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    [endpoint] = add_endpoints(hub_app, clock.now, 1)
    add_items(hub_app, clock.now, ("dead", "answered 500"), ("pending", None), endpoint_id=endpoint)
    where = ["--database-url", hub_settings.database_url, "--key-file", str(hub_settings.key_file)]
    assert main(["hub", "webhook", "list", *where]) == 0
    expected = f"{endpoint}\t{HOME}\tactive\tpending 1\tdead 1\thttps://0.example/hook"
    assert capsys.readouterr().out == f"{expected}\tlast error: answered 500\n"
