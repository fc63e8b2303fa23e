"""The shared secret, one per key epoch, and the match-key tokens derived from it.

The newest epoch derives; every epoch can still derive (for the rotation overlap window): a
connector sends tokens under every epoch its keyring holds, so between installing a new epoch
and retiring the old one it sends both side by side. Every token carries its epoch.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from keys import _primitives

HKDF_SALT = b"homeward/matchkeys"
SPEC_VERSION = "v1"
# A key type no identifier is ever derived under: the token of a fixed canary under it tells
# whether two keyrings hold the same secret for an epoch, and nothing else.
FINGERPRINT_KEY_TYPE = "keyring_fingerprint"
FINGERPRINT_CANARY = "homeward keyring canary v1"


class EmptyKeyringError(ValueError):
    """A keyring needs at least one epoch."""


@dataclass(frozen=True, slots=True)
class Token:
    """One match key: key type, key epoch and the HMAC token (lower-case hex)."""

    key_type: str
    epoch: int
    value: str


def subkey_info(key_type: str) -> bytes:
    return f"homeward matchkey {SPEC_VERSION} {key_type}".encode("ascii")


class MatchKeyDeriver:
    """Derives tokens for one epoch; subkeys are derived once per key type and cached."""

    def __init__(self, secret: bytes, epoch: int) -> None:
        self._secret = secret
        self.epoch = epoch
        self._subkeys: dict[str, bytes] = {}
        self._macs: dict[str, _primitives.PreparedHmacSha256] = {}

    def subkey(self, key_type: str) -> bytes:
        found = self._subkeys.get(key_type)
        if found is None:
            found = _primitives.hkdf_sha256(
                self._secret, salt=HKDF_SALT, info=subkey_info(key_type)
            )
            self._subkeys[key_type] = found
        return found

    def _mac(self, key_type: str) -> _primitives.PreparedHmacSha256:
        found = self._macs.get(key_type)
        if found is None:
            found = self._macs[key_type] = _primitives.PreparedHmacSha256(self.subkey(key_type))
        return found

    def token(self, key_type: str, normalised: str) -> Token:
        return Token(key_type, self.epoch, self.token_value(key_type, normalised))

    def token_value(self, key_type: str, normalised: str) -> str:
        """The value of ``token()``: lower-case hex HMAC-SHA256 of the UTF-8 string, subkeyed."""
        mac = self._macs.get(key_type) or self._mac(key_type)
        return mac.hex_digest(normalised)

    def token_values(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Bulk ``token_value()``: (key type, normalised) -> (key type, token), no Token objects."""
        macs = self._macs
        out: list[tuple[str, str]] = []
        for key_type, normalised in pairs:
            mac = macs.get(key_type) or self._mac(key_type)
            out.append((key_type, mac.hex_digest(normalised)))
        return out

    def token_function(self, key_type: str) -> Callable[[str], str]:
        """``token_value`` with the key type bound: the connector's per-record fast path."""
        return self._mac(key_type).hex_function()

    def tokens_function(
        self, key_types: Iterable[str]
    ) -> Callable[[Iterable[tuple[str, str]]], list[tuple[str, str]]]:
        """``token_values`` for ``key_types`` with their HMACs prepared once: the connector's
        per-record fast path (one loop over a record's keys, no call per token)."""
        return _primitives.tagged_hex_function({t: self._mac(t) for t in key_types})


class SharedKeyring:
    """Ordered epochs of the shared secret. Held by councils only, never by the hub."""

    def __init__(self, secrets: Mapping[int, bytes]) -> None:
        if not secrets:
            raise EmptyKeyringError("a shared keyring needs at least one key epoch")
        for epoch, secret in secrets.items():
            if len(secret) < _primitives.SECRET_BYTES:
                raise ValueError(f"epoch {epoch}: secret shorter than 32 bytes")
        self._secrets = dict(sorted(secrets.items()))

    @classmethod
    def generate(cls, epoch: int = 1) -> "SharedKeyring":
        return cls({epoch: _primitives.random_secret()})

    def rotated(self, epoch: int | None = None) -> "SharedKeyring":
        """A keyring with a fresh newest epoch added (older epochs kept for the overlap)."""
        new_epoch = epoch if epoch is not None else self.newest_epoch + 1
        if new_epoch <= self.newest_epoch:
            raise ValueError(f"new epoch {new_epoch} must be after {self.newest_epoch}")
        return SharedKeyring({**self._secrets, new_epoch: _primitives.random_secret()})

    def with_epoch(self, epoch: int, secret: bytes) -> "SharedKeyring":
        """This keyring with ``epoch`` installed (the same secret again changes nothing; another
        secret under an epoch it holds is refused: tokens would silently stop matching)."""
        held = self._secrets.get(epoch)
        if held is not None and not _primitives.constant_time_equal(held, secret):
            raise ValueError(f"epoch {epoch} is already installed with another secret")
        return SharedKeyring({**self._secrets, epoch: secret})

    def without_epoch(self, epoch: int) -> "SharedKeyring":
        """This keyring with ``epoch`` retired (its secret destroyed); the last one stays."""
        if epoch not in self._secrets:
            raise ValueError(f"epoch {epoch} is not in this keyring")
        return SharedKeyring({e: s for e, s in self._secrets.items() if e != epoch})

    @property
    def epochs(self) -> list[int]:
        return list(self._secrets)

    @property
    def newest_epoch(self) -> int:
        return next(reversed(self._secrets))

    def secret(self, epoch: int) -> bytes:
        return self._secrets[epoch]

    def fingerprint(self, epoch: int) -> str:
        """A keyed fingerprint of one epoch's secret: equal for the same secret, unlinkable to
        any match key, and safe to keep beside the data it was used for."""
        return self.deriver(epoch).token_value(FINGERPRINT_KEY_TYPE, FINGERPRINT_CANARY)

    def deriver(self, epoch: int | None = None) -> MatchKeyDeriver:
        chosen = self.newest_epoch if epoch is None else epoch
        return MatchKeyDeriver(self._secrets[chosen], chosen)
