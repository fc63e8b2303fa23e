"""Witnesses through the real app, on SQLite and PostgreSQL: an auditor's Ed25519 key co-signs
(c2sp.org/tlog-cosignature) a checkpoint consistent with the one it kept, the hub serves the
cosignature with the checkpoint, `audit verify` can require N of given witnesses, and a
checkpoint inconsistent with the witness's state is refused. The cosignature is checked here
by an independent reading of the spec's rules (Ed25519 through joserfc's keys, not ``keys``)."""

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc.jwk import OKPKey

from homeward.cli import main
from homeward.commands.audit_access import AuditUsageError
from homeward.commands.audit_witness import read_witness_key
from hub.audit.cosignature import WitnessKey, cosignatures
from tests.functional import test_audit_log
from tests.functional.auditor_helpers import add_auditor, run
from tests.functional.conftest import bearer, register_authority
from tests.functional.oauth_helpers import refusals
from tests.functional.test_audit_tamper import rewrite

busy_hub = test_audit_log.busy_hub
DASH = "\u2014"


def spec_cosignature_timestamp(note: str, vkey: str) -> int | None:
    """The spec's rules, read independently: the line of this key's name and id, key id
    SHA-256(name || 0x0A || 0x04 || key)[:4], u64 big-endian timestamp, Ed25519 over
    "cosignature/v1\\ntime <t>\\n" + the note body. The timestamp if it verifies."""
    name, key_id_hex, encoded = vkey.split("+", 2)
    raw_key = base64.b64decode(encoded)
    assert raw_key[0] == 0x04 and len(raw_key) == 33
    key_id = hashlib.sha256(name.encode() + b"\n" + raw_key).digest()[:4]
    assert key_id.hex() == key_id_hex
    body, _, signatures = note.partition("\n\n")
    for line in signatures.splitlines():
        dash, line_name, b64 = line.split(" ")
        raw = base64.b64decode(b64)
        if dash != DASH or line_name != name or raw[:4] != key_id:
            continue
        timestamp = int.from_bytes(raw[4:12], "big")
        message = f"cosignature/v1\ntime {timestamp}\n{body}\n".encode()
        try:
            public_key(raw_key[1:]).verify(raw[12:76], message)
        except InvalidSignature:
            return None
        return timestamp if len(raw) == 76 else None
    return None


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_key(raw: bytes) -> Any:
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}).public_key


@pytest.fixture
def hub_auditor(busy_hub: FastAPI) -> dict[str, str]:
    """Headers of an auditor asking the hub for checkpoints over HTTP."""
    return bearer(register_authority(busy_hub, "E99999001", role="auditor"))


@pytest.fixture
def witness(busy_hub: FastAPI, client: TestClient, tmp_path: Path) -> tuple[list[str], str]:
    """The witness's `audit witness` arguments (it has kept a first checkpoint), its vkey."""
    auditor = add_auditor(busy_hub, tmp_path)
    key, state = tmp_path / "witness.key", tmp_path / "witness-state.json"
    made = ["audit", "witness-key", "--name", "audit.example.org/w1", "--out", str(key)]
    assert main(made) == 0
    args = ["audit", "witness", *auditor, "--witness-key", str(key), "--state", str(state)]
    assert run([*args, "--no-submit"], client) == 0
    return args, read_witness_key(key).key.vkey


def grown(client: TestClient, hub_auditor: dict[str, str]) -> str:
    """A new checkpoint, once the log has grown."""
    client.get("/v1/audit", headers=hub_auditor).raise_for_status()
    response = client.post("/v1/audit/checkpoint", headers=hub_auditor)
    response.raise_for_status()
    return response.text


def served(client: TestClient, hub_auditor: dict[str, str]) -> str:
    response = client.get("/v1/audit/checkpoint", headers=hub_auditor)
    response.raise_for_status()
    return response.text


def verify_args(witness: tuple[list[str], str], *more: str) -> list[str]:
    args = witness[0]
    hub = args[args.index("--hub-url") : args.index("--witness-key")]
    return ["audit", "verify", *hub, *more]


def test_a_witness_cosigns_a_consistent_checkpoint_and_the_hub_serves_it(
    busy_hub: FastAPI,
    client: TestClient,
    hub_auditor: dict[str, str],
    witness: tuple[list[str], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    args, vkey = witness
    grown(client, hub_auditor)
    assert run(args, client) == 0
    assert "checkpoint" in capsys.readouterr().out
    note = served(client, hub_auditor)
    assert spec_cosignature_timestamp(note, vkey) is not None
    assert [c.witness.vkey for c in cosignatures(note, [WitnessKey.parse(vkey)])] == [vkey]
    (accepted,) = refusals(busy_hub, "witness.cosign")
    assert accepted["witness"] == vkey
    assert run(verify_args(witness, "--witness", vkey), client) == 0
    assert "cosigned by witness audit.example.org/w1" in capsys.readouterr().out


def test_verify_refuses_a_checkpoint_without_the_witnesses_required(
    client: TestClient,
    hub_auditor: dict[str, str],
    witness: tuple[list[str], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    args, vkey = witness
    grown(client, hub_auditor)
    assert run(args, client) == 0
    other = WitnessKey("audit.example.org/w2", bytes(range(32))).vkey
    assert run(verify_args(witness, "--witness", other), client) == 1
    assert "0 of the 1 cosignatures" in capsys.readouterr().out
    both = verify_args(witness, "--witness", vkey, "--witness", other)
    assert run(both, client) == 1
    assert run([*both, "--min-witnesses", "1"], client) == 0
    with pytest.raises(AuditUsageError, match="needs at least 3"):
        run([*both, "--min-witnesses", "3"], client)


def test_a_cosignature_made_by_an_independent_implementation_is_accepted(
    client: TestClient,
    hub_auditor: dict[str, str],
    witness: tuple[list[str], str],
) -> None:
    note = grown(client, hub_auditor)
    key = OKPKey.generate_key("Ed25519", private=True)
    private: Any = key.private_key
    public = base64.urlsafe_b64decode(str(key.as_dict()["x"]) + "=")
    name = "oid/1.3.6.1.4.1.99999.1"
    key_id = hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    encoded = base64.b64encode(b"\x04" + public).decode()
    vkey = f"{name}+{key_id.hex()}+{encoded}"
    body = note.partition("\n\n")[0] + "\n"
    timestamp = 1_764_554_400
    signature = private.sign(f"cosignature/v1\ntime {timestamp}\n{body}".encode())
    raw = key_id + timestamp.to_bytes(8, "big") + signature
    line = f"{DASH} {name} {base64.b64encode(raw).decode()}\n"
    size = int(body.splitlines()[1])
    forged = key_id + (timestamp + 1).to_bytes(8, "big") + signature
    bad = f"{DASH} {name} {base64.b64encode(forged).decode()}\n"
    submit = {"size": size, "witness_key": vkey}
    answer = client.post(
        "/v1/audit/checkpoint/cosignature", json={**submit, "cosignature": bad}, headers=hub_auditor
    )
    assert answer.status_code == 422
    answer = client.post(
        "/v1/audit/checkpoint/cosignature",
        json={**submit, "cosignature": line},
        headers=hub_auditor,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["cosignatures"] == 1
    assert spec_cosignature_timestamp(served(client, hub_auditor), vkey) == timestamp
    assert run(verify_args(witness, "--witness", vkey), client) == 0


def test_no_cosignature_for_a_checkpoint_the_hub_never_signed(
    client: TestClient, hub_auditor: dict[str, str], witness: tuple[list[str], str]
) -> None:
    answer = client.post(
        "/v1/audit/checkpoint/cosignature",
        json={"size": 999_999, "witness_key": witness[1], "cosignature": f"{DASH} x AAAA"},
        headers=hub_auditor,
    )
    assert answer.status_code == 404


def test_a_witness_refuses_a_checkpoint_inconsistent_with_its_state(
    busy_hub: FastAPI,
    client: TestClient,
    hub_auditor: dict[str, str],
    witness: tuple[list[str], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    args, vkey = witness
    state = Path(args[args.index("--state") + 1])
    kept = state.read_text()
    rewrite(busy_hub, 2, '"actor":"', '"actor":"X')  # the operator rewrites history
    grown(client, hub_auditor)
    capsys.readouterr()
    assert run(args, client) == 1
    out = capsys.readouterr().out
    assert "REFUSED TO COSIGN" in out
    assert "history was rewritten" in out
    assert state.read_text() == kept
    assert spec_cosignature_timestamp(served(client, hub_auditor), vkey) is None
    assert refusals(busy_hub, "witness.cosign") == []
    assert json.loads(kept)["vkey"] != vkey  # the state holds the hub's key, not the witness's
