"""The scheme operator's actions on a hub, each in its own audited transaction (the CLI's
`homeward hub ...` commands, the demo and tests call these)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from hub.context import HubContext
from hub.db import engine as db
from hub.delivery import alerts, dispositions, webhooks
from hub.delivery.retention import purge_expired
from hub.errors import NotFound
from hub.identity import authorities, clients, signing_keys
from hub.identity import service as identity
from hub.identity.interfaces import Role
from hub.identity.models import Authority
from hub.identity.tokens import TokenRules
from hub.linking import monthly
from hub.records import epochs
from hub.records import rekey as rekeying
from hub.sharing import signatures
from keys import HubKeyring, SigningKeyring


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


def linkage_figures(context: HubContext) -> dispositions.LinkageFigures:
    """``homeward hub stats``: counts of matches, reviews and verdicts, never a child."""
    with context.transaction() as session:
        return dispositions.figures(session)


def monthly_figures(context: HubContext) -> monthly.MonthlyFigures:
    """``homeward hub stats``: precision and recall per month from verdicts, never a child."""
    with context.transaction() as session:
        return monthly.monthly(session)


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
            context.services.hub_keys,
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
            session,
            context.services.audit,
            context.services.hub_keys,
            endpoint,
            context.clock(),
            overlap,
        )


def redeliver_webhooks(context: HubContext, endpoint: int) -> list[str]:
    with context.transaction() as session:
        again = webhooks.redeliver(session, context.services.audit, endpoint, context.clock())
    context.kick_worker(())
    return again


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


def rotate_signing_key(context: HubContext, alg: str | None = None) -> SigningKeyring:
    """A new access-token signing key in the hub's keyring (signs from the next start); audited."""
    path = context.settings.signing_keys_path
    with context.transaction() as session:
        return signing_keys.rotate(session, context.services.audit, context.clock(), path, alg)


def retire_signing_key(context: HubContext, kid: str, *, force: bool = False) -> SigningKeyring:
    """Drop an old signing key (its tokens are refused from the next start); audited."""
    settings = context.settings
    with context.transaction() as session:
        return signing_keys.retire(
            session,
            context.services.audit,
            context.clock(),
            settings.signing_keys_path,
            kid,
            TokenRules.of(settings),
            force=force,
        )


def add_alert(context: HubContext, authority: str, email: str) -> int:
    """Register a duty e-mail address of ``authority`` for alerts; its id. Audited."""
    with context.transaction() as session:
        if identity.authority_facts(session, authority) is None:
            raise NotFound(f"no registered authority {authority}")
        return alerts.add_address(
            session, context.services.audit, authority, email, context.clock()
        )


def list_alerts(context: HubContext) -> list[alerts.AlertListing]:
    with context.transaction() as session:
        return alerts.list_addresses(session)


def remove_alert(context: HubContext, address: int) -> None:
    with context.transaction() as session:
        alerts.remove_address(session, context.services.audit, address, context.clock())


def seal_webhook_secrets(database_url: str, hub_keys: HubKeyring) -> int:
    """``hub migrate``: seal the webhook secrets an older release stored in clear (the hub also
    does this on start); how many endpoints."""
    engine = db.make_engine(database_url)
    try:
        with db.transaction(engine) as session:
            return webhooks.seal_clear_secrets(session, hub_keys)
    finally:
        engine.dispose()


def sign_policy(context: HubContext, request: signatures.SignatureRequest) -> None:
    """Record a council's signature of a running policy's content; audited."""
    with context.transaction() as session:
        signatures.sign(
            session, context.services.audit, context.services.policies, request, context.clock()
        )


def unsign_policy(context: HubContext, policy_id: str, authority: str) -> None:
    """Withdraw a council's signature: it receives and discloses nothing under it; audited."""
    with context.transaction() as session:
        signatures.withdraw(
            session,
            context.services.audit,
            context.services.policies,
            policy_id,
            authority,
            context.clock(),
        )


def policy_signatures(context: HubContext) -> list[signatures.SignatureListing]:
    with context.transaction() as session:
        return signatures.listing(session, context.services.policies)


def sign_every_policy(context: HubContext, authority: str, signed_by: str, agreement: str) -> int:
    """``authority`` signs the running content of every policy (the demo's and benchmarks'
    councils, which have agreed to them all); each signature audited. Returns how many."""
    for policy in context.services.policies.policies:
        request = signatures.SignatureRequest(
            policy.id, authority, context.services.policies.hashes[policy.id], signed_by, agreement
        )
        sign_policy(context, request)
    return len(context.services.policies.policies)
