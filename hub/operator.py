"""The scheme operator's actions on a hub, each in its own audited transaction (the CLI's
`homeward hub ...` commands, the demo and tests call these)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from hub.context import HubContext
from hub.delivery.retention import purge_expired
from hub.identity import clients
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


def add_client(
    context: HubContext,
    *,
    authority: str,
    name: str,
    scopes: list[str],
    jwk: dict[str, Any] | None,
    client_id: str | None = None,
) -> str:
    """Register an OAuth2 client of ``authority``; audited. Returns its client id."""
    with context.transaction() as session:
        return clients.register_client(
            session,
            context.services.audit,
            context.clock(),
            authority=authority,
            name=name,
            scopes=scopes,
            jwk=jwk,
            client_id=client_id,
        )


def revoke_client(context: HubContext, client_id: str) -> None:
    """Revoke a client: its tokens stop working at once, not at their expiry. Audited."""
    with context.transaction() as session:
        clients.revoke_client(session, context.services.audit, context.clock(), client_id)


def list_clients(context: HubContext) -> list[clients.ClientListing]:
    with context.transaction() as session:
        return clients.list_clients(session)
