"""Retention: notifications are deleted once the retention period their policy set has passed.
Each purge is audited with the ids it removed."""

from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hub import audit, store


def purge_expired(session: Session, today: date, now: datetime) -> int:
    expired = list(
        session.exec(
            select(store.Notification.id).where(col(store.Notification.retain_until) < today)
        )
    )
    if expired:
        session.execute(delete(store.Notification).where(col(store.Notification.id).in_(expired)))
    audit.append_at(
        session,
        now,
        actor="operator",
        action="retention.purge",
        detail={"before": today.isoformat(), "notifications": sorted(expired)},
    )
    return len(expired)
