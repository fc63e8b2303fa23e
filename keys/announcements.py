"""Epoch announcements signed by the scheme operator, so a council installs only an epoch the
operator published: HPKE base mode (keys/epochs.py) does not say who sealed a copy, and anyone
who can write to where announcements are published could otherwise seal a secret of their own
to every council and read what they send.

- The operator's signing key is Ed25519 (``write_operator_key``): ``operator.key`` (0600,
  optionally passphrase-protected) stays with the operator; ``operator.vkey`` (a C2SP signed-note
  verifier key, keys/notes.py) goes to every council, which pins it.
- ``signed_epoch(sealed, signer)``: the sealed copy as a signed note whose text is the copy's
  canonical JSON; ``open_signed_epoch(path, pinned)`` gives the copy back only when the pinned
  key signed exactly that text. An unsigned copy, an altered one, or one signed by another
  key is refused with the file and the remedy; nothing is installed.
"""

import json
from pathlib import Path

from keys import _primitives
from keys.epochs import SEALED_KIND, SealedEpoch, sealed_from
from keys.files import (
    Document,
    KeyFileError,
    decode_exact,
    parse_document,
    read_document,
    read_json,
    write_document,
    write_private_text,
)
from keys.notes import NoteError, NoteSigner, NoteVerifier, open_note

OPERATOR_KIND = "homeward-operator-signing-key"
SIGNED_KIND = "homeward-signed-epoch"
OPERATOR_NAME = "homeward-operator"


class AnnouncementError(KeyFileError):
    """An epoch announcement that the pinned operator key did not sign as it stands."""


def write_operator_key(
    folder: Path, name: str = OPERATOR_NAME, *, passphrase: str | None = None
) -> tuple[Path, Path]:
    """``operator.key`` (private, 0600) and ``operator.vkey`` (for every council to pin)."""
    private, public = folder / "operator.key", folder / "operator.vkey"
    for path in (private, public):
        if path.exists():
            raise KeyFileError(f"{path}: already exists; refusing to overwrite a key")
    seed = _primitives.random_secret()
    signer = NoteSigner(name, seed)  # checks the name before anything is written
    document = {"kind": OPERATOR_KIND, "name": name, "seed": _primitives.b64encode(seed)}
    write_document(private, document, passphrase=passphrase)
    write_private_text(public, signer.verifier.vkey + "\n", mode=0o644)
    return private, public


def read_operator_key(path: Path, passphrase: str | None = None) -> NoteSigner:
    document = read_document(path, OPERATOR_KIND, passphrase)
    return parse_document(path, document, "operator key", _operator_signer)


def _operator_signer(document: Document) -> NoteSigner:
    seed = decode_exact(document["seed"], _primitives.SECRET_BYTES)
    return NoteSigner(str(document["name"]), seed)


def read_operator_vkey(path: Path) -> NoteVerifier:
    """The pinned operator key (``operator.vkey``)."""
    try:
        return NoteVerifier.parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the operator key ({exc.strerror})") from exc
    except ValueError as exc:
        raise KeyFileError(f"{path}: not an operator verifier key ({exc})") from exc


def _text(sealed: SealedEpoch) -> str:
    return json.dumps(sealed.document(), sort_keys=True, separators=(",", ":")) + "\n"


def signed_epoch(sealed: SealedEpoch, signer: NoteSigner) -> Document:
    return {"kind": SIGNED_KIND, "signer": signer.name, "note": signer.sign(_text(sealed))}


def write_signed_epoch(path: Path, sealed: SealedEpoch, signer: NoteSigner) -> None:
    """Safe to publish (only its council can open it, and only the operator signs); never
    overwritten."""
    write_document(path, signed_epoch(sealed, signer), mode=0o644)


def open_signed_epoch(path: Path, pinned: NoteVerifier) -> SealedEpoch:
    """The sealed copy in the announcement at ``path``, when ``pinned`` signed it."""
    document = _announcement(path)
    note = document.get("note")
    try:
        if not isinstance(note, str):
            raise NoteError("no note")
        text, _ = open_note(note, [pinned])
    except NoteError as exc:
        raise AnnouncementError(
            f"{path}: not signed by the pinned operator key {pinned.name} "
            f"({pinned.key_id.hex()}): the file was altered, or someone else signed it. "
            "Do not install it; fetch it again from the operator and compare the key id"
        ) from exc
    try:
        inner = json.loads(text)
    except ValueError as exc:
        raise AnnouncementError(f"{path}: the signed text is not a sealed epoch") from exc
    if not isinstance(inner, dict) or inner.get("kind") != SEALED_KIND:
        raise AnnouncementError(f"{path}: the signed text is not a sealed epoch")
    return sealed_from(inner, path)


def _announcement(path: Path) -> Document:
    try:
        return read_json(path, SIGNED_KIND)
    except KeyFileError:
        if _kind(path) != SEALED_KIND:
            raise
    raise AnnouncementError(
        f"{path}: this sealed epoch is not signed by the scheme operator; refusing to install "
        "it. Ask the operator to publish it signed (homeward keys wrap-epoch --operator-key)"
    )


def _kind(path: Path) -> object:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document.get("kind") if isinstance(document, dict) else None
