"""Prometheus metrics: one registry per app (no import-time globals).

Counted as they happen: requests by method, route template and status, and their latency.
Read from the database when scraped: outbox items by state, notifications stored, the audit
log's size. With several uvicorn workers each process answers for its own counters (scrape
each, or run one worker per port); the database gauges are the same from any of them.
"""

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hub.audit.models import TreeHead
from hub.delivery.models import Notification, OutboxItem

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class DatabaseGauges(Collector):
    """What the database holds, read at scrape time in one short read-only session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        outbox = GaugeMetricFamily(
            "homeward_outbox_items",
            "Outbox items by state (pending is the worker's lag)",
            labels=["state"],
        )
        with Session(self.engine) as session:
            by_state = session.exec(
                select(OutboxItem.state, func.count()).group_by(OutboxItem.state)
            ).all()
            notifications = session.exec(select(func.count()).select_from(Notification)).one()
            head = session.get(TreeHead, 1)
        for state in ("pending", "done", "dead"):
            outbox.add_metric([state], dict(by_state).get(state, 0))
        yield outbox
        yield GaugeMetricFamily(
            "homeward_notifications", "Notifications stored", value=notifications
        )
        yield GaugeMetricFamily(
            "homeward_audit_log_entries", "Entries in the audit log", value=head.size if head else 0
        )


class HubMetrics:
    def __init__(self, engine: Engine) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "homeward_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "homeward_http_request_duration_seconds",
            "Time to answer, by method and route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.registry.register(DatabaseGauges(engine))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
