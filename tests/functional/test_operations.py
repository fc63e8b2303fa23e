"""Running the hub: readiness, liveness, metrics, request ids, settings that fail loudly, and
the CLI's one-line answers for a database that is not there."""

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from homeward.cli import main
from hub.api.problems import PROBLEM_MEDIA_TYPE
from hub.errors import ConfigurationError
from hub.settings import HubSettings, refuse_unknown_variables
from tests.functional.conftest import bearer, register_authority


def test_liveness_and_readiness_answer_when_the_database_is_current(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readiness_is_refused_when_the_schema_is_behind(hub_app: FastAPI) -> None:
    with hub_app.state.hub.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    with TestClient(hub_app) as client:
        answer = client.get("/readyz")
        assert client.get("/healthz").status_code == 200  # liveness never asks the database
    assert answer.status_code == 503
    assert answer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "hub migrate" in answer.json()["detail"]


def test_a_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    made = client.get("/healthz", headers={"X-Request-ID": "no spaces\tor tabs"})
    assert len(made.headers["x-request-id"]) == 32


def test_metrics_need_the_admin_scope(hub_app: FastAPI, client: TestClient) -> None:
    council = bearer(register_authority(hub_app, "E08000025"))
    operator = bearer(register_authority(hub_app, "E99999001", role="operator"))
    client.get("/healthz")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=council).status_code == 403
    answer = client.get("/metrics", headers=operator)
    assert answer.status_code == 200
    body = answer.text
    assert 'homeward_http_requests_total{method="GET",route="/healthz",status="200"}' in body
    assert "homeward_http_request_duration_seconds_bucket" in body
    assert 'homeward_outbox_items{state="pending"}' in body
    assert "homeward_notifications " in body
    assert "homeward_audit_log_entries " in body


def test_metrics_show_the_token_indexes_against_shared_buffers_on_postgres(
    hub_app: FastAPI, client: TestClient, database_url: str
) -> None:
    operator = bearer(register_authority(hub_app, "E99999001", role="operator"))
    body = client.get("/metrics", headers=operator).text
    if database_url.startswith("sqlite"):
        assert "homeward_match_token_index_bytes" not in body  # PostgreSQL's statistics only
        return
    with hub_app.state.hub.engine.connect() as conn:
        buffers = conn.execute(text("SELECT pg_size_bytes(current_setting('shared_buffers'))"))
        expected = float(buffers.scalar_one())
    gauges = {
        line.rpartition(" ")[0]: float(line.rpartition(" ")[2])
        for line in body.splitlines()
        if line.startswith(("homeward_match_token_index", "homeward_database_shared"))
    }
    assert gauges["homeward_database_shared_buffers_bytes"] == expected
    assert gauges['homeward_match_token_index_bytes{index="ix_matchtoken_digest"}'] > 0
    blocks = 'homeward_match_token_index_blocks{index="ix_matchtoken_digest",source="%s"}'
    assert all(blocks % source in gauges for source in ("read", "hit"))


def test_metrics_from_loopback_when_allowed(hub_settings: HubSettings) -> None:
    from hub.app import create_app

    app = create_app(hub_settings.model_copy(update={"metrics_allow_loopback": True}))
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        assert client.get("/metrics").status_code == 200
    with TestClient(app, client=("192.0.2.1", 50000)) as client:
        assert client.get("/metrics").status_code == 401
    app.state.hub.engine.dispose()


def test_a_mistyped_setting_names_the_nearest_valid_one() -> None:
    with pytest.raises(ConfigurationError, match="did you mean HOMEWARD_HUB_DATABASE_URL"):
        refuse_unknown_variables({"HOMEWARD_HUB_DATABSE_URL": "sqlite:///x.db"})
    with pytest.raises(ConfigurationError, match=r"HOMEWARD_HUB_ZZZ in the environment$"):
        refuse_unknown_variables({"HOMEWARD_HUB_ZZZ": "1"})
    refuse_unknown_variables({"HOMEWARD_HUB_LOG_FORMAT": "json", "HOMEWARD_OTHER": "1"})


def test_the_cli_refuses_a_mistyped_setting_before_writing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOMEWARD_HUB_KEYFILE", str(tmp_path / "hub.key"))
    assert main(["hub", "init"]) == 2
    assert "did you mean HOMEWARD_HUB_KEY_FILE?" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
@pytest.mark.parametrize("action", [["init"], ["migrate"], ["purge"], ["client", "list"]])
def test_a_missing_postgres_database_is_one_line_with_a_remedy(
    postgres_server_url: str,
    action: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = postgres_server_url.rsplit("/", 1)[0] + "/homeward_no_such_database"
    assert main(["hub", *action, "--database-url", missing]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    if action[0] in ("init", "migrate"):
        assert "'homeward_no_such_database' does not exist: create it" in err
    assert not (tmp_path / "homeward-hub").exists()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("homeward ")
