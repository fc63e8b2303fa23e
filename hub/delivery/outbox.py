"""The transactional outbox: work queued in the transaction of the change that caused it, and
claimed by the worker (hub/worker.py) one item per transaction.

Claiming takes a row lock with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL): several workers never
hold the same item, and an item whose worker dies is released by the rollback and claimed
again, so nothing is lost. SQLite takes its write lock at ``BEGIN IMMEDIATE``
(hub/db/engine.py), which serialises workers the same way.
"""

import json
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, case, func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hub.delivery import retry
from hub.delivery.models import AlertAddress, OutboxItem, WebhookEndpoint

SHARE, WEBHOOK, EMAIL, DIGEST = "share", "webhook", "email", "digest"
PENDING, DONE, DEAD = "pending", "done", "dead"
DIGEST_TYPE = "notification.digest"
COMPACT: dict[str, Any] = {"separators": (",", ":")}


@dataclass(frozen=True, slots=True)
class Backlog:
    """A delivery target's undelivered work: pending and dead deliveries, and the error of the
    newest one that failed."""

    pending: int = 0
    dead: int = 0
    last_error: str | None = None


NO_BACKLOG = Backlog()
_QUEUED = "outbox_queued"  # in ``session.info``: the share items the session queued


def enqueue_share(session: Session, episode_ids: Iterable[int], now: datetime) -> int:
    """Queue each episode for linking, policies and notifications; returns how many."""
    items = [
        OutboxItem(kind=SHARE, episode_id=e, next_attempt_at=now, created_at=now)
        for e in sorted(set(episode_ids))
    ]
    session.add_all(items)
    session.info.setdefault(_QUEUED, []).extend(items)
    return len(items)


def queued(session: Session) -> list[int]:
    """The ids of the share items ``session`` queued, once its transaction committed."""
    items: list[OutboxItem] = session.info.pop(_QUEUED, [])
    return [item.id for item in items if item.id is not None]


def thin_payload(kind: str, notification_id: str, event: str, case: str, now: datetime) -> str:
    """What a webhook says: that a notification is waiting, never what it holds."""
    data = {
        "notification_id": notification_id,
        "event": event,
        "urgency": "immediate",
        "case_reference": case,
    }
    return json.dumps({"type": kind, "timestamp": now.isoformat(), "data": data}, **COMPACT)


def digest_payload(notification_ids: list[str], now: datetime) -> str:
    """A digest's webhook: the routine notifications waiting, by id only."""
    data = {"notification_ids": notification_ids, "urgency": "routine"}
    return json.dumps({"type": DIGEST_TYPE, "timestamp": now.isoformat(), "data": data}, **COMPACT)


Channel = TypeVar("Channel", WebhookEndpoint, AlertAddress)


# The statements a report runs are built once (hub/db/__init__.py).


@cache
def _active_query(model: type[Channel]) -> SelectOfScalar[Channel]:
    among = col(model.authority).in_(bindparam("authorities", expanding=True))
    return select(model).where(among, col(model.disabled_at).is_(None)).order_by(col(model.id))


def active_of(
    session: Session, model: type[Channel], authorities: Collection[str]
) -> dict[str, list[Channel]]:
    """The active webhook endpoints (or duty addresses) of these authorities, in one query."""
    found: dict[str, list[Channel]] = {a: [] for a in authorities}
    asked = {"authorities": sorted(authorities)}
    for row in session.exec(_active_query(model), params=asked):
        found[row.authority].append(row)
    return found


def enqueue_webhooks(
    session: Session,
    recipient: str,
    payload: str,
    now: datetime,
    endpoints: Sequence[WebhookEndpoint] | None = None,
) -> list[OutboxItem]:
    """One delivery per active endpoint of ``recipient`` (``endpoints``, when the caller read
    them already), each with its own ``webhook-id``."""
    if endpoints is None:
        endpoints = active_of(session, WebhookEndpoint, [recipient])[recipient]
    items = [
        OutboxItem(
            kind=WEBHOOK,
            endpoint_id=endpoint.id,
            recipient=recipient,
            message_id="msg_" + uuid.uuid4().hex,
            payload=payload,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint in endpoints
    ]
    session.add_all(items)
    return items


_DUE = (OutboxItem.state == PENDING, col(OutboxItem.next_attempt_at) <= bindparam("now"))
_CLAIM = (
    select(OutboxItem)
    .where(*_DUE)
    .order_by(col(OutboxItem.id))
    .limit(1)
    .with_for_update(skip_locked=True)
)


def claim(session: Session, now: datetime) -> OutboxItem | None:
    """The oldest due item no other worker holds, locked until this transaction ends."""
    return session.exec(_CLAIM, params={"now": now}).first()


@cache
def _claim_queued_query(episodes: Any) -> Any:
    query: Any = select(OutboxItem).where(
        OutboxItem.id == bindparam("item"), OutboxItem.state == PENDING
    )
    if episodes is not None:
        query = query.add_columns(episodes).outerjoin(
            episodes, episodes.id == OutboxItem.episode_id
        )
    return query.with_for_update(of=OutboxItem)


def claim_queued(session: Session, item_id: int, episodes: Any = None) -> OutboxItem | None:
    """That item, if it is still pending, locked until this transaction ends: a worker that
    holds it is waited for (and then it is done). With ``episodes`` (the episode model), the
    episode a share item names is read in the same statement, into the session."""
    found = session.execute(_claim_queued_query(episodes), {"item": item_id}).first()
    return None if found is None else found[0]


def finish(item: OutboxItem, status: int | None, now: datetime) -> None:
    item.attempts += 1
    item.state, item.done_at, item.last_status, item.last_error = DONE, now, status, None


def fail(
    item: OutboxItem,
    status: int | None,
    error: str,
    now: datetime,
    random: Callable[[], float],
) -> None:
    """Record a failed attempt: try again after the schedule's wait, or dead letter."""
    item.attempts += 1
    item.last_status, item.last_error = status, error[:200]
    delay = retry.next_delay(item.attempts, status, random)
    if delay is None:
        item.state, item.done_at = DEAD, now
    else:
        item.next_attempt_at = now + delay


def redeliver(session: Session, items: Iterable[OutboxItem], now: datetime) -> list[str]:
    """Dead (or pending) deliveries due again now, with a fresh schedule; their ids stay."""
    again: list[str] = []
    for item in items:
        item.state, item.attempts, item.next_attempt_at, item.done_at = PENDING, 0, now, None
        session.add(item)
        again.append(item.message_id or str(item.id))
    return again


def due_count(session: Session, now: datetime, limit: int | None = None) -> int:
    """Items waiting for a worker now (a retry scheduled later is not counted), up to
    ``limit``."""
    return len(session.exec(_due_query(limit), params={"now": now}).all())


@cache
def _due_query(limit: int | None) -> SelectOfScalar[Any]:
    return select(OutboxItem.id).where(*_DUE).limit(limit)


def backlogs(session: Session, target: Mapped[int | None]) -> dict[int, Backlog]:
    """The backlog of every target of one kind (``OutboxItem.endpoint_id`` or
    ``OutboxItem.alert_id``), counted by the database in one grouped query: delivered items,
    the bulk of the table, are never read. A target with no backlog is absent."""
    undelivered = select(
        target,
        func.sum(case((col(OutboxItem.state) == PENDING, 1), else_=0)),
        func.sum(case((col(OutboxItem.state) == DEAD, 1), else_=0)),
        func.max(case((col(OutboxItem.last_error).is_not(None), OutboxItem.id))),
    ).where(col(target).is_not(None), col(OutboxItem.state).in_((PENDING, DEAD)))
    rows = session.exec(undelivered.group_by(target)).all()
    errors = _errors(session, [newest for *_, newest in rows if newest is not None])
    return {
        t: Backlog(int(pending), int(dead), errors.get(newest))
        for t, pending, dead, newest in rows
        if t is not None
    }


def _errors(session: Session, item_ids: list[int]) -> dict[int, str | None]:
    if not item_ids:
        return {}
    query = select(OutboxItem.id, OutboxItem.last_error).where(col(OutboxItem.id).in_(item_ids))
    return {i: error for i, error in session.exec(query) if i is not None}
