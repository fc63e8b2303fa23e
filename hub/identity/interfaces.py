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


class Role(StrEnum):
    COUNCIL = "council"
    AUDITOR = "auditor"


SCOPES_OF_ROLE: dict[Role, frozenset[Scope]] = {
    Role.COUNCIL: frozenset(
        {Scope.RECORDS_WRITE, Scope.EVENTS_WRITE, Scope.NOTIFICATIONS_READ, Scope.AUDIT_READ}
    ),
    Role.AUDITOR: frozenset({Scope.AUDIT_READ}),
}


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated authority and what its credential allows."""

    code: str
    role: Role
    scopes: frozenset[Scope]

    @classmethod
    def of(cls, code: str, role: str) -> "Caller":
        known = Role(role)
        return cls(code, known, SCOPES_OF_ROLE[known])


class Authenticator(Protocol):
    def authenticate(self, session: Session, authorization: str | None) -> Caller:
        """The caller an ``Authorization`` header proves, or ``NotAuthenticated``."""
        ...
