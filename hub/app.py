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
    settle_collector()
    return app


# Container allocations between two young collections (Python's default: 700), and young
# collections between two of the middle generation (default: 10).
COLLECTOR_THRESHOLDS = (50_000, 20)


def settle_collector() -> None:
    """Tune the cyclic garbage collector for a serving process, once start-up is done.

    What start-up built (modules, routes, policies, the ORM's mappings: about 200,000 objects)
    lives as long as the process: out of the collector's sight (``gc.freeze``), a full
    collection during a request scans only what requests allocated (a report waited 100 ms and
    more for one). And a sync batch of 1000 children allocates some 150,000 short-lived
    objects (models, rows, tuples) that reference counting frees, none of them garbage in a
    cycle: at the default thresholds the collector ran 100 young, 9 middle and about one full
    collection a batch, a sixth of its CPU (36 ms of about 210), for nothing. Collected
    less often it costs under 1 ms a batch; cyclic garbage waits a little longer.
    """
    gc.freeze()
    young, middle = COLLECTOR_THRESHOLDS
    gc.set_threshold(young, middle, gc.get_threshold()[2])
