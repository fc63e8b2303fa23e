"""The scheme operator's actions on a hub, each in its own audited transaction (the CLI's
`homeward hub ...` commands, the demo and tests call these)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from hub.context import HubContext
from hub.delivery import webhooks
from hub.delivery.retention import purge_expired
from hub.errors import NotFound
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


def add_webhook(context: HubContext, authority: str, url: str) -> tuple[int, str]:
    """Register a webhook endpoint (SSRF-checked); its id and ``whsec_`` secret. Audited."""
    with context.transaction() as session:
        if identity.authority_facts(session, authority) is None:
            raise NotFound(f"no registered authority {authority}")
        return webhooks.add_endpoint(
            session,
            context.services.audit,
            authority,
            url,
            context.clock(),
            allow_private=context.settings.webhook_allow_private_targets,
        )


def webhook_public_key(context: HubContext) -> str | None:
    """The ``whpk_`` key receivers verify ``v1a`` signatures with (None: not Ed25519)."""
    return context.sender.public_key


def list_webhooks(context: HubContext) -> list[webhooks.EndpointListing]:
    with context.transaction() as session:
        return webhooks.list_endpoints(session)


def remove_webhook(context: HubContext, endpoint: int) -> None:
    with context.transaction() as session:
        webhooks.remove_endpoint(session, context.services.audit, endpoint, context.clock())


def rotate_webhook_secret(context: HubContext, endpoint: int) -> str:
    overlap = timedelta(hours=context.settings.webhook_secret_overlap_hours)
    with context.transaction() as session:
        return webhooks.rotate_secret(
            session, context.services.audit, endpoint, context.clock(), overlap
        )


def redeliver_webhooks(context: HubContext, endpoint: int) -> list[str]:
    with context.transaction() as session:
        again = webhooks.redeliver(session, context.services.audit, endpoint, context.clock())
    context.kick_worker()
    return again
