"""A recipient's inbox: read with a cursor, acknowledge explicitly."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from hub import pipeline, wire
from hub.api import openapi
from hub.api.deps import Cursor, HubDep, InboxReader, NowDep, SessionDep
from hub.delivery import inbox, longpoll

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/notifications", responses=openapi.problems(*openapi.API))
def list_notifications(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: InboxReader,
    cursor: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    include_acknowledged: bool = False,
    wait: Annotated[int, Query(ge=0, le=longpoll.MAX_WAIT_SECONDS)] = 0,
) -> wire.NotificationPage:
    """``wait``: long-poll up to this many seconds for a notification after ``cursor``."""
    if wait:
        longpoll.wait_for_news(
            hub, caller.code, cursor, include_acknowledged=include_acknowledged, seconds=wait
        )
    return inbox.read_inbox(
        db,
        hub.services.audit,
        caller.code,
        now,
        cursor=cursor,
        limit=limit,
        include_acknowledged=include_acknowledged,
    )


@router.post(f"{wire.API_PREFIX}/notifications/ack", responses=openapi.problems(*openapi.API, 404))
def acknowledge(
    hub: HubDep, db: SessionDep, now: NowDep, caller: InboxReader, body: wire.Acknowledgement
) -> wire.AcknowledgementReceipt:
    return inbox.acknowledge(db, hub.services.audit, caller.code, body.ids, now)


@router.post(
    f"{wire.API_PREFIX}/notifications/{{notification_id}}/disposition",
    responses=openapi.problems(*openapi.API, 404),
)
def dispose(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: InboxReader,
    notification_id: Annotated[str, Path(max_length=40)],
    body: wire.DispositionRequest,
) -> wire.DispositionReceipt:
    """Your verdict on your notification: confirmed, false_match or duplicate. On a possible
    match awaiting your review, confirmed makes it a link (the policies' notifications follow)
    and false_match closes it."""
    return pipeline.dispose(db, hub.services, caller.code, notification_id, body.disposition, now)
