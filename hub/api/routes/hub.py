"""Which hub this is: a stable id, so a connector notices when it is pointed at another hub."""

from fastapi import APIRouter

from hub import wire
from hub.api.deps import CallerDep, SessionDep
from hub.errors import ConfigurationError
from hub.identity.models import HubInstance

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/hub")
def hub_info(db: SessionDep, _caller: CallerDep) -> wire.HubInfo:
    found = db.get(HubInstance, 1)
    if found is None:  # only a database not made by `homeward hub migrate`
        raise ConfigurationError("the hub has no id: run `homeward hub migrate`")
    return wire.HubInfo(hub_id=found.hub_id)
