"""Report to webhook on loopback, and whether the report's answer time tells known children apart.

The real app with its worker thread (``worker="thread"``, woken after every commit) and a real
Standard Webhooks receiver on 127.0.0.1 (tests/functional/webhook_receiver.py, stamping the
arrival of each delivery; ``webhook_allow_private_targets=True`` admits it). Looked-after
children of three councils are loaded, each council registers a webhook; a fourth council then
reports, one at a time, children half of whom are loaded (found-person records: see
bench.notify_latency) and half of whom no council knows. After each report the benchmark waits
until the worker has nothing due, so every delivery is measured alone.

- report → webhook received: from the report's submission (``POST /v1/events`` sent) to the
  receiver's arrival stamp, for every report that notified a council (the worker links and
  shares it, then signs and sends the webhook). Target: p99 at most 1 s.
- answer time of ``POST /v1/events``, children known and unknown, reported as two
  distributions. They must be indistinguishable: the two-sample Kolmogorov-Smirnov statistic D
  must stay under its critical value at the 1 % level, c(0.01) * sqrt((n + m) / (n m)).

- sustained deliveries/s to the 153 recipients (bench/delivery_fanout.py).

Run with ``python -m bench --only delivery``.
"""

import math
import time
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from bench import delivery_fanout
from bench.common import backends, corpus, hub_app, load_corpus, percentile, register
from bench.notify_latency import REPORTER, WARM_UP, Event, events
from bench.tables import MS, Measurement
from connectors.pseudonymise import Pseudonymiser
from hub import operator, wire, worker
from hub.delivery.models import Notification
from hub.records.models import Episode
from keys import CouncilKey
from tests.functional.webhook_receiver import Receiver

NAME = "delivery"
TARGET_P99_MS = 1000.0
KS_C_ALPHA = 1.628  # c(alpha) for alpha = 0.01
IDLE_SECONDS = 30.0


class StampingReceiver(Receiver):
    """The test receiver, noting when each delivery arrived (before verifying it)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: dict[str, float] = {}

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        arrived = time.perf_counter()
        status = super().handle(body, headers)
        with self.lock:
            self.arrived.setdefault(headers.get("webhook-id", ""), arrived)
        return status


def ks_statistic(a: Sequence[float], b: Sequence[float]) -> float:
    """The two-sample Kolmogorov-Smirnov D: the largest gap between the empirical CDFs."""
    xs, ys = sorted(a), sorted(b)
    i = j = 0
    gap = 0.0
    while i < len(xs) and j < len(ys):
        x = min(xs[i], ys[j])
        while i < len(xs) and xs[i] <= x:
            i += 1
        while j < len(ys) and ys[j] <= x:
            j += 1
        gap = max(gap, abs(i / len(xs) - j / len(ys)))
    return gap


def ks_critical(n: int, m: int) -> float:
    return KS_C_ALPHA * math.sqrt((n + m) / (n * m))


def _setup(app: FastAPI, receiver: StampingReceiver, councils: Sequence[str]) -> str:
    """A webhook for each council; the reporter's credential."""
    hub = app.state.hub
    receiver.public_key = operator.webhook_public_key(hub)
    for code in councils:
        _, secret = operator.add_webhook(hub, code, receiver.url)
        receiver.secrets.append(secret)
    return register(app, [REPORTER.code])[REPORTER.code]


def _report(
    app: FastAPI, client: TestClient, credential: str, reports: list[Event]
) -> dict[str, tuple[float, float]]:
    """(submitted, answered) perf_counter stamps by report reference, after the warm-up."""
    headers = {"Authorization": f"Bearer {credential}", "Content-Type": "application/json"}
    stamps: dict[str, tuple[float, float]] = {}
    for number, event in enumerate(reports):
        start = time.perf_counter()
        response = client.post(f"{wire.API_PREFIX}/events", content=event.body, headers=headers)
        answered = time.perf_counter()
        response.raise_for_status()
        if number >= WARM_UP:
            stamps[event.ref] = (start, answered)
        if not worker.wait_until_idle(app.state.hub, IDLE_SECONDS):
            raise RuntimeError("the worker did not drain the outbox")
    return stamps


def _deliveries(app: FastAPI, receiver: StampingReceiver) -> dict[str, float]:
    """Arrival stamps by the reference of the report each webhook was about."""
    by_ref: dict[str, float] = {}
    with Session(app.state.hub.engine) as session:
        for msg_id, document in receiver.accepted.items():
            found = session.exec(
                select(Episode.ref)
                .join(Notification, Notification.episode_id == Episode.id)
                .where(Notification.id == document["data"]["notification_id"])
            ).first()
            if found is not None:
                by_ref[found] = min(by_ref.get(found, math.inf), receiver.arrived[msg_id])
    return by_ref


def _measure(backend: str, n_children: int, reports: list[Event]) -> list[Measurement]:
    data = corpus(n_children)
    settings: dict[str, Any] = {"worker": "thread", "webhook_allow_private_targets": True}
    receiver = StampingReceiver().start()
    try:
        with hub_app(backend, **settings) as app, TestClient(app) as client:
            load_corpus(app, data)
            credential = _setup(app, receiver, [c.code for c in data.councils])
            stamps = _report(app, client, credential, reports)
            arrivals = _deliveries(app, receiver)
    finally:
        receiver.stop()
    return [
        *_webhook_latency(stamps, arrivals, backend),
        *_answer_times(stamps, reports, backend),
    ]


def _webhook_latency(
    stamps: dict[str, tuple[float, float]], arrivals: dict[str, float], backend: str
) -> list[Measurement]:
    samples = [(arrivals[ref] - stamps[ref][0]) * 1000 for ref in stamps if ref in arrivals]
    if len(samples) < 2:
        return []
    name = "report submitted -> webhook received"
    note = f"{len(samples)} of {len(stamps)} reports notified a council"
    return [
        Measurement(f"{name}, p50", percentile(samples, 50), MS, backend, len(samples)),
        Measurement(
            f"{name}, p99", percentile(samples, 99), MS, backend, len(samples), TARGET_P99_MS, note
        ),
    ]


def _answer_times(
    stamps: dict[str, tuple[float, float]], reports: list[Event], backend: str
) -> list[Measurement]:
    known = {e.ref: e.responsible is not None for e in reports}
    split: dict[bool, list[float]] = {True: [], False: []}
    for ref, (start, answered) in stamps.items():
        split[known[ref]].append((answered - start) * 1000)
    found: list[Measurement] = []
    for is_known, label in ((True, "known"), (False, "unknown")):
        samples = split[is_known]
        if len(samples) < 2:
            return []
        name = f"report answer, child {label}"
        found += [
            Measurement(f"{name}, p50", percentile(samples, 50), MS, backend, len(samples)),
            Measurement(f"{name}, p99", percentile(samples, 99), MS, backend, len(samples)),
        ]
    n, m = len(split[True]), len(split[False])
    found.append(
        Measurement(
            "report answer known vs unknown: Kolmogorov-Smirnov D",
            ks_statistic(split[True], split[False]),
            "D",
            backend,
            n + m,
            ks_critical(n, m),
            "target: the critical value at the 1 % level (indistinguishable when met)",
        )
    )
    return found


def run(*, quick: bool = False) -> list[Measurement]:
    n_children = 1_500 if quick else 6_000
    data = corpus(n_children)
    reporter = Pseudonymiser(data.keyring, CouncilKey.generate(REPORTER.code))
    reports = events(data, reporter, WARM_UP + (60 if quick else 300))
    per_recipient = 2 if quick else 10
    return [
        m
        for backend in backends()
        for m in (
            *_measure(backend, n_children, reports),
            *delivery_fanout.measure(backend, per_recipient),
        )
    ]
