"""Every refusal the hub answers is an RFC 9457 problem (``application/problem+json``), and is
itself audited as an access attempt: one place builds the answer, one records it.

Handlers here cover errors raised inside the app (``HubError``, request validation, routing);
``hub.api.gate`` answers what it refuses before the app runs, through the same two functions.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from hub.audit import AuditAction
from hub.context import HubContext
from hub.errors import HubError, InternalError, InvalidRequest, TooLarge

PROBLEM_MEDIA_TYPE = "application/problem+json"
ANONYMOUS = "anonymous"
log = logging.getLogger("hub")


def problem(error: HubError, detail: object = None) -> JSONResponse:
    """The answer to a refused request; ``detail`` replaces the error's own when given."""
    response = problem_response(error.status, error.code, error.title, detail or error.detail)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def problem_response(status: int, code: str, title: str, detail: object) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        content={
            "type": f"urn:homeward:problem:{code}",
            "title": title,
            "status": status,
            "code": code,
            "detail": detail,
        },
    )


def audit_refusal(context: HubContext, actor: str, error: HubError, subject: str) -> None:
    """A refused request is itself an access attempt: record it in its own transaction (the
    request's own was rolled back). ``actor`` is the caller once authentication has run; why a
    credential was refused is written here, never told to the caller."""
    reason = getattr(error, "reason", "")
    with context.transaction() as session:
        context.services.audit.append(
            session,
            context.clock(),
            actor=actor,
            action=AuditAction.refused(error.code),
            subject=subject,
            detail={"reason": reason} if reason else None,
        )


def actor_of(request: Request) -> str:
    caller = getattr(request.state, "caller", None)
    return caller.code if caller is not None else ANONYMOUS


def install_error_handlers(app: FastAPI, context: HubContext) -> None:
    def refuse(request: Request, error: HubError, detail: object = None) -> JSONResponse:
        audit_refusal(context, actor_of(request), error, request.url.path)
        return problem(error, detail)

    @app.exception_handler(HubError)
    def hub_error(request: Request, exc: HubError) -> JSONResponse:
        if exc.status >= 500:
            log.error("hub error answered as 500: %r", exc)
            return refuse(request, InternalError())
        return refuse(request, exc)

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return refuse(request, InvalidRequest(), problems)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        """Starlette's own refusals as problems: an unreadable or oversized body reached a route
        and is audited; no such path or method did not, and is not."""
        if exc.status_code == 400:
            return refuse(request, InvalidRequest("the request body is not readable JSON"))
        if exc.status_code == 413:
            return refuse(request, TooLarge(str(exc.detail)))
        response = problem_response(
            exc.status_code, f"http_{exc.status_code}", str(exc.detail), str(exc.detail)
        )
        response.headers.update(exc.headers or {})
        return response
