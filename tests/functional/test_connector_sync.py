"""The real connector talking to the real hub in-process: sync, changes only, removals,
the mass-removal guard, dry runs and idempotent retries."""

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.app import Connector, SyncResult
from connectors.config import load_config
from connectors.errors import MassRemovalRefused
from connectors.state import load_state
from keys import SharedKeyring, new_secret, write_council_key, write_shared_keyring
from tests.functional.conftest import register_authority

HOME, REPORTER = "E08000025", "E06000023"
# The hub_url written in test configs: tests pass the hub in-process, or point_at a served one.
UNSERVED_HUB_URL = "http://localhost:8700"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN\n"
)
IDENTITY = "child_id,nhs_number,upn,forename,surname,dob,sex,postcode,placement_authority\n"
NHS = [
    "9434765919",
    "9434765870",
    "9434765889",
    "4010232137",
    "9876543210",
    "4505577104",
    "",  # children 6-9 have no NHS number
    "",
    "",
    "",
]


def write_council(
    root: Path, code: str, keyring_file: Path, credential: str, children: int
) -> Path:
    folder = root / code
    (folder / "903").mkdir(parents=True)
    header, episodes, identities = [HEADER], [EPISODES], [IDENTITY]
    for n in range(children):
        child = f"{code[-3:]}{n:03d}"
        header.append(f"{child},2,1{n % 10}/03/2011,WBRI,,,\n")
        episodes.append(f"{child},05/01/2026,S,C2,N1,K2,PR4,,,,B1 1AA,M1 1AA,SC123456\n")
        identities.append(
            f"{child},{NHS[n % len(NHS)] if n < len(NHS) else ''},,"
            f"Child{chr(65 + n)}ia,Surname{code[-2:]}{n},1{n % 10}/03/2011,F,"
            f"B1 1AA,E08000003\n"
        )
    (folder / "903" / "header.csv").write_text("".join(header))
    (folder / "903" / "episodes.csv").write_text("".join(episodes))
    (folder / "903" / "missing.csv").write_text("CHILD,DOB,MISSING,MIS_START,MIS_END\n")
    (folder / "identities.csv").write_text("".join(identities))
    write_council_key(folder / "council.key", new_secret(), code)
    (folder / "credential.txt").write_text(credential)
    config = folder / "connector.toml"
    config.write_text(
        f'authority = "{code}"\nhub_url = "{UNSERVED_HUB_URL}"\n'
        f'credential_file = "credential.txt"\nshared_keyring = "{keyring_file}"\n'
        'council_key = "council.key"\nstate_file = "state.json"\n'
        '[sources]\nssda903 = "903/"\nidentities = "identities.csv"\n'
        "[sync]\nbatch_size = 3\nretries = 2\n"
    )
    return config


def write_councils(root: Path, hub_app: FastAPI) -> dict[str, Path]:
    """A home council with 10 children in care and a reporting council with none, registered
    at the hub and sharing one keyring: their connector config files."""
    keyring_file = root / "shared.key"
    write_shared_keyring(keyring_file, SharedKeyring.generate())
    return {
        code: write_council(root, code, keyring_file, register_authority(hub_app, code), children)
        for code, children in ((HOME, 10), (REPORTER, 0))
    }


@pytest.fixture
def home_config(tmp_path: Path, hub_app: FastAPI) -> Path:
    return write_councils(tmp_path, hub_app)[HOME]


def connector(config: Path, http: httpx.Client, sleeps: list[float] | None = None) -> Connector:
    """The council's connector over ``http``; its retries wait no wall-clock time (the waits
    it would have made are appended to ``sleeps``)."""
    waits: list[float] = [] if sleeps is None else sleeps
    return Connector.from_config(load_config(config), http, sleep=waits.append)


def sync(config: Path, http: httpx.Client, **flags: bool) -> SyncResult:
    return connector(config, http).sync(**flags)


def summary(client: TestClient, config: Path) -> dict[str, int]:
    credential = (config.parent / "credential.txt").read_text()
    result: dict[str, int] = client.get(
        "/v1/records/summary", headers={"Authorization": f"Bearer {credential}"}
    ).json()
    return result


def test_first_sync_sends_everything_then_only_changes(
    client: TestClient, home_config: Path
) -> None:
    assert sync(home_config, client).sent == 10
    assert summary(client, home_config)["children"] == 10
    sent: list[int] = []
    counting = httpx.Client(transport=_Counting(client, sent), base_url="http://testserver")
    assert sync(home_config, counting).planned.plan.unchanged == 10
    assert sent == []  # nothing changed, nothing sent
    identities = home_config.parent / "identities.csv"
    identities.write_text(identities.read_text().replace("Surname253,", "Renamed,"))
    assert sync(home_config, counting).sent == 1
    assert sent == [1]


def test_children_who_left_care_are_removed(client: TestClient, home_config: Path) -> None:
    sync(home_config, client)
    episodes = home_config.parent / "903" / "episodes.csv"
    lines = episodes.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace(",,,,B1 1AA", ",20/11/2026,E4A,,B1 1AA")  # ceased care
    episodes.write_text("".join(lines))
    assert sync(home_config, client).planned.plan.removed_children != []
    assert summary(client, home_config)["children"] == 9


def test_a_truncated_extract_never_mass_deletes(client: TestClient, home_config: Path) -> None:
    sync(home_config, client)
    episodes = home_config.parent / "903" / "episodes.csv"
    episodes.write_text("".join(episodes.read_text().splitlines(keepends=True)[:4]))
    with pytest.raises(MassRemovalRefused, match="remove 7 of the 10"):
        sync(home_config, client)
    assert summary(client, home_config)["children"] == 10
    assert sync(home_config, client, allow_mass_removal=True).sent == 7
    assert summary(client, home_config)["children"] == 3


def test_dry_run_sends_nothing(client: TestClient, home_config: Path) -> None:
    result = sync(home_config, client, dry_run=True)
    assert (result.dry_run, result.sent, len(result.planned.plan.children)) == (True, 0, 10)
    assert summary(client, home_config)["children"] == 0
    assert not (home_config.parent / "state.json").exists()


def test_rejected_rows_are_reported_and_the_rest_sent(
    client: TestClient, home_config: Path
) -> None:
    identities = home_config.parent / "identities.csv"
    lines = identities.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace("11/03/2011", "31/02/2011")
    identities.write_text("".join(lines))
    result = sync(home_config, client)
    assert result.sent == 9  # completed, but rows were rejected: the bad one, and its episode
    assert [f"{p.file}:{p.line}:{p.column}" for p in result.planned.problems] == [
        f"{identities}:3:dob",
        f"{home_config.parent / '903' / 'episodes.csv'}:3:CHILD",
    ]
    assert summary(client, home_config)["children"] == 9


def test_a_retried_batch_is_applied_once(
    client: TestClient, home_config: Path, hub_app: FastAPI
) -> None:
    """The hub answers, but the answer is lost: the connector retries with the same key."""
    flaky = httpx.Client(transport=_LoseFirstAnswer(client), base_url="http://testserver")
    sleeps: list[float] = []
    assert connector(home_config, flaky, sleeps).sync().sent == 10
    assert sleeps == [0.5]  # the first step of the backoff schedule, never slept for real
    assert summary(client, home_config)["children"] == 10
    from sqlmodel import Session, select

    from hub.audit.models import AuditLeaf

    with Session(hub_app.state.hub.engine) as session:
        actions = [r.action for r in session.exec(select(AuditLeaf))]
    assert actions.count("records.replay") == 1


class _Counting(httpx.BaseTransport):
    def __init__(self, client: TestClient, sent: list[int]) -> None:
        self.client, self.sent = client, sent

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/records":
            body = json.loads(request.content)
            self.sent.append(sum(len(v) for v in body.values()))
        response = self.client.request(
            request.method, request.url.path, content=request.content, headers=request.headers
        )
        return httpx.Response(
            response.status_code, content=response.content, headers=response.headers
        )


class _LoseFirstAnswer(httpx.BaseTransport):
    def __init__(self, client: TestClient) -> None:
        self.client, self.lost = client, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.client.request(
            request.method, request.url.path, content=request.content, headers=request.headers
        )
        if not self.lost and request.url.path == "/v1/records":
            self.lost = True
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(
            response.status_code, content=response.content, headers=response.headers
        )


def test_the_state_file_records_the_sync_at_the_connector_clock(
    client: TestClient, home_config: Path
) -> None:
    pinned = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
    council = Connector.from_config(load_config(home_config), client, clock=lambda: pinned)
    council.sync()
    assert load_state(home_config.parent / "state.json").last_sync == "2026-11-25T01:30:00+00:00"
