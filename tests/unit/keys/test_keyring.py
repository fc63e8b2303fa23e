"""The ordered keyring: never empty, the newest epoch derives, every epoch still derives the
tokens it always did, and every token carries its epoch."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys import EmptyKeyringError, HubKey, SharedKeyring, Token

secrets = st.binary(min_size=32, max_size=64)
epochs = st.integers(min_value=0, max_value=10_000)
keyrings = st.dictionaries(epochs, secrets, min_size=1, max_size=5).map(SharedKeyring)
key_types = st.sampled_from(["nhs", "name_dob", "upn", "name_dob_postcode"])
texts = st.text(max_size=40)


def test_an_empty_keyring_is_a_constructor_error() -> None:
    with pytest.raises(EmptyKeyringError, match="at least one key epoch"):
        SharedKeyring({})


def test_an_empty_keyring_error_is_a_value_error() -> None:
    """Key-file readers turn ValueError into a KeyFileError naming the file."""
    assert issubclass(EmptyKeyringError, ValueError)


def test_a_short_secret_is_refused_naming_its_epoch() -> None:
    with pytest.raises(ValueError, match="epoch 2: secret shorter than 32 bytes"):
        SharedKeyring({1: bytes(32), 2: bytes(31)})


@given(keyrings)
def test_the_newest_epoch_derives_by_default(keyring: SharedKeyring) -> None:
    assert keyring.newest_epoch == max(keyring.epochs)
    assert keyring.epochs == sorted(keyring.epochs)
    assert keyring.deriver().epoch == keyring.newest_epoch


@given(keyrings, key_types, texts)
def test_every_epoch_derives_the_same_token_after_a_rotation(
    keyring: SharedKeyring, key_type: str, normalised: str
) -> None:
    before = {e: keyring.deriver(e).token(key_type, normalised) for e in keyring.epochs}
    rotated = keyring.rotated()
    assert rotated.deriver().epoch == keyring.newest_epoch + 1
    assert {e: rotated.deriver(e).token(key_type, normalised) for e in keyring.epochs} == before


@given(keyrings, key_types, texts)
def test_same_input_same_token_carrying_its_epoch(
    keyring: SharedKeyring, key_type: str, normalised: str
) -> None:
    first = keyring.deriver().token(key_type, normalised)
    again = SharedKeyring({e: keyring.secret(e) for e in keyring.epochs}).deriver()
    assert again.token(key_type, normalised) == first
    assert first.epoch == keyring.newest_epoch and first.key_type == key_type
    assert len(first.value) == 64 and first.value == first.value.lower()


@given(secrets, secrets, key_types, texts)
def test_a_different_epoch_gives_a_different_token(
    old: bytes, new: bytes, key_type: str, normalised: str
) -> None:
    keyring = SharedKeyring({1: old, 2: new})
    first, second = (keyring.deriver(e).token(key_type, normalised) for e in (1, 2))
    assert first.value != second.value or old == new
    assert (first.epoch, second.epoch) == (1, 2)


@given(keyrings, texts)
def test_key_types_are_domain_separated(keyring: SharedKeyring, normalised: str) -> None:
    deriver = keyring.deriver()
    assert deriver.token("nhs", normalised).value != deriver.token("upn", normalised).value


@given(keyrings, key_types, st.lists(texts, max_size=5))
def test_the_fast_paths_agree_with_token(
    keyring: SharedKeyring, key_type: str, normalised: list[str]
) -> None:
    deriver = keyring.deriver()
    slow = [deriver.token(key_type, n).value for n in normalised]
    assert [deriver.token_function(key_type)(n) for n in normalised] == slow
    assert [v for _, v in deriver.token_values((key_type, n) for n in normalised)] == slow


def test_rotating_backwards_is_refused() -> None:
    keyring = SharedKeyring({3: bytes(32)})
    with pytest.raises(ValueError, match="new epoch 3 must be after 3"):
        keyring.rotated(3)


@given(st.text("0123456789abcdef", min_size=1, max_size=64))
def test_the_hub_rekey_separates_epochs_and_key_types(value: str) -> None:
    hub = HubKey(bytes(range(32)))
    token = Token("nhs", 1, value)
    assert hub.rekey(token) == HubKey(bytes(range(32))).rekey(token)
    assert hub.rekey(token) != hub.rekey(Token("nhs", 2, value))
    assert hub.rekey(token) != hub.rekey(Token("upn", 1, value))
