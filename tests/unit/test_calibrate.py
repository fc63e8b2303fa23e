"""bench.linkage.calibrate: the review band spends at most its budget of review flags."""

import math

from bench.linkage.calibrate import Observed, review_band, tally
from hub.linking.decide import Decision
from hub.linking.similarity import Rule

MIDDLING, LIKELY = (5, 5, 0), (9, 9, 0)  # two evidence cells: weights 6 and 8 below
TABLE = Rule({MIDDLING: 6.0, LIKELY: 8.0}, link=math.inf, review=math.inf, margin=2.0, floor=-5.0)


def query(cell: tuple[int, int, int], *, true: bool) -> Observed:
    """A report with one candidate (child 1) in ``cell``, its true partner or not."""
    return Observed(
        Decision(None), [(1, cell, False, 0.5, 0.5, False)], frozenset({1} if true else ())
    )


def training_set() -> list[Observed]:
    """1,000 non-matching reports, 10 of them with a middling candidate; 20 true pairs, half
    middling and half likely."""
    alone = [Observed(Decision(None), [], frozenset()) for _ in range(990)]
    false = [query(MIDDLING, true=False) for _ in range(10)]
    true = [query(MIDDLING, true=True) for _ in range(10)]
    true += [query(LIKELY, true=True) for _ in range(10)]
    return alone + false + true


def test_the_review_band_stays_within_its_budget_of_flags_per_thousand() -> None:
    sets = [training_set()]
    tight = review_band(TABLE, sets, per_1000=5.0)  # reviewing the middling ones costs 10 flags
    assert 6.0 < tight.review_prior + tight.review_odds <= 8.0
    assert tally(sets[0], tight).reviewed_non_matching == 0
    assert tally(sets[0], tight).found_with_review == 10


def test_a_larger_budget_buys_the_middling_pairs() -> None:
    sets = [training_set()]
    loose = review_band(TABLE, sets, per_1000=10.0)
    assert tally(sets[0], loose).reviewed_non_matching == 10
    assert tally(sets[0], loose).found_with_review == 20
