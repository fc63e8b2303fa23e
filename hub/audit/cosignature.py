"""Witness cosignatures of checkpoints: c2sp.org/tlog-cosignature, Ed25519 (type 0x04).

A cosignature is a signed-note signature line ``— <witness name> base64(key id || timestamp
|| signature)``: the key id is ``SHA-256(name || "\\n" || 0x04 || public key)[:4]``, the
timestamp a big-endian u64 of POSIX seconds, and the Ed25519 signature covers

    cosignature/v1
    time <timestamp>
    <the checkpoint's note body, final newline included>

A witness key is written as a vkey ``<name>+<hex key id>+base64(0x04 || public key)``. The
Ed25519 operations are the signed-note ones in ``keys.notes`` (the only crypto seam).
"""

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from keys.notes import DASH, NoteError, NoteSigner, NoteVerifier, split_note

COSIGNATURE = 0x04
HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = 2**63 - 1


def message(body: str, timestamp: int) -> str:
    """What a v1 cosignature signs, for a checkpoint's note body."""
    return f"{HEADER}time {timestamp}\n{body}"


def cosigner_key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE]) + public).digest()[:4]


@dataclass(frozen=True)
class WitnessKey:
    """A witness's public key, as a relying party configures it."""

    name: str
    public: bytes

    @property
    def key_id(self) -> bytes:
        return cosigner_key_id(self.name, self.public)

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([COSIGNATURE]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, vkey: str) -> "WitnessKey":
        name, _, rest = vkey.strip().partition("+")
        hex_id, _, b64 = rest.partition("+")
        try:
            raw, wanted = base64.b64decode(b64, validate=True), bytes.fromhex(hex_id)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"not a witness key: {vkey!r}") from exc
        if not name or len(raw) != 33 or raw[0] != COSIGNATURE or len(wanted) != 4:
            raise ValueError(f"not an Ed25519 cosignature (0x04) key: {vkey!r}")
        key = cls(name, raw[1:])
        if key.key_id != wanted:
            raise ValueError(f"the key id of {vkey!r} does not match its key")
        return key

    def verifies(self, body: str, raw: bytes) -> int | None:
        """The timestamp of a valid cosignature ``raw`` (key id || u64 || sig) of ``body``."""
        if len(raw) != 4 + 8 + 64 or raw[:4] != self.key_id:
            return None
        timestamp = int.from_bytes(raw[4:12], "big")
        if timestamp > MAX_TIMESTAMP:
            return None
        signed = message(body, timestamp).encode()
        return (
            timestamp if NoteVerifier(self.name, self.public).verifies(signed, raw[12:]) else None
        )


class Witness:
    """A witness's Ed25519 key: signs cosignature lines."""

    def __init__(self, name: str, seed: bytes) -> None:
        self._signer = NoteSigner(name, seed)  # validates the name; holds the seed
        self.key = WitnessKey(name, self._signer.verifier.public)

    def cosign(self, body: str, timestamp: int) -> str:
        """The cosignature line for a checkpoint's note body, made at ``timestamp``."""
        if not 0 <= timestamp <= MAX_TIMESTAMP:
            raise ValueError("a cosignature's timestamp is a POSIX time in 0 to 2^63 - 1")
        note_line = self._signer.signature_line(message(body, timestamp))
        signature = base64.b64decode(note_line.rsplit(" ", 1)[1])[4:]
        raw = self.key.key_id + timestamp.to_bytes(8, "big") + signature
        return f"{DASH} {self.key.name} {base64.b64encode(raw).decode()}\n"


@dataclass(frozen=True)
class Cosigned:
    witness: WitnessKey
    timestamp: int


def cosignatures(note: str, keys: Sequence[WitnessKey]) -> list[Cosigned]:
    """The known witnesses whose cosignature on this note verifies (others are ignored)."""
    try:
        body, lines = split_note(note)
    except NoteError:
        return []
    found: dict[bytes, Cosigned] = {}
    for name, raw in lines:
        for key in keys:
            if key.name == name and key.key_id not in found:
                timestamp = key.verifies(body, raw)
                if timestamp is not None:
                    found[key.key_id] = Cosigned(key, timestamp)
    return list(found.values())


def parse_line(line: str) -> tuple[str, bytes]:
    """A signature line's key name and raw bytes; ValueError if it is not one."""
    parts = line.rstrip("\n").split(" ")
    if len(parts) != 3 or parts[0] != DASH or not parts[1] or "\n" in line.rstrip("\n"):
        raise ValueError("not a signature line: '— <name> <base64>'")
    try:
        return parts[1], base64.b64decode(parts[2], validate=True)
    except binascii.Error as exc:
        raise ValueError("the signature line's signature is not base64") from exc
