"""``create_app(settings)``: the hub as a FastAPI application. No import-time singletons."""

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from hub.api import router
from hub.audit import AuditAction
from hub.context import Clock, HubContext, Sleep, build_context, utc_now
from hub.errors import HubError
from hub.settings import HubSettings
from policies import PolicySet


def create_app(
    settings: HubSettings | None = None,
    *,
    clock: Clock = utc_now,
    policies: PolicySet | None = None,
    sleep: Sleep = time.sleep,
) -> FastAPI:
    context = build_context(settings or HubSettings(), clock=clock, policies=policies, sleep=sleep)
    app = FastAPI(title="Homeward hub", version="1", docs_url="/docs", redoc_url=None)
    app.state.hub = context
    app.include_router(router)
    _install_error_handlers(app, context)
    _limit_body_size(app, context.settings.max_body_bytes)
    return app


def _limit_body_size(app: FastAPI, limit: int) -> None:
    """Refuse an oversized request before reading it (a declared length over the limit)."""

    @app.middleware("http")
    async def limit_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > limit:
            return _problem(
                413,
                "too_large",
                "Request body too large",
                f"at most {limit} bytes; send smaller batches",
            )
        return await call_next(request)


def _problem(status: int, code: str, title: str, detail: object) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        media_type="application/problem+json",
        content={
            "type": f"urn:homeward:problem:{code}",
            "title": title,
            "status": status,
            "code": code,
            "detail": detail,
        },
    )


def _audit_refusal(
    context: HubContext, request: Request, code: str, reason: str | None = None
) -> None:
    """A refused request is itself an access attempt: record it (in its own transaction, as the
    request's own was rolled back). The caller is known once authentication has run."""
    caller = getattr(request.state, "caller", None)
    with context.transaction() as session:
        context.services.audit.append(
            session,
            context.clock(),
            actor=caller.code if caller is not None else "anonymous",
            action=AuditAction.refused(code),
            subject=request.url.path,
            detail={"reason": reason} if reason else None,
        )


def _install_error_handlers(app: FastAPI, context: HubContext) -> None:
    @app.exception_handler(HubError)
    def hub_error(request: Request, exc: HubError) -> JSONResponse:
        if 400 <= exc.status < 500:
            _audit_refusal(context, request, exc.code, getattr(exc, "reason", None))
        response = _problem(exc.status, exc.code, exc.title, exc.detail)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        _audit_refusal(context, request, "invalid_request")
        problems = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return _problem(422, "invalid_request", "The request is not valid", problems)
