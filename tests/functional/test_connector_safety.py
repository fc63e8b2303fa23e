"""Nothing the connector is told is lost: urgent reports survive an unreachable hub (outbox) and
a killed process, a report made during a sync is kept, and the state file is bound to its hub
and its keyring. The real connector against the real hub, in-process or served on 127.0.0.1."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.app import Person
from connectors.errors import KeyringMismatch
from connectors.outbox import Outbox, outbox_file
from connectors.state import load_state, save_state
from homeward.cli import main
from homeward.demo import serving
from hub.app import create_app
from hub.db.migrate import upgrade_database
from hub.settings import HubSettings
from keys import (
    new_secret,
    read_shared_keyring,
    update_shared_keyring,
    write_hub_key,
    write_shared_keyring,
)
from tests.functional.conftest import bearer, register_authority
from tests.functional.test_connector_cli import point_at, run
from tests.functional.test_connector_sync import HOME, REPORTER, connector, write_councils

AT = datetime(2026, 11, 25, 2, 10, tzinfo=UTC)
CHILD = ["--forename", "ChildBia", "--surname", "Surname251", "--dob", "2011-03-11"]
PERSON = Person(forename="ChildBia", surname="Surname251", dob=date(2011, 3, 11))


@pytest.fixture
def configs(tmp_path: Path, hub_app: FastAPI) -> dict[str, Path]:
    return write_councils(tmp_path, hub_app)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that takes connections but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def unreachable() -> str:
    with socket.socket() as sock:  # nobody listens once it is closed
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def hub_at(config: Path, hub_url: str) -> Path:
    """Point ``config`` at ``hub_url`` (after ``point_at`` pointed it elsewhere)."""
    config.write_text(re.sub(r'hub_url = ".*"', f'hub_url = "{hub_url}"', config.read_text()))
    return config


def events_at(config: Path, client: TestClient) -> list[str]:
    home = connector(config, client)
    items = home.inbox()
    home.acknowledge(items)
    return [str(i.notification.event) for i in items]


def report(config: Path, *argv: str) -> int:
    return main(["connector", "report", "--config", str(config), "--event-id", "MP-1", *argv])


def test_a_report_the_hub_cannot_take_is_queued_then_sent_in_order(
    hub_app: FastAPI,
    client: TestClient,
    configs: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    connector(configs[HOME], client).sync()
    reporter = point_at(configs[REPORTER], unreachable())
    assert report(reporter, "--at", "2026-11-25T02:10Z", *CHILD) == 6
    out, err = capsys.readouterr()
    assert out.startswith("QUEUED event MP-1 (missing): the hub did not take it now")
    assert "error [hub_unavailable]" in err
    assert report(reporter, "--found", "--at", "2026-11-25T09:00Z") == 6
    assert "QUEUED event MP-1 (found)" in capsys.readouterr().out
    outbox = outbox_file(reporter.parent / "state.json")
    assert oct(outbox.stat().st_mode & 0o777) == "0o600"
    assert events_at(configs[HOME], client) == []
    with serving(hub_app) as hub_url:
        hub_at(reporter, hub_url)
        assert main(["connector", "flush", "--config", str(reporter)]) == 0
    out = capsys.readouterr().out
    assert "sent queued event MP-1 (missing): accepted\nsent queued event MP-1 (found)" in out
    assert out.endswith("outbox empty: every queued report reached the hub\n")
    assert events_at(configs[HOME], client) == ["missing", "found"]
    assert json.loads(outbox.read_text())["queued"] == []


def test_sending_a_report_again_is_safe(client: TestClient, configs: dict[str, Path]) -> None:
    """A process killed after the hub accepted a report but before it left the outbox sends it
    again: the hub keeps one episode and notifies once."""
    connector(configs[HOME], client).sync()
    reporter = connector(configs[REPORTER], client)
    sent = reporter.report(event_id="MP-1", at=AT, person=PERSON)
    assert not sent.queued
    outbox = Outbox(reporter.config.state_file, reporter.keys.council)
    outbox.add(sent.outbox.sent[0].report)
    assert [s.report.what for s in reporter.flush().sent] == ["missing"]
    assert events_at(configs[HOME], client) == ["missing"]


def test_a_report_made_during_a_sync_is_kept_and_can_be_closed(
    hub_app: FastAPI, configs: dict[str, Path]
) -> None:
    """The sync pauses after its first batch while a report runs in another thread: both write
    the state file, neither loses what the other wrote."""
    home_config = configs[HOME]
    reported: list[str] = []

    def report_now() -> None:
        with httpx.Client(base_url=hub_url) as http:
            reported.append(connector(home_config, http).report(child="025002", at=AT).event_id)

    def progress(sent: int, total: int) -> None:
        if sent == 3:  # first batch of 3 acknowledged, 7 records to go
            other = threading.Thread(target=report_now)
            other.start()
            other.join()

    with serving(hub_app) as hub_url, httpx.Client(base_url=hub_url) as http:
        result = connector(home_config, http).sync(progress=progress)
        assert result.sent == 10 and len(reported) == 1
        state = load_state(home_config.parent / "state.json")
        assert list(state.events) == reported and len(state.children) == 10
        closed = connector(home_config, http).report_found(reported[0], at=AT)
    assert closed.what == "found" and not closed.queued


def test_state_and_outbox_hold_no_match_key_in_clear(
    client: TestClient, configs: dict[str, Path]
) -> None:
    connector(configs[HOME], client).sync()
    reporter = connector(configs[REPORTER], client)
    result = reporter.report(event_id="MP-1", at=AT, person=PERSON)
    tokens = [k.token for k in result.episode.match_keys]
    state_file = reporter.config.state_file
    for kept in (state_file, outbox_file(state_file)):
        assert oct(kept.stat().st_mode & 0o777) == "0o600"
        assert not any(token in kept.read_text() for token in tokens)


def second_hub(tmp_path: Path) -> FastAPI:
    database = f"sqlite:///{tmp_path / 'second-hub.db'}"
    upgrade_database(database)
    write_hub_key(tmp_path / "second-hub.key", new_secret())
    return create_app(HubSettings(database_url=database, key_file=tmp_path / "second-hub.key"))


def test_the_hub_has_a_stable_id_for_callers_with_a_credential(
    hub_app: FastAPI, client: TestClient, configs: dict[str, Path], tmp_path: Path
) -> None:
    credential = (configs[HOME].parent / "credential.txt").read_text()
    assert client.get("/v1/hub").status_code == 401
    first = client.get("/v1/hub", headers=bearer(credential)).json()["hub_id"]
    assert client.get("/v1/hub", headers=bearer(credential)).json()["hub_id"] == first
    other = second_hub(tmp_path)
    with TestClient(other) as other_client:
        issued = register_authority(other, HOME)
        assert other_client.get("/v1/hub", headers=bearer(issued)).json()["hub_id"] != first
    other.state.hub.engine.dispose()


def test_a_new_hub_gets_a_full_sync(
    client: TestClient, configs: dict[str, Path], tmp_path: Path
) -> None:
    assert connector(configs[HOME], client).sync().sent == 10
    assert connector(configs[HOME], client).sync().sent == 0
    other = second_hub(tmp_path)
    (configs[HOME].parent / "credential.txt").write_text(register_authority(other, HOME))
    with TestClient(other) as other_client:
        home = connector(configs[HOME], other_client)
        planned = home.plan()
        assert (
            planned.full_reason is not None
            and "not the one last synced with" in planned.full_reason
        )
        assert home.sync(planned).sent == 10
        assert connector(configs[HOME], other_client).sync().sent == 0  # bound to it now
    other.state.hub.engine.dispose()


def test_a_hub_holding_fewer_children_than_were_sent_gets_a_full_sync(
    client: TestClient, configs: dict[str, Path]
) -> None:
    assert connector(configs[HOME], client).sync().sent == 10
    state_file = configs[HOME].parent / "state.json"
    state = load_state(state_file)
    state.children["0123456789abcdef"] = "digest of a child the hub lost"
    save_state(state_file, state)
    planned = connector(configs[HOME], client).plan()
    assert planned.full_reason is not None and "restored from a backup" in planned.full_reason
    assert len(planned.plan.children) == 10 and planned.plan.removed_children == [
        "0123456789abcdef"
    ]


def test_sync_full_sends_everything_again(
    client: TestClient, configs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(client, "sync", "--config", str(configs[HOME]), "--quiet") == 0
    assert run(client, "sync", "--config", str(configs[HOME]), "--quiet", "--full") == 0
    out = capsys.readouterr().out
    assert "full sync: full sync requested (--full)" in out
    assert out.endswith("sync complete: 10 records sent\n")


def test_a_rotated_keyring_is_accepted_but_a_replaced_one_is_refused(
    client: TestClient, configs: dict[str, Path]
) -> None:
    assert connector(configs[HOME], client).sync().sent == 10
    keyring_file = configs[HOME].parent.parent / "shared.key"
    update_shared_keyring(keyring_file, lambda k: k.with_epoch(2, new_secret()))
    connector(configs[HOME], client).sync()  # epoch 1 unchanged, epoch 2 new: fine
    rotated = read_shared_keyring(keyring_file)
    replaced = type(rotated)({1: rotated.secret(1), 2: new_secret()})
    write_shared_keyring(keyring_file, replaced, replace=True)
    with pytest.raises(KeyringMismatch, match="key epoch 2"):
        connector(configs[HOME], client).report(child="025002", at=AT)


def test_a_killed_report_leaves_whole_files_and_its_report_queued(
    hub_app: FastAPI,
    client: TestClient,
    configs: dict[str, Path],
    silent_port: int,
) -> None:
    """SIGKILL a `homeward connector report` waiting on a hub that never answers: the outbox
    and state file are whole, and the next flush delivers the report."""
    connector(configs[HOME], client).sync()
    reporter = point_at(configs[REPORTER], f"http://127.0.0.1:{silent_port}")
    argv = ["connector", "report", "--config", str(reporter), "--event-id", "MP-9", *CHILD]
    process = subprocess.Popen(
        [sys.executable, "-m", "homeward", *argv, "--at", "2026-11-25T02:10Z"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    outbox = outbox_file(reporter.parent / "state.json")
    deadline = time.monotonic() + 120  # a bound on waiting, not an assertion about speed
    while not (reporter.parent / "state.json").exists() and process.poll() is None:
        assert time.monotonic() < deadline, "the report never queued"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    [queued] = Outbox(
        reporter.parent / "state.json", connector(reporter, client).keys.council
    ).queued()
    assert queued.event_id == "MP-9" and "MP-9" in load_state(reporter.parent / "state.json").events
    assert json.loads(outbox.read_text())["queued"]  # whole JSON, not half a file
    with serving(hub_app) as hub_url:
        hub_at(reporter, hub_url)
        assert main(["connector", "flush", "--config", str(reporter)]) == 0
    assert events_at(configs[HOME], client) == ["missing"]
