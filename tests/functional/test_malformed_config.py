"""A corpus of broken connector configurations and key files, run through the real CLI against
a served hub: each is refused with the file and the key it is about, a remedy, the documented
exit code and no traceback, and nothing is sent to (or removed at) the hub."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from homeward.cli import main
from homeward.demo import serving
from keys import SharedKeyring, write_shared_keyring
from tests.functional.test_connector_cli import point_at
from tests.functional.test_connector_sync import HOME, summary, sync, write_councils

Mutation = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Mutation
    expected: tuple[str, ...]  # in stderr besides the config file's path ("{key}": file path)
    exit_code: int = 2
    names_config: bool = True


def edit(old: str, new: str) -> Mutation:
    def mutate(config: Path) -> None:
        text = config.read_text()
        assert old in text, old
        config.write_text(text.replace(old, new, 1))

    return mutate


def append(line: str) -> Mutation:
    return lambda config: config.write_text(config.read_text() + line + "\n")


def write(name: str, content: str | bytes) -> Mutation:
    def mutate(config: Path) -> None:
        target = config.parent / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)

    return mutate


def shared_key(config: Path) -> Path:
    return config.parent.parent / "shared.key"


def keyring_file(content: str) -> Mutation:
    return lambda config: shared_key(config).write_text(content)


def remove(name: str) -> Mutation:
    return lambda config: (config.parent / name).unlink()


COUNCIL_KEY = {"kind": "homeward-council-key", "secret": "A" * 43}


def new_keyring_same_epoch(config: Path) -> None:
    write_shared_keyring(shared_key(config), SharedKeyring.generate(), replace=True)


CASES = [
    Case("unknown key", edit('state_file = "state.json"', 'colour = "blue"'), ("colour",)),
    Case("misspelt sync key", edit("retries = 0", "retires = 0"), ("sync.retires",)),
    Case("unknown section", append("[sink]\nbatch_size = 3"), ("sink",)),
    Case("batch_size 0", edit("batch_size = 3", "batch_size = 0"), ("sync.batch_size",)),
    Case("batch_size -1", edit("batch_size = 3", "batch_size = -1"), ("sync.batch_size",)),
    Case("batch_size string", edit("batch_size = 3", 'batch_size = "3"'), ("sync.batch_size",)),
    Case("batch_size float", edit("batch_size = 3", "batch_size = 3.5"), ("sync.batch_size",)),
    Case("batch_size bool", edit("batch_size = 3", "batch_size = true"), ("sync.batch_size",)),
    Case("share 1.5", append("max_removal_share = 1.5"), ("sync.max_removal_share",)),
    Case("share negative", append("max_removal_share = -0.1"), ("sync.max_removal_share",)),
    Case("table drop 2", append("max_table_drop = 2"), ("sync.max_table_drop",)),
    Case("retries -1", edit("retries = 0", "retries = -1"), ("sync.retries",)),
    Case(
        "http to another host",
        edit("hub_url = ", 'hub_url = "http://hub.example.org"\n#'),
        ("hub_url", "https://"),
    ),
    Case("ftp hub_url", edit("hub_url = ", 'hub_url = "ftp://127.0.0.1/"\n#'), ("hub_url",)),
    Case("hub_url number", edit("hub_url = ", "hub_url = 42\n#"), ("hub_url",)),
    Case("authority not a code", edit('"E08000025"', '"Birmingham"'), ("authority",)),
    Case("authority missing", edit('authority = "E08000025"', ""), ("authority",)),
    Case("sources missing", edit("[sources]", "[elsewhere]"), ("sources", "elsewhere")),
    Case(
        "identities not a path",
        edit('identities = "identities.csv"', "identities = [1]"),
        ("sources.identities",),
    ),
    Case(
        "unknown encoding",
        edit('identities = "identities.csv"', 'identities = "identities.csv"\nencoding = "x"'),
        ("sources.encoding", "unknown encoding"),
    ),
    Case("unknown subsection", append("[sources.extra]"), ("sources.extra",)),
    Case(
        "misspelt operator_vkey",
        edit('state_file = "state.json"', 'operator_vkye = "homeward-operator+00+AA"'),
        ("operator_vkye", "correct its spelling"),
    ),
    Case(
        "operator_vkey not a verifier key",
        edit('state_file = "state.json"', 'operator_vkey = "operator.vkey"'),
        ("operator_vkey", "verifier key", "operator's operator.vkey"),
    ),
    Case("missing config file", lambda c: c.unlink(), ("not found",)),
    Case("unreadable TOML", append("batch_size = = 3"), ("not valid TOML", "line")),
    Case("not UTF-8", lambda c: c.write_bytes(b'authority = "\xff\xfe"\n'), ("cannot read",)),
    Case("missing keyring", lambda c: shared_key(c).unlink(), ("shared_keyring", "{keyring}")),
    Case("missing council key", remove("council.key"), ("council_key", "not found")),
    Case(
        "wrong-kind key file",
        edit('shared_keyring = "', 'shared_keyring = "council.key"\n#'),
        ("shared_keyring", "expected a homeward-shared-keyring"),
    ),
    Case(
        "empty keyring",
        keyring_file('{"kind": "homeward-shared-keyring", "epochs": {}}'),
        ("shared_keyring", "at least one key epoch"),
    ),
    Case("zero-byte keyring", keyring_file(""), ("shared_keyring", "{keyring}")),
    Case(
        "truncated keyring",
        keyring_file('{"kind": "homeward-shared-keyring", "epochs": {"1": "abc'),
        ("shared_keyring", "not a readable key file"),
    ),
    Case(
        "keyring secret not a string",
        keyring_file('{"kind": "homeward-shared-keyring", "epochs": {"1": 7}}'),
        ("shared_keyring", "base64url string"),
    ),
    Case(
        "keyring secret too short",
        keyring_file('{"kind": "homeward-shared-keyring", "epochs": {"1": "AAAA"}}'),
        ("shared_keyring", "shorter than 32 bytes"),
    ),
    Case(
        "another council's key",
        write("council.key", json.dumps({**COUNCIL_KEY, "authority": "E06000023"})),
        ("council_key", "E06000023"),
    ),
    Case("credential file missing", remove("credential.txt"), ("credential_file",)),
    Case("credential file empty", write("credential.txt", "\n"), ("credential_file", "empty")),
    Case(
        "state file corrupt",
        write("state.json", '{"children": '),
        ("state.json", "state file is unreadable"),
        names_config=False,
    ),
    Case(
        "another keyring, same epoch",
        new_keyring_same_epoch,
        ("keyring_mismatch", "{keyring}", "epoch 1"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_broken_config_is_refused_with_its_file_and_key(
    case: Case,
    tmp_path: Path,
    hub_app: FastAPI,
    client: TestClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_councils(tmp_path, hub_app)[HOME]
    assert sync(config, client).sent == 10
    before, credential = summary(client, config), (config.parent / "credential.txt").read_text()
    with serving(hub_app) as hub_url:
        point_at(config, hub_url)
        case.mutate(config)
        capsys.readouterr()
        code = main(["connector", "sync", "--config", str(config), "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == case.exit_code, err
    assert err.startswith("error ["), err
    assert "remedy:" in err
    for expected in ((str(config),) if case.names_config else ()) + case.expected:
        assert expected.replace("{keyring}", str(shared_key(config))) in err, err
    (config.parent / "credential.txt").write_text(credential)  # a case may have broken it
    assert summary(client, config) == before  # nothing sent, nothing removed
