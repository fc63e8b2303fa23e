"""The OAuth2 CLI contract: `keys new-client`, `hub client add|list|revoke`, and scopes held
within the authority's role."""

from pathlib import Path

import pytest

from homeward.cli import main
from hub.settings import HubSettings


def hub_args(settings: HubSettings) -> list[str]:
    return ["--database-url", settings.database_url, "--key-file", str(settings.key_file)]


def test_a_client_is_made_registered_listed_and_revoked(
    hub_settings: HubSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = hub_args(hub_settings)
    assert main(["keys", "new-client", "--out", str(tmp_path / "c")]) == 0
    assert main(["keys", "new-client", "--out", str(tmp_path / "c")]) == 2  # never overwrites
    add = ["hub", "authority", "add", "E08000025", "--name", "B", "--contact", "x", *args]
    assert main(add) == 0
    capsys.readouterr()
    jwk = str(tmp_path / "c" / "client.jwk")
    scopes = ["--scope", "records:write", "--scope", "notifications:read"]
    assert main(["hub", "client", "add", "E08000025", "--jwk", jwk, *scopes, *args]) == 0
    client_id = capsys.readouterr().out.strip()
    assert client_id.startswith("e08000025-")
    assert main(["hub", "client", "list", *args]) == 0
    assert "active\tprivate_key_jwt\tnotifications:read records:write" in capsys.readouterr().out
    assert main(["hub", "client", "revoke", client_id, *args]) == 0
    assert main(["hub", "client", "list", *args]) == 0
    assert "\trevoked\t" in capsys.readouterr().out


def test_scopes_beyond_the_role_and_private_keys_are_refused(
    hub_settings: HubSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = hub_args(hub_settings)
    assert main(["keys", "new-client", "--out", str(tmp_path)]) == 0
    auditor = ["E99999999", "--name", "A", "--contact", "x", "--role", "auditor"]
    operator = ["E99999998", "--name", "O", "--contact", "x", "--role", "operator"]
    assert main(["hub", "authority", "add", *auditor, *args]) == 0
    assert main(["hub", "authority", "add", *operator, *args]) == 0
    jwk = ["--jwk", str(tmp_path / "client.jwk")]
    capsys.readouterr()
    for code, scope in (
        ("E99999999", "notifications:read"),
        ("E99999998", "notifications:read"),
        ("E99999998", "audit:read"),
    ):
        assert main(["hub", "client", "add", code, *jwk, "--scope", scope, *args]) == 2
        assert "may hold only" in capsys.readouterr().err
    private = ["--jwk", str(tmp_path / "client.key")]
    assert (
        main(["hub", "client", "add", "E99999999", *private, "--scope", "audit:read", *args]) == 2
    )
    assert "PRIVATE" in capsys.readouterr().err
    assert main(["hub", "client", "add", "E99999998", *jwk, "--scope", "admin", *args]) == 0
