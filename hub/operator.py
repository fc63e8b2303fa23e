"""The scheme operator's actions on a hub, each in its own audited transaction (the CLI's
`homeward hub ...` commands, the demo and tests call these)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from hub.context import HubContext
from hub.delivery.retention import purge_expired
from hub.identity import authorities, clients
from hub.identity.interfaces import Role
from hub.identity.models import Authority
from hub.records import epochs
from hub.records import rekey as rekeying


def register_authority(
    context: HubContext, *, code: str, name: str, contact: str, role: str = Role.COUNCIL
) -> str:
    """Register a new authority (an existing code is refused); audited. Returns its legacy
    bearer credential (shown once)."""
    services = context.services
    with context.transaction() as session:
        return authorities.add_authority(
            session,
            services.hub_keys,
            services.audit,
            context.clock(),
            code=code,
            name=name,
            contact=contact,
            role=role,
        )


def update_authority(
    context: HubContext,
    *,
    code: str,
    name: str | None = None,
    contact: str | None = None,
    new_credential: bool = False,
) -> str | None:
    """Change an authority's name or contact, or re-issue its legacy credential; audited."""
    services = context.services
    with context.transaction() as session:
        return authorities.update_authority(
            session,
            services.hub_keys,
            services.audit,
            context.clock(),
            code=code,
            name=name,
            contact=contact,
            new_credential=new_credential,
        )


def revoke_authority(context: HubContext, code: str, reason: str) -> int:
    """Revoke an authority: credential, clients and tokens stop at once, its match tokens are
    deleted (hub/identity/authorities.py); audited. Returns how many tokens were deleted."""
    with context.transaction() as session:
        return authorities.revoke_authority(
            session, context.services.audit, context.clock(), code=code, reason=reason
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


def epoch_usage(context: HubContext) -> list[epochs.EpochUse]:
    with context.transaction() as session:
        return epochs.epoch_usage(session)


def purge_epoch(context: HubContext, epoch: int, *, force: bool = False) -> int:
    """Delete an old shared-key epoch's tokens once every authority has moved; audited."""
    with context.transaction() as session:
        return epochs.purge_epoch(
            session, context.services.audit, context.clock(), epoch, force=force
        )


def rekey(context: HubContext) -> rekeying.Rekeyed:
    """Move every stored token to the newest hub key version; audited."""
    with context.transaction() as session:
        return rekeying.rekey_stored(
            session, context.services.hub_keys, context.services.audit, context.clock()
        )
