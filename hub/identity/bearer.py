"""Bearer credentials: ``hw1.<authority code>.<secret>``; the hub keeps only a keyed digest."""

from sqlmodel import Session

from hub.errors import NotAuthenticated
from hub.identity.interfaces import Caller
from hub.identity.models import Authority
from keys import HubKeyring

PREFIX = "hw1"


def issue_credential(hub_keys: HubKeyring, code: str) -> tuple[str, bytes]:
    credential = f"{PREFIX}.{code}.{hub_keys.new_credential_secret()}"
    return credential, hub_keys.credential_digest(credential)


def authority_code(credential: str) -> str | None:
    parts = credential.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


class BearerAuthenticator:
    """The ``Authenticator`` for static bearer credentials issued by ``hub authority add``."""

    def __init__(self, hub_keys: HubKeyring) -> None:
        self.hub_keys = hub_keys

    def authenticate(self, session: Session, authorization: str | None) -> Caller:
        scheme, _, credential = (authorization or "").partition(" ")
        code = authority_code(credential.strip()) if scheme.lower() == "bearer" else None
        found = session.get(Authority, code) if code else None
        if found is None or found.revoked_at is not None:
            raise NotAuthenticated()
        if not self.hub_keys.verifies(credential, found.credential_digest):
            raise NotAuthenticated()
        return Caller.of(found.code, found.role)
