"""The pure link decision: link only on unique, strong, uncontradicted evidence; else review."""

from hypothesis import given
from hypothesis import strategies as st

from hub.linking.decide import Candidate, Decision, decide
from policies import Identification

LINKED, POSSIBLE = Identification.LINKED, Identification.POSSIBLE

ALL_NAME = frozenset({"name_dob", "phon_dob_sex", "fore_dob_district", "name_yob_district"})
COMMON_NAME = frozenset(
    {"name_dob_common", "phon_dob_sex", "fore_dob_district", "name_yob_district_common"}
)
COMMON_NO_LOCATION = frozenset({"name_dob_common", "phon_dob_sex"})
EVERYTHING = ALL_NAME | {"nhs", "upn", "surname_dob_sex", "name_partial_dob"}


def child(
    child_id: int,
    agreeing: set[str],
    held: frozenset[str] = EVERYTHING,
) -> Candidate:
    return Candidate(child_id, frozenset(agreeing), held)


def test_no_candidate_is_no_link() -> None:
    assert decide([], EVERYTHING) == Decision(None)


def test_a_unique_nhs_number_links() -> None:
    no_upn = EVERYTHING - {"upn"}
    assert decide([child(7, {"nhs"} | ALL_NAME, held=no_upn)], EVERYTHING) == Decision(LINKED, 7)
    assert decide([child(7, {"nhs"}, held=frozenset({"nhs"}))], EVERYTHING) == Decision(LINKED, 7)


def test_a_unique_upn_links_when_the_query_has_no_nhs_number() -> None:
    query = EVERYTHING - {"nhs"}
    assert decide([child(3, {"upn", "name_dob"})], query) == Decision(LINKED, 3)


def test_an_identifier_shared_by_two_children_goes_to_review() -> None:
    decision = decide([child(1, {"nhs"}), child(2, {"nhs"})], EVERYTHING)
    assert decision == Decision(POSSIBLE, review=(1, 2))


def test_identifiers_pointing_at_two_children_go_to_review() -> None:
    decision = decide([child(1, {"nhs"}), child(2, {"upn"})], EVERYTHING)
    assert decision == Decision(POSSIBLE, review=(1, 2))


def test_conflicting_identifiers_never_link() -> None:
    # NHS numbers agree but both sides hold a UPN and the UPNs differ.
    assert decide([child(1, {"nhs"} | ALL_NAME)], EVERYTHING).outcome is POSSIBLE
    # Everything agrees but the NHS numbers, which both sides hold and which differ.
    assert decide([child(1, ALL_NAME | {"upn"})], EVERYTHING).outcome is POSSIBLE
    assert decide([child(1, set(ALL_NAME))], EVERYTHING).outcome is POSSIBLE


def test_name_date_of_birth_and_district_through_two_keys_link() -> None:
    query = EVERYTHING - {"nhs", "upn"}
    assert decide([child(4, {"name_dob", "fore_dob_district"})], query) == Decision(LINKED, 4)
    assert decide([child(4, {"name_yob_district", "phon_dob_sex"})], query) == Decision(LINKED, 4)
    assert decide([child(4, set(ALL_NAME))], query) == Decision(LINKED, 4)
    common = {"name_dob_common", "name_yob_district_common"}
    assert decide([child(4, common)], query) == Decision(LINKED, 4)


def test_a_rare_name_and_date_of_birth_link_alone() -> None:
    query = EVERYTHING - {"nhs", "upn"}
    assert decide([child(4, {"name_dob"})], query) == Decision(LINKED, 4)


def test_a_common_name_and_date_of_birth_without_location_go_to_review() -> None:
    # Mohammed Khan or Olivia Smith born the same day: sex agreeing too is not enough.
    query = EVERYTHING - {"nhs", "upn"}
    assert decide([child(4, set(COMMON_NO_LOCATION))], query) == Decision(POSSIBLE, review=(4,))
    assert decide([child(4, {"fore_dob_district"})], query) == Decision(POSSIBLE, review=(4,))
    assert decide([child(4, {"name_yob_district"})], query) == Decision(POSSIBLE, review=(4,))


def test_a_differing_opaque_identifier_does_not_contradict_a_full_name_match() -> None:
    query = frozenset({"opaque_id", *ALL_NAME})
    held = query
    assert decide([child(1, set(ALL_NAME), held=held)], query) == Decision(LINKED, 1)
    assert decide([child(1, {"name_yob_district", "phon_dob_sex"}, held=held)], query).outcome is (
        POSSIBLE
    )
    # An NHS number that differs always contradicts.
    nhs_query = frozenset({"nhs", *ALL_NAME})
    assert decide([child(1, set(ALL_NAME), held=nhs_query)], nhs_query).outcome is POSSIBLE


def test_twins_or_namesakes_both_looking_like_the_query_go_to_review() -> None:
    query = EVERYTHING - {"nhs", "upn"}
    decision = decide([child(1, set(ALL_NAME)), child(2, {"name_dob"})], query)
    assert decision == Decision(POSSIBLE, review=(1, 2))
    decision = decide([child(1, set(COMMON_NAME)), child(2, set(COMMON_NO_LOCATION))], query)
    assert decision == Decision(POSSIBLE, review=(1, 2))


def test_a_rival_whom_an_identifier_rules_out_does_not_block() -> None:
    query = EVERYTHING - {"upn"}
    ruled_out = child(2, {"name_dob"}, held=frozenset({"nhs", "name_dob"}))
    winner = child(1, ALL_NAME, held=ALL_NAME)
    assert decide([winner, ruled_out], query) == Decision(LINKED, 1)


def test_a_sibling_sharing_only_a_phonetic_key_does_not_block() -> None:
    query = EVERYTHING - {"nhs", "upn"}
    decision = decide([child(1, set(ALL_NAME)), child(2, {"phon_dob_sex"})], query)
    assert decision == Decision(LINKED, 1)


def test_one_phonetic_coincidence_is_only_a_review() -> None:
    assert decide([child(1, {"phon_dob_sex"})], EVERYTHING) == Decision(POSSIBLE, review=(1,))


WEAK = frozenset({"surname_dob_sex", "name_partial_dob"})


def test_review_only_keys_never_link_and_never_make_a_link() -> None:
    query = EVERYTHING - {"nhs", "upn"}
    for key in WEAK:
        assert decide([child(1, {key})], query) == Decision(POSSIBLE, review=(1,))
    # a location key plus review-only keys is not two name keys
    assert decide([child(1, {"name_yob_district", *WEAK})], query).outcome is POSSIBLE
    assert decide([child(1, {"name_dob_common", *WEAK})], query).outcome is POSSIBLE


def test_a_twin_sharing_only_review_only_keys_does_not_block() -> None:
    query = EVERYTHING - {"nhs", "upn"}
    twin = child(2, {"surname_dob_sex", "phon_dob_sex"})
    assert decide([child(1, set(ALL_NAME)), twin], query) == Decision(LINKED, 1)
    alone = decide([twin], query)
    assert alone == Decision(POSSIBLE, review=(2,))


@given(
    st.lists(st.sets(st.sampled_from(sorted(EVERYTHING)), min_size=1), min_size=1, max_size=5),
    st.randoms(),
)
def test_the_decision_does_not_depend_on_candidate_order(
    agreeing: list[set[str]], rnd: object
) -> None:
    candidates = [child(i, a) for i, a in enumerate(agreeing)]
    shuffled = list(candidates)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert decide(candidates, EVERYTHING) == decide(shuffled, EVERYTHING)


@given(st.lists(st.sets(st.sampled_from(sorted(EVERYTHING)), min_size=1), min_size=2, max_size=5))
def test_a_key_type_agreeing_for_two_children_never_links_either_by_it(
    agreeing: list[set[str]],
) -> None:
    shared = set.intersection(*agreeing)
    decision = decide([child(i, a) for i, a in enumerate(agreeing)], EVERYTHING)
    if decision.outcome is LINKED and shared:
        winner = agreeing[decision.child_id or 0]
        assert winner - shared, "linked on evidence another candidate also has"
