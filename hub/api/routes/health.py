"""Liveness (``/healthz``: the process answers; never touches the database), readiness
(``/readyz``: the database answers and its schema is current) and ``/metrics`` (Prometheus;
an ``admin`` token, or from loopback when ``HOMEWARD_HUB_METRICS_ALLOW_LOOPBACK`` is set)."""

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from hub.api import openapi
from hub.api.deps import HubDep
from hub.api.problems import problem_response
from hub.errors import Forbidden, NotAuthenticated
from hub.identity.interfaces import Scope
from hub.observe.metrics import CONTENT_TYPE
from hub.observe.ready import not_ready

router = APIRouter()
LOOPBACK = frozenset({"127.0.0.1", "::1"})


@router.get("/healthz", responses=openapi.problems(*openapi.EDGE))
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses=openapi.problems(503, *openapi.EDGE))
async def readyz(hub: HubDep) -> Any:
    reason = await run_in_threadpool(not_ready, hub.engine)
    if reason is not None:
        return problem_response(503, "not_ready", "The hub is not ready", reason)
    return {"status": "ready"}


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, hub: HubDep) -> Response:
    client = request.client.host if request.client else None
    if not (hub.settings.metrics_allow_loopback and client in LOOPBACK):
        authorization = request.headers.get("authorization")
        if authorization is None:
            raise NotAuthenticated()
        with hub.transaction() as session:
            caller = hub.services.authenticator.authenticate(session, authorization)
        request.state.caller = caller
        if Scope.ADMIN not in caller.scopes:
            raise Forbidden("metrics need the admin scope")
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE)
