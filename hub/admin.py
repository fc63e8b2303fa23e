"""Operator actions on a running hub's database: registering authorities."""

from hub import audit, auth
from hub.app import HubContext


def register_authority(
    context: HubContext, *, code: str, name: str, contact: str, role: str = "council"
) -> str:
    """Register or re-issue credentials; audited. Returns the credential (shown once)."""
    with context.transaction() as session:
        now = context.clock()
        credential = auth.register(
            session,
            context.services.hub_key,
            code=code,
            name=name,
            contact=contact,
            role=role,
            now=now,
        )
        audit.append_at(
            session,
            now,
            actor="operator",
            action="authority.register",
            subject=code,
            detail={"role": role},
        )
    return credential
