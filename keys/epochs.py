"""Handing the shared secret of an epoch to every council with HPKE (RFC 9180), so that no one
but the councils ever holds it in clear: not the hub, and not the operator once it is wrapped.

- Each council has an X25519 key pair (``new_kem_key``): the private half stays on the
  council's host (0600, optionally passphrase-protected), the public half (with the council's
  code and a key id) goes to the scheme operator.
- The operator makes one epoch's secret and seals it to every council's public key
  (``seal_epoch``): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, base mode, with
  ``info`` binding the epoch, the council and its key id, so one council's copy opened with
  another's key, or presented as another epoch, fails. The secret is dropped from memory once
  every copy is sealed; nothing writes it in clear.
- A council opens its copy (``open_epoch``) and installs it in its shared keyring.

Every sealed copy carries the epoch's keyed fingerprint (``SharedKeyring.fingerprint``), which
is the same for every council and reveals nothing about the secret: councils compare it out of
band, as HPKE base mode does not authenticate the sender.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from keys import _primitives
from keys.files import (
    Document,
    KeyFileError,
    decode_exact,
    parse_document,
    read_document,
    read_json,
    write_document,
)
from keys.keyring import SharedKeyring

KEM_KIND = "homeward-council-kem-key"
KEM_PUBLIC_KIND = "homeward-council-kem-public-key"
SEALED_KIND = "homeward-sealed-epoch"
SUITE = "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM"


@dataclass(frozen=True)
class KemPublicKey:
    authority: str
    public: bytes

    @property
    def kid(self) -> str:
        return hashlib.sha256(self.public).hexdigest()[:16]


@dataclass(frozen=True)
class KemKey:
    authority: str
    private: bytes

    @property
    def public(self) -> KemPublicKey:
        return KemPublicKey(self.authority, _primitives.x25519_public(self.private))

    def __repr__(self) -> str:  # never show the private half
        return f"KemKey(authority={self.authority!r}, kid={self.public.kid!r})"


def new_kem_key(authority: str) -> KemKey:
    private, _ = _primitives.x25519_generate()
    return KemKey(authority, private)


def _info(epoch: int, authority: str, kid: str) -> bytes:
    return f"homeward shared epoch v1|{epoch}|{authority}|{kid}".encode()


@dataclass(frozen=True)
class SealedEpoch:
    epoch: int
    authority: str
    kid: str
    fingerprint: str
    sealed: bytes

    def document(self) -> Document:
        return {
            "kind": SEALED_KIND,
            "epoch": self.epoch,
            "authority": self.authority,
            "kid": self.kid,
            "suite": SUITE,
            "fingerprint": self.fingerprint,
            "sealed": _primitives.b64encode(self.sealed),
        }


def seal_epoch(epoch: int, secret: bytes, recipient: KemPublicKey) -> SealedEpoch:
    info = _info(epoch, recipient.authority, recipient.kid)
    fingerprint = SharedKeyring({epoch: secret}).fingerprint(epoch)
    sealed = _primitives.hpke_seal(recipient.public, secret, info)
    return SealedEpoch(epoch, recipient.authority, recipient.kid, fingerprint, sealed)


class EpochOpenError(KeyFileError):
    """A sealed epoch that is not this council's, was altered, or does not hold what it says."""


def open_epoch(sealed: SealedEpoch, key: KemKey) -> SharedKeyring:
    """The one-epoch keyring in a sealed copy; ``EpochOpenError`` when it is not ours."""
    mine = key.public
    if sealed.kid != mine.kid or sealed.authority != key.authority:
        raise EpochOpenError(
            f"sealed to {sealed.authority} (key {sealed.kid}), not to {key.authority} "
            f"(key {mine.kid})"
        )
    secret = _primitives.hpke_open(
        key.private, sealed.sealed, _info(sealed.epoch, mine.authority, mine.kid)
    )
    if secret is None:
        raise EpochOpenError("cannot be opened with this key (altered, or not sealed to it)")
    keyring = SharedKeyring({sealed.epoch: secret})
    if keyring.fingerprint(sealed.epoch) != sealed.fingerprint:
        raise EpochOpenError("the secret does not have the fingerprint the file announces")
    return keyring


# Files ---------------------------------------------------------------------------------------


def write_kem_key(folder: Path, key: KemKey, *, passphrase: str | None = None) -> tuple[Path, Path]:
    """``council-kem.key`` (private, 0600) and ``council-kem.pub`` (for the operator)."""
    private, public = folder / "council-kem.key", folder / "council-kem.pub"
    for path in (private, public):
        if path.exists():
            raise KeyFileError(f"{path}: already exists; refusing to overwrite a key")
    secret = _primitives.b64encode(key.private)
    document = {"kind": KEM_KIND, "authority": key.authority, "private": secret}
    write_document(private, document, passphrase=passphrase)
    write_document(public, _public_document(key.public), mode=0o644)
    return private, public


def _public_document(key: KemPublicKey) -> Document:
    encoded = _primitives.b64encode(key.public)
    return {"kind": KEM_PUBLIC_KIND, "authority": key.authority, "kid": key.kid, "public": encoded}


def read_kem_key(path: Path, passphrase: str | None = None) -> KemKey:
    document = read_document(path, KEM_KIND, passphrase)
    return parse_document(path, document, "council KEM key", _kem_key)


def _kem_key(document: Document) -> KemKey:
    private = decode_exact(document["private"], _primitives.X25519_BYTES)
    return KemKey(str(document["authority"]), private)


def read_kem_public(path: Path) -> KemPublicKey:
    document = read_json(path, KEM_PUBLIC_KIND)
    key = parse_document(path, document, "public key", _kem_public)
    if document.get("kid") != key.kid:
        raise KeyFileError(f"{path}: key id does not match the key")
    return key


def _kem_public(document: Document) -> KemPublicKey:
    public = decode_exact(document["public"], _primitives.X25519_BYTES)
    return KemPublicKey(str(document["authority"]), public)


def write_sealed_epoch(path: Path, sealed: SealedEpoch) -> None:
    """A sealed copy is safe to publish (only its council can open it); never overwritten."""
    write_document(path, sealed.document(), mode=0o644)


def read_sealed_epoch(path: Path) -> SealedEpoch:
    """An unsigned sealed copy (councils install signed ones: keys/announcements.py)."""
    return sealed_from(read_json(path, SEALED_KIND), path)


def sealed_from(document: Document, path: Path) -> SealedEpoch:
    return parse_document(path, document, "sealed epoch", _sealed)


def _sealed(document: Document) -> SealedEpoch:
    return SealedEpoch(
        int(document["epoch"]),
        str(document["authority"]),
        str(document["kid"]),
        str(document["fingerprint"]),
        _primitives.b64decode(document["sealed"]),
    )
