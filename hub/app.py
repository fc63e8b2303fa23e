"""``create_app(settings)``: the hub as a FastAPI application. No import-time singletons.

A request meets the gate first (credentials, then the body limit: ``hub.api.gate``), then the
routes; every refusal is an audited problem response (``hub.api.problems``), and the OpenAPI
document says so (``hub.api.openapi``).
"""

import time

from fastapi import FastAPI

from hub.api import router
from hub.api.gate import RequestGate
from hub.api.openapi import install_openapi
from hub.api.problems import install_error_handlers
from hub.context import Clock, Sleep, build_context, utc_now
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
    install_error_handlers(app, context)
    install_openapi(app)
    app.add_middleware(RequestGate, context=context)
    return app
