"""Verification: recompute the hash chain from genesis and check it against the head.

Verification never raises on a damaged log: a missing table, a row whose detail is not JSON or
whose timestamp does not parse, a head that is not exactly one row are each reported as the
problem, at the first entry (1-based position in the chain) that does not fit. The database is
read as raw values, so a value the ORM could not load is still a value to report on.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from hub.audit.log import GENESIS_HASH, entry_hash
from hub.audit.models import AuditHead, AuditRecord

RECORDS, HEAD = "auditrecord", "audithead"
_ROWS = text(
    "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM auditrecord ORDER BY seq"
)
_HEADS = text("SELECT seq, hash FROM audithead")


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    head_hash: str
    problem: str | None = None
    at_seq: int | None = None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A stored row that is not an audit entry (or head) at all."""

    problem: str


def verify_chain(
    records: Iterable[AuditRecord | Unreadable], head: AuditHead | Unreadable
) -> Verification:
    """Recompute the chain from genesis; report the first entry that does not fit."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for r in records:
        if isinstance(r, Unreadable):
            return Verification(False, count, prev_hash, r.problem, expected_seq)
        problem = _misfit(r, expected_seq, prev_hash)
        if problem is not None:
            return Verification(False, count, prev_hash, problem, r.seq)
        prev_hash, expected_seq, count = r.hash, expected_seq + 1, count + 1
    if isinstance(head, Unreadable):
        return Verification(False, count, prev_hash, head.problem, count)
    if head.seq != count or head.hash != prev_hash:
        return Verification(
            False,
            count,
            prev_hash,
            f"chain ends at entry {count} but the head records {head.seq}",
            count,
        )
    return Verification(True, count, prev_hash)


def _misfit(r: AuditRecord, expected_seq: int, prev_hash: str) -> str | None:
    if r.seq != expected_seq:
        return f"entry {expected_seq} is missing"
    if r.prev_hash != prev_hash:
        return "entry does not follow its predecessor"
    try:
        recomputed = entry_hash(
            seq=r.seq,
            at=r.at,
            actor=r.actor,
            action=r.action,
            subject=r.subject,
            detail=r.detail,
            prev_hash=r.prev_hash,
        )
    except ValueError:
        return "the detail is not valid JSON"
    return None if recomputed == r.hash else "entry content was altered"


def verify(session: Session) -> Verification:
    """Verify the log stored in this database; a damaged or missing log is a failed result."""
    try:
        connection = session.connection()
        missing = [t for t in (RECORDS, HEAD) if not inspect(connection).has_table(t)]
        if missing:
            return Verification(
                False, 0, GENESIS_HASH, f"the database has no {missing[0]} table: not a hub log"
            )
        return verify_chain(_entries(connection), _head(connection))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        return Verification(False, 0, GENESIS_HASH, f"the audit log could not be read: {reason}")


def _head(connection: Connection) -> AuditHead | Unreadable:
    rows = connection.execute(_HEADS).all()
    if len(rows) != 1:
        return Unreadable(f"the chain head has {len(rows)} rows; it must have exactly one")
    seq, hash_ = rows[0]
    if not isinstance(seq, int) or not isinstance(hash_, str):
        return Unreadable("the chain head row is malformed")
    return AuditHead(seq=seq, hash=hash_)


def _entries(connection: Connection) -> Iterator[AuditRecord | Unreadable]:
    for raw in connection.execute(_ROWS):
        yield _entry(tuple(raw))


def _entry(raw: Sequence[Any]) -> AuditRecord | Unreadable:
    seq, at, actor, action, subject, detail, prev_hash, hash_ = raw
    if not isinstance(seq, int):
        return Unreadable("the sequence number is not a number")
    if not all(isinstance(v, str) for v in (actor, action, subject, detail, prev_hash, hash_)):
        return Unreadable("a field is missing or not text")
    when = _instant(at)
    if when is None:
        return Unreadable("the timestamp is not a date and time")
    try:
        json.loads(detail)
    except ValueError:
        return Unreadable("the detail is not valid JSON")
    return AuditRecord(
        seq=seq,
        at=when,
        actor=actor,
        action=action,
        subject=subject,
        detail=detail,
        prev_hash=prev_hash,
        hash=hash_,
    )


def _instant(raw: object) -> datetime | None:
    """A stored timestamp as the ORM would load it (SQLite keeps text, PostgreSQL a datetime);
    naive values are UTC."""
    try:
        value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
