"""The schema's versions: Alembic migrations under ``migrations/``, run by `homeward hub
migrate` (and `hub init`). A hub refuses to serve a database whose schema is behind the code.

A database made by the first release (tables from ``create_all``, no version table) holds
exactly revision 0001: it is stamped as such, then upgraded like any other.
"""

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from hub.db.engine import make_engine
from hub.errors import ConfigurationError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_RELEASE = "0001"


class SchemaBehind(ConfigurationError):
    code, title = "schema_behind", "The database schema is older than this hub"


@dataclass(frozen=True, slots=True)
class Upgrade:
    before: str | None  # None: an empty database
    after: str


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the migrations have a head"
    return head


def _revision(connection: Connection) -> str | None:
    current = MigrationContext.configure(connection).get_current_revision()
    if current is None and inspect(connection).has_table("audithead"):
        return FIRST_RELEASE
    return current


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _revision(connection)


def upgrade(engine: Engine) -> Upgrade:
    """Bring the schema to the newest revision, in one transaction."""
    with engine.begin() as connection:
        stamped = MigrationContext.configure(connection).get_current_revision()
        before = _revision(connection)
        config = _config(connection)
        if stamped is None and before == FIRST_RELEASE:
            command.stamp(config, FIRST_RELEASE)
        command.upgrade(config, "head")
    return Upgrade(before, head_revision())


def require_current(engine: Engine) -> None:
    """Refuse to serve a database whose schema is not the code's."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        found = "an empty database" if current is None else f"schema revision {current}"
        raise SchemaBehind(
            f"the database holds {found} but this hub needs revision {head}: "
            "back it up, then run `homeward hub migrate`"
        )


def upgrade_database(url: str) -> Upgrade:
    """``upgrade`` for a database URL (its engine is disposed afterwards)."""
    engine = make_engine(url)
    try:
        return upgrade(engine)
    finally:
        engine.dispose()
