"""What the auditor console reads beyond the audit API's services: the log as an auditor's
``LogSource`` (hub/audit/auditor.py checks it the way an outside auditor would), and the last
checkpoint this person was shown, kept in the log itself (the ``web.view`` entry of the
verification page records the checkpoint it showed)."""

from datetime import datetime

from sqlmodel import Session, col, select

from hub.audit import AuditAction, tree
from hub.audit import service as audit_service
from hub.audit.auditor import AuditResult, audit
from hub.audit.checkpoints import CheckpointIssuer
from hub.audit.entry import parse_leaf
from hub.audit.models import AuditLeaf
from keys.notes import NoteError, split_note

LOOK_BACK = 500  # verification views of this authority searched for the person's last one


class SessionLog:
    """The hub's own log, read in the request's transaction, as an auditor's source."""

    def __init__(self, session: Session, issuer: CheckpointIssuer, now: datetime) -> None:
        self.session, self.issuer, self.now = session, issuer, now

    def checkpoint(self) -> str:
        return audit_service.checkpoint(self.session, self.issuer, self.now)

    def leaves(self, size: int) -> list[bytes]:
        return [row.leaf.encode("utf-8") for row in tree.leaves(self.session, 0, size)]

    def consistency(self, first: int, second: int) -> list[bytes]:
        return tree.consistency_proof(self.session, first, second)


def last_seen_checkpoint(session: Session, authority: str, person: str) -> str | None:
    rows = session.exec(
        select(AuditLeaf)
        .where(AuditLeaf.actor == authority, AuditLeaf.action == str(AuditAction.WEB_VIEW))
        .order_by(col(AuditLeaf.idx).desc())
        .limit(LOOK_BACK)
    )
    for row in rows:
        detail = parse_leaf(row.leaf.encode("utf-8")).detail
        if detail.get("person") == person and isinstance(detail.get("checkpoint"), str):
            return str(detail["checkpoint"])
    return None


def cosigners(note: str, hub_key_name: str) -> list[str]:
    """The witnesses whose cosignatures the hub serves with ``note`` (each verified when the hub
    accepted it: hub/audit/witnessing.py)."""
    try:
        _, signatures = split_note(note)
    except NoteError:
        return []
    return sorted({name for name, _ in signatures if name != hub_key_name})


def check_log(
    session: Session, issuer: CheckpointIssuer, now: datetime, saved: str | None
) -> AuditResult:
    return audit(SessionLog(session, issuer, now), [issuer.verifier], saved)
