"""Operator actions on OAuth2 clients: register (with a public JWK and scopes within the
authority's role), list, revoke. Audited; services never commit."""

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import InvalidRequest, NotFound
from hub.identity.interfaces import SCOPES_OF_ROLE, Role, Scope, scope_text
from hub.identity.models import Authority, OAuthClient
from keys.signing import ALGORITHMS, is_private


@dataclass(frozen=True, slots=True)
class ClientListing:
    client_id: str
    authority: str
    name: str
    scopes: str
    external: bool
    revoked_at: datetime | None


def _new_client_id(authority: str) -> str:
    return f"{authority.lower()}-{secrets.token_hex(8)}"  # opaque: 16 hex digits


def _checked_scopes(authority: Authority, scopes: Iterable[str]) -> frozenset[Scope]:
    try:
        wanted = frozenset(Scope(s) for s in scopes)
    except ValueError as exc:
        raise InvalidRequest(f"{exc}; scopes are {', '.join(s.value for s in Scope)}") from exc
    allowed = SCOPES_OF_ROLE[Role(authority.role)]
    if not wanted or not wanted <= allowed:
        raise InvalidRequest(
            f"a {authority.role} may hold only {scope_text(allowed)}; asked for "
            f"{scope_text(wanted) or 'nothing'}"
        )
    return wanted


def _checked_jwk(jwk: dict[str, Any] | None, client_id: str | None) -> str | None:
    if jwk is None:
        if client_id is None:
            raise InvalidRequest("a client needs a public JWK (or an external IdP client id)")
        return None
    if is_private(jwk) or jwk.get("alg") not in ALGORITHMS:
        raise InvalidRequest(f"register a public {' or '.join(ALGORITHMS)} JWK")
    return json.dumps(jwk, sort_keys=True)


def register_client(
    session: Session,
    audit: AuditLog,
    now: datetime,
    *,
    authority: str,
    name: str,
    scopes: Iterable[str],
    jwk: dict[str, Any] | None,
    client_id: str | None = None,
) -> str:
    """A new client of ``authority``; returns its client id. ``client_id`` names a client of
    the trusted external IdP (no JWK: the IdP authenticates it)."""
    found = session.get(Authority, authority)
    if found is None or found.revoked_at is not None:
        raise NotFound(f"no active authority {authority}; register it first")
    granted = _checked_scopes(found, scopes)
    public = _checked_jwk(jwk, client_id)
    chosen = client_id or _new_client_id(authority)
    if session.get(OAuthClient, chosen) is not None:
        raise InvalidRequest(f"client {chosen} already exists")
    row = OAuthClient(
        client_id=chosen,
        authority=authority,
        name=name,
        public_jwk=public,
        scopes=scope_text(granted),
        created_at=now,
    )
    session.add(row)
    detail = {"scopes": row.scopes, "name": name, "external": public is None}
    audit.append(
        session,
        now,
        actor="operator",
        action=AuditAction.CLIENT_REGISTER,
        subject=chosen,
        detail=detail,
    )
    return chosen


def revoke_client(session: Session, audit: AuditLog, now: datetime, client_id: str) -> None:
    found = session.get(OAuthClient, client_id)
    if found is None:
        raise NotFound(f"no client {client_id}")
    if found.revoked_at is None:
        found.revoked_at = now
        session.add(found)
    audit.append(
        session, now, actor="operator", action=AuditAction.CLIENT_REVOKE, subject=client_id
    )


def list_clients(session: Session) -> list[ClientListing]:
    rows = session.exec(select(OAuthClient).order_by(col(OAuthClient.authority)))
    return [
        ClientListing(
            r.client_id, r.authority, r.name, r.scopes, r.public_jwk is None, r.revoked_at
        )
        for r in rows
    ]
