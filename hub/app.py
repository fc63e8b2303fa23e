"""``create_app(settings)``: the hub as a FastAPI application. No import-time singletons.

A request meets the gate first (credentials, then the body limit: ``hub.api.gate``), then the
routes; every refusal is an audited problem response (``hub.api.problems``), and the OpenAPI
document says so (``hub.api.openapi``).
"""

import gc
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from hub.api import router
from hub.api.gate import RequestGate
from hub.api.openapi import install_openapi
from hub.api.problems import install_error_handlers
from hub.context import Clock, Random, build_context, utc_now
from hub.observe.logs import configure as configure_logs
from hub.observe.metrics import HubMetrics
from hub.observe.requests import RequestLog
from hub.settings import HubSettings
from hub.web import install_web
from hub.worker import attach
from policies import PolicySet


def create_app(
    settings: HubSettings | None = None,
    *,
    clock: Clock = utc_now,
    policies: PolicySet | None = None,
    jitter: Random | None = None,
) -> FastAPI:
    """The app; with ``worker="thread"`` (the default) its outbox worker thread is started here
    and stopped when the app shuts down (or at ``app.state.worker.stop()``)."""
    context = build_context(
        settings or HubSettings(), clock=clock, policies=policies, jitter=jitter or random.random
    )
    worker = attach(context)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if worker is not None:
            worker.stop()

    app = FastAPI(
        title="Homeward hub", version="1", docs_url=None, redoc_url=None, lifespan=lifespan
    )
    app.state.hub, app.state.worker = context, worker
    app.state.metrics = metrics = HubMetrics(context.engine)
    app.include_router(router)
    install_error_handlers(app, context)
    install_openapi(app)
    install_web(app, context)  # pages for people and /docs (hub/web)
    app.add_middleware(RequestGate, context=context)
    app.add_middleware(RequestLog, metrics=metrics)
    return app


def serve_app() -> FastAPI:
    """What ``homeward hub serve`` runs in each uvicorn worker process (an import-string
    factory): settings from the environment, logs configured as they say."""
    settings = HubSettings()
    configure_logs(settings.log_level, settings.log_format)
    app = create_app(settings)
    # What start-up built (modules, routes, policies, the ORM's mappings: about 200,000
    # objects) lives as long as the process: out of the cyclic collector's sight, a full
    # collection during a request scans only what requests allocated (a report waited 100 ms
    # and more for one).
    gc.freeze()
    return app
