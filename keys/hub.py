"""The hub's own secret: re-keys every incoming match-key token before it is stored.

A stolen hub database then needs both the shared secret and the hub key to map tokens to people.

Versions chain. A token's digest under version 1 is ``HMAC(k1, type|epoch|token)[:16]``; under
version ``v > 1`` it is ``HMAC(c_v, digest under v-1)[:16]``, ``c_v`` derived from version
``v``'s secret. So the hub moves a stored digest to a newer version without the token it came
from (``forward``), which is what makes re-keying a stored database possible at all (the digests
are one-way); and a digest under the newest version needs every version's secret, so a leaked
older hub key maps nothing once the database has been moved past it. The price: no version can
ever be dropped from the keyring (every new token starts at version 1).
"""

from collections.abc import Iterable, Mapping

from keys import _primitives
from keys.keyring import Token

SEALED_PREFIX = "sealed."


class HubKey:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < _primitives.SECRET_BYTES:
            raise ValueError("hub secret shorter than 32 bytes")
        # Prepared once: a national sync re-keys over a million tokens.
        self._rekey_mac = _primitives.PreparedHmacSha256(
            _primitives.hkdf_sha256(secret, salt=b"homeward/hub", info=b"rekey v1")
        )
        self._credential_key = _primitives.hkdf_sha256(
            secret, salt=b"homeward/hub", info=b"credential v1"
        )
        self._chain_key = _primitives.hkdf_sha256(secret, salt=b"homeward/hub", info=b"chain v1")
        self._seal_key = _primitives.hkdf_sha256(secret, salt=b"homeward/hub", info=b"seal v1")
        self._session_key = _primitives.hkdf_sha256(
            secret, salt=b"homeward/hub", info=b"web session v1"
        )

    @classmethod
    def generate(cls) -> "HubKey":
        return cls(_primitives.random_secret())

    def rekey(self, token: Token) -> bytes:
        """16-byte digest under the hub key; includes key type and epoch for domain separation."""
        message = f"{token.key_type}\x1f{token.epoch}\x1f{token.value}".encode("ascii")
        return self._rekey_mac.digest(message)[:16]

    def rekey_many(self, tokens: Iterable[tuple[str, int, str]]) -> list[bytes]:
        """``rekey`` of many (key type, epoch, value) at once, in order: a sync's million."""
        mac = self._rekey_mac.digest
        return [mac(f"{t}\x1f{e}\x1f{v}".encode("ascii"))[:16] for t, e, v in tokens]

    def chain(self, digest: bytes) -> bytes:
        """The digest one version on: this version's key over the previous version's digest."""
        return _primitives.hmac_sha256(self._chain_key, b"homeward hub chain\x1f" + digest)[:16]

    def credential_digest(self, credential: str) -> bytes:
        return _primitives.hmac_sha256(self._credential_key, credential.encode("utf-8"))

    @staticmethod
    def new_credential_secret() -> str:
        return _primitives.b64encode(_primitives.random_secret())

    @staticmethod
    def same_digest(a: bytes, b: bytes) -> bool:
        return _primitives.constant_time_equal(a, b)

    def seal(self, plaintext: bytes, associated: bytes) -> bytes:
        """AES-256-GCM under this version's sealing key, bound to ``associated``."""
        return _primitives.aead_seal(self._seal_key, plaintext, associated)

    def open(self, sealed: bytes, associated: bytes) -> bytes | None:
        return _primitives.aead_open(self._seal_key, sealed, associated)

    def web_session_secret(self) -> str:
        """The key that signs web session cookies when none is configured (development): every
        process reading this hub key derives the same one, and it reveals nothing of the others."""
        return _primitives.b64encode(self._session_key)


class HubKeyring:
    """Ordered versions of the hub key (1, 2, ... with no gap), like the councils' shared
    keyring: the newest version issues credentials and every version still verifies one.
    ``version`` is the version tokens are stored under: the newest, unless ``at`` chose the
    one the database is at (a rotation is under way until ``homeward hub rekey`` has moved
    every stored digest). An empty keyring is a constructor error."""

    def __init__(self, versions: Mapping[int, bytes], storing: int | None = None) -> None:
        if not versions:
            raise ValueError("a hub keyring needs at least one version")
        if sorted(versions) != list(range(1, len(versions) + 1)):
            raise ValueError("hub key versions start at 1, with none missing (they chain)")
        self._secrets = dict(sorted(versions.items()))
        self._keys = {v: HubKey(secret) for v, secret in self._secrets.items()}
        self.newest = max(self._keys)
        self.current = self._keys[self.newest]
        self.version = self.newest if storing is None else storing
        if self.version not in self._keys:
            raise ValueError(f"no hub key version {self.version} in this keyring")

    def at(self, version: int) -> "HubKeyring":
        """This keyring storing under ``version`` (the version the database is at)."""
        return HubKeyring(self._secrets, storing=version)

    @property
    def versions(self) -> list[int]:
        return list(self._keys)

    def rekey(self, token: Token, version: int | None = None) -> bytes:
        """The token's digest under ``version`` (default: the storing version)."""
        return self.forward(self._keys[1].rekey(token), 1, version or self.version)

    def rekey_many(self, tokens: Iterable[tuple[str, int, str]]) -> list[bytes]:
        """``rekey`` of many (key type, epoch, value) under the storing version, in order."""
        digests = self._keys[1].rekey_many(tokens)
        if self.version == 1:
            return digests
        return [self.forward(digest, 1, self.version) for digest in digests]

    def forward(self, digest: bytes, from_version: int, to_version: int) -> bytes:
        """A digest stored under ``from_version`` moved to ``to_version`` (not before it)."""
        if to_version < from_version:
            raise ValueError("a digest moves forward only: the chain is one-way")
        for v in range(from_version + 1, to_version + 1):
            digest = self._keys[v].chain(digest)
        return digest

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

    def web_session_secret(self) -> str:
        return self.current.web_session_secret()

    def seal(self, plaintext: str, associated: str) -> str:
        """``plaintext`` sealed at rest under the newest version (a secret the hub must use
        again, such as a webhook signing secret): ``sealed.v<version>.<base64url>``. A stolen
        database without the hub key file does not open it; ``associated`` binds it to its row."""
        box = self._keys[self.newest].seal(plaintext.encode(), associated.encode())
        return f"{SEALED_PREFIX}v{self.newest}.{_primitives.b64encode(box)}"

    def open(self, sealed: str, associated: str) -> str:
        """The plaintext of ``seal``; ``ValueError`` if this keyring did not seal it for
        ``associated`` (another hub's key, a tampered value, a row it was not sealed for)."""
        version, _, box = sealed.removeprefix(SEALED_PREFIX).partition(".")
        key = self._keys.get(int(version[1:])) if version[1:].isdigit() else None
        opened = None if key is None else key.open(_primitives.b64decode(box), associated.encode())
        if not sealed.startswith(SEALED_PREFIX) or opened is None:
            raise ValueError("a sealed value this hub key did not seal (or one tampered with)")
        return opened.decode()

    @staticmethod
    def is_sealed(value: str) -> bool:
        return value.startswith(SEALED_PREFIX)
