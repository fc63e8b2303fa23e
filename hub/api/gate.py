"""The gate every request passes before the app reads a byte of its body.

FastAPI reads and parses a body before it solves a route's dependencies, so a dependency cannot
refuse a caller cheaply. This pure ASGI middleware does, in order:

1. the API (``/v1``) needs credentials: the ``Authenticator`` checks the ``Authorization``
   header in a unit of work of its own that only reads (hub.db.engine.reading), and an
   unauthenticated caller gets the same 401 whatever its body, without the body being read.
   The caller is left in the request's state;
2. a query string with a NUL character is refused (no database stores one in text);
3. a declared ``Content-Length`` over ``max_body_size`` gets 413 before reading; a body sent in
   chunks is counted as it is read, and reading stops with 413 at the limit;
4. anything unexpected is logged, audited and answered as a generic problem (500), never with
   a traceback.

Every refusal here is audited like those of the app (``hub.api.problems``).
"""

import logging
from urllib.parse import unquote_to_bytes

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import wire
from hub.api.problems import ANONYMOUS, audit_refusal, problem
from hub.context import HubContext
from hub.errors import HubError, InternalError, InvalidRequest, NotAuthenticated, TooLarge
from hub.identity.interfaces import Caller

log = logging.getLogger("hub")
CALLER_STATE = "caller"  # request.state.caller, read by hub.api.deps and the error handlers


class BodyOverLimit(HTTPException):
    """Raised into the app's body read; FastAPI passes HTTP exceptions on to their handler."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"at most {limit} bytes; send smaller batches")


class BodyMeter:
    """The request's ``receive``, counting body bytes and refusing to read past the limit."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self.upstream, self.limit, self.read = receive, limit, 0

    async def receive(self) -> Message:
        if self.read > self.limit:
            raise BodyOverLimit(self.limit)
        message = await self.upstream()
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            if self.read > self.limit:
                raise BodyOverLimit(self.limit)
        return message


class ResponseWatch:
    """The request's ``send``, remembering whether an answer has begun."""

    def __init__(self, send: Send) -> None:
        self.downstream, self.started = send, False

    async def send(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.downstream(message)


def needs_credentials(path: str) -> bool:
    return path == wire.API_PREFIX or path.startswith(f"{wire.API_PREFIX}/")


def readable_authorization(headers: Headers) -> str | None:
    """The header, if it could be a credential at all (printable ASCII); else nothing to try."""
    value = headers.get("authorization")
    if value is None or not value.isascii() or not value.isprintable():
        return None
    return value


class RequestGate:
    def __init__(self, app: ASGIApp, context: HubContext) -> None:
        self.app, self.context = app, context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watch = ResponseWatch(send)
        try:
            await self.admit(scope, receive, watch.send)
        except Exception:
            log.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            if not watch.started:
                await self.refuse(scope, watch.send, InternalError())

    async def admit(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.check(scope)
        except HubError as refusal:
            await self.refuse(scope, send, refusal)
            return
        meter = BodyMeter(receive, self.context.settings.max_body_bytes)
        await self.app(scope, meter.receive, send)

    async def check(self, scope: Scope) -> None:
        headers = Headers(scope=scope)
        if needs_credentials(scope["path"]):
            caller = await run_in_threadpool(self.authenticate, readable_authorization(headers))
            scope.setdefault("state", {})[CALLER_STATE] = caller
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            raise InvalidRequest("the query string contains a NUL character")
        limit = self.context.settings.max_body_bytes
        declared = headers.get("content-length", "0")
        if not (declared.isascii() and declared.isdigit()) or int(declared) > limit:
            raise TooLarge(f"at most {limit} bytes; send smaller batches")

    def authenticate(self, authorization: str | None) -> Caller:
        if authorization is None:
            raise NotAuthenticated()
        with self.context.reading() as session:
            return self.context.services.authenticator.authenticate(session, authorization)

    async def refuse(self, scope: Scope, send: Send, error: HubError) -> None:
        caller = scope.get("state", {}).get(CALLER_STATE)
        actor = caller.code if caller is not None else ANONYMOUS
        try:
            await run_in_threadpool(audit_refusal, self.context, actor, error, scope["path"])
        except Exception:
            log.exception("could not audit the refusal of %s", scope["path"])
            error = InternalError()
        await problem(error)(scope, self.receive_nothing, send)

    @staticmethod
    async def receive_nothing() -> Message:
        return {"type": "http.disconnect"}
