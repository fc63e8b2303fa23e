"""A person's signed-in session: a signed cookie (itsdangerous) holding who they are, which
authority and role they act for, their CSRF token and when they were last seen.

The cookie is Secure, HttpOnly and SameSite=Lax; a session idle for longer than the setting
(by the hub's clock, so tests can pin time) is refused and the person signs in again. Every form
carries the session's CSRF token; a POST whose token differs is refused (and audited).
"""

import secrets
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from hub.errors import ConfigurationError, Forbidden, HubError
from hub.settings import HubSettings
from keys import HubKeyring

COOKIE = "homeward_session"
LOGIN_COOKIE = "homeward_sign_in"  # state, nonce and PKCE verifier of a sign-in under way


class PersonRole(StrEnum):
    DUTY_WORKER = "duty_worker"
    AUDITOR = "auditor"
    OPERATOR = "operator"


ROLE_NAMES = {
    PersonRole.DUTY_WORKER: "Duty worker",
    PersonRole.AUDITOR: "Auditor",
    PersonRole.OPERATOR: "Scheme operator",
}

# What a person may be, by the role of the authority they sign in for (hub/identity/interfaces).
ROLES_OF_AUTHORITY: dict[str, frozenset[PersonRole]] = {
    "council": frozenset({PersonRole.DUTY_WORKER, PersonRole.AUDITOR}),
    "auditor": frozenset({PersonRole.AUDITOR}),
    "operator": frozenset({PersonRole.OPERATOR}),
}


class SignInRequired(HubError):
    """No session, an expired one, or one that no longer verifies: sign in (again)."""

    code, status, title = "not_authenticated", 401, "Sign in to continue"

    def __init__(self, reason: str = "") -> None:
        super().__init__(self.title)
        self.reason = reason


class CsrfRefused(Forbidden):
    title = "This form has expired or did not come from this service"

    def __init__(self) -> None:
        super().__init__(self.title)
        self.reason = "csrf token mismatch"


@dataclass(frozen=True, slots=True)
class Person:
    subject: str  # the issuer's `sub`
    name: str
    authority: str
    authority_role: str  # the authority's registered role: council, auditor or operator
    role: PersonRole
    csrf: str
    seen: float  # POSIX seconds, by the hub's clock

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


def new_person(
    claims: dict[str, Any], authority: str, authority_role: str, role: PersonRole, now: datetime
) -> Person:
    return Person(
        subject=str(claims["sub"]),
        name=str(claims.get("name") or claims["sub"]),
        authority=authority,
        authority_role=authority_role,
        role=role,
        csrf=secrets.token_urlsafe(32),
        seen=now.timestamp(),
    )


def check_session_secret(settings: HubSettings, workers: int = 1) -> None:
    """Production signs cookies with the configured secret only (every worker process must
    hold the same one); refuse to start without it."""
    secret = settings.web_session_secret
    if settings.production and (secret is None or len(secret) < 32):
        shared = f": all {workers} worker processes must sign with it" if workers > 1 else ""
        raise ConfigurationError(
            "HOMEWARD_HUB_WEB_SESSION_SECRET must be set (32 characters or more) in production"
            + shared
        )


class SessionCodec:
    """Signs and reads the session and sign-in cookies: with the configured secret, else (in
    development) one derived from the hub key, so every worker process reads every cookie."""

    def __init__(self, settings: HubSettings, hub_keys: HubKeyring) -> None:
        check_session_secret(settings)
        if settings.production and not settings.web_cookie_secure:
            raise ConfigurationError(
                "HOMEWARD_HUB_WEB_COOKIE_SECURE=false is refused in production"
            )
        secret = settings.web_session_secret or hub_keys.web_session_secret()
        self.sessions = URLSafeSerializer(secret, salt="session")
        self.sign_ins = URLSafeSerializer(secret, salt="sign-in")
        self.idle = timedelta(minutes=settings.web_session_idle_minutes)
        self.secure = settings.web_cookie_secure

    def dump(self, person: Person) -> str:
        return str(self.sessions.dumps(asdict(person)))

    def load(self, cookie: str | None, now: datetime) -> Person:
        if not cookie:
            raise SignInRequired("no session")
        try:
            fields = self.sessions.loads(cookie)
            person = Person(**{**fields, "role": PersonRole(fields["role"])})
        except (BadSignature, TypeError, KeyError, ValueError) as exc:
            raise SignInRequired("session cookie does not verify") from exc
        if now.timestamp() - person.seen > self.idle.total_seconds():
            raise SignInRequired("session expired")
        return replace(person, seen=now.timestamp())

    def cookie_options(self) -> dict[str, Any]:
        return {"httponly": True, "secure": self.secure, "samesite": "lax", "path": "/"}


def check_csrf(person: Person, token: str | None) -> None:
    if token is None or not secrets.compare_digest(token.encode(), person.csrf.encode()):
        raise CsrfRefused()
