"""Every hub table on one ``MetaData``: what migrations and schema checks compare against.

An index may exist on one database only (``Index(...).ddl_if(dialect=...)``: the match-token
digest index is covering on PostgreSQL, narrow on SQLite); ``on_this_database`` tells a schema
comparison to leave out what is not meant for the database compared."""

from typing import Any

from sqlalchemy import Index
from sqlmodel import SQLModel

from hub.audit import models as _audit
from hub.delivery import models as _delivery
from hub.identity import models as _identity
from hub.linking import models as _linking
from hub.records import models as _records
from hub.sharing import models as _sharing

MODEL_MODULES = (_identity, _records, _linking, _sharing, _delivery, _audit)
metadata = SQLModel.metadata


def on_this_database(dialect: str) -> Any:
    """An alembic ``include_object`` hook: a model's index made only on another database
    (``ddl_if``) is not expected on this one; everything else is compared."""

    def include(item: object, _name: str | None, kind: str, reflected: bool, _other: Any) -> bool:
        if kind != "index" or reflected or not isinstance(item, Index):
            return True
        condition = item._ddl_if  # where SQLAlchemy keeps what ddl_if() was given
        return condition is None or condition.dialect in (None, dialect)

    return include
