"""The hub's PostgreSQL pool pings a connection only when it sat idle (hub/db/engine.py): one
back in use at once costs no round trip, and one the server dropped while idle is replaced
before a transaction starts, so the request does not fail."""

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from hub.db import engine as db

pytestmark = pytest.mark.postgres


def test_a_dropped_idle_connection_is_replaced_and_a_busy_one_not_pinged(
    postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.make_engine(postgres_server_url)
    pings: list[object] = []
    original = engine.dialect.do_ping

    def counted(connection: Any) -> bool:
        pings.append(connection)
        return bool(original(connection))

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    try:
        with db.transaction(engine) as session:
            first = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with db.transaction(engine) as session:
            assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() == first
        assert pings == []  # back in use at once: not pinged
        admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.dispose()
        monkeypatch.setattr(db, "PING_IDLE_SECONDS", 0.0)
        with db.transaction(engine) as session:
            again = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert len(pings) == 1 and again != first
    finally:
        engine.dispose()


def test_statements_are_planned_for_their_own_parameters(postgres_server_url: str) -> None:
    """A prepared candidate search must not fall back to a generic plan (hub/db/engine.py)."""
    engine = db.make_engine(postgres_server_url)
    try:
        with db.transaction(engine) as session:
            mode = session.execute(text("SHOW plan_cache_mode")).scalar_one()
        assert mode == "force_custom_plan"
    finally:
        engine.dispose()
