"""The audit log: queries for auditors (everything) and councils (their own accesses), and the
transparency-log API independent tools check the hub with (checkpoint, entries, proofs, key)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from hub import wire
from hub.api import openapi
from hub.api.deps import AuditReader, Cursor, HubDep, NowDep, SessionDep
from hub.audit import service, subject, witnessing

router = APIRouter()
AUDIT = f"{wire.API_PREFIX}/audit"
PROBLEMS = openapi.problems(*openapi.API)
PROOF = openapi.problems(*openapi.API, 404)  # no such tree size or index
TEXT = {200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **PROBLEMS}
Index = Annotated[int, Query(ge=0, le=2**40)]
Ref = Annotated[str | None, Query(max_length=256)]


@router.get(AUDIT, responses=PROBLEMS)
def read_audit(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: AuditReader,
    after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    subject: Ref = None,
    actor: Ref = None,
    action: Ref = None,
    policy: Ref = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> wire.AuditPage:
    filters = dict(
        subject=subject, actor=actor, action=action, policy=policy, since=since, until=until
    )
    return service.read_entries(
        db, hub.services.audit, caller, now, start=after, limit=limit, filters=filters
    )


@router.get(f"{AUDIT}/verify", responses=PROBLEMS)
def verify_audit(
    hub: HubDep, db: SessionDep, now: NowDep, caller: AuditReader
) -> wire.AuditVerification:
    return service.verify_log(db, hub.services.audit, hub.services.checkpoints, caller, now)


@router.get(f"{AUDIT}/checkpoint", response_class=PlainTextResponse, responses=TEXT)
def checkpoint(hub: HubDep, db: SessionDep, now: NowDep, caller: AuditReader) -> str:
    return service.checkpoint(db, hub.services.checkpoints, now)


@router.post(f"{AUDIT}/checkpoint", response_class=PlainTextResponse, responses=TEXT)
def new_checkpoint(hub: HubDep, db: SessionDep, now: NowDep, caller: AuditReader) -> str:
    return service.checkpoint_on_demand(
        db, hub.services.audit, hub.services.checkpoints, caller, now
    )


@router.post(f"{AUDIT}/checkpoint/cosignature", responses=PROOF)
def cosign(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: AuditReader,
    submitted: wire.AuditCosignatureSubmission,
) -> wire.AuditCosignatureReceipt:
    return witnessing.accept(db, hub.services.audit, caller, now, submitted)


@router.post(f"{AUDIT}/subject", responses=PROOF)
def subject_report(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: AuditReader,
    request: wire.SubjectReportRequest,
) -> wire.SubjectReport:
    """A council's subject access report on one of its children (its reference and match keys,
    as in a sync): every match, notification and audited access about the child."""
    return subject.report(db, hub.services.hub_keys, hub.services.audit, caller, now, request)


@router.get(f"{AUDIT}/checkpoints", responses=PROBLEMS)
def checkpoints(
    db: SessionDep,
    caller: AuditReader,
    start: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> wire.AuditCheckpointHistory:
    return service.history(db, start=start, limit=limit)


@router.get(f"{AUDIT}/key", response_class=PlainTextResponse, responses=TEXT)
def key(hub: HubDep, caller: AuditReader) -> str:
    return hub.services.checkpoints.verifier.vkey + "\n"


@router.get(f"{AUDIT}/entries", responses=PROBLEMS)
def entries(
    hub: HubDep, db: SessionDep, now: NowDep, caller: AuditReader, start: Index, end: Index
) -> wire.AuditLeaves:
    return service.leaves(db, hub.services.audit, caller, now, start=start, end=end)


@router.get(f"{AUDIT}/proof/inclusion", responses=PROOF)
def inclusion(db: SessionDep, caller: AuditReader, index: Index, size: Index) -> wire.AuditProof:
    return service.inclusion(db, caller, index, size)


@router.get(f"{AUDIT}/proof/consistency", responses=PROOF)
def consistency(
    db: SessionDep, caller: AuditReader, first: Index, second: Index
) -> wire.AuditProof:
    return service.consistency(db, caller, first, second)
