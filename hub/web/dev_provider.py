"""A local OpenID provider for development, tests and the demo: never for production.

It serves one issuer per authority (``{base}/{authority}``) on 127.0.0.1, with the people it was
given; a person picks their name on its sign-in page, or follows a one-time sign-in link (the
demo prints one per role: the link's ``login_hint`` is consumed on first use). It signs ES256 ID
tokens with a key made when it starts, checks the hub's client secret and the PKCE verifier.
Starting it with production settings is refused.
"""

import base64
import hashlib
import html
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from hub.errors import ConfigurationError
from hub.settings import HubSettings

CODE_SECONDS = 60
CSP = "default-src 'none'; style-src 'self'; form-action *; frame-ancestors 'none'; base-uri 'none'"


@dataclass(frozen=True, slots=True)
class DevPerson:
    subject: str
    name: str
    authority: str
    role: str  # duty_worker, auditor or operator: the `roles` claim


@dataclass(frozen=True, slots=True)
class Grant:
    person: DevPerson
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    expires: float


class DevProvider:
    def __init__(
        self,
        settings: HubSettings,
        people: list[DevPerson],
        base_url: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if settings.production:
            raise ConfigurationError("the development OpenID provider is refused in production")
        self.people = {p.subject: p for p in people}
        self.base_url, self.clock = base_url.rstrip("/"), clock
        self.client_id, self.client_secret = settings.web_client_id, settings.web_client_secret
        self.key = ECKey.generate_key("P-256", auto_kid=True)
        self.codes: dict[str, Grant] = {}
        self.one_time: dict[str, str] = {}  # login_hint -> subject

    def issuer(self, authority: str) -> str:
        return f"{self.base_url}/{authority}"

    def one_time_hint(self, subject: str) -> str:
        hint = secrets.token_urlsafe(24)
        self.one_time[hint] = subject
        return hint

    def grant(self, person: DevPerson, query: dict[str, str]) -> str:
        """The redirect back to the client with a fresh authorization code."""
        if query.get("client_id") != self.client_id or query.get("code_challenge_method") != "S256":
            raise HTTPException(400, "unknown client or no PKCE (S256)")
        code = secrets.token_urlsafe(32)
        self.codes[code] = Grant(
            person,
            query["client_id"],
            query["redirect_uri"],
            query.get("nonce", ""),
            query["code_challenge"],
            self.clock() + CODE_SECONDS,
        )
        back = urlencode({"code": code, "state": query.get("state", "")})
        return f"{query['redirect_uri']}?{back}"

    def token(self, authority: str, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
        grant = self.codes.pop(code, None)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if (
            grant is None
            or grant.expires < self.clock()
            or grant.redirect_uri != redirect_uri
            or grant.person.authority != authority
            or not secrets.compare_digest(challenge.rstrip(b"=").decode(), grant.challenge)
        ):
            raise HTTPException(400, "invalid_grant")
        now = int(self.clock())
        claims = {
            "iss": self.issuer(authority),
            "aud": grant.client_id,
            "sub": grant.person.subject,
            "name": grant.person.name,
            "roles": [grant.person.role],
            "nonce": grant.nonce,
            "iat": now,
            "exp": now + 300,
        }
        header = {"alg": "ES256", "kid": self.key.kid}
        return {
            "id_token": jwt.encode(header, claims, self.key),
            "token_type": "Bearer",
            "access_token": secrets.token_urlsafe(16),
            "expires_in": 300,
        }

    def client_ok(self, authorization: str | None) -> bool:
        if not authorization or not authorization.startswith("Basic "):
            return False
        client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        return client_id == self.client_id and secrets.compare_digest(
            secret, self.client_secret or ""
        )


def provider_app(provider: DevProvider) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        return response

    @app.get("/{authority}/.well-known/openid-configuration")
    def configuration(authority: str) -> dict[str, Any]:
        issuer = provider.issuer(authority)
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    @app.get("/{authority}/jwks")
    def jwks(authority: str) -> dict[str, Any]:
        return dict(KeySet([provider.key]).as_dict(private=False))

    @app.get("/{authority}/authorize")
    def authorize(authority: str, request: Request) -> Response:
        query = dict(request.query_params)
        subject = provider.one_time.pop(query.get("login_hint", ""), None)
        person = provider.people.get(subject or "")
        if person is not None and person.authority == authority:
            return RedirectResponse(provider.grant(person, query), status_code=303)
        people = [p for p in provider.people.values() if p.authority == authority]
        return HTMLResponse(chooser(authority, people, query))

    @app.post("/{authority}/authorize")
    def choose(authority: str, request: Request, subject: Annotated[str, Form()]) -> Response:
        person = provider.people.get(subject)
        if person is None or person.authority != authority:
            raise HTTPException(400, "no such person at this issuer")
        return RedirectResponse(provider.grant(person, dict(request.query_params)), status_code=303)

    @app.post("/{authority}/token")
    def token(
        authority: str,
        code: Annotated[str, Form()],
        code_verifier: Annotated[str, Form()],
        redirect_uri: Annotated[str, Form()],
        authorization: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        if not provider.client_ok(authorization):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return JSONResponse(provider.token(authority, code, code_verifier, redirect_uri))

    return app


def chooser(authority: str, people: list[DevPerson], query: dict[str, str]) -> str:
    """The provider's sign-in page: one button per person of this authority."""
    action = html.escape(f"?{urlencode(query)}")
    buttons = "".join(
        f'<li><form method="post" action="{action}"><input type="hidden" name="subject" '
        f'value="{html.escape(p.subject)}"><button type="submit">Sign in as '
        f"{html.escape(p.name)} ({html.escape(p.role.replace('_', ' '))})</button></form></li>"
        for p in people
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Development sign-in'
        f" for {html.escape(authority)}</title></head><body><main><h1>Development sign-in for "
        f"{html.escape(authority)}</h1><p>This local OpenID provider is for development only."
        f"</p><ul>{buttons}</ul></main></body></html>"
    )
