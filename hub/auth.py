"""Bearer credentials: ``hw1.<authority code>.<secret>``; the hub keeps only a keyed digest.

Authentication lives behind ``authenticate`` alone so the OAuth2 issue can swap the mechanism.
"""

from datetime import datetime

from sqlmodel import Session

from hub import store
from hub.errors import NotAuthenticated
from keys import HubKey

PREFIX = "hw1"


def issue_credential(hub_key: HubKey, code: str) -> tuple[str, bytes]:
    credential = f"{PREFIX}.{code}.{hub_key.new_credential_secret()}"
    return credential, hub_key.credential_digest(credential)


def authority_code(credential: str) -> str | None:
    parts = credential.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def authenticate(session: Session, hub_key: HubKey, authorization: str | None) -> store.Authority:
    scheme, _, credential = (authorization or "").partition(" ")
    code = authority_code(credential.strip()) if scheme.lower() == "bearer" else None
    found = session.get(store.Authority, code) if code else None
    if found is None or found.revoked_at is not None:
        raise NotAuthenticated()
    if not hub_key.same_digest(found.credential_digest, hub_key.credential_digest(credential)):
        raise NotAuthenticated()
    return found


def register(
    session: Session,
    hub_key: HubKey,
    *,
    code: str,
    name: str,
    contact: str,
    role: str,
    now: datetime,
) -> str:
    """Register (or re-issue credentials for) an authority; returns the new credential once."""
    credential, digest = issue_credential(hub_key, code)
    found = session.get(store.Authority, code)
    if found is None:
        found = store.Authority(
            code=code,
            name=name,
            contact=contact,
            role=role,
            credential_digest=digest,
            created_at=now,
        )
    found.name, found.contact, found.role = name, contact, role
    found.credential_digest, found.revoked_at = digest, None
    session.add(found)
    return credential
