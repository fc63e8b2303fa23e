"""What the duty inbox pages read: one authority's notifications, never another's. Each read
that shows notifications is audited as ``notifications.read`` (with the person and the page),
like a read through the API; acknowledgements and dispositions go through the API's services."""

from datetime import datetime

from sqlmodel import Session, col, select

from hub import wire
from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery import inbox
from hub.delivery.models import Notification
from hub.errors import NotFound

MAX_ROWS = 500


def notifications(
    session: Session, recipient: str, *, case_reference: str | None = None
) -> list[tuple[int, wire.Notification]]:
    """The recipient's notifications (sequence number, public form), newest first."""
    query = select(Notification).where(Notification.recipient == recipient)
    if case_reference is not None:
        query = query.where(Notification.case_reference == case_reference)
    rows = session.exec(query.order_by(col(Notification.seq).desc()).limit(MAX_ROWS))
    return [(row.seq or 0, inbox.public(row)) for row in rows]


def one(session: Session, recipient: str, notification_id: str) -> wire.Notification:
    """One of the recipient's notifications; another authority's is as absent as a made-up id."""
    row = session.exec(
        select(Notification).where(
            Notification.id == notification_id, Notification.recipient == recipient
        )
    ).first()
    if row is None:
        raise NotFound("no such notification in your inbox")
    return inbox.public(row)


def latest(session: Session, recipient: str) -> int:
    """The sequence number of the recipient's newest notification (0 when none)."""
    row = session.exec(
        select(Notification.seq)
        .where(Notification.recipient == recipient)
        .order_by(col(Notification.seq).desc())
        .limit(1)
    ).first()
    return row or 0


def audit_read(
    session: Session,
    audit: AuditLog,
    now: datetime,
    *,
    recipient: str,
    person: str,
    page: str,
    shown: list[str],
) -> None:
    audit.append(
        session,
        now,
        actor=recipient,
        action=AuditAction.NOTIFICATIONS_READ,
        detail={"notifications": shown, "person": person, "page": page},
    )
