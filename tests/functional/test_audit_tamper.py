"""Attacks on the transparency log by someone who owns the hub's database, through the real
app, on SQLite and PostgreSQL: each is detected by an auditor who kept a checkpoint (``audit
verify --hub-url --state``) or by ``audit verify --deep``, naming the index or the row."""

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from homeward.cli import build_parser, main
from homeward.commands import audit_cmd
from hub.audit import merkle
from tests.functional import test_audit_log
from tests.functional.conftest import bearer, register_authority
from tests.functional.tamper import unprotect
from tests.unit.test_merkle import stored

AUDITOR = "E99999999"
busy_hub = test_audit_log.busy_hub  # the same busy hub: a report, a match, notifications


@pytest.fixture
def auditor(busy_hub: FastAPI, client: TestClient, tmp_path: Path) -> list[str]:
    """An auditor's `audit verify` arguments; the first run keeps a checkpoint in --state.
    The log then grows past 60 entries (inbox reads), and the hub signs a new checkpoint."""
    credential = tmp_path / "auditor.credential"
    credential.write_text(register_authority(busy_hub, AUDITOR, role="auditor"))
    args = ["audit", "verify", "--hub-url", "http://testserver", "--credential-file",
            str(credential), "--state", str(tmp_path / "state.json")]  # fmt: skip
    home = register_authority(busy_hub, "E09000007")
    for _ in range(60):
        client.get("/v1/notifications", headers=bearer(home)).raise_for_status()
    assert run(args, client) == 0
    return args


def run(args: list[str], client: TestClient) -> int:
    return audit_cmd.verify_command(build_parser().parse_args(args), client)


def attack(app: FastAPI, *sql: str) -> None:
    with app.state.hub.engine.begin() as conn:
        unprotect(conn)
        for statement in sql:
            conn.execute(text(statement))


def rewrite(app: FastAPI, index: int, old: str, new: str) -> None:
    """Edit one entry and recompute every subtree hash consistently, then forget the history
    of checkpoints: the hub will sign the rewritten log."""
    with app.state.hub.engine.begin() as conn:
        unprotect(conn)
        leaves = [str(r[0]) for r in conn.execute(text("SELECT leaf FROM auditleaf ORDER BY idx"))]
        leaves[index] = leaves[index].replace(old, new)
        conn.execute(
            text("UPDATE auditleaf SET leaf = :l, actor = :a WHERE idx = :i"),
            {"l": leaves[index], "a": json.loads(leaves[index])["actor"], "i": index},
        )
        _renode(conn, [leaf.encode() for leaf in leaves])
        conn.execute(text("DELETE FROM auditcheckpoint"))


def _renode(conn: Connection, leaves: list[bytes]) -> None:
    conn.execute(text("DELETE FROM merklenode"))
    for (level, i), h in stored(leaves).items():
        conn.execute(
            text("INSERT INTO merklenode (level, idx, hash) VALUES (:l, :i, :h)"),
            {"l": level, "i": i, "h": h.hex()},
        )


def fresh_checkpoint(client: TestClient, args: list[str]) -> int:
    credential = Path(args[args.index("--credential-file") + 1]).read_text()
    return client.post("/v1/audit/checkpoint", headers=bearer(credential)).status_code


def test_an_untouched_log_verifies_again_and_extends_the_kept_checkpoint(
    busy_hub: FastAPI,
    client: TestClient,
    auditor: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert fresh_checkpoint(client, auditor) == 200
    assert run(auditor, client) == 0
    assert "audit log verified" in capsys.readouterr().out


def test_truncating_the_last_50_entries_and_the_head_is_detected(
    busy_hub: FastAPI,
    client: TestClient,
    auditor: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = busy_hub.state.hub.settings.database_url
    attack(
        busy_hub,
        "DELETE FROM auditleaf WHERE idx >= (SELECT size FROM treehead) - 50",
        "UPDATE treehead SET size = size - 50",
    )
    assert main(["audit", "verify", "--database-url", url]) == 1  # the hub's checkpoints
    assert "checkpoint" in capsys.readouterr().out
    assert fresh_checkpoint(client, auditor) == 500  # the hub refuses to sign the fork
    attack(busy_hub, "DELETE FROM auditcheckpoint")  # the attacker hides the history too
    assert run(auditor, client) == 1
    assert "fewer than the" in capsys.readouterr().out


def test_deleting_everything_does_not_verify_as_an_empty_log(
    busy_hub: FastAPI,
    client: TestClient,
    auditor: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    attack(
        busy_hub,
        "DELETE FROM auditleaf", "DELETE FROM merklenode", "DELETE FROM auditcheckpoint",
        "UPDATE treehead SET size = 0",
    )  # fmt: skip
    url = busy_hub.state.hub.settings.database_url
    assert main(["audit", "verify", "--database-url", url, "--deep"]) == 1
    assert "authority E06000023: no entry records it" in capsys.readouterr().out
    assert run(auditor, client) == 1
    assert "truncated or rolled back" in capsys.readouterr().out


def test_a_consistent_rewrite_of_history_is_a_fork(
    busy_hub: FastAPI,
    client: TestClient,
    auditor: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    rewrite(busy_hub, 3, '"actor":"', '"actor":"X')
    url = busy_hub.state.hub.settings.database_url
    assert main(["audit", "verify", "--database-url", url]) == 0  # self-consistent...
    capsys.readouterr()
    assert run(auditor, client) == 1  # ...but not with what the auditor kept
    assert "history was rewritten" in capsys.readouterr().out


@pytest.mark.parametrize(
    "sql",
    [
        'UPDATE auditleaf SET leaf = replace(leaf, \'"actor":"\', \'"actor":"X\') WHERE idx = 5',
        "UPDATE auditleaf SET leaf = (SELECT leaf FROM auditleaf WHERE idx = 6) WHERE idx = 5",
        "DELETE FROM auditleaf WHERE idx = 5",
    ],
    ids=["edited", "reordered", "deleted"],
)
def test_an_edited_reordered_or_deleted_entry_is_named(
    busy_hub: FastAPI,
    client: TestClient,
    auditor: list[str],
    capsys: pytest.CaptureFixture[str],
    sql: str,
) -> None:
    attack(busy_hub, sql)
    capsys.readouterr()
    assert run(auditor, client) == 1
    assert "at entry 5" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("UPDATE notification SET payload = '{}'", "notification "),
        ("UPDATE notification SET policy_id = 'another'", "notification "),
        (
            "UPDATE notification SET recipient = 'E09000099' "
            "WHERE seq = (SELECT MIN(seq) FROM notification)",
            "notification ",
        ),
        (
            "UPDATE authority SET credential_digest = name WHERE code = 'E06000023'",
            "authority E06000023",
        ),
        ("UPDATE authority SET role = 'auditor' WHERE code = 'E06000023'", "authority E06000023"),
        ("UPDATE authority SET contact = 'x' WHERE code = 'E08000025'", "authority E08000025"),
    ],
    ids=["payload", "policy", "recipient", "credential-digest", "role", "contact"],
)
def test_deep_verification_names_an_edited_row(
    busy_hub: FastAPI,
    capsys: pytest.CaptureFixture[str],
    sql: str,
    named: str,
) -> None:
    url = busy_hub.state.hub.settings.database_url
    assert main(["audit", "verify", "--database-url", url, "--deep"]) == 0
    if "credential_digest" in sql and busy_hub.state.hub.engine.dialect.name == "postgresql":
        sql = sql.replace("= name", "= convert_to(name, 'UTF8')")
    attack(busy_hub, sql)
    capsys.readouterr()
    assert main(["audit", "verify", "--database-url", url, "--deep"]) == 1
    out = capsys.readouterr().out
    assert "TABLES DIFFER FROM THE LOG" in out and named in out, out


def test_the_database_refuses_to_edit_the_log(busy_hub: FastAPI) -> None:
    for sql in ("UPDATE auditleaf SET actor = 'x'", "DELETE FROM merklenode"):
        with pytest.raises(Exception, match="append-only"), busy_hub.state.hub.engine.begin() as c:
            c.execute(text(sql))


def test_a_case_trail_shows_who_read_and_acknowledged_its_notifications(
    busy_hub: FastAPI,
    client: TestClient,
) -> None:
    auditor = register_authority(busy_hub, AUDITOR, role="auditor")
    create = client.get(
        "/v1/audit", params={"action": "notification.create"}, headers=bearer(auditor)
    )
    case = create.json()["entries"][0]["subject"]
    trail = client.get("/v1/audit", params={"subject": case}, headers=bearer(auditor)).json()
    actions = [e["action"] for e in trail["entries"]]
    assert "match.link" in actions and "notifications.read" in actions
    leaf = client.get("/v1/audit/entries", params={"start": 0, "end": 1}, headers=bearer(auditor))
    assert json.loads(__import__("base64").b64decode(leaf.json()["entries"][0]["entry"]))["v"] == 1
    size = len(
        client.get(
            "/v1/audit/entries", params={"start": 0, "end": 1000}, headers=bearer(auditor)
        ).json()["entries"]
    )
    proof = client.get(
        "/v1/audit/proof/inclusion", params={"index": 0, "size": size}, headers=bearer(auditor)
    )
    assert len(proof.json()["hashes"]) == (size - 1).bit_length()
    assert merkle.HASH_SIZE == 32
