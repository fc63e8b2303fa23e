"""A council's view of its webhook endpoints and dead-lettered deliveries."""

from fastapi import APIRouter

from hub import wire
from hub.api import openapi
from hub.api.deps import InboxReader, SessionDep
from hub.delivery import webhooks

router = APIRouter()


@router.get(f"{wire.API_PREFIX}/webhooks", responses=openapi.problems(*openapi.API))
def webhook_status(db: SessionDep, caller: InboxReader) -> wire.WebhookStatus:
    return webhooks.status(db, caller.code)
