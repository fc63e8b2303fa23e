"""Webhook endpoints (register, list, rotate, remove, redeliver) and the sending of one queued
delivery under Standard Webhooks: ``webhook-id`` (kept on every retry), ``webhook-timestamp``
(of the attempt), ``webhook-signature`` (``v1`` per endpoint secret, ``v1a`` the hub's Ed25519
key; keys/webhooks.py). Redirects are never followed; only a 2xx answer delivers.

Each delivery resolves the endpoint's host once, checks every address (hub/delivery/ssrf.py) and
connects to the checked address, with the name in ``Host`` and in TLS SNI (and the certificate
checked against the name): a DNS answer that changes after the check (rebinding) is never used.
Endpoint secrets are stored sealed under the hub key (keys/hub.py), bound to their row."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx2 as httpx
from sqlmodel import Session, col, select

from hub import wire
from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery import outbox, retry
from hub.delivery.models import OutboxItem, WebhookEndpoint
from hub.delivery.ssrf import Resolver, check_target, pin, resolve
from hub.errors import InvalidRequest, NotFound
from keys import HubKeyring
from keys import webhooks as signatures


@dataclass(frozen=True, slots=True)
class EndpointListing:
    id: int
    authority: str
    url: str
    active: bool
    pending: int
    dead: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Sender:
    """What sending needs: the HTTP client (no redirects), the hub's v1a key, randomness for
    jitter, and whether private targets are allowed (tests only)."""

    http: httpx.Client
    ed25519_key: bytes | None
    random: Callable[[], float]
    keyring: HubKeyring  # opens the endpoint secrets, sealed at rest under the hub key
    allow_private: bool = False
    resolver: Resolver = resolve
    public_key: str | None = None  # whpk_: what receivers verify v1a with
    # The attempt's webhook-timestamp: the real time of sending, which the receiver checks
    # against its own clock (the hub's clock schedules; tests simulate days with it).
    wall_seconds: Callable[[], int] = lambda: int(time.time())


def add_endpoint(
    session: Session,
    audit: AuditLog,
    keyring: HubKeyring,
    authority: str,
    url: str,
    now: datetime,
    *,
    allow_private: bool,
) -> tuple[int, str]:
    """Register ``url`` for ``authority``; returns its id and ``whsec_`` secret (shown once;
    stored sealed under the hub key)."""
    check_target(url, allow_private=allow_private)
    secret = signatures.new_webhook_secret()
    endpoint = WebhookEndpoint(authority=authority, url=url, secret="", created_at=now)
    session.add(endpoint)
    session.flush()
    assert endpoint.id is not None
    endpoint.secret = keyring.seal(secret, _sealed_for(endpoint))
    _audit(session, audit, now, authority, endpoint.id, "add")
    return endpoint.id, secret


def _endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    found = session.get(WebhookEndpoint, endpoint_id)
    if found is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    return found


def _audit(
    session: Session, audit: AuditLog, now: datetime, authority: str, endpoint: int, change: str
) -> None:
    audit.append(
        session,
        now,
        actor="operator",
        action=AuditAction.WEBHOOK_ENDPOINT,
        subject=authority,
        detail={"endpoint": endpoint, "change": change},
    )


def remove_endpoint(session: Session, audit: AuditLog, endpoint_id: int, now: datetime) -> None:
    endpoint = _endpoint(session, endpoint_id)
    endpoint.disabled_at = now
    session.add(endpoint)
    _audit(session, audit, now, endpoint.authority, endpoint_id, "remove")


def rotate_secret(
    session: Session,
    audit: AuditLog,
    keyring: HubKeyring,
    endpoint_id: int,
    now: datetime,
    overlap: timedelta,
) -> str:
    """A new secret; the old one keeps signing beside it for ``overlap``."""
    endpoint = _endpoint(session, endpoint_id)
    endpoint.previous_secret, endpoint.previous_until = endpoint.secret, now + overlap
    secret = signatures.new_webhook_secret()
    endpoint.secret = keyring.seal(secret, _sealed_for(endpoint))
    session.add(endpoint)
    _audit(session, audit, now, endpoint.authority, endpoint_id, "rotate-secret")
    return secret


def _sealed_for(endpoint: WebhookEndpoint) -> str:
    """What a sealed secret is bound to: copied to another endpoint's row, it does not open."""
    return f"homeward webhook secret\x1f{endpoint.id}\x1f{endpoint.authority}"


def seal_clear_secrets(session: Session, keyring: HubKeyring) -> int:
    """Seal the secrets stored in clear by releases before sealing (run by ``hub migrate`` and
    on the hub's start, which hold the key file); returns how many endpoints it sealed."""
    sealed = 0
    for endpoint in session.exec(select(WebhookEndpoint).order_by(col(WebhookEndpoint.id))):
        clear = [
            name
            for name in ("secret", "previous_secret")
            if (value := getattr(endpoint, name)) and not keyring.is_sealed(value)
        ]
        for name in clear:
            setattr(endpoint, name, keyring.seal(getattr(endpoint, name), _sealed_for(endpoint)))
        if clear:
            session.add(endpoint)
            sealed += 1
    return sealed


def list_endpoints(session: Session, authority: str | None = None) -> list[EndpointListing]:
    query = select(WebhookEndpoint).order_by(col(WebhookEndpoint.id))
    if authority is not None:
        query = query.where(WebhookEndpoint.authority == authority)
    backlogs = outbox.backlogs(session, col(OutboxItem.endpoint_id))
    return [_listing(e, backlogs.get(e.id or 0, outbox.NO_BACKLOG)) for e in session.exec(query)]


def _listing(e: WebhookEndpoint, backlog: outbox.Backlog) -> EndpointListing:
    return EndpointListing(
        id=e.id or 0,
        authority=e.authority,
        url=e.url,
        active=e.disabled_at is None,
        pending=backlog.pending,
        dead=backlog.dead,
        last_error=backlog.last_error,
    )


def dead_letters(session: Session, authority: str | None = None) -> list[OutboxItem]:
    query = select(OutboxItem).where(OutboxItem.kind == outbox.WEBHOOK, OutboxItem.state == "dead")
    if authority is not None:
        query = query.where(OutboxItem.recipient == authority)
    return list(session.exec(query.order_by(col(OutboxItem.id))))


def status(session: Session, authority: str) -> wire.WebhookStatus:
    """What a council sees of its own endpoints (never another's)."""
    return wire.WebhookStatus(
        endpoints=[
            wire.WebhookEndpointStatus(
                id=e.id,
                url=e.url,
                active=e.active,
                pending=e.pending,
                dead=e.dead,
                last_error=e.last_error,
            )
            for e in list_endpoints(session, authority)
        ],
        dead_webhook_ids=[i.message_id or "" for i in dead_letters(session, authority)],
    )


def redeliver(
    session: Session, audit: AuditLog, endpoint_id: int, now: datetime, actor: str = "operator"
) -> list[str]:
    """Every dead delivery to this endpoint, due again now with its ``webhook-id``."""
    endpoint = _endpoint(session, endpoint_id)
    dead = session.exec(
        select(OutboxItem).where(
            OutboxItem.endpoint_id == endpoint_id, OutboxItem.state == outbox.DEAD
        )
    ).all()
    again = outbox.redeliver(session, dead, now)
    audit.append(
        session,
        now,
        actor=actor,
        action=AuditAction.WEBHOOK_REDELIVER,
        subject=endpoint.authority,
        detail={"endpoint": endpoint_id, "webhook_ids": again},
    )
    return again


def _signing_secrets(keyring: HubKeyring, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    overlap = endpoint.previous_until is not None and now < endpoint.previous_until
    sealed = [
        endpoint.secret,
        *([endpoint.previous_secret] if overlap and endpoint.previous_secret else []),
    ]
    return [keyring.open(s, _sealed_for(endpoint)) for s in sealed]


def _post(sender: Sender, endpoint: WebhookEndpoint, item: OutboxItem, now: datetime) -> int:
    """POST the delivery; its status code (raises ``httpx.HTTPError`` or ``InvalidRequest``)."""
    target = pin(endpoint.url, allow_private=sender.allow_private, resolver=sender.resolver)
    body = (item.payload or "").encode()
    timestamp = sender.wall_seconds()
    msg_id = item.message_id or ""
    headers = {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures.sign(
            msg_id,
            timestamp,
            body,
            endpoint_secrets=_signing_secrets(sender.keyring, endpoint, now),
            ed25519_key=sender.ed25519_key,
        ),
    }
    response = sender.http.post(
        target.url,
        content=body,
        headers={**headers, "host": target.host_header},
        extensions={"sni_hostname": target.hostname},
    )
    return int(response.status_code)


def send(
    session: Session, audit: AuditLog, sender: Sender, item: OutboxItem, now: datetime
) -> bool:
    """One attempt at one delivery, recorded on the item; True if delivered. A removed endpoint
    ends the delivery; 410 Gone disables the endpoint."""
    endpoint = _endpoint(session, item.endpoint_id or 0)
    if endpoint.disabled_at is not None:
        outbox.fail(item, None, "endpoint removed", now, sender.random)
        item.state = outbox.DEAD
        return False
    status: int | None = None
    try:
        status = _post(sender, endpoint, item, now)
        error = "" if retry.succeeded(status) else f"answered {status}"
    except (httpx.HTTPError, ValueError, InvalidRequest) as exc:
        error = f"{type(exc).__name__}: {exc}"
    if not error:
        outbox.finish(item, status, now)
    else:
        outbox.fail(item, status, error, now, sender.random)
        if status == retry.GONE:
            endpoint.disabled_at = now
            session.add(endpoint)
    if item.state != outbox.PENDING:
        audit.append(
            session,
            now,
            actor="hub",
            action=AuditAction.WEBHOOK_DELIVER if not error else AuditAction.WEBHOOK_DEAD,
            subject=item.recipient or "",
            detail={"webhook_id": item.message_id, "attempts": item.attempts, "status": status},
        )
    return not error
