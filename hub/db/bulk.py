"""Bulk writes for the nightly sync: thousands of rows in one statement's worth of round trips.

On PostgreSQL rows travel by ``COPY ... FROM STDIN`` (one stream, no per-row statement, no
per-row parameter binding): inserts straight into the table, updates through a temporary table
joined on the primary key. On SQLite, where a statement costs no round trip, they are one
``executemany`` each. Both run on the session's connection, inside the caller's transaction.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, Table, any_, insert, literal, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.expression import bindparam
from sqlmodel import Session

Row = Mapping[str, object]


def _driver_connection(session: Session) -> Any | None:
    """The psycopg connection under the session, or None on another database."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    return connection.connection.driver_connection


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _copy(driver: Any, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table}" ({_quoted(columns)}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([row[name] for name in columns])


def among(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """``column IN values`` for thousands of values: one array parameter on PostgreSQL (a
    thousand separate parameters cost more to send than the look-up)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(String)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (each with the same keys) into ``table``; ids come from the table."""
    if not rows:
        return
    driver = _driver_connection(session)
    if driver is None:
        session.execute(insert(table), list(rows))
        return
    session.flush()  # pending ORM writes land before the copy, in order
    _copy(driver, table.name, list(rows[0]), rows)


def update_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Update rows of ``table`` by primary key ``id``: each row gives the id and the new
    values of the same columns."""
    if not rows:
        return
    columns = [name for name in rows[0] if name != "id"]
    driver = _driver_connection(session)
    if driver is None:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(f"_{name}") for name in columns})
        )
        session.execute(statement, [{f"_{k}": v for k, v in row.items()} for row in rows])
        return
    session.flush()
    staging = f"bulk_{table.name}"
    with driver.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{staging}"')
        cursor.execute(
            f'CREATE TEMPORARY TABLE "{staging}" ON COMMIT DROP AS '  # noqa: S608 (names from the table's metadata)
            f'SELECT id, {_quoted(columns)} FROM "{table.name}" WITH NO DATA'
        )
    _copy(driver, staging, ["id", *columns], rows)
    assignments = ", ".join(f'"{name}" = s."{name}"' for name in columns)
    with driver.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table.name}" AS t SET {assignments} '  # noqa: S608 (names from the metadata)
            f'FROM "{staging}" AS s WHERE t.id = s.id'
        )
