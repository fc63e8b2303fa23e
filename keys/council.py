"""A council's own secret: sealed child ids and opaque record references.

The hub stores the sealed child id and hands it back in notifications; only the council that
sealed it can open it. Record references are stable (so upserts and removals work) but reveal
nothing without the council's key. Both are lower-case hex, like match-key tokens: opaque values
never contain a word that could be mistaken for, or hide, a name.
"""

from keys import _primitives

SEAL_PREFIX = "s1."


class SealedIdError(ValueError):
    """The sealed id was not made by this council's key (or was altered)."""


class CouncilKey:
    def __init__(self, secret: bytes, authority: str) -> None:
        if len(secret) < _primitives.SECRET_BYTES:
            raise ValueError("council secret shorter than 32 bytes")
        self.authority = authority
        self._seal_key = _primitives.hkdf_sha256(secret, salt=b"homeward/council", info=b"seal")
        self._ref_key = _primitives.hkdf_sha256(secret, salt=b"homeward/council", info=b"ref")
        self._local_key = _primitives.hkdf_sha256(
            secret, salt=b"homeward/council", info=b"local-files"
        )

    @classmethod
    def generate(cls, authority: str) -> "CouncilKey":
        return cls(_primitives.random_secret(), authority)

    def _context(self) -> bytes:
        return f"homeward child id {self.authority}".encode()

    def seal(self, child_id: str, nonce: bytes | None = None) -> str:
        box = _primitives.aead_seal(
            self._seal_key, child_id.encode("utf-8"), self._context(), nonce
        )
        return SEAL_PREFIX + box.hex()

    def open(self, sealed: str) -> str:
        if not sealed.startswith(SEAL_PREFIX):
            raise SealedIdError("not a sealed child id")
        try:
            box = bytes.fromhex(sealed.removeprefix(SEAL_PREFIX))
        except ValueError as exc:
            raise SealedIdError("not a sealed child id") from exc
        plaintext = _primitives.aead_open(self._seal_key, box, self._context())
        if plaintext is None:
            raise SealedIdError("sealed by another council's key, or altered")
        return plaintext.decode("utf-8")

    def seal_local(self, document: str, purpose: str) -> str:
        """Seal a document the connector keeps on its own disk (e.g. a queued report), so the
        file holds no match key in clear; ``purpose`` binds it to its use."""
        box = _primitives.aead_seal(self._local_key, document.encode("utf-8"), self._local(purpose))
        return SEAL_PREFIX + box.hex()

    def open_local(self, sealed: str, purpose: str) -> str:
        """A document sealed by ``seal_local`` for ``purpose``; SealedIdError otherwise."""
        try:
            box = bytes.fromhex(sealed.removeprefix(SEAL_PREFIX))
        except ValueError as exc:
            raise SealedIdError("not a sealed document") from exc
        plaintext = _primitives.aead_open(self._local_key, box, self._local(purpose))
        if plaintext is None or not sealed.startswith(SEAL_PREFIX):
            raise SealedIdError("sealed by another council's key, or altered")
        return plaintext.decode("utf-8")

    def _local(self, purpose: str) -> bytes:
        return f"homeward local {purpose} {self.authority}".encode()

    def record_ref(self, kind: str, local_id: str) -> str:
        """Stable opaque reference for one of this council's records (child or episode)."""
        digest = _primitives.hmac_sha256(self._ref_key, f"{kind}\x1f{local_id}".encode())
        return digest[:16].hex()
