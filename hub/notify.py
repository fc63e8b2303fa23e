"""Notifications: stored durably per recipient, read with a cursor, acknowledged explicitly."""

import json
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from hub import audit, store, wire
from hub.errors import NotFound
from hub.linking import Link
from hub.sharing import event_of
from policies import Grant


def store_grants(session: Session, link: Link, grants: Sequence[Grant], now: datetime) -> int:
    """One notification per grant, at most once per recipient, case (an episode joined to one
    child), event and policy."""
    event, created = event_of(link.episode), 0
    for grant in grants:
        exists = session.exec(
            select(store.Notification.seq).where(
                store.Notification.recipient == grant.recipient,
                store.Notification.case_reference == link.match.id,
                store.Notification.event == event,
                store.Notification.policy_id == grant.policy_id,
            )
        ).first()
        if exists is not None:
            continue
        notification = store.Notification(
            id=str(uuid.uuid4()),
            recipient=grant.recipient,
            episode_id=link.match.episode_id,
            case_reference=link.match.id,
            event=event,
            policy_id=grant.policy_id,
            policy_version=grant.policy_version,
            purpose=grant.purpose,
            lawful_basis=grant.lawful_basis,
            retain_until=grant.retain_until,
            payload=json.dumps(grant.fields, sort_keys=True),
            created_at=now,
        )
        session.add(notification)
        audit.append_at(
            session,
            now,
            actor="hub",
            action="notification.create",
            subject=link.match.id,
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


def public(n: store.Notification) -> wire.Notification:
    return wire.Notification(
        id=n.id,
        created_at=n.created_at,
        event=n.event,
        policy_id=n.policy_id,
        policy_version=n.policy_version,
        purpose=n.purpose,
        lawful_basis=n.lawful_basis,
        retain_until=n.retain_until,
        fields=json.loads(n.payload),
        acknowledged_at=n.acknowledged_at,
    )


def inbox(
    session: Session, recipient: str, *, cursor: int, limit: int, include_acknowledged: bool
) -> tuple[list[store.Notification], int | None]:
    query = select(store.Notification).where(
        store.Notification.recipient == recipient, col(store.Notification.seq) > cursor
    )
    if not include_acknowledged:
        query = query.where(col(store.Notification.acknowledged_at).is_(None))
    rows = list(session.exec(query.order_by(col(store.Notification.seq)).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].seq if more and rows else None)


def acknowledge(session: Session, recipient: str, ids: Sequence[str], now: datetime) -> int:
    rows = list(
        session.exec(
            select(store.Notification).where(
                col(store.Notification.id).in_(list(ids)), store.Notification.recipient == recipient
            )
        )
    )
    if len(rows) != len(set(ids)):
        raise NotFound("one or more notifications do not exist in your inbox")
    for row in rows:
        if row.acknowledged_at is None:
            row.acknowledged_at = now
            session.add(row)
    return len(rows)
