"""Which secret signs the web session cookies: in development, one derived from the hub key,
so every worker process (each reading the same key file) reads a cookie any of them signed; in
production, only the configured one, and `homeward hub serve --workers N` refuses to start
without it before any worker process does."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from homeward.cli import main
from hub.errors import ConfigurationError
from hub.settings import HubSettings
from hub.web.session import Person, PersonRole, SessionCodec, SignInRequired
from keys import HubKeyring, new_secret

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PERSON = Person(
    "sub-1", "Dana", "E08000025", "council", PersonRole.DUTY_WORKER, "csrf", NOW.timestamp()
)
HUB_KEY = new_secret()


def worker(secret: bytes = HUB_KEY, **settings: object) -> SessionCodec:
    """One worker process's codec: its settings, and the hub key file it read."""
    return SessionCodec(HubSettings(**settings), HubKeyring({1: secret}))  # type: ignore[arg-type]


def cookie() -> str:
    return worker().dump(PERSON)


def test_every_worker_of_one_hub_reads_a_cookie_any_of_them_signed() -> None:
    assert worker().load(cookie(), NOW).subject == "sub-1"


def test_another_hubs_key_does_not_read_it() -> None:
    with pytest.raises(SignInRequired) as refused:
        worker(new_secret()).load(cookie(), NOW)
    assert refused.value.reason == "session cookie does not verify"


def test_a_configured_secret_signs_whatever_the_hub_key() -> None:
    secret = "s" * 40
    signed = worker(web_session_secret=secret).dump(PERSON)
    assert worker(new_secret(), web_session_secret=secret).load(signed, NOW).name == "Dana"
    with pytest.raises(SignInRequired, match="Sign in"):
        worker().load(signed, NOW)  # not the derived one


def test_production_refuses_to_start_without_the_secret() -> None:
    with pytest.raises(ConfigurationError, match="WEB_SESSION_SECRET must be set"):
        worker(production=True)
    with pytest.raises(ConfigurationError, match="32 characters"):
        worker(production=True, web_session_secret="short")
    assert worker(production=True, web_session_secret="s" * 32).load(
        worker(web_session_secret="s" * 32).dump(PERSON), NOW
    )


def test_serve_with_several_workers_in_production_stops_before_starting_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "hub.db"
    database.touch()
    for name, value in (("DATABASE_URL", f"sqlite:///{database}"), ("PRODUCTION", "true")):
        monkeypatch.setenv(f"HOMEWARD_HUB_{name}", value)
    monkeypatch.setenv("HOMEWARD_HUB_KEY_FILE", str(tmp_path / "hub.key"))

    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("uvicorn started worker processes without a session secret")

    monkeypatch.setattr(uvicorn, "run", started)
    assert main(["hub", "serve", "--workers", "4"]) == 2
    error = capsys.readouterr().err
    assert "HOMEWARD_HUB_WEB_SESSION_SECRET must be set" in error
    assert "all 4 worker processes must sign with it" in error
