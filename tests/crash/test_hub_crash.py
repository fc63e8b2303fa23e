"""The hub killed (SIGKILL) at random points while a council syncs and another reports: the
database is never half-written, no report or notification is lost or doubled, the audit log
still verifies, and re-running the same commands converges on the same state as a clean run.

The hub runs as its own process (`homeward hub serve`) on a SQLite file; the connectors are the
real ones, over HTTP, with no retries of their own (every failure is left to the re-run).
"""

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlmodel import Session

from connectors.app import Connector, Person
from connectors.config import load_config
from connectors.errors import ConnectorError
from homeward.cli import main
from hub import audit
from hub.db.engine import make_engine
from keys import SharedKeyring, write_shared_keyring
from policies import load_policies
from tests.conftest import REPO
from tests.functional.test_connector_cli import point_at
from tests.functional.test_connector_sync import HOME, REPORTER, write_council

SHIPPED_POLICIES = REPO / "policies"

TRIALS = int(os.environ.get("HOMEWARD_CRASH_TRIALS", "20"))
CHILDREN = 24  # the home council's children; batch size 3: eight uploads per sync
SEED = 20261201


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServedHub:
    """`homeward hub serve` in its own process, started and killed at will."""

    def __init__(self, root: Path) -> None:
        self.url = f"sqlite:///{root / 'hub.db'}"
        self.args = ["--database-url", self.url, "--key-file", str(root / "hub.key")]
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        assert main(["hub", "init", *self.args]) == 0

    def register(self, code: str, out: Path) -> str:
        argv = ["hub", "authority", "add", code, "--name", code, "--contact", f"Duty {code}"]
        assert main([*argv, "--credential-out", str(out), *self.args]) == 0
        for policy in load_policies(SHIPPED_POLICIES).policies:
            sign = ["hub", "policy", "sign", policy.id, code, "--hash", policy.content_hash]
            who = ["--signed-by", "Test DPO", "--agreement", f"DSA-{code}"]
            assert main([*sign, *who, *self.args]) == 0
        return out.read_text(encoding="utf-8").strip()

    def start(self) -> None:
        command = [sys.executable, "-m", "homeward", "hub", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", *self.args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(400):
            try:
                if httpx.get(f"{self.base}/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the hub did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def kill_after(self, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, self.kill)
        timer.start()
        return timer


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[ServedHub]:
    served = ServedHub(tmp_path / "hub")
    yield served
    served.kill()


@pytest.fixture
def councils(tmp_path: Path, hub: ServedHub) -> dict[str, Path]:
    keyring = tmp_path / "shared.key"
    write_shared_keyring(keyring, SharedKeyring.generate())
    configs = {}
    for code, children in ((HOME, CHILDREN), (REPORTER, 0)):
        credential = hub.register(code, tmp_path / f"{code}.credential")
        config = write_council(tmp_path / "councils", code, keyring, credential, children)
        configs[code] = point_at(config, hub.base)
    return configs


def person(n: int) -> Person:
    """The home council's child ``n``, as the reporting council describes them."""
    return Person(
        forename=f"Child{chr(65 + n)}ia",
        surname=f"Surname{HOME[-2:]}{n}",
        dob=date(2011, 3, 10 + n % 10),
    )


def connector(config: Path, http: httpx.Client) -> Connector:
    return Connector.from_config(load_config(config), http, sleep=lambda _s: None)


def attempt(step: Callable[[], object]) -> bool:
    """Run a step the hub may die under; True when it died under it (the step failed, or a
    report stayed queued)."""
    try:
        result = step()
    except ConnectorError:
        return True
    return getattr(result, "receipt", True) is None


def crash_during(
    hub: ServedHub,
    councils: dict[str, Path],
    http: httpx.Client,
    rng: random.Random,
    child: int,
    reported: list[int],
    found: set[int],
) -> int:
    """A full sync, a report and maybe a "found", with the hub killed at a random moment;
    returns how many of them it interrupted."""
    home, reporter = connector(councils[HOME], http), connector(councils[REPORTER], http)
    timer = hub.kill_after(rng.uniform(0.0, 0.4))
    interrupted = attempt(lambda: home.sync(home.plan(full=True)))
    interrupted += attempt(lambda: reporter.report(event_id=f"MP-{child}", person=person(child)))
    if reported and rng.random() < 0.5:
        earlier = rng.choice(reported)
        interrupted += attempt(lambda: reporter.report_found(f"MP-{earlier}"))
        found.add(earlier)
    timer.join()
    hub.kill()
    return interrupted


def converge(hub: ServedHub, councils: dict[str, Path], http: httpx.Client) -> None:
    """What an operator does after a crash: start the hub, run the same commands again; then
    wait until the hub's worker has done all the work it owes."""
    hub.start()
    connector(councils[HOME], http).sync()
    assert connector(councils[REPORTER], http).flush().stopped_by is None
    for _ in range(600):
        if not pending_work(hub):
            return
        time.sleep(0.05)
    raise AssertionError("the hub's worker did not finish its outbox")


def pending_work(hub: ServedHub) -> int:
    with sqlite3.connect(hub.url.removeprefix("sqlite:///")) as conn:
        row = conn.execute("SELECT count(*) FROM outboxitem WHERE state = 'pending'").fetchone()
    return int(row[0])


def hub_state(hub: ServedHub) -> tuple[int, int, list[tuple[str, str, str]], bool]:
    """Children, episodes, every notification (recipient, case, event), and the audit check."""
    database = hub.url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        children = conn.execute("SELECT count(*) FROM child").fetchone()[0]
        episodes = conn.execute("SELECT count(*) FROM episode").fetchone()[0]
        notes = conn.execute(
            "SELECT recipient, case_reference, event FROM notification ORDER BY 1, 2, 3"
        ).fetchall()
    engine = make_engine(hub.url)
    with Session(engine) as session:
        verified = audit.verify(session).ok
    engine.dispose()
    return children, episodes, [tuple(n) for n in notes], verified


def test_killing_the_hub_at_random_points_loses_and_doubles_nothing(
    hub: ServedHub, councils: dict[str, Path]
) -> None:
    rng = random.Random(SEED)  # reproducible kill points, not secret
    reported: list[int] = []
    found: set[int] = set()
    interrupted = 0
    with httpx.Client(base_url=hub.base, timeout=10) as http:
        hub.start()
        for trial in range(TRIALS):
            child = trial % CHILDREN
            interrupted += crash_during(hub, councils, http, rng, child, reported, found)
            reported.append(child)
            converge(hub, councils, http)
            children, episodes, notes, verified = hub_state(hub)
            assert verified, f"trial {trial}: the audit log does not verify"
            assert children == CHILDREN, f"trial {trial}"
            assert episodes == len(set(reported)), f"trial {trial}"
            assert len(notes) == len(set(notes)), f"trial {trial}: a notification doubled"
            missing = {
                case for recipient, case, event in notes if recipient == HOME and event == "missing"
            }
            assert len(missing) == len(set(reported)), f"trial {trial}: a notification was lost"
            closed = [n for n in notes if n[0] == HOME and n[2] == "found"]
            assert len(closed) == len(found), f"trial {trial}: a found report was lost"
        hub.kill()
    assert interrupted >= TRIALS // 2, "the kills must land while work is under way"
