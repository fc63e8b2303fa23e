"""The hub started as docs/deploy.md says (`hub serve --workers 2 --proxy-headers` and a
separate `hub worker`, on PostgreSQL), with a real connector syncing and reporting over HTTP."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import FastAPI

from homeward.cli import main
from hub.settings import HubSettings
from tests.functional.test_connector_cli import point_at
from tests.functional.test_connector_sync import HOME, REPORTER, write_councils

HOMEWARD = str(Path(sys.executable).with_name("homeward"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def deployed(hub_settings: HubSettings, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "HOMEWARD_HUB_DATABASE_URL": hub_settings.database_url,
        "HOMEWARD_HUB_KEY_FILE": str(hub_settings.key_file),
        "HOMEWARD_HUB_WORKER": "external",
        "HOMEWARD_HUB_WORKER_POLL_SECONDS": "0.2",
        "HOMEWARD_HUB_LOG_FORMAT": "json",
    }
    serve = [HOMEWARD, "hub", "serve", "--port", str(port), "--workers", "2", "--proxy-headers"]
    logs = (tmp_path / "serve.log").open("w"), (tmp_path / "worker.log").open("w")
    started = [
        subprocess.Popen(serve, env=env, stderr=logs[0], cwd=tmp_path),
        subprocess.Popen([HOMEWARD, "hub", "worker"], env=env, stdout=logs[1], cwd=tmp_path),
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, started[0])
        yield url
    finally:
        for process in started:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        for log in logs:
            log.close()


def wait_until_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        assert process.poll() is None, "hub serve exited"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the hub never became ready")


def test_a_sync_and_a_report_through_the_deployed_hub(
    hub_app: FastAPI,
    deployed: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    configs = write_councils(tmp_path / "councils", hub_app)
    home, reporter = (str(point_at(configs[code], deployed)) for code in (HOME, REPORTER))
    assert main(["connector", "sync", "--config", home, "--quiet"]) == 0
    report = ["connector", "report", "--config", reporter, "--event-id", "MP-1"]
    person = ["--forename", "ChildBia", "--surname", "Surname251", "--dob", "2011-03-11"]
    assert main([*report, "--at", "2026-11-25T02:10Z", *person]) == 0
    capsys.readouterr()
    notes: list[dict[str, str]] = []
    for _ in range(300):  # the external worker links and shares the report
        assert main(["connector", "inbox", "--config", home, "--json"]) == 0
        notes += [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        if notes:
            break
        time.sleep(0.1)
    assert [(n["event"], n["your_reference"]) for n in notes] == [("missing", "025001")]
    answer = httpx.get(f"{deployed}/healthz", headers={"X-Forwarded-For": "192.0.2.7"})
    assert answer.headers["x-request-id"]
