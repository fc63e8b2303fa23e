"""Key files: owner-only (0600), never overwritten unless asked, loose permissions refused on
reading, round-trip, and explanatory errors."""

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from keys import (
    KeyFileError,
    SharedKeyring,
    read_council_key,
    read_hub_key,
    read_shared_keyring,
    update_shared_keyring,
    write_council_key,
    write_hub_key,
    write_shared_keyring,
)

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(32, 64))

Writer = Callable[[Path, bytes], None]
WRITERS: dict[str, Writer] = {
    "hub": write_hub_key,
    "council": lambda path, secret: write_council_key(path, secret, "E09000001"),
    "shared": lambda path, secret: write_shared_keyring(path, SharedKeyring({1: secret})),
}
REPLACERS: dict[str, Writer] = {
    "hub": lambda path, secret: write_hub_key(path, secret, replace=True),
    "council": lambda path, secret: write_council_key(path, secret, "E09000001", replace=True),
    "shared": lambda path, secret: write_shared_keyring(
        path, SharedKeyring({1: secret}), replace=True
    ),
}


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """A umask that would leave group/other read bits on: only the writer may take them off."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("kind", WRITERS)
def test_a_new_key_file_is_owner_read_write_only(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nested" / "folder" / f"{kind}.key"
    WRITERS[kind](path, SECRET)
    assert mode(path) == 0o600


@pytest.mark.parametrize("kind", WRITERS)
def test_an_existing_key_file_is_never_overwritten(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.key"
    WRITERS[kind](path, SECRET)
    before = path.read_text(encoding="utf-8")
    with pytest.raises(KeyFileError, match="refusing to overwrite"):
        WRITERS[kind](path, OTHER_SECRET)
    assert path.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("kind", WRITERS)
def test_replacing_a_world_readable_key_file_makes_it_owner_only(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.key"
    path.write_text("left over from an old install\n", encoding="utf-8")
    path.chmod(0o644)
    REPLACERS[kind](path, SECRET)
    assert mode(path) == 0o600


@pytest.mark.parametrize("kind", WRITERS)
def test_replace_writes_over_an_existing_key_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.key"
    WRITERS[kind](path, SECRET)
    first = path.read_text(encoding="utf-8")
    REPLACERS[kind](path, OTHER_SECRET)
    second = path.read_text(encoding="utf-8")
    assert first != second
    assert json.loads(second)["kind"] == json.loads(first)["kind"]


def test_hub_key_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "hub.key"
    write_hub_key(path, SECRET)
    assert read_hub_key(path).credential_digest("abc") == read_hub_key(path).credential_digest(
        "abc"
    )


def test_council_key_round_trips_with_its_authority(tmp_path: Path) -> None:
    path = tmp_path / "council.key"
    write_council_key(path, SECRET, "E09000001")
    key = read_council_key(path)
    assert key.authority == "E09000001"
    assert key.record_ref("child", "C1") == read_council_key(path).record_ref("child", "C1")


def test_shared_keyring_round_trips_every_epoch(tmp_path: Path) -> None:
    path = tmp_path / "shared.key"
    keyring = SharedKeyring({1: SECRET, 2: OTHER_SECRET})
    write_shared_keyring(path, keyring)
    read = read_shared_keyring(path)
    assert read.epochs == [1, 2]
    assert [read.secret(e) for e in read.epochs] == [SECRET, OTHER_SECRET]


def test_installing_an_epoch_in_place_keeps_the_old_epochs(tmp_path: Path) -> None:
    path = tmp_path / "shared.key"
    write_shared_keyring(path, SharedKeyring({1: SECRET}))
    update_shared_keyring(path, lambda k: k.with_epoch(2, OTHER_SECRET))
    read = read_shared_keyring(path)
    assert (read.epochs, read.secret(1)) == ([1, 2], SECRET)
    assert mode(path) == 0o600


def test_a_missing_key_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.key"
    with pytest.raises(KeyFileError, match="key file not found") as caught:
        read_hub_key(path)
    assert str(caught.value).startswith(str(path))


def test_a_key_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hub.key"
    write_hub_key(path, SECRET)
    with pytest.raises(KeyFileError, match="expected a homeward-council-key file"):
        read_council_key(path)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"kind": "homeward-hub-key"}, "no key versions"),
        ({"kind": "homeward-hub-key", "versions": {"1": 7}}, "secret must be a base64url string"),
        ({"kind": "homeward-hub-key", "versions": {}}, "at least one version"),
        ({"kind": "homeward-hub-key", "secret": "AAEC"}, "shorter than 32 bytes"),
        ({"kind": "homeward-hub-key", "secret": "A"}, "secret is not base64url"),
    ],
)
def test_a_bad_hub_secret_is_explained_once_with_the_path(
    tmp_path: Path, document: dict[str, str], problem: str
) -> None:
    path = tmp_path / "hub.key"
    path.write_text(json.dumps(document), encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match=problem) as caught:
        read_hub_key(path)
    assert str(caught.value).count(str(path)) == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not json", "not a readable key file"),
        ('{"kind": "homeward-shared-keyring"}', "no epochs"),
        ('{"kind": "homeward-shared-keyring", "epochs": {}}', "at least one key epoch"),
    ],
)
def test_a_bad_shared_keyring_file_is_explained(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "shared.key"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match=problem):
        read_shared_keyring(path)
