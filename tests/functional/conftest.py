"""Functional tests run the real hub app in-process against a real database: SQLite always,
PostgreSQL when HOMEWARD_TEST_POSTGRES_URL is set. With HOMEWARD_REQUIRE_POSTGRES=1 (CI) an
unreachable PostgreSQL fails the run instead of skipping."""

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hub import operator
from hub.app import create_app
from hub.db.migrate import upgrade_database
from hub.settings import HubSettings
from hub.sharing.signatures import SignatureRequest
from keys import new_secret, write_hub_key

POSTGRES_URL = os.environ.get("HOMEWARD_TEST_POSTGRES_URL", "")
REQUIRE_POSTGRES = os.environ.get("HOMEWARD_REQUIRE_POSTGRES") == "1"


class Clock:
    """A pinned, advanceable clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh database for this test session, dropped at the end."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("HOMEWARD_REQUIRE_POSTGRES=1 but HOMEWARD_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured (set HOMEWARD_TEST_POSTGRES_URL)")
    base = make_url(POSTGRES_URL)
    name = f"homeward_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty SQLite hub database at the newest schema, copied for each test."""
    template = tmp_path_factory.mktemp("template") / "hub.db"
    upgrade_database(f"sqlite:///{template}")
    return template


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        database = tmp_path / "hub.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), database)
        return f"sqlite:///{database}"
    url: str = request.getfixturevalue("postgres_server_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def hub_settings(tmp_path: Path, database_url: str) -> HubSettings:
    if not database_url.startswith("sqlite"):
        upgrade_database(database_url)
    key_file = tmp_path / "hub.key"
    write_hub_key(key_file, new_secret())
    # The worker drains the outbox inline after each request (deterministic); long-polls do not
    # wait (tests/functional/test_long_poll.py sets its own).
    return HubSettings(
        database_url=database_url, key_file=key_file, worker="inline", long_poll_max_seconds=0
    )


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 25, 2, 0, 0, tzinfo=UTC))


@pytest.fixture
def hub_app(hub_settings: HubSettings, clock: Clock) -> Iterator[FastAPI]:
    app = create_app(hub_settings, clock=clock)
    yield app
    app.state.hub.engine.dispose()


@pytest.fixture
def client(hub_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(hub_app) as test_client:
        yield test_client


def register_authority(
    app: FastAPI, code: str, name: str | None = None, role: str = "council", *, signs: bool = True
) -> str:
    """A registered authority; a council ``signs`` every policy the hub runs unless told not
    to (a council that has not signed receives and discloses nothing)."""
    credential = operator.register_authority(
        app.state.hub,
        code=code,
        name=name or f"Council {code}",
        contact=f"Duty team {code}, 0100 000 000",
        role=role,
    )
    if signs and role == "council":
        sign_policies(app, code)
    return credential


def sign_policies(app: FastAPI, code: str, policy_ids: list[str] | None = None) -> None:
    """``code`` signs the running content of these policies (default: all)."""
    context = app.state.hub
    for policy in context.services.policies.policies:
        if policy_ids is None or policy.id in policy_ids:
            request = SignatureRequest(
                policy.id, code, policy.content_hash, "Test Officer, DPO", f"DSA-{code}"
            )
            operator.sign_policy(context, request)


def bearer(credential: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential}"}
