"""Signing people in with OpenID Connect (authorization code flow with PKCE), Authlib's client.

Each authority's people sign in at their own issuer (``web_issuers`` in the settings); the hub is
a confidential client there. The issuer's ``iss`` decides the authority: an issuer configured
for one council cannot sign anyone in for another. The ID token is verified against the issuer's
published keys (joserfc), with the nonce sent at the start.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx2 as httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from hub.errors import NotAuthenticated
from hub.settings import HubSettings

ALGORITHMS = ["ES256", "RS256", "EdDSA"]


class SignInFailed(NotAuthenticated):
    """The issuer's answer did not prove who the person is (the reason goes to the audit log)."""


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """What the hub keeps (in a signed cookie) between sending a person to their issuer and
    their return: which authority, and the one-time state, nonce and PKCE verifier."""

    authority: str
    state: str
    nonce: str
    verifier: str


class OpenIdClient:
    def __init__(self, settings: HubSettings, http: Callable[[], httpx.Client] | None = None):
        self.issuers = dict(settings.web_issuers)
        self.client_id, self.secret = settings.web_client_id, settings.web_client_secret
        self.leeway = settings.clock_leeway_seconds
        self.http = http or (lambda: httpx.Client(timeout=10, follow_redirects=False))
        self._metadata: dict[str, dict[str, Any]] = {}

    def issuer_of(self, authority: str) -> str | None:
        return self.issuers.get(authority)

    def metadata(self, issuer: str) -> dict[str, Any]:
        if issuer not in self._metadata:
            with self.http() as http:
                answer = http.get(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
                answer.raise_for_status()
                found: dict[str, Any] = answer.json()
            if found.get("issuer") != issuer:
                raise SignInFailed("issuer metadata names another issuer")
            self._metadata[issuer] = found
        return self._metadata[issuer]

    def _client(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            client_id=self.client_id,
            client_secret=self.secret,
            scope="openid profile",
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=10,
        )

    def begin(
        self, authority: str, redirect_uri: str, login_hint: str | None
    ) -> tuple[str, PendingSignIn]:
        """The issuer's authorization URL to send the person to, and what to keep until they
        come back."""
        issuer = self.issuers[authority]
        pending = PendingSignIn(
            authority,
            secrets.token_urlsafe(24),
            secrets.token_urlsafe(24),
            secrets.token_urlsafe(48),
        )
        extra = {"login_hint": login_hint} if login_hint else {}
        with self._client(redirect_uri) as client:
            url, _state = client.create_authorization_url(
                self.metadata(issuer)["authorization_endpoint"],
                state=pending.state,
                nonce=pending.nonce,
                code_verifier=pending.verifier,
                **extra,
            )
        return str(url), pending

    def finish(
        self, pending: PendingSignIn, code: str, redirect_uri: str, now: datetime
    ) -> dict[str, Any]:
        """Exchange the code, verify the ID token; returns its claims."""
        issuer = self.issuers[pending.authority]
        meta = self.metadata(issuer)
        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(
                    meta["token_endpoint"], code=code, code_verifier=pending.verifier
                )
            with self.http() as http:
                keys = KeySet.import_key_set(http.get(meta["jwks_uri"]).json())
            decoded = jwt.decode(token["id_token"], keys, algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                now=int(now.timestamp()),
                leeway=self.leeway,
                iss={"essential": True, "value": issuer},
                aud={"essential": True, "value": self.client_id},
                nonce={"essential": True, "value": pending.nonce},
                sub={"essential": True},
                exp={"essential": True},
            ).validate(decoded.claims)
        except OAuthError as exc:
            raise SignInFailed(f"token request refused: {exc.error}") from exc
        except (JoseError, KeyError, ValueError, httpx.HTTPError) as exc:
            raise SignInFailed(f"id token refused: {type(exc).__name__}") from exc
        return dict(decoded.claims)
