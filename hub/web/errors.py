"""Refusals on the web pages are pages, not problem documents, and are audited the same way:
no session (or an expired one) sends the person to sign in; anything else is an error page
with the refusal's status. The API's paths keep their problem answers."""

import inspect
from typing import cast

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from hub.api.problems import ANONYMOUS, audit_refusal
from hub.context import HubContext
from hub.errors import HubError, InvalidRequest
from hub.web.deps import render, web_state
from hub.web.session import SignInRequired

PAGES = ("/sign-in", "/sign-out", "/inbox", "/notifications/", "/cases/", "/audit", "/operator")


def is_page(path: str) -> bool:
    return path == "/" or path.startswith(PAGES)


def install(app: FastAPI, context: HubContext) -> None:
    api_handler = app.exception_handlers[HubError]

    async def refused(request: Request, error: Exception) -> Response:
        refusal = cast(HubError, error)
        if not is_page(request.url.path):
            answer = api_handler(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        person = getattr(request.state, "person", None)
        actor = person.authority if person is not None else ANONYMOUS
        await run_in_threadpool(audit_refusal, context, actor, refusal, request.url.path)
        if isinstance(refusal, SignInRequired):
            notice = "?notice=expired" if refusal.reason == "session expired" else ""
            return RedirectResponse(f"/sign-in{notice}", status_code=303)
        return render(
            request,
            web_state(request),
            "error.html",
            person,
            title=refusal.title,
            message=refusal.detail,
            status=refusal.status,
        )

    validation_handler = app.exception_handlers[RequestValidationError]

    async def invalid(request: Request, error: Exception) -> Response:
        """A page's malformed query or form: the same refusal, as a page."""
        if not is_page(request.url.path):
            answer = validation_handler(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        problems = cast(RequestValidationError, error).errors()
        fields = ", ".join(str(p["loc"][-1]) for p in problems)
        return await refused(request, InvalidRequest(f"check what you entered: {fields}"))

    app.add_exception_handler(HubError, refused)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(SignInRequired, refused)
