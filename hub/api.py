"""HTTP routes: parse, authenticate, call one service in one transaction, return a wire model.

Every route except ``/healthz`` is authenticated and audited in the same transaction as the
access it describes.
"""

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from sqlmodel import Session, func, select

from hub import audit, notify, pipeline, store, wire
from hub.app import HubContext
from hub.auth import authenticate
from hub.errors import Forbidden, InvalidRequest

router = APIRouter()


def _hub(request: Request) -> HubContext:
    context: HubContext = request.app.state.hub
    return context


@dataclass(frozen=True)
class Caller:
    code: str
    role: str


def authenticated(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Caller:
    """Runs before the body is even parsed: an unauthenticated caller learns nothing."""
    hub = _hub(request)
    with Session(hub.engine) as session:
        found = authenticate(session, hub.services.hub_key, authorization)
    request.state.caller = Caller(found.code, found.role)  # for the audit of a refusal
    caller: Caller = request.state.caller
    return caller


def council(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
    if caller.role != "council":
        raise Forbidden("only council credentials may use this endpoint")
    return caller


AnyCaller = Annotated[Caller, Depends(authenticated)]
Council = Annotated[Caller, Depends(council)]


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.post(f"{wire.API_PREFIX}/records")
def post_records(
    request: Request,
    caller: Council,
    batch: wire.RecordBatch,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> wire.BatchReceipt:
    hub = _hub(request)
    if not idempotency_key:
        raise InvalidRequest("an Idempotency-Key header is required")
    if batch.size() > hub.settings.max_batch_records:
        raise InvalidRequest(f"at most {hub.settings.max_batch_records} records per batch")
    with hub.transaction() as session:
        digest = pipeline.request_digest(batch)
        replay = pipeline.replayed_receipt(session, caller.code, idempotency_key, digest)
        if replay is not None:
            audit.append_at(
                session,
                hub.clock(),
                actor=caller.code,
                action="records.replay",
                detail={"request_digest": digest[:16]},
            )
            return replay
        now = hub.clock()
        receipt = pipeline.ingest_batch(session, hub.services, caller.code, batch, now)
        pipeline.remember_receipt(session, caller.code, idempotency_key, digest, receipt, now)
        return receipt


@router.post(f"{wire.API_PREFIX}/events")
def post_event(request: Request, caller: Council, episode: wire.EpisodeRecord) -> wire.BatchReceipt:
    """An urgent missing/found event, processed at once. The answer is held back to a fixed
    minimum time, so how long it took does not tell the reporter whether the child was known."""
    hub = _hub(request)
    started = time.perf_counter()
    with hub.transaction() as session:
        batch = wire.RecordBatch(episodes=[episode])
        receipt = pipeline.ingest_batch(session, hub.services, caller.code, batch, hub.clock())
    time.sleep(
        max(0.0, hub.settings.event_response_floor_ms / 1000 - (time.perf_counter() - started))
    )
    return receipt


@router.get(f"{wire.API_PREFIX}/records/summary")
def records_summary(request: Request, caller: Council) -> wire.RecordSummary:
    hub = _hub(request)
    with hub.transaction() as session:
        children = session.exec(
            select(func.count())
            .select_from(store.Child)
            .where(store.Child.authority == caller.code)
        ).one()
        episodes = session.exec(
            select(func.count())
            .select_from(store.Episode)
            .where(store.Episode.authority == caller.code)
        ).one()
        audit.append_at(session, hub.clock(), actor=caller.code, action="records.summary")
        return wire.RecordSummary(authority=caller.code, children=children, episodes=episodes)


@router.get(f"{wire.API_PREFIX}/notifications")
def list_notifications(
    request: Request,
    caller: Council,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    include_acknowledged: bool = False,
) -> wire.NotificationPage:
    hub = _hub(request)
    with hub.transaction() as session:
        rows, next_cursor = notify.inbox(
            session,
            caller.code,
            cursor=cursor,
            limit=limit,
            include_acknowledged=include_acknowledged,
        )
        audit.append_at(
            session,
            hub.clock(),
            actor=caller.code,
            action="notifications.read",
            detail={"notifications": [r.id for r in rows]},
        )
        return wire.NotificationPage(
            notifications=[notify.public(r) for r in rows],
            next_cursor=None if next_cursor is None else str(next_cursor),
        )


@router.post(f"{wire.API_PREFIX}/notifications/ack")
def acknowledge(
    request: Request, caller: Council, body: wire.Acknowledgement
) -> wire.AcknowledgementReceipt:
    hub = _hub(request)
    with hub.transaction() as session:
        now = hub.clock()
        count = notify.acknowledge(session, caller.code, body.ids, now)
        audit.append_at(
            session,
            now,
            actor=caller.code,
            action="notifications.ack",
            detail={"notifications": sorted(body.ids)},
        )
        return wire.AcknowledgementReceipt(acknowledged=count)


@router.get(f"{wire.API_PREFIX}/audit")
def read_audit(
    request: Request,
    caller: AnyCaller,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    subject: str | None = None,
) -> wire.AuditPage:
    """Auditors read every entry; a council reads the entries of its own accesses."""
    hub = _hub(request)
    with hub.transaction() as session:
        actor = None if caller.role == "auditor" else caller.code
        rows = audit.entries(session, after=after, limit=limit + 1, actor=actor, subject=subject)
        page, more = rows[:limit], len(rows) > limit
        audit.append_at(
            session,
            hub.clock(),
            actor=caller.code,
            action="audit.read",
            detail={"after": after, "returned": len(page), "subject": subject},
        )
        return wire.AuditPage(
            entries=[audit.public(r) for r in page],
            next_cursor=str(page[-1].seq) if more and page else None,
        )


@router.get(f"{wire.API_PREFIX}/audit/verify")
def verify_audit(request: Request, caller: AnyCaller) -> dict[str, object]:
    hub = _hub(request)
    with hub.transaction() as session:
        if caller.role != "auditor":
            raise Forbidden("only auditors may verify the whole log")
        result = audit.verify(session)
        audit.append_at(
            session,
            hub.clock(),
            actor=caller.code,
            action="audit.verify",
            detail={"ok": result.ok, "entries": result.entries},
        )
        return {
            "ok": result.ok,
            "entries": result.entries,
            "head_hash": result.head_hash,
            "problem": result.problem,
            "at_seq": result.at_seq,
        }
