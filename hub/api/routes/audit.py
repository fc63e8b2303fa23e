"""The audit log for auditors (everything) and councils (their own accesses)."""

from typing import Annotated

from fastapi import APIRouter, Query

from hub import wire
from hub.api.deps import AuditReader, HubDep, NowDep, SessionDep
from hub.audit import service

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/audit")
def read_audit(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: AuditReader,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    subject: str | None = None,
) -> wire.AuditPage:
    return service.read_entries(
        db, hub.services.audit, caller, now, after=after, limit=limit, subject=subject
    )


@router.get(f"{wire.API_PREFIX}/audit/verify")
def verify_audit(
    hub: HubDep, db: SessionDep, now: NowDep, caller: AuditReader
) -> wire.AuditVerification:
    return service.verify_log(db, hub.services.audit, caller, now)
