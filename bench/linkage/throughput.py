"""Connector throughput on one core: raw identity fields -> normalised identity -> every match-key
token (``connectors.matchkeys.normalise_identity`` + ``Tokeniser``), the work a council's
connector does per child before upload. Target (issue 3): 100,000 records/s.

With the second stage: the same, plus the keyed Bloom filters and blocking tokens
(``connectors.similarity.Encoder``). Target (issue 11): 40,000 records/s/core.

Cold: every cache emptied first (``matchkeys.clear_caches()``, a fresh ``Tokeniser`` and a fresh
``Encoder``): the first pass of a nightly sync. Warm: the same records again with the same
objects (names repeat across a council's children, so later passes hit the caches).

Rates are by CPU time of the process (``time.process_time``), which a loaded machine disturbs
less than the wall clock; the wall-clock rates are reported beside them (``..._wall``). The
synthetic records are frozen out of the garbage collector before timing (as ``bench.common.timed``
does), so collections scan what the connector allocates, not the benchmark's own data.
"""

import gc
import time
from collections.abc import Sequence

from connectors import matchkeys
from connectors.similarity import Encoder
from homeward.synthetic import linkage as synth
from keys import MatchKeyDeriver, SharedKeyring

Fields = tuple[str, str, str, str, str, str, str, str, str]
PASSES = ("cold", "warm", "with_second_stage_cold", "with_second_stage_warm")


def _pass(
    rows: Sequence[Fields], tokenise: matchkeys.Tokeniser, encode: Encoder | None = None
) -> tuple[float, float, int]:
    """CPU seconds, wall seconds and tokens of one pass over ``rows``."""
    identity = matchkeys.normalise_identity
    tokens = 0
    gc.freeze()
    cpu, wall = time.process_time(), time.perf_counter()
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
    return time.process_time() - cpu, time.perf_counter() - wall, tokens


def _cold_and_warm(
    rows: Sequence[Fields], deriver: MatchKeyDeriver, second_stage: bool
) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    """A pass with every cache emptied, then the same records again."""
    matchkeys.clear_caches()
    tokenise = matchkeys.Tokeniser(deriver)
    encode = Encoder(deriver) if second_stage else None
    return _pass(rows, tokenise, encode), _pass(rows, tokenise, encode)


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
    timings: dict[str, list[tuple[float, float, int]]] = {name: [] for name in PASSES}
    for _ in range(repeats):
        for prefix, second_stage in (("", False), ("with_second_stage_", True)):
            cold, warm = _cold_and_warm(rows, deriver, second_stage)
            timings[f"{prefix}cold"].append(cold)
            timings[f"{prefix}warm"].append(warm)
    gc.unfreeze()
    found: dict[str, float] = {
        "records": records,
        "tokens_per_record": timings["cold"][0][2] / records,
    }
    for name, runs in timings.items():
        found[f"{name}_records_per_second"] = records / min(cpu for cpu, _, _ in runs)
        found[f"{name}_records_per_second_wall"] = records / min(wall for _, wall, _ in runs)
    return found
