"""JWT signing keys as JWKs (RFC 7517): the hub's versioned access-token signing keyring and a
connector's OAuth2 client key (``private_key_jwt``).

Keys are made and serialised with joserfc; this module is the only place that generates them.
Private halves are written owner-read-only (0600); only public JWKs are meant to be shared.

- ``SigningKeyring``: ordered versions of the hub's signing key; the newest signs, every
  version is published in the JWKS (so tokens signed before a rotation still verify until
  that version is retired), and an empty keyring is a constructor error. Each version's
  ``kid`` names its version; a retired version's number is never reused.
- ``write_client_key``: a new client key pair, the private JWK written atomically and never
  over an existing file, and its public JWK beside it.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from joserfc.jwk import ECKey, OKPKey

from keys.files import KeyFileError, check_private, read_document, write_document

SIGNING_KIND = "homeward-hub-signing-keys"
ALGORITHMS = ("Ed25519", "ES256")  # RFC 9864 fully-specified EdDSA, and ECDSA P-256
DEFAULT_ALGORITHM = "Ed25519"
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "k", "oth"})
Jwk = dict[str, Any]


def new_private_jwk(alg: str = DEFAULT_ALGORITHM, kid: str | None = None) -> Jwk:
    """A fresh private JWK for ``alg``; its ``kid`` defaults to the RFC 7638 thumbprint."""
    if alg == "Ed25519":
        key: OKPKey | ECKey = OKPKey.generate_key("Ed25519")
    elif alg == "ES256":
        key = ECKey.generate_key("P-256")
    else:
        raise ValueError(f"unsupported signing algorithm {alg!r}; use one of {ALGORITHMS}")
    document: Jwk = dict(key.as_dict(private=True))
    document.update(alg=alg, use="sig", kid=kid or key.thumbprint())
    return document


def public_jwk(jwk: Mapping[str, Any]) -> Jwk:
    """The public half of ``jwk`` (no private members)."""
    return {k: v for k, v in jwk.items() if k not in PRIVATE_MEMBERS}


def is_private(jwk: Mapping[str, Any]) -> bool:
    return any(k in jwk for k in PRIVATE_MEMBERS)


@dataclass(frozen=True)
class SigningKeyring:
    """Versions of the hub's signing key, oldest first; ``kid`` ``hub-v<n>-<thumbprint>``.

    ``created`` records when each version (by ``kid``) was added, so a retirement can tell
    whether tokens signed by the version it would drop may still be outstanding."""

    versions: tuple[Jwk, ...]
    created: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.versions:
            raise ValueError("a signing keyring needs at least one version")
        if not all(is_private(v) and v.get("alg") in ALGORITHMS for v in self.versions):
            raise ValueError(f"every signing key must be a private {' or '.join(ALGORITHMS)} JWK")
        numbers = [version_of(v) for v in self.versions]
        if numbers != sorted(set(numbers)):
            raise ValueError("signing key versions must be distinct and oldest first")

    @classmethod
    def generate(
        cls, alg: str = DEFAULT_ALGORITHM, now: datetime | None = None
    ) -> "SigningKeyring":
        first = _versioned(1, alg)
        return cls((first,), _stamp({}, first, now))

    @property
    def newest(self) -> Jwk:
        """The private JWK that signs."""
        return self.versions[-1]

    @property
    def kids(self) -> list[str]:
        return [str(v["kid"]) for v in self.versions]

    @property
    def algorithms(self) -> list[str]:
        return sorted({str(v["alg"]) for v in self.versions})

    def public_jwks(self) -> dict[str, list[Jwk]]:
        """Every version's public key: what ``/.well-known/jwks.json`` publishes."""
        return {"keys": [public_jwk(v) for v in self.versions]}

    def rotated(self, alg: str | None = None, now: datetime | None = None) -> "SigningKeyring":
        """A new newest version, numbered after every version there ever was in this keyring
        (the older ones keep verifying until they are retired)."""
        jwk = _versioned(version_of(self.newest) + 1, alg or str(self.newest["alg"]))
        return SigningKeyring((*self.versions, jwk), _stamp(self.created, jwk, now))

    def retired(self, kid: str) -> "SigningKeyring":
        """This keyring without version ``kid``: tokens it signed are refused from then on.
        The newest version signs, so it cannot be retired (rotate first)."""
        if kid not in self.kids:
            raise ValueError(f"no signing key {kid!r}; the keys are {', '.join(self.kids)}")
        if kid == self.newest["kid"]:
            raise ValueError(f"{kid} is the newest signing key, which signs; rotate first")
        kept = tuple(v for v in self.versions if v["kid"] != kid)
        return SigningKeyring(kept, {k: t for k, t in self.created.items() if k != kid})

    def superseded_at(self, kid: str) -> datetime | None:
        """When the version after ``kid`` was added (from then on ``kid`` signed nothing);
        None for the newest, or when the file does not say."""
        after = self.kids.index(kid) + 1
        if after == len(self.kids) or self.kids[after] not in self.created:
            return None
        return datetime.fromisoformat(self.created[self.kids[after]])


def version_of(jwk: Mapping[str, Any]) -> int:
    """The version number a hub signing key's ``kid`` names (``hub-v<n>-...``)."""
    prefix, _, rest = str(jwk.get("kid", "")).partition("-v")
    number = rest.split("-", 1)[0]
    if prefix != "hub" or not number.isdigit():
        raise ValueError(f"not a versioned hub signing key id: {str(jwk.get('kid'))[:40]!r}")
    return int(number)


def _stamp(created: Mapping[str, str], jwk: Jwk, now: datetime | None) -> dict[str, str]:
    at = now or datetime.now(UTC)
    return {**created, str(jwk["kid"]): at.isoformat()}


def _versioned(version: int, alg: str) -> Jwk:
    jwk = new_private_jwk(alg)
    jwk["kid"] = f"hub-v{version}-{str(jwk['kid'])[:12]}"
    return jwk


def signing_key_path(hub_key_file: Path) -> Path:
    """Where the signing keyring lives by default: beside the hub key, in the hub key folder."""
    return hub_key_file.with_name("hub-signing.json")


def write_signing_keys(path: Path, keyring: SigningKeyring, *, replace: bool = False) -> None:
    """The keyring at ``path`` (0600, atomic); ``replace`` for a rotation of the same file."""
    document = {
        "kind": SIGNING_KIND,
        "versions": list(keyring.versions),
        "created": dict(keyring.created),
    }
    write_document(path, document, replace=replace)


def ensure_signing_keys(path: Path, alg: str = DEFAULT_ALGORITHM) -> bool:
    """Make a signing keyring at ``path`` unless there is one; True when it was made."""
    if path.exists():
        return False
    write_signing_keys(path, SigningKeyring.generate(alg))
    return True


def read_signing_keys(path: Path) -> SigningKeyring:
    document = read_document(path, SIGNING_KIND)
    versions, created = document.get("versions"), document.get("created", {})
    if not isinstance(versions, list) or not all(isinstance(v, dict) for v in versions):
        raise KeyFileError(f"{path}: no signing key versions")
    if not isinstance(created, dict):
        raise KeyFileError(f"{path}: 'created' must map key ids to times")
    try:
        return SigningKeyring(tuple(versions), {str(k): str(t) for k, t in created.items()})
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def change_signing_keys(
    path: Path, change: Callable[[SigningKeyring], SigningKeyring]
) -> tuple[SigningKeyring, SigningKeyring]:
    """Read the keyring at ``path``, apply ``change`` and write the result in its place
    (atomically, 0600); returns (before, after). A refused change writes nothing."""
    before = read_signing_keys(path)
    try:
        after = change(before)
    except ValueError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc
    write_signing_keys(path, after, replace=True)
    return before, after


@dataclass(frozen=True)
class ClientKeyFiles:
    private: Path
    public: Path


def write_client_key(folder: Path, alg: str = DEFAULT_ALGORITHM) -> ClientKeyFiles:
    """A new OAuth2 client key pair in ``folder``: ``client.key`` (private JWK, 0600, written
    atomically, never over an existing file) and ``client.jwk`` (the public JWK to register)."""
    files = ClientKeyFiles(folder / "client.key", folder / "client.jwk")
    for path in (files.private, files.public):
        if path.exists():
            raise KeyFileError(f"{path}: already exists; refusing to overwrite a key")
    private = new_private_jwk(alg)
    write_document(files.private, private)
    write_document(files.public, public_jwk(private), mode=0o644)
    return files


def _read_jwk(path: Path, what: str) -> Jwk:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{path}: not a readable {what} ({exc})") from exc
    if not isinstance(document, dict) or document.get("alg") not in ALGORITHMS:
        raise KeyFileError(f"{path}: expected a {what} ({' or '.join(ALGORITHMS)} JWK)")
    return document


def read_client_key(path: Path) -> Jwk:
    """A private client JWK (the file ``write_client_key`` wrote)."""
    check_private(path)
    document = _read_jwk(path, "private client key")
    if not is_private(document):
        raise KeyFileError(f"{path}: expected a private JWK (made by `homeward keys new-client`)")
    return document


def read_public_jwk(path: Path) -> Jwk:
    """A public JWK to register; a private key given by mistake is refused, not stripped."""
    document = _read_jwk(path, "public JWK")
    if is_private(document):
        raise KeyFileError(f"{path}: this is a PRIVATE key; register the public client.jwk")
    return document
