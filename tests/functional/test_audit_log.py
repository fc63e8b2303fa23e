"""The audit log on a real database: written with every access, tamper-evident, verifiable."""

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from homeward.cli import main
from hub import audit
from hub.delivery.models import Notification
from keys import SharedKeyring
from tests.factories import CouncilSide, batch, person
from tests.functional.conftest import bearer, register_authority
from tests.functional.tamper import unprotect

HOME, REPORTER = "E08000025", "E06000023"


@pytest.fixture
def busy_hub(hub_app: FastAPI, client: TestClient) -> FastAPI:
    keyring = SharedKeyring.generate()
    home, reporter = CouncilSide(HOME, keyring), CouncilSide(REPORTER, keyring)
    home_cred = register_authority(hub_app, HOME)
    reporter_cred = register_authority(hub_app, REPORTER)
    child = person()
    client.post(
        "/v1/records",
        json=batch(children=[home.child(child)]),
        headers={**bearer(home_cred), "Idempotency-Key": "1"},
    ).raise_for_status()
    client.post(
        "/v1/events",
        json=reporter.event(child).model_dump(mode="json"),
        headers=bearer(reporter_cred),
    ).raise_for_status()
    client.get("/v1/notifications", headers=bearer(home_cred)).raise_for_status()
    return hub_app


def verify(app: FastAPI) -> audit.Verification:
    with Session(app.state.hub.engine) as session:
        return audit.verify(session)


def execute(app: FastAPI, sql: str) -> None:
    """As an attacker who owns the database: the append-only triggers are dropped first."""
    with app.state.hub.engine.begin() as conn:
        unprotect(conn)
        conn.execute(text(sql))


def test_the_log_records_the_whole_story_and_verifies(busy_hub: FastAPI) -> None:
    with Session(busy_hub.state.hub.engine) as session:
        actions = [e.action for e in audit.entries(session, limit=1000)]
    for expected in ("records.ingest", "match.link", "notification.create", "notifications.read"):
        assert expected in actions
    assert verify(busy_hub).ok


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE auditleaf SET actor = 'E09000001' WHERE idx = 2",
        "UPDATE auditleaf SET leaf = replace(leaf, 'records', 'recordz') WHERE idx = "
        "(SELECT MIN(idx) FROM auditleaf WHERE leaf LIKE '%records%')",
        "DELETE FROM auditleaf WHERE idx = 1",
        "DELETE FROM auditleaf WHERE idx = (SELECT MAX(idx) FROM auditleaf)",
    ],
    ids=["edited-actor", "edited-detail", "deleted", "deleted-last"],
)
def test_tampering_in_the_database_is_detected(busy_hub: FastAPI, tamper: str) -> None:
    execute(busy_hub, tamper)
    assert not verify(busy_hub).ok


def test_audit_verify_command(busy_hub: FastAPI, capsys: pytest.CaptureFixture[str]) -> None:
    url = busy_hub.state.hub.settings.database_url
    assert main(["audit", "verify", "--database-url", url]) == 0
    assert "audit log verified" in capsys.readouterr().out
    execute(busy_hub, "UPDATE auditleaf SET subject = 'x' WHERE idx = 2")
    assert main(["audit", "verify", "--database-url", url]) == 1
    assert "FAILED VERIFICATION at entry 2" in capsys.readouterr().out


def test_a_refused_request_is_audited_as_a_refusal_and_nothing_else(
    busy_hub: FastAPI, client: TestClient
) -> None:
    cred = register_authority(busy_hub, "E09000002")
    before = verify(busy_hub).entries
    response = client.post(
        "/v1/notifications/ack", json={"ids": ["not-mine"]}, headers=bearer(cred)
    )
    assert response.status_code == 404
    with Session(busy_hub.state.hub.engine) as session:
        added = audit.entries(session, after=before - 1, limit=10)
    assert [(e.actor, e.action) for e in added] == [("E09000002", "refused.not_found")]
    invalid = client.post("/v1/events", json={"kind": "X"}, headers=bearer(cred))
    assert invalid.status_code == 422
    with Session(busy_hub.state.hub.engine) as session:
        last = audit.entries(session, after=before, limit=10)
    assert [(e.actor, e.action) for e in last] == [("E09000002", "refused.invalid_request")]
    assert verify(busy_hub).ok


def test_concurrent_appends_keep_one_consistent_tree(hub_app: FastAPI) -> None:
    """Several hub workers appending at once: the head lock serialises them."""
    import threading

    context = hub_app.state.hub

    def worker(name: str) -> None:
        for n in range(25):
            with context.transaction() as session:
                audit.append_at(
                    session, context.clock(), actor=name, action="test.append", detail={"n": n}
                )
                audit.append_at(
                    session,
                    context.clock(),
                    actor=name,
                    action="test.append",
                    detail={"n": n, "second": True},
                )

    threads = [threading.Thread(target=worker, args=(f"worker-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify(hub_app)
    assert result.ok, result.problem
    assert result.entries == 200


def test_notifications_past_their_retention_are_purged_and_the_purge_audited(
    busy_hub: FastAPI,
) -> None:
    from datetime import timedelta

    from sqlmodel import select

    from hub.delivery.retention import purge_expired

    context = busy_hub.state.hub
    with context.transaction() as session:
        notes = list(session.exec(select(Notification)))
        assert notes
        keep_until = max(n.retain_until for n in notes)
        assert purge_expired(session, context.services.audit, keep_until, context.clock()) == 0
    with context.transaction() as session:
        purged = purge_expired(
            session, context.services.audit, keep_until + timedelta(days=1), context.clock()
        )
    assert purged == len(notes)
    with Session(context.engine) as session:
        assert list(session.exec(select(Notification))) == []
        last = audit.entries(session, limit=10_000)[-1]
    assert last.action == "retention.purge"
    assert sorted(n.id for n in notes) == json.loads(last.leaf)["detail"]["notifications"]
    assert verify(busy_hub).ok


def test_verifying_a_missing_database_says_what_to_do(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "verify", "--database-url", f"sqlite:///{tmp_path}/absent.db"]) == 2
    assert "no hub database at" in capsys.readouterr().err


def _text_timestamps(app: FastAPI) -> str:
    """PostgreSQL refuses a garbage timestamp in a timestamp column: make it text first (as a
    careless restore or a hand edit might); SQLite stores whatever it is given."""
    if app.state.hub.engine.dialect.name == "postgresql":
        execute(app, "ALTER TABLE auditleaf ALTER COLUMN at TYPE text")
    return "UPDATE auditleaf SET at = 'last tuesday' WHERE idx = 2"


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (["UPDATE auditleaf SET leaf = 'not json {' WHERE idx = 3"], "at entry 3: not an audit"),
        ([_text_timestamps], "at entry 2: the indexed columns disagree"),
        (["INSERT INTO treehead (id, size) VALUES (2, 0)"], "tree head does not record"),
        (["DELETE FROM treehead"], "tree head does not record"),
        (
            ["UPDATE merklenode SET hash = 'zz' WHERE level = 0 AND idx = 1"],
            "at entry 1: the stored",
        ),
        (
            [
                "UPDATE merklenode SET hash = "
                "(SELECT hash FROM merklenode WHERE level = 0 AND idx = 0) "
                "WHERE level = (SELECT MAX(level) FROM merklenode)"
            ],
            "stored subtree hashes do not give",
        ),
        (["DROP TABLE auditleaf"], "no auditleaf table"),
    ],
    ids=[
        "leaf-not-json",
        "garbage-timestamp",
        "two-heads",
        "no-head",
        "bad-node",
        "bad-subtree",
        "no-table",
    ],
)
def test_audit_verify_reports_a_malformed_log_without_crashing(
    busy_hub: FastAPI,
    capsys: pytest.CaptureFixture[str],
    damage: list[object],
    expected: str,
) -> None:
    for step in damage:
        execute(busy_hub, step(busy_hub) if callable(step) else str(step))
    url = busy_hub.state.hub.settings.database_url
    capsys.readouterr()
    assert main(["audit", "verify", "--database-url", url]) == 1
    out = capsys.readouterr().out
    assert out.startswith("AUDIT LOG FAILED VERIFICATION"), out
    assert expected in out
