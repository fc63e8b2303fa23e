"""One typo recipe for councils and police officers (homeward.synthetic.variation.typo): the
same seed gives the same slip as before they shared it, and the cuts decide the kind."""

import random

import pytest

from homeward.synthetic.police import OFFICER_TYPOS
from homeward.synthetic.variation import COUNCIL_TYPOS, TypoCuts, typo

# Seeds 0-7, from each generator's own typo function before the two were made one.
OFFICERS = ["Okafnor", "Okfor", "Olafor", "Okfor", "Okmfor", "Okafol", "Okafopr", "Okamfor"]
COUNCILS = ["Okafnor", "Okcafor", "Olafor", "Okeafor", "Okfor", "Okafol", "Okafor", "Okaofr"]


@pytest.mark.parametrize(
    ("cuts", "expected"), [(OFFICER_TYPOS, OFFICERS), (COUNCIL_TYPOS, COUNCILS)]
)
def test_seed_for_seed_the_same_slips_as_before(cuts: TypoCuts, expected: list[str]) -> None:
    assert [typo(random.Random(seed), "Okafor", cuts) for seed in range(8)] == expected


@pytest.mark.parametrize(
    ("cuts", "length"), [((1, 1, 1), 6), ((0, 1, 1), 5), ((0, 0, 1), 7), ((0, 0, 0), 6)]
)
def test_the_cuts_pick_replaced_dropped_added_or_transposed(cuts: TypoCuts, length: int) -> None:
    for seed in range(50):
        slipped = typo(random.Random(seed), "Okafor", cuts)
        assert len(slipped) == length and slipped[0] == "O"
        if cuts == (0, 0, 0):
            assert sorted(slipped) == sorted("Okafor")


def test_officers_never_transpose() -> None:
    slips = {typo(random.Random(seed), "Okafor", OFFICER_TYPOS) for seed in range(500)}
    transposed = {s for s in slips if len(s) == 6 and sorted(s) == sorted("Okafor")}
    assert transposed <= {"Okafor"}
