"""Rotating the hub's access-token signing key (issue 8): `hub signing-key rotate` adds a
version that signs new tokens while the old one keeps verifying (both in the JWKS); `retire`
drops the old one once its tokens have expired (or at once, forced) and its tokens are refused
from then on. Each change audited; the key file stays 0600. SQLite and PostgreSQL."""

import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jws

from homeward.cli import main
from hub import operator
from hub.app import create_app
from hub.errors import InvalidRequest
from hub.settings import HubSettings
from keys import read_signing_keys
from tests.functional.conftest import Clock, bearer, register_authority
from tests.functional.oauth_helpers import add_client, assertion, refusals, token_form
from tests.functional.test_oauth_cli import hub_args

HOME = "E08000025"


@contextmanager
def started(settings: HubSettings, clock: Clock) -> Iterator[tuple[FastAPI, TestClient]]:
    """A hub (re)started from its settings: it reads the signing keyring at start."""
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        yield app, client
    app.state.hub.engine.dispose()


def kid_of(token: str) -> str:
    return str(jws.extract_compact(token.encode()).headers()["kid"])


def fetch(client: TestClient, app: FastAPI, client_id: str, key: dict[str, object]) -> str:
    issuer = app.state.hub.settings.issuer
    form = token_form(assertion(client_id, dict(key), app.state.hub.clock(), issuer))
    answer = client.post("/oauth/token", data=form)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def summary(client: TestClient, token: str) -> int:
    return client.get("/v1/records/summary", headers=bearer(token)).status_code


def test_a_rotated_key_signs_while_the_old_one_verifies_until_it_is_retired(
    hub_settings: HubSettings, clock: Clock, tmp_path: Path
) -> None:
    path = hub_settings.signing_keys_path
    with started(hub_settings, clock) as (app, client):
        register_authority(app, HOME)
        client_id, key = add_client(app, tmp_path / "c", HOME, ["records:write"])
        old_token = fetch(client, app, client_id, key)
        old_kid = kid_of(old_token)
        rotated = operator.rotate_signing_key(app.state.hub)
    new_kid = rotated.newest["kid"]
    assert rotated.kids == [old_kid, new_kid] and stat.S_IMODE(path.stat().st_mode) == 0o600

    with started(hub_settings, clock) as (app, client):
        published = [k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]]
        new_token = fetch(client, app, client_id, key)
        assert published == [old_kid, new_kid] and kid_of(new_token) == new_kid
        assert summary(client, old_token) == 200 and summary(client, new_token) == 200
        with pytest.raises(InvalidRequest, match="may be valid until"):
            operator.retire_signing_key(app.state.hub, old_kid)  # its tokens are still live
        assert read_signing_keys(path).kids == [old_kid, new_kid]  # refused: nothing changed
        operator.retire_signing_key(app.state.hub, old_kid, force=True)

    with started(hub_settings, clock) as (app, client):
        published = [k["kid"] for k in client.get("/.well-known/jwks.json").json()["keys"]]
        assert published == [new_kid]
        assert summary(client, old_token) == 401  # retired: refused though not yet expired
        assert summary(client, new_token) == 200
        rotations = refusals(app, "signingkey.rotate")
        retirements = refusals(app, "signingkey.retire")
    assert [(r["subject"], r["published"]) for r in rotations] == [(new_kid, [old_kid, new_kid])]
    assert [(r["subject"], r["forced"], r["published"]) for r in retirements] == [
        (old_kid, True, [new_kid])
    ]


def test_an_old_key_is_retired_without_force_once_its_tokens_have_expired(
    hub_settings: HubSettings, clock: Clock
) -> None:
    with started(hub_settings, clock) as (app, _):
        old_kid = read_signing_keys(hub_settings.signing_keys_path).newest["kid"]
        operator.rotate_signing_key(app.state.hub)
        lifetime = hub_settings.access_token_seconds + hub_settings.clock_leeway_seconds
        clock.now += timedelta(seconds=lifetime - 1)
        with pytest.raises(InvalidRequest):
            operator.retire_signing_key(app.state.hub, old_kid)
        clock.now += timedelta(seconds=1)
        remaining = operator.retire_signing_key(app.state.hub, old_kid)
        with pytest.raises(InvalidRequest, match="newest"):
            operator.retire_signing_key(app.state.hub, remaining.newest["kid"], force=True)
        assert old_kid not in remaining.kids and len(refusals(app, "signingkey.retire")) == 1


def test_the_signing_key_commands(
    hub_settings: HubSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    args = hub_args(hub_settings)
    assert main(["hub", "signing-key", "rotate", "--alg", "ES256", *args]) == 0
    out = capsys.readouterr().out
    assert "added signing key hub-v2-" in out and "(ES256)" in out and "restart" in out
    assert main(["hub", "signing-key", "list", *args]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[2] for line in listing] == ["verifies", "signs"]
    old_kid = listing[0].split("\t")[0]
    assert main(["hub", "signing-key", "retire", old_kid, *args]) == 2
    assert "may be valid until" in capsys.readouterr().err
    assert main(["hub", "signing-key", "retire", old_kid, "--force", *args]) == 0
    assert f"retired signing key {old_kid}" in capsys.readouterr().out
    assert main(["hub", "signing-key", "list", *args]) == 0
    assert [line.split("\t")[0][:7] for line in capsys.readouterr().out.splitlines()] == ["hub-v2-"]
