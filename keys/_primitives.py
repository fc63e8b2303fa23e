"""Raw primitives. Nothing outside ``keys/`` may import this module (ruff TID251 bans the
underlying libraries elsewhere)."""

import base64
import hashlib
import hmac  # noqa: TID251 - this module is the one allowed home of raw primitives
import os

from cryptography.exceptions import InvalidTag  # noqa: TID251
from cryptography.hazmat.primitives import hashes  # noqa: TID251
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: TID251
from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: TID251

SECRET_BYTES = 32
NONCE_BYTES = 12


def random_secret() -> bytes:
    return os.urandom(SECRET_BYTES)


def hkdf_sha256(secret: bytes, *, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha256")


def constant_time_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


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
