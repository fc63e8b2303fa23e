"""The audit API's answers: auditors read every entry, a council the entries of its own
accesses; only auditors verify the whole log. Reading the log is itself audited."""

from datetime import datetime

from sqlmodel import Session

from hub import wire
from hub.audit.actions import AuditAction
from hub.audit.interfaces import AuditLog
from hub.audit.log import entries, public
from hub.audit.verify import verify
from hub.errors import Forbidden
from hub.identity.interfaces import Caller, Role


def read_entries(
    session: Session,
    audit: AuditLog,
    caller: Caller,
    now: datetime,
    *,
    after: int,
    limit: int,
    subject: str | None,
) -> wire.AuditPage:
    actor = None if caller.role is Role.AUDITOR else caller.code
    rows = entries(session, after=after, limit=limit + 1, actor=actor, subject=subject)
    page, more = rows[:limit], len(rows) > limit
    audit.append(
        session,
        now,
        actor=caller.code,
        action=AuditAction.AUDIT_READ,
        detail={"after": after, "returned": len(page), "subject": subject},
    )
    return wire.AuditPage(
        entries=[public(r) for r in page],
        next_cursor=str(page[-1].seq) if more and page else None,
    )


def verify_log(
    session: Session, audit: AuditLog, caller: Caller, now: datetime
) -> wire.AuditVerification:
    if caller.role is not Role.AUDITOR:
        raise Forbidden("only auditors may verify the whole log")
    result = verify(session)
    audit.append(
        session,
        now,
        actor=caller.code,
        action=AuditAction.AUDIT_VERIFY,
        detail={"ok": result.ok, "entries": result.entries},
    )
    return wire.AuditVerification(
        ok=result.ok,
        entries=result.entries,
        head_hash=result.head_hash,
        problem=result.problem,
        at_seq=result.at_seq,
    )
