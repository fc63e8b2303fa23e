"""An auditor as the hub's operator registers one: an authority with the auditor role and an
OAuth2 client (``private_key_jwt``), and the CLI arguments that authenticate as it."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from homeward.cli import build_parser
from hub import operator
from keys import read_public_jwk, write_client_key
from tests.functional.conftest import register_authority

AUDITOR = "E99999999"


def add_auditor(app: FastAPI, folder: Path, code: str = AUDITOR) -> list[str]:
    """``--hub-url ... --client-id ... --client-key-file ...`` of a new auditor client."""
    register_authority(app, code, role="auditor")
    (folder / code).mkdir(parents=True, exist_ok=True)
    files = write_client_key(folder / code, "Ed25519")
    client_id = operator.add_client(
        app.state.hub,
        authority=code,
        name="auditor",
        scopes=["audit:read"],
        jwk=read_public_jwk(files.public),
    )
    return [
        "--hub-url", "http://testserver",
        "--client-id", client_id,
        "--client-key-file", str(files.private),
    ]  # fmt: skip


def run(argv: list[str], client: TestClient) -> int:
    """A `homeward audit ...` command over the test client (the real app, no network)."""
    args = build_parser().parse_args(argv)
    app: FastAPI = client.app  # type: ignore[assignment]  # the app under test
    code: int = args.handler(args, client, app.state.hub.clock)
    return code
