"""Connector throughput, one process (one core).

"normalise + match keys": identity rows -> normalised identity -> match-key tokens through the
connector's Tokeniser (the path Pseudonymiser takes), the part the issues set targets for
(issue 2: at least 50,000 records/s/core; issue 3: 100,000).
"full pseudonymise": ``plan_sync`` of each council's children against an empty state, as a
first sync runs it: tokens, wire records, sealed child ids, references and content digests,
all kept for upload.
"""

from bench.common import best_rate, children, corpus, timed
from bench.tables import Measurement
from connectors import normalise
from connectors.matchkeys import Tokeniser
from connectors.pipeline import plan_sync
from connectors.pseudonymise import identity_of
from connectors.records import Records
from connectors.state import SyncState

NAME = "connector"
TARGET = 50_000.0


def run(*, quick: bool) -> list[Measurement]:
    data = corpus(children(quick=quick))
    identities = [c.identity for council in data.councils for c in council.children]
    tokenise = Tokeniser(data.keyring.deriver())  # the path Pseudonymiser takes

    def keys_only() -> None:
        normalise.clear_caches()  # each run starts cold, like a nightly sync
        for row in identities:
            tokenise(identity_of(row))

    def first_syncs() -> None:
        normalise.clear_caches()
        for council in data.councils:
            plan_sync(Records(children=council.children), council.pseudonymiser, SyncState())

    runs = 2 if quick else 3
    return [
        best_rate(
            "normalise + match keys (per core)",
            len(identities),
            [timed(keys_only) for _ in range(runs)],
            target=TARGET,
        ),
        best_rate(
            f"full pseudonymise, plan_sync of {data.size // len(data.councils):,} "
            "children per council (per core)",
            len(identities),
            [timed(first_syncs) for _ in range(runs)],
        ),
    ]
