"""What a route may ask for: the hub, one session that commits at the edge, the caller.

``SessionDep`` commits when the route returns and rolls back when it raises, before the answer
is sent (``scope="function"``), so a response never claims what the database did not keep.
Authentication runs before the body is read, in ``hub.api.gate``, which leaves the caller in
the request's state; ``caller`` takes it from there (or, for a route outside the gate's reach,
authenticates in the request's session), so an unauthenticated caller learns nothing about its
request.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2
from sqlmodel import Session

from hub.context import HubContext
from hub.delivery import outbox
from hub.errors import Forbidden
from hub.identity.interfaces import Caller, Scope
from hub.identity.tokens import TOKEN_PATH


def hub_context(request: Request) -> HubContext:
    context: HubContext = request.app.state.hub
    return context


HubDep = Annotated[HubContext, Depends(hub_context)]


def session(hub: HubDep) -> Iterator[Session]:
    """One transaction per request; once it commits, the worker is woken for what it queued."""
    with hub.transaction() as open_session:
        yield open_session
    hub.kick_worker(outbox.queued(open_session))


SessionDep = Annotated[Session, Depends(session, scope="function")]


def now(hub: HubDep) -> datetime:
    return hub.clock()


NowDep = Annotated[datetime, Depends(now)]


SCOPE_HELP = {
    Scope.RECORDS_WRITE: "sync children and episodes (a council's connector)",
    Scope.EVENTS_WRITE: "report urgent missing, away and found events",
    Scope.NOTIFICATIONS_READ: "read and acknowledge the council's notifications",
    Scope.AUDIT_READ: "read the audit log (an auditor: all of it; a council: its own accesses)",
    Scope.ADMIN: "administer the hub (the scheme operator; never reads notifications)",
}
# Declares the scheme in the OpenAPI document (each route lists the scope it needs); the
# header itself is checked by the hub's Authenticator, not by FastAPI.
oauth2 = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_PATH, scopes=SCOPE_HELP)
    ),
    scheme_name="oauth2",
    description="Client credentials with private_key_jwt (RFC 7523); RFC 9068 JWT tokens",
    auto_error=False,
)


def caller(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    _authorization: Annotated[str | None, Security(oauth2)] = None,
) -> Caller:
    """The caller the gate authenticated before the body was read (hub/api/gate.py); a route
    reached without the gate authenticates here, in the request's session."""
    found: Caller | None = getattr(request.state, "caller", None)
    if found is None:
        authorization = request.headers.get("authorization")
        found = hub.services.authenticator.authenticate(db, authorization)
        request.state.caller = found  # names the caller in the audit entry of a refusal
    return found


CallerDep = Annotated[Caller, Depends(caller)]


def requires(scope: Scope) -> Callable[[Caller], Caller]:
    def check(who: CallerDep) -> Caller:
        if scope not in who.scopes:
            raise Forbidden(f"this credential does not hold the {scope} scope")
        return who

    return check


RecordsWriter = Annotated[
    Caller, Security(requires(Scope.RECORDS_WRITE), scopes=[Scope.RECORDS_WRITE])
]
EventsWriter = Annotated[
    Caller, Security(requires(Scope.EVENTS_WRITE), scopes=[Scope.EVENTS_WRITE])
]
InboxReader = Annotated[
    Caller, Security(requires(Scope.NOTIFICATIONS_READ), scopes=[Scope.NOTIFICATIONS_READ])
]
AuditReader = Annotated[Caller, Security(requires(Scope.AUDIT_READ), scopes=[Scope.AUDIT_READ])]


# A position in a log or an inbox: a row's sequence number, a 32-bit SQL integer.
Cursor = Annotated[int, Query(ge=0, le=2**31 - 1)]
