"""Retention: notifications are deleted once the retention period their policy set has passed,
remembered idempotency keys after a week, reports counted for the quota after a day; delivered
outbox items (webhooks, e-mails, shares, digests: each one row holding its delivery attempts)
once ``outbox_retention`` has passed since delivery (dead letters stay until redelivered). Each
purge is audited with what it removed. The worker runs ``purge_due`` itself (no cron)."""

from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.delivery import outbox
from hub.delivery.models import Notification, OutboxItem
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


def purge_outbox(session: Session, before: datetime) -> list[int]:
    """Delete the outbox items delivered before ``before``; their ids."""
    done = list(
        session.exec(
            select(OutboxItem.id).where(
                OutboxItem.state == outbox.DONE, col(OutboxItem.done_at) < before
            )
        )
    )
    if done:
        session.execute(delete(OutboxItem).where(col(OutboxItem.id).in_(done)))
    return [i for i in done if i is not None]


def purge_due(session: Session, audit: AuditLog, now: datetime, outbox_retention: timedelta) -> int:
    """The worker's retention step: notifications past their policy's retention and delivered
    outbox items past ``outbox_retention``, audited as one retention purge when anything went;
    returns how many rows."""
    today = now.date()
    expired = list(
        session.exec(select(Notification.id).where(col(Notification.retain_until) < today))
    )
    if expired:
        session.execute(delete(Notification).where(col(Notification.id).in_(expired)))
    before = now - outbox_retention
    delivered = purge_outbox(session, before)
    if expired or delivered:
        audit.append(
            session,
            now,
            actor="hub",
            action=AuditAction.RETENTION_PURGE,
            detail={
                "before": today.isoformat(),
                "notifications": sorted(expired),
                "outbox_before": before.isoformat(),
                "outbox_items": len(delivered),
            },
        )
    return len(expired) + len(delivered)
