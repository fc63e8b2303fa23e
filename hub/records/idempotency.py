"""Idempotent uploads: a retried batch gets the stored receipt, a reused key for other content
is refused, and remembered keys are forgotten after a week (a connector retries in minutes)."""

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import delete, text
from sqlmodel import Session, col, select

from hub import wire
from hub.errors import IdempotencyConflict
from hub.records.models import IdempotentRequest

IDEMPOTENCY_WINDOW = timedelta(days=7)


def request_digest(body: bytes) -> str:
    """The request as sent: a connector retries with the same bytes (hashing them costs a
    thousandth of serialising the parsed batch again)."""
    return hashlib.sha256(body).hexdigest()


def replayed_receipt(
    session: Session, authority: str, key: str, digest: str
) -> wire.BatchReceipt | None:
    """The stored receipt for a retried request; a key reused for other content is refused.
    Holds the key until the transaction ends, so concurrent uses of it get one answer."""
    hold_key(session, authority, key)
    seen = session.get(IdempotentRequest, (authority, key))
    if seen is None:
        return None
    if seen.request_digest != digest:
        raise IdempotencyConflict(f"idempotency key {key!r} was used for a different request")
    return wire.BatchReceipt.model_validate({**json.loads(seen.response), "replayed": True})


def hold_key(session: Session, authority: str, key: str) -> None:
    """Wait for any other transaction using this key, then hold it until this one ends (a
    PostgreSQL transaction-level advisory lock; SQLite transactions are already serial)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    name = hashlib.sha256(f"{authority}\x1f{key}".encode()).digest()[:8]
    lock = int.from_bytes(name, "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


def remember_receipt(
    session: Session,
    authority: str,
    key: str,
    digest: str,
    receipt: wire.BatchReceipt,
    now: datetime,
) -> None:
    session.add(
        IdempotentRequest(
            authority=authority,
            key=key,
            request_digest=digest,
            response=receipt.model_dump_json(),
            created_at=now,
        )
    )


def forget_stale(session: Session, now: datetime) -> int:
    """Forget keys older than the window; returns how many."""
    stale = col(IdempotentRequest.created_at) < now - IDEMPOTENCY_WINDOW
    forgotten = len(list(session.exec(select(IdempotentRequest.key).where(stale))))
    session.execute(delete(IdempotentRequest).where(stale))
    return forgotten
