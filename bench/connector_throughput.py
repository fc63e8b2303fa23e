"""Connector throughput, one process (one core), by CPU time of the process (the wall clock of
each run is in the note: a loaded machine stretches it).

"normalise + match keys": identity rows -> normalised identity -> match-key tokens through the
connector's Tokeniser (the path Pseudonymiser takes), the part the issues set targets for
(issue 2: at least 50,000 records/s/core; issue 3: 100,000).
"+ second-stage encodings": the same with the keyed Bloom filters and blocking tokens
(``connectors.similarity.Encoder``; issue 11: at least 40,000 records/s/core).
"full pseudonymise": ``plan_sync`` of each council's children against an empty state, as a
first sync runs it: tokens, encodings, wire records, sealed child ids, references and content
digests, all kept for upload.

Every run starts cold, like a nightly sync: the name caches emptied, and a fresh Tokeniser,
Encoder or Pseudonymiser, so no cache of an earlier run helps.
"""

import time
from collections.abc import Callable

from bench.common import Corpus, best_rate, children, corpus, cpu_timed
from bench.tables import Measurement
from connectors import matchkeys
from connectors.matchkeys import Tokeniser
from connectors.pipeline import plan_sync
from connectors.pseudonymise import Pseudonymiser, identity_of
from connectors.records import Records
from connectors.similarity import Encoder
from connectors.state import SyncState

NAME = "connector"
TARGET = 50_000.0
SECOND_STAGE_TARGET = 40_000.0


def _keys(data: Corpus, second_stage: bool) -> Callable[[], None]:
    rows = [c.identity for council in data.councils for c in council.children]
    deriver = data.keyring.deriver()

    def run() -> None:
        matchkeys.clear_caches()
        tokenise = Tokeniser(deriver)
        encode = Encoder(deriver) if second_stage else None
        for row in rows:
            identity = identity_of(row)
            tokenise(identity)
            if encode is not None:
                encode(identity, row.postcode)

    return run


def _first_syncs(data: Corpus) -> Callable[[], None]:
    def run() -> None:
        matchkeys.clear_caches()
        for council in data.councils:
            fresh = Pseudonymiser(data.keyring, council.key)
            plan_sync(Records(children=council.children), fresh, SyncState())

    return run


def _measured(
    name: str, count: int, action: Callable[[], None], runs: int, target: float | None = None
) -> Measurement:
    cpu, wall = [], []
    for _ in range(runs):
        started = time.perf_counter()
        cpu.append(cpu_timed(action))
        wall.append(time.perf_counter() - started)
    note = f"wall clock best {count / min(wall):,.0f}"
    return best_rate(name, count, cpu, note=note, target=target)


def run(*, quick: bool) -> list[Measurement]:
    data = corpus(children(quick=quick))
    count = data.size
    per_council = count // len(data.councils)
    runs = 2 if quick else 3
    return [
        _measured(
            "normalise + match keys (per core, CPU time)",
            count,
            _keys(data, second_stage=False),
            runs,
            target=TARGET,
        ),
        _measured(
            "normalise + match keys + second-stage encodings (per core, CPU time)",
            count,
            _keys(data, second_stage=True),
            runs,
            target=SECOND_STAGE_TARGET,
        ),
        _measured(
            f"full pseudonymise, plan_sync of {per_council:,} children per council "
            "(per core, CPU time)",
            count,
            _first_syncs(data),
            runs,
        ),
    ]
