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
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from hub.context import HubContext
from hub.errors import Forbidden
from hub.identity.interfaces import Caller, Scope


def hub_context(request: Request) -> HubContext:
    context: HubContext = request.app.state.hub
    return context


HubDep = Annotated[HubContext, Depends(hub_context)]


def session(hub: HubDep) -> Iterator[Session]:
    with hub.transaction() as open_session:
        yield open_session


SessionDep = Annotated[Session, Depends(session, scope="function")]


def now(hub: HubDep) -> datetime:
    return hub.clock()


NowDep = Annotated[datetime, Depends(now)]


# Declares the scheme in the OpenAPI document; the Authenticator reads the header itself.
BEARER = HTTPBearer(
    scheme_name="bearer",
    description="`hw1.<authority code>.<secret>`, issued by `homeward hub authority add`",
    auto_error=False,
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]


def caller(request: Request, hub: HubDep, db: SessionDep, _bearer: BearerDep) -> Caller:
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


RecordsWriter = Annotated[Caller, Depends(requires(Scope.RECORDS_WRITE))]
EventsWriter = Annotated[Caller, Depends(requires(Scope.EVENTS_WRITE))]
InboxReader = Annotated[Caller, Depends(requires(Scope.NOTIFICATIONS_READ))]
AuditReader = Annotated[Caller, Depends(requires(Scope.AUDIT_READ))]


# A position in a log or an inbox: a row's sequence number, a 32-bit SQL integer.
Cursor = Annotated[int, Query(ge=0, le=2**31 - 1)]
