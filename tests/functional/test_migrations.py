"""The schema's versions: a hub of the first release is upgraded with its data intact and its
audit log still verifying; the models and the migrations agree; a hub refuses to serve a
database whose schema is behind the code. On SQLite and PostgreSQL."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session

from homeward.cli import main
from hub import audit
from hub.app import create_app
from hub.db.engine import make_engine
from hub.db.metadata import metadata, on_this_database
from hub.db.migrate import SchemaBehind, current_revision, head_revision, upgrade
from hub.settings import HubSettings
from keys import new_secret, read_hub_key, write_hub_key
from tests.functional import legacy_schema as v0
from tests.functional.conftest import bearer

HOME, REPORTER = "E08000025", "E06000023"
AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
NOTIFICATION_ID = "0b6f3a52-6f0e-4a43-9d7e-1f1f6c2f9a10"


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path) -> str:
    """An empty database: PostgreSQL's fixture schema is empty; SQLite gets a new file."""
    return (
        f"sqlite:///{tmp_path / 'first-release.db'}"
        if database_url.startswith("sqlite")
        else (database_url)
    )


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    made = make_engine(empty_url)
    yield made
    made.dispose()


def _audit_rows(entries: list[tuple[str, str, str, dict[str, object]]]) -> list[dict[str, object]]:
    """A valid hash chain, computed as the first release computed it."""
    rows, prev = [], audit.GENESIS_HASH
    for seq, (actor, action, subject, detail) in enumerate(entries, start=1):
        encoded = audit.canonical(detail)
        digest = audit.entry_hash(
            seq=seq,
            at=AT,
            actor=actor,
            action=action,
            subject=subject,
            detail=encoded,
            prev_hash=prev,
        )
        rows.append(
            {
                "seq": seq,
                "at": AT,
                "actor": actor,
                "action": action,
                "subject": subject,
                "detail": encoded,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    return rows


FIRST_CHAIN: list[tuple[str, str, str, dict[str, object]]] = [
    ("operator", "authority.register", HOME, {"role": "council"}),
    ("operator", "authority.register", REPORTER, {"role": "council"}),
    ("hub", "match.link", "HW-0123456789AB", {"reporting": REPORTER, "responsible": HOME}),
    ("hub", "notification.create", "HW-0123456789AB", {"notification": NOTIFICATION_ID}),
]


def fill_first_release(engine: Engine, credential_digest: bytes) -> None:
    """One report linked to one child and notified, as the first release stored it."""
    v0.metadata.create_all(engine)
    chain = _audit_rows(FIRST_CHAIN)
    authority = {"name": "Council", "contact": "Duty", "role": "council", "created_at": AT}
    with engine.begin() as conn:
        conn.execute(
            insert(v0.authority),
            [
                {"code": HOME, "credential_digest": credential_digest, **authority},
                {"code": REPORTER, "credential_digest": b"\0" * 32, **authority},
            ],
        )
        conn.execute(
            insert(v0.child),
            [
                {
                    "id": 1,
                    "authority": HOME,
                    "ref": "child-0001",
                    "sealed_id": "s1.ab",
                    "updated_at": AT,
                }
            ],
        )
        conn.execute(
            insert(v0.episode),
            [
                {
                    "id": 1,
                    "authority": REPORTER,
                    "ref": "episode-0001",
                    "kind": "M",
                    "start": date(2026, 11, 20),
                    "updated_at": AT,
                }
            ],
        )
        token = {"digest": b"\x01" * 16, "key_type": "nhs"}
        conn.execute(
            insert(v0.matchtoken),
            [
                {**token, "owner_kind": "C", "owner_id": 1, "authority": HOME},
                {**token, "owner_kind": "E", "owner_id": 1, "authority": REPORTER},
            ],
        )
        conn.execute(
            insert(v0.match),
            [
                {
                    "id": "HW-0123456789AB",
                    "episode_id": 1,
                    "child_id": 1,
                    "decision": "link",
                    "created_at": AT,
                }
            ],
        )
        conn.execute(
            insert(v0.notification),
            [
                {
                    "id": NOTIFICATION_ID,
                    "recipient": HOME,
                    "episode_id": 1,
                    "case_reference": "HW-0123456789AB",
                    "event": "missing",
                    "policy_id": "notify-responsible-authority",
                    "policy_version": 1,
                    "purpose": "safeguarding",
                    "lawful_basis": "public task",
                    "retain_until": date(2027, 11, 20),
                    "payload": json.dumps({"event": "missing"}),
                    "created_at": AT,
                }
            ],
        )
        conn.execute(insert(v0.auditrecord), chain)
        conn.execute(
            insert(v0.audithead), [{"id": 1, "seq": len(chain), "hash": chain[-1]["hash"]}]
        )


CHAIN = ("auditrecord", "audithead")  # carried into the transparency log by migration 0007


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in v0.metadata.tables.items()
            if name not in CHAIN
        }


def test_a_first_release_hub_is_upgraded_with_its_data_and_audit_log_intact(
    engine: Engine, empty_url: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "hub.key"
    write_hub_key(key_file, new_secret())
    credential = f"hw1.{HOME}.first-release-secret"
    fill_first_release(engine, read_hub_key(key_file).credential_digest(credential))
    before = counts(engine)
    assert current_revision(engine) == "0001"

    done = upgrade(engine)

    assert (done.before, done.after) == ("0001", head_revision())
    assert counts(engine) == before
    with engine.connect() as conn:
        tokens = conn.execute(select(metadata.tables["matchtoken"])).mappings().all()
        outcome = conn.execute(select(metadata.tables["match"].c.outcome)).scalar_one()
        policy_hash = conn.execute(
            select(metadata.tables["notification"].c.policy_hash)
        ).scalar_one()
    assert {(t["epoch"], t["hub_key_version"]) for t in tokens} == {(1, 1)}
    assert outcome == "linked"
    assert policy_hash is None
    with Session(engine) as session:
        first = audit.verify(session)
        assert first.ok and first.entries == 4
        carried = [json.loads(r.leaf) for r in audit.entries(session)]
    assert [(e["v"], e["chain"]["seq"], e["action"]) for e in carried] == [
        (0, 1, "authority.register"),
        (0, 2, "authority.register"),
        (0, 3, "match.link"),
        (0, 4, "notification.create"),
    ]
    assert carried[3]["chain"]["hash"] == _audit_rows(FIRST_CHAIN)[3]["hash"]

    settings = HubSettings(database_url=empty_url, key_file=key_file, worker="inline")
    app = create_app(settings)
    with TestClient(app) as client:
        inbox = client.get("/v1/notifications", headers=bearer(credential))
    app.state.hub.engine.dispose()
    assert inbox.status_code == 200
    assert [n["id"] for n in inbox.json()["notifications"]] == [NOTIFICATION_ID]
    with Session(engine) as session:
        verified = audit.verify(session)
    assert verified.ok and verified.entries == 5  # the four old entries and the inbox read


def test_the_models_and_the_migrations_agree(engine: Engine) -> None:
    upgrade(engine)
    with engine.connect() as conn:
        only_here = {"include_object": on_this_database(conn.dialect.name)}
        assert compare_metadata(MigrationContext.configure(conn, opts=only_here), metadata) == []


def test_a_hub_refuses_to_serve_a_database_behind_the_code(
    engine: Engine, empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "hub.key"
    write_hub_key(key_file, new_secret())
    fill_first_release(engine, b"\0" * 32)
    settings = HubSettings(database_url=empty_url, key_file=key_file)
    with pytest.raises(SchemaBehind, match="homeward hub migrate"):
        create_app(settings)

    args = ["--database-url", empty_url, "--key-file", str(key_file)]
    assert main(["hub", "authority", "list", *args]) == 2
    assert "run `homeward hub migrate`" in capsys.readouterr().err
    assert main(["hub", "migrate", *args]) == 0
    assert f"revision 0001 -> revision {head_revision()}" in capsys.readouterr().out
    assert main(["hub", "authority", "list", *args]) == 0
    assert HOME in capsys.readouterr().out


def test_migrate_on_a_current_database_changes_nothing(engine: Engine) -> None:
    first = upgrade(engine)
    again = upgrade(engine)
    assert first.before is None
    assert again.before == again.after == head_revision()
