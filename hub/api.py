"""HTTP routes: parse, authenticate, call one service in one transaction, return a wire model.

Every route except ``/healthz`` is authenticated and audited in the same transaction as the
access it describes.
"""

import json
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from sqlmodel import Session, func, select

from hub import audit, notify, pipeline, store, wire
from hub.app import HubContext
from hub.auth import authenticate
from hub.errors import Forbidden, InvalidRequest

router = APIRouter()
Authorization = Annotated[str | None, Header()]


def _hub(request: Request) -> HubContext:
    context: HubContext = request.app.state.hub
    return context


def _council(session: Session, hub: HubContext, authorization: str | None) -> store.Authority:
    caller = authenticate(session, hub.services.hub_key, authorization)
    if caller.role != "council":
        raise Forbidden("only council credentials may use this endpoint")
    return caller


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.post(f"{wire.API_PREFIX}/records")
def post_records(
    request: Request, batch: wire.RecordBatch, authorization: Authorization = None,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> wire.BatchReceipt:
    hub = _hub(request)
    if not idempotency_key:
        raise InvalidRequest("an Idempotency-Key header is required")
    if batch.size() > hub.settings.max_batch_records:
        raise InvalidRequest(f"at most {hub.settings.max_batch_records} records per batch")
    with hub.transaction() as session:
        caller = _council(session, hub, authorization)
        digest = pipeline.request_digest(batch)
        replay = pipeline.replayed_receipt(session, caller.code, idempotency_key, digest)
        if replay is not None:
            audit.append_at(session, hub.clock(), actor=caller.code, action="records.replay",
                            detail={"idempotency_key_digest": digest[:16]})
            return replay
        now = hub.clock()
        receipt = pipeline.ingest_batch(session, hub.services, caller.code, batch, now)
        pipeline.remember_receipt(session, caller.code, idempotency_key, digest, receipt, now)
        return receipt


@router.post(f"{wire.API_PREFIX}/events")
def post_event(
    request: Request, episode: wire.EpisodeRecord, authorization: Authorization = None
) -> wire.BatchReceipt:
    """An urgent missing/found event, processed at once."""
    hub = _hub(request)
    with hub.transaction() as session:
        caller = _council(session, hub, authorization)
        batch = wire.RecordBatch(episodes=[episode])
        return pipeline.ingest_batch(session, hub.services, caller.code, batch, hub.clock())


@router.get(f"{wire.API_PREFIX}/records/summary")
def records_summary(request: Request, authorization: Authorization = None) -> wire.RecordSummary:
    hub = _hub(request)
    with hub.transaction() as session:
        caller = _council(session, hub, authorization)
        children = session.exec(select(func.count()).select_from(store.Child).where(
            store.Child.authority == caller.code)).one()
        episodes = session.exec(select(func.count()).select_from(store.Episode).where(
            store.Episode.authority == caller.code)).one()
        audit.append_at(session, hub.clock(), actor=caller.code, action="records.summary")
        return wire.RecordSummary(authority=caller.code, children=children, episodes=episodes)


@router.get(f"{wire.API_PREFIX}/notifications")
def list_notifications(
    request: Request, authorization: Authorization = None,
    cursor: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=500)] = 100,
    include_acknowledged: bool = False,
) -> wire.NotificationPage:
    hub = _hub(request)
    with hub.transaction() as session:
        caller = _council(session, hub, authorization)
        rows, next_cursor = notify.inbox(session, caller.code, cursor=cursor, limit=limit,
                                         include_acknowledged=include_acknowledged)
        audit.append_at(session, hub.clock(), actor=caller.code, action="notifications.read",
                        detail={"notifications": [r.id for r in rows]})
        return wire.NotificationPage(notifications=[notify.public(r) for r in rows],
                                     next_cursor=None if next_cursor is None else str(next_cursor))


@router.post(f"{wire.API_PREFIX}/notifications/ack")
def acknowledge(
    request: Request, body: wire.Acknowledgement, authorization: Authorization = None
) -> wire.AcknowledgementReceipt:
    hub = _hub(request)
    with hub.transaction() as session:
        caller = _council(session, hub, authorization)
        now = hub.clock()
        count = notify.acknowledge(session, caller.code, body.ids, now)
        audit.append_at(session, now, actor=caller.code, action="notifications.ack",
                        detail={"notifications": sorted(body.ids)})
        return wire.AcknowledgementReceipt(acknowledged=count)


@router.get(f"{wire.API_PREFIX}/audit")
def read_audit(
    request: Request, authorization: Authorization = None,
    after: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    subject: str | None = None,
) -> wire.AuditPage:
    """Auditors read every entry; a council reads the entries of its own accesses."""
    hub = _hub(request)
    with hub.transaction() as session:
        caller = authenticate(session, hub.services.hub_key, authorization)
        actor = None if caller.role == "auditor" else caller.code
        rows = audit.entries(session, after=after, limit=limit + 1, actor=actor, subject=subject)
        page, more = rows[:limit], len(rows) > limit
        audit.append_at(session, hub.clock(), actor=caller.code, action="audit.read",
                        detail={"after": after, "returned": len(page), "subject": subject})
        return wire.AuditPage(entries=[_entry(r) for r in page],
                              next_cursor=str(page[-1].seq) if more and page else None)


@router.get(f"{wire.API_PREFIX}/audit/verify")
def verify_audit(request: Request, authorization: Authorization = None) -> dict[str, object]:
    hub = _hub(request)
    with hub.transaction() as session:
        caller = authenticate(session, hub.services.hub_key, authorization)
        if caller.role != "auditor":
            raise Forbidden("only auditors may verify the whole log")
        result = audit.verify(session)
        audit.append_at(session, hub.clock(), actor=caller.code, action="audit.verify",
                        detail={"ok": result.ok, "entries": result.entries})
        return {"ok": result.ok, "entries": result.entries, "head_hash": result.head_hash,
                "problem": result.problem, "at_seq": result.at_seq}


def _entry(r: store.AuditRecord) -> wire.AuditEntry:
    return wire.AuditEntry(seq=r.seq, at=r.at, actor=r.actor, action=r.action, subject=r.subject,
                           detail=json.loads(r.detail), prev_hash=r.prev_hash, hash=r.hash)


