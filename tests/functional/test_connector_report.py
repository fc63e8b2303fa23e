"""Urgent reports and the inbox through the connector commands, against the real hub."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.errors import ConfigError
from homeward.commands import connector_cmd
from keys import SharedKeyring, write_shared_keyring
from tests.functional.conftest import register_authority
from tests.functional.test_connector_sync import HOME, REPORTER, sync, write_council


@pytest.fixture
def configs(tmp_path: Path, hub_app: FastAPI) -> dict[str, Path]:
    keyring_file = tmp_path / "shared.key"
    write_shared_keyring(keyring_file, SharedKeyring.generate())
    return {
        code: write_council(
            tmp_path, code, keyring_file, register_authority(hub_app, code), children
        )
        for code, children in ((HOME, 10), (REPORTER, 0))
    }


def report(config: Path, client: TestClient, **options: object) -> int:
    return connector_cmd.report_command(
        connector_cmd.arguments("report", config, **options), client
    )


def inbox(config: Path, client: TestClient, **options: object) -> int:
    args = connector_cmd.arguments("inbox", config, **{"json": True, **options})
    return connector_cmd.inbox_command(args, client)


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_child_found_elsewhere_reaches_the_home_inbox_and_is_closed_later(
    client: TestClient, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sync(configs[HOME], client)
    found_at = datetime(2026, 11, 25, 2, 10, tzinfo=UTC)
    # The reporter knows the child only as police recorded them: upper case, spaced NHS number.
    assert (
        report(
            configs[REPORTER],
            client,
            event_id="MP-1",
            at=found_at,
            forename="CHILDBIA",
            surname="SURNAME251",
            dob=date(2011, 3, 11),
            nhs_number="943 476 5870",
        )
        == 0
    )
    capsys.readouterr()

    assert inbox(configs[HOME], client) == 0
    [note] = json_lines(capsys.readouterr().out)
    assert note["event"] == "missing"
    assert note["your_reference"] == "025001"  # Birmingham's own child id, unsealed locally
    assert note["fields"]["reporting_authority"] == REPORTER  # type: ignore[index]

    assert inbox(configs[HOME], client) == 0  # acknowledged: not shown again
    assert json_lines(capsys.readouterr().out) == []

    assert inbox(configs[REPORTER], client) == 0
    [told] = json_lines(capsys.readouterr().out)
    assert told["your_reference"] == "MP-1"
    assert told["fields"]["responsible_authority"] == HOME  # type: ignore[index]

    assert (
        report(
            configs[REPORTER],
            client,
            event_id="MP-1",
            found=True,
            at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        )
        == 0
    )
    capsys.readouterr()
    inbox(configs[HOME], client)
    [found] = json_lines(capsys.readouterr().out)
    assert found["event"] == "found"
    assert found["fields"]["ended_at"] == "2026-11-25T09:00:00+00:00"  # type: ignore[index]


def test_reporting_a_child_by_id_from_the_identity_extract(
    client: TestClient, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The home council reports its own child: the area council hears, nobody else."""
    sync(configs[HOME], client)
    assert (
        report(configs[HOME], client, child="025002", at=datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
        == 0
    )
    capsys.readouterr()
    inbox(configs[HOME], client)
    assert json_lines(capsys.readouterr().out) == []


def test_a_report_needs_a_description_of_the_child(
    client: TestClient, configs: dict[str, Path]
) -> None:
    with pytest.raises(ConfigError, match="describe the child"):
        report(configs[REPORTER], client, forename="Only")
    with pytest.raises(ConfigError, match="--found needs the --event-id"):
        report(configs[REPORTER], client, found=True, event_id="never-reported")
