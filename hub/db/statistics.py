"""Planner statistics and visibility kept fresh by the hub itself (PostgreSQL).

PostgreSQL plans each statement from the statistics ANALYZE last gathered. A hub that syncs a
nation into empty tables has none, or statistics of a table a tenth of its size, until
autovacuum analyzes it, and autovacuum may be off, or behind during a national sync. Without
them the planner guesses that a handful of digests match a large share of the match-token
table, and the candidate search reads whole tables: minutes a report with ten nations loaded,
where the plan from statistics takes milliseconds. Unvacuumed, the covering indexes the search
relies on are not "index only" either: each entry is checked against its table row. So the
worker, at most every ``CHECK_EVERY`` and one process at a time, vacuums and analyzes each of
the hub's tables that changed by at least as many rows as it held when last analyzed (its size
at least doubled: a few times a national sync) and by at least ``LEAST_CHANGED`` rows. Neither
blocks reads or writes; VACUUM skips pages already all-visible, so each row is visited about
once however often the table doubles."""

import logging
import time

from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

CHECK_EVERY = 30.0  # seconds between looks, per process
LEAST_CHANGED = 10_000  # rows: below this, a table's plans do not change enough to matter
STATISTICS_LOCK = int.from_bytes(b"analyze!", "big")  # the advisory lock's key: any fixed number

_STALE = text(
    "SELECT relname FROM pg_stat_user_tables"
    " WHERE schemaname = current_schema()"
    " AND n_mod_since_analyze >= :least AND 2 * n_mod_since_analyze >= n_live_tup"
    " ORDER BY relname"
)


class StatisticsKeeper:
    """Refreshes the planner statistics of stale tables (``least`` rows changed at least),
    looking at most every ``every`` seconds (by the process's monotonic clock)."""

    def __init__(
        self, engine: Engine, every: float = CHECK_EVERY, least: int = LEAST_CHANGED
    ) -> None:
        self.engine, self.every, self.least = engine, every, least
        self._looked: float | None = None

    def tend(self) -> list[str]:
        """The tables analyzed now (none on SQLite, none between looks)."""
        if self.engine.dialect.name != "postgresql":
            return []
        now = time.monotonic()
        if self._looked is not None and now - self._looked < self.every:
            return []
        self._looked = now
        return refresh(self.engine, self.least)


def refresh(engine: Engine, least: int = LEAST_CHANGED) -> list[str]:
    """Analyze the hub's stale tables unless another process is doing so; their names."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": STATISTICS_LOCK}
        ).scalar():
            return []
        try:
            return _analyze_stale(conn, least)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": STATISTICS_LOCK})


def _analyze_stale(conn: Connection, least: int) -> list[str]:
    tables = list(conn.execute(_STALE, {"least": least}).scalars())
    started = time.monotonic()
    for table in tables:
        quoted = conn.dialect.identifier_preparer.quote(table)
        conn.execute(text(f"VACUUM (ANALYZE) {quoted}"))
    if tables:
        log.info(
            "tables vacuumed and analyzed",
            extra={"tables": tables, "seconds": round(time.monotonic() - started, 3)},
        )
    return tables
