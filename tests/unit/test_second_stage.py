"""The second stage: keyed encodings at the connector, the weighed decision at the hub."""

import math

from hypothesis import given
from hypothesis import strategies as st

from connectors.matchkeys import normalise_identity
from connectors.similarity import BORN_BITS, NAMES_BITS, Encoder
from hub.linking.decide import LINK, REVIEW, Decision
from hub.linking.similarity import Encoded, Rule, Scored, dice, rule, second_stage
from keys import SharedKeyring

DERIVER = SharedKeyring.generate().deriver()


def encode(forename: str, surname: str, dob: str, sex: str = "F", postcode: str = "B12 9AA"):  # type: ignore[no-untyped-def]
    identity = normalise_identity(forename=forename, surname=surname, dob=dob, sex=sex)
    return Encoder(DERIVER)(identity, postcode)


def as_encoded(code) -> Encoded:  # type: ignore[no-untyped-def]
    return Encoded(0, int.from_bytes(code.names), int.from_bytes(code.born))


def test_filters_have_the_published_sizes_and_about_half_the_bits_set() -> None:
    code = encode("Amelia", "Okafor", "2010-04-17")
    assert (len(code.names), len(code.born)) == (NAMES_BITS // 8, BORN_BITS // 8)
    density = int.from_bytes(code.names).bit_count() / NAMES_BITS
    assert 0.15 < density < 0.6  # about 14 bigrams x 12 bits, folded: a random key varies it


def test_names_recorded_the_other_way_round_encode_the_same() -> None:
    assert (
        encode("Amelia", "Okafor", "2010-04-17").names
        == encode("Okafor", "Amelia", "2010-04-17").names
    )


def test_a_spelling_variant_is_close_and_another_child_is_far() -> None:
    same = as_encoded(encode("Mohammed", "Rahman", "2010-04-17"))
    variant = as_encoded(encode("Muhamad", "Rahman", "2010-04-17"))
    other = as_encoded(encode("Leah", "Turner", "2013-01-25"))
    assert dice(same.names, variant.names) > 0.75
    assert dice(same.names, other.names) < 0.4
    assert dice(same.born, other.born) < dice(same.born, variant.born)


def test_a_bare_postcode_district_counts_as_the_district() -> None:
    full = as_encoded(encode("Amelia", "Okafor", "2010-04-17", postcode="B12 9AA"))
    bare = as_encoded(encode("Amelia", "Okafor", "2010-04-17", postcode="B12"))
    assert full.born == bare.born


def test_another_secret_gives_unrelated_filters() -> None:
    identity = normalise_identity(forename="Amelia", surname="Okafor", dob="2010-04-17", sex="F")
    mine = Encoder(DERIVER)(identity, "B12 9AA")
    theirs = Encoder(SharedKeyring.generate().deriver())(identity, "B12 9AA")
    assert dice(int.from_bytes(mine.names), int.from_bytes(theirs.names)) < 0.7
    assert not set(mine.blocks) & set(theirs.blocks)


def test_blocks_are_shared_across_a_year_apart_but_not_two() -> None:
    a = set(encode("Amelia", "Okafor", "2010-04-17", postcode="").blocks)
    assert a & set(encode("Amelia", "Okafor", "2011-01-01", postcode="").blocks)
    assert not a & set(encode("Amelia", "Okafor", "2012-04-17", postcode="").blocks)


TABLE = Rule({}, link=10.0, review=5.0, margin=4.0, floor=-5.0)


def scored(
    child_id: int,
    weight: float,
    *,
    shares_id: bool = False,
    ruled_out: bool = False,
    strong: bool = True,
    close: bool = False,
) -> Scored:
    return Scored(child_id, weight, shares_id, ruled_out, strong, close)


def test_a_strong_clear_candidate_links() -> None:
    assert second_stage(
        Decision(None), [scored(1, 12), scored(2, 3, strong=False)], TABLE
    ) == Decision(LINK, 1)


def test_similarity_without_a_whole_key_or_close_filters_only_asks_for_review() -> None:
    found = second_stage(Decision(None), [scored(1, 30, strong=False), scored(2, 3)], TABLE)
    assert found == Decision(REVIEW, review=(1,))


def test_two_strong_candidates_are_reviewed_not_linked() -> None:
    found = second_stage(Decision(None), [scored(1, 30), scored(2, 12)], TABLE)
    assert found == Decision(REVIEW, review=(1, 2))


def test_strength_needs_a_whole_key_and_close_filters() -> None:
    from hub.linking.decide import Candidate
    from hub.linking.similarity import score

    query = as_encoded(encode("Leah", "Turner", "2013-01-25", postcode="LS6 1AA"))
    same = Encoded(1, query.names, query.born)
    moved = Encoded(3, query.names, as_encoded(encode("Leah", "Turner", "2013-01-25")).born)
    far = Encoded(2, query.names, as_encoded(encode("Leah", "Turner", "2009-07-02")).born)
    keys = frozenset({"name_dob_common"})
    found = [Candidate(1, keys, frozenset()), Candidate(3, keys, frozenset())]
    weak = Candidate(2, frozenset({"surname_dob_sex"}), frozenset())
    shipped = rule()
    scored = score(query, [same, moved, far], found, frozenset(), shipped)
    # a common name and date of birth in another district is not strong (as in the first stage)
    assert {s.child_id: s.strong for s in scored} == {1: True, 2: False, 3: False}
    without_key = score(query, [moved], [], frozenset(), shipped)
    with_weak_key = score(
        query, [Encoded(2, query.names, query.born)], [weak], frozenset(), shipped
    )
    assert not without_key[0].strong and not with_weak_key[0].strong


def test_name_year_and_district_alone_are_not_strong() -> None:
    """Two children with an estimated 1 January birthday, the same name, year and district
    (Ali Ahmadi): identical filters and a whole key, but no full date. Review, as in the first
    stage."""
    from hub.linking.decide import Candidate
    from hub.linking.similarity import score

    query = as_encoded(encode("Ali", "Ahmadi", "2011-01-01", sex="M", postcode="PM13 2US"))
    child = Encoded(1, query.names, query.born)
    for keys, strong in (
        ({"name_yob_district", "name_partial_dob"}, False),
        ({"name_yob_district_common"}, False),
        ({"name_yob_district", "phon_dob_sex"}, True),
    ):
        found = [Candidate(1, frozenset(keys), frozenset())]
        assert score(query, [child], found, frozenset(), rule())[0].strong is strong


CLOSE = Rule(
    {}, link=10.0, review=5.0, margin=4.0, floor=-5.0, similar_names=0.85, similar_born=0.65,
    similar_margin=8.0,
)  # fmt: skip


def test_close_filters_link_without_a_whole_key_when_no_one_else_comes_near() -> None:
    lone = [scored(1, 9, strong=False, close=True), scored(2, 1, strong=False)]
    assert second_stage(Decision(None), lone, CLOSE) == Decision(LINK, 1)
    assert second_stage(Decision(None), lone[:1], CLOSE) == Decision(LINK, 1)
    rival = [scored(1, 9, strong=False, close=True), scored(2, 1.5, strong=False)]
    assert second_stage(Decision(None), rival, CLOSE) == Decision(REVIEW, review=(1,))
    ruled_out = [scored(1, 9, strong=False, close=True, ruled_out=True)]
    assert second_stage(Decision(None), ruled_out, CLOSE) == Decision(REVIEW, review=(1,))


def test_only_the_best_uncontradicted_candidate_can_link_on_closeness() -> None:
    behind = [scored(1, 20, strong=False), scored(2, 9, strong=False, close=True)]
    assert second_stage(Decision(None), behind, CLOSE).outcome is REVIEW
    ahead_ruled_out = [
        scored(1, 20, strong=False, ruled_out=True),
        scored(2, 9, strong=False, close=True),
    ]
    assert second_stage(Decision(None), ahead_ruled_out, CLOSE).outcome is REVIEW


def test_closeness_needs_both_filters_at_their_least_dice_and_no_whole_key() -> None:
    from dataclasses import replace

    from hub.linking.decide import Candidate
    from hub.linking.similarity import score

    query = as_encoded(encode("Leah", "Turner", "2013-01-25", postcode="LS6 1AA"))
    children = [
        Encoded(1, query.names, query.born),
        Encoded(2, query.names, as_encoded(encode("Leah", "Turner", "2009-07-02")).born),
        Encoded(3, as_encoded(encode("Lee", "Tan", "2013-01-25")).names, query.born),
    ]
    scored = score(query, children, [], frozenset(), CLOSE)
    assert {s.child_id: s.close for s in scored} == {1: True, 2: False, 3: False}
    exact = replace(CLOSE, similar_names=1.0, similar_born=1.0)
    assert score(query, children[:1], [], frozenset(), exact)[0].close
    # a whole name key was weighed by the strong rule (which needs the district): not close
    weak, whole = (
        Candidate(1, frozenset({k}), frozenset()) for k in ("surname_dob_sex", "name_dob_common")
    )
    assert score(query, children[:1], [weak], frozenset(), CLOSE)[0].close
    assert not score(query, children[:1], [whole], frozenset(), CLOSE)[0].close


def test_a_rival_within_the_margin_sends_both_to_review() -> None:
    found = second_stage(Decision(None), [scored(1, 12), scored(2, 9)], TABLE)
    assert found == Decision(REVIEW, review=(1, 2))


def test_a_contradicted_candidate_never_links() -> None:
    found = second_stage(Decision(None), [scored(1, 12, ruled_out=True)], TABLE)
    assert found == Decision(REVIEW, review=(1,))


def test_weak_evidence_is_no_review_even_if_the_first_stage_asked() -> None:
    first = Decision(REVIEW, review=(1,))
    assert second_stage(first, [scored(1, 4.9)], TABLE) == Decision(None)
    assert second_stage(first, [scored(1, 4.9, shares_id=True)], TABLE) == Decision(
        REVIEW, review=(1,)
    )


def test_a_lone_candidate_is_reviewed_at_less_evidence_than_one_among_namesakes() -> None:
    table = Rule({}, link=10.0, review=5.0, margin=4.0, floor=-5.0, review_alone=3.0)
    lone = [scored(1, 4, strong=False), scored(2, -4.5, strong=False)]
    assert second_stage(Decision(None), lone, table) == Decision(REVIEW, review=(1,))
    namesakes = [scored(1, 4, strong=False), scored(2, -3.5, strong=False)]
    assert second_stage(Decision(None), namesakes, table) == Decision(None)
    assert second_stage(Decision(None), [scored(1, 2.9, strong=False)], table) == Decision(None)


def test_a_first_stage_link_stands() -> None:
    assert second_stage(Decision(LINK, 3), [scored(1, 20)], TABLE) == Decision(LINK, 3)


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.floats(-20, 30)), max_size=8, unique_by=lambda t: t[0]
    )
)
def test_outcome_never_depends_on_candidate_order(pairs: list[tuple[int, float]]) -> None:
    found = [scored(c, w) for c, w in pairs]
    assert second_stage(Decision(None), found, TABLE) == second_stage(
        Decision(None), found[::-1], TABLE
    )


def test_the_shipped_rule_links_above_where_it_reviews() -> None:
    shipped = rule()
    assert shipped.link > shipped.review > shipped.floor
    assert shipped.margin > 0 and math.isfinite(shipped.link)
    # similarity alone links only where the district agrees: an estimated date with the same
    # year and sex and another district shares 4 of 6 born tokens (Dice 0.67)
    assert shipped.similar_born >= 0.7 and shipped.similar_names >= 0.85
    assert math.isfinite(shipped.similar_margin)


def test_monthly_figures_from_verdicts() -> None:
    from datetime import datetime

    from hub.linking.monthly import tally

    nov, dec = datetime(2026, 11, 3), datetime(2026, 12, 1)
    figures = tally(
        [(nov, "confirmed"), (nov, "false_match"), (nov, "duplicate"), (dec, "confirmed")],
        [(nov, "confirmed"), (nov, "confirmed"), (nov, "rejected")],
    )
    assert list(figures.months) == ["2026-11", "2026-12"]
    november = figures.months["2026-11"]
    assert november.link_precision == 0.5
    assert november.review_precision == 2 / 3
    assert november.link_recall == 1 / 3
    assert figures.months["2026-12"].review_precision is None


def test_a_postcode_without_letters_has_a_district_and_no_area() -> None:
    from connectors.similarity import place_tokens

    assert place_tokens("2615") == ["P2615"]
    assert place_tokens("B12") == ["PB12", "AB"]


def test_cached_encodings_equal_fresh_ones_and_blocks_follow_block_strings() -> None:
    from connectors.similarity import BLOCK_TYPE, block_strings, district

    people = [
        ("Amelia", "Okafor", "2010-04-17", "F", "B12 9AA"),
        ("Amelia", "Okafor", "2010-04-18", "F", "B12 9AA"),
        ("Okafor", "Amelia", "2011-04-17", "M", "LS6 1AA"),
        ("Amelia", "Smith", "2010-04-17", "", "B12"),
        ("Jack", "Okafor", "", "F", ""),
    ]
    warm = Encoder(DERIVER)
    block = DERIVER.token_function(BLOCK_TYPE)
    for forename, surname, dob, sex, postcode in people * 2:
        identity = normalise_identity(forename=forename, surname=surname, dob=dob, sex=sex)
        fresh = Encoder(DERIVER)(identity, postcode)
        assert warm(identity, postcode) == fresh
        expected = [block(s) for s in block_strings(identity, district(identity, postcode))]
        assert fresh.blocks == tuple(dict.fromkeys(expected))


def test_a_records_repr_never_shows_its_encoding() -> None:
    """Log lines format records with repr: the filters and blocking tokens stay out."""
    from hub import wire

    code = encode("Amelia", "Okafor", "2010-04-17")
    sim = wire.Similarity(epoch=1, names=code.names.hex(), born=code.born.hex(), blocks=code.blocks)
    shown = repr(sim)
    assert code.names.hex() not in shown and code.born.hex() not in shown
    assert not any(block in shown for block in code.blocks)


LIKELY = Rule(
    {}, link=math.inf, review=math.inf, margin=2.0, floor=-5.0, review_prior=4.0, review_odds=4.0
)


def review_of(*candidates: Scored) -> tuple[int, ...]:
    found = second_stage(Decision(None), list(candidates), LIKELY)
    return found.review if found.outcome is REVIEW else ()


def test_a_lone_candidate_is_reviewed_when_likelier_than_nobody_by_the_odds() -> None:
    assert review_of(scored(1, 8.0, strong=False)) == (1,)  # 8 - log2(2 ** 4) = 4
    assert review_of(scored(1, 7.9, strong=False)) == ()
    # a second candidate far below still takes a little of the likelihood
    assert review_of(scored(1, 8.0, strong=False), scored(2, 5.0, strong=False)) == ()
    assert review_of(scored(1, 10.0, strong=False), scored(2, 5.0, strong=False)) == (1,)


def test_twins_the_rule_cannot_tell_apart_are_reviewed_together() -> None:
    twins = (scored(1, 15.0, strong=False), scored(2, 14.0, strong=False))
    assert review_of(*twins) == (1, 2)
    # many namesakes of middling weight: none is likely enough
    namesakes = [scored(i, 9.0 - (i % 3) * 1.5, strong=False) for i in range(1, 10)]
    assert review_of(*namesakes) == ()


def test_a_shared_identifier_is_always_reviewed() -> None:
    assert review_of(scored(1, -2.0, shares_id=True, strong=False)) == (1,)
