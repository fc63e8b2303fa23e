"""Urgent missing, away and found reports, processed at once."""

import time
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends

from hub import pipeline, wire
from hub.api import openapi
from hub.api.deps import EventsWriter, HubDep, NowDep, SessionDep
from hub.records.epochs import with_epoch_warnings
from hub.records.rekey import services_for

router = APIRouter()


def response_floor(hub: HubDep) -> Iterator[None]:
    """Hold the answer to a fixed minimum time, so how long it took does not tell the reporter
    whether the child was known. Entered before the session, so it waits after the commit."""
    started = time.perf_counter()
    yield
    floor = hub.settings.event_response_floor_ms / 1000
    hub.sleep(max(0.0, floor - (time.perf_counter() - started)))


ResponseFloor = Annotated[None, Depends(response_floor, scope="function")]


@router.post(f"{wire.API_PREFIX}/events", responses=openapi.problems(*openapi.API, 429))
def post_event(
    _floor: ResponseFloor,
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: EventsWriter,
    episode: wire.EpisodeRecord,
) -> wire.BatchReceipt:
    batch = wire.RecordBatch(episodes=[episode])
    receipt = pipeline.ingest_batch(db, services_for(db, hub.services), caller.code, batch, now)
    return with_epoch_warnings(db, caller.code, batch, receipt)
