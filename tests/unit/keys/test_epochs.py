"""Handing out an epoch with HPKE: each council opens its own copy and no other; a copy bound
to another epoch, council or key, or altered, is refused; the secret is never written in clear;
an installed epoch joins the keyring and a different secret under it is refused."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys import SharedKeyring
from keys.epochs import (
    EpochOpenError,
    SealedEpoch,
    new_kem_key,
    open_epoch,
    read_kem_key,
    read_kem_public,
    read_sealed_epoch,
    seal_epoch,
    write_kem_key,
    write_sealed_epoch,
)
from keys.files import KeyFileError

SECRET = bytes(range(32))
HOME, OTHER = new_kem_key("E08000025"), new_kem_key("E06000023")


def test_each_council_opens_its_own_copy_and_gets_the_same_secret() -> None:
    copies = [seal_epoch(2, SECRET, key.public) for key in (HOME, OTHER)]
    opened = [open_epoch(c, k) for c, k in zip(copies, (HOME, OTHER), strict=True)]
    assert [k.secret(2) for k in opened] == [SECRET, SECRET]
    assert copies[0].fingerprint == copies[1].fingerprint == opened[0].fingerprint(2)
    assert copies[0].sealed != copies[1].sealed


def test_a_council_cannot_open_another_councils_copy() -> None:
    theirs = seal_epoch(2, SECRET, OTHER.public)
    with pytest.raises(EpochOpenError):
        open_epoch(theirs, HOME)
    relabelled = SealedEpoch(2, HOME.authority, HOME.public.kid, theirs.fingerprint, theirs.sealed)
    with pytest.raises(EpochOpenError, match="cannot be opened"):
        open_epoch(relabelled, HOME)


def test_a_copy_presented_as_another_epoch_is_refused() -> None:
    copy = seal_epoch(2, SECRET, HOME.public)
    moved = SealedEpoch(3, copy.authority, copy.kid, copy.fingerprint, copy.sealed)
    with pytest.raises(EpochOpenError):
        open_epoch(moved, HOME)


@given(st.integers(min_value=0, max_value=79), st.integers(min_value=1, max_value=255))
def test_any_altered_byte_is_refused(position: int, flip: int) -> None:
    copy = seal_epoch(2, SECRET, HOME.public)
    altered = bytearray(copy.sealed)
    altered[position % len(altered)] ^= flip
    with pytest.raises(EpochOpenError):
        open_epoch(SealedEpoch(2, copy.authority, copy.kid, copy.fingerprint, bytes(altered)), HOME)


def test_files_round_trip_and_the_secret_is_never_in_clear(tmp_path: Path) -> None:
    private, public = write_kem_key(tmp_path / "home", HOME)
    assert private.stat().st_mode & 0o777 == 0o600
    copy = seal_epoch(2, SECRET, read_kem_public(public))
    write_sealed_epoch(tmp_path / "epoch-2.sealed", copy)
    text = (tmp_path / "epoch-2.sealed").read_text()
    assert SECRET.hex() not in text and "AAECAwQF" not in text
    assert open_epoch(read_sealed_epoch(tmp_path / "epoch-2.sealed"), read_kem_key(private))
    assert "private" not in repr(read_kem_key(private)).lower().replace("kemkey", "")
    with pytest.raises(KeyFileError, match="refusing to overwrite"):
        write_kem_key(tmp_path / "home", new_kem_key("E08000025"))


def test_a_public_key_whose_id_does_not_match_is_refused(tmp_path: Path) -> None:
    _, public = write_kem_key(tmp_path, HOME)
    document = json.loads(public.read_text())
    document["kid"] = OTHER.public.kid
    public.write_text(json.dumps(document))
    with pytest.raises(KeyFileError, match="key id"):
        read_kem_public(public)


def test_installing_an_epoch_keeps_the_others_and_refuses_another_secret() -> None:
    keyring = SharedKeyring({1: bytes(32 * [7])}).with_epoch(2, SECRET)
    assert keyring.epochs == [1, 2] and keyring.with_epoch(2, SECRET).epochs == [1, 2]
    with pytest.raises(ValueError, match="another secret"):
        keyring.with_epoch(2, bytes(32 * [9]))
    assert keyring.without_epoch(1).epochs == [2]
