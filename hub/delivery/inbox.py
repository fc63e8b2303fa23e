"""The inbox: notifications stored durably per recipient, read with a cursor, acknowledged
explicitly. Every read and acknowledgement is audited with the ids it touched.

Withdrawal. A notification stands as long as the match it reported does. When an episode is
linked again and a match no longer stands (a corrected report now points at another child; the
true child arrived and a "possible match: needs review" became a definite link elsewhere; a
possible match became a link or a link became only possible), every notification of that case is
*withdrawn*: ``withdrawn_at`` is set and it becomes unacknowledged again, so it comes back to
the top of its recipient's attention even if it was read and acknowledged. Its fields are kept
(the recipient needs the case reference and its own reference to stand down). When the same
recipient is sent a notification about the same episode (the review that became a link, the
reporter told of the right child), the withdrawn one's ``superseded_by`` names it; a recipient
whose child it was not gets no successor and learns nothing about the other child. Withdrawal
and each superseding notification are audited (``notification.withdraw``, ``supersedes``). A
withdrawn notification granted again is reinstated (``notification.reinstate``)."""

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import and_, bindparam, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hub import wire
from hub.audit import AuditAction
from hub.audit.commitments import notification_commitment
from hub.audit.interfaces import AuditLog
from hub.delivery import digests
from hub.delivery.models import Notification
from hub.errors import NotFound
from hub.linking.values import Link
from policies import EventType, Grant, Urgency


class InboxDeliverer:
    """The ``Deliverer`` that stores each grant as a notification in its recipient's inbox."""

    def __init__(self, audit: AuditLog, digest_at: time | None = None) -> None:
        self.audit, self.digest_at = audit, digest_at

    def _announce(
        self,
        session: Session,
        n: Notification,
        action: AuditAction,
        now: datetime,
        urgency: Urgency = "routine",
        told: digests.Channels | None = None,
    ) -> None:
        """Queue the webhooks and e-mail alerts that tell the recipient (now, or in its digest:
        hub/delivery/digests.py), in this transaction."""
        digests.announce(session, n, WEBHOOK_TYPES[action], now, self.digest_at, urgency, told)

    def deliver(self, session: Session, link: Link, grants: Sequence[Grant], now: datetime) -> int:
        created = 0
        known = _known(session, link, grants)
        told = digests.channels(session, {g.recipient for g in grants}) if grants else None
        for grant in grants:
            existing = known.existing.get((grant.recipient, grant.policy_id))
            if existing is not None and existing.withdrawn_at is None:
                continue
            if existing is None:
                notification, action = (
                    _notification(link, grant, now),
                    AuditAction.NOTIFICATION_CREATE,
                )
                created += 1
            else:
                notification, action = (
                    _reinstated(existing, grant),
                    AuditAction.NOTIFICATION_REINSTATE,
                )
            session.add(notification)
            self._announce(session, notification, action, now, grant.urgency, told)
            supersedes = _supersede(session, known.rows, notification)
            self.audit.append(
                session,
                now,
                actor="hub",
                action=action,
                subject=link.case_reference,
                detail={
                    "notification": notification.id,
                    "commitment": notification_commitment(notification),
                    "recipient": grant.recipient,
                    "role": grant.role,
                    "event": notification.event,
                    "policy": grant.policy_id,
                    "policy_version": grant.policy_version,
                    "policy_hash": grant.policy_hash,
                    "fields": sorted(grant.fields),
                    **({"supersedes": supersedes} if supersedes else {}),
                },
            )
        return created

    def withdraw(self, session: Session, case_references: Sequence[str], now: datetime) -> int:
        """Withdraw every live notification of these cases: each shows ``withdrawn_at`` and is
        unacknowledged again, so its recipient sees the withdrawal even after reading it."""
        if not case_references:
            return 0
        rows = session.exec(
            select(Notification)
            .where(
                col(Notification.case_reference).in_(list(case_references)),
                col(Notification.withdrawn_at).is_(None),
            )
            .order_by(col(Notification.seq))
        ).all()
        for row in rows:
            row.withdrawn_at, row.acknowledged_at = now, None
            session.add(row)
            self._announce(session, row, AuditAction.NOTIFICATION_WITHDRAW, now)
            self.audit.append(
                session,
                now,
                actor="hub",
                action=AuditAction.NOTIFICATION_WITHDRAW,
                subject=row.case_reference,
                detail={"notification": row.id, "recipient": row.recipient},
            )
        return len(rows)


WEBHOOK_TYPES = {
    AuditAction.NOTIFICATION_CREATE: "notification.created",
    AuditAction.NOTIFICATION_REINSTATE: "notification.reinstated",
    AuditAction.NOTIFICATION_WITHDRAW: "notification.withdrawn",
}


@dataclass(frozen=True, slots=True)
class _Known:
    """The grants' recipients' notifications delivery may change, read in one query: those
    already made for this case and event (``existing``, by recipient and policy), and the
    withdrawn ones about this episode (``rows`` holds both)."""

    rows: list[Notification]
    existing: dict[tuple[str, str], Notification]


def _known_query() -> SelectOfScalar[Notification]:
    """Built once (hub/db/__init__.py)."""
    same_case = and_(
        col(Notification.case_reference) == bindparam("case"),
        col(Notification.event) == bindparam("event"),
    )
    withdrawn = and_(
        col(Notification.episode_id) == bindparam("episode"),
        col(Notification.withdrawn_at).is_not(None),
        col(Notification.superseded_by).is_(None),
    )
    among = col(Notification.recipient).in_(bindparam("recipients", expanding=True))
    return select(Notification).where(among, or_(same_case, withdrawn))


_KNOWN = _known_query()


def _known(session: Session, link: Link, grants: Sequence[Grant]) -> _Known:
    recipients = sorted({g.recipient for g in grants})
    if not recipients:
        return _Known([], {})
    asked = {
        "recipients": recipients,
        "case": link.case_reference,
        "event": link.event,
        "episode": link.episode.id,
    }
    rows = session.exec(_KNOWN, params=asked).all()
    case = (link.case_reference, link.event)
    existing = {(r.recipient, r.policy_id): r for r in rows if (r.case_reference, r.event) == case}
    return _Known(list(rows), existing)


def _reinstated(row: Notification, grant: Grant) -> Notification:
    """A withdrawn notification granted again (the episode points back at its child): live and
    unacknowledged, with what the policy grants now."""
    row.withdrawn_at, row.superseded_by, row.acknowledged_at = None, None, None
    row.policy_version, row.policy_hash = grant.policy_version, grant.policy_hash
    row.purpose, row.lawful_basis = grant.purpose, grant.lawful_basis
    row.retain_until, row.payload = grant.retain_until, json.dumps(grant.fields, sort_keys=True)
    return row


def _supersede(
    session: Session, known: Iterable[Notification], notification: Notification
) -> list[str]:
    """This recipient's withdrawn notifications about the same episode, not yet superseded, now
    point at ``notification``: only ever at a notification of the same recipient."""
    replaced = [
        row
        for row in known
        if row.recipient == notification.recipient
        and row.episode_id == notification.episode_id
        and row.withdrawn_at is not None
        and row.superseded_by is None
        and row.id != notification.id
    ]
    for row in replaced:
        row.superseded_by = notification.id
        session.add(row)
    return sorted(r.id for r in replaced)


def _notification(link: Link, grant: Grant, now: datetime) -> Notification:
    return Notification(
        id=str(uuid.uuid4()),
        recipient=grant.recipient,
        episode_id=link.episode.id,
        case_reference=link.case_reference,
        event=link.event,
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
        policy_hash=n.policy_hash,
        purpose=n.purpose,
        lawful_basis=n.lawful_basis,
        retain_until=n.retain_until,
        fields=json.loads(n.payload),
        acknowledged_at=n.acknowledged_at,
        withdrawn_at=n.withdrawn_at,
        superseded_by=n.superseded_by,
        disposition=n.disposition,
        disposed_at=n.disposed_at,
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
