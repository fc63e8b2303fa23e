"""Deep verification: the tables against the commitments the log holds.

An entry that changed a notification, an authority or an OAuth2 client carries the hash of the
row as it left it (``commitments.py``). Here every such row is hashed again and compared with
the latest entry about it: a row edited behind the hub's back, or one no entry accounts for, is
reported by table and key, with the entry it contradicts. Rows whose latest entry predates
commitments (carried over from the hash chain) are counted as uncommitted, not failed;
notifications purged at the end of their retention simply leave their entries behind.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from hub.audit.actions import AuditAction
from hub.audit.commitments import (
    AUTHORITY_STATE,
    NOTIFICATION_STATE,
    authority_commitment,
    client_commitment,
    notification_commitment,
)
from hub.audit.entry import NotAnEntry, parse_leaf
from hub.audit.models import AuditLeaf
from hub.delivery.models import Notification
from hub.identity.models import Authority, OAuthClient

Latest = dict[tuple[str, str], tuple[int, str | None]]  # (table, key) -> (index, commitment)


@dataclass(frozen=True)
class DeepResult:
    ok: bool
    checked: int
    uncommitted: int
    problem: str | None = None


def _target(action: str, subject: str, detail: Any) -> tuple[str, str] | None:
    if action in NOTIFICATION_STATE and isinstance(detail.get("notification"), str):
        return ("notification", detail["notification"])
    if action in AUTHORITY_STATE:
        return ("authority", subject)
    if action in (AuditAction.CLIENT_REGISTER, AuditAction.CLIENT_REVOKE):
        return ("oauthclient", subject)
    return None


def latest_commitments(leaves: Iterable[AuditLeaf]) -> Latest:
    latest: Latest = {}
    for row in leaves:
        try:
            entry = parse_leaf(row.leaf.encode("utf-8"))
        except NotAnEntry:
            continue  # the log's own verification names it
        target = _target(entry.action, entry.subject, entry.detail)
        if target is not None:
            commitment = entry.detail.get("commitment")
            latest[target] = (row.idx, commitment if isinstance(commitment, str) else None)
    return latest


def _tables(session: Session) -> Iterable[tuple[str, str, str]]:
    """(table, key, commitment) of every committed row, in key order."""
    sources: list[tuple[str, type[Any], Any, Callable[[Any], str], Callable[[Any], str]]] = [
        ("authority", Authority, Authority.code, lambda r: r.code, authority_commitment),
        (
            "oauthclient",
            OAuthClient,
            OAuthClient.client_id,
            lambda r: r.client_id,
            client_commitment,
        ),
        ("notification", Notification, Notification.seq, lambda r: r.id, notification_commitment),
    ]
    for table, model, order, key, commit in sources:
        for row in session.exec(select(model).order_by(col(order))):
            yield table, key(row), commit(row)


def verify_tables(session: Session) -> DeepResult:
    latest = latest_commitments(session.exec(select(AuditLeaf).order_by(col(AuditLeaf.idx))))
    checked = uncommitted = 0
    for table, key, commitment in _tables(session):
        found = latest.get((table, key))
        if found is None:
            return DeepResult(False, checked, uncommitted, f"{table} {key}: no entry records it")
        index, committed = found
        if committed is None:
            uncommitted += 1
        elif committed != commitment:
            problem = f"{table} {key} differs from what entry {index} committed to"
            return DeepResult(False, checked, uncommitted, problem)
        checked += 1
    return DeepResult(True, checked, uncommitted)
