"""The hub keyring: never empty, versions 1..n, digests chain through every version (so a stored
digest moves forward without its token), and a credential issued under an older version still
verifies after a rotation."""

import pytest

from keys import HubKey, HubKeyring, Token

OLD, NEW = bytes(range(32)), bytes(range(1, 33))
TOKEN = Token("nhs", 1, "ab" * 32)


def test_an_empty_keyring_is_a_constructor_error() -> None:
    with pytest.raises(ValueError, match="at least one version"):
        HubKeyring({})


@pytest.mark.parametrize("version", [0, -1])
def test_versions_below_one_are_refused(version: int) -> None:
    with pytest.raises(ValueError, match="start at 1"):
        HubKeyring({version: OLD, 2: NEW})


def test_the_newest_version_rekeys_by_chaining_through_every_version() -> None:
    keyring = HubKeyring({2: NEW, 1: OLD})
    assert keyring.version == 2 and keyring.versions == [1, 2]
    under_one = HubKey(OLD).rekey(TOKEN)
    assert keyring.rekey(TOKEN) == HubKey(NEW).chain(under_one) != under_one
    assert keyring.rekey(TOKEN, 1) == under_one == HubKeyring({1: OLD}).rekey(TOKEN)
    assert keyring.forward(under_one, 1, 2) == keyring.rekey(TOKEN)
    with pytest.raises(ValueError, match="forward only"):
        keyring.forward(keyring.rekey(TOKEN), 2, 1)
    assert keyring.credential_digest("hw1.E1.s") == HubKey(NEW).credential_digest("hw1.E1.s")


def test_a_keyring_at_an_older_version_stores_under_it() -> None:
    keyring = HubKeyring({1: OLD, 2: NEW}).at(1)
    assert (keyring.version, keyring.newest) == (1, 2)
    assert keyring.rekey(TOKEN) == HubKey(OLD).rekey(TOKEN)


def test_a_gap_in_the_versions_is_refused() -> None:
    with pytest.raises(ValueError, match="none missing"):
        HubKeyring({1: OLD, 3: NEW})


def test_a_credential_issued_under_an_old_version_still_verifies() -> None:
    credential = "hw1.E08000025." + HubKeyring.new_credential_secret()
    digest = HubKeyring({1: OLD}).credential_digest(credential)
    rotated = HubKeyring({1: OLD, 2: NEW})
    assert rotated.verifies(credential, digest)
    assert not rotated.verifies(credential + "x", digest)
    assert not HubKeyring({1: NEW}).verifies(credential, digest)  # another hub's key


@pytest.mark.parametrize("storing", [1, 2])
def test_rekeying_many_tokens_at_once_gives_each_ones_digest(storing: int) -> None:
    keyring = HubKeyring({1: OLD, 2: NEW}).at(storing)
    tokens = [TOKEN, Token("dob_name", 3, "cd" * 16), Token("nhs", 2, "ab" * 32)]
    many = keyring.rekey_many((t.key_type, t.epoch, t.value) for t in tokens)
    assert many == [keyring.rekey(t) for t in tokens]
    assert len(set(many)) == 3
