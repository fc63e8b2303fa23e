"""Witnesses' cosignatures of the hub's checkpoints: accepted when they verify, kept, and served
appended to the checkpoint's note, so that a relying party can require more than the hub's word.

The hub keeps no list of witnesses: a cosignature is accepted from any audit reader if it
verifies under the witness key submitted with it (c2sp.org/tlog-cosignature), and a relying
party counts only the witness keys it chose to trust. One cosignature per witness key and
checkpoint (a newer one replaces it), at most ``MAX_WITNESSES`` witnesses per checkpoint.
Every submission accepted is audited in its transaction.
"""

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from hub import wire
from hub.audit.actions import AuditAction
from hub.audit.cosignature import WitnessKey, parse_line
from hub.audit.interfaces import AuditLog
from hub.audit.models import AuditCheckpoint, AuditCosignature
from hub.errors import InvalidRequest, NotFound
from hub.identity.interfaces import Caller
from keys.notes import NoteError, split_note

MAX_WITNESSES = 32


def served(session: Session, checkpoint: AuditCheckpoint) -> str:
    """The checkpoint's note with every kept cosignature line appended."""
    lines = session.exec(
        select(AuditCosignature.line)
        .where(AuditCosignature.size == checkpoint.size)
        .order_by(col(AuditCosignature.name), col(AuditCosignature.key_id))
    ).all()
    return checkpoint.note + "".join(lines)


def _verified(
    checkpoint: AuditCheckpoint, submitted: wire.AuditCosignatureSubmission
) -> WitnessKey:
    try:
        key = WitnessKey.parse(submitted.witness_key)
        name, raw = parse_line(submitted.cosignature)
        body, _ = split_note(checkpoint.note)
    except (ValueError, NoteError) as exc:
        raise InvalidRequest(f"not a cosignature: {exc}") from exc
    if name != key.name or key.verifies(body, raw) is None:
        raise InvalidRequest(
            f"the cosignature does not verify under {key.name}'s key for checkpoint "
            f"{checkpoint.size} (c2sp.org/tlog-cosignature, Ed25519)"
        )
    return key


def accept(
    session: Session,
    audit: AuditLog,
    caller: Caller,
    now: datetime,
    submitted: wire.AuditCosignatureSubmission,
) -> wire.AuditCosignatureReceipt:
    checkpoint = session.get(AuditCheckpoint, submitted.size)
    if checkpoint is None:
        raise NotFound(f"the hub signed no checkpoint of size {submitted.size}")
    key = _verified(checkpoint, submitted)
    session.execute(
        delete(AuditCosignature).where(
            col(AuditCosignature.size) == submitted.size,
            col(AuditCosignature.name) == key.name,
            col(AuditCosignature.key_id) == key.key_id.hex(),
        )
    )
    if _count(session, submitted.size) >= MAX_WITNESSES:
        raise InvalidRequest(f"checkpoint {submitted.size} has {MAX_WITNESSES} witnesses already")
    line = submitted.cosignature.rstrip("\n") + "\n"
    session.add(
        AuditCosignature(
            size=submitted.size, name=key.name, key_id=key.key_id.hex(), line=line, received_at=now
        )
    )
    audit.append(
        session,
        now,
        actor=caller.code,
        action=AuditAction.WITNESS_COSIGN,
        detail={"size": submitted.size, "witness": key.vkey},
    )
    session.flush()
    return wire.AuditCosignatureReceipt(
        size=submitted.size, witness=key.name, cosignatures=_count(session, submitted.size)
    )


def _count(session: Session, size: int) -> int:
    query = select(func.count()).select_from(AuditCosignature)
    return session.exec(query.where(AuditCosignature.size == size)).one()
