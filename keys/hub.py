"""The hub's own secret: re-keys every incoming match-key token before it is stored.

A stolen hub database then needs both the shared secret and the hub key to map tokens to people.
"""

from collections.abc import Mapping

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


class HubKeyring:
    """Ordered versions of the hub key, like the councils' shared keyring: the newest version
    re-keys and issues, every version still verifies a credential it issued. An empty keyring
    is a constructor error."""

    def __init__(self, versions: Mapping[int, bytes]) -> None:
        if not versions:
            raise ValueError("a hub keyring needs at least one version")
        if min(versions) < 1:
            raise ValueError("hub key versions start at 1")
        self._keys = {v: HubKey(secret) for v, secret in sorted(versions.items())}
        self.version = max(self._keys)
        self.current = self._keys[self.version]

    @property
    def versions(self) -> list[int]:
        return list(self._keys)

    def rekey(self, token: Token) -> bytes:
        """The token under the newest version (stored beside ``self.version``)."""
        return self.current.rekey(token)

    def credential_digest(self, credential: str) -> bytes:
        return self.current.credential_digest(credential)

    def verifies(self, credential: str, digest: bytes) -> bool:
        return any(
            HubKey.same_digest(digest, key.credential_digest(credential))
            for key in self._keys.values()
        )

    @staticmethod
    def new_credential_secret() -> str:
        return HubKey.new_credential_secret()
