"""Retention: notifications are deleted once the retention period their policy set has passed,
and remembered idempotency keys after a week (a connector retries within minutes). Each purge is
audited with the ids it removed."""

from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hub import audit, store

IDEMPOTENCY_WINDOW = timedelta(days=7)


def purge_expired(session: Session, today: date, now: datetime) -> int:
    expired = list(
        session.exec(
            select(store.Notification.id).where(col(store.Notification.retain_until) < today)
        )
    )
    if expired:
        session.execute(delete(store.Notification).where(col(store.Notification.id).in_(expired)))
    stale = col(store.IdempotentRequest.created_at) < now - IDEMPOTENCY_WINDOW
    forgotten = len(list(session.exec(select(store.IdempotentRequest.key).where(stale))))
    session.execute(delete(store.IdempotentRequest).where(stale))
    audit.append_at(
        session,
        now,
        actor="operator",
        action="retention.purge",
        detail={
            "before": today.isoformat(),
            "notifications": sorted(expired),
            "idempotency_keys": forgotten,
        },
    )
    return len(expired)
