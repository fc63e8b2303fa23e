"""The audit API's answers. Auditors read every entry, a council the entries of its own
accesses; only auditors read raw leaves, verify the whole log or ask for a checkpoint on demand.
Every read of the log is itself audited (``audit.read``, with what was asked)."""

import base64
from datetime import datetime

from sqlmodel import Session

from hub import wire
from hub.audit import checkpoints, merkle, tree, witnessing
from hub.audit.actions import AuditAction
from hub.audit.checkpoints import CheckpointIssuer, ForkRefused
from hub.audit.entry import parse_leaf
from hub.audit.interfaces import AuditLog
from hub.audit.log import entries
from hub.audit.models import AuditLeaf
from hub.audit.verify import verify
from hub.errors import Forbidden, InternalError, InvalidRequest, NotFound
from hub.identity.interfaces import Caller, Role

MAX_LEAVES = 1000


def public(row: AuditLeaf) -> wire.AuditEntry:
    leaf = row.leaf.encode("utf-8")
    entry = parse_leaf(leaf)
    return wire.AuditEntry(
        index=row.idx,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        refs=list(entry.refs),
        detail=dict(entry.detail),
        leaf_hash=merkle.leaf_hash(leaf).hex(),
    )


def _audited(
    session: Session, audit: AuditLog, caller: Caller, now: datetime, **asked: object
) -> None:
    audit.append(session, now, actor=caller.code, action=AuditAction.AUDIT_READ, detail=asked)


def _auditor(caller: Caller, what: str) -> None:
    if caller.role is not Role.AUDITOR:
        raise Forbidden(f"only auditors may {what}")


def read_entries(
    session: Session,
    audit: AuditLog,
    caller: Caller,
    now: datetime,
    *,
    start: int,
    limit: int,
    filters: dict[str, str | datetime | None],
) -> wire.AuditPage:
    actor = filters.get("actor")
    if caller.role is not Role.AUDITOR:
        actor = caller.code
    chosen = {k: v for k, v in filters.items() if k != "actor"}
    rows = entries(session, after=start - 1, limit=limit + 1, actor=_text(actor), **chosen)  # type: ignore[arg-type]
    page, more = rows[:limit], len(rows) > limit
    asked = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in chosen.items()}
    _audited(session, audit, caller, now, start=start, returned=len(page), **asked)
    return wire.AuditPage(
        entries=[public(r) for r in page],
        next_cursor=str(page[-1].idx + 1) if more and page else None,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def leaves(
    session: Session, audit: AuditLog, caller: Caller, now: datetime, *, start: int, end: int
) -> wire.AuditLeaves:
    _auditor(caller, "read the raw log")
    if not 0 <= start <= end or end - start > MAX_LEAVES:
        raise InvalidRequest(f"ask for 0 <= start <= end, at most {MAX_LEAVES} entries at once")
    rows = tree.leaves(session, start, min(end, tree.size(session)))
    _audited(session, audit, caller, now, leaves=[start, end], returned=len(rows))
    return wire.AuditLeaves(
        entries=[
            wire.AuditLeafBytes(index=r.idx, entry=base64.b64encode(r.leaf.encode()).decode())
            for r in rows
        ]
    )


def _hashes(values: list[bytes]) -> wire.AuditProof:
    return wire.AuditProof(hashes=[base64.b64encode(h).decode() for h in values])


def inclusion(session: Session, caller: Caller, index: int, size: int) -> wire.AuditProof:
    try:
        return _hashes(tree.inclusion_proof(session, index, size))
    except tree.OutOfRange as exc:
        raise NotFound(str(exc)) from exc


def consistency(session: Session, caller: Caller, first: int, second: int) -> wire.AuditProof:
    try:
        return _hashes(tree.consistency_proof(session, first, second))
    except tree.OutOfRange as exc:
        raise NotFound(str(exc)) from exc


def checkpoint(
    session: Session, issuer: CheckpointIssuer, now: datetime, *, fresh: bool = False
) -> str:
    """The latest signed checkpoint (a new one first when due, or when ``fresh``)."""
    try:
        made = (
            checkpoints.issue(session, issuer, now)
            if fresh
            else checkpoints.current(session, issuer, now)
        )
    except ForkRefused as exc:
        raise InternalError from exc  # the hub never signs a fork of its own history
    return witnessing.served(session, made)


def checkpoint_on_demand(
    session: Session, audit: AuditLog, issuer: CheckpointIssuer, caller: Caller, now: datetime
) -> str:
    _auditor(caller, "ask for a new checkpoint")
    note = checkpoint(session, issuer, now, fresh=True)
    _audited(session, audit, caller, now, checkpoint="issued")
    return note


def history(session: Session, *, start: int, limit: int) -> wire.AuditCheckpointHistory:
    rows = checkpoints.history(session, after=start - 1, limit=limit + 1)
    page, more = rows[:limit], len(rows) > limit
    return wire.AuditCheckpointHistory(
        checkpoints=[
            wire.AuditCheckpointRecord(size=r.size, issued_at=r.issued_at, note=r.note)
            for r in page
        ],
        next_cursor=str(page[-1].size + 1) if more and page else None,
    )


def verify_log(
    session: Session, audit: AuditLog, issuer: CheckpointIssuer, caller: Caller, now: datetime
) -> wire.AuditVerification:
    _auditor(caller, "verify the whole log")
    result = verify(session, [issuer.verifier])
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
        root=result.root,
        problem=result.problem,
        at_index=result.at_index,
    )
