"""The life cycle of a registered authority: add, update, revoke; every change audited with a
commitment (SHA-256 of the canonical registered content, hub/audit/commitments.py) to what the
authority now is.

Codes. A council (``role`` council) is an upper-tier local authority of England with children's
services, named by its ONS code (``reference/upper_tier_authorities.csv``: E06 unitary, E08
metropolitan district, E09 London borough, E10 county). The scheme's other participants
(auditors, the scheme operator) use the reserved range ``E99999000``-``E99999999``, which no ONS
code uses. Police forces will get their own range when they join.

Revocation stops the authority at once: its legacy bearer credential and every OAuth2 client
(and so every access token already issued) are refused from the next request. Its records: its
match tokens are deleted in the same transaction, so nothing links to its children or from its
reports any more; its children and episodes stay (opaque references and ids sealed under the
council's own key, nothing the hub can read) so that case references already notified and the
audit log can still be explained, and notifications already delivered keep their policy's
retention (``homeward hub purge``). A revoked code is never registered again (``add`` refuses
it): the audit log must not confuse two holders of one code.
"""

import csv
import io
import re
from datetime import datetime
from functools import cache
from importlib import resources

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import InvalidRequest, NotFound
from hub.identity.bearer import issue_credential
from hub.identity.interfaces import Role
from hub.identity.models import Authority, OAuthClient
from hub.records.children import forget_digests
from hub.records.models import MatchToken
from keys import HubKeyring

RESERVED = re.compile(r"^E99999\d{3}$")
ACTOR = "operator"


@cache
def upper_tier_authorities() -> dict[str, str]:
    """ONS code -> name of every upper-tier authority of England with children's services."""
    table = resources.files("hub.identity").joinpath("reference/upper_tier_authorities.csv")
    rows = csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"), newline=""))
    return {row["code"]: row["name"] for row in rows}


def check_code(code: str, role: str) -> None:
    """Refuse a code that does not name an authority of ``role``, with what would."""
    if Role(role) == Role.COUNCIL:
        if code not in upper_tier_authorities():
            raise InvalidRequest(
                f"{code!r} is not the ONS code of an upper-tier authority of England with "
                "children's services (E06/E08/E09/E10, April 2023, e.g. E08000025 Birmingham); "
                "auditors and the operator use E99999000-E99999999"
            )
    elif not RESERVED.fullmatch(code):
        raise InvalidRequest(
            f"{code!r}: a {role} uses a reserved code E99999000-E99999999, not an ONS code"
        )


def _audit(
    session: Session,
    audit: AuditLog,
    now: datetime,
    action: AuditAction,
    row: Authority,
    **more: object,
) -> None:
    detail = {"role": row.role, **more}  # the log adds the commitment to the row as it is now
    audit.append(session, now, actor=ACTOR, action=action, subject=row.code, detail=detail)


def add_authority(
    session: Session,
    hub_keys: HubKeyring,
    audit: AuditLog,
    now: datetime,
    *,
    code: str,
    name: str,
    contact: str,
    role: str = Role.COUNCIL,
) -> str:
    """Register a new authority; returns its legacy bearer credential (shown once)."""
    check_code(code, role)
    found = session.get(Authority, code)
    if found is not None:
        state = (
            "revoked; a revoked code is not registered again" if found.revoked_at else "registered"
        )
        raise InvalidRequest(f"{code} is already {state} (to change it: hub authority update)")
    credential, digest = issue_credential(hub_keys, code)
    row = Authority(
        code=code, name=name, contact=contact, role=role, credential_digest=digest, created_at=now
    )
    session.add(row)
    _audit(session, audit, now, AuditAction.AUTHORITY_REGISTER, row)
    return credential


def _active(session: Session, code: str) -> Authority:
    found = session.get(Authority, code)
    if found is None:
        raise NotFound(f"no authority {code}")
    if found.revoked_at is not None:
        raise InvalidRequest(f"{code} was revoked; a revoked authority does not change")
    return found


def update_authority(
    session: Session,
    hub_keys: HubKeyring,
    audit: AuditLog,
    now: datetime,
    *,
    code: str,
    name: str | None = None,
    contact: str | None = None,
    new_credential: bool = False,
) -> str | None:
    """Change an active authority's name or contact, or issue it a new legacy credential (the
    old one stops at once); returns the new credential, if one was asked for."""
    row = _active(session, code)
    changed = [f for f, v in (("name", name), ("contact", contact)) if v is not None]
    row.name, row.contact = name or row.name, contact or row.contact
    credential = None
    if new_credential:
        credential, row.credential_digest = issue_credential(hub_keys, code)
        changed.append("credential")
    if not changed:
        raise InvalidRequest("nothing to change: give --name, --contact or --new-credential")
    session.add(row)
    _audit(session, audit, now, AuditAction.AUTHORITY_UPDATE, row, changed=changed)
    return credential


def revoke_authority(
    session: Session, audit: AuditLog, now: datetime, *, code: str, reason: str
) -> int:
    """Revoke an authority, its clients and its match tokens (see the module docstring);
    returns how many match tokens were deleted."""
    row = _active(session, code)
    row.revoked_at = now
    session.add(row)
    clients = list(
        session.exec(
            select(OAuthClient).where(
                OAuthClient.authority == code, col(OAuthClient.revoked_at).is_(None)
            )
        )
    )
    for client in clients:
        client.revoked_at = now
        session.add(client)
    tokens = session.exec(
        select(func.count()).select_from(MatchToken).where(MatchToken.authority == code)
    ).one()
    session.execute(delete(MatchToken).where(col(MatchToken.authority) == code))
    forget_digests(session, code)
    _audit(
        session,
        audit,
        now,
        AuditAction.AUTHORITY_REVOKE,
        row,
        reason=reason,
        clients_revoked=sorted(c.client_id for c in clients),
        match_tokens_deleted=tokens,
    )
    return int(tokens)
