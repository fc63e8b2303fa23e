"""C2SP signed notes (c2sp.org/signed-note) with Ed25519: the hub's audit checkpoints.

- ``NoteSigner``: an Ed25519 key under a key name; ``sign(text)`` returns the signed note,
  ``verifier_key`` the ``<name>+<hex key id>+base64(0x01 || public key)`` string auditors pin.
- ``NoteVerifier.parse(vkey)`` and ``open_note(note, verifiers)``: the note's text when at least
  one known key signed it; unknown keys are ignored, a note with no verified known signature is
  refused with one opaque ``NoteError``.
- ``write_checkpoint_key`` / ``read_checkpoint_key``: the key file (0600) beside the hub key.

The key id is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``; the signature covers the
text including its final newline. Raw Ed25519 lives here only (the lint rule's one exception
besides ``_primitives``: this module is the recipe).
"""

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: TID251 - the recipe
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (  # noqa: TID251 - raw key bytes
    Encoding,
    PublicFormat,
)

from keys import _primitives
from keys.keyfiles import KeyFileError, _read, _secret, _write_private

ED25519 = 0x01
DASH = "\u2014"
MAX_SIGNATURES = 100
CHECKPOINT_KIND = "homeward-checkpoint-key"


class NoteError(ValueError):
    """The note is malformed or carries no verified signature (one opaque error)."""


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()[:4]


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


@dataclass(frozen=True)
class NoteVerifier:
    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public)

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([ED25519]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, vkey: str) -> "NoteVerifier":
        """A verifier key string; a wrong id, type or length is an explanatory ValueError."""
        name, _, rest = vkey.strip().partition("+")
        hex_id, _, b64 = rest.partition("+")
        try:
            raw = base64.b64decode(b64, validate=True)
            wanted = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"not a verifier key: {vkey!r}") from exc
        if not _valid_name(name) or len(raw) != 33 or raw[0] != ED25519 or len(wanted) != 4:
            raise ValueError(f"not an Ed25519 verifier key: {vkey!r}")
        verifier = cls(name, raw[1:])
        if verifier.key_id != wanted:
            raise ValueError(f"the key id of {vkey!r} does not match its key")
        return verifier

    def verifies(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text)
        except (InvalidSignature, ValueError):
            return False
        return True


class NoteSigner:
    def __init__(self, name: str, seed: bytes) -> None:
        if not _valid_name(name):
            raise ValueError(f"a key name has no spaces or '+': {name!r}")
        self.name = name
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        public = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.verifier = NoteVerifier(name, public)

    def signature_line(self, text: str) -> str:
        signature = self._key.sign(text.encode())
        encoded = base64.b64encode(self.verifier.key_id + signature).decode()
        return f"{DASH} {self.name} {encoded}\n"

    def sign(self, text: str) -> str:
        if not text.endswith("\n") or "\n\n" in text:
            raise ValueError("a note's text ends with one newline and has no blank line")
        return f"{text}\n{self.signature_line(text)}"


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The text and the (key name, key id || signature) of each signature line."""
    text, sep, block = note.rpartition("\n\n")
    if not sep or not block.endswith("\n"):
        raise NoteError("malformed note")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("malformed note")
    signatures = []
    for line in lines:
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise NoteError("malformed note")
        try:
            raw = base64.b64decode(parts[2], validate=True)
        except binascii.Error as exc:
            raise NoteError("malformed note") from exc
        if len(raw) < 5:
            raise NoteError("malformed note")
        signatures.append((parts[1], raw))
    return text + "\n", signatures


def open_note(note: str, verifiers: Sequence[NoteVerifier]) -> tuple[str, list[NoteVerifier]]:
    """The note's text and the known keys that signed it; NoteError unless at least one did."""
    text, signatures = split_note(note)
    signed = []
    for name, raw in signatures:
        for v in verifiers:
            if v.name == name and v.key_id == raw[:4]:
                if not v.verifies(text.encode(), raw[4:]):
                    raise NoteError("note signature does not verify")
                signed.append(v)
    if not signed:
        raise NoteError("no known key signed this note")
    return text, signed


def add_signature(note: str, signer: NoteSigner) -> str:
    """The note with one more signature (a witness's countersignature)."""
    text, _ = split_note(note)
    return note + signer.signature_line(text)


def write_checkpoint_key(path: Path, name: str) -> None:
    seed = _primitives.random_secret()
    _write_private(
        path, {"kind": CHECKPOINT_KIND, "name": name, "seed": _primitives.b64encode(seed)}
    )


def read_checkpoint_key(path: Path) -> NoteSigner:
    document = _read(path, CHECKPOINT_KIND)
    try:
        return NoteSigner(str(document.get("name")), _secret(document.get("seed")))
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def ensure_checkpoint_key(path: Path, name: str) -> NoteSigner:
    """The checkpoint key at ``path``, made first if there is none."""
    if not path.exists():
        write_checkpoint_key(path, name)
    return read_checkpoint_key(path)
