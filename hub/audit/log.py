"""Append-only, hash-chained audit log.

Each entry's hash covers its canonical encoding and the previous entry's hash, so an edited,
deleted or reordered entry breaks the chain. Appends happen in the caller's transaction: an
access and its audit entry land together or not at all. Entries hold no personal data, only
authority codes, opaque references and counts.
"""

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from hub import wire
from hub.audit.actions import AuditAction
from hub.audit.models import AuditHead, AuditRecord

GENESIS_HASH = "0" * 64
DOMAIN = b"homeward-audit-v1\n"


def timestamp(at: datetime) -> str:
    """UTC, microseconds, ``Z``: one spelling per instant (naive values are taken as UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(
    *, seq: int, at: datetime, actor: str, action: str, subject: str, detail: str, prev_hash: str
) -> str:
    body = canonical(
        {
            "seq": seq,
            "at": timestamp(at),
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": json.loads(detail),
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(DOMAIN + body.encode("ascii")).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    """The chain head, read and locked once per transaction (the lock lasts until commit)."""
    transaction = session.get_transaction()
    cached = session.info.get("audit_head")
    if cached is not None and cached[0] is transaction:
        head: AuditHead = cached[1]
        return head
    head = session.exec(select(AuditHead).with_for_update()).one()
    session.info["audit_head"] = (transaction, head)
    return head


def append_at(
    session: Session,
    at: datetime,
    *,
    actor: str,
    action: AuditAction,
    subject: str = "",
    detail: Mapping[str, object] | None = None,
) -> AuditRecord:
    """Append one entry at time ``at``. Locks the chain head until commit."""
    head = _locked_head(session)
    encoded = canonical(dict(detail or {}))
    seq = head.seq + 1
    record = AuditRecord(
        seq=seq,
        at=at,
        actor=actor,
        action=str(action),
        subject=subject,
        detail=encoded,
        prev_hash=head.hash,
        hash=entry_hash(
            seq=seq,
            at=at,
            actor=actor,
            action=str(action),
            subject=subject,
            detail=encoded,
            prev_hash=head.hash,
        ),
    )
    head.seq, head.hash = seq, record.hash
    session.add(record)
    session.add(head)
    return record


def public(record: AuditRecord) -> wire.AuditEntry:
    return wire.AuditEntry(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        subject=record.subject,
        detail=json.loads(record.detail),
        prev_hash=record.prev_hash,
        hash=record.hash,
    )


def from_public(entry: wire.AuditEntry) -> AuditRecord:
    """The stored form of a served entry, so a third party can recompute its hash."""
    return AuditRecord(
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        detail=canonical(entry.detail),
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )


def entries(
    session: Session,
    *,
    after: int = 0,
    limit: int = 100,
    actor: str | None = None,
    subject: str | None = None,
) -> list[AuditRecord]:
    query = select(AuditRecord).where(col(AuditRecord.seq) > after)
    if actor is not None:
        query = query.where(AuditRecord.actor == actor)
    if subject is not None:
        query = query.where(AuditRecord.subject == subject)
    return list(session.exec(query.order_by(col(AuditRecord.seq)).limit(limit)))


class HashChainLog:
    """The ``AuditLog`` of today: a SHA-256 hash chain with a locked head row."""

    def append(
        self,
        session: Session,
        at: datetime,
        *,
        actor: str,
        action: AuditAction,
        subject: str = "",
        detail: Mapping[str, object] | None = None,
    ) -> None:
        append_at(session, at, actor=actor, action=action, subject=subject, detail=detail)
