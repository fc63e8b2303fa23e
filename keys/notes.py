"""C2SP signed notes (c2sp.org/signed-note) with Ed25519: the hub's audit checkpoints.

- ``NoteSigner``: an Ed25519 key under a key name; ``sign(text)`` returns the signed note,
  ``verifier_key`` the ``<name>+<hex key id>+base64(0x01 || public key)`` string auditors pin.
- ``NoteVerifier.parse(vkey)`` and ``open_note(note, verifiers)``: the note's text when at least
  one known key signed it; unknown keys are ignored, a note with no verified known signature is
  refused with one opaque ``NoteError``.
- ``write_checkpoint_key`` / ``read_checkpoint_key``: the key file (0600) beside the hub key.

The key id is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``; the signature covers the
text including its final newline; the raw Ed25519 operations are in ``keys._primitives``.
"""

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from keys import _primitives
from keys.files import passphrase_from_env, read_document, write_document
from keys.keyfiles import KeyFileError, _secret

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
        return _primitives.ed25519_verify(self.public, signature, text)


class NoteSigner:
    def __init__(self, name: str, seed: bytes) -> None:
        if not _valid_name(name):
            raise ValueError(f"a key name has no spaces or '+': {name!r}")
        self.name = name
        self._seed = seed
        self.verifier = NoteVerifier(name, _primitives.ed25519_public(seed))

    def signature_line(self, text: str) -> str:
        signature = _primitives.ed25519_sign(self._seed, text.encode())
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
    document = {"kind": CHECKPOINT_KIND, "name": name, "seed": _primitives.b64encode(seed)}
    write_document(path, document, passphrase=passphrase_from_env())


def read_checkpoint_key(path: Path) -> NoteSigner:
    document = read_document(path, CHECKPOINT_KIND)
    try:
        return NoteSigner(str(document.get("name")), _secret(document.get("seed")))
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def ensure_checkpoint_key(path: Path, name: str) -> NoteSigner:
    """The checkpoint key at ``path``, made first if there is none."""
    if not path.exists():
        write_checkpoint_key(path, name)
    return read_checkpoint_key(path)
