"""Key file safety: loose permissions and symlinks are refused on reading, with the remedy;
a passphrase-protected file needs its passphrase and a wrong one is refused; nothing of the
key appears in any error; a protected keyring stays protected when an epoch is installed."""

import os
from pathlib import Path

import pytest

from keys import SharedKeyring, read_shared_keyring, update_shared_keyring, write_shared_keyring
from keys.files import PASSPHRASE_ENV, KeyFileError

SECRET = bytes(range(32))


def keyring_file(tmp_path: Path, passphrase: str | None = None) -> Path:
    path = tmp_path / "shared.key"
    write_shared_keyring(path, SharedKeyring({1: SECRET}), passphrase=passphrase)
    return path


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_a_key_file_others_may_read_is_refused_with_the_remedy(tmp_path: Path, mode: int) -> None:
    path = keyring_file(tmp_path)
    path.chmod(mode)
    with pytest.raises(KeyFileError, match=f"chmod 600 {path}"):
        read_shared_keyring(path)


def test_a_symlinked_key_file_is_refused(tmp_path: Path) -> None:
    path = keyring_file(tmp_path)
    link = tmp_path / "link.key"
    link.symlink_to(path)
    with pytest.raises(KeyFileError, match="symbolic link"):
        read_shared_keyring(link)


def test_a_protected_key_file_needs_its_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    path = keyring_file(tmp_path, "correct horse")
    text = path.read_text()
    assert "homeward-shared-keyring" in text and "AAECAwQF" not in text
    with pytest.raises(KeyFileError, match=PASSPHRASE_ENV):
        read_shared_keyring(path)
    with pytest.raises(KeyFileError, match="wrong passphrase") as caught:
        read_shared_keyring(path, "battery staple")
    assert "battery" not in str(caught.value)
    assert read_shared_keyring(path, "correct horse").secret(1) == SECRET
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse")
    assert read_shared_keyring(path).secret(1) == SECRET


def test_an_epoch_installed_in_a_protected_keyring_stays_protected(tmp_path: Path) -> None:
    path = keyring_file(tmp_path, "correct horse")
    update_shared_keyring(path, lambda k: k.with_epoch(2, bytes(32 * [5])), "correct horse")
    assert "protected" in path.read_text()
    assert read_shared_keyring(path, "correct horse").epochs == [1, 2]
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o600)


def test_no_error_shows_key_material(tmp_path: Path) -> None:
    path = keyring_file(tmp_path)
    path.write_text(path.read_text().replace("}", ",", 1))  # broken JSON holding the secret
    path.chmod(0o600)
    with pytest.raises(KeyFileError) as caught:
        read_shared_keyring(path)
    assert "AAECAwQF" not in str(caught.value)
