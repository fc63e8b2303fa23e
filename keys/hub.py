"""The hub's own secret: re-keys every incoming match-key token before it is stored.

A stolen hub database then needs both the shared secret and the hub key to map tokens to people.
"""

from keys import _primitives
from keys.keyring import Token


class HubKey:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < _primitives.SECRET_BYTES:
            raise ValueError("hub secret shorter than 32 bytes")
        self._key = _primitives.hkdf_sha256(secret, salt=b"homeward/hub", info=b"rekey v1")
        self._credential_key = _primitives.hkdf_sha256(
            secret, salt=b"homeward/hub", info=b"credential v1"
        )

    @classmethod
    def generate(cls) -> "HubKey":
        return cls(_primitives.random_secret())

    def rekey(self, token: Token) -> bytes:
        """16-byte digest under the hub key; includes key type and epoch for domain separation."""
        message = f"{token.key_type}\x1f{token.epoch}\x1f{token.value}".encode("ascii")
        return _primitives.hmac_sha256(self._key, message)[:16]

    def credential_digest(self, credential: str) -> bytes:
        return _primitives.hmac_sha256(self._credential_key, credential.encode("utf-8"))

    @staticmethod
    def new_credential_secret() -> str:
        return _primitives.b64encode(_primitives.random_secret())

    @staticmethod
    def same_digest(a: bytes, b: bytes) -> bool:
        return _primitives.constant_time_equal(a, b)
