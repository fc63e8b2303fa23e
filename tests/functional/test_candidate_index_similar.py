"""The second stage's half of the candidate-index contract: ``SqlCandidateIndex.similar`` (filled
through the real ingest path, read through the indexes of migration 0016) and
``MemoryCandidateIndex.similar`` give the same encodings and identifier holdings, and admit the
same children of crowded blocks (``Blocking``)."""

from collections.abc import Sequence

import pytest
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from hub import wire
from hub.context import HubContext
from hub.linking.candidates import (
    BLOCKING,
    Blocking,
    CandidateIndex,
    MemoryCandidateIndex,
    SqlCandidateIndex,
)
from hub.linking.decide import ID_KEYS
from hub.linking.similarity import Encoded
from hub.records import encodings
from hub.records.models import IDENTIFIER_TOKENS
from hub.records.service import CHILD
from keys import HubKeyring, Token
from tests.functional.test_candidate_index import (
    AUTHORITIES,
    EXAMPLES,
    QUERYING,
    Key,
    digests,
    every_authority,
    ingest,
)

Encoding = tuple[int, int, tuple[int, ...]]  # names and born filter seeds, block numbers
Holder = tuple[str, str, tuple[Key, ...], Encoding | None]


def similarity(encoding: Encoding) -> wire.Similarity:
    names, born, blocks = encoding
    return wire.Similarity(
        epoch=1,
        names=f"{names:0128x}",
        born=f"{born:064x}",
        blocks=[f"{b:032x}" for b in blocks],
    )


def block_digests(hub_keys: HubKeyring, blocks: Sequence[int]) -> list[bytes]:
    return [hub_keys.rekey(Token(encodings.BLOCK_TYPE, 1, f"{b:032x}")) for b in blocks]


def store(session: Session, context: HubContext, holders: Sequence[Holder]) -> dict[int, str]:
    hub_keys = context.services.hub_keys
    names = ingest(session, context, [(a, name, keys) for a, name, keys, _ in holders])
    ids = {name: i for i, name in names.items()}
    for authority, name, _, encoding in holders:
        sim = None if encoding is None else similarity(encoding)
        encodings.store(session, hub_keys, CHILD, authority, [(ids[name], sim)])
    return names


def memory_index(
    hub_keys: HubKeyring,
    holders: Sequence[Holder],
    names: dict[int, str],
    blocking: Blocking = BLOCKING,
) -> MemoryCandidateIndex:
    ids = {name: i for i, name in names.items()}
    index = MemoryCandidateIndex(blocking)
    for authority, name, keys, encoding in holders:
        sealed = None
        if encoding is not None:
            sim = similarity(encoding)
            sealed = (
                bytes.fromhex(sim.names),
                bytes.fromhex(sim.born),
                block_digests(hub_keys, encoding[2]),
            )
        index.add(ids[name], authority, digests(hub_keys, keys), sealed)
    return index


KEY_TYPES = ("nhs", "name_dob", "upn", "opaque_id")
keys_st = st.tuples(st.sampled_from(KEY_TYPES), st.integers(0, 3), st.just(1))
encoding_st = st.tuples(
    st.integers(0, 2**64), st.integers(0, 2**64), st.lists(st.integers(1, 4), max_size=3).map(tuple)
)
holders_st = st.lists(
    st.tuples(
        st.sampled_from(AUTHORITIES),
        st.lists(keys_st, max_size=3).map(tuple),
        st.none() | encoding_st,
    ),
    max_size=6,
).map(lambda drawn: [(a, f"child-{i}", keys, e) for i, (a, keys, e) in enumerate(drawn)])


def test_the_identifier_index_covers_the_identifier_key_types() -> None:
    assert IDENTIFIER_TOKENS.text == "key_type IN ('nhs', 'opaque_id', 'upn')"
    assert sorted(ID_KEYS) == ["nhs", "opaque_id", "upn"]


@EXAMPLES
@given(
    holders=holders_st,
    blocks=st.lists(st.integers(1, 5), max_size=3),
    also=st.lists(st.integers(0, 5), max_size=3),
    exclude=st.sampled_from(AUTHORITIES),
    identifiers=st.sets(st.sampled_from((*KEY_TYPES, "phon_dob_sex"))),
    blocking=st.builds(Blocking, st.integers(1, 3), st.none() | st.integers(0, 3)),
)
def test_any_small_population_gives_the_same_encodings_from_both_indexes(
    hub_app: FastAPI,
    holders: list[Holder],
    blocks: list[int],
    also: list[int],
    exclude: str,
    identifiers: set[str],
    blocking: Blocking,
) -> None:
    context = every_authority(hub_app)
    asked = block_digests(context.services.hub_keys, blocks)
    session = Session(context.engine)
    names = store(session, context, holders)
    listed = [i for n, i in enumerate(sorted(names)) if n in also]

    def similar(index: CandidateIndex) -> list[Encoded]:
        return index.similar(asked, listed, exclude_authority=exclude, identifiers=identifiers)

    from_sql = similar(SqlCandidateIndex(session, blocking))
    session.close()  # never committed: rolled back
    memory = memory_index(context.services.hub_keys, holders, names, blocking)
    assert from_sql == similar(memory)
    assert all(e.held <= ID_KEYS & identifiers for e in from_sql)


ENCODED = (1, 2)  # filter seeds: any
# Block 1 is crowded (four children, the querying authority's own among them), block 5 small
# (two); blocks 2 and 3 are held only by "three-blocks", which shares three blocks.
CROWD: tuple[Holder, ...] = (
    (AUTHORITIES[1], "crowd-only", (), (*ENCODED, (1,))),
    (AUTHORITIES[2], "three-blocks", (), (*ENCODED, (1, 2, 3))),
    (QUERYING, "own-child", (), (*ENCODED, (1, 5))),
    (AUTHORITIES[3], "small-block", (), (*ENCODED, (5,))),
    (AUTHORITIES[3], "first-stage", (("nhs", 1, 1),), (*ENCODED, (1,))),
)
CROWD_CASES = {
    "no-bound-by-default": (BLOCKING, {"crowd-only", "three-blocks", "small-block"}),
    "every-block-small-enough": (Blocking(3, 4), {"crowd-only", "three-blocks", "small-block"}),
    "own-child-counts-in-the-size": (Blocking(3, 3), {"three-blocks", "small-block"}),
    "three-shared-blocks-are-enough": (Blocking(3, 0), {"three-blocks"}),
    "fewer-shared-than-asked": (Blocking(4, 0), set()),
}


@pytest.mark.parametrize("case", list(CROWD_CASES))
def test_a_crowded_block_alone_does_not_make_a_candidate(hub_app: FastAPI, case: str) -> None:
    """The querying authority's own child counts in a block's size (a property of the block),
    though never a candidate; a first-stage candidate is compared whatever its blocks."""
    blocking, expected = CROWD_CASES[case]
    context = every_authority(hub_app)
    hub_keys = context.services.hub_keys
    asked = block_digests(hub_keys, [1, 2, 3, 5])
    session = Session(context.engine)
    names = store(session, context, CROWD)
    first = [i for i, name in names.items() if name == "first-stage"]

    def similar(index: CandidateIndex) -> set[str]:
        found = index.similar(asked, first, exclude_authority=QUERYING)
        return {names[e.child_id] for e in found}

    from_sql = similar(SqlCandidateIndex(session, blocking))
    session.close()  # never committed: rolled back
    assert from_sql == similar(memory_index(hub_keys, CROWD, names, blocking))
    assert from_sql == expected | {"first-stage"}
