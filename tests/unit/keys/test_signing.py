"""Signing keys: the hub's keyring (newest signs, every version published, empty refused) and
client key pairs (private 0600, written atomically, never over an existing file)."""

import json
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keys import (
    KeyFileError,
    SigningKeyring,
    read_client_key,
    read_public_jwk,
    read_signing_keys,
    write_client_key,
    write_signing_keys,
)
from keys.signing import change_signing_keys, version_of


def test_the_newest_version_signs_and_every_version_is_published() -> None:
    keyring = SigningKeyring.generate().rotated("ES256")
    kids = [k["kid"] for k in keyring.public_jwks()["keys"]]
    assert [kid.split("-")[1] for kid in kids] == ["v1", "v2"]
    assert keyring.newest["alg"] == "ES256" and keyring.algorithms == ["ES256", "Ed25519"]
    assert all("d" not in k for k in keyring.public_jwks()["keys"])


def test_an_empty_or_public_keyring_is_refused() -> None:
    with pytest.raises(ValueError):
        SigningKeyring(())
    public = SigningKeyring.generate().public_jwks()["keys"][0]
    with pytest.raises(ValueError):
        SigningKeyring((public,))


def test_the_signing_keyring_round_trips_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "hub-signing.json"
    keyring = SigningKeyring.generate()
    write_signing_keys(path, keyring)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_signing_keys(path) == keyring


@pytest.mark.parametrize("alg", ["Ed25519", "ES256"])
def test_a_client_key_pair_is_private_0600_and_never_overwritten(tmp_path: Path, alg: str) -> None:
    files = write_client_key(tmp_path, alg)
    assert stat.S_IMODE(files.private.stat().st_mode) == 0o600
    private, public = read_client_key(files.private), read_public_jwk(files.public)
    assert private["kid"] == public["kid"] and "d" in private and "d" not in public
    before = files.private.read_bytes()
    with pytest.raises(KeyFileError, match="refusing to overwrite"):
        write_client_key(tmp_path, alg)
    assert files.private.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.jwk", "client.key"]


def test_a_private_key_is_not_accepted_as_a_public_jwk(tmp_path: Path) -> None:
    files = write_client_key(tmp_path)
    with pytest.raises(KeyFileError, match="PRIVATE"):
        read_public_jwk(files.private)
    (tmp_path / "rsa.jwk").write_text(json.dumps({"kty": "RSA", "alg": "RS256"}))
    with pytest.raises(KeyFileError):
        read_public_jwk(tmp_path / "rsa.jwk")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["rotate", "retire oldest"]), max_size=12))
def test_rotations_and_retirements_never_reuse_a_version_nor_drop_the_signer(
    steps: list[str],
) -> None:
    keyring, ever = SigningKeyring.generate(), set()
    for step in steps:
        ever |= set(keyring.kids)
        signer = keyring.newest["kid"]
        if step == "rotate":
            keyring = keyring.rotated()
            assert keyring.newest["kid"] not in ever and signer in keyring.kids
        elif len(keyring.kids) > 1:
            keyring = keyring.retired(keyring.kids[0])
            assert keyring.newest["kid"] == signer
    numbers = [version_of(v) for v in keyring.versions]
    assert numbers == sorted(set(numbers)) and numbers[-1] == 1 + steps.count("rotate")


def test_the_signing_key_cannot_be_retired_nor_an_unknown_one() -> None:
    keyring = SigningKeyring.generate().rotated()
    with pytest.raises(ValueError, match="newest"):
        keyring.retired(keyring.newest["kid"])
    with pytest.raises(ValueError, match="no signing key"):
        keyring.retired("hub-v9-nothere")
    assert keyring.retired(keyring.kids[0]).kids == [keyring.newest["kid"]]


def test_a_rotation_keeps_every_older_key_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "hub-signing.json"
    first = SigningKeyring.generate()
    write_signing_keys(path, first)
    change_signing_keys(path, lambda k: k.rotated())
    again = read_signing_keys(path)
    assert again.versions[0] == first.versions[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(KeyFileError, match="newest"):
        change_signing_keys(path, lambda k: k.retired(k.newest["kid"]))
    assert read_signing_keys(path) == again  # a refused change writes nothing
