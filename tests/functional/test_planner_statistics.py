"""The worker keeps PostgreSQL's planner statistics fresh (hub/db/statistics.py): a table whose
size at least doubled since it was last analyzed is analyzed, a settled one is not, one process
at a time, and at most every interval."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from hub import worker
from hub.db import engine as db
from hub.db.statistics import STATISTICS_LOCK, StatisticsKeeper, refresh
from keys import SharedKeyring
from tests.factories import CouncilSide, person
from tests.functional.conftest import bearer, register_authority

pytestmark = pytest.mark.postgres
HOME = "E08000025"


@pytest.fixture
def engine(postgres_server_url: str) -> Iterator[Engine]:
    hub = db.make_engine(postgres_server_url)
    with hub.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("CREATE TABLE token (digest bytea)"))
    yield hub
    hub.dispose()


def grow(engine: Engine, rows: int) -> None:
    """``rows`` more, counted in the server's statistics before this returns."""
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO token SELECT sha256(i::text::bytea) FROM generate_series(1, :n) i"),
            {"n": rows},
        )
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
        conn.commit()


def token_table(engine: Engine, column: str) -> int:
    with engine.connect() as conn:
        query = text(f"SELECT {column} FROM pg_class WHERE relname = 'token'")
        return int(conn.execute(query).scalar_one())


def planned_rows(engine: Engine) -> int:
    return token_table(engine, "reltuples")


def all_visible_pages(engine: Engine) -> int:
    """Pages the visibility map marks all-visible: index-only scans skip their rows."""
    return token_table(engine, "relallvisible")


def test_a_table_that_doubled_is_analyzed_and_one_that_grew_less_is_not(engine: Engine) -> None:
    grow(engine, 10)
    assert refresh(engine, least=50) == []  # too few rows changed to matter
    grow(engine, 90)
    assert all_visible_pages(engine) == 0
    assert refresh(engine, least=50) == ["token"]
    assert planned_rows(engine) == 100 and all_visible_pages(engine) > 0
    grow(engine, 90)  # 90 changed of 190: less than it held when analyzed
    assert refresh(engine, least=50) == []
    assert planned_rows(engine) == 100
    grow(engine, 20)  # 110 changed of 210
    assert refresh(engine, least=50) == ["token"]
    assert planned_rows(engine) == 210


def test_one_process_analyzes_at_a_time(engine: Engine, postgres_server_url: str) -> None:
    grow(engine, 100)
    other = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with other.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": STATISTICS_LOCK})
        assert refresh(engine, least=50) == []
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": STATISTICS_LOCK})
    other.dispose()
    assert refresh(engine, least=50) == ["token"]


def test_the_keeper_looks_once_an_interval(engine: Engine) -> None:
    keeper = StatisticsKeeper(engine, every=3600, least=50)
    grow(engine, 100)
    assert keeper.tend() == ["token"]
    grow(engine, 200)
    assert keeper.tend() == []  # within the interval
    assert StatisticsKeeper(engine, every=3600, least=50).tend() == ["token"]


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_after_a_sync_the_worker_gives_the_match_tokens_statistics(
    client: TestClient, hub_app: FastAPI
) -> None:
    context = hub_app.state.hub
    context.statistics = StatisticsKeeper(context.engine, every=0, least=20)
    home = CouncilSide(HOME, SharedKeyring.generate())
    credential = register_authority(hub_app, HOME)
    children = [home.child(person()) for _ in range(4)]
    response = client.post(
        "/v1/records",
        json={"children": [c.model_dump(mode="json") for c in children]},
        headers={**bearer(credential), "Idempotency-Key": "night-1"},
    )
    assert response.status_code == 200, response.text
    with context.engine.connect() as conn:
        conn.execute(text("SELECT pg_stat_force_next_flush()"))
    worker.drain(context)
    with context.engine.connect() as conn:
        analyzed = conn.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'matchtoken'")
        ).scalar_one()
    assert analyzed is not None
