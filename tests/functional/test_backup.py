"""Backups and file permissions: `homeward hub backup` copies a running hub consistently (on
SQLite while the newest transactions are still only in the WAL file), the copy holds every record
and its audit log verifies; a new SQLite database and its -wal/-shm files are private (0600)."""

import os
import shutil
import sqlite3
import stat
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from homeward.cli import main
from hub import audit
from hub.db.backup import backup
from hub.db.engine import make_engine
from hub.errors import ConfigurationError
from hub.records.models import Child, Episode
from keys import SharedKeyring
from tests.factories import CouncilSide, batch, person
from tests.functional.conftest import bearer, register_authority

HOME, REPORTER = "E08000025", "E06000023"
CHILDREN = 40


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    database = tmp_path / "hub" / "hub.db"
    key = tmp_path / "hub" / "hub.key"
    old_umask = os.umask(0o022)
    try:
        assert (
            main(["hub", "init", "--database-url", f"sqlite:///{database}", "--key-file", str(key)])
            == 0
        )
    finally:
        os.umask(old_umask)
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:  # a write transaction: the -wal and -shm files exist
        connection.execute(text("UPDATE treehead SET size = size"))
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert _mode(path) == 0o600, path
    engine.dispose()


@pytest.fixture
def busy_hub(hub_app: FastAPI, client: TestClient) -> FastAPI:
    keyring = SharedKeyring.generate()
    home, reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
    home_cred = register_authority(hub_app, HOME)
    reporter_cred = register_authority(hub_app, REPORTER)
    children = [person(forename=f"Child{i:02d}", nhs_number=None) for i in range(CHILDREN)]
    client.post(
        "/v1/records",
        json=batch(children=[home.child(c) for c in children]),
        headers={**bearer(home_cred), "Idempotency-Key": "1"},
    ).raise_for_status()
    client.post(
        "/v1/events",
        json=reporter.event(children[0]).model_dump(mode="json"),
        headers=bearer(reporter_cred),
    ).raise_for_status()
    return hub_app


@pytest.fixture
def restore(database_url: str) -> Iterator[list[str]]:
    """Databases restored from PostgreSQL dumps, dropped afterwards."""
    made: list[str] = []
    yield made
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for url in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def _restored(url: str, dest: Path, restored: list[str]) -> str:
    """A URL to read the backup through: the SQLite file itself, or a PostgreSQL database
    restored from the dump with pg_restore."""
    if url.startswith("sqlite"):
        return f"sqlite:///{dest}"
    target = make_url(url).set(database=f"homeward_restore_{uuid.uuid4().hex[:10]}")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    rendered = target.render_as_string(hide_password=False)
    restored.append(rendered)
    plain = target.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--dbname", plain, str(dest)], check=True)
    return rendered


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        children = session.exec(select(func.count()).select_from(Child)).one()
        episodes = session.exec(select(func.count()).select_from(Episode)).one()
        verified = audit.verify(session)
    engine.dispose()
    assert verified.ok, verified
    return children[0], episodes[0], verified.entries


def _wal_holds_the_records(database: Path) -> None:
    """The premise: the hub's newest transactions are only in the WAL, so a plain copy of the
    database file misses them."""
    assert Path(f"{database}-wal").stat().st_size > 0
    plain = database.with_name("plain-copy.db")
    shutil.copyfile(database, plain)
    with sqlite3.connect(plain) as copy:
        assert copy.execute("SELECT count(*) FROM child").fetchone() == (0,)


def test_backup_of_a_running_hub_holds_every_record_and_verifies(
    busy_hub: FastAPI,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    restore: list[str],
) -> None:
    settings = busy_hub.state.hub.settings
    url = settings.database_url
    if url.startswith("sqlite"):
        _wal_holds_the_records(Path(make_url(url).database or ""))
    dest = tmp_path / "backup" / "hub-backup.db"
    dest.parent.mkdir()
    args = ["hub", "backup", "--database-url", url, "--key-file", str(settings.key_file)]
    assert main([*args, str(dest)]) == 0
    out = capsys.readouterr().out
    assert f"to {dest}" in out
    if url.startswith("sqlite"):  # the copy's audit log is verified as it is written
        assert "audit log verified" in out
    assert _mode(dest) == 0o600
    live = _counts(url)
    assert live[:2] == (CHILDREN, 1)
    assert _counts(_restored(url, dest, restore)) == live
    assert main([*args, str(dest)]) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err


@pytest.mark.postgres
def test_backup_without_pg_dump_says_how(
    postgres_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL only: a SQLite backup needs no outside tool."""
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    with pytest.raises(ConfigurationError, match="pg_dump --format=custom"):
        backup(postgres_server_url, tmp_path / "dump")
    assert not (tmp_path / "dump").exists()
