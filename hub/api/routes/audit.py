"""The audit log for auditors (everything) and councils (their own accesses)."""

from typing import Annotated

from fastapi import APIRouter, Query

from hub import wire
from hub.api import openapi
from hub.api.deps import AuditReader, Cursor, HubDep, NowDep, SessionDep
from hub.audit import service

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/audit", responses=openapi.problems(*openapi.API))
def read_audit(
    hub: HubDep,
    db: SessionDep,
    now: NowDep,
    caller: AuditReader,
    after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    subject: Annotated[str | None, Query(max_length=256)] = None,
) -> wire.AuditPage:
    return service.read_entries(
        db, hub.services.audit, caller, now, after=after, limit=limit, subject=subject
    )


@router.get(f"{wire.API_PREFIX}/audit/verify", responses=openapi.problems(*openapi.API))
def verify_audit(
    hub: HubDep, db: SessionDep, now: NowDep, caller: AuditReader
) -> wire.AuditVerification:
    return service.verify_log(db, hub.services.audit, caller, now)
