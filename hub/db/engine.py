"""Database engine. SQLite file by default, PostgreSQL by URL; the schema comes from
migrations (hub/db/migrate.py)."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from hub.errors import ConfigurationError


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _create_private(sqlite_path(url))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_immediate_transactions(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10)


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None: in memory, or not SQLite)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if database.startswith("file:") else Path(database)


def _create_private(path: Path | None) -> None:
    """A new hub database is readable by its owner only (0600). SQLite gives the -wal and -shm
    files the database file's permissions, so they are private too."""
    if path is None or path.exists() or not path.parent.is_dir():
        return
    with suppress(FileExistsError):  # another process created it first: theirs stands
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


# WAL with synchronous=NORMAL: a crash of the hub process loses nothing committed; a power cut
# or OS crash can lose the last transactions since the WAL was synced, never the database's
# consistency (production runs on PostgreSQL, which syncs each commit). The match-token digest
# index takes random inserts (over a million a national sync): a page cache that holds it
# (64 MiB, allocated as used) and checkpoints every 40 MB of WAL instead of every 4 MB keep each
# index page from being read and copied back many times a night.
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "foreign_keys=ON",
    "cache_size=-65536",
    "wal_autocheckpoint=10000",
)


def _sqlite_immediate_transactions(engine: Engine) -> None:
    """Every SQLite transaction takes the write lock up front (no lost audit-chain races)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        for pragma in SQLITE_PRAGMAS:
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def require_existing(url: str) -> None:
    """A read-only command on a SQLite file that is not there gets a remedy, not a traceback."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise ConfigurationError(
            f"no hub database at {url.removeprefix('sqlite:///')}: pass --database-url or set "
            "HOMEWARD_HUB_DATABASE_URL (run `homeward hub init` to create one)"
        )


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back if it raises."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def require_reachable(url: str) -> None:
    """Open and close a connection, so a command fails before it writes anything else."""
    if url.startswith("sqlite"):
        return
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()


def unreachable(exc: OperationalError) -> ConfigurationError:
    """A database that cannot be opened, as one line with a remedy (not a traceback)."""
    reason = " ".join(str(exc.orig or exc).split())
    missing = re.search(r'database "([^"]+)" does not exist', reason)
    if missing:
        return ConfigurationError(
            f"the PostgreSQL database {missing[1]!r} does not exist: create it "
            f"(createdb {missing[1]}, or CREATE DATABASE {missing[1]} as its owner), "
            "then run `homeward hub init`"
        )
    return ConfigurationError(
        f"cannot open the database ({reason}): check HOMEWARD_HUB_DATABASE_URL or --database-url"
    )
