"""Operator actions on authorities, and the facts policies share about them."""

from datetime import datetime

from sqlmodel import Session

from hub.audit import AuditAction
from hub.audit.interfaces import AuditLog
from hub.errors import ConfigurationError
from hub.identity.bearer import store_credential
from hub.identity.interfaces import Role
from hub.identity.models import Authority, HubInstance
from hub.identity.values import AuthorityFacts
from keys import HubKeyring


def register_authority(
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
    """Register or re-issue credentials; audited. Returns the credential (shown once)."""
    credential = store_credential(
        session, hub_keys, code=code, name=name, contact=contact, role=Role(role), now=now
    )
    audit.append(
        session,
        now,
        actor="operator",
        action=AuditAction.AUTHORITY_REGISTER,
        subject=code,
        detail={"role": str(role)},
    )
    return credential


def authority_facts(session: Session, code: str | None) -> AuthorityFacts | None:
    found = session.get(Authority, code) if code else None
    if found is None:
        return None
    active = found.revoked_at is None and found.role == Role.COUNCIL
    return AuthorityFacts(found.code, found.name, found.contact, active)


def hub_id(session: Session) -> str:
    """This hub's stable id, made once by the migrations."""
    found = session.get(HubInstance, 1)
    if found is None:  # only a database not made by `homeward hub migrate`
        raise ConfigurationError("the hub has no id: run `homeward hub migrate`")
    return found.hub_id
