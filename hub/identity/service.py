"""The facts policies share about an authority; the hub's own id. (The operator's actions on
authorities: hub/identity/authorities.py.)"""

from sqlmodel import Session

from hub.errors import ConfigurationError
from hub.identity.interfaces import Role
from hub.identity.models import Authority, HubInstance
from hub.identity.values import AuthorityFacts


def authority_facts(session: Session, code: str | None) -> AuthorityFacts | None:
    found = session.get(Authority, code) if code else None
    return None if found is None else facts_of(found)


def facts_of(found: Authority) -> AuthorityFacts:
    active = found.revoked_at is None and found.role == Role.COUNCIL
    return AuthorityFacts(found.code, found.name, found.contact, active)


def hub_id(session: Session) -> str:
    """This hub's stable id, made once by the migrations."""
    found = session.get(HubInstance, 1)
    if found is None:  # only a database not made by `homeward hub migrate`
        raise ConfigurationError("the hub has no id: run `homeward hub migrate`")
    return found.hub_id
