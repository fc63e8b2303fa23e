"""Online, consistent backups of a running hub's database (`homeward hub backup DEST`).

A plain ``cp`` of a SQLite database in WAL mode is not a backup: the newest transactions live
in the ``-wal`` file until a checkpoint folds them in, so a copy of the main file alone silently
misses them (and copying both while the hub writes can tear). SQLite's ``VACUUM INTO`` writes a
consistent snapshot of everything committed, WAL included, while the hub keeps serving.

PostgreSQL is backed up with its own tool, ``pg_dump`` (a consistent snapshot in one
transaction; restore with ``pg_restore``); this shells out to it when it is installed, and
otherwise says how to run it.

A backup holds the same pseudonymous data as the hub: it is created readable by its owner only.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from hub.db.engine import sqlite_path
from hub.errors import ConfigurationError

SQLITE, PG_DUMP = "sqlite VACUUM INTO", "pg_dump"
PG_DUMP_HELP = (
    "back PostgreSQL up with pg_dump, e.g. `pg_dump --format=custom --file DEST DATABASE_URL` "
    "(restore with pg_restore)"
)


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    method: str  # SQLITE or PG_DUMP


def backup(url: str, dest: Path) -> Backup:
    """Write a consistent copy of the database at ``url`` to ``dest`` (which must not exist)."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _sqlite(url, dest)
    if backend == "postgresql":
        return _postgres(url, dest)
    raise ConfigurationError(f"no backup method for {backend} databases")


def _private_file(dest: Path) -> None:
    """Create ``dest`` empty and 0600, refusing to overwrite anything."""
    try:
        os.close(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise ConfigurationError(f"{dest} already exists: choose a new backup file") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot create {dest}: {exc.strerror}") from None


def _sqlite(url: str, dest: Path) -> Backup:
    source = sqlite_path(url)
    if source is None or not source.exists():
        raise ConfigurationError(f"no SQLite hub database at {source or url}")
    _private_file(dest)
    connection = sqlite3.connect(source)
    try:
        connection.execute("VACUUM INTO ?", (str(dest),))  # an empty target file is allowed
    except sqlite3.Error as exc:
        dest.unlink(missing_ok=True)
        raise ConfigurationError(f"backup of {source} failed: {exc}") from None
    finally:
        connection.close()
    return Backup(dest, SQLITE)


def _postgres(url: str, dest: Path) -> Backup:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise ConfigurationError(f"pg_dump is not installed here: {PG_DUMP_HELP}")
    parsed = make_url(url)
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    target = parsed.set(drivername="postgresql", password=None)
    _private_file(dest)
    done = subprocess.run(  # noqa: S603 - a fixed program, arguments not through a shell
        [
            pg_dump,
            "--format=custom",
            "--no-password",
            "--file",
            str(dest),
            target.render_as_string(),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        dest.unlink(missing_ok=True)
        raise ConfigurationError(f"pg_dump failed: {done.stderr.strip()}; {PG_DUMP_HELP}")
    return Backup(dest, PG_DUMP)
