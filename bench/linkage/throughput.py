"""Connector throughput on one core: raw identity fields -> normalised identity -> every match-key
token (``connectors.matchkeys.normalise_identity`` + ``Tokeniser``), the work a council's
connector does per child before upload. Target (issue 3): 100,000 records/s.

With the second stage: the same, plus the keyed Bloom filters and blocking tokens
(``connectors.similarity.Encoder``, fresh so its token caches start empty). Target (issue 11):
40,000 records/s/core. Cold: the name caches emptied first (the first pass of a nightly
sync); warm: the same records again (names repeat across a council's children, so later
passes hit the caches).
"""

import time
from collections.abc import Sequence

from connectors import matchkeys
from connectors.similarity import Encoder
from homeward.synthetic import linkage as synth
from keys import SharedKeyring

Fields = tuple[str, str, str, str, str, str, str, str, str]


def _pass(
    rows: Sequence[Fields], tokenise: matchkeys.Tokeniser, encode: Encoder | None = None
) -> tuple[float, int]:
    identity = matchkeys.normalise_identity
    tokens = 0
    started = time.perf_counter()
    for forename, surname, dob, sex, nhs, upn, postcode, known_as, former in rows:
        child = identity(
            forename=forename,
            surname=surname,
            dob=dob,
            sex=sex,
            nhs_number=nhs,
            upn=upn,
            postcode=postcode,
            known_as=known_as,
            former_surname=former,
        )
        tokens += len(tokenise(child))
        if encode is not None:
            tokens += len(encode(child, postcode).blocks)
    return time.perf_counter() - started, tokens


def run(records: int, repeats: int = 5) -> dict[str, float]:
    bench = synth.generate(synth.Spec(left=records, right=100, overlap=0.0, seed=3))
    rows: list[Fields] = [
        (
            r["forename"],
            r["surname"],
            r["dob"],
            r["sex"],
            r["nhs_number"],
            r["upn"],
            r["postcode"],
            r["known_as"],
            r["former_surname"],
        )
        for r in bench.left
    ]
    deriver = SharedKeyring.generate().deriver()
    tokenise = matchkeys.Tokeniser(deriver)
    cold, warm, both_cold = [], [], []
    tokens = 0
    for _ in range(repeats):
        matchkeys.clear_caches()
        seconds, tokens = _pass(rows, tokenise)
        cold.append(seconds)
        warm.append(_pass(rows, tokenise)[0])
        matchkeys.clear_caches()
        both_cold.append(_pass(rows, tokenise, Encoder(deriver))[0])  # a fresh encoder: cold
    return {
        "records": records,
        "tokens_per_record": tokens / records,
        "cold_records_per_second": records / min(cold),
        "warm_records_per_second": records / min(warm),
        "with_second_stage_cold_records_per_second": records / min(both_cold),
    }
