"""Bulk writes for the nightly sync: thousands of rows in one statement's worth of round trips.

On PostgreSQL rows travel by ``COPY ... FROM STDIN`` (one stream, no per-row statement, no
per-row parameter binding): inserts straight into the table, updates through a temporary table
joined on the primary key. On SQLite, where a statement costs no round trip but SQLAlchemy's
per-row parameter handling costs more than SQLite's own work, inserts are prepared multi-row
``INSERT`` statements run by the driver with plain tuples, and updates one ``executemany``.
Both run on the session's connection, inside the caller's transaction.
"""

from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, Integer, LargeBinary, String, Table, any_, literal, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.expression import bindparam
from sqlmodel import Session

Row = Mapping[str, object]
Values = Sequence[Any]  # one row's values, in its columns' order
# Rows per SQLite INSERT statement: far below its 32,766 parameters for tables this wide.
SQLITE_ROWS_PER_STATEMENT = 200
# Up to this many rows PostgreSQL takes one multi-row INSERT (one round trip) rather than a
# COPY (two: the COPY command, then its data): a report's few token rows.
PG_ROWS_PER_INSERT = 64


def _driver_connection(session: Session) -> Any | None:
    """The psycopg connection under the session, or None on another database."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    return connection.connection.driver_connection


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _copy(driver: Any, table: str, columns: Sequence[str], values: Sequence[Values]) -> None:
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table}" ({_quoted(columns)}) FROM STDIN') as copy,
    ):
        for value in values:
            copy.write_row(value)


def _in_order(columns: Sequence[str], rows: Sequence[Row]) -> list[Values]:
    return [tuple(row[name] for name in columns) for row in rows]


def among(session: Session, column: Any, values: Sequence[str | int]) -> ColumnElement[bool]:
    """``column IN values`` for thousands of text or integer values: one array parameter on
    PostgreSQL (a thousand separate parameters cost more to send, and psycopg to parse, than
    the look-up)."""
    if session.get_bind().dialect.name == "postgresql":
        element = Integer if isinstance(column.type, Integer) else String
        return column == any_(literal(list(values), ARRAY(element)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def insert_rows(session: Session, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows`` (each with the same keys) into ``table``; ids come from the table."""
    if rows:
        columns = list(rows[0])
        insert_values(session, table, columns, _in_order(columns, rows))


def insert_values(
    session: Session, table: Table, columns: Sequence[str], values: Sequence[Values]
) -> None:
    """Insert rows given as tuples in ``columns``' order (no mapping built per row: a national
    sync writes over a million token rows)."""
    if not values:
        return
    session.flush()  # pending ORM writes land first, in order
    driver = _driver_connection(session)
    if driver is None:
        _sqlite_insert(session, table, columns, values)
        return
    if len(values) <= PG_ROWS_PER_INSERT:
        _pg_insert(driver, table.name, columns, values)
        return
    _copy(driver, table.name, columns, values)


def _multi_row_insert(table: str, columns: Sequence[str], rows: int, placeholder: str) -> str:
    """``INSERT INTO table (columns) VALUES (...), ...`` for ``rows`` rows of placeholders."""
    one = "(" + ", ".join([placeholder] * len(columns)) + ")"
    return (
        f'INSERT INTO "{table}" ({_quoted(columns)}) '  # noqa: S608 (names from the metadata)
        f"VALUES {', '.join([one] * rows)}"
    )


def _pg_insert(driver: Any, table: str, columns: Sequence[str], values: Sequence[Values]) -> None:
    statement = _multi_row_insert(table, columns, len(values), "%s")
    with driver.cursor() as cursor:
        cursor.execute(statement, tuple(chain.from_iterable(values)))


def _sqlite_values(
    session: Session, table: Table, columns: Sequence[str], values: Sequence[Values]
) -> Sequence[Values]:
    """Rows as the driver's parameters, converted as SQLAlchemy would (dates as text), bytes
    as they are (the driver stores them as blobs)."""
    dialect = session.get_bind().dialect
    converters = [
        (i, convert)
        for i, name in enumerate(columns)
        if not isinstance(table.c[name].type, LargeBinary)
        and (convert := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    if not converters:
        return values
    converted = [list(value) for value in values]
    for value in converted:
        for i, convert in converters:
            value[i] = convert(value[i])
    return converted


def _chunked(values: Sequence[Values], size: int) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    """Rows flattened into statements of ``size`` rows (one statement shape, run many times)
    and the rest into one shorter statement."""
    whole = len(values) - len(values) % size
    full = [tuple(chain.from_iterable(values[i : i + size])) for i in range(0, whole, size)]
    if full:
        yield size, full
    if whole < len(values):
        yield len(values) - whole, [tuple(chain.from_iterable(values[whole:]))]


def _sqlite_insert(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Values]
) -> None:
    values = _sqlite_values(session, table, columns, rows)
    connection = session.connection()
    for size, chunks in _chunked(values, SQLITE_ROWS_PER_STATEMENT):
        statement = _multi_row_insert(table.name, columns, size, "?")
        connection.exec_driver_sql(statement, chunks)


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
    _copy(driver, staging, ["id", *columns], _in_order(["id", *columns], rows))
    assignments = ", ".join(f'"{name}" = s."{name}"' for name in columns)
    with driver.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table.name}" AS t SET {assignments} '  # noqa: S608 (names from the metadata)
            f'FROM "{staging}" AS s WHERE t.id = s.id'
        )
