"""What a route may ask for: the hub, one session that commits at the edge, the caller.

``SessionDep`` commits when the route returns and rolls back when it raises, before the answer
is sent (``scope="function"``), so a response never claims what the database did not keep.
Authentication runs in that same session, before the body is validated: an unauthenticated
caller learns nothing about its request.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
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


def caller(
    request: Request,
    hub: HubDep,
    db: SessionDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Caller:
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
