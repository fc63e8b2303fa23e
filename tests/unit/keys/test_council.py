"""A council's own key: only it opens its sealed child ids; record references are stable."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys import CouncilKey, SealedIdError

OURS = CouncilKey(bytes(range(32)), "E09000001")
THEIRS = CouncilKey(bytes(range(1, 33)), "E09000002")
child_ids = st.text(min_size=1, max_size=40)


@given(child_ids)
def test_a_sealed_id_opens_with_the_key_that_sealed_it(child_id: str) -> None:
    sealed = OURS.seal(child_id)
    assert OURS.open(sealed) == child_id


@given(child_ids)
def test_another_council_cannot_open_it(child_id: str) -> None:
    with pytest.raises(SealedIdError):
        THEIRS.open(OURS.seal(child_id))


def test_the_same_secret_under_another_authority_cannot_open_it() -> None:
    impostor = CouncilKey(bytes(range(32)), "E09000002")
    with pytest.raises(SealedIdError):
        impostor.open(OURS.seal("C1"))


@pytest.mark.parametrize("position", [3, 20, -1])
def test_an_altered_sealed_id_is_refused(position: int) -> None:
    sealed = list(OURS.seal("C1", nonce=bytes(12)))
    sealed[position] = "0" if sealed[position] != "0" else "1"
    with pytest.raises(SealedIdError):
        OURS.open("".join(sealed))


@pytest.mark.parametrize("text", ["C1", "s1.not-hex", "s1."])
def test_what_is_not_a_sealed_id_is_refused(text: str) -> None:
    with pytest.raises(SealedIdError):
        OURS.open(text)


def test_record_refs_are_stable_and_separate_kinds_and_councils() -> None:
    ref = OURS.record_ref("child", "C1")
    assert ref == CouncilKey(bytes(range(32)), "E09000001").record_ref("child", "C1")
    assert len(ref) == 32 and ref == ref.lower()
    assert ref not in {OURS.record_ref("episode", "C1"), THEIRS.record_ref("child", "C1")}


def test_a_short_council_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter than 32 bytes"):
        CouncilKey(bytes(31), "E09000001")
