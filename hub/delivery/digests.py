"""Urgency and digests. A missing or found episode (and its withdrawal) is announced at once;
routine notifications (an away episode, a return interview overdue) wait for the recipient's
digest at the configured time of day, Europe/London, and go out together: one webhook per
endpoint listing their ids, one e-mail per duty address. Without a digest time everything goes
out at once.

A recipient's digest is one pending outbox item due at the digest time; each routine
notification adds its id to it under a row lock, so the digest lists each once. (Two workers
that both find no digest yet may each start one: the recipient then gets two digests that
time, each id in one of them; nothing is lost or listed twice.)"""

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery import alerts, outbox
from hub.delivery.models import AlertAddress, Notification, OutboxItem, WebhookEndpoint
from policies import EventType, Urgency

LONDON = ZoneInfo("Europe/London")
IMMEDIATE = frozenset({EventType.MISSING, EventType.FOUND})


def is_immediate(event: str) -> bool:
    return event in IMMEDIATE


def next_digest_at(now: datetime, at: time) -> datetime:
    """The first digest time of day ``at`` (Europe/London wall clock) after ``now``, in UTC.
    Across a clock change the wall-clock time is kept (08:00 is 08:00 in winter and summer)."""
    local = now.astimezone(LONDON)
    for days in range(3):
        candidate = datetime.combine(local.date() + timedelta(days=days), at, tzinfo=LONDON)
        if candidate > local:
            return candidate.astimezone(UTC)
    raise AssertionError("a time of day recurs within a day")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Channels:
    """Where some recipients are told: their active webhook endpoints and duty addresses."""

    endpoints: dict[str, list[WebhookEndpoint]]
    addresses: dict[str, list[AlertAddress]]


def channels(session: Session, recipients: Collection[str]) -> Channels:
    """The channels of these recipients, read in two queries whatever their number."""
    return Channels(
        outbox.active_of(session, WebhookEndpoint, recipients),
        outbox.active_of(session, AlertAddress, recipients),
    )


def announce(
    session: Session,
    n: Notification,
    kind: str,
    now: datetime,
    digest_at: time | None,
    urgency: Urgency = "routine",
    told: Channels | None = None,
) -> None:
    """Queue what tells ``n``'s recipient that it waits (through ``told``, when the caller
    read its channels already): now, or in its next digest. A missing or found episode goes at
    once whatever its policy's ``urgency`` says."""
    if digest_at is None or urgency == "immediate" or is_immediate(n.event):
        payload = outbox.thin_payload(kind, n.id, n.event, n.case_reference, now)
        told = told or channels(session, [n.recipient])
        endpoints, addresses = told.endpoints[n.recipient], told.addresses[n.recipient]
        outbox.enqueue_webhooks(session, n.recipient, payload, now, endpoints)
        alerts.enqueue_alerts(session, n.recipient, 1, now, addresses)
        return
    due = next_digest_at(now, digest_at)
    digest = _pending_digest(session, n.recipient, due)
    ids = json.loads(digest.payload or "[]") if digest is not None else []
    if digest is None:
        digest = OutboxItem(
            kind=outbox.DIGEST, recipient=n.recipient, next_attempt_at=due, created_at=now
        )
    if n.id not in ids:
        ids.append(n.id)
    digest.payload = json.dumps(ids)
    session.add(digest)


def _pending_digest(session: Session, recipient: str, due: datetime) -> OutboxItem | None:
    return session.exec(
        select(OutboxItem)
        .where(
            OutboxItem.kind == outbox.DIGEST,
            OutboxItem.recipient == recipient,
            OutboxItem.state == outbox.PENDING,
            OutboxItem.next_attempt_at == due,
        )
        .order_by(col(OutboxItem.id))
        .with_for_update()
    ).first()


def send_digest(session: Session, audit: AuditLog, item: OutboxItem, now: datetime) -> int:
    """The worker's handling of a due digest: its webhooks and e-mails queued now (the worker
    sends them next, each with its own retries); returns how many notifications it lists.
    Notifications purged or withdrawn and reinstated since are listed if they still exist."""
    recipient = item.recipient or ""
    listed = json.loads(item.payload or "[]")
    existing = set(
        session.exec(select(Notification.id).where(col(Notification.id).in_(listed))).all()
    )
    ids = [i for i in listed if i in existing]
    if ids:
        outbox.enqueue_webhooks(session, recipient, outbox.digest_payload(ids, now), now)
        alerts.enqueue_alerts(session, recipient, len(ids), now)
    outbox.finish(item, None, now)
    audit.append(
        session,
        now,
        actor="hub",
        action=AuditAction.DIGEST_SEND,
        subject=recipient,
        detail={"notifications": ids},
    )
    return len(ids)
