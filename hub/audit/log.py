"""The audit log: a Merkle transparency log (RFC 9162 §2.1) appended in the access's transaction.

``MerkleLog`` is the ``AuditLog`` the hub uses. Each append turns the entry into canonical JSON
leaf bytes (``entry.py``), adds the commitment to the state it changed and the references it
touched (``commitments.py``), and queues the leaf for the tree (``tree.py``), which adds it
under the locked tree head as the transaction commits: the access and its entry land together
or not at all, and concurrent appends are serialised only for the commit itself. Entries hold
no personal data, only authority codes, opaque references, counts and commitments.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from hub.audit import tree
from hub.audit.actions import AuditAction
from hub.audit.commitments import enrich
from hub.audit.entry import Entry
from hub.audit.models import AuditLeaf


def ref_column(refs: Sequence[str], detail: Mapping[str, Any]) -> str:
    """The indexed copy of what an entry touched: its refs and ``policy:<id>``, space-framed."""
    tokens = list(refs)
    if isinstance(detail.get("policy"), str):
        tokens.append(f"policy:{detail['policy']}")
    return " " + " ".join(tokens) + " " if tokens else ""


def row_of(entry: Entry, leaf: bytes) -> AuditLeaf:
    return AuditLeaf(
        idx=-1,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        refs=ref_column(entry.refs, entry.detail),
        leaf=leaf.decode("utf-8"),
    )


def append_at(
    session: Session,
    at: datetime,
    *,
    actor: str,
    action: AuditAction,
    subject: str = "",
    detail: Mapping[str, object] | None = None,
) -> AuditLeaf:
    """Append one entry at time ``at``: it lands in the tree, and gets its index, when the
    transaction commits (the tree head is locked from then until the commit)."""
    enriched, refs = enrich(session, str(action), subject, dict(detail or {}))
    entry = Entry(
        at=at, actor=actor, action=str(action), subject=subject, detail=enriched, refs=refs
    )
    leaf = entry.leaf()
    row = row_of(entry, leaf)
    tree.append_leaf(session, row, leaf)
    return row


class MerkleLog:
    """The ``AuditLog`` of the hub: RFC 9162 Merkle tree, signed checkpoints elsewhere."""

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


def entries(
    session: Session,
    *,
    after: int = -1,
    limit: int = 100,
    actor: str | None = None,
    subject: str | None = None,
    action: str | None = None,
    policy: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AuditLeaf]:
    """Entries after index ``after`` matching every filter given; ``subject`` matches the
    entry's subject or any reference it touched (a case, a notification)."""
    query = select(AuditLeaf).where(col(AuditLeaf.idx) > after)
    if actor is not None:
        query = query.where(AuditLeaf.actor == actor)
    if subject is not None:
        query = query.where(
            or_(
                col(AuditLeaf.subject) == subject,
                col(AuditLeaf.refs).contains(f" {subject} ", autoescape=True),
            )
        )
    if action is not None:
        query = query.where(AuditLeaf.action == action)
    if policy is not None:
        query = query.where(col(AuditLeaf.refs).contains(f" policy:{policy} ", autoescape=True))
    if since is not None:
        query = query.where(col(AuditLeaf.at) >= since)
    if until is not None:
        query = query.where(col(AuditLeaf.at) < until)
    return list(session.exec(query.order_by(col(AuditLeaf.idx)).limit(limit)))
