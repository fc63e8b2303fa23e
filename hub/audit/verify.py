"""Verification: recompute the hash chain from genesis and check it against the head."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from hub.audit.log import GENESIS_HASH, entry_hash
from hub.audit.models import AuditHead, AuditRecord


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    head_hash: str
    problem: str | None = None
    at_seq: int | None = None


def verify_chain(records: Iterable[AuditRecord], head: AuditHead) -> Verification:
    """Recompute the chain from genesis; report the first entry that does not fit."""
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for r in records:
        if r.seq != expected_seq:
            return Verification(False, count, prev_hash, f"entry {expected_seq} is missing", r.seq)
        if r.prev_hash != prev_hash:
            return Verification(
                False, count, prev_hash, "entry does not follow its predecessor", r.seq
            )
        recomputed = entry_hash(
            seq=r.seq,
            at=r.at,
            actor=r.actor,
            action=r.action,
            subject=r.subject,
            detail=r.detail,
            prev_hash=r.prev_hash,
        )
        if recomputed != r.hash:
            return Verification(False, count, prev_hash, "entry content was altered", r.seq)
        prev_hash, expected_seq, count = r.hash, expected_seq + 1, count + 1
    if head.seq != count or head.hash != prev_hash:
        return Verification(
            False,
            count,
            prev_hash,
            f"chain ends at entry {count} but the head records {head.seq}",
            count,
        )
    return Verification(True, count, prev_hash)


def verify(session: Session) -> Verification:
    head = session.exec(select(AuditHead)).one()
    records = session.exec(select(AuditRecord).order_by(col(AuditRecord.seq)))
    return verify_chain(records, head)
