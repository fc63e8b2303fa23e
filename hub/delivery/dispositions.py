"""Dispositions: a recipient's verdict on one of its notifications (confirmed, false match,
duplicate), and the linkage figures they feed (``homeward hub stats``).

A disposition is the recipient's own: another authority's notification is not found, as for an
acknowledgement. Giving one also acknowledges the notification; it may be changed later (each
verdict is audited, ``notification.disposition``). What a verdict does to a possible match
awaiting review is linking's business (``hub.linking.service.resolve_review``, called by
``hub.pipeline.dispose``)."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from hub import wire
from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery.models import Notification
from hub.errors import NotFound
from hub.linking.models import Match

DISPOSITIONS: tuple[wire.Disposition, ...] = ("confirmed", "false_match", "duplicate")


def record(
    session: Session,
    audit: AuditLog,
    recipient: str,
    notification_id: str,
    disposition: wire.Disposition,
    now: datetime,
) -> Notification:
    """Record ``recipient``'s verdict on its notification; returns the notification."""
    row = session.exec(
        select(Notification).where(
            Notification.id == notification_id, Notification.recipient == recipient
        )
    ).first()
    if row is None:
        raise NotFound("no such notification in your inbox")
    row.disposition, row.disposed_at = disposition, now
    row.acknowledged_at = row.acknowledged_at or now
    session.add(row)
    audit.append(
        session,
        now,
        actor=recipient,
        action=AuditAction.NOTIFICATION_DISPOSITION,
        subject=row.case_reference,
        detail={"notification": row.id, "disposition": disposition},
    )
    return row


@dataclass(frozen=True, slots=True)
class LinkageFigures:
    """Counts only, never a child: live matches by outcome, reviews by resolution (pending,
    confirmed, rejected), withdrawn matches, and notifications by their recipients' verdicts."""

    matches: dict[str, int]
    reviews: dict[str, int]
    withdrawn: int
    dispositions: dict[str, int]


def figures(session: Session) -> LinkageFigures:
    live = session.exec(
        select(Match.outcome, func.count())
        .where(col(Match.withdrawn_at).is_(None))
        .group_by(col(Match.outcome))
    ).all()
    reviewed = session.exec(
        select(Match.resolution, func.count())
        .where(col(Match.resolution).is_not(None))
        .group_by(col(Match.resolution))
    ).all()
    pending = session.exec(
        select(func.count()).where(
            Match.outcome == "possible",
            col(Match.withdrawn_at).is_(None),
            col(Match.resolution).is_(None),
        )
    ).one()
    withdrawn = session.exec(select(func.count()).where(col(Match.withdrawn_at).is_not(None))).one()
    verdicts = Counter(
        dict(
            session.exec(
                select(Notification.disposition, func.count())
                .where(col(Notification.disposition).is_not(None))
                .group_by(col(Notification.disposition))
            ).all()
        )
    )
    return LinkageFigures(
        matches={outcome: count for outcome, count in live},
        reviews={"pending": pending, **{str(r): n for r, n in reviewed}},
        withdrawn=withdrawn,
        dispositions={d: verdicts.get(d, 0) for d in DISPOSITIONS},
    )
