"""Hub ingest throughput: 50,000 children from three councils into an empty hub (the load of
100,000 for the latency benchmark is reported there too).

Over HTTP: the real app in-process (TestClient), real bearer authentication, an idempotency key
per batch; request bodies are encoded before the clock starts (that is connector work). Direct:
``pipeline.ingest_batch`` in one transaction per batch, the same database work without HTTP,
JSON or validation, so the difference between the two is the web layer's cost.
"""

import uuid
from collections.abc import Sequence

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bench.common import (
    Corpus,
    backends,
    best_rate,
    children,
    corpus,
    hub_app,
    ingest,
    register,
    timed,
    wire_children,
)
from bench.tables import Measurement
from connectors.upload import batches
from hub import wire

NAME = "ingest"
BATCH_SIZES = (1000, 5000)
INGESTED, INGESTED_QUICK = 50_000, 3_000  # per configuration; notify_latency loads 100,000


def _bodies(data: Corpus, batch_size: int) -> list[tuple[str, bytes]]:
    return [
        (council.code, wire.RecordBatch(children=list(chunk)).model_dump_json().encode())
        for council in data.councils
        for chunk in batches(wire_children(council), batch_size)
    ]


def _post_all(
    app: FastAPI, bodies: Sequence[tuple[str, bytes]], credentials: dict[str, str]
) -> None:
    with TestClient(app) as client:
        for code, body in bodies:
            response = client.post(
                f"{wire.API_PREFIX}/records",
                content=body,
                headers={
                    "Authorization": f"Bearer {credentials[code]}",
                    "Idempotency-Key": uuid.uuid4().hex,
                    "Content-Type": "application/json",
                },
            )
            response.raise_for_status()


def _over_http(backend: str, data: Corpus, batch_size: int) -> float:
    bodies = _bodies(data, batch_size)
    with hub_app(backend) as app:
        credentials = register(app, [c.code for c in data.councils])
        return timed(lambda: _post_all(app, bodies, credentials))


def _direct(backend: str, data: Corpus, batch_size: int) -> float:
    with hub_app(backend) as app:
        register(app, [c.code for c in data.councils])

        def ingest_all() -> None:
            for council in data.councils:
                ingest(app, council.code, wire_children(council), batch_size)

        return timed(ingest_all)


def run(*, quick: bool) -> list[Measurement]:
    data = corpus(children(quick=quick)).head(INGESTED_QUICK if quick else INGESTED)
    found: list[Measurement] = []
    for backend in backends():
        for size in BATCH_SIZES:
            seconds = _over_http(backend, data, size)
            name = f"ingest over HTTP, batches of {size}"
            found.append(best_rate(name, data.size, [seconds], backend=backend))
        seconds = _direct(backend, data, 5000)
        name = "ingest direct (service layer), batches of 5000"
        note = _tokens_note(data)
        found.append(best_rate(name, data.size, [seconds], backend=backend, note=note))
    return found


def _tokens_note(data: Corpus) -> str:
    records = [r for council in data.councils for r in wire_children(council)]
    return f"{sum(len(r.match_keys) for r in records) / len(records):.1f} match keys per child"
