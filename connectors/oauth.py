"""How the connector proves who it is to the hub: an OAuth2 access token it obtains and
refreshes itself (client credentials, ``private_key_jwt``), or, for one more release, the
static bearer credential of the first release.

The client side is Authlib's: ``OAuth2ClientAuth`` (its httpx2 integration) signs each token
request with ``PrivateKeyJWT`` (RFC 7523). We subclass ``PrivateKeyJWT`` only so the assertion
takes its times from the connector's clock, lives 60 s (the hub refuses long-lived ones), has a
fresh ``jti`` each time (Authlib's stored ``claims`` would repeat one) and is addressed to the
hub's issuer (rfc7523bis), read from the hub's RFC 8414 metadata. The token request goes
through the same ``httpx.Client`` as every other request, so tests pass FastAPI's TestClient.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx2 as httpx
from authlib.integrations.httpx_client import OAuth2ClientAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from joserfc import jwk

from connectors.clock import Clock, utc_now

TOKEN_PATH = "/oauth/token"  # noqa: S105 - an endpoint path, not a password
METADATA_PATH = "/.well-known/oauth-authorization-server"
ASSERTION_SECONDS = 60
REFRESH_MARGIN = timedelta(seconds=30)  # fetch a new token this long before the old expires


class TokenRefused(Exception):
    """The token endpoint refused (``status``) or did not answer (None)."""

    def __init__(self, status: int | None, problem: str) -> None:
        super().__init__(problem)
        self.status, self.problem = status, problem

    @property
    def as_status(self) -> int | None:
        """A refused client (400/401/403: bad key, revoked, unknown) is a refused credential."""
        return 401 if self.status in (400, 401, 403) else self.status


class Credentials(Protocol):
    def authorization(self, http: httpx.Client) -> str:
        """The ``Authorization`` header value for the next request (may fetch a token)."""
        ...

    def forget(self) -> bool:
        """Drop a cached token after a 401; True when there was one (worth one retry)."""
        ...


class StaticBearer:
    """The first release's ``hw1.`` credential (accepted while the hub allows legacy bearer)."""

    def __init__(self, credential: str) -> None:
        self._header = f"Bearer {credential}"

    def authorization(self, http: httpx.Client) -> str:
        return self._header

    def forget(self) -> bool:
        return False


class HubAssertion(PrivateKeyJWT):  # type: ignore[misc]  # Authlib is untyped
    """``private_key_jwt`` with the connector's clock and a short, single-use assertion."""

    def __init__(self, audience: str, alg: str, clock: Clock) -> None:
        super().__init__(token_endpoint=audience, alg=alg)
        self.clock = clock

    def sign(self, auth: Any, token_endpoint: str) -> str:
        now = int(self.clock().timestamp())
        claims = {"iat": now, "exp": now + ASSERTION_SECONDS, "jti": uuid.uuid4().hex}
        return str(
            private_key_jwt_sign(
                auth.client_secret,
                client_id=auth.client_id,
                token_endpoint=token_endpoint,
                alg=self.alg,
                claims=claims,
            )
        )


@dataclass(frozen=True, slots=True)
class AccessToken:
    value: str
    expires_at: datetime
    scope: str

    def usable(self, now: datetime) -> bool:
        return now < self.expires_at - REFRESH_MARGIN


class ClientCredentials:
    """Obtains, caches and refreshes an access token for ``client_id``."""

    def __init__(
        self,
        client_id: str,
        private_jwk: dict[str, Any],
        *,
        scope: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.client_id, self.scope, self._clock = client_id, scope, clock
        self._key = jwk.import_key(private_jwk)
        self._alg = str(private_jwk["alg"])
        self._issuer: str | None = None
        self.token: AccessToken | None = None

    def authorization(self, http: httpx.Client) -> str:
        now = self._clock()
        if self.token is None or not self.token.usable(now):
            self.token = self._fetch(http, now)
        return f"Bearer {self.token.value}"

    def forget(self) -> bool:
        had, self.token = self.token is not None, None
        return had

    def _fetch(self, http: httpx.Client, now: datetime) -> AccessToken:
        auth = OAuth2ClientAuth(
            self.client_id, self._key, HubAssertion(self._audience(http), self._alg, self._clock)
        )
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        response = _answer(lambda: http.post(TOKEN_PATH, data=form, auth=auth))
        body = response.json()
        seconds = int(body.get("expires_in", 0))
        return AccessToken(body["access_token"], now + timedelta(seconds=seconds), body["scope"])

    def _audience(self, http: httpx.Client) -> str:
        """The hub's issuer identifier, from its metadata (read once)."""
        if self._issuer is None:
            self._issuer = str(_answer(lambda: http.get(METADATA_PATH)).json()["issuer"])
        return self._issuer


def _answer(send: Any) -> httpx.Response:
    try:
        response: httpx.Response = send()
    except httpx.TransportError as exc:
        raise TokenRefused(None, f"token endpoint: {type(exc).__name__}: {exc}") from exc
    if not response.is_success:
        problem = f"token endpoint: HTTP {response.status_code} {response.text[:200]}"
        raise TokenRefused(response.status_code, problem)
    return response
