"""`homeward connector ...` as an operator runs it: what it prints and the exit code a scheduler
sees (README, "Exit codes"), against the real hub in-process or served on 127.0.0.1."""

import json
import socket
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.errors import ConfigError
from homeward.cli import build_parser, main
from homeward.commands import connector_cmd
from homeward.demo import serving
from tests.functional.test_connector_sync import HOME, REPORTER, UNSERVED_HUB_URL, write_councils


@pytest.fixture
def configs(tmp_path: Path, hub_app: FastAPI) -> dict[str, Path]:
    return write_councils(tmp_path, hub_app)


def run(client: TestClient, *argv: str) -> int:
    args = build_parser().parse_args(["connector", *argv])
    handler = {
        "sync": connector_cmd.sync_command,
        "report": connector_cmd.report_command,
        "inbox": connector_cmd.inbox_command,
        "dispose": connector_cmd.dispose_command,
        "interview": connector_cmd.interview_command,
    }[argv[0]]
    return handler(args, client)


def point_at(config: Path, hub_url: str) -> Path:
    text = config.read_text().replace(UNSERVED_HUB_URL, hub_url)
    config.write_text(text.replace("retries = 2", "retries = 0"))
    return config


def test_sync_prints_the_plan_then_the_result(
    client: TestClient, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(configs[HOME])
    assert run(client, "sync", "--config", home, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "E08000025: 10 children in care" in out and "to send: 10 children" in out
    assert out.endswith("dry run: nothing sent\n")
    assert run(client, "sync", "--config", home) == 0
    captured = capsys.readouterr()
    assert captured.out.endswith("sync complete: 10 records sent\n")
    assert "sent 10/10" in captured.err  # progress


def test_sync_with_rejected_rows_exits_1_and_names_them(
    client: TestClient, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    identities = configs[HOME].parent / "identities.csv"
    identities.write_text(identities.read_text().replace("11/03/2011", "31/02/2011"))
    assert run(client, "sync", "--config", str(configs[HOME]), "--quiet") == 1
    assert f"rejected: {identities}:3: column dob" in capsys.readouterr().err


def test_report_then_inbox(
    client: TestClient, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home, reporter = str(configs[HOME]), str(configs[REPORTER])
    run(client, "sync", "--config", home, "--quiet")
    report = ["report", "--config", reporter, "--event-id", "MP-1", "--at", "2026-11-25T02:10Z"]
    person = ["--forename", "ChildBia", "--surname", "Surname251", "--dob", "2011-03-11"]
    assert run(client, *report, *person) == 0
    assert "reported event MP-1 (missing) to the hub; accepted 1" in capsys.readouterr().out
    assert run(client, "inbox", "--config", home, "--json") == 0
    captured = capsys.readouterr()
    [note] = [json.loads(line) for line in captured.out.splitlines()]
    assert (note["event"], note["your_reference"]) == ("missing", "025001")
    assert "your_reference" not in note["fields"]
    assert captured.err == "acknowledged 1\n"
    assert run(client, "inbox", "--config", home) == 0
    assert capsys.readouterr().out == "inbox empty\n"
    assert run(client, "inbox", "--config", home, "--all", "--no-ack") == 0
    assert "    your reference: 025001\n" in capsys.readouterr().out


def test_dispose_then_inbox_shows_the_verdict_and_interview_by_event_id(
    client: TestClient, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    home, reporter = str(configs[HOME]), str(configs[REPORTER])
    run(client, "sync", "--config", home, "--quiet")
    report = ["report", "--config", reporter, "--event-id", "MP-2", "--at", "2026-11-25T02:10Z"]
    person = ["--forename", "ChildBia", "--surname", "Surname251", "--dob", "2011-03-11"]
    assert run(client, *report, *person) == 0
    capsys.readouterr()
    assert run(client, "inbox", "--config", home, "--json", "--no-ack") == 0
    [note] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert run(client, "dispose", "--config", home, note["id"], "--as", "duplicate") == 0
    assert capsys.readouterr().out == f"{note['id']}: duplicate\n"
    assert run(client, "inbox", "--config", home, "--all", "--no-ack") == 0
    assert "    your verdict: duplicate\n" in capsys.readouterr().out
    found = ["report", "--config", reporter, "--event-id", "MP-2", "--found"]
    assert run(client, *found, "--at", "2026-11-25T05:00Z") == 0
    capsys.readouterr()
    interview = ["interview", "--config", reporter, "MP-2", "--at", "2026-11-26T10:00Z"]
    assert run(client, *interview) == 0
    assert "return interview recorded for MP-2 at 2026-11-26" in capsys.readouterr().out


def test_found_needs_an_event_id(client: TestClient, configs: dict[str, Path]) -> None:
    with pytest.raises(ConfigError, match="--found needs the --event-id"):
        run(client, "report", "--config", str(configs[REPORTER]), "--found")


def test_an_unreachable_hub_exits_4(
    configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port on 127.0.0.1 that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = point_at(configs[HOME], f"http://127.0.0.1:{port}")
    assert main(["connector", "sync", "--config", str(config), "--quiet"]) == 4
    assert "error [hub_unavailable]" in capsys.readouterr().err


def test_a_refused_credential_exits_5(
    hub_app: FastAPI, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (configs[HOME].parent / "credential.txt").write_text("not-the-issued-credential")
    with serving(hub_app) as hub_url:
        config = point_at(configs[HOME], hub_url)
        assert main(["connector", "inbox", "--config", str(config)]) == 5
    assert "error [credential_refused]" in capsys.readouterr().err
