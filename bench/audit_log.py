"""The transparency log (hub/audit): appends per second, proof times and full verification.

Through the hub's own code against a real, freshly migrated database (the real app's engine and
transactions: ``MerkleLog.append``, ``tree.inclusion_proof``/``consistency_proof``,
``verify``), on SQLite and on PostgreSQL:

- appends, one entry per transaction (each commits, as an audited request does), then batched
  (``BATCH`` entries per transaction: the fill that grows the log to its measured size);
- inclusion and consistency proof generation at that size, p50 and p99 over random indexes and
  sizes (a sample of proofs is checked against the root with ``merkle.verify_*``, untimed);
- full verification: every leaf re-hashed and every root recomputed (``verify``).

The log is measured at the issue's size, a million entries (``--quick``: ``QUICK_ENTRIES``;
``HOMEWARD_BENCH_AUDIT_ENTRIES`` overrides). Appending a million entries one request at a
time would take hours, so the log is first filled in bulk (``_bulk_fill``: the same canonical
leaves the hub writes, and every complete subtree hash computed as ``tree.append_leaf`` does,
inserted with multi-row INSERTs; its rate is reported on its own line and never as appends/s).
The measured appends then go through ``MerkleLog.append`` on top of the full log, so appends/s
is measured at the million-entry size, and proofs and verification are over the whole log.
Run with ``python -m bench --only audit``.
"""

import os
import time
from collections.abc import Callable, Iterator

from fastapi import FastAPI
from sqlalchemy import insert, update
from sqlmodel import Session

from bench.common import NOW, backends, hub_app, percentile, rng
from bench.tables import MS, Measurement
from hub.audit import AuditAction, MerkleLog, merkle, tree, verify
from hub.audit.entry import Entry
from hub.audit.log import ref_column
from hub.audit.models import AuditLeaf, MerkleNode, TreeHead

NAME = "audit"
PER_S = "entries/s"
TARGET_ENTRIES = 1_000_000  # the log size
ENTRIES = TARGET_ENTRIES
QUICK_ENTRIES = 20_000
BATCH = 1_000
BATCHED = 10_000  # entries appended through MerkleLog.append, BATCH per transaction
SINGLES = 300
FILL_CHUNK = 5_000  # rows per multi-row INSERT of the bulk fill
PROOFS = 300
CHECKED = 20  # proofs verified against the root (untimed)


def entries(*, quick: bool) -> int:
    """The log size measured: the environment's, else the default for the run."""
    configured = os.environ.get("HOMEWARD_BENCH_AUDIT_ENTRIES")
    return int(configured) if configured else (QUICK_ENTRIES if quick else ENTRIES)


def _append(log: MerkleLog, session: Session, number: int) -> None:
    detail = {"start": number, "returned": 0}
    log.append(session, NOW, actor="bench", action=AuditAction.AUDIT_READ, detail=detail)


def _appends(app: FastAPI, count: int, per_transaction: int) -> float:
    """Seconds to append ``count`` entries, ``per_transaction`` in each committed transaction."""
    hub, log = app.state.hub, MerkleLog()
    start = time.perf_counter()
    for first in range(0, count, per_transaction):
        with hub.transaction() as session:
            for number in range(first, min(count, first + per_transaction)):
                _append(log, session, number)
    return time.perf_counter() - start


def _bench_entry(number: int) -> bytes:
    detail = {"start": number, "returned": 0}
    return Entry(at=NOW, actor="bench", action=str(AuditAction.AUDIT_READ), detail=detail).leaf()


def _nodes(
    start: int, leaves: list[bytes], edge: list[tuple[int, bytes]]
) -> Iterator[dict[str, object]]:
    """The subtree hashes completed by appending ``leaves`` at ``start`` (as append_leaf)."""
    for offset, leaf in enumerate(leaves):
        acc, level, i = merkle.leaf_hash(leaf), 0, start + offset
        yield {"level": 0, "idx": i, "hash": acc.hex()}
        while i & 1:
            _, left = edge.pop()
            acc, level, i = merkle.node_hash(left, acc), level + 1, i >> 1
            yield {"level": level, "idx": i, "hash": acc.hex()}
        edge.append((level, acc))


def _bulk_fill(app: FastAPI, count: int) -> float:
    """Seconds to fill an empty log with ``count`` entries, chunk by committed chunk."""
    engine, edge = app.state.hub.engine, list[tuple[int, bytes]]()
    start = time.perf_counter()
    for first in range(0, count, FILL_CHUNK):
        numbers = range(first, min(count, first + FILL_CHUNK))
        leaves = [_bench_entry(n) for n in numbers]
        rows = [
            {"idx": n, "at": NOW, "actor": "bench", "action": str(AuditAction.AUDIT_READ),
             "subject": "", "refs": ref_column([], {}), "leaf": leaf.decode()}
            for n, leaf in zip(numbers, leaves, strict=True)
        ]  # fmt: skip
        with engine.begin() as conn:
            conn.execute(insert(AuditLeaf), rows)
            conn.execute(insert(MerkleNode), list(_nodes(first, leaves, edge)))
            conn.execute(update(TreeHead).values(size=numbers.stop))
    return time.perf_counter() - start


def _proof_times(
    prove: Callable[[int], list[bytes]], pick: Callable[[], int]
) -> tuple[list[float], list[tuple[int, list[bytes]]]]:
    """Milliseconds per proof, and the first proofs with their argument (to check)."""
    times, made = [], []
    for _ in range(PROOFS):
        argument = pick()
        start = time.perf_counter()
        proof = prove(argument)
        times.append((time.perf_counter() - start) * 1000)
        if len(made) < CHECKED:
            made.append((argument, proof))
    return times, made


def _check_inclusion(session: Session, size: int, made: list[tuple[int, list[bytes]]]) -> None:
    root = tree.root(session, size)
    for index, proof in made:
        [row] = tree.leaves(session, index, index + 1)
        leaf = merkle.leaf_hash(row.leaf.encode("utf-8"))
        if not merkle.verify_inclusion(index, size, leaf, proof, root):
            raise AssertionError(f"inclusion proof of entry {index} does not verify")


def _check_consistency(session: Session, size: int, made: list[tuple[int, list[bytes]]]) -> None:
    root = tree.root(session, size)
    for first, proof in made:
        if not merkle.verify_consistency(first, size, tree.root(session, first), root, proof):
            raise AssertionError(f"consistency proof {first} -> {size} does not verify")


def _distribution(name: str, times: list[float], backend: str, size: int) -> list[Measurement]:
    note = f"log of {size:,} entries"
    return [
        Measurement(f"{name}, p50", percentile(times, 50), MS, backend, len(times), None, note),
        Measurement(f"{name}, p99", percentile(times, 99), MS, backend, len(times), None, note),
    ]


def _proofs(app: FastAPI, backend: str, size: int) -> list[Measurement]:
    pick = rng(f"proofs:{backend}")
    with Session(app.state.hub.engine) as session:
        inclusion, made = _proof_times(
            lambda i: tree.inclusion_proof(session, i, size),
            lambda: pick.randrange(size),
        )
        _check_inclusion(session, size, made)
        consistency, made = _proof_times(
            lambda first: tree.consistency_proof(session, first, size),
            lambda: pick.randrange(1, size),
        )
        _check_consistency(session, size, made)
    return [
        *_distribution("inclusion proof", inclusion, backend, size),
        *_distribution("consistency proof (to the full log)", consistency, backend, size),
    ]


def _verification(app: FastAPI, backend: str, size: int) -> Measurement:
    with Session(app.state.hub.engine) as session:
        start = time.perf_counter()
        result = verify(session)
        seconds = time.perf_counter() - start
    if not result.ok or result.entries != size:
        raise AssertionError(f"the benchmark's log does not verify: {result.problem}")
    note = f"{size / seconds:,.0f} entries/s re-hashed"
    return Measurement("full verification (verify)", seconds, "s", backend, size, None, note)


def _backend(backend: str, size: int) -> list[Measurement]:
    with hub_app(backend) as app:
        singles, batched = min(SINGLES, size // 10), min(BATCHED, size // 10)
        bulk = max(0, size - singles - batched - tree_size(app))
        if tree_size(app) != 0:
            raise AssertionError("the benchmark's log must start empty")
        bulk_seconds = _bulk_fill(app, bulk)
        one = _appends(app, singles, 1)
        many = _appends(app, batched, BATCH)
        size = tree_size(app)  # what the proofs and verification are measured at
        return [
            Measurement(
                "log size measured",
                size,
                "entries",
                backend,
                size,
                TARGET_ENTRIES,
                "the issue's size; set HOMEWARD_BENCH_AUDIT_ENTRIES",
            ),
            Measurement(
                "bulk fill (multi-row INSERT, not an append rate)",
                bulk / bulk_seconds,
                PER_S,
                backend,
                bulk,
                note="leaves and subtree hashes computed as the hub does",
            ),
            Measurement(
                "append, 1 per transaction",
                singles / one,
                PER_S,
                backend,
                singles,
                note=f"onto a log of {bulk:,} entries",
            ),
            Measurement(
                f"append, {BATCH:,} per transaction",
                batched / many,
                PER_S,
                backend,
                batched,
                note=f"grows the log to {size:,} entries",
            ),
            *_proofs(app, backend, size),
            _verification(app, backend, size),
        ]


def tree_size(app: FastAPI) -> int:
    with Session(app.state.hub.engine) as session:
        return tree.size(session)


def run(*, quick: bool = False) -> list[Measurement]:
    size = entries(quick=quick)
    return [m for backend in backends() for m in _backend(backend, size)]
