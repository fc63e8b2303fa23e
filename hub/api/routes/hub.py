"""Which hub this is: a stable id, so a connector notices when it is pointed at another hub."""

from fastapi import APIRouter

from hub import wire
from hub.api import openapi
from hub.api.deps import CallerDep, SessionDep
from hub.identity.service import hub_id

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/hub", responses=openapi.problems(*openapi.API))
def hub_info(db: SessionDep, _caller: CallerDep) -> wire.HubInfo:
    return wire.HubInfo(hub_id=hub_id(db))
