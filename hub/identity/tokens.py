"""RFC 9068 JWT access tokens: what the hub signs, and the rules both sides of it agree on.

Our own values (no Authlib here): ``TokenRules`` from the settings, and ``AccessTokenSigner``,
which signs with the newest version of the hub's signing keyring (``typ: at+jwt``, ``kid`` of
that version). Validation is in jwt_auth.py.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from joserfc import jwk, jwt

from hub.identity.interfaces import Scope, scope_text
from hub.settings import HubSettings
from keys import SigningKeyring

ACCESS_TOKEN_TYPE = "at+jwt"
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})  # RFC 9068 section 4
TOKEN_PATH = "/oauth/token"
JWKS_PATH = "/.well-known/jwks.json"
METADATA_PATH = "/.well-known/oauth-authorization-server"
NewId = Callable[[], str]


@dataclass(frozen=True, slots=True)
class TokenRules:
    """Who we are, who tokens are for, and how long tokens and client assertions live."""

    issuer: str
    audience: str
    access_token_seconds: int = 300
    max_assertion_seconds: int = 300
    leeway_seconds: int = 30

    @classmethod
    def of(cls, settings: HubSettings) -> "TokenRules":
        return cls(
            issuer=settings.issuer,
            audience=settings.audience,
            access_token_seconds=settings.access_token_seconds,
            max_assertion_seconds=settings.max_assertion_seconds,
            leeway_seconds=settings.clock_leeway_seconds,
        )

    @property
    def token_endpoint(self) -> str:
        return self.issuer.rstrip("/") + TOKEN_PATH


def new_token_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    jti: str
    expires_in: int
    scope: str


class AccessTokenSigner:
    """Signs access tokens with the newest signing key; publishes every version's public key."""

    def __init__(
        self, keyring: SigningKeyring, rules: TokenRules, new_id: NewId = new_token_id
    ) -> None:
        self.keyring, self.rules, self._new_id = keyring, rules, new_id
        self._key = jwk.import_key(keyring.newest)
        self._alg = str(keyring.newest["alg"])

    @property
    def algorithms(self) -> list[str]:
        return self.keyring.algorithms

    def public_jwks(self) -> dict[str, list[dict[str, Any]]]:
        return self.keyring.public_jwks()

    def issue(self, client_id: str, scopes: frozenset[Scope], now: datetime) -> IssuedToken:
        issued_at, jti = int(now.timestamp()), self._new_id()
        lifetime, scope = self.rules.access_token_seconds, scope_text(scopes)
        claims = {
            "iss": self.rules.issuer,
            "sub": client_id,
            "aud": self.rules.audience,
            "client_id": client_id,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + lifetime,
            "jti": jti,
            "scope": scope,
        }
        header = {"typ": ACCESS_TOKEN_TYPE, "alg": self._alg, "kid": self.keyring.newest["kid"]}
        token = jwt.encode(header, claims, self._key, algorithms=[self._alg])
        return IssuedToken(token, jti, lifetime, scope)
