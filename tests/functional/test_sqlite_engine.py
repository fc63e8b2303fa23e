"""The embedded hub's SQLite connections (hub/db/engine.py): write-ahead log synced at its
checkpoints (a crash of the process loses nothing committed), foreign keys enforced, and
statement journals kept in memory, so a national sync's multi-row token inserts do not write a
temporary file per statement."""

from pathlib import Path

from sqlalchemy import text

from hub.db import engine as db

WAL, NORMAL, MEMORY = "wal", 1, 2  # PRAGMA journal_mode, synchronous, temp_store answers


def test_a_sqlite_hub_connection_keeps_its_durability_and_journals_statements_in_memory(
    tmp_path: Path,
) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        with db.transaction(engine) as session:
            answers = [
                session.execute(text(f"PRAGMA {name}")).scalar_one()
                for name in ("journal_mode", "synchronous", "foreign_keys", "temp_store")
            ]
        assert answers == [WAL, NORMAL, 1, MEMORY]
    finally:
        engine.dispose()
