"""The malformed-input corpus: a bad extract never removes a child at the hub.

Each case (tests/corpus/cases.py) syncs the good council in tests/corpus/good/ to the real hub
in-process, breaks one input file and runs `homeward connector sync` again. It asserts the exit
code, a located error (file, line, column), no traceback, nothing raw from the file on the
terminal, and that the hub still holds every record the first sync sent.
"""

import shutil
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from connectors.errors import ConnectorError
from homeward.cli import build_parser
from homeward.commands import connector_cmd
from hub.records.models import Child, Episode
from keys import SharedKeyring, new_secret, write_council_key, write_shared_keyring
from tests.corpus.cases import CORPUS, FILES, HOME, SPECIFIC, Case, file_cases, row_cases
from tests.functional.conftest import register_authority


def write_council(root: Path, credential: str) -> Path:
    shutil.copytree(CORPUS / "good", root, dirs_exist_ok=True)
    write_shared_keyring(root / "shared.key", SharedKeyring.generate())
    write_council_key(root / "council.key", new_secret(), HOME)
    (root / "credential.txt").write_text(credential)
    config = root / "connector.toml"
    config.write_text(
        f'authority = "{HOME}"\nhub_url = "http://localhost:8700"\n'
        'credential_file = "credential.txt"\n'
        'shared_keyring = "shared.key"\ncouncil_key = "council.key"\nstate_file = "state.json"\n'
        '[sources]\nssda903 = "903/"\nidentities = "identities.csv"\n'
        'postcode_lookup = "postcode_lookup.csv"\n[sync]\nretries = 0\n'
    )
    return config


def run_sync(client: TestClient, config: Path) -> int:
    """`homeward connector sync` as main() runs it: a ConnectorError is its exit code, and any
    other exception (a traceback, exit 70) fails the test."""
    args = build_parser().parse_args(["connector", "sync", "--config", str(config), "--quiet"])
    try:
        return connector_cmd.sync_command(args, client)
    except ConnectorError as exc:
        print(exc.diagnostics(), file=sys.stderr)
        return exc.exit_code


def held_at_hub(app: FastAPI) -> set[str]:
    with Session(app.state.hub.engine) as session:
        children = session.exec(select(Child.ref).where(Child.authority == HOME)).all()
        episodes = session.exec(select(Episode.ref).where(Episode.authority == HOME)).all()
    return {f"child:{r}" for r in children} | {f"episode:{r}" for r in episodes}


@pytest.fixture
def council(tmp_path: Path, hub_app: FastAPI) -> Path:
    return write_council(tmp_path / "council", register_authority(hub_app, HOME))


CASES = [*file_cases(), *row_cases(), *SPECIFIC]
ON_POSTGRES = {"Episodes-cut-mid-row", "Missing-header-only", "Episodes-CHILD-300-chars"}
RUNS = [pytest.param(c.values[0], "sqlite", id=f"{c.id}-sqlite") for c in CASES] + [
    pytest.param(c.values[0], "postgres", id=f"{c.id}-postgres", marks=pytest.mark.postgres)
    for c in CASES
    if c.id in ON_POSTGRES
]


@pytest.mark.parametrize(("case", "database_url"), RUNS, indirect=["database_url"])
def test_a_bad_extract_removes_nothing_that_should_stay(
    case: Case,
    client: TestClient,
    hub_app: FastAPI,
    council: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_sync(client, council) == 0
    before = held_at_hub(hub_app)
    assert len(before) == 12 + 9
    capsys.readouterr()
    case.mutate(council.parent / FILES[case.table][0])
    code = run_sync(client, council)
    out, err = capsys.readouterr()
    assert (code, case.where in err) == (case.exit_code, True), err
    assert "Traceback" not in err
    assert all(c.isprintable() or c == "\n" for c in out + err)
    assert before <= held_at_hub(hub_app)
