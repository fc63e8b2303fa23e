"""The hub's worker (`homeward hub worker`, its own process) killed with SIGKILL at random
moments while it sends webhooks to a slow receiver: nothing is lost, and the receiver, which
de-duplicates by ``webhook-id`` as Standard Webhooks tells it to, sees every notification exactly
once. A delivery the receiver accepted just before the kill (the hub had not yet recorded it)
comes again with the same ``webhook-id``: at least once on the wire, exactly once after de-dup.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from hub.app import create_app
from hub.context import HubContext
from hub.db.migrate import upgrade_database
from hub.delivery.models import Notification, OutboxItem
from hub.settings import HubSettings
from keys import new_secret, write_hub_key
from tests.functional.test_webhooks import HOME, Scheme
from tests.functional.webhook_receiver import Receiver

REPORTS = int(os.environ.get("HOMEWARD_CRASH_REPORTS", "8"))
SEED = 20261202


class KillingReceiver(Receiver):
    """Holds each request a moment and, more often than not, has the worker that sent it killed
    within 0.1 s: while it waits for the answer, or between the answer and its commit."""

    def __init__(self) -> None:
        super().__init__()
        self.rng = random.Random(SEED)  # reproducible kill points, not secret
        self.worker: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        status = super().handle(body, headers)
        worker = self.worker
        if worker is not None and self.rng.random() < 0.6:
            self.worker, self.kills = None, self.kills + 1
            threading.Timer(self.rng.uniform(0.0, 0.1), signal_kill, (worker,)).start()
        time.sleep(0.05)
        return status


@pytest.fixture
def receiver() -> Iterator[KillingReceiver]:
    found = KillingReceiver()
    found.start()
    yield found
    found.stop()


def start_worker(settings: HubSettings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HOMEWARD_HUB_WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "HOMEWARD_HUB_WORKER_POLL_SECONDS": "0.05",
    }
    where = ["--database-url", settings.database_url, "--key-file", str(settings.key_file)]
    return subprocess.Popen(
        [sys.executable, "-m", "homeward", "hub", "worker", *where],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def signal_kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)


def run_until_killed_or_done(
    receiver: KillingReceiver, settings: HubSettings, hub: HubContext
) -> None:
    """One worker process, until the receiver has it killed or the outbox is drained."""
    process = start_worker(settings)
    receiver.worker = process
    try:
        for _ in range(1200):
            if process.poll() is not None or not work_owed(hub):
                return
            time.sleep(0.05)
        raise AssertionError("the worker did not finish its outbox")
    finally:
        receiver.worker = None
        signal_kill(process)
        process.wait()


def test_a_worker_killed_mid_delivery_loses_nothing_and_the_receiver_sees_each_once(
    tmp_path: Path, receiver: KillingReceiver
) -> None:
    key_file = tmp_path / "hub.key"
    write_hub_key(key_file, new_secret())
    settings = HubSettings(
        database_url=f"sqlite:///{tmp_path / 'hub.db'}",
        key_file=key_file,
        worker="external",
        webhook_allow_private_targets=True,
    )
    upgrade_database(settings.database_url)
    app = create_app(settings)
    with TestClient(app) as client:
        scheme = Scheme(app, client, receiver)
        for n in range(REPORTS):
            scheme.report(n % len(scheme.children))
        hub = app.state.hub
        for _ in range(REPORTS * 4):
            if not work_owed(hub):
                break
            run_until_killed_or_done(receiver, settings, hub)
        assert not work_owed(hub)
        with hub.transaction() as session:
            home = select(Notification).where(Notification.recipient == HOME)
            notes = {n.id for n in session.exec(home)}
    app.state.hub.engine.dispose()
    delivered = {d["data"]["notification_id"] for d in receiver.accepted.values()}
    assert notes and delivered == notes  # every notification, none lost
    assert len(receiver.accepted) == len(notes)  # one webhook-id each: exactly once after de-dup
    assert receiver.rejected == 0
    resent = sum(n > 1 for n in receiver.attempts.values())
    assert receiver.kills >= 2 and resent >= 1, "kills must land mid-delivery"


def work_owed(hub: HubContext) -> bool:
    """Work still owed: a share or a webhook not yet done."""
    with hub.transaction() as session:
        pending = select(OutboxItem).where(OutboxItem.state == "pending")
        return session.exec(pending).first() is not None
