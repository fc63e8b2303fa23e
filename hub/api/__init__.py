"""HTTP routes: parse, call one service, return a wire model. The session and the caller come
from ``deps``; services never commit, the edge does."""

from fastapi import APIRouter

from hub.api.routes import (
    audit,
    events,
    health,
    hub,
    notifications,
    oauth,
    records,
    webhooks,
)

router = APIRouter()
for routes in (health, oauth, hub, records, events, notifications, webhooks, audit):
    router.include_router(routes.router)
