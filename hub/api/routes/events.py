"""Urgent missing, away and found reports: stored and queued for the worker at once, so the
answer is the same, in the same time, whether or not the child is known (hub/worker.py links
and shares it)."""

from typing import Annotated

from fastapi import APIRouter, Path

from hub import pipeline, wire
from hub.api import openapi
from hub.api.deps import EventsWriter, HubDep, NowDep, SessionDep
from hub.delivery import interviews
from hub.records.epochs import with_epoch_warnings
from hub.records.rekey import services_for

router = APIRouter()


@router.post(f"{wire.API_PREFIX}/events", responses=openapi.problems(*openapi.API, 429))
def post_event(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: EventsWriter,
    episode: wire.EpisodeRecord,
) -> wire.BatchReceipt:
    batch = wire.RecordBatch(episodes=[episode])
    receipt = pipeline.ingest_batch(db, services_for(db, hub.services), caller.code, batch, now)
    return with_epoch_warnings(db, caller.code, batch, receipt)


@router.post(
    f"{wire.API_PREFIX}/events/{{reference}}/interview",
    responses=openapi.problems(*openapi.API, 404),
)
def record_interview(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: EventsWriter,
    reference: Annotated[str, Path(min_length=1, max_length=64)],
    body: wire.ReturnInterview,
) -> wire.ReturnInterviewReceipt:
    """The return interview after a child came back, by your event id (you reported it) or the
    case reference (you are responsible): stops the 72-hour reminder."""
    return interviews.record_interview(db, hub.services.audit, caller.code, reference, body.at, now)
