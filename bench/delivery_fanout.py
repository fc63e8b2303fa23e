"""Sustained webhook deliveries to the 153 upper-tier authorities of England, each with its own
endpoint: the real worker (hub/worker.py: claim, sign v1 and v1a, POST, record, audit, commit;
one item per transaction) against one receiver on 127.0.0.1 that verifies every delivery's
``v1a`` signature with the hub's published key. Deliveries are queued first (thin payloads, as
notifications queue them), then one worker drains them; deliveries/s is how many it sent over
the wall time it took. Part of ``python -m bench --only delivery``."""

import json
import time
import uuid
from typing import Any

from fastapi import FastAPI

from bench.common import NOW, hub_app, register
from bench.tables import Measurement
from hub import operator, worker
from hub.delivery import outbox
from hub.identity.authorities import upper_tier_authorities
from keys.webhooks import verify_v1a
from tests.functional.webhook_receiver import Receiver

PER_S = "per s"


class SignedByHub(Receiver):
    """Verifies ``v1a`` only (one hub key for all 153 endpoints, no per-endpoint secret to try)."""

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        assert self.public_key is not None
        verify_v1a(
            self.public_key,
            headers["webhook-id"],
            int(headers["webhook-timestamp"]),
            body,
            headers["webhook-signature"],
        )
        document: dict[str, Any] = json.loads(body)
        return document


def _queue(app: FastAPI, codes: list[str], per_recipient: int) -> int:
    with app.state.hub.transaction() as session:
        queued = 0
        for _ in range(per_recipient):
            for code in codes:
                payload = outbox.thin_payload(
                    "notification.created", str(uuid.uuid4()), "missing", "HW-bench", NOW
                )
                queued += len(outbox.enqueue_webhooks(session, code, payload, NOW))
    return queued


def measure(backend: str, per_recipient: int) -> list[Measurement]:
    codes = sorted(upper_tier_authorities())
    receiver = SignedByHub().start()
    try:
        settings: dict[str, Any] = {"worker": "external", "webhook_allow_private_targets": True}
        with hub_app(backend, **settings) as app:
            hub = app.state.hub
            register(app, codes)
            receiver.public_key = operator.webhook_public_key(hub)
            for code in codes:
                operator.add_webhook(hub, code, receiver.url)
            queued = _queue(app, codes, per_recipient)
            start = time.perf_counter()
            sent = worker.drain(hub)
            elapsed = time.perf_counter() - start
    finally:
        receiver.stop()
    if sent != queued or len(receiver.accepted) != queued or receiver.rejected:
        raise RuntimeError(f"sent {sent}, received {len(receiver.accepted)} of {queued}")
    note = f"{len(codes)} recipients x {per_recipient}; one worker, v1a verified by the receiver"
    return [
        Measurement(
            f"sustained webhook deliveries to {len(codes)} recipients",
            queued / elapsed,
            PER_S,
            backend,
            queued,
            note=note,
        )
    ]
