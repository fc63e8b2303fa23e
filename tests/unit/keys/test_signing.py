"""Signing keys: the hub's keyring (newest signs, every version published, empty refused) and
client key pairs (private 0600, written atomically, never over an existing file)."""

import json
import stat
from pathlib import Path

import pytest

from keys import (
    KeyFileError,
    SigningKeyring,
    read_client_key,
    read_public_jwk,
    read_signing_keys,
    write_client_key,
    write_signing_keys,
)


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
