"""Epoch announcements signed by the scheme operator (keys/announcements.py): a council
installs an epoch only when the operator key it pinned signed the announcement as it stands;
an unsigned, altered or foreign-signed one is refused with the file and the remedy."""

import json
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.cli import main
from keys import read_shared_keyring
from keys.announcements import (
    AnnouncementError,
    open_signed_epoch,
    read_operator_key,
    read_operator_vkey,
    write_operator_key,
    write_signed_epoch,
)
from keys.epochs import (
    KemKey,
    new_kem_key,
    open_epoch,
    seal_epoch,
    write_kem_key,
    write_sealed_epoch,
)
from keys.keyfiles import new_secret

HOME = "E08000025"


@pytest.fixture
def announced(tmp_path: Path) -> tuple[Path, Path, KemKey]:
    """An operator key pair and epoch 2 sealed to HOME, signed: (file, operator.vkey, kem key)."""
    private, public = write_operator_key(tmp_path / "operator")
    kem = new_kem_key(HOME)
    path = tmp_path / "epoch-2.sealed"
    write_signed_epoch(path, seal_epoch(2, new_secret(), kem.public), read_operator_key(private))
    return path, public, kem


def test_a_signed_announcement_opens_with_the_pinned_key(
    announced: tuple[Path, Path, KemKey], tmp_path: Path
) -> None:
    path, vkey, kem = announced
    sealed = open_signed_epoch(path, read_operator_vkey(vkey))
    assert sealed.epoch == 2 and open_epoch(sealed, kem).epochs == [2]
    assert stat.S_IMODE((tmp_path / "operator" / "operator.key").stat().st_mode) == 0o600
    with pytest.raises(Exception, match="refusing to overwrite"):
        write_operator_key(tmp_path / "operator")


def test_an_announcement_signed_by_another_key_is_refused(
    announced: tuple[Path, Path, KemKey], tmp_path: Path
) -> None:
    path, _, _ = announced
    _, impostor = write_operator_key(tmp_path / "impostor")
    with pytest.raises(AnnouncementError, match="not signed by the pinned operator key"):
        open_signed_epoch(path, read_operator_vkey(impostor))


def test_an_unsigned_sealed_epoch_is_refused(tmp_path: Path) -> None:
    _, vkey = write_operator_key(tmp_path / "operator")
    path = tmp_path / "unsigned.sealed"
    write_sealed_epoch(path, seal_epoch(2, new_secret(), new_kem_key(HOME).public))
    with pytest.raises(AnnouncementError, match="not signed by the scheme operator"):
        open_signed_epoch(path, read_operator_vkey(vkey))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_change_to_the_signed_text_is_refused(
    announced: tuple[Path, Path, KemKey], tmp_path: Path, data: st.DataObject
) -> None:
    path, vkey, _ = announced
    document = json.loads(path.read_text())
    text, _, signature = document["note"].partition("\n\n")
    at = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.characters(codec="ascii", exclude_characters="\n"))
    if replacement == text[at]:
        return
    altered = tmp_path / "altered.sealed"
    document["note"] = f"{text[:at]}{replacement}{text[at + 1 :]}\n\n{signature}"
    altered.write_text(json.dumps(document))
    with pytest.raises(AnnouncementError):
        open_signed_epoch(altered, read_operator_vkey(vkey))


def test_install_epoch_refuses_a_tampered_announcement_and_installs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    council = tmp_path / HOME
    assert main(["keys", "new-operator", "--out", str(tmp_path / "op")]) == 0
    assert main(["keys", "new-council-kem", "--authority", HOME, "--out", str(council)]) == 0
    wrap = ["keys", "wrap-epoch", "--epoch", "3", "--to", str(council / "council-kem.pub")]
    key = ["--operator-key", str(tmp_path / "op" / "operator.key")]
    assert main([*wrap, *key, "--out", str(tmp_path / "pub")]) == 0
    sealed = tmp_path / "pub" / f"epoch-3-{HOME}.sealed"
    document = json.loads(sealed.read_text())
    document["note"] = document["note"].replace('"epoch":3', '"epoch":4', 1)
    sealed.write_text(json.dumps(document))
    capsys.readouterr()
    install = ["keys", "install-epoch", str(sealed), "--kem-key", str(council / "council-kem.key")]
    pinned = ["--operator", str(tmp_path / "op" / "operator.vkey")]
    assert main([*install, "--keyring", str(council / "shared.key"), *pinned]) == 2
    error = capsys.readouterr().err
    assert str(sealed) in error and "not signed by the pinned operator key" in error
    assert not (council / "shared.key").exists()
    document["note"] = document["note"].replace('"epoch":4', '"epoch":3', 1)
    sealed.write_text(json.dumps(document))
    assert main([*install, "--keyring", str(council / "shared.key"), *pinned]) == 0
    assert read_shared_keyring(council / "shared.key").epochs == [3]


def pinning_config(folder: Path, vkey: Path | None) -> Path:
    """A council's connector.toml that pins the operator key in ``vkey`` (or none)."""
    pinned = f'operator_vkey = "{vkey.read_text().strip()}"\n' if vkey else ""
    config = folder / "connector.toml"
    config.write_text(
        f'authority = "{HOME}"\nhub_url = "https://hub.example.org"\n'
        'client_id = "c"\nclient_key_file = "client.key"\nshared_keyring = "shared.key"\n'
        f'council_key = "council.key"\n{pinned}\n'
        '[sources]\nssda903 = "903/"\nidentities = "identities.csv"\n'
    )
    return config


def installing(announced: tuple[Path, Path, KemKey], tmp_path: Path) -> tuple[Path, list[str]]:
    """HOME's folder holding its KEM key, and `keys install-epoch` of the announcement."""
    path, _, kem = announced
    council = tmp_path / HOME
    private, _ = write_kem_key(council, kem)
    return council, ["keys", "install-epoch", str(path), "--kem-key", str(private)]


def test_install_epoch_checks_the_key_pinned_in_connector_toml(
    announced: tuple[Path, Path, KemKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    council, install = installing(announced, tmp_path)
    _, impostor = write_operator_key(tmp_path / "impostor")
    assert main([*install, "--config", str(pinning_config(council, impostor))]) == 2
    assert "not signed by the pinned operator key" in capsys.readouterr().err
    assert not (council / "shared.key").exists()
    assert main([*install, "--config", str(pinning_config(council, announced[1]))]) == 0
    assert read_shared_keyring(council / "shared.key").epochs == [2]  # the config's keyring


def test_install_epoch_with_a_config_that_pins_no_operator_key_is_refused(
    announced: tuple[Path, Path, KemKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    council, install = installing(announced, tmp_path)
    config = pinning_config(council, None)
    assert main([*install, "--config", str(config)]) == 2
    error = capsys.readouterr().err
    assert f"{config}: operator_vkey: not set" in error and "add operator_vkey" in error
    assert not (council / "shared.key").exists()
