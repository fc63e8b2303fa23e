"""Subject access reports: for one child, every match, notification and audited access across
the scheme, with the policies that granted each notification, for its responsible authority.

The council sends the child's reference and match keys, exactly what it sends for that child in
every sync, so the hub learns nothing a normal report would not tell it. The child must be one
the caller holds under that reference (only its responsible authority may ask), and the match
keys must describe the child stored (at least one re-keyed digest in common), so a stale or
mistaken extract is refused rather than answered about someone else. Candidates the hub did not
link are never listed. The request is audited in its transaction (``audit.subject_report``,
with the cases it covered), so it appears in the child's trail too.
"""

from datetime import datetime

from sqlmodel import Session, col, select

from hub import wire
from hub.audit.actions import AuditAction
from hub.audit.interfaces import AuditLog
from hub.audit.log import entries
from hub.audit.models import AuditLeaf
from hub.audit.service import public
from hub.delivery.models import Notification
from hub.errors import InvalidRequest, NotFound
from hub.identity.interfaces import Caller
from hub.linking.models import Match
from hub.records.models import Child, Episode, MatchToken
from hub.records.service import CHILD
from keys import HubKeyring, Token

MAX_ENTRIES = 5000


def _child(session: Session, caller: Caller, ref: str) -> Child:
    child = session.exec(
        select(Child).where(Child.authority == caller.code, Child.ref == ref)
    ).first()
    if child is None or child.id is None:
        raise NotFound(
            "you hold no child under this reference: a subject access report is for a child "
            "your council looks after (sync first if the child is new)"
        )
    return child


def _described(
    session: Session, hub_keys: HubKeyring, child: Child, keys: list[wire.MatchKey]
) -> None:
    sent = {hub_keys.rekey(Token(k.type, k.epoch, k.token)) for k in keys}
    stored = session.exec(
        select(MatchToken.digest).where(
            MatchToken.owner_kind == CHILD, MatchToken.owner_id == child.id
        )
    ).all()
    if sent.isdisjoint(stored):
        raise InvalidRequest(
            "these match keys do not describe the child held under this reference: sync the "
            "council's records first, then ask again"
        )


def _cases(session: Session, child: Child) -> list[wire.SubjectCase]:
    rows = session.exec(
        select(Match, Episode.authority)
        .join(Episode, col(Episode.id) == col(Match.episode_id))
        .where(Match.child_id == child.id)
        .order_by(col(Match.created_at), col(Match.id))
    ).all()
    return [
        wire.SubjectCase(
            case_reference=m.id,
            outcome=m.outcome,
            reporting=reporting,
            created_at=m.created_at,
            withdrawn_at=m.withdrawn_at,
            resolution=m.resolution,
        )
        for m, reporting in rows
    ]


def _notifications(session: Session, cases: list[str]) -> list[wire.SubjectNotification]:
    rows = session.exec(
        select(Notification)
        .where(col(Notification.case_reference).in_(cases))
        .order_by(col(Notification.seq))
    ).all()
    return [
        wire.SubjectNotification(
            id=n.id,
            case_reference=n.case_reference,
            recipient=n.recipient,
            event=n.event,
            policy_id=n.policy_id,
            policy_version=n.policy_version,
            purpose=n.purpose,
            lawful_basis=n.lawful_basis,
            created_at=n.created_at,
            acknowledged_at=n.acknowledged_at,
            withdrawn_at=n.withdrawn_at,
            disposition=n.disposition,
        )
        for n in rows
    ]


def _trail(session: Session, references: list[str]) -> tuple[list[AuditLeaf], bool]:
    """Every entry naming one of ``references`` (as subject or reference), oldest first."""
    found: dict[int, AuditLeaf] = {}
    for reference in references:
        for row in entries(session, subject=reference, limit=MAX_ENTRIES + 1):
            found[row.idx] = row
    ordered = [found[i] for i in sorted(found)]
    return ordered[:MAX_ENTRIES], len(ordered) > MAX_ENTRIES


def report(
    session: Session,
    hub_keys: HubKeyring,
    audit: AuditLog,
    caller: Caller,
    now: datetime,
    request: wire.SubjectReportRequest,
) -> wire.SubjectReport:
    child = _child(session, caller, request.ref)
    _described(session, hub_keys, child, request.match_keys)
    cases = _cases(session, child)
    references = [c.case_reference for c in cases]
    notifications = _notifications(session, references)
    trail, truncated = _trail(session, [*references, *(n.id for n in notifications)])
    audit.append(
        session,
        now,
        actor=caller.code,
        action=AuditAction.SUBJECT_REPORT,
        detail={"cases": references, "entries": len(trail), "truncated": truncated},
    )
    return wire.SubjectReport(
        ref=request.ref,
        cases=cases,
        notifications=notifications,
        entries=[public(row) for row in trail],
        truncated=truncated,
    )
