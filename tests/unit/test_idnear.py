"""Identifier neighbourhood tokens: one typo is near, another identifier is not (§8.5)."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.idnear import MAX_NEAR, NearTokens, near, near_strings
from hub.linking.decide import Candidate, Decision, decide
from hub.linking.similarity import Encoded, Rule, score, second_stage
from keys import SharedKeyring
from policies import Identification
from tests.conftest import load_vectors

VECTORS = load_vectors("idnear_v1")
CASES = VECTORS["cases"]
DERIVER = SharedKeyring({VECTORS["epoch"]: bytes.fromhex(VECTORS["secret"])}).deriver()
DIGITS = st.text("0123456789", min_size=5, max_size=12)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vectors_bit_for_bit(case: dict[str, Any]) -> None:
    identifiers = [tuple(pair) for pair in case["identifiers"]]
    assert [s for kind, value in identifiers for s in near_strings(kind, value)] == case[
        "near_strings"
    ]
    assert NearTokens(DERIVER)(identifiers) == tuple(case["tokens"])


def test_vector_neighbours_share_a_token_and_others_do_not() -> None:
    tokens = {c["name"]: set(c["tokens"]) for c in CASES}
    assert len(tokens["seven digits"] & tokens["one substitution away"]) == 1
    assert tokens["seven digits"] & tokens["one swap away"]
    assert not tokens["seven digits"] & tokens["two identifiers"]


def test_one_typo_is_near_and_another_identifier_is_not() -> None:
    assert near("6503115", "6503215")  # a substitution
    assert near("6503115", "6530115")  # neighbouring digits swapped
    assert not near("6503115", "6503115")  # the same identifier agrees, it is not near
    assert not near("6503115", "6513215")  # two substitutions
    assert not near("6503115", "5031156")  # shifted by one: differs everywhere
    assert not near("6503115", "650311")  # another length


def test_a_kind_never_meets_another_kind() -> None:
    assert not set(near_strings("nhs", "12345")) & set(near_strings("upn", "12345"))


def test_tokens_are_capped_for_the_wire() -> None:
    assert len(NearTokens(DERIVER)([("nhs", "1234567890" * 3)])) == MAX_NEAR


def _substitute(identifier: str, position: int, digit: str) -> str:
    return identifier[:position] + digit + identifier[position + 1 :]


@given(DIGITS, st.data())
def test_any_single_substitution_is_near(identifier: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(identifier) - 1))
    digit = data.draw(st.sampled_from("0123456789").filter(lambda d: d != identifier[position]))
    typo = _substitute(identifier, position, digit)
    assert near(identifier, typo)
    mine, theirs = NearTokens(DERIVER)([("nhs", identifier)]), NearTokens(DERIVER)([("nhs", typo)])
    assert set(mine) & set(theirs)


@given(DIGITS, DIGITS)
def test_identifiers_differing_in_two_positions_are_near_only_when_swapped(a: str, b: str) -> None:
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
    if len(a) != len(b) or len(differ) >= 3:
        assert not near(a, b)
    elif len(differ) == 2:
        i, j = differ
        assert near(a, b) == (j == i + 1 and a[i] == b[j] and a[j] == b[i])


@given(DIGITS, st.data())
def test_two_substitutions_are_near_only_as_a_swap(identifier: str, data: st.DataObject) -> None:
    first, second = sorted(
        data.draw(st.sets(st.integers(0, len(identifier) - 1), min_size=2, max_size=2))
    )
    typo = identifier
    for position in (first, second):
        old = typo[position]
        new = data.draw(st.sampled_from("0123456789").filter(lambda d, old=old: d != old))
        typo = _substitute(typo, position, new)
    swapped = second == first + 1 and sorted(identifier[first : second + 1]) == sorted(
        typo[first : second + 1]
    )
    assert near(identifier, typo) == swapped
    tokens = set(NearTokens(DERIVER)([("nhs", identifier)]))
    assert bool(tokens & set(NearTokens(DERIVER)([("nhs", typo)]))) == swapped


OPAQUE = frozenset({"opaque_id", "name_dob", "name_yob_district"})


def test_a_near_identifier_never_contradicts() -> None:
    # Name, year and district through two keys, but not the whole date: a differing opaque
    # identifier contradicts, one typo away it does not.
    keys = frozenset({"name_yob_district", "phon_dob_sex"})
    assert decide([Candidate(1, keys, OPAQUE)], OPAQUE).outcome is Identification.POSSIBLE
    typo = Candidate(1, keys, OPAQUE, near=True)
    assert decide([typo], OPAQUE) == Decision(Identification.LINKED, 1)


TABLE = Rule({}, link=10.0, review=5.0, margin=4.0, floor=-5.0, near_names=0.6, near_born=0.6)
QUERY = Encoded(-1, 0b1111, 0b1111)


def _second(*children: tuple[Candidate, Encoded]) -> Decision:
    found = [c for c, _ in children]
    scored = score(QUERY, [e for _, e in children], found, frozenset(), TABLE)
    return second_stage(decide(found, OPAQUE), scored, TABLE)


def test_a_near_identifier_links_when_names_or_date_agree_well_above_chance() -> None:
    names_agree = Encoded(1, 0b1111, 0b1111 << 8)
    born_agrees = Encoded(1, 0b1111 << 8, 0b1110)
    nothing_agrees = Encoded(1, 0b1111 << 8, 0b1111 << 8)
    near_only = Candidate(1, frozenset(), OPAQUE, near=True)
    assert _second((near_only, names_agree)) == Decision(Identification.LINKED, 1)
    assert _second((near_only, born_agrees)) == Decision(Identification.LINKED, 1)
    assert _second((near_only, nothing_agrees)).outcome is not Identification.LINKED
    # Not near: the same filters without the neighbourhood token do not link.
    assert _second((Candidate(1, frozenset(), OPAQUE), names_agree)).outcome is None


def test_two_near_identifiers_or_a_shared_one_do_not_link_on_nearness() -> None:
    close = Encoded(1, 0b1111, 0b1111)
    other = Encoded(2, 0b1111, 0b1111)
    near_one = Candidate(1, frozenset(), OPAQUE, near=True)
    near_two = Candidate(2, frozenset(), OPAQUE, near=True)
    assert _second((near_one, close), (near_two, other)).outcome is not Identification.LINKED
    shares = Candidate(2, frozenset({"opaque_id"}), OPAQUE, near=True)
    assert _second((near_one, close), (shares, other)).child_id != 1
