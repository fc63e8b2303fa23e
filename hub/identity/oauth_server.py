"""The token endpoint: Authlib's authorization server with the client-credentials grant and
``private_key_jwt`` client authentication (RFC 7523), adapted to one database session, the
hub's clock and its signing keyring. Authlib ships server integrations for Flask and Django
only, so this module is the (small) adapter: a request wrapper, a client wrapper, and the
checks Authlib leaves to us:

- the assertion's signature against an algorithm allow-list (Authlib passes none);
- its claims against the hub's clock, ``aud`` exactly our issuer (rfc7523bis), and a bounded
  lifetime (``exp`` at most ``max_assertion_seconds`` ahead);
- ``jti`` single use, stored until the assertion expires (``SeenAssertion``);
- scopes: what the client asks for must be within its registration and its authority's role.

Every issuance and refusal is audited (``token.issue`` / ``token.refuse``). A refused client
learns only the OAuth2 error code; the reason goes to the audit log.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    InvalidClientError,
    InvalidScopeError,
    OAuth2Error,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jwk, jws, jwt
from joserfc.errors import JoseError
from joserfc.jwt import ClaimsOption
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.identity.interfaces import SCOPES_OF_ROLE, Role, Scope, parse_scopes
from hub.identity.models import Authority, OAuthClient, SeenAssertion
from hub.identity.tokens import AccessTokenSigner, IssuedToken, TokenRules
from keys.signing import ALGORITHMS

PRIVATE_KEY_JWT = "private_key_jwt"
MAX_JTI = 128
OPAQUE = {"invalid_client": "client authentication failed"}


@dataclass(frozen=True, slots=True)
class TokenResponse:
    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]]


class TokenRequest(OAuth2Request):  # type: ignore[misc]  # Authlib is untyped
    """A token request as Authlib reads it: the form, at the endpoint's public URL."""

    def __init__(self, uri: str, headers: Mapping[str, str], form: Mapping[str, str]) -> None:
        super().__init__("POST", uri, headers=dict(headers))
        self._form = dict(form)
        self.payload = BasicOAuth2Payload(self._form)

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


class RegisteredClient(ClientMixin):  # type: ignore[misc]
    """A registered ``OAuthClient`` of an authority in good standing, for Authlib."""

    def __init__(self, row: OAuthClient, role: Role) -> None:
        self.row, self.role = row, role

    def get_client_id(self) -> str:
        return self.row.client_id

    def allowed_scopes(self) -> frozenset[Scope]:
        return parse_scopes(self.row.scopes) & SCOPES_OF_ROLE[self.role]

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == PRIVATE_KEY_JWT and endpoint == "token" and bool(self.row.public_jwk)

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


def find_client(session: Session, client_id: object) -> RegisteredClient | None:
    """The client, when neither it nor its authority is revoked."""
    if not isinstance(client_id, str) or len(client_id) > 64:
        return None
    found = session.exec(
        select(OAuthClient, Authority.role)
        .join(Authority, col(Authority.code) == col(OAuthClient.authority))
        .where(
            col(OAuthClient.client_id) == client_id,
            col(OAuthClient.revoked_at).is_(None),
            col(Authority.revoked_at).is_(None),
        )
    ).first()
    return None if found is None else RegisteredClient(found[0], Role(found[1]))


class ClientAssertion(JWTBearerClientAssertion):  # type: ignore[misc]
    CLIENT_AUTH_METHOD = PRIVATE_KEY_JWT

    def __init__(self, session: Session, rules: TokenRules, now: datetime) -> None:
        super().__init__(validate_jti=True, leeway=rules.leeway_seconds)
        self.session, self.rules, self.now = session, rules, now

    def get_audiences(self) -> list[str]:
        return [self.rules.issuer]

    def resolve_client_public_key(self, client: RegisteredClient) -> jwk.Key:
        return jwk.import_key(json.loads(client.row.public_jwk or "{}"))

    def process_assertion_claims(self, assertion: str, key: jwk.Key) -> dict[str, Any]:
        try:
            token = jwt.decode(assertion, key, algorithms=list(ALGORITHMS))
        except (JoseError, ValueError) as exc:
            raise InvalidClientError(description=f"assertion signature: {exc}") from exc
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims: dict[str, Any]) -> None:
        essential: ClaimsOption = {"essential": True}
        registry = jwt.JWTClaimsRegistry(
            now=int(self.now.timestamp()),
            leeway=self.leeway,
            iss=essential,
            sub=essential,
            aud={"essential": True, "value": self.rules.issuer},
            exp=essential,
            jti=essential,
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            raise InvalidClientError(description=f"assertion claims: {exc}") from exc
        self._check_shape(claims)
        if not self.validate_jti(claims, claims["jti"]):
            raise InvalidClientError(description="assertion jti replayed")

    def _check_shape(self, claims: dict[str, Any]) -> None:
        if claims["sub"] != claims["iss"]:
            raise InvalidClientError(description="assertion iss and sub differ")
        if not isinstance(claims["jti"], str) or not 0 < len(claims["jti"]) <= MAX_JTI:
            raise InvalidClientError(description="assertion jti malformed")
        latest = self.now.timestamp() + self.rules.max_assertion_seconds + self.leeway
        if not isinstance(claims["exp"], int) or claims["exp"] > latest:
            raise InvalidClientError(description="assertion lifetime too long")

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        """Record ``jti`` until the assertion expires; False when it was seen before."""
        session = self.session
        session.execute(delete(SeenAssertion).where(col(SeenAssertion.expires_at) < self.now))
        if session.get(SeenAssertion, (claims["sub"], jti)) is not None:
            return False
        expires = datetime.fromtimestamp(int(claims["exp"]), tz=self.now.tzinfo)
        seen = SeenAssertion(client_id=claims["sub"], jti=jti, expires_at=expires)
        try:
            with session.begin_nested():  # a concurrent replay loses on the primary key
                session.add(seen)
        except IntegrityError:
            return False
        return True


class ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [PRIVATE_KEY_JWT]

    def validate_token_request(self) -> None:
        super().validate_token_request()
        requested = (self.request.payload.scope or "").split()
        if not set(requested) <= set(self.request.client.allowed_scopes()):
            raise InvalidScopeError(description="scope not granted to this client")


class HubAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """One token request's authorization server: its session, audit log and "now"."""

    def __init__(
        self,
        session: Session,
        audit: AuditLog,
        signer: AccessTokenSigner,
        now: datetime,
    ) -> None:
        super().__init__(scopes_supported=[s.value for s in Scope])
        self.session, self.audit, self.signer, self.now = session, audit, signer, now
        self._issued: IssuedToken | None = None
        self.register_grant(ClientCredentials)
        self.register_client_auth_method(
            PRIVATE_KEY_JWT, ClientAssertion(session, signer.rules, now)
        )
        self.register_token_generator("client_credentials", self._generate)

    def query_client(self, client_id: object) -> RegisteredClient | None:
        return find_client(self.session, client_id)

    def _generate(self, *, client: RegisteredClient, scope: str | None, **_: Any) -> dict[str, Any]:
        granted = parse_scopes(scope) if scope else client.allowed_scopes()
        issued = self.signer.issue(client.get_client_id(), granted, self.now)
        self._issued = issued
        return {
            "token_type": "Bearer",
            "access_token": issued.access_token,
            "expires_in": issued.expires_in,
            "scope": issued.scope,
        }

    def save_token(self, token: dict[str, Any], request: TokenRequest) -> None:
        client: RegisteredClient = request.client
        jti = self._issued.jti if self._issued else None
        detail = {"scope": token["scope"], "jti": jti, "expires_in": token["expires_in"]}
        self._audit(AuditAction.TOKEN_ISSUE, client.row.authority, client.row.client_id, detail)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Authlib's signals (none are needed: issuance is audited in ``save_token``)."""

    def create_oauth2_request(self, request: TokenRequest) -> TokenRequest:
        return request

    def handle_response(
        self, status: int, body: dict[str, Any], headers: Sequence[tuple[str, str]]
    ) -> TokenResponse:
        return TokenResponse(status, body, list(headers))

    def handle_error_response(self, request: TokenRequest, error: OAuth2Error) -> TokenResponse:
        client = request.client
        actor = client.row.authority if isinstance(client, RegisteredClient) else "anonymous"
        subject = _claimed_client(request) or "unknown client"
        detail = {"error": error.error, "reason": error.description or error.error}
        self._audit(AuditAction.TOKEN_REFUSE, actor, subject, detail)
        status, body, headers = error()
        body = dict(body)
        if body["error"] in OPAQUE:
            body["error_description"] = OPAQUE[body["error"]]
        return TokenResponse(status, body, list(headers))

    def _audit(self, action: AuditAction, actor: str, subject: str, detail: dict[str, Any]) -> None:
        self.audit.append(
            self.session, self.now, actor=actor, action=action, subject=subject, detail=detail
        )


def _claimed_client(request: TokenRequest) -> str | None:
    """The client id an assertion claims (unverified: for the audit entry of a refusal)."""
    assertion = request.form.get("client_assertion", "")
    try:
        claimed = json.loads(jws.extract_compact(assertion.encode()).payload)
    except (JoseError, ValueError):
        claimed = {}
    sub = claimed.get("sub") if isinstance(claimed, dict) else None
    return sub[:64] if isinstance(sub, str) else None


def issue_token(
    session: Session,
    audit: AuditLog,
    signer: AccessTokenSigner,
    now: datetime,
    *,
    headers: Mapping[str, str],
    form: Mapping[str, str],
) -> TokenResponse:
    """Answer one token request (the route's whole job)."""
    server = HubAuthorizationServer(session, audit, signer, now)
    request = TokenRequest(signer.rules.token_endpoint, headers, form)
    response: TokenResponse = server.create_token_response(request)
    return response
