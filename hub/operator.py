"""The scheme operator's actions on a hub, each in its own audited transaction (the CLI's
`homeward hub ...` commands, the demo and tests call these)."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from hub.context import HubContext
from hub.delivery.retention import purge_expired
from hub.identity import service as identity
from hub.identity.interfaces import Role
from hub.identity.models import Authority


def register_authority(
    context: HubContext, *, code: str, name: str, contact: str, role: str = Role.COUNCIL
) -> str:
    """Register or re-issue credentials; audited. Returns the credential (shown once)."""
    services = context.services
    with context.transaction() as session:
        return identity.register_authority(
            session,
            services.hub_keys,
            services.audit,
            context.clock(),
            code=code,
            name=name,
            contact=contact,
            role=role,
        )


def purge(context: HubContext) -> int:
    """Delete notifications past their policy's retention; returns how many."""
    with context.transaction() as session:
        now = context.clock()
        return purge_expired(session, context.services.audit, now.date(), now)


@dataclass(frozen=True, slots=True)
class AuthorityListing:
    code: str
    role: str
    name: str
    contact: str
    revoked_at: datetime | None


def list_authorities(context: HubContext) -> list[AuthorityListing]:
    with context.transaction() as session:
        rows = session.exec(select(Authority).order_by(col(Authority.code)))
        return [AuthorityListing(a.code, a.role, a.name, a.contact, a.revoked_at) for a in rows]
