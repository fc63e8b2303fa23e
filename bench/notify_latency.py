"""Event-to-notification latency: a fourth council reports a child missing (POST /v1/events)
and the clock stops when the response returns, after the commit that stored the notification.

Looked-after children from three councils are loaded first. Half the events describe one of them
the way another council records a child it has found (``found_person_record``: NHS number often
absent, accents and hyphens lost, nicknames); the other half describe children no council has
loaded, which is what most real reports are. Each event's outcome is read back from the database
afterwards (not timed): a notification for the child's own council from an automatic link, one
asking it to review a possible match, or none.

Target (issue 2): p99 at most 50 ms.
"""

import csv
import random
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from bench.common import (
    NOW,
    TODAY,
    Corpus,
    backends,
    best_rate,
    children,
    corpus,
    hub_app,
    load_corpus,
    percentile,
    register,
    rng,
    timed,
)
from bench.tables import MS, Measurement
from connectors.pseudonymise import Pseudonymiser
from connectors.sources import IdentityRow, read_identity
from homeward.synthetic import (
    COUNCILS,
    IDENTITY_COLUMNS,
    Row,
    SyntheticPerson,
    found_person_record,
    generate_council_extract,
)
from hub import wire
from hub.delivery.models import Notification
from hub.linking.models import Match
from hub.records.models import Episode
from keys import CouncilKey
from policies import Identification

NAME = "latency"
TARGET_P99_MS = 50.0
WARM_UP = 20
REPORTER, STRANGERS = COUNCILS[3], COUNCILS[4]  # neither of them loads children


@dataclass(frozen=True)
class Event:
    body: bytes
    ref: str
    responsible: str | None  # the council whose child this is, if it was loaded


def _identity_rows(records: list[Row]) -> list[IdentityRow]:
    """Found-person records through the connector's own identity reader."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "found.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, IDENTITY_COLUMNS)
            writer.writeheader()
            writer.writerows(records)
        return read_identity(path).rows


def events(data: Corpus, pseudonymiser: Pseudonymiser, n_events: int) -> list[Event]:
    pick = rng("events")
    loaded = [(c.code, child.person) for c in data.councils for child in c.extract.children]
    strangers = generate_council_extract(
        STRANGERS, n_events, rng("strangers"), COUNCILS, today=TODAY
    ).children
    people: list[tuple[str | None, SyntheticPerson]] = [
        *pick.sample(loaded, n_events // 2),
        *((None, c.person) for c in strangers[: n_events - n_events // 2]),
    ]
    pick.shuffle(people)
    rows = _identity_rows([found_person_record(person, pick) for _, person in people])
    return [
        _event(pseudonymiser, row, responsible, pick)
        for (responsible, _), row in zip(people, rows, strict=True)
    ]


def _event(
    pseudonymiser: Pseudonymiser, row: IdentityRow, responsible: str | None, pick: random.Random
) -> Event:
    started = NOW - timedelta(minutes=pick.randrange(30, 600))
    record = pseudonymiser.live_event(
        event_id=uuid.uuid4().hex,
        kind="M",
        started_at=started,
        ended_at=None,
        identity=row,
        own_child_id=None,
    )
    return Event(record.model_dump_json().encode(), record.ref, responsible)


def _outcome(app: FastAPI, event: Event) -> str:
    """``link`` or ``review`` (the hub's match decision) when the child's own council holds a
    notification about the event, ``none`` when it holds none, ``nobody`` for a stranger."""
    if event.responsible is None:
        return "nobody"
    with Session(app.state.hub.engine) as session:
        episode = session.exec(
            select(Episode.id).where(Episode.authority == REPORTER.code, Episode.ref == event.ref)
        ).one()
        notified = session.exec(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.episode_id == episode,
                Notification.recipient == event.responsible,
            )
        ).one()
        decisions = set(session.exec(select(Match.outcome).where(Match.episode_id == episode)))
    if not notified:
        return "none"
    return "link" if Identification.LINKED in decisions else "review"


def _measure(backend: str, data: Corpus, events: list[Event]) -> list[Measurement]:
    with hub_app(backend) as app:
        load = best_rate(
            f"load {data.size:,} children (service layer, batches of 5000)",
            data.size,
            [timed(lambda: load_corpus(app, data))],
            backend=backend,
        )
        credential = register(app, [REPORTER.code])[REPORTER.code]
        by_outcome = _post_events(app, credential, events)
    review = by_outcome["review"]
    note = (
        f"{len(review)} more were possible matches, notified for review"
        + (f" (p99 {percentile(review, 99):.1f} ms)" if len(review) > 1 else "")
        + f"; {len(by_outcome['none'])} notified no one"
    )
    return [
        load,
        *_percentiles("event -> notification stored (link)", by_outcome["link"], backend, note),
        *_percentiles("event matching nobody", by_outcome["nobody"], backend),
    ]


def _post_events(app: FastAPI, credential: str, events: list[Event]) -> dict[str, list[float]]:
    """Latencies (ms) after the warm-up, by outcome (see ``_outcome``)."""
    headers = {"Authorization": f"Bearer {credential}", "Content-Type": "application/json"}
    by_outcome: dict[str, list[float]] = defaultdict(list)
    with TestClient(app) as client:
        for number, event in enumerate(events):
            start = time.perf_counter()
            client.post(
                f"{wire.API_PREFIX}/events", content=event.body, headers=headers
            ).raise_for_status()
            elapsed = (time.perf_counter() - start) * 1000
            if number >= WARM_UP:
                by_outcome[_outcome(app, event)].append(elapsed)
    return by_outcome


def _percentiles(
    name: str, samples: list[float], backend: str, note: str = ""
) -> list[Measurement]:
    if len(samples) < 2:
        return []
    return [
        Measurement(f"{name}, p50", percentile(samples, 50), MS, backend, len(samples)),
        Measurement(
            f"{name}, p99",
            percentile(samples, 99),
            MS,
            backend,
            len(samples),
            target=TARGET_P99_MS,
            note=note,
        ),
    ]


def run(*, quick: bool) -> list[Measurement]:
    data = corpus(children(quick=quick))
    reporter = Pseudonymiser(data.keyring, CouncilKey.generate(REPORTER.code))
    reports = events(data, reporter, WARM_UP + (60 if quick else 400))
    return [m for backend in backends() for m in _measure(backend, data, reports)]
