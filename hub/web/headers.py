"""Security headers on every answer: a Content-Security-Policy without inline script (the
pages' only script is /static/homeward.js), no framing, no sniffing, no referrer across sites."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_STYLE = "'self' 'unsafe-inline'"  # Swagger UI sets style attributes


def policy(path: str, form_targets: list[str]) -> str:
    style = DOCS_STYLE if path.startswith("/docs") else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {style}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            " ".join(["form-action 'self'", *form_targets]),
        ]
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, form_targets: list[str]) -> None:
        self.app, self.form_targets = app, form_targets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = policy(scope["path"], self.form_targets)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", csp)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, with_headers)
