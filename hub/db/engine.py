"""Database engine. SQLite file by default, PostgreSQL by URL; the schema comes from
migrations (hub/db/migrate.py)."""

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlmodel import Session, create_engine

from hub.errors import ConfigurationError


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _create_private(sqlite_path(url))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_immediate_transactions(engine)
        return engine
    engine = create_engine(url, pool_size=10, connect_args={"options": CUSTOM_PLANS})
    _ping_idle_connections(engine)
    return engine


# psycopg prepares a statement once it has run five times, and PostgreSQL may then plan it once
# for any parameters (a generic plan). For the candidate search (a block's children from a
# sub-select) that plan reads whole tables: 250-760 ms a report on a national hub where the
# plan for the actual digests takes a few. Each statement is planned for its own parameters.
CUSTOM_PLANS = "-c plan_cache_mode=force_custom_plan"


# A pooled connection idle longer than this is pinged before use (the database may have
# restarted or dropped it meanwhile); one back in use within it has just answered, and a ping
# would cost every transaction a round trip.
PING_IDLE_SECONDS = 1.0
_CHECKED_IN = "homeward_checked_in"


def _ping_idle_connections(engine: Engine) -> None:
    """Pessimistic disconnect handling, for connections that sat idle: a dead one is replaced
    by the pool before the transaction starts."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_CHECKED_IN)
        if since is None or time.monotonic() - since < PING_IDLE_SECONDS:
            return  # new (just connected), or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("an idle pooled connection is gone") from exc


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
# A multi-row INSERT (hub/db/bulk.py) keeps a statement journal, the prior content of every page
# it touches, to undo itself alone if a row fails; past 64 KiB SQLite writes it to a temporary
# file, so 200 token rows into the random-keyed digest index wrote about a megabyte each: half
# of a national sync's write syscalls and bytes. In memory it is freed at the statement's end.
# It guards only the statement's own undo: nothing committed ever depends on it.
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "foreign_keys=ON",
    "cache_size=-65536",
    "wal_autocheckpoint=10000",
    "temp_store=MEMORY",
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


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A unit of work that only reads. On PostgreSQL its statements run on their own
    (autocommit), each seeing what is committed when it runs, without the BEGIN and COMMIT
    round trips; elsewhere it is a transaction."""
    if engine.dialect.name != "postgresql":
        with transaction(engine) as session:
            yield session
        return
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    with Session(autocommit, expire_on_commit=False) as session:
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
