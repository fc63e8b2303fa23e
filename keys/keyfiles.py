"""The shared keyring, a council's key and the hub key as files (``keys/files.py`` says how
every key file is written and read: 0600, atomic, never overwritten unless asked, optionally
passphrase-protected)."""

from collections.abc import Callable
from pathlib import Path

from keys import _primitives
from keys.council import CouncilKey
from keys.files import (
    KEY_FILE_MODE,
    Document,
    KeyFileError,
    is_protected,
    passphrase_from_env,
    read_document,
    write_document,
)
from keys.hub import HubKeyring
from keys.keyring import SharedKeyring

SHARED_KIND = "homeward-shared-keyring"
COUNCIL_KIND = "homeward-council-key"
HUB_KIND = "homeward-hub-key"

__all__ = ["KEY_FILE_MODE", "KeyFileError"]


def _secret(text: object) -> bytes:
    """The decoded secret; a plain ValueError that each reader prefixes with the file path."""
    if not isinstance(text, str):
        raise ValueError("secret must be a base64url string")
    try:
        return _primitives.b64decode(text)
    except ValueError as exc:
        raise ValueError("secret is not base64url") from exc


def _rewrite(path: Path, document: Document, passphrase: str | None) -> None:
    """Replace a key file in place (a rotation), keeping its passphrase protection."""
    keep = (passphrase or passphrase_from_env()) if is_protected(path) else None
    write_document(path, document, replace=True, passphrase=keep)


def _shared_document(keyring: SharedKeyring) -> Document:
    epochs = {str(e): _primitives.b64encode(keyring.secret(e)) for e in keyring.epochs}
    return {"kind": SHARED_KIND, "epochs": epochs}


def write_shared_keyring(
    path: Path, keyring: SharedKeyring, *, replace: bool = False, passphrase: str | None = None
) -> None:
    write_document(path, _shared_document(keyring), replace=replace, passphrase=passphrase)


def read_shared_keyring(path: Path, passphrase: str | None = None) -> SharedKeyring:
    epochs = read_document(path, SHARED_KIND, passphrase).get("epochs")
    if not isinstance(epochs, dict):
        raise KeyFileError(f"{path}: no epochs")
    try:
        return SharedKeyring({int(e): _secret(s) for e, s in epochs.items()})
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def update_shared_keyring(
    path: Path,
    change: Callable[[SharedKeyring], SharedKeyring],
    passphrase: str | None = None,
) -> SharedKeyring:
    """Read, change and atomically rewrite the keyring at ``path``; returns the new keyring."""
    changed = change(read_shared_keyring(path, passphrase))
    _rewrite(path, _shared_document(changed), passphrase)
    return changed


def write_council_key(
    path: Path,
    secret: bytes,
    authority: str,
    *,
    replace: bool = False,
    passphrase: str | None = None,
) -> None:
    document = {
        "kind": COUNCIL_KIND,
        "authority": authority,
        "secret": _primitives.b64encode(secret),
    }
    write_document(path, document, replace=replace, passphrase=passphrase)


def read_council_key(path: Path, passphrase: str | None = None) -> CouncilKey:
    document = read_document(path, COUNCIL_KIND, passphrase)
    try:
        return CouncilKey(_secret(document.get("secret")), str(document["authority"]))
    except (KeyError, ValueError) as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def new_secret() -> bytes:
    return _primitives.random_secret()


def write_hub_key(
    path: Path,
    secret: bytes,
    version: int = 1,
    *,
    replace: bool = False,
    passphrase: str | None = None,
) -> None:
    """A new hub key file holding one version. The hub's JWT signing keyring is made beside
    it (``hub-signing.json``, 0600) unless one is there already: the hub key folder holds both."""
    document = {"kind": HUB_KIND, "versions": {str(version): _primitives.b64encode(secret)}}
    write_document(path, document, replace=replace, passphrase=passphrase)
    from keys.signing import ensure_signing_keys, signing_key_path  # signing builds on this

    ensure_signing_keys(signing_key_path(path))


def _hub_versions(path: Path, document: Document) -> dict[str, object]:
    versions = document.get("versions")
    if versions is None and "secret" in document:
        versions = {"1": document["secret"]}
    if not isinstance(versions, dict):
        raise KeyFileError(f"{path}: no key versions")
    return versions


def read_hub_key(path: Path, passphrase: str | None = None) -> HubKeyring:
    """Every version in the file; a file from before versions (one ``secret``) is version 1."""
    versions = _hub_versions(path, read_document(path, HUB_KIND, passphrase))
    try:
        return HubKeyring({int(v): _secret(s) for v, s in versions.items()})
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def add_hub_key_version(path: Path, passphrase: str | None = None) -> int:
    """Add a fresh newest version to the hub key file (every older version is kept: stored
    tokens are chained through them, keys/hub.py); returns the new version."""
    versions = _hub_versions(path, read_document(path, HUB_KIND, passphrase))
    newest = max(int(v) for v in versions) + 1
    versions = {**versions, str(newest): _primitives.b64encode(new_secret())}
    _rewrite(path, {"kind": HUB_KIND, "versions": versions}, passphrase)
    return newest
