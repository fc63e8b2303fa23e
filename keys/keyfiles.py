"""Key files on disk: JSON, written owner-read-only (0600)."""

import json
import os
from pathlib import Path
from typing import Any

from keys import _primitives
from keys.council import CouncilKey
from keys.hub import HubKeyring
from keys.keyring import SharedKeyring

SHARED_KIND = "homeward-shared-keyring"
COUNCIL_KIND = "homeward-council-key"
HUB_KIND = "homeward-hub-key"
KEY_FILE_MODE = 0o600  # owner read/write only


class KeyFileError(ValueError):
    """A key file is missing, unreadable or of the wrong kind."""


def _write_private(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, KEY_FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(fd, KEY_FILE_MODE)  # an existing file keeps its mode on open: tighten it first
        json.dump(document, handle, indent=2)
        handle.write("\n")


def _read(path: Path, kind: str) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KeyFileError(f"{path}: key file not found") from exc
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{path}: not a readable key file ({exc})") from exc
    if not isinstance(document, dict) or document.get("kind") != kind:
        raise KeyFileError(f"{path}: expected a {kind} file")
    return document


def _secret(text: object) -> bytes:
    """The decoded secret; a plain ValueError that each reader prefixes with the file path."""
    if not isinstance(text, str):
        raise ValueError("secret must be a base64url string")
    try:
        return _primitives.b64decode(text)
    except ValueError as exc:
        raise ValueError("secret is not base64url") from exc


def write_shared_keyring(path: Path, keyring: SharedKeyring) -> None:
    epochs = {str(e): _primitives.b64encode(keyring.secret(e)) for e in keyring.epochs}
    _write_private(path, {"kind": SHARED_KIND, "epochs": epochs})


def read_shared_keyring(path: Path) -> SharedKeyring:
    document = _read(path, SHARED_KIND)
    epochs = document.get("epochs")
    if not isinstance(epochs, dict):
        raise KeyFileError(f"{path}: no epochs")
    try:
        return SharedKeyring({int(e): _secret(s) for e, s in epochs.items()})
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def write_council_key(path: Path, secret: bytes, authority: str) -> None:
    _write_private(
        path,
        {"kind": COUNCIL_KIND, "authority": authority, "secret": _primitives.b64encode(secret)},
    )


def read_council_key(path: Path) -> CouncilKey:
    document = _read(path, COUNCIL_KIND)
    try:
        return CouncilKey(_secret(document.get("secret")), str(document["authority"]))
    except (KeyError, ValueError) as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def new_secret() -> bytes:
    return _primitives.random_secret()


def write_hub_key(path: Path, secret: bytes, version: int = 1) -> None:
    """A new hub key file holding one version. The hub's JWT signing keyring is made beside
    it (``hub-signing.json``, 0600) unless one is there already: the hub key folder holds both."""
    _write_private(
        path, {"kind": HUB_KIND, "versions": {str(version): _primitives.b64encode(secret)}}
    )
    from keys.signing import ensure_signing_keys, signing_key_path  # signing builds on this

    ensure_signing_keys(signing_key_path(path))


def read_hub_key(path: Path) -> HubKeyring:
    """Every version in the file; a file from before versions (one ``secret``) is version 1."""
    document = _read(path, HUB_KIND)
    versions = document.get("versions")
    if versions is None and "secret" in document:
        versions = {"1": document["secret"]}
    if not isinstance(versions, dict):
        raise KeyFileError(f"{path}: no key versions")
    try:
        return HubKeyring({int(v): _secret(s) for v, s in versions.items()})
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc
