"""The candidate-index contract: ``SqlCandidateIndex`` (filled through the real ingest path) and
``MemoryCandidateIndex`` give the same candidates for the same children and query, so accuracy
measured in memory (``homeward linkage evaluate``) is the hub's accuracy."""

from collections.abc import Iterator, Sequence
from datetime import date

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from hub import operator, wire
from hub.context import HubContext
from hub.linking.candidates import Digests, MemoryCandidateIndex, SqlCandidateIndex
from hub.linking.decide import Candidate
from hub.records.children import upsert_children
from hub.records.service import apply_episodes, plan_episodes
from keys import HubKeyring, Token
from tests.functional.conftest import Clock, register_authority

QUERYING, A, B, C = "E06000023", "E08000025", "E08000003", "E09000007"
AUTHORITIES = (QUERYING, A, B, C)

Key = tuple[str, int, int]  # key type, token number, shared-key epoch
Holder = tuple[str, str, tuple[Key, ...]]  # authority, name, keys

POPULATION: tuple[Holder, ...] = (
    (A, "a-known", (("nhs", 1, 1), ("name_dob", 2, 1))),
    (B, "b-namesake", (("name_dob", 2, 1), ("surname_dob_sex", 3, 1))),
    (
        C,
        "c-more-keys",
        (("nhs", 4, 1), ("name_dob", 2, 1), ("upn", 5, 1), ("fore_dob_district", 6, 1)),
    ),
    (C, "c-older-epoch", (("nhs", 1, 2),)),
    (A, "a-unrelated", (("name_dob", 7, 1),)),
    (B, "b-moved", (("phon_dob_sex", 8, 1),)),  # first uploaded holding nhs 1, then replaced
    (QUERYING, "own-child", (("nhs", 1, 1), ("name_dob", 2, 1), ("nhs", 11, 1))),
)
BEFORE_REPLACEMENT: Holder = (B, "b-moved", (("nhs", 1, 1),))
EPISODE_KEYS: tuple[Key, ...] = (("nhs", 1, 1), ("name_dob", 2, 1))  # an episode, not a child

Found = list[tuple[str, set[str], set[str]]]  # name, agreeing key types, held key types
CASES: dict[str, tuple[tuple[Key, ...], str, Found]] = {
    "shared-digests": (
        (("nhs", 1, 1), ("name_dob", 2, 1), ("surname_dob_sex", 3, 1), ("upn", 5, 1)),
        QUERYING,
        [
            ("a-known", {"nhs", "name_dob"}, {"nhs", "name_dob"}),
            ("b-namesake", {"name_dob", "surname_dob_sex"}, {"name_dob", "surname_dob_sex"}),
            ("c-more-keys", {"name_dob", "upn"}, {"nhs", "name_dob", "upn", "fore_dob_district"}),
        ],
    ),
    "duplicates-in-query": (
        (("name_dob", 2, 1), ("nhs", 1, 1), ("name_dob", 2, 1), ("nhs", 1, 1)),
        QUERYING,
        [
            ("a-known", {"nhs", "name_dob"}, {"nhs", "name_dob"}),
            ("b-namesake", {"name_dob"}, {"name_dob", "surname_dob_sex"}),
            ("c-more-keys", {"name_dob"}, {"nhs", "name_dob", "upn", "fore_dob_district"}),
        ],
    ),
    "another-authority-asks": (
        (("nhs", 1, 1), ("name_dob", 2, 1)),
        A,
        [
            ("b-namesake", {"name_dob"}, {"name_dob", "surname_dob_sex"}),
            ("c-more-keys", {"name_dob"}, {"nhs", "name_dob", "upn", "fore_dob_district"}),
            ("own-child", {"nhs", "name_dob"}, {"nhs", "name_dob"}),
        ],
    ),
    "older-epoch": ((("nhs", 1, 2),), QUERYING, [("c-older-epoch", {"nhs"}, {"nhs"})]),
    "replaced-tokens": (
        (("phon_dob_sex", 8, 1),),
        QUERYING,
        [("b-moved", {"phon_dob_sex"}, {"phon_dob_sex"})],
    ),
    "only-the-querying-authority-holds-it": ((("nhs", 11, 1),), QUERYING, []),
    "nobody-holds-it": ((("nhs", 99, 1), ("upn", 98, 1)), QUERYING, []),
    "empty-query": ((), QUERYING, []),
}


def match_key(key: Key) -> wire.MatchKey:
    key_type, number, epoch = key
    return wire.MatchKey(type=key_type, epoch=epoch, token=f"{number:064x}")


def digests(hub_keys: HubKeyring, keys: Sequence[Key]) -> Digests:
    """What the hub stores for these keys (and what an episode's query holds)."""
    return [(k.type, hub_keys.rekey(Token(k.type, k.epoch, k.token))) for k in map(match_key, keys)]


def child_record(name: str, keys: Sequence[Key]) -> wire.ChildRecord:
    return wire.ChildRecord(
        ref=f"ref-{name}", sealed_id="s1.00", match_keys=[match_key(k) for k in keys]
    )


def ingest(session: Session, context: HubContext, holders: Sequence[Holder]) -> dict[int, str]:
    """Upload through the real ingest path; returns the stored child ids by name."""
    names: dict[int, str] = {}
    for authority, name, keys in holders:
        [stored] = upsert_children(
            session,
            authority,
            [child_record(name, keys)],
            context.services.hub_keys,
            context.clock(),
        )
        names[stored.id] = name
    return names


def memory_index(
    hub_keys: HubKeyring, holders: Sequence[Holder], ids: dict[str, int]
) -> MemoryCandidateIndex:
    index = MemoryCandidateIndex()
    for authority, name, keys in holders:
        index.add(ids[name], authority, digests(hub_keys, keys))
    return index


def named(candidates: list[Candidate], names: dict[int, str]) -> Found:
    assert [c.child_id for c in candidates] == sorted(c.child_id for c in candidates)
    return sorted((names[c.child_id], set(c.agreeing), set(c.held)) for c in candidates)


@pytest.fixture
def population(hub_app: FastAPI, clock: Clock) -> Iterator[tuple[HubContext, dict[int, str]]]:
    """Every authority registered, the population stored in committed transactions (one child
    stored first with other tokens, then replaced), and an episode sharing digests."""
    context: HubContext = hub_app.state.hub
    for code in AUTHORITIES:
        register_authority(hub_app, code)
    with context.transaction() as session:
        ingest(session, context, [BEFORE_REPLACEMENT])
    with context.transaction() as session:
        names = ingest(session, context, POPULATION)
        episode = wire.EpisodeRecord(
            ref="ref-episode",
            kind="M",
            start=date(2026, 11, 24),
            match_keys=[match_key(k) for k in EPISODE_KEYS],
        )
        hub_keys = context.services.hub_keys
        plan = plan_episodes(session, A, [episode], hub_keys)
        apply_episodes(session, A, plan, hub_keys.version, context.clock())
    yield context, names


@pytest.mark.parametrize("case", list(CASES))
def test_sql_and_memory_indexes_find_the_same_candidates(
    population: tuple[HubContext, dict[int, str]], case: str
) -> None:
    context, names = population
    query, exclude, expected = CASES[case]
    hub_keys = context.services.hub_keys
    memory = memory_index(hub_keys, POPULATION, {name: i for i, name in names.items()})
    asked = digests(hub_keys, query)
    with context.transaction() as session:
        from_sql = SqlCandidateIndex(session).candidates(asked, exclude_authority=exclude)
    from_memory = memory.candidates(asked, exclude_authority=exclude)
    assert from_sql == from_memory
    assert named(from_sql, names) == sorted(expected)


KEY_TYPES = ("nhs", "name_dob", "upn", "phon_dob_sex")
keys_st = st.tuples(st.sampled_from(KEY_TYPES), st.integers(0, 3), st.integers(1, 2))
holders_st = st.lists(
    st.tuples(st.sampled_from(AUTHORITIES), st.lists(keys_st, max_size=4).map(tuple)),
    max_size=6,
).map(lambda drawn: [(a, f"child-{i}", keys) for i, (a, keys) in enumerate(drawn)])


# Each example rolls its own transaction back, so the app fixture is shared safely.
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def every_authority(hub_app: FastAPI) -> HubContext:
    """The hub with every authority registered (one hub for every example: add refuses
    twice)."""
    context: HubContext = hub_app.state.hub
    registered = {a.code for a in operator.list_authorities(context)}
    for code in set(AUTHORITIES) - registered:
        register_authority(hub_app, code)
    return context


@EXAMPLES
@given(
    holders=holders_st,
    query=st.lists(keys_st, max_size=5),
    exclude=st.sampled_from(AUTHORITIES),
)
def test_any_small_population_gives_the_same_candidates_from_both_indexes(
    hub_app: FastAPI, holders: list[Holder], query: list[Key], exclude: str
) -> None:
    context = every_authority(hub_app)
    hub_keys = context.services.hub_keys
    asked = digests(hub_keys, query)
    with Session(context.engine) as session:  # never committed: rolled back on close
        names = ingest(session, context, holders)
        from_sql = SqlCandidateIndex(session).candidates(asked, exclude_authority=exclude)
    memory = memory_index(hub_keys, holders, {name: i for i, name in names.items()})
    assert from_sql == memory.candidates(asked, exclude_authority=exclude)
