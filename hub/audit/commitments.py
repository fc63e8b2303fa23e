"""What an entry commits to: the hash of the state it changed, and the cases an access touched.

``notification_commitment``, ``authority_commitment`` and ``client_commitment`` hash a row's
content (canonical JSON, SHA-256, hex); a service may call them itself and put the result in its
entry's detail as ``commitment``. ``MerkleLog`` adds it for the actions in ``COMMITTED`` when the
caller did not, reading the row from the caller's session (pending changes are flushed first),
and names the case references of the notifications a read or acknowledgement touched.
``homeward audit verify --deep`` (``hub/audit/deep.py``) recomputes the same hashes.
"""

import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hub.audit.actions import AuditAction
from hub.audit.entry import canonical_json, references
from hub.audit.legacy import timestamp
from hub.delivery.models import Notification
from hub.identity.models import Authority, OAuthClient


def _digest(body: Mapping[str, object]) -> str:
    return hashlib.sha256(canonical_json(body)).hexdigest()


def _when(at: datetime | None) -> str | None:
    return None if at is None else timestamp(at)


def _hex(value: object) -> str:
    """Bytes as hex; anything else (a hand-edited column) as its text, so it differs."""
    return bytes(value).hex() if isinstance(value, bytes | memoryview) else f"?{value!r}"


def notification_commitment(n: Notification) -> str:
    """The notification's content (not its delivery state: read, acknowledged, withdrawn)."""
    return _digest(
        {
            "id": n.id,
            "recipient": n.recipient,
            "episode_id": n.episode_id,
            "case_reference": n.case_reference,
            "event": n.event,
            "policy_id": n.policy_id,
            "policy_version": n.policy_version,
            "policy_hash": n.policy_hash,
            "purpose": n.purpose,
            "lawful_basis": n.lawful_basis,
            "retain_until": n.retain_until.isoformat(),
            "payload": n.payload,
            "created_at": _when(n.created_at),
        }
    )


def authority_commitment(a: Authority) -> str:
    return _digest(
        {
            "code": a.code,
            "name": a.name,
            "contact": a.contact,
            "role": a.role,
            "credential_digest": _hex(a.credential_digest),
            "revoked_at": _when(a.revoked_at),
        }
    )


def client_commitment(c: OAuthClient) -> str:
    return _digest(
        {
            "client_id": c.client_id,
            "authority": c.authority,
            "name": c.name,
            "public_jwk": c.public_jwk,
            "scopes": c.scopes,
            "revoked_at": _when(c.revoked_at),
        }
    )


NOTIFICATION_STATE = (AuditAction.NOTIFICATION_CREATE, AuditAction.NOTIFICATION_REINSTATE)
AUTHORITY_STATE = (
    AuditAction.AUTHORITY_REGISTER,
    AuditAction.AUTHORITY_UPDATE,
    AuditAction.AUTHORITY_REVOKE,
)
COMMITTED = (
    *NOTIFICATION_STATE,
    *AUTHORITY_STATE,
    AuditAction.CLIENT_REGISTER,
    AuditAction.CLIENT_REVOKE,
)
TOUCHES_NOTIFICATIONS = (AuditAction.NOTIFICATIONS_READ, AuditAction.NOTIFICATIONS_ACK)


def commitment_of(
    session: Session, action: str, subject: str, detail: Mapping[str, Any]
) -> str | None:
    """The commitment of the row this action changed, read from the session; None if absent."""
    if action in NOTIFICATION_STATE and isinstance(detail.get("notification"), str):
        n = session.exec(select(Notification).where(Notification.id == detail["notification"]))
        found = n.first()
        return None if found is None else notification_commitment(found)
    if action in AUTHORITY_STATE:
        authority = session.get(Authority, subject)
        return None if authority is None else authority_commitment(authority)
    if action in (AuditAction.CLIENT_REGISTER, AuditAction.CLIENT_REVOKE):
        client = session.get(OAuthClient, subject)
        return None if client is None else client_commitment(client)
    return None


def case_references(session: Session, notification_ids: Sequence[str]) -> list[str]:
    if not notification_ids:
        return []
    query = select(Notification.case_reference).where(
        col(Notification.id).in_(list(notification_ids))
    )
    return sorted(set(session.exec(query)))


def enrich(
    session: Session, action: str, subject: str, detail: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The detail with its commitment, and the references the entry touched."""
    out = dict(detail)
    if action in COMMITTED and "commitment" not in out:
        commitment = commitment_of(session, action, subject, out)
        if commitment is not None:
            out["commitment"] = commitment
    refs = references(subject, out)
    if action in TOUCHES_NOTIFICATIONS:
        ids = [r for r in out.get("notifications", []) if isinstance(r, str)]
        refs = sorted({*refs, *case_references(session, ids)})
    return out, refs
