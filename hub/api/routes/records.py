"""A connector's nightly batches and the summary of what the hub holds for it."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request

from hub import pipeline, wire
from hub.api import bodies, openapi
from hub.api.deps import HubDep, NowDep, RecordsWriter, SessionDep
from hub.audit import AuditAction
from hub.errors import InvalidRequest
from hub.records import idempotency
from hub.records.epochs import with_epoch_warnings
from hub.records.rekey import services_for
from hub.records.service import count_records

router = APIRouter()
# Required: a retried batch must be recognised. Printable ASCII, as connectors make them.
IdempotencyKey = Annotated[str, Header(min_length=1, max_length=128, pattern=r"^[!-~]+$")]


async def raw_body(request: Request) -> bytes:
    """The body as sent: the batch is parsed from it, and the idempotency digest is its hash."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


@router.post(
    f"{wire.API_PREFIX}/records",
    responses=openapi.problems(*openapi.API, 409, 429),
    openapi_extra=bodies.documented(wire.RecordBatch),
)
def post_records(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: RecordsWriter,
    body: RawBody,
    idempotency_key: IdempotencyKey,
) -> wire.BatchReceipt:
    batch = bodies.parsed(wire.RecordBatch, body)  # from the bytes: hub/api/bodies.py
    if batch.size() > hub.settings.max_batch_records:
        raise InvalidRequest(f"at most {hub.settings.max_batch_records} records per batch")
    services = services_for(db, hub.services)
    digest = idempotency.request_digest(body)
    receipt = pipeline.receive_batch(db, services, caller.code, batch, idempotency_key, digest, now)
    return with_epoch_warnings(db, caller.code, batch, receipt)


@router.get(f"{wire.API_PREFIX}/records/summary", responses=openapi.problems(*openapi.API))
def records_summary(
    hub: HubDep, db: SessionDep, now: NowDep, caller: RecordsWriter
) -> wire.RecordSummary:
    children, episodes = count_records(db, caller.code)
    hub.services.audit.append(db, now, actor=caller.code, action=AuditAction.RECORDS_SUMMARY)
    return wire.RecordSummary(authority=caller.code, children=children, episodes=episodes)
