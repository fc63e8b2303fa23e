"""Who is calling, and the seam where an authentication mechanism plugs in."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlmodel import Session


class Scope(StrEnum):
    RECORDS_WRITE = "records:write"
    EVENTS_WRITE = "events:write"
    NOTIFICATIONS_READ = "notifications:read"
    AUDIT_READ = "audit:read"
    ADMIN = "admin"


class Role(StrEnum):
    COUNCIL = "council"
    AUDITOR = "auditor"
    OPERATOR = "operator"  # the scheme operator: administers the hub, never reads notifications


SCOPES_OF_ROLE: dict[Role, frozenset[Scope]] = {
    Role.COUNCIL: frozenset(
        {Scope.RECORDS_WRITE, Scope.EVENTS_WRITE, Scope.NOTIFICATIONS_READ, Scope.AUDIT_READ}
    ),
    Role.AUDITOR: frozenset({Scope.AUDIT_READ}),
    Role.OPERATOR: frozenset({Scope.ADMIN}),
}


def parse_scopes(text: str | None) -> frozenset[Scope]:
    """The known scopes in a space-separated ``scope`` value (unknown ones are dropped)."""
    known = {s.value for s in Scope}
    return frozenset(Scope(s) for s in (text or "").split() if s in known)


def scope_text(scopes: frozenset[Scope]) -> str:
    return " ".join(sorted(scopes))


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated authority and what its credential allows (``client``: the OAuth2
    client it authenticated as; None for a legacy bearer credential)."""

    code: str
    role: Role
    scopes: frozenset[Scope]
    client: str | None = None

    @classmethod
    def of(cls, code: str, role: str) -> "Caller":
        known = Role(role)
        return cls(code, known, SCOPES_OF_ROLE[known])


class Authenticator(Protocol):
    def authenticate(self, session: Session, authorization: str | None) -> Caller:
        """The caller an ``Authorization`` header proves, or ``NotAuthenticated``."""
        ...
