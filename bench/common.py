"""Shared benchmark setup: synthetic councils read through the real connector sources, a hub app
on a chosen database, fast loading through the service layer, and the ``Measurement`` every
benchmark returns.
"""

import gc
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.tables import RECORDS_PER_S, Measurement
from connectors.pseudonymise import Pseudonymiser
from connectors.records import ChildInCare, build_records
from connectors.sources import read_903, read_identity, read_postcode_lookup
from connectors.upload import batches
from homeward.synthetic import COUNCILS, CouncilExtract, generate_extracts, write_council_files
from hub import pipeline, wire
from hub.app import create_app
from hub.db.migrate import upgrade_database
from hub.operator import register_authority, sign_every_policy
from hub.settings import HubSettings
from keys import CouncilKey, SharedKeyring, new_secret, write_hub_key

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # the hub's pinned clock
SEED = "homeward-bench"
POSTGRES_URL = os.environ.get(
    "HOMEWARD_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Created for a run and dropped after it; one per process, so runs side by side do not collide.
BENCH_DATABASE = os.environ.get("HOMEWARD_BENCH_DATABASE", f"homeward_bench_{os.getpid()}")


def best_rate(
    name: str,
    count: int,
    runs: Sequence[float],
    *,
    backend: str = "-",
    target: float | None = None,
    note: str = "",
) -> Measurement:
    """Throughput from the fastest of one or more timed runs (seconds each)."""
    notes = [note] if note else []
    if len(runs) > 1:
        notes.insert(0, f"best of {len(runs)}: " + ", ".join(f"{count / s:,.0f}" for s in runs))
    return Measurement(
        name, count / min(runs), RECORDS_PER_S, backend, count, target, "; ".join(notes)
    )


def percentile(samples: Sequence[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def cpu_timed(action: Callable[[], object]) -> float:
    """CPU seconds of the process one call takes (``timed``'s collector freeze): what a
    loaded machine disturbs least."""
    gc.freeze()
    start = time.process_time()
    action()
    return time.process_time() - start


def timed(action: Callable[[], object]) -> float:
    """Seconds one call takes. Everything alive beforehand (the synthetic records, hundreds of
    MB) is frozen out of the cyclic garbage collector first, so collections during the call
    scan only what the call itself allocates, as they would in a connector or hub process."""
    gc.freeze()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# --- machine ------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@cache
def postgres_version(url: str = POSTGRES_URL) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar_one())
    except Exception:  # not reachable: the PostgreSQL benchmarks are skipped
        return None
    finally:
        engine.dispose()


def machine() -> dict[str, object]:
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
    }


# --- synthetic councils -------------------------------------------------------------------------


@dataclass
class CouncilData:
    """One council's extract, its children as the connector reads them, and its keys."""

    extract: CouncilExtract
    children: list[ChildInCare]
    pseudonymiser: Pseudonymiser
    key: CouncilKey
    wire_children: list[wire.ChildRecord] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.extract.council.code


@dataclass
class Corpus:
    keyring: SharedKeyring
    councils: list[CouncilData]

    @property
    def size(self) -> int:
        return sum(len(c.children) for c in self.councils)

    def head(self, n_children: int) -> "Corpus":
        """The first children of each council, about ``n_children`` in all."""
        per_council = -(-n_children // len(self.councils))
        councils = [
            replace(
                c, children=c.children[:per_council], wire_children=wire_children(c)[:per_council]
            )
            for c in self.councils
        ]
        return Corpus(self.keyring, councils)


def children(*, quick: bool) -> int:
    """Looked-after children loaded for a run (the issue asks for 100,000)."""
    return 6_000 if quick else 100_000


@cache
def corpus(n_children: int, n_councils: int = 3) -> Corpus:
    """``n_children`` looked-after children split over the first councils, written as CSV and read
    back by the connector's own readers (so every council's file quirks are exercised)."""
    keyring = SharedKeyring.generate()
    chosen = COUNCILS[:n_councils]
    per_council = -(-n_children // n_councils)
    extracts = generate_extracts(chosen, per_council, seed=SEED, today=TODAY)
    councils = []
    with tempfile.TemporaryDirectory() as tmp:
        for extract in extracts:
            files = write_council_files(extract, Path(tmp) / extract.council.code)
            records = build_records(
                read_903(files.ssda903),
                read_identity(files.identities),
                read_postcode_lookup(files.postcode_lookup),
                today=TODAY,
            )
            key = CouncilKey.generate(extract.council.code)
            councils.append(
                CouncilData(extract, records.children, Pseudonymiser(keyring, key), key)
            )
    return Corpus(keyring, councils)


def wire_children(council: CouncilData) -> list[wire.ChildRecord]:
    """The council's children as ChildRecords (pseudonymised once, then reused)."""
    if not council.wire_children:
        outgoing = (council.pseudonymiser.child(c).record for c in council.children)
        council.wire_children = [r for r in outgoing if isinstance(r, wire.ChildRecord)]
    return council.wire_children


# --- hub ----------------------------------------------------------------------------------------


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_version() else ["sqlite"]


@contextmanager
def database(backend: str, workdir: Path) -> Iterator[str]:
    """A fresh, empty database URL; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        path = workdir / f"hub-{uuid.uuid4().hex[:8]}.db"
        yield f"sqlite:///{path}"
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    try:
        with admin.connect() as conn:
            conn.execute(drop)
            conn.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
        yield make_url(POSTGRES_URL).set(database=BENCH_DATABASE).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(drop)
        admin.dispose()


@contextmanager
def hub_app(backend: str, **overrides: object) -> Iterator[FastAPI]:
    """The real hub app (pinned clock, shipped policies) on a fresh database; ``overrides``
    are further settings (``worker="thread"``, ``webhook_allow_private_targets=True``)."""
    with tempfile.TemporaryDirectory() as tmp, database(backend, Path(tmp)) as url:
        key_file = Path(tmp) / "hub.key"
        write_hub_key(key_file, new_secret())
        # The worker drains inline, after each request's commit: the benchmark times the work
        # up to the committed notification (the report and the worker's sharing of it).
        settings = HubSettings(
            database_url=url, key_file=key_file, **{"worker": "inline", **overrides}
        )
        upgrade_database(url)
        app = create_app(settings, clock=lambda: NOW)
        try:
            yield app
        finally:
            app.state.hub.engine.dispose()


def register(app: FastAPI, codes: Sequence[str]) -> dict[str, str]:
    """Register council authorities as an operator would, each signing every policy; returns
    their bearer credentials."""
    credentials = {
        code: register_authority(
            app.state.hub, code=code, name=f"Council {code}", contact=f"Duty team {code}"
        )
        for code in codes
    }
    for code in codes:
        sign_every_policy(app.state.hub, code, "Bench DPO", f"DSA-{code}")
    return credentials


def ingest(
    app: FastAPI, authority: str, records: Sequence[wire.ChildRecord], batch_size: int
) -> None:
    """Children straight through ``pipeline.ingest_batch``, one transaction per batch."""
    hub = app.state.hub
    for chunk in batches(records, batch_size):
        with hub.transaction() as session:
            pipeline.ingest_batch(
                session, hub.services, authority, wire.RecordBatch(children=list(chunk)), NOW
            )


def load_corpus(app: FastAPI, data: Corpus, batch_size: int = 5000) -> dict[str, str]:
    """Register every council of the corpus and load its children; returns credentials."""
    credentials = register(app, [c.code for c in data.councils])
    for council in data.councils:
        ingest(app, council.code, wire_children(council), batch_size)
    return credentials


def rng(name: str) -> random.Random:
    return random.Random(f"{SEED}:{name}")  # reproducible, not secret
