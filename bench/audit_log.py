"""The transparency log (hub/audit): appends per second, proof times and full verification.

Through the hub's own code against a real, freshly migrated database (the real app's engine and
transactions: ``MerkleLog.append``, ``tree.inclusion_proof``/``consistency_proof``,
``verify``), on SQLite and on PostgreSQL:

- appends, one entry per transaction (each commits, as an audited request does), then batched
  (``BATCH`` entries per transaction: the fill that grows the log to its measured size);
- inclusion and consistency proof generation at that size, p50 and p99 over random indexes and
  sizes (a sample of proofs is checked against the root with ``merkle.verify_*``, untimed);
- full verification: every leaf re-hashed and every root recomputed (``verify``).

The issue's target size is a million entries; the default (``ENTRIES``, about a minute for both
backends) is smaller and the size measured is in each line. Set it with
``HOMEWARD_BENCH_AUDIT_ENTRIES``. Run with ``python -m bench --only audit``.
"""

import os
import time
from collections.abc import Callable

from fastapi import FastAPI
from sqlmodel import Session

from bench.common import NOW, backends, hub_app, percentile, rng
from bench.tables import MS, Measurement
from hub.audit import AuditAction, MerkleLog, merkle, tree, verify

NAME = "audit"
PER_S = "entries/s"
TARGET_ENTRIES = 1_000_000  # the log size
ENTRIES = 50_000  # the default: about a minute; HOMEWARD_BENCH_AUDIT_ENTRIES=1000000
QUICK_ENTRIES = 2_000
BATCH = 1_000
SINGLES = 300
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
        singles, already = min(SINGLES, size), tree_size(app)
        one = _appends(app, singles, 1)
        filled = max(0, size - singles - already)
        batched = _appends(app, filled, BATCH)
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
            Measurement("append, 1 per transaction", singles / one, PER_S, backend, singles),
            Measurement(
                f"append, {BATCH:,} per transaction",
                filled / batched,
                PER_S,
                backend,
                filled,
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
