"""Raw primitives. Nothing outside ``keys/`` may import this module (ruff TID251 bans the
underlying libraries elsewhere)."""

import base64
import hashlib
import hmac  # noqa: TID251 - this module is the one allowed home of raw primitives
import os
from collections.abc import Callable, Iterable

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hpke  # noqa: TID251
from cryptography.hazmat.primitives.asymmetric.ed25519 import (  # noqa: TID251
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (  # noqa: TID251
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: TID251
from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: TID251
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # noqa: TID251

SECRET_BYTES = 32
NONCE_BYTES = 12


def random_secret() -> bytes:
    return os.urandom(SECRET_BYTES)


def hkdf_sha256(secret: bytes, *, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha256")


_BLOCK = 64  # SHA-256 block size in bytes
_IPAD = bytes(b ^ 0x36 for b in range(256))
_OPAD = bytes(b ^ 0x5C for b in range(256))


class PreparedHmacSha256:
    """HMAC-SHA256 (RFC 2104) under one fixed key, with the two padded-key states hashed once.

    Same bytes as ``hmac_sha256(key, message)`` at about half the cost per message: the
    connector derives millions of match-key tokens under a handful of subkeys.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = (hashlib.sha256(key).digest() if len(key) > _BLOCK else key).ljust(_BLOCK, b"\0")
        self._inner = hashlib.sha256(block.translate(_IPAD))
        self._outer = hashlib.sha256(block.translate(_OPAD))
        if self.digest(b"self-test") != hmac_sha256(key, b"self-test"):
            raise RuntimeError("prepared HMAC-SHA256 disagrees with the library")

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def hex_digest(self, text: str) -> str:
        """Lower-case hex of ``digest(utf8(text))``."""
        inner = self._inner.copy()
        inner.update(text.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def hex_function(self) -> Callable[[str], str]:
        """``hex_digest`` as a closure over local state: the match-key token fast path."""
        inner_copy, outer_copy = self._inner.copy, self._outer.copy

        def hex_digest(text: str) -> str:
            inner = inner_copy()
            inner.update(text.encode())
            outer = outer_copy()
            outer.update(inner.digest())
            return outer.hexdigest()

        return hex_digest


def tagged_hex_function(
    macs: dict[str, PreparedHmacSha256],
) -> Callable[[Iterable[tuple[str, str]]], list[tuple[str, str]]]:
    """(tag, text) pairs -> (tag, ``macs[tag].hex_digest(text)``) pairs, in one loop."""
    states = {tag: (mac._inner.copy, mac._outer.copy) for tag, mac in macs.items()}

    def tagged(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for tag, text in pairs:
            inner_copy, outer_copy = states[tag]
            inner = inner_copy()
            inner.update(text.encode())
            outer = outer_copy()
            outer.update(inner.digest())
            out.append((tag, outer.hexdigest()))
        return out

    return tagged


def constant_time_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def aead_seal(key: bytes, plaintext: bytes, associated: bytes, nonce: bytes | None = None) -> bytes:
    nonce = nonce if nonce is not None else os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def aead_open(key: bytes, sealed: bytes, associated: bytes) -> bytes | None:
    """Return the plaintext, or None when the box was not sealed by this key for this context."""
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated)
    except (InvalidTag, ValueError):
        return None


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ed25519_sign(private_key: bytes, message: bytes) -> bytes:
    """A raw Ed25519 signature (64 bytes) under a 32-byte private key."""
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)


def ed25519_public(private_key: bytes) -> bytes:
    """The raw 32-byte public key of a 32-byte Ed25519 private key."""
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def ed25519_verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# Passphrase protection of key files: scrypt (RFC 7914) -> AES-256-GCM.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


def scrypt_key(
    passphrase: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def random_bytes(length: int) -> bytes:
    return os.urandom(length)


# HPKE (RFC 9180), base mode, single shot: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM.
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
X25519_BYTES = 32


def x25519_generate() -> tuple[bytes, bytes]:
    """A new X25519 key pair as (private, public) raw 32-byte strings."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def x25519_public(private: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def hpke_seal(public: bytes, plaintext: bytes, info: bytes) -> bytes:
    """``enc || ciphertext`` to the X25519 public key, bound to ``info``."""
    return _SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(public), info=info)


def hpke_open(private: bytes, sealed: bytes, info: bytes) -> bytes | None:
    """The plaintext, or None when not sealed to this key for this ``info`` (or altered)."""
    try:
        return _SUITE.decrypt(sealed, X25519PrivateKey.from_private_bytes(private), info=info)
    except (InvalidTag, ValueError):
        return None
