"""The resource server: ``Authenticator``s for RFC 9068 JWT access tokens, and the composite
that also accepts the first release's bearer credentials while a setting allows.

``JwtAuthenticator`` checks, in order, and refuses with one opaque ``NotAuthenticated`` (the
reason goes to the audit entry only):

1. the issuer is one we trust (our own, or the configured external IdP), read from the
   unverified token only to choose its keys;
2. the header: ``typ`` (``at+jwt``), ``alg`` in that issuer's allow-list (so ``none`` and
   HS256-with-a-public-key never reach a key), no ``jku``/``x5u``/``jwk`` honoured;
3. the signature against that issuer's keys (an unknown ``kid`` may refetch a remote JWKS);
4. the claims against the hub's clock: ``iss``, ``aud``, ``exp``, ``nbf``, ``iat``,
   ``client_id``, ``jti``;
5. the client is registered and neither it nor its authority is revoked; the caller's scopes
   are the token's, within the client's registration and the authority's role.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import ClaimsOption
from sqlmodel import Session

from hub.errors import NotAuthenticated
from hub.identity.bearer import PREFIX as LEGACY_PREFIX
from hub.identity.interfaces import Authenticator, Caller, parse_scopes
from hub.identity.oauth_server import find_client
from hub.identity.tokens import ACCESS_TOKEN_TYPES

Clock = Callable[[], datetime]


class KeySource(Protocol):
    def key_set(self, kid: str | None) -> KeySet:
        """The keys to verify a token whose header names ``kid``."""
        ...


class StaticKeys:
    """Keys known at start-up (the hub's own signing keyring)."""

    def __init__(self, jwks: dict[str, list[dict[str, Any]]]) -> None:
        self._keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # JWKs as dicts

    def key_set(self, kid: str | None) -> KeySet:
        return self._keys


@dataclass(frozen=True)
class TrustedIssuer:
    issuer: str
    keys: KeySource
    algorithms: tuple[str, ...]
    token_types: frozenset[str] = ACCESS_TOKEN_TYPES


def bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("no bearer token")
    return token.strip()


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        payload = json.loads(compact.payload)
    except (JoseError, ValueError, UnicodeError) as exc:
        raise NotAuthenticated("not a JWT") from exc
    if not isinstance(payload, dict):
        raise NotAuthenticated("JWT payload is not an object")
    return compact.headers(), payload


class JwtAuthenticator:
    """The ``Authenticator`` for JWT access tokens from the issuers in ``trusted``."""

    def __init__(
        self, trusted: Sequence[TrustedIssuer], audience: str, clock: Clock, leeway: int = 30
    ) -> None:
        self._trusted = {t.issuer: t for t in trusted}
        self.audience, self.clock, self.leeway = audience, clock, leeway

    def authenticate(self, session: Session, authorization: str | None) -> Caller:
        claims = self.verify(bearer_token(authorization))
        return self._caller(session, claims)

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims once every check has passed; else ``NotAuthenticated``."""
        header, unverified = _unverified(token)
        trusted = self._trusted.get(str(unverified.get("iss")))
        if trusted is None:
            raise NotAuthenticated("issuer not trusted")
        self._check_header(header, trusted)
        kid = header.get("kid") if isinstance(header.get("kid"), str) else None
        try:
            verified = jwt.decode(
                token, trusted.keys.key_set(kid), algorithms=list(trusted.algorithms)
            )
        except (JoseError, ValueError) as exc:
            raise NotAuthenticated(f"signature: {type(exc).__name__}") from exc
        self._check_claims(verified.claims, trusted.issuer)
        return verified.claims

    def _check_header(self, header: dict[str, Any], trusted: TrustedIssuer) -> None:
        if str(header.get("typ", "")).lower() not in trusted.token_types:
            raise NotAuthenticated("token type is not at+jwt")
        if header.get("alg") not in trusted.algorithms:
            raise NotAuthenticated(f"algorithm {str(header.get('alg'))[:16]!r} not allowed")

    def _check_claims(self, claims: dict[str, Any], issuer: str) -> None:
        essential: ClaimsOption = {"essential": True}
        registry = jwt.JWTClaimsRegistry(
            now=int(self.clock().timestamp()),
            leeway=self.leeway,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": self.audience},
            exp=essential,
            iat=essential,
            jti=essential,
            client_id=essential,
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise NotAuthenticated(f"claims: {exc.error}") from exc

    def _caller(self, session: Session, claims: dict[str, Any]) -> Caller:
        client = find_client(session, claims.get("client_id"))
        if client is None:
            raise NotAuthenticated("client unknown or revoked")
        scope = claims.get("scope")
        granted = parse_scopes(scope if isinstance(scope, str) else "") & client.allowed_scopes()
        row = client.row
        return Caller(row.authority, client.role, granted, client=row.client_id)


class CompositeAuthenticator:
    """JWT access tokens, and while ``legacy`` is set the ``hw1.`` bearer credentials."""

    def __init__(self, tokens: Authenticator, legacy: Authenticator | None) -> None:
        self.tokens, self.legacy = tokens, legacy

    def authenticate(self, session: Session, authorization: str | None) -> Caller:
        if not bearer_token(authorization).startswith(f"{LEGACY_PREFIX}."):
            return self.tokens.authenticate(session, authorization)
        if self.legacy is None:
            raise NotAuthenticated("legacy bearer credentials are switched off")
        return self.legacy.authenticate(session, authorization)
