"""Retention: notifications are deleted once the retention period their policy set has passed,
remembered idempotency keys after a week, reports counted for the quota after a day. Each purge
is audited with the ids it removed."""

from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery.models import Notification
from hub.records import quota
from hub.records.idempotency import forget_stale


def purge_expired(session: Session, audit: AuditLog, today: date, now: datetime) -> int:
    expired = list(
        session.exec(select(Notification.id).where(col(Notification.retain_until) < today))
    )
    if expired:
        session.execute(delete(Notification).where(col(Notification.id).in_(expired)))
    forgotten = forget_stale(session, now)
    counted = quota.forget_stale(session, now)
    audit.append(
        session,
        now,
        actor="operator",
        action=AuditAction.RETENTION_PURGE,
        detail={
            "before": today.isoformat(),
            "notifications": sorted(expired),
            "idempotency_keys": forgotten,
            "quota_reports": counted,
        },
    )
    return len(expired)
