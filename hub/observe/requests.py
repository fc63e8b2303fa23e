"""One log line and one metric observation per request, and the request id.

The id is the caller's ``X-Request-ID`` when it is a short token (letters, digits, ``.-_:``),
else a new one; it is bound to every log record of the request and echoed in the answer. The
line names the route template (``/v1/audit/proof/inclusion``), never the path or query string,
which could carry a case reference.
"""

import logging
import re
import time
import uuid

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.observe.metrics import HubMetrics

log = logging.getLogger("hub.request")
REQUEST_ID = "x-request-id"
ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
UNMATCHED = "unmatched"


def request_id(headers: Headers) -> str:
    given = headers.get(REQUEST_ID, "")
    return given if ACCEPTABLE_ID.fullmatch(given) else uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


def authority_of(scope: Scope) -> str | None:
    caller = scope.get("state", {}).get("caller")
    code = getattr(caller, "code", None)
    return code if isinstance(code, str) else None


class RequestLog:
    """Outermost middleware: binds the request id, times the request, logs and counts it."""

    def __init__(self, app: ASGIApp, metrics: HubMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid, started, status = request_id(Headers(scope=scope)), time.perf_counter(), [500]

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID] = rid
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=rid):
            try:
                await self.app(scope, receive, answer)
            finally:
                self.finish(scope, status[0], time.perf_counter() - started)

    def finish(self, scope: Scope, status: int, seconds: float) -> None:
        route, method = route_of(scope), scope["method"]
        self.metrics.observe_request(method, route, status, seconds)
        log.info(
            "request",
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
                "authority": authority_of(scope),
            },
        )
