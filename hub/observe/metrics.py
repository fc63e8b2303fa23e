"""Prometheus metrics: one registry per app (no import-time globals).

Counted as they happen: requests by method, route template and status, and their latency.
Read from the database when scraped: outbox items by state, notifications stored, the audit
log's size, and on PostgreSQL what decides ingest speed as the hub grows (docs/deploy.md,
"The database"): the match-token indexes' size against ``shared_buffers``, and their blocks
read from outside the buffer cache against those found in it. With several uvicorn workers
each process answers for its own counters (scrape each, or run one worker per port); the
database gauges are the same from any of them.
"""

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, text
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
        if self.engine.dialect.name == "postgresql":
            yield from token_index_gauges(self.engine)


# Every match-token index's size and its block reads since the statistics were last reset. A
# random-keyed digest index larger than shared_buffers costs a read (and, after a checkpoint,
# a full-page image in the WAL) for nearly every token row stored: ingest slows as it grows.
_TOKEN_INDEXES = text(
    "SELECT indexrelname, pg_relation_size(indexrelid), idx_blks_read, idx_blks_hit "
    "FROM pg_statio_user_indexes WHERE relname = 'matchtoken'"
)
_SHARED_BUFFERS = text(
    "SELECT setting::bigint * pg_size_bytes(unit) FROM pg_settings WHERE name = 'shared_buffers'"
)


def token_index_gauges(engine: Engine) -> Iterator[Metric]:
    """PostgreSQL's view of the match-token indexes, as gauges by index."""
    size = GaugeMetricFamily(
        "homeward_match_token_index_bytes", "Size of each match-token index", labels=["index"]
    )
    blocks = GaugeMetricFamily(
        "homeward_match_token_index_blocks",
        "Index blocks read from outside shared buffers (read) or found in them (hit)",
        labels=["index", "source"],
    )
    with engine.connect() as conn:
        rows = conn.execute(_TOKEN_INDEXES).all()
        buffers = conn.execute(_SHARED_BUFFERS).scalar_one()
    for name, nbytes, read, hit in rows:
        size.add_metric([name], nbytes)
        blocks.add_metric([name, "read"], read or 0)
        blocks.add_metric([name, "hit"], hit or 0)
    yield size
    yield blocks
    yield GaugeMetricFamily(
        "homeward_database_shared_buffers_bytes", "PostgreSQL's shared_buffers", value=buffers
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
