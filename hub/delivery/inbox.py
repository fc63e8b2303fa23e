"""The inbox: notifications stored durably per recipient, read with a cursor, acknowledged
explicitly. Every read and acknowledgement is audited with the ids it touched."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from hub import wire
from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery.models import Notification
from hub.errors import NotFound
from hub.linking.values import Link
from policies import EventType, Grant


class InboxDeliverer:
    """The ``Deliverer`` that stores each grant as a notification in its recipient's inbox."""

    def __init__(self, audit: AuditLog) -> None:
        self.audit = audit

    def deliver(self, session: Session, link: Link, grants: Sequence[Grant], now: datetime) -> int:
        event = link.episode.event
        created = 0
        for grant in grants:
            if _already_notified(session, grant, link.case_reference, event):
                continue
            notification = _notification(link, grant, now)
            session.add(notification)
            self.audit.append(
                session,
                now,
                actor="hub",
                action=AuditAction.NOTIFICATION_CREATE,
                subject=link.case_reference,
                detail={
                    "notification": notification.id,
                    "recipient": grant.recipient,
                    "role": grant.role,
                    "event": event,
                    "policy": grant.policy_id,
                    "policy_version": grant.policy_version,
                    "fields": sorted(grant.fields),
                },
            )
            created += 1
        return created


def _already_notified(session: Session, grant: Grant, case_reference: str, event: str) -> bool:
    return (
        session.exec(
            select(Notification.seq).where(
                Notification.recipient == grant.recipient,
                Notification.case_reference == case_reference,
                Notification.event == event,
                Notification.policy_id == grant.policy_id,
            )
        ).first()
        is not None
    )


def _notification(link: Link, grant: Grant, now: datetime) -> Notification:
    return Notification(
        id=str(uuid.uuid4()),
        recipient=grant.recipient,
        episode_id=link.episode.id,
        case_reference=link.case_reference,
        event=link.episode.event,
        policy_id=grant.policy_id,
        policy_version=grant.policy_version,
        policy_hash=grant.policy_hash,
        purpose=grant.purpose,
        lawful_basis=grant.lawful_basis,
        retain_until=grant.retain_until,
        payload=json.dumps(grant.fields, sort_keys=True),
        created_at=now,
    )


def public(n: Notification) -> wire.Notification:
    return wire.Notification(
        id=n.id,
        created_at=n.created_at,
        event=EventType(n.event),
        policy_id=n.policy_id,
        policy_version=n.policy_version,
        purpose=n.purpose,
        lawful_basis=n.lawful_basis,
        retain_until=n.retain_until,
        fields=json.loads(n.payload),
        acknowledged_at=n.acknowledged_at,
    )


def read_inbox(
    session: Session,
    audit: AuditLog,
    recipient: str,
    now: datetime,
    *,
    cursor: int,
    limit: int,
    include_acknowledged: bool,
) -> wire.NotificationPage:
    """One page of the recipient's inbox, oldest first; the read is audited."""
    query = select(Notification).where(
        Notification.recipient == recipient, col(Notification.seq) > cursor
    )
    if not include_acknowledged:
        query = query.where(col(Notification.acknowledged_at).is_(None))
    rows = list(session.exec(query.order_by(col(Notification.seq)).limit(limit + 1)))
    page, more = rows[:limit], len(rows) > limit
    audit.append(
        session,
        now,
        actor=recipient,
        action=AuditAction.NOTIFICATIONS_READ,
        detail={"notifications": [r.id for r in page]},
    )
    return wire.NotificationPage(
        notifications=[public(r) for r in page],
        next_cursor=str(page[-1].seq) if more and page else None,
    )


def acknowledge(
    session: Session, audit: AuditLog, recipient: str, ids: Sequence[str], now: datetime
) -> wire.AcknowledgementReceipt:
    rows = list(
        session.exec(
            select(Notification).where(
                col(Notification.id).in_(list(ids)), Notification.recipient == recipient
            )
        )
    )
    if len(rows) != len(set(ids)):
        raise NotFound("one or more notifications do not exist in your inbox")
    for row in rows:
        if row.acknowledged_at is None:
            row.acknowledged_at = now
            session.add(row)
    audit.append(
        session,
        now,
        actor=recipient,
        action=AuditAction.NOTIFICATIONS_ACK,
        detail={"notifications": sorted(ids)},
    )
    return wire.AcknowledgementReceipt(acknowledged=len(rows))
